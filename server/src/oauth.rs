//! OAuth2 authorization code flow: authorization URL (PKCE S256 + single-use state), callback
//! (state checks, code exchange), refresh and revocation. Tokens are sealed by the vault.

use app::dto::ReauthReason;
use chrono::{DateTime, Duration, Utc};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RefreshToken, RequestTokenError, RevocationUrl, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
    basic::{
        BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
        BasicTokenIntrospectionResponse, BasicTokenType,
    },
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;
use zeroize::Zeroizing;

use crate::catalog::{AppDefinition, Catalog, ClientAuth, ConnectParam, client_secret_binding};
use crate::connections::{
    self, Status,
    credentials::{Credentials, OAuth2Tokens},
};
use crate::egress::{Egress, EgressError};
use crate::entity::{app_config, connection, linked_account, oauth_state};
use crate::input::FieldError;
use crate::secrets;
use crate::tenancy::Environment;
use crate::vault::{Binding, RotationReport, Vault, VaultError};

mod start;

pub use start::{StartError, StartPage, bind_start, describe_start, start_page_url};

/// How long a user has to finish at the provider.
pub const STATE_TTL: Duration = Duration::minutes(10);
/// The path every provider redirects back to.
pub const CALLBACK_PATH: &str = "/oauth/callback";
/// The client id the built-in sandbox is used with when an org configured none.
pub const SANDBOX_CLIENT_ID: &str = "portico-sandbox";

/// Everything a provider sends in its token response besides the standard fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProviderFields {
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ExtraTokenFields for ProviderFields {}

type Tokens = StandardTokenResponse<ProviderFields, BasicTokenType>;
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
pub type ParamValues = std::collections::BTreeMap<String, String>;

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
pub fn check_params(
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

/// What the state row keeps sealed.
#[derive(Serialize, Deserialize)]
struct StateSecrets {
    verifier: Option<String>,
    return_to: Option<String>,
    #[serde(default)]
    params: ParamValues,
    /// The provider's URL, kept for a flow that is bound on the start page.
    #[serde(default)]
    authorize_url: Option<String>,
}

/// Where an authorization state's secrets are sealed.
pub fn state_binding(state_id: &str, linked_account_id: &str, slug: &str) -> Binding {
    Binding::new(
        "oauth_state",
        &[
            ("id", state_id),
            ("linked_account", linked_account_id),
            ("slug", slug),
            ("field", "secrets"),
        ],
    )
}

/// Who is signing in, and what happens afterwards.
pub struct Begin<'a> {
    pub linked_account: &'a linked_account::Model,
    /// The connection a successful sign-in updates in place.
    pub reconnect: Option<&'a connection::Model>,
    pub mode: Mode,
    /// A path on this server to send the user back to.
    pub return_to: Option<String>,
    pub binding: BrowserBinding,
}

/// How a flow is tied to the browser that will finish it.
pub enum BrowserBinding {
    /// Bound now: the digest of the nonce the starting browser was just given.
    Nonce(String),
    /// Bound when someone clicks Continue on Portico's start page (for a URL handed to
    /// another party, such as the SDK's `auth_url`): the flow begins there, not at the
    /// provider.
    OnStartPage,
}

