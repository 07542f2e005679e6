//! What an application definition says: its auth kind, OAuth2 endpoints and refusal rules, the
//! key form's fields and the request that verifies them, and the checks a definition passes.

use app::dto::AuthType;
use serde::{Deserialize, Serialize};

use super::Slug;
use crate::input::FieldError;

/// One application a linked account can connect.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppDefinition {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    pub version: String,
    pub auth_type: AuthKind,
    /// File name under `public/icons/`, or an `https://` URL for an org's own app.
    pub icon: String,
    pub oauth: Option<OAuthEndpoints>,
    #[serde(default)]
    pub auth_input_map: Vec<InputField>,
    /// How to try key-based credentials before storing them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<Verification>,
}

/// A request that tells whether key-based credentials work. `{field}` in the URL, headers,
/// query and basic-auth parts is replaced by that field's value.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    #[serde(default)]
    pub method: VerifyMethod,
    pub url: String,
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub query: std::collections::BTreeMap<String, String>,
    pub basic_auth: Option<BasicAuth>,
    /// Statuses meaning "these credentials work".
    pub valid_statuses: Vec<u16>,
    /// Statuses meaning "these credentials are wrong"; anything else is "try again".
    pub invalid_statuses: Vec<u16>,
    pub timeout_seconds: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BasicAuth {
    pub username: String,
    pub password: Option<String>,
}

/// The verification request's method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum VerifyMethod {
    #[default]
    Get,
    Post,
    Head,
}

impl Verification {
    /// The URL with every placeholder filled with a dummy value, after checking that no
    /// placeholder sits in the scheme or host (a customer's value must not choose the host).
    pub(crate) fn sample_url(&self, fields: &[InputField]) -> Result<url::Url, String> {
        let authority_end = self
            .url
            .find("://")
            .map(|scheme_end| {
                let rest = &self.url[scheme_end + 3..];
                scheme_end + 3 + rest.find(['/', '?']).unwrap_or(rest.len())
            })
            .ok_or_else(|| "verify.url is not a URL".to_owned())?;
        if self.url[..authority_end].contains(['{', '}', '@']) {
            return Err(
                "verify.url must have a fixed scheme and host: placeholders go in its path or query"
                    .to_owned(),
            );
        }
        let mut sample = self.url.clone();
        for field in fields {
            sample = sample.replace(&format!("{{{}}}", field.name), "x");
        }
        url::Url::parse(&sample).map_err(|_| "verify.url is not a URL".to_owned())
    }

    /// The template's scheme and host are fixed (placeholders only in its path and query),
    /// and the URL is https (http only on localhost) once its placeholders are filled.
    pub(crate) fn check(&self, fields: &[InputField]) -> Result<(), String> {
        let url = self.sample_url(fields)?;
        let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if !(url.scheme() == "https" || (url.scheme() == "http" && loopback)) {
            return Err("verify.url must be https (http only on localhost)".to_owned());
        }
        if self.valid_statuses.is_empty() {
            return Err("verify.valid_statuses must list at least one status".to_owned());
        }
        Ok(())
    }
}

/// How the end customer authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub enum AuthKind {
    #[serde(rename = "oauth2")]
    OAuth2,
    #[serde(rename = "keybased")]
    KeyBased,
}

impl AuthKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::OAuth2 => "oauth2",
            Self::KeyBased => "keybased",
        }
    }
}

impl From<AuthKind> for AuthType {
    fn from(kind: AuthKind) -> Self {
        match kind {
            AuthKind::OAuth2 => Self::OAuth2,
            AuthKind::KeyBased => Self::KeyBased,
        }
    }
}

