//! `/api/v2/public/custom-app`: an org's own apps, listed beside the catalog's.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{delete, post},
};
use serde::Serialize;

use crate::catalog::{self, Slug};
use crate::connections::AppGone;
use crate::http::extract::{ApiJson, ApiKey};
use crate::http::{ApiError, AppState};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/v2/public/custom-app", post(create))
        .route("/v2/public/custom-app/{slug}", delete(remove))
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
async fn create(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    ApiJson(body): ApiJson<catalog::CustomAppInput>,
) -> Result<(StatusCode, Json<CustomAppView>), ApiError> {
    let checked = body.check(&state.catalog, &state.egress.policy())?;
    let (db, vault, now) = (&state.db, &state.vault, state.clock.now());
    let app =
        catalog::create_custom_app(db, vault, &key.org_id, key.environment, checked, now).await?;
    state.changes.org(&key.org_id).await;
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
async fn remove(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    let slug = Slug::parse(&slug).map_err(|_| ApiError::NotFound("custom app"))?;
    let gone = state.app_gone(&key.org_id, key.environment, &slug, AppGone::Deleted);
    if !gone.await? {
        return Err(ApiError::NotFound("custom app"));
    }
    Ok(StatusCode::NO_CONTENT)
}
