//! Portico's own high-entropy secrets (API keys, session tokens) and ids: generation and digests.
//!
//! These values carry at least 128 random bits, so a single SHA-256 is the right store: a slow
//! password hash would only add CPU per request without adding safety.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A fresh random id: 24 hex characters (96 bits).
pub fn random_id() -> String {
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A fresh random secret: `prefix` followed by 32 random bytes in URL-safe base64 (256 bits).
pub fn random_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Length of the random part of a [`random_secret`].
pub(crate) const SECRET_BODY_LEN: usize = 43;

/// Whether `body` looks like the random part of a [`random_secret`].
pub(crate) fn is_secret_body(body: &str) -> bool {
    body.len() == SECRET_BODY_LEN
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Hex SHA-256 of a secret, as stored.
pub(crate) fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two digests in constant time.
pub(crate) fn digests_match(stored: &str, presented: &str) -> bool {
    stored.as_bytes().ct_eq(presented.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_well_formed() {
        let a = random_secret("pk_test_");
        let b = random_secret("pk_test_");
        assert_ne!(a, b);
        let body = a.strip_prefix("pk_test_").unwrap();
        assert!(is_secret_body(body), "{body}");
        assert!(!is_secret_body(&body[1..]));
        assert!(!is_secret_body(&format!("{}!", &body[1..])));
    }

    #[test]
    fn digests_compare_equal_only_for_the_same_secret() {
        let secret = random_secret("st_");
        assert!(digests_match(&digest(&secret), &digest(&secret)));
        assert!(!digests_match(&digest(&secret), &digest("st_other")));
        assert_eq!(random_id().len(), 24);
    }
}
