//! `mint`: from an RSA private key (PEM, made by `openssl genpkey`), writes the JWKS the server
//! reads and a file of RS256 tokens, one a line, each for its own subject: an identity
//! provider's tokens as the API would receive them.

use std::io::Write;

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde::Serialize;

use crate::args::Args;

const KID: &str = "bench-rs256";

#[derive(Serialize)]
struct Claims<'a> {
    sub: String,
    org: &'a str,
    roles: [&'a str; 1],
    iss: &'a str,
    aud: &'a str,
    iat: u64,
    nbf: u64,
    exp: u64,
}

pub fn run(args: &Args) -> Result<(), String> {
    let key_path = args.text("key")?;
    let jwks_path = args.text("jwks")?;
    let tokens_path = args.text("tokens")?;
    let count: usize = args.number("count", 100)?;
    let ttl: u64 = args.number("ttl", 7_200)?;
    let pem = std::fs::read(key_path).map_err(|e| format!("{key_path}: {e}"))?;
    let key = EncodingKey::from_rsa_pem(&pem).map_err(|e| format!("{key_path}: {e}"))?;

    let mut jwk = Jwk::from_encoding_key(&key, Algorithm::RS256).map_err(|e| e.to_string())?;
    jwk.common.key_id = Some(KID.to_owned());
    let set = JwkSet { keys: vec![jwk] };
    let json = serde_json::to_string_pretty(&set).map_err(|e| e.to_string())?;
    std::fs::write(jwks_path, json).map_err(|e| format!("{jwks_path}: {e}"))?;

    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.to_owned());
    let mut out = std::fs::File::create(tokens_path).map_err(|e| format!("{tokens_path}: {e}"))?;
    for n in 0..count {
        let claims = Claims {
            sub: format!("bench-agent-{n}"),
            org: args.text_or("org", "bench"),
            roles: [args.text_or("role", "agent")],
            iss: args.text_or("issuer", "servicedesk"),
            aud: args.text_or("audience", "servicedesk"),
            iat: now,
            nbf: now,
            exp: now + ttl,
        };
        let token = encode(&header, &claims, &key).map_err(|e| e.to_string())?;
        writeln!(out, "{token}").map_err(|e| format!("{tokens_path}: {e}"))?;
    }
    Ok(())
}
