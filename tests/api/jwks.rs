//! RS256 and ES256 tokens verified with keys from a JWKS, from a file or a URL; the algorithms
//! come from configuration, never from the token.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use api::auth::jwks::JwksSource;
use jsonwebtoken::{Algorithm, EncodingKey};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

fn agent_claims() -> Value {
    claims(ORG, &["agent"], "agent-1")
}

async fn status_with(app: &TestApp, token: &str) -> StatusCode {
    app.get(TICKETS, Some(token)).await.status()
}

async fn jwks_app() -> TestApp {
    TestApp::builder().jwks_fixture("jwks.json").spawn().await
}

/// A token signed by one of the fixture keys, named by its key id (`rsa-1`, `ec-1`, `rsa-2`):
/// RSA keys sign RS256, EC keys ES256, and the token names the key in its header.
fn signed_by(kid: &str, claims: &Value) -> String {
    let algorithm = if kid.starts_with("ec-") {
        Algorithm::ES256
    } else {
        Algorithm::RS256
    };
    sign(
        algorithm,
        &signing_key(&format!("{kid}.pem")),
        Some(kid),
        claims,
    )
}

#[tokio::test]
async fn rs256_and_es256_tokens_from_the_jwks_are_accepted() {
    let app = jwks_app().await;
    let rsa = signed_by("rsa-1", &agent_claims());
    let ec = signed_by("ec-1", &agent_claims());
    assert_eq!(status_with(&app, &rsa).await, StatusCode::OK);
    assert_eq!(status_with(&app, &ec).await, StatusCode::OK);
    // Verified once and then served from the cache: still accepted.
    assert_eq!(status_with(&app, &rsa).await, StatusCode::OK);
    // The token's subject and organisation are the caller's.
    let ticket = app.create_ticket(&ec, &incident("Signed with P-256")).await;
    assert_eq!(ticket["raised_by"], by_account("agent-1"));
}

#[tokio::test]
async fn without_a_kid_the_only_key_of_the_algorithm_is_used() {
    let app = jwks_app().await;
    let rsa = sign(
        Algorithm::RS256,
        &signing_key("rsa-1.pem"),
        None,
        &agent_claims(),
    );
    assert_eq!(status_with(&app, &rsa).await, StatusCode::OK);
}

