//! `/api/v2/public/app/{slug}/config`: enabling a catalog app for the org (with its OAuth client
//! and signing secret), or turning it off.

use axum::{
    Json,
    extract::{Path, State},
};
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::catalog::{self, AppConfigInput, Slug};
use crate::connections::AppGone;
use crate::entity::connection_event::Actor;
use crate::http::extract::{ApiKey, OptionalJson};
use crate::http::{ApiError, AppState};
use crate::tenancy::ApiKeyPrincipal;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(enable, disable))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
struct AppConfigBody {
    client_id: Option<String>,
    client_secret: Option<String>,
    scopes: Option<Vec<String>>,
    signing_secret: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct AppConfigView {
    slug: String,
    #[schema(value_type = String)]
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

/// Offer a catalog app in this environment
///
/// With its OAuth client (the secret is never answered back) and, for Slack, its signing secret.
#[utoipa::path(put, path = "/v2/public/app/{slug}/config", tag = "apps",
    params(("slug" = String, Path, description = "The app's slug")),
    request_body(content = Option<AppConfigBody>, description = "The OAuth client, scopes and signing secret"),
    responses((status = 200, description = "Enabled", body = AppConfigView),
        (status = 404, description = "Unknown app", body = crate::http::error::ErrorBody),
        (status = 422, description = "A field is invalid", body = crate::http::error::ErrorBody)))]
async fn enable(
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
    state
        .enable_app(&key.org_id, key.environment, &slug, &input)
        .await?;
    Ok(Json(AppConfigView {
        slug: slug.as_str().to_owned(),
        environment: key.environment.as_str(),
        enabled: true,
    }))
}

/// Stop offering an app
///
/// Its connections become `reauth_required` with reason `app_deleted`.
#[utoipa::path(delete, path = "/v2/public/app/{slug}/config", tag = "apps",
    params(("slug" = String, Path, description = "The app's slug")),
    responses((status = 200, description = "Turned off", body = AppConfigView),
        (status = 404, description = "Unknown app, or not enabled", body = crate::http::error::ErrorBody)))]
async fn disable(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(slug): Path<String>,
) -> Result<Json<AppConfigView>, ApiError> {
    let slug = known_slug(&state, &key, &slug).await?;
    let gone = state.app_gone(
        &key.org_id,
        key.environment,
        &slug,
        (AppGone::TurnedOff, Actor::Vendor),
    );
    if !gone.await? {
        return Err(ApiError::NotFound("application config"));
    }
    Ok(Json(AppConfigView {
        slug: slug.as_str().to_owned(),
        environment: key.environment.as_str(),
        enabled: false,
    }))
}
