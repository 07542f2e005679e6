//! The console's form for an app of the org's own: its fields as typed, filled in from a
//! stored app, and turned into the API's body (`POST /api/v2/public/custom-app`), with each
//! refusal of that body put back at the field it is about.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::catalog::{AppDefinition, AuthKind, CustomAppInput, Verification};
use crate::entity::app_config;
use crate::input::FieldError;

/// The form's fields, as typed; empty ones are left out of the app.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(in crate::http::console) struct AppForm {
    pub(super) csrf: String,
    pub(super) slug: String,
    pub(super) name: String,
    pub(super) description: String,
    pub(super) icon: String,
    pub(super) tags: String,
    pub(super) auth_type: String,
    pub(super) authorize_url: String,
    pub(super) token_url: String,
    pub(super) revoke_url: String,
    pub(super) scopes: String,
    pub(super) pkce: String,
    pub(super) client_auth: String,
    pub(super) client_id: String,
    pub(super) client_secret: String,
    pub(super) identity_url: String,
    pub(super) account_id: String,
    pub(super) identifier: String,
    pub(super) fields: String,
    pub(super) verify: String,
}

/// The key form an empty form suggests.
const FIELDS_EXAMPLE: &str =
    r#"[{"name": "api_key", "label": "API key", "type": "password", "required": true}]"#;

impl AppForm {
    pub(super) fn blank() -> Self {
        Self {
            auth_type: "oauth2".to_owned(),
            pkce: "yes".to_owned(),
            client_auth: "basic".to_owned(),
            fields: FIELDS_EXAMPLE.to_owned(),
            ..Self::default()
        }
    }

    /// The form filled in from a stored app (never its secret).
    pub(in crate::http::console) fn of(
        definition: &AppDefinition,
        config: Option<&app_config::Model>,
    ) -> Self {
        let pretty = |value: Value| serde_json::to_string_pretty(&value).unwrap_or_default();
        let mut form = Self {
            slug: definition.slug.clone(),
            name: definition.name.clone(),
            description: definition.description.clone(),
            icon: Some(definition.icon.clone())
                .filter(|icon| icon.starts_with("https://"))
                .unwrap_or_default(),
            tags: definition.tags.join(", "),
            auth_type: definition.auth_type.as_str().to_owned(),
            scopes: config
                .and_then(|config| config.scopes.clone())
                .unwrap_or_default(),
            client_id: config
                .and_then(|config| config.client_id.clone())
                .unwrap_or_default(),
            ..Self::default()
        };
        if let Some(oauth) = &definition.oauth {
            form.authorize_url = oauth.authorize_url.clone();
            form.token_url = oauth.token_url.clone();
            form.revoke_url = oauth.revoke_url.clone().unwrap_or_default();
            form.pkce = if oauth.pkce { "yes" } else { "" }.to_owned();
            form.client_auth = json!(oauth.client_auth)
                .as_str()
                .unwrap_or("basic")
                .to_owned();
            form.identity_url = oauth.identity_url.clone().unwrap_or_default();
            form.account_id = oauth.account_id.clone().unwrap_or_default();
            form.identifier = oauth.identifier.clone().unwrap_or_default();
        }
        if definition.auth_type == AuthKind::KeyBased {
            form.fields = pretty(json!(definition.auth_input_map));
            form.verify = definition
                .verify
                .as_ref()
                .map(|verify| pretty(json!(verify)))
                .unwrap_or_default();
        }
        form
    }

    /// The `oauth` part of the API's body.
    fn oauth(&self, stored: Option<&AppDefinition>) -> Result<Map<String, Value>, FieldError> {
        let mut oauth = Map::new();
        oauth.insert("authorize_url".to_owned(), json!(self.authorize_url));
        oauth.insert("token_url".to_owned(), json!(self.token_url));
        oauth.insert("client_id".to_owned(), json!(self.client_id));
        let scopes: Vec<&str> = self.scopes.split_whitespace().collect();
        oauth.insert("scopes".to_owned(), json!(scopes));
        oauth.insert("pkce".to_owned(), json!(self.pkce == "yes"));
        let client_auth = match self.client_auth.as_str() {
            "" | "basic" => "basic",
            "post" => "post",
            _ => {
                let why = "choose HTTP Basic or the form body";
                return Err(FieldError::new("client_auth", why));
            }
        };
        oauth.insert("client_auth".to_owned(), json!(client_auth));
        for (key, value) in [
            ("revoke_url", &self.revoke_url),
            ("client_secret", &self.client_secret),
            ("identity_url", &self.identity_url),
            ("account_id", &self.account_id),
            ("identifier", &self.identifier),
        ] {
            put(&mut oauth, key, value);
        }
        if let Some(kept) = stored.and_then(|stored| stored.oauth.as_ref()) {
            oauth.insert("refusals".to_owned(), json!(kept.refusals));
            if let Some(issuer) = &kept.issuer {
                oauth.insert("issuer".to_owned(), json!(issuer));
            }
        }
        Ok(oauth)
    }