/// Starts an authorization: stores a single-use state and returns where to send the browser:
/// the provider's URL, or Portico's start page for a flow bound there.
pub async fn authorization_url(
    db: &impl ConnectionTrait,
    vault: &Vault,
    public_url: &str,
    app: &OAuthApp,
    begin: Begin<'_>,
) -> Result<Url, OAuthError> {
    let Begin {
        linked_account,
        reconnect,
        mode,
        return_to,
        binding,
    } = begin;
    let state = secrets::random_secret("");
    let state_id = secrets::digest(&state);
    let client = app.client(public_url);
    let mut request = client
        .authorize_url(|| CsrfToken::new(state.clone()))
        .add_scopes(app.scopes.iter().cloned().map(Scope::new));
    let verifier = if app.pkce {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        request = request.set_pkce_challenge(challenge);
        Some(verifier.secret().clone())
    } else {
        None
    };
    let (url, _) = request.url();
    let (nonce_digest, start) = match binding {
        BrowserBinding::Nonce(digest) => (Some(digest), None),
        BrowserBinding::OnStartPage => (None, Some(secrets::random_secret(""))),
    };
    let sealed = vault.seal(
        &serde_json::to_vec(&StateSecrets {
            verifier,
            return_to,
            params: app.values.clone(),
            authorize_url: start.as_ref().map(|_| url.to_string()),
        })
        .expect("state secrets serialize"),
        &state_binding(&state_id, &linked_account.id, &app.slug),
    );
    let now = Utc::now();
    oauth_state::ActiveModel {
        id: Set(state_id),
        linked_account_id: Set(linked_account.id.clone()),
        slug: Set(app.slug.clone()),
        connection_id: Set(reconnect.map(|c| c.id.clone())),
        secrets: Set(sealed),
        mode: Set(mode.as_str().to_owned()),
        created_at: Set(now),
        expires_at: Set(now + STATE_TTL),
        consumed_at: Set(None),
        nonce_digest: Set(nonce_digest),
        start_digest: Set(start.as_deref().map(secrets::digest)),
    }
    .insert(db)
    .await?;
    match start {
        Some(handle) => Ok(start_page_url(public_url, &handle)),
        None => Ok(url),
    }
}

/// The query a provider redirects back with.
#[derive(Debug, Default, Deserialize)]
pub struct CallbackParams {
    pub state: Option<String>,
    pub code: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub iss: Option<String>,
}

/// Why a callback did not connect anything. Each is shown as a readable page.
#[derive(Debug, thiserror::Error)]
pub enum CallbackError {
    #[error("this sign-in is not one Portico started")]
    UnknownState,
    #[error("this sign-in was already used")]
    Replayed,
    #[error("this sign-in took longer than 10 minutes")]
    Expired,
    /// The browser at the callback is not the one that started the flow (RFC 9700 §4.7).
    #[error("this sign-in was started in another browser")]
    OtherBrowser,
    #[error("the answer came from a different app than the one you chose")]
    WrongIssuer,
    #[error("the provider sent no authorization code")]
    MissingCode,
    #[error("you cancelled the connection")]
    Cancelled(Return),
    #[error("the provider refused: {0}")]
    Refused(String, Return),
    #[error("the provider did not accept the sign-in")]
    Exchange(Return),
    #[error("the app is no longer available")]
    AppGone,
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<VaultError> for CallbackError {
    fn from(error: VaultError) -> Self {
        Self::OAuth(error.into())
    }
}

/// Where to send the user after a callback, whatever its outcome.
#[derive(Debug, Clone)]
pub struct Return {
    pub mode: Mode,
    pub return_to: Option<String>,
    pub app_name: String,
}

/// A finished connection.
#[derive(Debug)]
pub struct Connected {
    pub connection: connection::Model,
    pub reconnected: bool,
    pub back: Return,
}

/// What a callback needs from the running server.
pub struct CallbackContext<'a> {
    pub db: &'a DatabaseConnection,
    pub vault: &'a Vault,
    pub egress: &'a Egress,
    pub public_url: &'a str,
    pub catalog: &'a Catalog,
    /// The flow nonce the browser at the callback presented.
    pub browser_nonce: Option<&'a str>,
}

