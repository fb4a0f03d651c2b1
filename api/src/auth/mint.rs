//! Development tokens: `servicedesk token` signs HS256 tokens with the configured secret.

use jsonwebtoken::{EncodingKey, Header, encode};
use serde::Serialize;

#[derive(Serialize)]
struct MintedClaims<'a> {
    sub: &'a str,
    org: &'a str,
    roles: &'a [String],
    iss: &'a str,
    aud: &'a str,
    iat: u64,
    nbf: u64,
    exp: u64,
}

pub struct TokenRequest<'a> {
    pub subject: &'a str,
    pub org: &'a str,
    pub roles: &'a [String],
    pub issuer: &'a str,
    pub audience: &'a str,
    pub now: u64,
    pub ttl_seconds: u64,
}

pub fn mint_hs256(secret: &[u8], request: &TokenRequest<'_>) -> Result<String, String> {
    let claims = MintedClaims {
        sub: request.subject,
        org: request.org,
        roles: request.roles,
        iss: request.issuer,
        aud: request.audience,
        iat: request.now,
        nbf: request.now,
        exp: request.now + request.ttl_seconds,
    };
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret),
    )
    .map_err(|e| format!("cannot sign token: {e}"))
}