    /// The API's body for this form. Editing keeps what the form does not show of the stored
    /// app (its refusal rules and issuer).
    pub(super) fn input(
        &self,
        stored: Option<&AppDefinition>,
    ) -> Result<CustomAppInput, FieldError> {
        let mut body = Map::new();
        body.insert("slug".to_owned(), json!(self.slug));
        body.insert("name".to_owned(), json!(self.name));
        body.insert("auth_type".to_owned(), json!(self.auth_type));
        put(&mut body, "description", &self.description);
        put(&mut body, "icon", &self.icon);
        let tags: Vec<&str> = self
            .tags
            .split(',')
            .map(str::trim)
            .filter(|tag| !tag.is_empty())
            .collect();
        if !tags.is_empty() {
            body.insert("tags".to_owned(), json!(tags));
        }
        match self.auth_type.as_str() {
            "oauth2" => {
                let oauth = self.oauth(stored)?;
                body.insert("oauth".to_owned(), Value::Object(oauth));
            }
            "keybased" => {
                let fields = json_of("fields", &self.fields)?.unwrap_or(json!([]));
                body.insert("auth_input_map".to_owned(), fields);
                if let Some(verify) = json_of("verify", &self.verify)? {
                    // Read alone first, so its mistakes are said at its own field.
                    serde_json::from_value::<Verification>(verify.clone())
                        .map_err(|error| FieldError::new("verify", error.to_string()))?;
                    body.insert("verify".to_owned(), verify);
                }
            }
            _ => {
                return Err(FieldError::new(
                    "auth_type",
                    "choose how customers sign in: OAuth2 or API keys",
                ));
            }
        }
        serde_json::from_value(Value::Object(body)).map_err(|error| {
            let field = if self.auth_type == "keybased" {
                "fields"
            } else {
                "form"
            };
            FieldError::new(field, error.to_string())
        })
    }
}

/// A JSON field of the form: `None` when empty.
fn json_of(field: &str, text: &str) -> Result<Option<Value>, FieldError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(text)
        .map(Some)
        .map_err(|error| FieldError::new(field, format!("is not JSON: {error}")))
}

/// The form field a refusal of the API's body belongs at (`form` for the form as a whole),
/// and its sentence, which names the part of a JSON field it is about.
pub(super) fn at_field(refused: FieldError) -> (String, String) {
    let FieldError { field, message, .. } = refused;
    let shown = [
        "slug",
        "name",
        "description",
        "icon",
        "tags",
        "fields",
        "verify",
    ];
    let oauth = [
        "authorize_url",
        "token_url",
        "revoke_url",
        "scopes",
        "client_id",
        "client_secret",
        "identity_url",
        "account_id",
        "identifier",
    ];
    let (at, named) = match field.strip_prefix("oauth.") {
        Some(rest) if oauth.contains(&rest) => (rest.to_owned(), false),
        Some(_) => ("form".to_owned(), true),
        None if shown.contains(&field.as_str()) => (field.clone(), false),
        None if field.starts_with("auth_input_map") => {
            ("fields".to_owned(), field != "auth_input_map")
        }
        None if field.starts_with("verify") => ("verify".to_owned(), true),
        None => ("form".to_owned(), field != "form"),
    };
    let message = if named {
        format!("{field}: {message}")
    } else {
        message
    };
    (at, message)
}

/// Sets `key` to `value` unless the field was left empty.
fn put(body: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.trim().is_empty() {
        body.insert(key.to_owned(), json!(value));
    }
}
