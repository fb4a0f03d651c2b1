//! The committed contract is this build's contract, and every operation is documented alike.

use serde_json::Value;

#[test]
fn openapi_yaml_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = api::openapi::yaml().expect("the document renders as YAML");
    assert!(
        committed == generated,
        "openapi.yaml differs from the code's contract: run `make openapi` and commit the result"
    );
}

/// Every operation of the document, as (path, method, operation).
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let paths = document["paths"]
        .as_object()
        .expect("the document has paths");
    let mut out = Vec::new();
    for (path, item) in paths {
        for method in [
            "get", "put", "post", "delete", "patch", "head", "options", "trace",
        ] {
            if let Some(operation) = item.get(method) {
                out.push((path.clone(), method.to_owned(), operation.clone()));
            }
        }
    }
    out
}

#[test]
fn every_operation_has_an_id_a_tag_and_documents_401_where_it_needs_a_token() {
    let document = serde_json::to_value(api::openapi::document()).expect("serialises");
    let operations = operations(&document);
    assert!(operations.len() >= 9, "{} operations", operations.len());
    let mut ids = Vec::new();
    for (path, method, operation) in &operations {
        let id = operation["operationId"].as_str().unwrap_or_default();
        assert!(!id.is_empty(), "{method} {path} has no operationId");
        ids.push(id.to_owned());
        let tags = operation["tags"].as_array().map(Vec::len).unwrap_or(0);
        assert!(tags > 0, "{method} {path} has no tag");
        // Health, metrics and published privacy notices are public.
        let open =
            path.starts_with("/health") || path == "/metrics" || path.ends_with("/privacy-notice");
        let has_401 = operation["responses"].get("401").is_some();
        if !open {
            assert!(has_401, "{method} {path} does not document 401");
            assert!(
                operation["security"].is_array(),
                "{method} {path} names no security"
            );
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operationIds are unique");
}

/// The document served says where it is served (`servers`), and says of every operation whether
/// it needs a token: `security: []` for the public ones, which answer without one.
#[tokio::test]
async fn the_served_document_names_its_server_and_its_public_operations() {
    let app = crate::helpers::spawn_app().await;
    let served = crate::helpers::json_body(
        app.get("/openapi.json", None).await,
        reqwest::StatusCode::OK,
    )
    .await;
    let servers = served["servers"].as_array().cloned().unwrap_or_default();
    assert!(!servers.is_empty(), "no servers: {}", served["servers"]);
    let mut public = Vec::new();
    for (path, method, operation) in operations(&served) {
        let security = operation["security"].as_array();
        assert!(security.is_some(), "{method} {path} names no security");
        if security.is_some_and(Vec::is_empty) {
            public.push(path);
        }
    }
    public.sort();
    assert_eq!(
        public,
        [
            "/api/v1/organisations/{slug}/privacy-notice",
            "/health/live",
            "/health/ready",
            "/metrics"
        ]
    );
    for path in ["/health/live", "/health/ready", "/metrics"] {
        assert_eq!(app.get(path, None).await.status(), reqwest::StatusCode::OK);
    }
}
