//! The vendor API under `/api/v2/public`, authenticated by `x-api-key`.

use app::dto::ReauthReason;
use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::{get, post, put},
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::accounts::{issue_for, linked_account_of};
use super::application::{Application, timestamp};
use super::extract::{ApiJson, ApiKey, Caller, LinkedAccountHeader, OptionalJson};
use super::{ApiError, AppState};
use crate::catalog::{self, AppConfigInput, Slug};
use crate::connections;
use crate::entity::{connection_event::Actor, linked_account};
use crate::input::FieldError;
use crate::sessions::{self, Branding, Purpose};
use crate::tenancy::{self, ApiKeyPrincipal, LinkedAccountId, LinkedAccountInput};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v2/public/linked-account", post(upsert_linked_account))
        .route(
            "/v2/public/linked-account/{id}",
            get(get_linked_account).delete(delete_linked_account),
        )
        .route("/v2/public/session-token", post(create_session_token))
        .route(
            "/v2/public/session-token/{id}",
            axum::routing::delete(revoke_token),
        )
        .route("/v2/public/connect-url", post(create_connect_url))
        .route("/v2/public/application", get(list_applications))
        .route("/v2/public/application/{slug}", get(get_application))
        .route(
            "/v2/public/app/{slug}/config",
            put(enable_app).delete(disable_app),
        )
        .route("/v2/public/custom-app", post(create_custom_app))
        .route(
            "/v2/public/custom-app/{slug}",
            axum::routing::delete(delete_custom_app),
        )
        .merge(super::api::router())
        .fallback(|| async { ApiError::NotFound("endpoint") })
}

#[derive(Deserialize)]
struct LinkedAccountBody {
    linked_account_id: String,
    name: Option<String>,
    udf: Option<Value>,
}

#[derive(Serialize)]
struct LinkedAccountView {
    linked_account_id: String,
    name: Option<String>,
    udf: Map<String, Value>,
    environment: String,
    created_at: String,
    updated_at: String,
}

impl From<linked_account::Model> for LinkedAccountView {
    fn from(record: linked_account::Model) -> Self {
        Self {
            udf: serde_json::from_str(&record.udf).unwrap_or_default(),
            linked_account_id: record.external_id,
            name: record.name,
            environment: record.environment.as_str().to_owned(),
            created_at: timestamp(record.created_at),
            updated_at: timestamp(record.updated_at),
        }
    }
}

async fn upsert_linked_account(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    ApiJson(body): ApiJson<LinkedAccountBody>,
) -> Result<Json<LinkedAccountView>, ApiError> {
    let input = LinkedAccountInput::parse(&body.linked_account_id, body.name.as_deref(), body.udf)?;
    let record =
        tenancy::upsert_linked_account(&state.db, &key.org_id, key.environment, &input).await?;
    Ok(Json(record.into()))
}

async fn get_linked_account(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
) -> Result<Json<LinkedAccountView>, ApiError> {
    let id = LinkedAccountId::parse(&id)?;
    Ok(Json(linked_account_of(&state, &key, &id).await?.into()))
}

async fn delete_linked_account(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = LinkedAccountId::parse(&id)?;
    let account = linked_account_of(&state, &key, &id).await?;
    // Its tokens are revoked at each provider first, as a disconnect does.
    let mut slugs: Vec<String> = connections::of_linked_account(&state.db, &account.id)
        .await?
        .into_iter()
        .map(|record| record.slug)
        .collect();
    slugs.sort();
    slugs.dedup();
    for slug in &slugs {
        state.disconnect(&account, slug, Actor::Vendor).await?;
    }
    if tenancy::delete_linked_account(&state.db, &key.org_id, key.environment, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("linked account"))
    }
}

#[derive(Deserialize)]
struct SessionTokenBody {
    linked_account_id: String,
    name: Option<String>,
}

#[derive(Serialize)]
struct TokenView {
    /// What `DELETE /api/v2/public/session-token/{id}` revokes it by.
    id: String,
    token: String,
    expires_at: String,
}