/// Handles the provider's redirect: checks the state, exchanges the code, stores the tokens.
/// Nothing is requested from the provider and nothing is written unless the state is valid.
pub async fn complete(
    cx: &CallbackContext<'_>,
    params: &CallbackParams,
) -> Result<Connected, CallbackError> {
    let presented = params
        .state
        .as_deref()
        .filter(|state| secrets::is_secret_body(state))
        .ok_or(CallbackError::UnknownState)?;
    let state_id = secrets::digest(presented);
    let record = oauth_state::Entity::find_by_id(&state_id)
        .one(cx.db)
        .await?
        .ok_or(CallbackError::UnknownState)?;
    if record.consumed_at.is_some() {
        return Err(CallbackError::Replayed);
    }
    if record.expires_at <= Utc::now() {
        return Err(CallbackError::Expired);
    }
    let same_browser = match (&record.nonce_digest, cx.browser_nonce) {
        (Some(expected), Some(nonce)) => secrets::digests_match(expected, &secrets::digest(nonce)),
        _ => false,
    };
    if !same_browser {
        return Err(CallbackError::OtherBrowser);
    }
    let account = linked_account::Entity::find_by_id(&record.linked_account_id)
        .one(cx.db)
        .await?
        .ok_or(CallbackError::UnknownState)?;
    let environment = account.environment;
    let definition = crate::catalog::definition(
        cx.db,
        cx.catalog,
        &account.org_id,
        environment,
        &record.slug,
    )
    .await?
    .ok_or(CallbackError::AppGone)?;
    let sealed = cx.vault.open(
        &record.secrets,
        &state_binding(&record.id, &record.linked_account_id, &record.slug),
    )?;
    let state_secrets: StateSecrets =
        serde_json::from_slice(&sealed).map_err(|_| VaultError::Malformed)?;
    let app = oauth_app(
        cx.db,
        cx.vault,
        cx.public_url,
        &account.org_id,
        environment,
        &definition,
        &state_secrets.params,
    )
    .await?;
    // RFC 9207: an app with a known issuer must be answered by that issuer, by name.
    if let Some(expected) = &app.issuer
        && params.iss.as_deref() != Some(expected.as_str())
    {
        return Err(CallbackError::WrongIssuer);
    }
    let back = Return {
        mode: if record.mode == "popup" {
            Mode::Popup
        } else {
            Mode::Page
        },
        return_to: None,
        app_name: app.name.clone(),
    };
    if params.error.is_none() && params.code.is_none() {
        return Err(CallbackError::MissingCode);
    }
    let back = Return {
        return_to: state_secrets.return_to.clone(),
        ..back
    };

    // Single use: whoever marks the state consumed first owns the callback.
    let claimed = oauth_state::Entity::update_many()
        .col_expr(oauth_state::Column::ConsumedAt, Expr::value(Utc::now()))
        .filter(oauth_state::Column::Id.eq(&record.id))
        .filter(oauth_state::Column::ConsumedAt.is_null())
        .exec(cx.db)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(CallbackError::Replayed);
    }

    if let Some(error) = &params.error {
        return Err(if error == "access_denied" {
            CallbackError::Cancelled(back)
        } else {
            let description = params
                .error_description
                .as_deref()
                .map(|text| text.chars().take(200).collect::<String>())
                .unwrap_or_else(|| error.chars().take(64).collect());
            CallbackError::Refused(description, back)
        });
    }
    let code = params.code.clone().ok_or(CallbackError::MissingCode)?;

    let client = app.client(cx.public_url);
    let mut request = client.exchange_code(AuthorizationCode::new(code));
    if let Some(verifier) = state_secrets.verifier {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(verifier));
    }
    let tokens = match request.request_async(cx.egress).await {
        Ok(tokens) => tokens,
        Err(error) => {
            tracing::warn!(slug = %app.slug, error = %describe(&error), "code exchange failed");
            return Err(CallbackError::Exchange(back));
        }
    };
    let identifier = match (&app.identifier, &app.identity_url) {
        (Some(pointer), Some(url)) => identity(cx.egress, url, &tokens, pointer).await,
        (Some(pointer), None) => {
            identifier_from(&Value::Object(tokens.extra_fields().extra.clone()), pointer)
        }
        (None, _) => None,
    };

    let txn = cx.db.begin().await?;
    let existing = match &record.connection_id {
        Some(id) => {
            connection::Entity::find_by_id(id)
                .filter(connection::Column::LinkedAccountId.eq(&account.id))
                .filter(connection::Column::Slug.eq(&app.slug))
                .one(&txn)
                .await?
        }
        None => match &identifier {
            // The same account signing in again is the same connection.
            Some(identifier) => {
                connection::Entity::find()
                    .filter(connection::Column::LinkedAccountId.eq(&account.id))
                    .filter(connection::Column::Slug.eq(&app.slug))
                    .filter(connection::Column::Identifier.eq(identifier))
                    .one(&txn)
                    .await?
            }
            None => None,
        },
    };
    let reconnected = existing.is_some();
    let connection = store_tokens(
        &txn,
        cx.vault,
        &account,
        &app.slug,
        existing,
        identifier.as_deref(),
        &tokens,
        None,
        &app.values,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(slug = %app.slug, connection = %connection.id, reconnected, "connected");
    Ok(Connected {
        connection,
        reconnected,
        back,
    })
}

