//! Application definitions: the built-in catalog (data files under `server/catalog/`) and which
//! apps an org has enabled per environment.

use std::collections::HashMap;

use app::dto::AuthType;
use chrono::Utc;
use include_dir::{Dir, include_dir};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};
use serde::{Deserialize, Serialize};

use crate::entity::app_config;
use crate::input::{FieldError, text_line};
use crate::secrets;
use crate::tenancy::Environment;
use crate::vault::{Binding, RotationReport, Vault};
use zeroize::Zeroizing;

mod custom;

pub use custom::{CustomAppError, CustomAppInput, create_custom_app, delete_custom_app};

static BUILTIN: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/catalog");

/// One application a linked account can connect.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    #[serde(default = "get")]
    pub method: String,
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

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BasicAuth {
    pub username: String,
    pub password: Option<String>,
}

fn get() -> String {
    "GET".to_owned()
}

impl Verification {
    /// The URL with every placeholder filled with a dummy value, after checking that no
    /// placeholder sits in the scheme or host (a customer's value must not choose the host).
    pub fn sample_url(&self, fields: &[InputField]) -> Result<url::Url, String> {
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
    pub fn check(&self, fields: &[InputField]) -> Result<(), String> {
        let url = self.sample_url(fields)?;
        let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if !(url.scheme() == "https" || (url.scheme() == "http" && loopback)) {
            return Err("verify.url must be https (http only on localhost)".to_owned());
        }
        if !["GET", "POST", "HEAD"].contains(&self.method.as_str()) {
            return Err("verify.method must be GET, POST or HEAD".to_owned());
        }
        if self.valid_statuses.is_empty() {
            return Err("verify.valid_statuses must list at least one status".to_owned());
        }
        Ok(())
    }
}

/// How the end customer authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum AuthKind {
    #[serde(rename = "oauth2")]
    OAuth2,
    #[serde(rename = "keybased")]
    KeyBased,
}

