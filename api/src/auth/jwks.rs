//! Public keys of an identity provider, from a JWKS file or URL: loaded at start, and re-read
//! when a token names a key we do not hold (the provider rotated its keys). Such re-reads are
//! at most every 30 seconds, so tokens with made-up key ids cannot make us hammer the provider.

use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey};

const MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    File(std::path::PathBuf),
    Url(String),
}

impl JwksSource {
    pub fn parse(value: &str) -> JwksSource {
        if value.starts_with("https://") || value.starts_with("http://") {
            JwksSource::Url(value.to_owned())
        } else {
            JwksSource::File(value.into())
        }
    }

    fn fetch(&self) -> Result<String, String> {
        match self {
            JwksSource::File(path) => {
                std::fs::read_to_string(path).map_err(|e| format!("cannot read JWKS file: {e}"))
            }
            JwksSource::Url(url) => {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .timeout_global(Some(Duration::from_secs(5)))
                    .build()
                    .into();
                agent
                    .get(url)
                    .call()
                    .map_err(|e| format!("cannot fetch JWKS: {e}"))?
                    .body_mut()
                    .read_to_string()
                    .map_err(|e| format!("cannot read JWKS response: {e}"))
            }
        }
    }
}

struct Key {
    kid: Option<String>,
    algorithm: Algorithm,
    key: DecodingKey,
}

pub struct Jwks {
    source: JwksSource,
    keys: RwLock<Vec<Key>>,
    /// When a token last made us re-read the keys; the load at start does not count.
    last_refresh: Mutex<Option<Instant>>,
}

/// The algorithm a JWK serves: RSA keys RS256, P-256 keys ES256; others are not used.
fn algorithm_of(jwk: &jsonwebtoken::jwk::Jwk) -> Option<Algorithm> {
    match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Some(Algorithm::RS256),
        AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
            Some(Algorithm::ES256)
        }
        _ => None,
    }
}

fn parse_keys(text: &str) -> Result<Vec<Key>, String> {
    let set: JwkSet = serde_json::from_str(text).map_err(|e| format!("invalid JWKS: {e}"))?;
    let keys: Vec<Key> = set
        .keys
        .iter()
        .filter_map(|jwk| {
            let algorithm = algorithm_of(jwk)?;
            let key = DecodingKey::from_jwk(jwk).ok()?;
            Some(Key {
                kid: jwk.common.key_id.clone(),
                algorithm,
                key,
            })
        })
        .collect();
    if keys.is_empty() {
        return Err("the JWKS holds no RS256 or ES256 key".into());
    }
    Ok(keys)
}

impl Jwks {
    pub fn load(source: JwksSource) -> Result<Jwks, String> {
        let keys = parse_keys(&source.fetch()?)?;
        Ok(Jwks {
            source,
            keys: RwLock::new(keys),
            last_refresh: Mutex::new(None),
        })
    }

    /// The key for a token's `kid` and algorithm; without a `kid`, the only key of that
    /// algorithm, if there is exactly one.
    pub fn key_for(&self, kid: Option<&str>, algorithm: Algorithm) -> Option<DecodingKey> {
        let keys = self.keys.read().ok()?;
        let mut candidates = keys.iter().filter(|k| k.algorithm == algorithm);
        match kid {
            Some(kid) => candidates
                .find(|k| k.kid.as_deref() == Some(kid))
                .map(|k| k.key.clone()),
            None => {
                let first = candidates.next()?;
                candidates.next().is_none().then(|| first.key.clone())
            }
        }
    }

    /// Re-reads the keys unless a token made us do so in the last 30 seconds; true when
    /// re-read.
    pub fn refresh(&self) -> bool {
        {
            let Ok(mut last) = self.last_refresh.lock() else {
                return false;
            };
            if last.is_some_and(|at| at.elapsed() < MIN_REFRESH_INTERVAL) {
                return false;
            }
            *last = Some(Instant::now());
        }
        match self.source.fetch().and_then(|text| parse_keys(&text)) {
            Ok(keys) => {
                if let Ok(mut current) = self.keys.write() {
                    *current = keys;
                }
                true
            }
            Err(error) => {
                tracing::warn!(%error, "JWKS refresh failed; keeping the keys we had");
                false
            }
        }
    }
}