/// A short description of a token request failure that never includes the response body.
fn describe<E: std::error::Error>(error: &RequestTokenError<E, BasicErrorResponse>) -> String {
    match error {
        RequestTokenError::ServerResponse(response) => {
            format!("provider answered {}", response.error())
        }
        RequestTokenError::Request(error) => format!("request failed: {error}"),
        RequestTokenError::Parse(_, _) => "unreadable response".to_owned(),
        RequestTokenError::Other(message) => message.clone(),
    }
}

/// Asks the provider who signed in; any failure just leaves the connection unnamed.
async fn identity(egress: &Egress, url: &Url, tokens: &Tokens, pointer: &str) -> Option<String> {
    let request = egress
        .client()
        .get(url.clone())
        .bearer_auth(tokens.access_token().secret())
        .header(reqwest::header::ACCEPT, "application/json")
        .build()
        .ok()?;
    match egress.execute(request).await {
        Ok(answer) if answer.status.is_success() => {
            identifier_from(&answer.json::<Value>()?, pointer)
        }
        Ok(answer) => {
            tracing::warn!(status = %answer.status, "identity request refused");
            None
        }
        Err(error) => {
            tracing::warn!(%error, "identity request failed");
            None
        }
    }
}

/// Follows a JSON pointer to a short, printable account name.
fn identifier_from(json: &Value, pointer: &str) -> Option<String> {
    let value = json.pointer(pointer)?;
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    let text: String = text.chars().filter(|c| !c.is_control()).take(512).collect();
    (!text.trim().is_empty()).then_some(text)
}

/// Seals tokens into a connection: a new one, or `existing` updated in place (same id, same
/// `connected_at`, flag cleared). `previous_refresh` is kept when the provider does not rotate.
#[allow(clippy::too_many_arguments)]
async fn store_tokens(
    db: &impl ConnectionTrait,
    vault: &Vault,
    account: &linked_account::Model,
    slug: &str,
    existing: Option<connection::Model>,
    identifier: Option<&str>,
    tokens: &Tokens,
    previous_refresh: Option<&str>,
    params: &ParamValues,
) -> Result<connection::Model, DbErr> {
    let now = Utc::now();
    let id = existing
        .as_ref()
        .map(|c| c.id.clone())
        .unwrap_or_else(secrets::random_id);
    let stored = Credentials::OAuth2(OAuth2Tokens {
        access_token: Zeroizing::new(tokens.access_token().secret().clone()),
        refresh_token: tokens
            .refresh_token()
            .map(|token| Zeroizing::new(token.secret().clone()))
            .or_else(|| previous_refresh.map(|token| Zeroizing::new(token.to_owned()))),
        token_type: tokens.token_type().as_ref().to_owned(),
        scopes: tokens
            .scopes()
            .map(|scopes| scopes.iter().map(|scope| scope.to_string()).collect())
            .unwrap_or_default(),
        params: params.clone(),
    });
    let sealed = stored.seal(vault, account, slug, &id);
    let access_expires_at = tokens
        .expires_in()
        .and_then(|lifetime| expiry_after(now, lifetime.as_secs()));
    let refresh_expires_at = tokens
        .extra_fields()
        .extra
        .get("refresh_token_expires_in")
        .and_then(Value::as_u64)
        .and_then(|seconds| expiry_after(now, seconds));
    let connect = connections::Connect {
        identifier,
        credentials: Some(sealed),
        key_id: Some(vault.active_key_id()),
        access_expires_at,
        refresh_expires_at,
    };
    connections::store_active(db, account, slug, id, existing, connect).await
}

