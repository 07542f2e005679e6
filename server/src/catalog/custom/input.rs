//! A custom app as the vendor sends it, and the checks that turn it into a definition.

use serde::Deserialize;
use url::Url;

use crate::catalog::{
    AppConfigInput, AppDefinition, AuthKind, Catalog, ClientAuth, InputField, OAuthEndpoints,
    RefusalRule, Slug, Verification,
};
use crate::egress::Policy;
use crate::input::{FieldError, text_line};

/// The request body, as the vendor sends it: what every app has, then by `auth_type` what
/// signing in to it takes.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(tag = "auth_type", deny_unknown_fields)]
pub enum CustomAppInput {
    #[serde(rename = "oauth2")]
    OAuth2 {
        slug: String,
        name: String,
        icon: Option<String>,
        description: Option<String>,
        tags: Option<Vec<String>>,
        oauth: CustomOAuthInput,
    },
    #[serde(rename = "keybased")]
    KeyBased {
        slug: String,
        name: String,
        icon: Option<String>,
        description: Option<String>,
        tags: Option<Vec<String>>,
        /// Fields as JSON: each is secret unless it says `"secret": false` (a password never
        /// is anything but secret).
        #[serde(default)]
        #[schema(value_type = Vec<InputField>)]
        auth_input_map: Vec<serde_json::Map<String, serde_json::Value>>,
        verify: Option<Verification>,
    },
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomOAuthInput {
    pub authorize_url: String,
    pub token_url: String,
    pub revoke_url: Option<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default = "yes")]
    pub pkce: bool,
    #[serde(default)]
    pub client_auth: ClientAuth,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub issuer: Option<String>,
    pub identifier: Option<String>,
    pub account_id: Option<String>,
    #[serde(default)]
    pub refusals: Vec<RefusalRule>,
    pub identity_url: Option<String>,
}

impl std::fmt::Debug for CustomOAuthInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomOAuthInput")
            .field("authorize_url", &self.authorize_url)
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// What every app says about itself, checked.
struct About {
    slug: Slug,
    name: String,
    icon: String,
    description: String,
    tags: Vec<String>,
}

impl About {
    fn check(
        policy: &Policy,
        slug: &str,
        name: &str,
        icon: Option<&str>,
        description: Option<&str>,
        tags: Option<Vec<String>>,
    ) -> Result<Self, FieldError> {
        let slug = Slug::parse(slug)?;
        let name = text_line("name", name, 100)?;
        let description = description
            .map(|text| text_line("description", text, 1000))
            .transpose()?
            .unwrap_or_default();
        let tags = tags.unwrap_or_default();
        if tags.len() > 10 {
            return Err(FieldError::new("tags", "must list at most 10 tags"));
        }
        let tags = tags
            .iter()
            .map(|tag| text_line("tags", tag, 40))
            .collect::<Result<Vec<_>, _>>()?;
        let icon = match icon {
            None => "custom.svg".to_owned(),
            Some(icon) => {
                let icon = endpoint(policy, "icon", icon)?;
                if !icon.starts_with("https://") {
                    return Err(FieldError::new("icon", "must be an https URL"));
                }
                icon
            }
        };
        Ok(Self {
            slug,
            name,
            icon,
            description,
            tags,
        })
    }

    fn into_definition(
        self,
        auth_type: AuthKind,
        oauth: Option<OAuthEndpoints>,
        auth_input_map: Vec<InputField>,
        verify: Option<Verification>,
    ) -> AppDefinition {
        AppDefinition {
            slug: self.slug.as_str().to_owned(),
            name: self.name,
            description: self.description,
            tags: self.tags,
            version: "1.0.0".to_owned(),
            auth_type,
            icon: self.icon,
            oauth,
            auth_input_map,
            verify,
        }
    }
}

/// A JSON pointer such as `/team/name`.
fn pointer(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    match value {
        None => Ok(None),
        Some(pointer) if pointer.starts_with('/') => Ok(Some(text_line(field, pointer, 200)?)),
        Some(_) => Err(FieldError::new(
            field,
            "must be a JSON pointer such as /team/name",
        )),
    }
}

/// At most 20 refusal rules, each with a JSON pointer and a short value.
fn refusals(rules: Vec<RefusalRule>) -> Result<Vec<RefusalRule>, FieldError> {
    if rules.len() > 20 {
        return Err(FieldError::new(
            "oauth.refusals",
            "must have at most 20 rules",
        ));
    }
    for rule in &rules {
        pointer("oauth.refusals.pointer", Some(&rule.pointer))?;
        text_line("oauth.refusals.value", &rule.value, 200)?;
    }
    Ok(rules)
}

fn yes() -> bool {
    true
}

/// An endpoint an org registers, checked against where Portico may send requests: https to a
/// public host (http and loopback only where the deployment allows them).
fn endpoint(policy: &Policy, field: &str, value: &str) -> Result<String, FieldError> {
    let value = text_line(field, value, 2048)?;
    let url = Url::parse(&value).map_err(|_| FieldError::new(field, "must be a URL"))?;
    if url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(FieldError::new(
            field,
            "must be a plain https URL, without a #fragment or credentials",
        ));
    }
    policy
        .check_url(&url)
        .map_err(|why| FieldError::new(field, why))?;
    Ok(url.to_string())
}

