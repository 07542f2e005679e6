//! Standard Webhooks 1.0 signatures: `webhook-id`, `webhook-timestamp`, and
//! `webhook-signature` as `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, one per
//! secret in force, separated by spaces.

use base64::Engine;
use zeroize::Zeroizing;

/// The three headers of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub id: String,
    pub timestamp: i64,
    pub signature: String,
}

/// Signs `body` with every secret (raw key bytes, as after `whsec_` and base64).
pub fn sign(id: &str, timestamp: i64, body: &str, secrets: &[Zeroizing<Vec<u8>>]) -> Signed {
    let signature = secrets
        .iter()
        .map(|secret| {
            standardwebhooks::Webhook::from_bytes(secret.to_vec())
                .and_then(|webhook| webhook.sign(id, timestamp, body.as_bytes()))
                .expect("a UTF-8 body signs")
        })
        .collect::<Vec<_>>()
        .join(" ");
    Signed {
        id: id.to_owned(),
        timestamp,
        signature,
    }
}

/// The key bytes of a `whsec_…` secret.
pub(crate) fn key_of(secret: &str) -> Option<Zeroizing<Vec<u8>>> {
    base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_")?)
        .ok()
        .map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vector published with the Standard Webhooks specification.
    #[test]
    fn signs_the_specification_test_vector() {
        let key = key_of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signed = sign(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
            &[key],
        );
        assert_eq!(
            signed.signature,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn two_secrets_sign_twice_and_either_verifies() {
        let (a, b) = (
            key_of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap(),
            key_of("whsec_c2Vjb25kLXNlY3JldC1mb3ItdGVzdHM=").unwrap(),
        );
        let now = chrono::Utc::now().timestamp();
        let signed = sign("msg_1", now, "{}", &[a.clone(), b.clone()]);
        assert_eq!(signed.signature.split(' ').count(), 2);
        let mut headers = http::HeaderMap::new();
        headers.insert("webhook-id", "msg_1".parse().unwrap());
        headers.insert("webhook-timestamp", now.to_string().parse().unwrap());
        headers.insert("webhook-signature", signed.signature.parse().unwrap());
        for key in [a, b] {
            let receiver = standardwebhooks::Webhook::from_bytes(key.to_vec()).unwrap();
            receiver.verify(b"{}", &headers).unwrap();
        }
    }
}