/// Resolves the app for an existing connection, with the parameter values it was made with.
pub async fn app_for_connection(
    db: &impl ConnectionTrait,
    vault: &Vault,
    public_url: &str,
    definition: &AppDefinition,
    account: &linked_account::Model,
    record: &connection::Model,
) -> Result<OAuthApp, OAuthError> {
    let values = open_tokens(vault, account, record)?
        .map(|tokens| tokens.params.clone())
        .unwrap_or_default();
    let environment = account.environment;
    oauth_app(
        db,
        vault,
        public_url,
        &account.org_id,
        environment,
        definition,
        &values,
    )
    .await
}

/// Opens a connection's sealed OAuth2 tokens (none for any other kind of connection).
pub fn open_tokens(
    vault: &Vault,
    account: &linked_account::Model,
    record: &connection::Model,
) -> Result<Option<OAuth2Tokens>, VaultError> {
    Ok(Credentials::open(vault, account, record)?.and_then(Credentials::into_oauth2))
}

/// What a refresh attempt found.
#[derive(Debug, PartialEq, Eq)]
pub enum Refresh {
    /// New tokens are stored.
    Refreshed,
    /// The provider will not issue tokens any more; the connection is flagged with this reason.
    Flagged(ReauthReason),
    /// The provider could not be reached or answered oddly; try again later.
    Transient(String),
    /// Nothing to refresh with (no refresh token, or not an OAuth2 connection).
    NotRefreshable,
}

/// Refreshes one connection's tokens. A definitive refusal flags it `reauth_required`.
pub async fn refresh(
    db: &DatabaseConnection,
    vault: &Vault,
    egress: &Egress,
    public_url: &str,
    app: &OAuthApp,
    account: &linked_account::Model,
    record: &connection::Model,
) -> Result<Refresh, OAuthError> {
    let Some(tokens) = open_tokens(vault, account, record)? else {
        return Ok(Refresh::NotRefreshable);
    };
    let Some(refresh_token) = tokens.refresh_token.clone() else {
        return Ok(Refresh::NotRefreshable);
    };
    let refresh_token = refresh_token.to_string();
    let client = app.client(public_url);
    let answer = client
        .exchange_refresh_token(&RefreshToken::new(refresh_token.clone()))
        .request_async(egress)
        .await;
    match answer {
        Ok(new_tokens) => {
            let txn = db.begin().await?;
            // Only the holder of the version read may write: a concurrent refresh wins cleanly.
            let current = connection::Entity::find_by_id(&record.id)
                .filter(connection::Column::Version.eq(record.version))
                .one(&txn)
                .await?;
            if let Some(current) = current {
                store_tokens(
                    &txn,
                    vault,
                    account,
                    &record.slug,
                    Some(current),
                    None,
                    &new_tokens,
                    Some(&refresh_token),
                    &app.values,
                )
                .await?;
            }
            txn.commit().await?;
            Ok(Refresh::Refreshed)
        }
        Err(RequestTokenError::ServerResponse(response))
            if *response.error() == BasicErrorResponseType::InvalidGrant =>
        {
            let expired = response
                .error_description()
                .is_some_and(|text| text.to_lowercase().contains("expired"));
            let reason = if expired {
                ReauthReason::RefreshTokenExpired
            } else {
                ReauthReason::TokenRevoked
            };
            if Status::of(record) == Status::Active {
                connections::flag_reauth_required(db, &record.id, reason).await?;
            }
            tracing::info!(slug = %record.slug, connection = %record.id, reason = reason.as_str(), "provider refused to refresh");
            Ok(Refresh::Flagged(reason))
        }
        Err(error) => Ok(Refresh::Transient(describe(&error))),
    }
}