#[tokio::test]
async fn tokens_the_jwks_does_not_vouch_for_are_401() {
    let app = jwks_app().await;
    let rsa_2 = signing_key("rsa-2.pem");
    let cases = [
        (
            "a key not in the set",
            sign(Algorithm::RS256, &rsa_2, Some("rsa-2"), &agent_claims()),
        ),
        (
            "a known kid, another key",
            sign(Algorithm::RS256, &rsa_2, Some("rsa-1"), &agent_claims()),
        ),
        (
            "no kid, another key",
            sign(Algorithm::RS256, &rsa_2, None, &agent_claims()),
        ),
        (
            "an EC token naming the RSA kid",
            sign(
                Algorithm::ES256,
                &signing_key("ec-1.pem"),
                Some("rsa-1"),
                &agent_claims(),
            ),
        ),
    ];
    for (why, token) in cases {
        let response = app.get(TICKETS, Some(&token)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{why}");
        problem(response, StatusCode::UNAUTHORIZED).await;
    }
}

#[tokio::test]
async fn asymmetric_tokens_are_still_checked_for_issuer_audience_and_expiry() {
    let app = jwks_app().await;
    let key = signing_key("rsa-1.pem");
    let mut wrong_issuer = agent_claims();
    wrong_issuer["iss"] = "someone-else".into();
    let mut wrong_audience = agent_claims();
    wrong_audience["aud"] = "another-api".into();
    let mut expired = agent_claims();
    expired["exp"] = (unix_now() - 120).into();
    for claims in [wrong_issuer, wrong_audience, expired] {
        let token = sign(Algorithm::RS256, &key, Some("rsa-1"), &claims);
        assert_eq!(
            status_with(&app, &token).await,
            StatusCode::UNAUTHORIZED,
            "{claims}"
        );
    }
}

#[tokio::test]
async fn an_hs256_token_is_401_when_only_rs256_and_es256_are_configured() {
    let app = jwks_app().await;
    assert_eq!(
        status_with(&app, &hs256(SECRET, &agent_claims())).await,
        StatusCode::UNAUTHORIZED
    );
    // Algorithm confusion: HS256 "signed" with the RSA public key as the secret.
    let public = std::fs::read(fixture("rsa-1.pub.pem")).expect("fixture present");
    let forged = sign(
        Algorithm::HS256,
        &EncodingKey::from_secret(&public),
        Some("rsa-1"),
        &agent_claims(),
    );
    assert_eq!(status_with(&app, &forged).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        status_with(&app, &unsigned_token(&agent_claims())).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn only_the_configured_asymmetric_algorithms_are_accepted() {
    let app = TestApp::builder()
        .jwks_fixture("jwks.json")
        .algorithms(&[Algorithm::ES256])
        .spawn()
        .await;
    let rsa = signed_by("rsa-1", &agent_claims());
    let ec = signed_by("ec-1", &agent_claims());
    assert_eq!(status_with(&app, &rsa).await, StatusCode::UNAUTHORIZED);
    assert_eq!(status_with(&app, &ec).await, StatusCode::OK);
}

/// A JWKS over plain HTTP on loopback: serves whatever set it currently holds and counts the
/// fetches.
struct JwksServer {
    url: String,
    body: Arc<Mutex<String>>,
    fetches: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl JwksServer {
    async fn start(fixture_name: &str) -> JwksServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port on loopback");
        let url = format!(
            "http://{}/.well-known/jwks.json",
            listener.local_addr().expect("a bound address")
        );
        let body = Arc::new(Mutex::new(read_fixture(fixture_name)));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (served, counted) = (body.clone(), fetches.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (served, counted) = (served.clone(), counted.clone());
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buffer[..n]),
                        }
                    }
                    counted.fetch_add(1, Ordering::SeqCst);
                    let json = served.lock().expect("not poisoned").clone();
                    let response = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
                        json.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        JwksServer {
            url,
            body,
            fetches,
            task,
        }
    }

    fn serve(&self, fixture_name: &str) {
        *self.body.lock().expect("not poisoned") = read_fixture(fixture_name);
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn read_fixture(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture present")
}

#[tokio::test]
async fn keys_are_fetched_from_a_jwks_url() {
    let jwks = JwksServer::start("jwks.json").await;
    let app = TestApp::builder()
        .jwks(JwksSource::Url(jwks.url.clone()))
        .spawn()
        .await;
    assert_eq!(jwks.fetches(), 1, "fetched once at start");
    let rsa = signed_by("rsa-1", &agent_claims());
    let ec = signed_by("ec-1", &agent_claims());
    assert_eq!(status_with(&app, &rsa).await, StatusCode::OK);
    assert_eq!(status_with(&app, &ec).await, StatusCode::OK);
    assert_eq!(jwks.fetches(), 1, "known keys need no fetch");
}

/// The identity provider rotates in a new key: a token naming its `kid` makes the server
/// re-read the set, and is accepted.
#[tokio::test]
async fn a_key_rotated_in_at_the_url_is_picked_up() {
    let jwks = JwksServer::start("jwks.json").await;
    let app = TestApp::builder()
        .jwks(JwksSource::Url(jwks.url.clone()))
        .spawn()
        .await;
    let rotated = signed_by("rsa-2", &agent_claims());
    jwks.serve("jwks-rotated.json");
    assert_eq!(status_with(&app, &rotated).await, StatusCode::OK);
    assert_eq!(jwks.fetches(), 2, "one fetch at start, one for the new kid");
    // The keys held before the rotation still work, with no further fetch.
    let old = signed_by("rsa-1", &agent_claims());
    assert_eq!(status_with(&app, &old).await, StatusCode::OK);
    assert_eq!(jwks.fetches(), 2);
}

/// Unknown `kid`s cannot make the server hammer the identity provider: however many arrive,
/// it re-reads the set at most once in its refresh interval.
#[tokio::test]
async fn unknown_kids_do_not_make_the_server_refetch_on_every_request() {
    let jwks = JwksServer::start("jwks.json").await;
    let app = TestApp::builder()
        .jwks(JwksSource::Url(jwks.url.clone()))
        .spawn()
        .await;
    let rsa_2 = signing_key("rsa-2.pem");
    for i in 0..5 {
        let kid = format!("random-{i}");
        let token = sign(Algorithm::RS256, &rsa_2, Some(&kid), &agent_claims());
        assert_eq!(
            status_with(&app, &token).await,
            StatusCode::UNAUTHORIZED,
            "{kid}"
        );
    }
    assert_eq!(
        jwks.fetches(),
        2,
        "one fetch at start, one refresh for five unknown kids"
    );
    // Within the interval, even a key rotated in meanwhile waits for the next refresh.
    jwks.serve("jwks-rotated.json");
    let rotated = sign(Algorithm::RS256, &rsa_2, Some("rsa-2"), &agent_claims());
    assert_eq!(status_with(&app, &rotated).await, StatusCode::UNAUTHORIZED);
    assert_eq!(jwks.fetches(), 2);
}