/// A provider's OAuth2 endpoints. A URL starting with `/` is on this Portico (the sandbox).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuthEndpoints {
    pub authorize_url: String,
    pub token_url: String,
    pub revoke_url: Option<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub pkce: bool,
    #[serde(default)]
    pub client_auth: ClientAuth,
    /// The provider's issuer identifier (RFC 9207); a callback whose `iss` differs is refused.
    pub issuer: Option<String>,
    /// A JSON pointer naming the connected account, e.g. `/team/name`: into the token
    /// response, or into the answer of `identity_url` when there is one.
    pub identifier: Option<String>,
    /// A JSON pointer to the provider's stable id of the account (Slack `/team/id`, GitHub
    /// `/id`, Google `/sub`), read where `identifier` is. Connections are matched on it: two
    /// accounts with the same display name stay two connections.
    pub account_id: Option<String>,
    /// How this provider says a refresh is refused, beyond RFC 6749's `error` codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refusals: Vec<RefusalRule>,
    /// A URL answering JSON about the signed-in account, called with the new access token.
    pub identity_url: Option<String>,
    /// Values the end customer gives before signing in, filled into `{name}` in the URLs,
    /// e.g. a Zendesk subdomain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ConnectParam>,
}

/// One way a provider refuses a token request: when the JSON answer has `value` at `pointer`,
/// the refusal `means` that (whatever the HTTP status, for providers that answer 200).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefusalRule {
    pub pointer: String,
    pub value: String,
    pub means: Refusal,
}

/// What a refused token request means for the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// RFC 6749 `invalid_grant`: the refresh token no longer works (expired or revoked).
    InvalidGrant,
    /// The provider says the grant was revoked.
    TokenRevoked,
    /// The provider says the refresh token expired.
    RefreshTokenExpired,
    /// RFC 6749 `invalid_client`: the org's client credentials no longer work.
    InvalidClient,
    /// The app was uninstalled from the account.
    AppUninstalled,
    /// A refusal that may pass: try again later.
    Transient,
}

/// One value asked before an OAuth2 sign-in. Values are 1 to 63 of `a-z`, `0-9` and `-`
/// (a DNS label), so they can never change which host a URL points to.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectParam {
    pub name: String,
    pub label: String,
    #[serde(default)]
    pub placeholder: String,
    pub help: Option<String>,
}

impl ConnectParam {
    /// Checks a value the end customer typed; lower-cases it.
    pub fn parse(&self, value: &str) -> Result<String, FieldError> {
        let value = value.trim().to_ascii_lowercase();
        let valid = (1..=63).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !value.starts_with('-')
            && !value.ends_with('-');
        if valid {
            Ok(value)
        } else if value.is_empty() {
            Err(
                FieldError::new(&self.name, format!("enter your {}", self.label))
                    .worded("field-required", vec![("label", self.label.clone())]),
            )
        } else {
            Err(FieldError::new(
                &self.name,
                "use only letters, digits and dashes, up to 63 characters",
            )
            .worded("field-subdomain", vec![("label", self.label.clone())]))
        }
    }
}

impl OAuthEndpoints {
    /// The `{name}` placeholders in the endpoint URLs.
    fn placeholders(&self) -> Vec<String> {
        let mut names = Vec::new();
        let urls = [
            Some(&self.authorize_url),
            Some(&self.token_url),
            self.revoke_url.as_ref(),
            self.identity_url.as_ref(),
        ];
        for url in urls.into_iter().flatten() {
            let mut rest = url.as_str();
            while let Some(start) = rest.find('{') {
                let Some(end) = rest[start..].find('}') else {
                    break;
                };
                let name = rest[start + 1..start + end].to_owned();
                if !names.contains(&name) {
                    names.push(name);
                }
                rest = &rest[start + end + 1..];
            }
        }
        names
    }
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuth {
    #[default]
    Basic,
    Post,
}

/// One field of a key-based app's form.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InputField {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: FieldKind,
    pub required: bool,
    #[serde(default)]
    pub placeholder: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default = "default_max_length")]
    pub max_length: u32,
    #[serde(default)]
    pub secret: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

fn default_max_length() -> u32 {
    1024
}

/// The HTML input type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    Password,
    Email,
    Url,
    Tel,
    Number,
}

impl FieldKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Password => "password",
            Self::Email => "email",
            Self::Url => "url",
            Self::Tel => "tel",
            Self::Number => "number",
        }
    }
}

impl AppDefinition {
    /// The icon's URL: absolute for an org's own icon, else under `base` (may be empty).
    pub(crate) fn icon_url(&self, base: &str) -> String {
        if self.icon.starts_with("https://") {
            self.icon.clone()
        } else {
            format!("{base}/icons/{}", self.icon)
        }
    }

