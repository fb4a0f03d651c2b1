//! Token verification. The accepted algorithms come from configuration, never from the token:
//! a token whose header names another algorithm is refused before any key is tried.

use std::sync::Arc;

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::{Deserialize, Serialize};

use super::cache::TokenCache;
use super::jwks::{Jwks, JwksSource};

/// Claims every token must carry. `iss`, `aud`, `exp` (and `nbf` when present) are checked by
/// the validation itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub org: String,
    pub roles: Vec<String>,
    pub exp: u64,
}

#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// HS256 shared secret (development).
    pub hs256_secret: Option<Vec<u8>>,
    /// Where RS256/ES256 keys are published.
    pub jwks: Option<JwksSource>,
    pub issuer: String,
    pub audience: String,
    pub algorithms: Vec<Algorithm>,
}

/// Why a token was refused. Kept coarse: the caller learns it is unauthenticated, the log
/// learns why, and neither learns the token's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("missing bearer token")]
    Missing,
    #[error("malformed token")]
    Malformed,
    #[error("token algorithm not accepted")]
    Algorithm,
    #[error("no key for the token")]
    UnknownKey,
    #[error("token failed verification")]
    Invalid,
    #[error("token expired")]
    Expired,
}

pub struct Verifier {
    config: AuthConfig,
    hs256: Option<DecodingKey>,
    jwks: Option<Jwks>,
    cache: TokenCache,
}

impl Verifier {
    pub fn new(config: AuthConfig) -> Result<Arc<Verifier>, String> {
        if config.algorithms.is_empty() {
            return Err("no JWT algorithm is configured".into());
        }
        let hs256 = config.hs256_secret.as_deref().map(DecodingKey::from_secret);
        if config.algorithms.contains(&Algorithm::HS256) && hs256.is_none() {
            return Err("HS256 is accepted but no secret is configured".into());
        }
        let asymmetric = config.algorithms.iter().any(|a| *a != Algorithm::HS256);
        let jwks = match (&config.jwks, asymmetric) {
            (Some(source), true) => Some(Jwks::load(source.clone())?),
            (None, true) => return Err("RS256/ES256 are accepted but no JWKS is configured".into()),
            _ => None,
        };
        Ok(Arc::new(Verifier {
            config,
            hs256,
            jwks,
            cache: TokenCache::new(10_000),
        }))
    }

    fn validation(&self, algorithm: Algorithm) -> Validation {
        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        validation
    }

    /// Verifies a token at `now` (seconds since the epoch). Asymmetric verifications are
    /// cached by the token's hash until the token's own expiry: an RSA check costs about ten
    /// HS256 checks here.
    pub fn verify(&self, token: &str, now: u64) -> Result<Claims, AuthError> {
        let header = decode_header(token).map_err(|_| AuthError::Malformed)?;
        if !self.config.algorithms.contains(&header.alg) {
            return Err(AuthError::Algorithm);
        }
        if header.alg == Algorithm::HS256 {
            let key = self.hs256.as_ref().ok_or(AuthError::Algorithm)?;
            return self.decode(token, key, header.alg);
        }
        if let Some(claims) = self.cache.get(token, now) {
            return Ok(claims);
        }
        let jwks = self.jwks.as_ref().ok_or(AuthError::UnknownKey)?;
        let key = jwks
            .key_for(header.kid.as_deref(), header.alg)
            .ok_or(AuthError::UnknownKey)?;
        let claims = self.decode(token, &key, header.alg)?;
        self.cache.put(token, &claims, now);
        Ok(claims)
    }

    fn decode(&self, token: &str, key: &DecodingKey, alg: Algorithm) -> Result<Claims, AuthError> {
        decode::<Claims>(token, key, &self.validation(alg))
            .map(|data| data.claims)
            .map_err(|error| match error.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthError::Expired,
                jsonwebtoken::errors::ErrorKind::InvalidAlgorithm => AuthError::Algorithm,
                _ => AuthError::Invalid,
            })
    }

    /// Re-reads the JWKS after a token named a key we do not hold (the provider rotated its
    /// keys). Rate-limited inside `Jwks`, so random `kid`s cannot make us hammer the provider.
    /// Blocking: call off the async executor.
    pub fn refresh_keys(&self) -> bool {
        self.jwks.as_ref().is_some_and(Jwks::refresh)
    }

    pub fn has_jwks(&self) -> bool {
        self.jwks.is_some()
    }
}
