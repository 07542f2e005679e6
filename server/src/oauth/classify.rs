//! What a provider's answer to a token request means, from its status, headers and body:
//! new tokens, a refusal that ends the connection, or a failure that may pass.
//!
//! One classifier for every provider; what differs between them is data in the catalog
//! ([`RefusalRule`]), checked before RFC 6749's `error` codes.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::catalog::{Refusal, RefusalRule};

/// The meaning of one answer from a token endpoint.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Answer {
    /// A token response (RFC 6749 §5.1).
    Tokens(Value),
    /// The provider refused for good; `detail` names the provider's code, never a secret.
    Refused { refusal: Refusal, detail: String },
    /// It may work later: 5xx, 429, an HTML page, an unknown answer. Never flagged.
    Transient {
        detail: String,
        retry_after: Option<Duration>,
    },
}

/// Classifies a token endpoint's answer.
pub(super) fn classify(
    status: StatusCode,
    retry_after: Option<&str>,
    body: &[u8],
    rules: &[RefusalRule],
) -> Answer {
    let retry_after = retry_after.and_then(parse_retry_after);
    let transient = |detail: String| Answer::Transient {
        detail,
        retry_after,
    };
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        return transient(format!("the provider answered {status}"));
    }
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return transient(format!("the provider answered {status} without JSON"));
    };
    if !json.is_object() {
        return transient(format!(
            "the provider answered {status} with unexpected JSON"
        ));
    }
    for rule in rules {
        if json.pointer(&rule.pointer).and_then(Value::as_str) == Some(rule.value.as_str()) {
            return match rule.means {
                Refusal::Transient => transient(format!("the provider answered {}", rule.value)),
                refusal => Answer::Refused {
                    refusal,
                    detail: short(&rule.value),
                },
            };
        }
    }
    let has_token = json
        .get("access_token")
        .and_then(Value::as_str)
        .is_some_and(|token| !token.is_empty());
    if status.is_success() && has_token {
        return Answer::Tokens(json);
    }
    match json.get("error").and_then(Value::as_str) {
        Some("invalid_grant") => Answer::Refused {
            refusal: Refusal::InvalidGrant,
            detail: "invalid_grant".into(),
        },
        Some(code @ ("invalid_client" | "unauthorized_client")) => Answer::Refused {
            refusal: Refusal::InvalidClient,
            detail: code.into(),
        },
        Some(code) => transient(format!("the provider answered {}", short(code))),
        None => transient(format!("the provider answered {status} without tokens")),
    }
}

/// A provider's code, cut short and printable, for logs and the audit trail.
fn short(code: &str) -> String {
    code.chars().filter(|c| !c.is_control()).take(64).collect()
}