    /// Field names are unique identifiers, every field has a label, and the verification
    /// request (if any) is a fixed endpoint.
    pub(super) fn check_fields(&self) -> Result<(), String> {
        if let Some(verify) = &self.verify {
            verify.check(&self.auth_input_map)?;
        }
        let mut seen = std::collections::HashSet::new();
        for field in &self.auth_input_map {
            let name_ok = (1..=64).contains(&field.name.len())
                && field
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !name_ok {
                return Err(format!(
                    "field name `{}` must be 1 to 64 letters, digits, `_` or `-`",
                    field.name
                ));
            }
            if !seen.insert(field.name.as_str()) {
                return Err(format!("field `{}` is listed twice", field.name));
            }
            if field.label.trim().is_empty() || field.label.chars().count() > 100 {
                return Err(format!(
                    "field `{}` needs a label of 1 to 100 characters",
                    field.name
                ));
            }
            if field.max_length == 0 || field.max_length > 16 * 1024 {
                return Err(format!(
                    "field `{}`: max_length must be 1 to 16384",
                    field.name
                ));
            }
        }
        Ok(())
    }

    pub(super) fn check(&self) -> Result<(), String> {
        Slug::parse(&self.slug).map_err(|error| error.message)?;
        if !self.icon.ends_with(".svg") || self.icon.contains('/') {
            return Err("icon must be a file name under public/icons ending in .svg".to_owned());
        }
        self.check_fields()?;
        if let Some(oauth) = &self.oauth {
            let declared: Vec<_> = oauth.params.iter().map(|p| p.name.clone()).collect();
            let mut used = oauth.placeholders();
            used.sort();
            let mut sorted = declared.clone();
            sorted.sort();
            if used != sorted {
                return Err(format!(
                    "URL placeholders {used:?} must match the declared params {declared:?}"
                ));
            }
        }
        match (self.auth_type, &self.oauth, self.auth_input_map.is_empty()) {
            (AuthKind::OAuth2, Some(_), true) | (AuthKind::KeyBased, None, false) => Ok(()),
            (AuthKind::OAuth2, _, _) => {
                Err("an oauth2 app needs an [oauth] table and no fields".to_owned())
            }
            (AuthKind::KeyBased, _, _) => {
                Err("a keybased app needs fields and no [oauth] table".to_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_templates_fix_their_scheme_and_host() {
        let fields: Vec<InputField> = serde_json::from_value(serde_json::json!([
            {"name": "key", "label": "Key", "type": "password", "required": true, "secret": true},
            {"name": "sub", "label": "Subdomain", "type": "text", "required": true}
        ]))
        .unwrap();
        let verify = |url: &str, method: VerifyMethod| Verification {
            method,
            url: url.to_owned(),
            headers: Default::default(),
            query: Default::default(),
            basic_auth: None,
            valid_statuses: vec![200],
            invalid_statuses: vec![401],
            timeout_seconds: None,
        };
        assert_eq!(
            verify(
                "https://api.example.com/v1/{sub}?k={key}",
                VerifyMethod::Get
            )
            .check(&fields),
            Ok(())
        );
        for url in [
            "https://{sub}.example.com/v1",
            "https://api.example.com:{sub}/v1",
            "https://{key}@api.example.com/v1",
            "{sub}://api.example.com/v1",
            "https://api.example.com{sub}",
        ] {
            let error = verify(url, VerifyMethod::Get).check(&fields).unwrap_err();
            assert!(error.contains("fixed scheme and host"), "{url}: {error}");
        }
        // A method other than GET, POST or HEAD is refused as the definition is read.
        let put = serde_json::json!({
            "method": "PUT", "url": "https://api.example.com/",
            "valid_statuses": [200], "invalid_statuses": [401]
        });
        assert!(serde_json::from_value::<Verification>(put).is_err());
        assert!(
            verify("http://api.example.com/", VerifyMethod::Get)
                .check(&fields)
                .is_err()
        );
    }
}
