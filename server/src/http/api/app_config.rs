//! `/api/v2/public/app/{slug}/config`: enabling a catalog app for the org (with its OAuth client
//! and signing secret), or turning it off.

use axum::{
    Json, Router,
    extract::{Path, State},
    routing::put,
};
use serde::{Deserialize, Serialize};

use crate::catalog::{self, AppConfigInput, Slug};
use crate::connections::AppGone;
use crate::http::extract::{ApiKey, OptionalJson};
use crate::http::{ApiError, AppState};
use crate::tenancy::ApiKeyPrincipal;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/v2/public/app/{slug}/config", put(enable).delete(disable))
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

async fn disable(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(slug): Path<String>,
) -> Result<Json<AppConfigView>, ApiError> {
    let slug = known_slug(&state, &key, &slug).await?;
    let gone = state.app_gone(&key.org_id, key.environment, &slug, AppGone::TurnedOff);
    if !gone.await? {
        return Err(ApiError::NotFound("application config"));
    }
    Ok(Json(AppConfigView {
        slug: slug.as_str().to_owned(),
        environment: key.environment.as_str(),
        enabled: false,
    }))
}
