//! Headers that keep browsers safe: every answer forbids content sniffing, and the public HTML
//! privacy notice may load nothing and be framed by nobody.

use reqwest::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use reqwest::{Method, StatusCode};

use crate::helpers::*;

#[tokio::test]
async fn the_html_privacy_notice_loads_nothing_and_is_never_framed() {
    let app = spawn_seeded_app().await;
    let response = app
        .get(
            "/api/v1/organisations/devon-cc/privacy-notice?format=html",
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("text/html"));
    let csp = header_of(&response, CONTENT_SECURITY_POLICY);
    for directive in ["default-src 'none'", "frame-ancestors 'none'"] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert_eq!(header_of(&response, X_FRAME_OPTIONS), "DENY");
    assert_eq!(header_of(&response, X_CONTENT_TYPE_OPTIONS), "nosniff");
}

/// Every kind of answer: JSON, problems (a handler's and the fallback's), plain text, SCIM,
/// the contract, and Swagger UI with its assets (which still come with script and style
/// types, so the page works under nosniff).
#[tokio::test]
async fn every_answer_forbids_sniffing() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let integrator = app.token(ORG, &["integrator"], "entra");
    let requests = [
        (Method::GET, "/api/v1/tickets", Some(&agent), StatusCode::OK),
        (
            Method::GET,
            "/api/v1/tickets",
            None,
            StatusCode::UNAUTHORIZED,
        ),
        (Method::GET, "/no/such/route", None, StatusCode::NOT_FOUND),
        (Method::GET, "/metrics", None, StatusCode::OK),
        (
            Method::GET,
            "/scim/v2/Users",
            Some(&integrator),
            StatusCode::OK,
        ),
        (
            Method::GET,
            "/scim/v2/Users",
            None,
            StatusCode::UNAUTHORIZED,
        ),
        (Method::GET, "/openapi.json", None, StatusCode::OK),
        (Method::GET, "/docs/", None, StatusCode::OK),
    ];
    for (method, path, token, status) in requests {
        let response = send(app.request(method.clone(), path, token.map(String::as_str))).await;
        assert_eq!(response.status(), status, "{method} {path}");
        assert_eq!(
            header_of(&response, X_CONTENT_TYPE_OPTIONS),
            "nosniff",
            "{method} {path}"
        );
    }
    for (asset, kind) in [
        ("/docs/swagger-ui-bundle.js", "javascript"),
        ("/docs/swagger-ui.css", "text/css"),
    ] {
        let response = app.get(asset, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        assert_eq!(header_of(&response, X_CONTENT_TYPE_OPTIONS), "nosniff");
        let declared = header_of(&response, CONTENT_TYPE);
        assert!(declared.contains(kind), "{asset}: {declared}");
    }
}