/// Key fields as an org writes them: secret unless marked `"secret": false`, and a password
/// always secret, so a key is never shown as the connection's name.
fn key_fields(
    fields: Vec<serde_json::Map<String, serde_json::Value>>,
) -> Result<Vec<InputField>, FieldError> {
    fields
        .into_iter()
        .enumerate()
        .map(|(index, mut field)| {
            let password = field.get("type").and_then(|kind| kind.as_str()) == Some("password");
            if password || !field.contains_key("secret") {
                field.insert("secret".to_owned(), serde_json::Value::Bool(true));
            }
            serde_json::from_value(serde_json::Value::Object(field)).map_err(|error| {
                FieldError::new(format!("auth_input_map[{index}]"), error.to_string())
            })
        })
        .collect()
}

/// The provider's endpoints, each one Portico may call, and the org's client for it.
fn oauth_client(
    policy: &Policy,
    oauth: CustomOAuthInput,
) -> Result<(OAuthEndpoints, AppConfigInput), FieldError> {
    let optional_endpoint =
        |field: &str, url: Option<&str>| url.map(|url| endpoint(policy, field, url)).transpose();
    let endpoints = OAuthEndpoints {
        authorize_url: endpoint(policy, "oauth.authorize_url", &oauth.authorize_url)?,
        token_url: endpoint(policy, "oauth.token_url", &oauth.token_url)?,
        revoke_url: optional_endpoint("oauth.revoke_url", oauth.revoke_url.as_deref())?,
        scopes: Vec::new(),
        pkce: oauth.pkce,
        client_auth: oauth.client_auth,
        issuer: oauth
            .issuer
            .as_deref()
            .map(|issuer| text_line("oauth.issuer", issuer, 2048))
            .transpose()?,
        params: Vec::new(),
        identity_url: optional_endpoint("oauth.identity_url", oauth.identity_url.as_deref())?,
        identifier: pointer("oauth.identifier", oauth.identifier.as_deref())?,
        account_id: pointer("oauth.account_id", oauth.account_id.as_deref())?,
        refusals: refusals(oauth.refusals)?,
    };
    let config = AppConfigInput::parse(
        Some(&oauth.client_id),
        oauth.client_secret.as_deref(),
        Some(oauth.scopes),
    )
    .map_err(|error| FieldError::new(format!("oauth.{}", error.field), error.message))?;
    Ok((endpoints, config))
}

/// The key form: 1 to 20 fields.
fn key_form(
    fields: Vec<serde_json::Map<String, serde_json::Value>>,
) -> Result<Vec<InputField>, FieldError> {
    let fields = key_fields(fields)?;
    if fields.is_empty() || fields.len() > 20 {
        return Err(FieldError::new(
            "auth_input_map",
            "must list 1 to 20 fields",
        ));
    }
    Ok(fields)
}

/// The definition's fields are well formed, and its verification request (if any) goes where
/// Portico may send one, within the longest time an outbound request may take.
fn check_definition(definition: &AppDefinition, policy: &Policy) -> Result<(), FieldError> {
    definition.check_fields().map_err(|message| {
        let field = if message.starts_with("verify") {
            "verify"
        } else {
            "auth_input_map"
        };
        FieldError::new(field, message)
    })?;
    let Some(verify) = &definition.verify else {
        return Ok(());
    };
    let most = crate::egress::TOTAL_TIMEOUT.as_secs();
    match verify.timeout_seconds {
        Some(0) => {
            return Err(FieldError::new(
                "verify.timeout_seconds",
                "must be at least 1",
            ));
        }
        Some(seconds) if u64::from(seconds) > most => {
            return Err(FieldError::new(
                "verify.timeout_seconds",
                format!("must be at most {most}: no outbound request may take longer"),
            ));
        }
        _ => {}
    }
    let url = verify
        .sample_url(&definition.auth_input_map)
        .map_err(|message| FieldError::new("verify", message))?;
    policy
        .check_url(&url)
        .map_err(|why| FieldError::new("verify.url", why))
}

/// A custom app that passed every check: its definition and the client to enable it with.
pub struct CheckedApp {
    pub definition: AppDefinition,
    pub config: AppConfigInput,
}

impl CustomAppInput {
    /// How customers sign in to the app.
    pub fn auth_type(&self) -> AuthKind {
        match self {
            Self::OAuth2 { .. } => AuthKind::OAuth2,
            Self::KeyBased { .. } => AuthKind::KeyBased,
        }
    }

    /// Checks every field and builds the definition plus the client settings to enable it with.
    pub(crate) fn check(
        self,
        catalog: &Catalog,
        policy: &Policy,
    ) -> Result<CheckedApp, FieldError> {
        let (definition, config) = match self {
            Self::OAuth2 {
                slug,
                name,
                icon,
                description,
                tags,
                oauth,
            } => {
                let about = About::check(
                    policy,
                    &slug,
                    &name,
                    icon.as_deref(),
                    description.as_deref(),
                    tags,
                )?;
                let (endpoints, config) = oauth_client(policy, oauth)?;
                let definition =
                    about.into_definition(AuthKind::OAuth2, Some(endpoints), Vec::new(), None);
                (definition, config)
            }
            Self::KeyBased {
                slug,
                name,
                icon,
                description,
                tags,
                auth_input_map,
                verify,
            } => {
                let about = About::check(
                    policy,
                    &slug,
                    &name,
                    icon.as_deref(),
                    description.as_deref(),
                    tags,
                )?;
                let fields = key_form(auth_input_map)?;
                let definition = about.into_definition(AuthKind::KeyBased, None, fields, verify);
                (definition, AppConfigInput::default())
            }
        };
        if catalog.get(&definition.slug).is_some() {
            return Err(FieldError::new("slug", "is taken by a built-in app"));
        }
        check_definition(&definition, policy)?;
        Ok(CheckedApp { definition, config })
    }
}
