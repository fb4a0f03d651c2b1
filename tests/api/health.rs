//! Operations endpoints: liveness, readiness, metrics, the contract and its docs, request ids.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

const REQUEST_ID: &str = "x-request-id";

#[tokio::test]
async fn live_and_ready_answer_without_a_token() {
    let app = spawn_app().await;
    let live = json_body(app.get("/health/live", None).await, StatusCode::OK).await;
    assert_eq!(live, json!({"status": "ok"}));
    let ready = json_body(app.get("/health/ready", None).await, StatusCode::OK).await;
    assert_eq!(ready, json!({"status": "ready"}));
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_never_by_raw_path() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let id = text(&app.create_ticket(&agent, &incident("Counted")).await, "id");
    app.ticket(&agent, &id).await;
    app.ticket(&agent, &id).await;
    app.get("/api/v1/people/jane.doe@example.com", Some(&agent))
        .await;

    let response = app.get("/metrics", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = content_type(&response);
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let body = response.text().await.expect("a text body");
    assert!(
        body.contains("# TYPE http_requests_total counter"),
        "{body}"
    );
    assert!(
        body.contains(
            "http_requests_total{method=\"GET\",route=\"/api/v1/tickets/{id}\",status=\"200\"} 2"
        ),
        "{body}"
    );
    assert!(
        body.contains(
            "http_requests_total{method=\"POST\",route=\"/api/v1/tickets\",status=\"201\"} 1"
        ),
        "{body}"
    );
    assert!(
        body.contains("http_request_duration_seconds_bucket"),
        "{body}"
    );
    assert!(!body.contains(&id), "a raw id in the metrics: {body}");
    assert!(
        !body.contains("jane.doe"),
        "a raw path in the metrics: {body}"
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let responses = [
        app.get("/health/live", None).await,
        app.get(TICKETS, Some(&agent)).await,
        app.get(TICKETS, None).await,
        app.get("/api/v1/nope", Some(&agent)).await,
        send(app.request(Method::DELETE, TICKETS, Some(&agent))).await,
        app.post_json(TICKETS, Some(&agent), &json!({"title": 1}))
            .await,
    ];
    let mut seen = Vec::new();
    for response in responses {
        let id = response
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let id = id.unwrap_or_else(|| panic!("no request id on a {} answer", response.status()));
        assert!(!id.is_empty());
        seen.push(id);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6, "each request gets its own id");
}

#[tokio::test]
async fn a_safe_incoming_request_id_is_echoed_and_an_unsafe_one_replaced() {
    let app = spawn_app().await;
    let echoed = send(
        app.request(Method::GET, "/health/live", None)
            .header(REQUEST_ID, "trace-123_abc.DEF"),
    )
    .await;
    assert_eq!(
        echoed
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok()),
        Some("trace-123_abc.DEF")
    );
    for unsafe_id in ["has spaces in it", "jane@example.com", &"a".repeat(65)] {
        let response = send(
            app.request(Method::GET, "/health/live", None)
                .header(REQUEST_ID, unsafe_id),
        )
        .await;
        let id = response
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            !id.is_empty() && id != unsafe_id,
            "{unsafe_id:?} came back as {id:?}"
        );
    }
}

#[tokio::test]
async fn the_contract_and_its_docs_are_served() {
    let app = spawn_app().await;
    let document = json_body(app.get("/openapi.json", None).await, StatusCode::OK).await;
    assert!(text(&document, "openapi").starts_with("3."), "{document}");
    assert!(document["paths"]["/api/v1/tickets/{id}"]["patch"].is_object());
    let expected = serde_json::to_value(api::openapi::document()).expect("the document serialises");
    assert_eq!(document, expected, "/openapi.json is this build's document");

    let docs = app.get("/docs/", None).await;
    assert_eq!(docs.status(), StatusCode::OK);
    let html = docs.text().await.expect("a text body");
    assert!(html.contains("swagger-ui"), "Swagger UI page: {html}");
}
