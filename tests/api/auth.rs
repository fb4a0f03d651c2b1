//! Bearer tokens on the HS256 server: every way a token can be wrong is a 401 that says only
//! that; a valid token without a known role is a 403.

use jsonwebtoken::Algorithm;
use reqwest::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// The answer to listing tickets with `token`, checked to be a 401 with a Bearer challenge
/// that does not repeat the token.
async fn assert_refused(app: &TestApp, token: &str, why: &str) {
    let response = app.get(TICKETS, Some(token)).await;
    let challenge = response
        .headers()
        .get(WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let status = response.status();
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{why}");
    let body = problem(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(challenge.as_deref(), Some("Bearer"), "{why}");
    assert!(
        text(&body, "type").ends_with("/unauthenticated"),
        "{why}: {body}"
    );
    if !token.is_empty() {
        assert!(
            !body.to_string().contains(token),
            "{why}: the token is echoed"
        );
    }
}

fn agent_claims() -> Value {
    claims(ORG, &["agent"], "agent-1")
}

fn with(mut claims: Value, field: &str, value: Value) -> Value {
    claims[field] = value;
    claims
}

fn without(mut claims: Value, field: &str) -> Value {
    claims.as_object_mut().expect("an object").remove(field);
    claims
}

#[tokio::test]
async fn a_valid_token_is_accepted() {
    let app = spawn_app().await;
    let response = app
        .get(TICKETS, Some(&hs256(SECRET, &agent_claims())))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn no_token_is_401_with_a_bearer_challenge() {
    let app = spawn_app().await;
    let response = app.get(TICKETS, None).await;
    let challenge = response.headers().get(WWW_AUTHENTICATE).cloned();
    let body = problem(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(
        challenge.as_ref().and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
    assert!(text(&body, "detail").contains("required"), "{body}");
}

#[tokio::test]
async fn a_malformed_authorization_header_is_401() {
    let app = spawn_app().await;
    let token = hs256(SECRET, &agent_claims());
    for header in [
        "Bearer".to_owned(),
        "Bearer    ".to_owned(),
        format!("Basic {token}"),
        format!("Token {token}"),
        token.clone(),
    ] {
        let response = send(
            app.request(Method::GET, TICKETS, None)
                .header(AUTHORIZATION, &header),
        )
        .await;
        problem(response, StatusCode::UNAUTHORIZED).await;
    }
    // The scheme is case-insensitive.
    let response = send(
        app.request(Method::GET, TICKETS, None)
            .header(AUTHORIZATION, format!("bearer {token}")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn garbage_is_401() {
    let app = spawn_app().await;
    for token in ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.", "...."] {
        assert_refused(&app, token, token).await;
    }
}

#[tokio::test]
async fn an_expired_token_is_401_saying_so() {
    let app = spawn_app().await;
    let now = unix_now();
    // Past the 30 s leeway.
    let claims = with(
        with(agent_claims(), "exp", json!(now - 120)),
        "iat",
        json!(now - 3600),
    );
    let claims = with(claims, "nbf", json!(now - 3600));
    let token = hs256(SECRET, &claims);
    assert_refused(&app, &token, "expired").await;
    let body = problem(
        app.get(TICKETS, Some(&token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(text(&body, "detail").contains("expired"), "{body}");
}

#[tokio::test]
async fn a_token_not_yet_valid_is_401() {
    let app = spawn_app().await;
    let later = unix_now() + 3600;
    let token = hs256(SECRET, &with(agent_claims(), "nbf", json!(later)));
    assert_refused(&app, &token, "nbf in the future").await;
}

#[tokio::test]
async fn the_wrong_issuer_audience_or_secret_is_401() {
    let app = spawn_app().await;
    let cases = [
        (
            "issuer",
            hs256(SECRET, &with(agent_claims(), "iss", json!("someone-else"))),
        ),
        (
            "audience",
            hs256(SECRET, &with(agent_claims(), "aud", json!("another-api"))),
        ),
        (
            "secret",
            hs256("another-secret-of-at-least-32-bytes!!", &agent_claims()),
        ),
    ];
    for (why, token) in cases {
        assert_refused(&app, &token, why).await;
    }
}

#[tokio::test]
async fn a_token_missing_a_required_claim_is_401() {
    let app = spawn_app().await;
    for claim in ["org", "roles", "sub", "exp", "iss", "aud"] {
        let token = hs256(SECRET, &without(agent_claims(), claim));
        assert_refused(&app, &token, claim).await;
    }
}

#[tokio::test]
async fn claims_of_the_wrong_shape_are_401() {
    let app = spawn_app().await;
    let cases = [
        (
            "org not a slug",
            with(agent_claims(), "org", json!("Acme Corp")),
        ),
        ("org empty", with(agent_claims(), "org", json!(""))),
        (
            "roles not a list",
            with(agent_claims(), "roles", json!("agent")),
        ),
        ("sub blank", with(agent_claims(), "sub", json!("  "))),
        (
            "sub too long",
            with(agent_claims(), "sub", json!("s".repeat(201))),
        ),
    ];
    for (why, claims) in cases {
        assert_refused(&app, &hs256(SECRET, &claims), why).await;
    }
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_401() {
    let app = spawn_app().await;
    assert_refused(&app, &unsigned_token(&agent_claims()), "alg none").await;
}

#[tokio::test]
async fn an_rs256_token_is_401_when_only_hs256_is_configured() {
    let app = spawn_app().await;
    let token = sign(
        Algorithm::RS256,
        &signing_key("rsa-1.pem"),
        Some("rsa-1"),
        &agent_claims(),
    );
    assert_refused(&app, &token, "RS256 on an HS256 server").await;
}

#[tokio::test]
async fn a_token_with_only_unknown_roles_is_403() {
    let app = spawn_app().await;
    for roles in [json!(["superuser"]), json!([]), json!(["Agent"])] {
        let token = hs256(SECRET, &with(agent_claims(), "roles", roles.clone()));
        let response = app.get(TICKETS, Some(&token)).await;
        problem(response, StatusCode::FORBIDDEN).await;
    }
    // Unknown roles beside a known one are ignored.
    let token = hs256(
        SECRET,
        &with(agent_claims(), "roles", json!(["superuser", "agent"])),
    );
    assert_eq!(
        app.get(TICKETS, Some(&token)).await.status(),
        StatusCode::OK
    );
}
