//! OAuth2 authorization code flow: authorization URL (PKCE S256 + single-use state), callback
//! (state checks, code exchange), refresh and revocation. Tokens are sealed by the vault.

use app::dto::Flow;
use chrono::{DateTime, Duration, Utc};
use oauth2::{
    AuthType, AuthUrl, ClientId, ClientSecret, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    ExtraTokenFields, RedirectUrl, RevocationUrl, StandardRevocableToken, StandardTokenResponse,
    TokenUrl,
    basic::{
        BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
        BasicTokenType,
    },
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;
use zeroize::Zeroizing;

use crate::catalog::{AppDefinition, ClientAuth, ConnectParam, client_secret_binding};
use crate::entity::{app_config, oauth_state};
use crate::input::FieldError;
use crate::tenancy::Environment;
use crate::vault::{RotationReport, Vault, VaultError};

mod authorize;
mod callback;
mod classify;
mod pending;
mod refresh;
mod revoke;
mod start;
mod tokens;

pub use authorize::{Begin, BrowserBinding, authorization_url, state_binding};
pub use callback::{CallbackContext, CallbackError, CallbackParams, Connected, Return, complete};
pub use pending::{
    Choice, Decided, OtherAccount, PendingError, decide, purge as purge_pending,
    reseal_all as reseal_pending,
};
pub use refresh::refresh;
pub use revoke::revoke_connection;
pub use start::{StartError, StartPage, bind_start, describe_start, start_page_url};
pub use tokens::{app_for_connection, open_tokens};

/// How long a user has to finish at the provider.
pub(crate) const STATE_TTL: Duration = Duration::minutes(10);
/// The path every provider redirects back to.
pub(crate) const CALLBACK_PATH: &str = "/oauth/callback";
/// The client id the built-in sandbox is used with when an org configured none.
pub(crate) const SANDBOX_CLIENT_ID: &str = "portico-sandbox";

/// Everything a provider sends in its token response besides the standard fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct ProviderFields {
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ExtraTokenFields for ProviderFields {}

pub(crate) type Tokens = StandardTokenResponse<ProviderFields, BasicTokenType>;
type Client = oauth2::Client<
    BasicErrorResponse,
    Tokens,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointSet,
>;

/// An OAuth2 app as one org uses it: absolute endpoints and its client credentials.
pub struct OAuthApp {
    pub slug: String,
    pub name: String,
    pub authorize_url: Url,
    pub token_url: Url,
    pub revoke_url: Option<Url>,
    pub issuer: Option<String>,
    pub scopes: Vec<String>,
    pub pkce: bool,
    pub client_auth: ClientAuth,
    pub identifier: Option<String>,
    pub account_id: Option<String>,
    pub identity_url: Option<Url>,
    /// The values filled into the endpoint URLs (e.g. a Zendesk subdomain).
    pub values: ParamValues,
    pub client_id: String,
    pub client_secret: Option<Zeroizing<String>>,
}

/// Why an authorization cannot start, a callback cannot finish, or a refresh failed.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("this app does not sign in with OAuth2")]
    NotOAuth,
    #[error("{0} is not set up yet: the team that sent you here has to add its client id")]
    NotConfigured(String),
    #[error("the app's {0} is not a valid URL")]
    BadEndpoint(&'static str),
    #[error("the connection needs a value for {0}")]
    MissingParam(String),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Values for an app's `{name}` URL placeholders, already checked by [`ConnectParam::parse`].
pub(crate) type ParamValues = std::collections::BTreeMap<String, String>;

/// Fills `{name}` placeholders; any left unfilled is an error naming it.
fn fill(url: &str, values: &ParamValues) -> Result<String, OAuthError> {
    let mut filled = url.to_owned();
    for (name, value) in values {
        filled = filled.replace(&format!("{{{name}}}"), value);
    }
    match (filled.find('{'), filled.find('}')) {
        (Some(start), Some(end)) if start < end => {
            Err(OAuthError::MissingParam(filled[start + 1..end].to_owned()))
        }
        _ => Ok(filled),
    }
}

/// Checks the values an end customer gave for an app's connect parameters.
pub(crate) fn check_params(
    params: &[ConnectParam],
    given: &std::collections::HashMap<String, String>,
) -> Result<ParamValues, Vec<FieldError>> {
    let mut values = ParamValues::new();
    let mut errors = Vec::new();
    for param in params {
        match param.parse(given.get(&param.name).map_or("", String::as_str)) {
            Ok(value) => {
                values.insert(param.name.clone(), value);
            }
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// Makes a catalog endpoint absolute: paths starting with `/` are on this Portico.
fn absolute(
    url: &str,
    values: &ParamValues,
    public_url: &str,
    what: &'static str,
) -> Result<Url, OAuthError> {
    let url = fill(url, values)?;
    let full = if url.starts_with('/') {
        format!("{public_url}{url}")
    } else {
        url
    };
    Url::parse(&full).map_err(|_| OAuthError::BadEndpoint(what))
}

/// The callback URL providers redirect to.
pub fn redirect_url(public_url: &str) -> Url {
    Url::parse(&format!("{public_url}{CALLBACK_PATH}")).expect("the public URL is a valid base")
}

/// Resolves an app with the org's client settings for its environment and the connection's
/// parameter values.
pub async fn oauth_app(
    db: &impl ConnectionTrait,
    vault: &Vault,
    public_url: &str,
    org_id: &str,
    environment: Environment,
    app: &AppDefinition,
    values: &ParamValues,
) -> Result<OAuthApp, OAuthError> {
    let endpoints = app.oauth.as_ref().ok_or(OAuthError::NotOAuth)?;
    let config = app_config::Entity::find()
        .filter(app_config::Column::OrgId.eq(org_id))
        .filter(app_config::Column::Environment.eq(environment))
        .filter(app_config::Column::Slug.eq(&app.slug))
        .one(db)
        .await?;
    let client_secret = match config.as_ref().and_then(|c| c.client_secret.as_ref()) {
        Some(sealed) => Some(vault.open_string(
            sealed,
            &client_secret_binding(org_id, environment, &app.slug),
        )?),
        None => None,
    };
    let client_id = config
        .as_ref()
        .and_then(|c| c.client_id.clone())
        .or_else(|| (app.slug == "sandbox").then(|| SANDBOX_CLIENT_ID.to_owned()))
        .ok_or_else(|| OAuthError::NotConfigured(app.name.clone()))?;
    let scopes = config
        .as_ref()
        .and_then(|c| c.scopes.as_deref())
        .map(|scopes| scopes.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_else(|| endpoints.scopes.clone());
    Ok(OAuthApp {
        slug: app.slug.clone(),
        name: app.name.clone(),
        authorize_url: absolute(
            &endpoints.authorize_url,
            values,
            public_url,
            "authorize_url",
        )?,
        token_url: absolute(&endpoints.token_url, values, public_url, "token_url")?,
        revoke_url: endpoints
            .revoke_url
            .as_deref()
            .map(|url| absolute(url, values, public_url, "revoke_url"))
            .transpose()?,
        issuer: endpoints.issuer.as_deref().map(|issuer| {
            if issuer.starts_with('/') {
                format!("{public_url}{issuer}")
            } else {
                issuer.to_owned()
            }
        }),
        scopes,
        pkce: endpoints.pkce,
        client_auth: endpoints.client_auth,
        identifier: endpoints.identifier.clone(),
        account_id: endpoints.account_id.clone(),
        identity_url: endpoints
            .identity_url
            .as_deref()
            .map(|url| absolute(url, values, public_url, "identity_url"))
            .transpose()?,
        values: values.clone(),
        client_id,
        client_secret,
    })
}

impl OAuthApp {
    fn client(&self, public_url: &str) -> Client {
        let mut client = oauth2::Client::new(ClientId::new(self.client_id.clone()))
            .set_auth_uri(AuthUrl::from_url(self.authorize_url.clone()))
            .set_token_uri(TokenUrl::from_url(self.token_url.clone()))
            .set_revocation_url_option(self.revoke_url.clone().map(RevocationUrl::from_url))
            .set_redirect_uri(RedirectUrl::from_url(redirect_url(public_url)))
            .set_auth_type(match self.client_auth {
                ClientAuth::Basic => AuthType::BasicAuth,
                ClientAuth::Post => AuthType::RequestBody,
            });
        if let Some(secret) = &self.client_secret {
            client = client.set_client_secret(ClientSecret::new(secret.to_string()));
        }
        client
    }
}

/// Where the user goes once the provider sends them back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Same tab: back to the hosted page with a banner.
    Page,
    /// A window the SDK opened: says "Connected" and closes itself.
    Popup,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Popup => "popup",
        }
    }
}

/// Tries to open the secrets of up to `limit` authorizations in flight.
pub async fn try_open_states(
    db: &impl ConnectionTrait,
    vault: &Vault,
    limit: u64,
) -> Result<crate::vault::Tried, DbErr> {
    let rows = oauth_state::Entity::find()
        .filter(oauth_state::Column::ConsumedAt.is_null())
        .limit(limit)
        .all(db)
        .await?;
    let mut tried = crate::vault::Tried::default();
    for row in rows {
        let binding = state_binding(&row.id, &row.linked_account_id, &row.slug);
        tried.count(
            format_args!("sign-in {}", row.id),
            vault.open(&row.secrets, &binding),
        );
    }
    Ok(tried)
}

/// Tries to open up to `limit` held sign-ins.
pub async fn try_open_pending(
    db: &impl ConnectionTrait,
    vault: &Vault,
    limit: u64,
) -> Result<crate::vault::Tried, DbErr> {
    use crate::entity::pending_connection;

    let mut tried = crate::vault::Tried::default();
    for row in pending_connection::Entity::find()
        .limit(limit)
        .all(db)
        .await?
    {
        let binding = pending::binding(&row.id, &row.linked_account_id, &row.slug);
        tried.count(
            format_args!("held sign-in {}", row.id),
            vault.open(&row.secrets, &binding),
        );
    }
    Ok(tried)
}

/// Re-seals the secrets of every authorization in flight under the active key.
pub(crate) async fn reseal_states(
    db: &impl ConnectionTrait,
    vault: &Vault,
) -> Result<RotationReport, DbErr> {
    let mut report = RotationReport::default();
    let rows = oauth_state::Entity::find()
        .filter(oauth_state::Column::ConsumedAt.is_null())
        .all(db)
        .await?;
    for row in rows {
        let binding = state_binding(&row.id, &row.linked_account_id, &row.slug);
        let resealed = report
            .count(vault.reseal(&row.secrets, &binding))
            .map_err(|error| DbErr::Custom(format!("oauth_state {}: {error}", row.id)))?;
        if let Some(resealed) = resealed {
            oauth_state::Entity::update_many()
                .col_expr(oauth_state::Column::Secrets, Expr::value(resealed))
                .filter(oauth_state::Column::Id.eq(&row.id))
                .filter(oauth_state::Column::Secrets.eq(row.secrets.clone()))
                .exec(db)
                .await?;
        }
    }
    Ok(report)
}

/// How long a sign-in that ran out of time is still reported as not finished.
const NOT_FINISHED_FOR: Duration = Duration::minutes(10);

/// A linked account's sign-ins that were started and have not come back, by app. Only the
/// latest sign-in of each app counts, so one that finished hides an earlier one left open.
pub(crate) async fn flows_in_flight(
    db: &impl ConnectionTrait,
    linked_account_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<(String, Flow)>, DbErr> {
    let rows = oauth_state::Entity::find()
        .filter(oauth_state::Column::LinkedAccountId.eq(linked_account_id))
        .filter(oauth_state::Column::ExpiresAt.gt(now - NOT_FINISHED_FOR))
        .order_by_asc(oauth_state::Column::CreatedAt)
        .all(db)
        .await?;
    let mut latest = std::collections::BTreeMap::new();
    for row in rows {
        latest.insert(row.slug.clone(), row);
    }
    Ok(latest
        .into_iter()
        .filter(|(_, row)| row.consumed_at.is_none())
        .map(|(slug, row)| {
            let flow = if row.expires_at > now {
                Flow::Waiting
            } else {
                Flow::NotFinished
            };
            (slug, flow)
        })
        .collect())
}

/// Deletes expired and used states older than a day.
pub async fn purge_states(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = oauth_state::Entity::delete_many()
        .filter(oauth_state::Column::ExpiresAt.lt(now - Duration::days(1)))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