impl AuthKind {
    pub fn as_str(self) -> &'static str {
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
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RefusalRule {
    pub pointer: String,
    pub value: String,
    pub means: Refusal,
}

/// What a refused token request means for the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
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
            Err(FieldError::new(
                &self.name,
                format!("enter your {}", self.label),
            ))
        } else {
            Err(FieldError::new(
                &self.name,
                "use only letters, digits and dashes, up to 63 characters",
            ))
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuth {
    #[default]
    Basic,
    Post,
}

/// One field of a key-based app's form.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
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
    pub fn as_str(self) -> &'static str {
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

/// The catalog could not be loaded: a data file is wrong.
#[derive(Debug, thiserror::Error)]
#[error("catalog file {file}: {message}")]
pub struct CatalogError {
    file: String,
    message: String,
}

/// All application definitions, sorted by name, with lookup by slug.
#[derive(Debug)]
pub struct Catalog {
    apps: Vec<AppDefinition>,
    by_slug: HashMap<String, usize>,
}

impl Catalog {
    /// The built-in catalog compiled into the binary.
    pub fn builtin() -> Result<Self, CatalogError> {
        let files = BUILTIN
            .files()
            .filter(|file| file.path().extension().is_some_and(|ext| ext == "toml"))
            .map(|file| {
                (
                    file.path().display().to_string(),
                    file.contents_utf8().unwrap_or_default(),
                )
            });
        Self::from_files(files)
    }

    fn from_files<'a>(
        files: impl Iterator<Item = (String, &'a str)>,
    ) -> Result<Self, CatalogError> {
        let mut apps = Vec::new();
        for (file, text) in files {
            let app: AppDefinition = toml::from_str(text).map_err(|error| CatalogError {
                file: file.clone(),
                message: error.message().to_owned(),
            })?;
            app.check()
                .map_err(|message| CatalogError { file, message })?;
            apps.push(app);
        }
        apps.sort_by_key(|app| app.name.to_lowercase());
        let mut by_slug = HashMap::new();
        for (index, app) in apps.iter().enumerate() {
            if by_slug.insert(app.slug.clone(), index).is_some() {
                return Err(CatalogError {
                    file: app.slug.clone(),
                    message: "slug defined twice".to_owned(),
                });
            }
        }
        Ok(Self { apps, by_slug })
    }

    pub fn get(&self, slug: &str) -> Option<&AppDefinition> {
        self.by_slug.get(slug).map(|&index| &self.apps[index])
    }

    pub fn apps(&self) -> &[AppDefinition] {
        &self.apps
    }
}

impl AppDefinition {
    /// The icon's URL: absolute for an org's own icon, else under `base` (may be empty).
    pub fn icon_url(&self, base: &str) -> String {
        if self.icon.starts_with("https://") {
            self.icon.clone()
        } else {
            format!("{base}/icons/{}", self.icon)
        }
    }

    /// Field names are unique identifiers, every field has a label, and the verification
    /// request (if any) is a fixed endpoint.
    fn check_fields(&self) -> Result<(), String> {
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

    fn check(&self) -> Result<(), String> {
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

/// An application slug: 1 to 64 of `a-z`, `0-9`, `-`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        let valid = (1..=64).contains(&value.len())
            && value.starts_with(|c: char| c.is_ascii_lowercase())
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(FieldError::new(
                "slug",
                "must be 1 to 64 lower-case letters, digits or dashes, starting with a letter",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an org sets when it enables a catalog app. Fields left out keep their stored values.
#[derive(Clone, Default)]
pub struct AppConfigInput {
    pub client_id: Option<String>,
    pub client_secret: Option<Zeroizing<String>>,
    pub scopes: Option<Vec<String>>,
    /// What the provider signs its events with (Slack's signing secret).
    pub signing_secret: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for AppConfigInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppConfigInput")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("scopes", &self.scopes)
            .field("signing_secret", &self.signing_secret.as_ref().map(|_| "…"))
            .finish()
    }
}

impl AppConfigInput {
    pub fn parse(
        client_id: Option<&str>,
        client_secret: Option<&str>,
        scopes: Option<Vec<String>>,
    ) -> Result<Self, FieldError> {
        let client_id = client_id
            .map(|id| text_line("client_id", id, 512))
            .transpose()?;
        // Checked without echoing the value in any message.
        let client_secret = client_secret
            .map(|secret| text_line("client_secret", secret, 1024).map(Zeroizing::new))
            .transpose()?;
        let scopes = scopes
            .map(|scopes| {
                if scopes.len() > 100 {
                    return Err(FieldError::new("scopes", "must list at most 100 scopes"));
                }
                scopes
                    .iter()
                    .map(|scope| {
                        let scope = text_line("scopes", scope, 200)?;
                        if scope.contains(char::is_whitespace) {
                            return Err(FieldError::new(
                                "scopes",
                                "a scope must not contain spaces",
                            ));
                        }
                        Ok(scope)
                    })
                    .collect()
            })
            .transpose()?;
        Ok(Self {
            client_id,
            client_secret,
            scopes,
            signing_secret: None,
        })
    }

    /// Adds the secret the provider signs its events with.
    pub fn with_signing_secret(mut self, secret: Option<&str>) -> Result<Self, FieldError> {
        self.signing_secret = secret
            .map(|secret| text_line("signing_secret", secret, 1024).map(Zeroizing::new))
            .transpose()?;
        Ok(self)
    }
}

/// Where an org's OAuth client secret for an app is sealed.
pub fn client_secret_binding(org_id: &str, environment: Environment, slug: &str) -> Binding {
    config_binding(org_id, environment, slug, "client_secret")
}

/// Where an org's signing secret for an app's events is sealed.
pub fn signing_secret_binding(org_id: &str, environment: Environment, slug: &str) -> Binding {
    config_binding(org_id, environment, slug, "signing_secret")
}

fn config_binding(org_id: &str, environment: Environment, slug: &str, field: &str) -> Binding {
    Binding::new(
        "app_config",
        &[
            ("org", org_id),
            ("environment", environment.as_str()),
            ("slug", slug),
            ("field", field),
        ],
    )
}

/// Re-seals every org's client secrets under the active key. Each update applies only if the
/// row still holds the value read, so a concurrent change is never overwritten.
pub async fn reseal_all(db: &impl ConnectionTrait, vault: &Vault) -> Result<RotationReport, DbErr> {
    let mut report = RotationReport::default();
    let rows = app_config::Entity::find().all(db).await?;
    for row in rows {
        let sealed = [
            (
                app_config::Column::ClientSecret,
                &row.client_secret,
                client_secret_binding(&row.org_id, row.environment, &row.slug),
            ),
            (
                app_config::Column::SigningSecret,
                &row.signing_secret,
                signing_secret_binding(&row.org_id, row.environment, &row.slug),
            ),
        ];
        for (column, value, binding) in sealed {
            let Some(value) = value else {
                continue;
            };
            let resealed = report
                .count(vault.reseal(value, &binding))
                .map_err(|error| DbErr::Custom(format!("app_config {}: {error}", row.id)))?;
            if let Some(resealed) = resealed {
                app_config::Entity::update_many()
                    .col_expr(column, Expr::value(resealed))
                    .filter(app_config::Column::Id.eq(&row.id))
                    .filter(column.eq(value.clone()))
                    .exec(db)
                    .await?;
            }
        }
    }
    Ok(report)
}

/// Enables an app for an org's environment (or updates its settings); a client secret is
/// sealed by the vault before it is stored.
pub async fn enable_app(
    db: &impl ConnectionTrait,
    vault: &Vault,
    org_id: &str,
    environment: Environment,
    slug: &Slug,
    input: &AppConfigInput,
) -> Result<(), DbErr> {
    let client_secret = input.client_secret.as_ref().map(|secret| {
        vault.seal(
            secret.as_bytes(),
            &client_secret_binding(org_id, environment, slug.as_str()),
        )
    });
    let signing_secret = input.signing_secret.as_ref().map(|secret| {
        vault.seal(
            secret.as_bytes(),
            &signing_secret_binding(org_id, environment, slug.as_str()),
        )
    });
    let record = app_config::ActiveModel {
        id: Set(secrets::random_id()),
        org_id: Set(org_id.to_owned()),
        environment: Set(environment),
        slug: Set(slug.as_str().to_owned()),
        enabled: Set(true),
        client_id: Set(input.client_id.clone()),
        client_secret: Set(client_secret.clone()),
        signing_secret: Set(signing_secret.clone()),
        scopes: Set(input.scopes.as_ref().map(|scopes| scopes.join(" "))),
        updated_at: Set(Utc::now()),
    };
    let mut update = vec![app_config::Column::Enabled, app_config::Column::UpdatedAt];
    for (given, column) in [
        (input.client_id.is_some(), app_config::Column::ClientId),
        (client_secret.is_some(), app_config::Column::ClientSecret),
        (signing_secret.is_some(), app_config::Column::SigningSecret),
        (input.scopes.is_some(), app_config::Column::Scopes),
    ] {
        if given {
            update.push(column);
        }
    }
    app_config::Entity::insert(record)
        .on_conflict(
            OnConflict::columns([
                app_config::Column::OrgId,
                app_config::Column::Environment,
                app_config::Column::Slug,
            ])
            .update_columns(update)
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Disables an app for an org's environment. Returns whether it was enabled.
pub async fn disable_app(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    slug: &Slug,
) -> Result<bool, DbErr> {
    let result = app_config::Entity::update_many()
        .col_expr(app_config::Column::Enabled, Expr::value(false))
        .col_expr(app_config::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(app_config::Column::OrgId.eq(org_id))
        .filter(app_config::Column::Environment.eq(environment))
        .filter(app_config::Column::Slug.eq(slug.as_str()))
        .filter(app_config::Column::Enabled.eq(true))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Slugs of the apps an org has enabled in an environment.
pub async fn enabled_slugs(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
) -> Result<Vec<String>, DbErr> {
    let configs = app_config::Entity::find()
        .filter(app_config::Column::OrgId.eq(org_id))
        .filter(app_config::Column::Environment.eq(environment))
        .filter(app_config::Column::Enabled.eq(true))
        .all(db)
        .await?;
    Ok(configs.into_iter().map(|config| config.slug).collect())
}

/// An app by slug for an org's environment: built in, or the org's own.
pub async fn definition(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    org_id: &str,
    environment: Environment,
    slug: &str,
) -> Result<Option<AppDefinition>, DbErr> {
    if let Some(app) = catalog.get(slug) {
        return Ok(Some(app.clone()));
    }
    custom::find(db, org_id, environment, slug).await
}

/// Every app an org has enabled in an environment: catalog apps in catalog order, then its
/// own apps by name.
pub async fn enabled_apps<'a>(
    db: &impl ConnectionTrait,
    catalog: &'a Catalog,
    org_id: &str,
    environment: Environment,
) -> Result<Vec<std::borrow::Cow<'a, AppDefinition>>, DbErr> {
    let enabled = enabled_slugs(db, org_id, environment).await?;
    let mut apps: Vec<_> = catalog
        .apps()
        .iter()
        .filter(|app| enabled.contains(&app.slug))
        .map(std::borrow::Cow::Borrowed)
        .collect();
    if enabled.iter().any(|slug| catalog.get(slug).is_none()) {
        let mut own = custom::all(db, org_id, environment).await?;
        own.retain(|app| enabled.contains(&app.slug));
        own.sort_by_key(|app| app.name.to_lowercase());
        apps.extend(own.into_iter().map(std::borrow::Cow::Owned));
    }
    Ok(apps)
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
        let verify = |url: &str, method: &str| Verification {
            method: method.to_owned(),
            url: url.to_owned(),
            headers: Default::default(),
            query: Default::default(),
            basic_auth: None,
            valid_statuses: vec![200],
            invalid_statuses: vec![401],
            timeout_seconds: None,
        };
        assert_eq!(
            verify("https://api.example.com/v1/{sub}?k={key}", "GET").check(&fields),
            Ok(())
        );
        for url in [
            "https://{sub}.example.com/v1",
            "https://api.example.com:{sub}/v1",
            "https://{key}@api.example.com/v1",
            "{sub}://api.example.com/v1",
            "https://api.example.com{sub}",
        ] {
            let error = verify(url, "GET").check(&fields).unwrap_err();
            assert!(error.contains("fixed scheme and host"), "{url}: {error}");
        }
        assert!(
            verify("https://api.example.com/", "PUT")
                .check(&fields)
                .is_err()
        );
        assert!(
            verify("http://api.example.com/", "GET")
                .check(&fields)
                .is_err()
        );
    }

    #[test]
    fn the_builtin_catalog_loads_with_a_dozen_apps_of_both_kinds() {
        let catalog = Catalog::builtin().expect("built-in catalog");
        let apps = catalog.apps();
        assert!(apps.len() >= 13, "{} apps", apps.len());
        let oauth = apps
            .iter()
            .filter(|app| app.auth_type == AuthKind::OAuth2)
            .count();
        let keyed = apps
            .iter()
            .filter(|app| app.auth_type == AuthKind::KeyBased)
            .count();
        assert!(oauth >= 8 && keyed >= 4, "{oauth} oauth2, {keyed} keybased");
        assert!(catalog.get("sandbox").is_some());
        let twilio = catalog.get("twilio").expect("twilio");
        let names: Vec<_> = twilio
            .auth_input_map
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["number", "sid"]);
    }

    #[test]
    fn every_icon_exists_and_every_oauth_url_is_https_or_local() {
        let icons = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/icons");
        for app in Catalog::builtin().unwrap().apps() {
            assert!(icons.join(&app.icon).is_file(), "missing icon {}", app.icon);
            if let Some(oauth) = &app.oauth {
                for url in [&oauth.authorize_url, &oauth.token_url] {
                    assert!(url.starts_with("https://") || url.starts_with('/'), "{url}");
                }
            }
        }
    }

    #[test]
    fn a_broken_data_file_is_refused_with_its_name() {
        let text = "slug = \"x\"\nname = \"X\"\n";
        let error = Catalog::from_files([("x.toml".to_owned(), text)].into_iter()).unwrap_err();
        assert!(
            error.to_string().starts_with("catalog file x.toml:"),
            "{error}"
        );
        let text = r#"slug = "Bad Slug"
name = "X"
description = "d"
tags = []
version = "1.0.0"
auth_type = "oauth2"
icon = "x.svg"
[oauth]
authorize_url = "https://x/a"
token_url = "https://x/t"
"#;
        assert!(Catalog::from_files([("y.toml".to_owned(), text)].into_iter()).is_err());
    }

    #[test]
    fn slugs_are_lower_case_words() {
        assert!(Slug::parse("google-sheets").is_ok());
        for bad in ["", "Slack", "1password", "a b", "../etc", &"a".repeat(65)] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }
}
