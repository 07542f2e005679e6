//! Key-based apps' forms: field validation at the edge, and the optional request that tells
//! whether the credentials work.

use std::collections::BTreeMap;
use std::time::Duration as StdDuration;

use zeroize::Zeroizing;

use crate::catalog::{AppDefinition, FieldKind, InputField, Verification, VerifyMethod};
use crate::egress::{Egress, EgressError};
use crate::input::FieldError;

/// Largest body a key form or the SDK's save may send.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Checked values of a key form, by field name. Secret values are zeroized when dropped.
pub type Values = BTreeMap<String, Zeroizing<String>>;

/// Checks what the end customer entered against an app's fields: unknown fields by name,
/// required, control characters, length, type and pattern. Surrounding whitespace is trimmed;
/// any other Unicode is kept exactly. Every problem is reported, each under its field.
pub(crate) fn validate(
    app: &AppDefinition,
    given: &BTreeMap<String, String>,
) -> Result<Values, Vec<FieldError>> {
    let mut errors = Vec::new();
    for name in given.keys() {
        if !app.auth_input_map.iter().any(|field| &field.name == name) {
            errors.push(
                FieldError::new(name.clone(), format!("is not a field of {}", app.name)).worded(
                    "field-unknown",
                    vec![("field", name.clone()), ("app", app.name.clone())],
                ),
            );
        }
    }
    let mut values = BTreeMap::new();
    for field in &app.auth_input_map {
        let raw = given.get(&field.name).map_or("", String::as_str);
        match check_field(field, raw) {
            Ok(Some(value)) => {
                values.insert(field.name.clone(), Zeroizing::new(value));
            }
            Ok(None) => {}
            Err((message, key, mut args)) => {
                args.push(("label", field.label.clone()));
                errors.push(FieldError::new(field.name.clone(), message).worded(key, args));
            }
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// Why a field's value was refused: in English for the API, and as a sentence key with its
/// values for the pages (the field's label is added by the caller).
type Refusal = (String, &'static str, Vec<(&'static str, String)>);

fn refusal(message: impl Into<String>, key: &'static str) -> Refusal {
    (message.into(), key, Vec::new())
}

/// One field: `Ok(None)` for an optional field left empty.
fn check_field(field: &InputField, raw: &str) -> Result<Option<String>, Refusal> {
    if raw.chars().any(char::is_control) {
        return Err(refusal(
            "must not contain control characters such as tabs or line breaks",
            "field-control-characters",
        ));
    }
    let value = raw.trim();
    if value.is_empty() {
        return if field.required {
            Err(refusal(
                format!("enter your {}", field.label),
                "field-required",
            ))
        } else {
            Ok(None)
        };
    }
    let length = value.chars().count();
    if length > field.max_length as usize {
        return Err((
            format!(
                "must be at most {} characters (this is {length})",
                field.max_length
            ),
            "field-too-long",
            vec![
                ("most", field.max_length.to_string()),
                ("length", length.to_string()),
            ],
        ));
    }
    if let Some(refused) = check_kind(field.kind, value) {
        return Err(refused);
    }
    if let Some(pattern) = &field.pattern {
        let matches = whole_match(pattern).is_some_and(|regex| regex.is_match(value));
        if !matches {
            return Err(if field.placeholder.is_empty() {
                refusal("is not in the expected format", "field-format")
            } else {
                (
                    format!(
                        "is not in the expected format, which looks like {}",
                        field.placeholder
                    ),
                    "field-format-like",
                    vec![("example", field.placeholder.clone())],
                )
            });
        }
    }
    Ok(Some(value.to_owned()))
}

/// A value that does not fit its field's type.
fn check_kind(kind: FieldKind, value: &str) -> Option<Refusal> {
    match kind {
        FieldKind::Email if !looks_like_email(value) => Some(refusal(
            "must be an email address such as name@example.com",
            "field-email",
        )),
        FieldKind::Url
            if !url::Url::parse(value)
                .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.has_host()) =>
        {
            Some(refusal(
                "must be a web address starting with https://",
                "field-url",
            ))
        }
        FieldKind::Tel
            if !value
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c))
                || !value.chars().any(|c| c.is_ascii_digit()) =>
        {
            Some(refusal(
                "must contain only digits, spaces and + - ( )",
                "field-tel",
            ))
        }
        FieldKind::Number if value.parse::<f64>().map_or(true, |n| !n.is_finite()) => {
            Some(refusal("must be a number", "field-number"))
        }
        _ => None,
    }
}

/// A field pattern matched against the whole value, as the HTML `pattern` attribute does.
pub(crate) fn whole_match(pattern: &str) -> Option<regex::Regex> {
    regex::Regex::new(&format!("^(?:{pattern})$")).ok()
}

fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.contains('.')
        && !value.contains(char::is_whitespace)
}

/// What the provider said about the credentials.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    /// The provider answered that these credentials are wrong.
    Rejected,
    /// The provider could not be reached, timed out, or failed (5xx, 429, an unexpected answer).
    Unreachable,
}

/// Tries the credentials with the app's verification request before anything is stored.
pub async fn verify(egress: &Egress, check: &Verification, values: &Values) -> Verdict {
    let fill = |template: &str, encode: bool| {
        let mut text = template.to_owned();
        for (name, value) in values {
            let value: String = if encode {
                url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
            } else {
                value.to_string()
            };
            text = text.replace(&format!("{{{name}}}"), &value);
        }
        text
    };
    let Ok(url) = url::Url::parse(&fill(&check.url, true)) else {
        return Verdict::Unreachable;
    };
    let method = match check.method {
        VerifyMethod::Get => reqwest::Method::GET,
        VerifyMethod::Post => reqwest::Method::POST,
        VerifyMethod::Head => reqwest::Method::HEAD,
    };
    let mut request = egress
        .client()
        .request(method, url)
        // Apps stored before the limit was checked at creation are held to it here.
        .timeout(
            StdDuration::from_secs(check.timeout_seconds.unwrap_or(10).into())
                .min(crate::egress::TOTAL_TIMEOUT),
        );
    for (name, template) in &check.headers {
        request = request.header(name.as_str(), fill(template, false));
    }
    if !check.query.is_empty() {
        let query: Vec<(String, String)> = check
            .query
            .iter()
            .map(|(name, template)| (name.clone(), fill(template, false)))
            .collect();
        request = request.query(&query);
    }
    if let Some(basic) = &check.basic_auth {
        request = request.basic_auth(
            fill(&basic.username, false),
            basic
                .password
                .as_deref()
                .map(|password| fill(password, false)),
        );
    }
    let sent = match request.build() {
        Ok(request) => egress.execute(request).await,
        Err(error) => Err(EgressError::Request(error.without_url())),
    };
    match sent {
        Ok(answer) => {
            let status = answer.status.as_u16();
            if check.valid_statuses.contains(&status) {
                Verdict::Valid
            } else if check.invalid_statuses.contains(&status) {
                Verdict::Rejected
            } else {
                tracing::warn!(status, "credential check: unexpected answer");
                Verdict::Unreachable
            }
        }
        Err(error) => {
            tracing::warn!(%error, "credential check failed");
            Verdict::Unreachable
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: FieldKind) -> InputField {
        InputField {
            name: "f".into(),
            label: "Field".into(),
            kind,
            required: true,
            placeholder: String::new(),
            pattern: None,
            max_length: 10,
            secret: false,
            help: None,
        }
    }

    #[test]
    fn each_kind_of_bad_value_gets_its_own_message() {
        let text = field(FieldKind::Text);
        assert_eq!(check_field(&text, "  abc  "), Ok(Some("abc".into())));
        assert_eq!(
            check_field(&text, "日本語テキスト"),
            Ok(Some("日本語テキスト".into()))
        );
        assert!(
            check_field(&text, "   ")
                .unwrap_err()
                .0
                .starts_with("enter your Field")
        );
        assert!(
            check_field(&text, "a\u{0}b")
                .unwrap_err()
                .0
                .contains("control")
        );
        assert!(
            check_field(&text, "a\nb")
                .unwrap_err()
                .0
                .contains("control")
        );
        assert!(
            check_field(&text, "12345678901")
                .unwrap_err()
                .0
                .contains("at most 10")
        );
        assert!(check_field(&field(FieldKind::Email), "x@").is_err());
        assert!(check_field(&field(FieldKind::Email), "a@b.co").is_ok());
        assert!(check_field(&field(FieldKind::Url), "javascript:x").is_err());
        assert!(check_field(&field(FieldKind::Tel), "+1 555").is_ok());
        assert!(
            check_field(&field(FieldKind::Tel), "call me")
                .unwrap_err()
                .0
                .contains("only digits")
        );
        assert!(check_field(&field(FieldKind::Number), "NaN").is_err());
        assert!(check_field(&field(FieldKind::Number), "12.5").is_ok());
        let mut patterned = field(FieldKind::Text);
        patterned.pattern = Some("AC[0-9]{2}".into());
        assert!(check_field(&patterned, "AC12").is_ok());
        assert!(
            check_field(&patterned, "xAC12").is_err(),
            "the whole value must match"
        );
    }
}
