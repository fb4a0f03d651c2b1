//! Verified asymmetric tokens, keyed by the SHA-256 of the token (the token itself is never
//! kept) and never served past the token's own `exp`.

use std::collections::HashMap;
use std::sync::RwLock;

use super::verify::Claims;

pub struct TokenCache {
    capacity: usize,
    entries: RwLock<HashMap<[u8; 32], Claims>>,
}

fn key(token: &str) -> [u8; 32] {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

impl TokenCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: RwLock::new(HashMap::new()),
        }
    }

    pub fn get(&self, token: &str, now: u64) -> Option<Claims> {
        let entries = self.entries.read().ok()?;
        entries
            .get(&key(token))
            .filter(|claims| claims.exp > now)
            .cloned()
    }

    pub fn put(&self, token: &str, claims: &Claims, now: u64) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if entries.len() >= self.capacity {
            entries.retain(|_, c| c.exp > now);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key(token), claims.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: u64) -> Claims {
        Claims {
            sub: "s".into(),
            org: "o".into(),
            roles: vec![],
            exp,
        }
    }

    #[test]
    fn serves_until_expiry_only() {
        let cache = TokenCache::new(2);
        cache.put("a.b.c", &claims(100), 10);
        assert!(cache.get("a.b.c", 99).is_some());
        assert!(cache.get("a.b.c", 100).is_none());
        assert!(cache.get("x.y.z", 50).is_none());
    }

    #[test]
    fn stays_within_capacity() {
        let cache = TokenCache::new(2);
        cache.put("1", &claims(100), 10);
        cache.put("2", &claims(100), 10);
        cache.put("3", &claims(100), 10);
        assert!(cache.entries.read().map(|e| e.len() <= 2).unwrap_or(false));
        assert!(cache.get("3", 10).is_some());
    }
}