/// `Retry-After` in seconds (RFC 9110 §10.2.3); an HTTP date is read as "a minute".
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    match value.parse::<u64>() {
        Ok(seconds) => Some(Duration::from_secs(seconds.min(24 * 3600))),
        Err(_) if !value.is_empty() => Some(Duration::from_secs(60)),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(provider: &str) -> Vec<RefusalRule> {
        let catalog = crate::catalog::Catalog::builtin().unwrap();
        let app = catalog.get(provider).unwrap();
        app.oauth.as_ref().unwrap().refusals.clone()
    }

    fn refused(refusal: Refusal) -> impl Fn(&Answer) -> bool {
        move |answer| matches!(answer, Answer::Refused { refusal: r, .. } if *r == refusal)
    }

    fn is_transient(answer: &Answer) -> bool {
        matches!(answer, Answer::Transient { .. })
    }

    #[test]
    fn each_provider_answer_means_what_the_table_says() {
        let tokens = |answer: &Answer| matches!(answer, Answer::Tokens(_));
        type Check = Box<dyn Fn(&Answer) -> bool>;
        let cases: Vec<(&str, u16, &str, Check)> = vec![
            // RFC 6749 §5.2, for every provider.
            (
                "sandbox",
                400,
                r#"{"error":"invalid_grant"}"#,
                Box::new(refused(Refusal::InvalidGrant)),
            ),
            (
                "sandbox",
                401,
                r#"{"error":"invalid_client"}"#,
                Box::new(refused(Refusal::InvalidClient)),
            ),
            (
                "sandbox",
                400,
                r#"{"error":"unauthorized_client"}"#,
                Box::new(refused(Refusal::InvalidClient)),
            ),
            (
                "sandbox",
                400,
                r#"{"error":"invalid_request"}"#,
                Box::new(is_transient),
            ),
            (
                "sandbox",
                200,
                r#"{"access_token":"a","token_type":"Bearer"}"#,
                Box::new(tokens),
            ),
            // Slack answers 200 with ok:false.
            (
                "slack",
                200,
                r#"{"ok":false,"error":"invalid_refresh_token"}"#,
                Box::new(refused(Refusal::InvalidGrant)),
            ),
            (
                "slack",
                200,
                r#"{"ok":false,"error":"token_revoked"}"#,
                Box::new(refused(Refusal::TokenRevoked)),
            ),
            (
                "slack",
                200,
                r#"{"ok":false,"error":"app_uninstalled"}"#,
                Box::new(refused(Refusal::AppUninstalled)),
            ),
            (
                "slack",
                200,
                r#"{"ok":false,"error":"bad_client_secret"}"#,
                Box::new(refused(Refusal::InvalidClient)),
            ),
            (
                "slack",
                200,
                r#"{"ok":false,"error":"ratelimited"}"#,
                Box::new(is_transient),
            ),
            (
                "slack",
                200,
                r#"{"ok":true,"access_token":"xoxe","team":{"id":"T1"}}"#,
                Box::new(tokens),
            ),
            // GitHub answers 200 with an error code of its own.
            (
                "github",
                200,
                r#"{"error":"bad_refresh_token"}"#,
                Box::new(refused(Refusal::InvalidGrant)),
            ),
            (
                "github",
                200,
                r#"{"error":"incorrect_client_credentials"}"#,
                Box::new(refused(Refusal::InvalidClient)),
            ),
            // HubSpot names its refusal in `status`.
            (
                "hubspot",
                400,
                r#"{"status":"BAD_REFRESH_TOKEN","message":"missing or unknown"}"#,
                Box::new(refused(Refusal::InvalidGrant)),
            ),
            // Whatever the body says, these may pass.
            (
                "sandbox",
                503,
                r#"{"error":"invalid_grant"}"#,
                Box::new(is_transient),
            ),
            (
                "sandbox",
                429,
                r#"{"error":"invalid_grant"}"#,
                Box::new(is_transient),
            ),
            ("sandbox", 500, "", Box::new(is_transient)),
            (
                "sandbox",
                200,
                "<html><body>Maintenance</body></html>",
                Box::new(is_transient),
            ),
            (
                "sandbox",
                400,
                "<html>Bad gateway</html>",
                Box::new(is_transient),
            ),
            ("sandbox", 200, "[]", Box::new(is_transient)),
            (
                "sandbox",
                200,
                r#"{"token_type":"Bearer"}"#,
                Box::new(is_transient),
            ),
        ];
        for (provider, status, body, check) in cases {
            let answer = classify(
                StatusCode::from_u16(status).unwrap(),
                None,
                body.as_bytes(),
                &rules(provider),
            );
            assert!(check(&answer), "{provider} {status} {body} gave {answer:?}");
        }
    }

    #[test]
    fn retry_after_is_honoured_and_bounded() {
        let answer = classify(StatusCode::TOO_MANY_REQUESTS, Some("120"), b"", &[]);
        assert!(matches!(
            answer,
            Answer::Transient { retry_after: Some(after), .. } if after == Duration::from_secs(120)
        ));
        assert_eq!(
            parse_retry_after("99999999"),
            Some(Duration::from_secs(86400))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"),
            Some(Duration::from_secs(60))
        );
        assert_eq!(parse_retry_after(""), None);
    }
}
