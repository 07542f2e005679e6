//! `/api/v2/public/custom-app`: an org's own apps, listed beside the catalog's.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Serialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::catalog::{self, Slug};
use crate::connections::AppGone;
use crate::http::extract::{ApiJson, ApiKey};
use crate::http::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(remove))
}

#[derive(Serialize, utoipa::ToSchema)]
struct CustomAppView {
    slug: String,
    name: String,
    #[schema(value_type = String)]
    auth_type: &'static str,
    #[schema(value_type = String)]
    environment: &'static str,
    enabled: bool,
}

/// Create an org's own app
///
/// Listed beside the catalog's apps, and enabled in this environment.
#[utoipa::path(post, path = "/v2/public/custom-app", tag = "apps",
    request_body = catalog::CustomAppInput,
    responses((status = 201, description = "Created and enabled", body = CustomAppView),
        (status = 409, description = "The slug is taken", body = crate::http::error::ErrorBody),
        (status = 422, description = "A field is invalid", body = crate::http::error::ErrorBody)))]
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

/// Delete an org's own app
///
/// Its connections become `reauth_required` with reason `app_deleted`.
#[utoipa::path(delete, path = "/v2/public/custom-app/{slug}", tag = "apps",
    params(("slug" = String, Path, description = "The app's slug")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "Unknown custom app", body = crate::http::error::ErrorBody)))]
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