async fn create_session_token(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    ApiJson(body): ApiJson<SessionTokenBody>,
) -> Result<Json<TokenView>, ApiError> {
    let issued = issue_for(
        &state,
        &key,
        &body.linked_account_id,
        body.name.as_deref(),
        Purpose::Session,
        sessions::DEFAULT_TTL,
    )
    .await?;
    Ok(Json(TokenView {
        id: issued.id,
        token: issued.token,
        expires_at: timestamp(issued.expires_at),
    }))
}

#[derive(Deserialize, Default)]
struct ConnectUrlBody {
    linked_account_id: Option<String>,
    name: Option<String>,
    color: Option<String>,
    #[serde(rename = "bgColor")]
    bg_color: Option<String>,
    logo: Option<String>,
    /// Lifetime of the link in seconds (default 24 hours, at most 30 days).
    expires_in: Option<i64>,
}

#[derive(Serialize)]
struct ConnectUrlView {
    /// What `DELETE /api/v2/public/session-token/{id}` revokes the link by.
    id: String,
    hosted_url: String,
    expires_at: String,
}

/// `DELETE /api/v2/public/session-token/{id}`: a session token or hosted link stops working at
/// once, and so does every page opened with it.
async fn revoke_token(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if id.len() > 64 || !sessions::revoke(&state.db, &key.org_id, key.environment, &id).await? {
        return Err(ApiError::NotFound("token"));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v2/public/connect-url`: a hosted link, for a Bearer session token's linked account
/// or for `x-api-key` plus `linked_account_id` (header or body).
async fn create_connect_url(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    OptionalJson(body): OptionalJson<ConnectUrlBody>,
) -> Result<Json<ConnectUrlView>, ApiError> {
    // A link minted with a session token lives no longer than that token, and shows the
    // org's own branding: the token is in the customer's browser, so what it asks for is the
    // customer's word, not the vendor's.
    let vendor = matches!(caller, Caller::ApiKey(_));
    let (account, not_after) = match caller {
        Caller::Session(session) => (session.linked_account, Some(session.expires_at)),
        Caller::ApiKey(key) => {
            let id = match (&body.linked_account_id, headers.get("linked_account_id")) {
                (Some(id), _) => id.clone(),
                (None, Some(value)) => value
                    .to_str()
                    .map_err(|_| FieldError::new("linked_account_id", "must be text"))?
                    .to_owned(),
                (None, None) => {
                    return Err(FieldError::new("linked_account_id", "is required").into());
                }
            };
            (
                linked_account_of(&state, &key, &LinkedAccountId::parse(&id)?).await?,
                None,
            )
        }
    };
    let branding = if vendor {
        Branding::parse(
            body.name.as_deref(),
            body.color.as_deref(),
            body.bg_color.as_deref(),
            body.logo.as_deref(),
        )?
    } else {
        Branding::default()
    };
    let ttl = sessions::lifetime(body.expires_in)?;
    let issued = sessions::issue(
        &state.db,
        &account,
        Purpose::Hosted,
        &branding,
        ttl,
        not_after,
    )
    .await?;
    Ok(Json(ConnectUrlView {
        id: issued.id,
        hosted_url: format!("{}/connect/{}", state.public_url, issued.token),
        expires_at: timestamp(issued.expires_at),
    }))
}

async fn list_applications(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    LinkedAccountHeader(id): LinkedAccountHeader,
) -> Result<Json<Vec<Application>>, ApiError> {
    let account = linked_account_of(&state, &key, &id).await?;
    Ok(Json(state.applications(&account).await?))
}

async fn get_application(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    LinkedAccountHeader(id): LinkedAccountHeader,
    Path(slug): Path<String>,
) -> Result<Json<Application>, ApiError> {
    let account = linked_account_of(&state, &key, &id).await?;
    Ok(Json(state.application(&account, &slug).await?))
}

#[derive(Deserialize, Default)]
struct AppConfigBody {
    client_id: Option<String>,
    client_secret: Option<String>,
    scopes: Option<Vec<String>>,
    signing_secret: Option<String>,
}

#[derive(Serialize)]
struct AppConfigView {
    slug: String,
    environment: &'static str,
    enabled: bool,
}

/// The catalog app with this slug, or 404.
async fn known_slug(state: &AppState, key: &ApiKeyPrincipal, slug: &str) -> Result<Slug, ApiError> {
    let slug = Slug::parse(slug).map_err(|_| ApiError::NotFound("application"))?;
    catalog::definition(
        &state.db,
        &state.catalog,
        &key.org_id,
        key.environment,
        slug.as_str(),
    )
    .await?
    .map(|_| slug)
    .ok_or(ApiError::NotFound("application"))
}

async fn enable_app(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(slug): Path<String>,
    OptionalJson(body): OptionalJson<AppConfigBody>,
) -> Result<Json<AppConfigView>, ApiError> {
    let slug = known_slug(&state, &key, &slug).await?;
    let input = AppConfigInput::parse(
        body.client_id.as_deref(),
        body.client_secret.as_deref(),
        body.scopes,
    )?
    .with_signing_secret(body.signing_secret.as_deref())?;
    catalog::enable_app(
        &state.db,
        &state.vault,
        &key.org_id,
        key.environment,
        &slug,
        &input,
    )
    .await?;
    Ok(Json(AppConfigView {
        slug: slug.as_str().to_owned(),
        environment: key.environment.as_str(),
        enabled: true,
    }))
}

async fn disable_app(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(slug): Path<String>,
) -> Result<Json<AppConfigView>, ApiError> {
    let slug = known_slug(&state, &key, &slug).await?;
    let txn = crate::db::begin_write(&state.db).await?;
    if !catalog::disable_app(&txn, &key.org_id, key.environment, &slug).await? {
        return Err(ApiError::NotFound("application config"));
    }
    flag_app_deleted(&state, txn, &key, &slug).await?;
    Ok(Json(AppConfigView {
        slug: slug.as_str().to_owned(),
        environment: key.environment.as_str(),
        enabled: false,
    }))
}

#[derive(Serialize)]
struct CustomAppView {
    slug: String,
    name: String,
    auth_type: &'static str,
    environment: &'static str,
    enabled: bool,
}

/// `POST /api/v2/public/custom-app`: an org's own app, listed beside the catalog's.
async fn create_custom_app(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    ApiJson(body): ApiJson<catalog::CustomAppInput>,
) -> Result<(StatusCode, Json<CustomAppView>), ApiError> {
    let app = catalog::create_custom_app(
        &state.db,
        &state.vault,
        &state.catalog,
        &key.org_id,
        key.environment,
        &state.egress.policy(),
        body,
    )
    .await
    .map_err(|error| match error {
        catalog::CustomAppError::Invalid(field) => field.into(),
        catalog::CustomAppError::Exists => {
            ApiError::Conflict("an app with this slug already exists")
        }
        catalog::CustomAppError::Db(error) => error.into(),
    })?;
    Ok((
        StatusCode::CREATED,
        Json(CustomAppView {
            slug: app.slug,
            name: app.name,
            auth_type: app.auth_type.as_str(),
            environment: key.environment.as_str(),
            enabled: true,
        }),
    ))
}

/// `DELETE /api/v2/public/custom-app/{slug}`: the app is gone; its connections ask to be
/// reconnected with reason `app_deleted`.
async fn delete_custom_app(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    let slug = Slug::parse(&slug).map_err(|_| ApiError::NotFound("custom app"))?;
    let txn = crate::db::begin_write(&state.db).await?;
    if !catalog::delete_custom_app(&txn, &key.org_id, key.environment, &slug).await? {
        return Err(ApiError::NotFound("custom app"));
    }
    flag_app_deleted(&state, txn, &key, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The app is gone for this org: its connections ask to be reconnected with reason
/// `app_deleted`, committed with the removal; the widgets watching them are told.
async fn flag_app_deleted(
    state: &AppState,
    txn: sea_orm::DatabaseTransaction,
    key: &ApiKeyPrincipal,
    slug: &Slug,
) -> Result<(), ApiError> {
    let flagged = connections::flag_all_of_app(
        &txn,
        &key.org_id,
        key.environment,
        slug.as_str(),
        &connections::Flag::new(
            ReauthReason::AppDeleted,
            Actor::Vendor,
            "the vendor turned the app off",
        ),
    )
    .await?;
    txn.commit().await?;
    state.changes.connections(&flagged);
    Ok(())
}