/// Revokes a connection's tokens at the provider (RFC 7009). Failures are logged, not fatal.
/// Sent directly rather than through the `oauth2` crate, which refuses plain-http endpoints
/// and so would skip a provider on this machine.
pub async fn revoke(
    vault: &Vault,
    egress: &Egress,
    app: &OAuthApp,
    account: &linked_account::Model,
    record: &connection::Model,
) {
    let Some(revoke_url) = &app.revoke_url else {
        return;
    };
    let tokens = match open_tokens(vault, account, record) {
        Ok(Some(tokens)) => tokens,
        Ok(None) => return,
        Err(error) => {
            tracing::warn!(connection = %record.id, %error, "cannot open tokens to revoke them");
            return;
        }
    };
    let (token, hint) = match &tokens.refresh_token {
        Some(refresh) => (refresh.as_str(), "refresh_token"),
        None => (tokens.access_token.as_str(), "access_token"),
    };
    let mut form = vec![("token", token), ("token_type_hint", hint)];
    let mut request = egress.client().post(revoke_url.clone());
    match app.client_auth {
        ClientAuth::Basic => {
            request = request.basic_auth(
                form_encode(&app.client_id),
                app.client_secret
                    .as_deref()
                    .map(|secret| form_encode(secret)),
            );
        }
        ClientAuth::Post => {
            form.push(("client_id", &app.client_id));
            if let Some(secret) = &app.client_secret {
                form.push(("client_secret", secret));
            }
        }
    }
    let sent = match request.form(&form).build() {
        Ok(request) => egress.execute(request).await,
        Err(error) => Err(EgressError::Request(error.without_url())),
    };
    match sent {
        Ok(answer) if answer.status.is_success() => {}
        Ok(answer) => {
            tracing::warn!(slug = %record.slug, connection = %record.id, status = %answer.status, "revocation refused");
        }
        Err(error) => {
            tracing::warn!(slug = %record.slug, connection = %record.id, %error, "revocation failed");
        }
    }
}

/// RFC 6749 §2.3.1: client credentials are form-encoded before HTTP Basic.
fn form_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The instant a provider's lifetime in seconds ends, or `None` when it is absurd: a provider
/// cannot make Portico overflow a date, and lifetimes past ten years mean "no expiry".
fn expiry_after(now: DateTime<Utc>, seconds: u64) -> Option<DateTime<Utc>> {
    const TEN_YEARS: u64 = 10 * 366 * 24 * 3600;
    let seconds = i64::try_from(seconds)
        .ok()
        .filter(|s| *s as u64 <= TEN_YEARS)?;
    now.checked_add_signed(Duration::try_seconds(seconds)?)
}

/// Re-seals the secrets of every authorization in flight under the active key.
pub async fn reseal_states(
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

/// Deletes expired and used states older than a day.
pub async fn purge_states(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = oauth_state::Entity::delete_many()
        .filter(oauth_state::Column::ExpiresAt.lt(now - Duration::days(1)))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod lifetime_tests {
    use super::*;

    #[test]
    fn provider_lifetimes_cannot_overflow_a_date() {
        let now = Utc::now();
        assert_eq!(expiry_after(now, 3600), Some(now + Duration::hours(1)));
        assert_eq!(expiry_after(now, u64::MAX), None);
        assert_eq!(expiry_after(now, i64::MAX as u64), None);
        assert_eq!(expiry_after(now, 20 * 366 * 24 * 3600), None);
    }
}
