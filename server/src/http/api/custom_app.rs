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
use crate::entity::connection_event::Actor;
use crate::http::extract::{ApiJson, ApiKey};
use crate::http::{ApiError, AppState};
use crate::input::FieldError;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(update, remove))
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
    let app = state
        .create_custom_app(&key.org_id, key.environment, body)
        .await?;
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

/// Change an org's own app
///
/// The whole definition again, as created; the slug and the sign-in kind stay. A client
/// secret left out keeps the stored one, and whether the app is offered does not change.
#[utoipa::path(put, path = "/v2/public/custom-app/{slug}", tag = "apps",
    params(("slug" = String, Path, description = "The app's slug")),
    request_body = catalog::CustomAppInput,
    responses((status = 200, description = "Changed", body = CustomAppView),
        (status = 404, description = "Unknown custom app", body = crate::http::error::ErrorBody),
        (status = 422, description = "A field is invalid", body = crate::http::error::ErrorBody)))]
async fn update(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<catalog::CustomAppInput>,
) -> Result<Json<CustomAppView>, ApiError> {
    let slug = Slug::parse(&slug).map_err(|_| ApiError::NotFound("custom app"))?;
    let (org_id, environment) = (&key.org_id, key.environment);
    let existing = catalog::own_app(&state.db, org_id, environment, slug.as_str()).await?;
    let existing = existing.ok_or(ApiError::NotFound("custom app"))?;
    if body.auth_type() != existing.auth_type {
        let refused = FieldError::new("auth_type", "is the app's own and cannot change");
        return Err(refused.into());
    }
    let updated = state.update_custom_app(org_id, environment, &slug, body);
    let updated = updated.await?.ok_or(ApiError::NotFound("custom app"))?;
    let enabled = catalog::enabled_slugs(&state.db, state.changes.lookups(), org_id, environment)
        .await?
        .contains(&slug.as_str().to_owned());
    Ok(Json(CustomAppView {
        slug: slug.as_str().to_owned(),
        name: updated.name,
        auth_type: updated.auth_type.as_str(),
        environment: environment.as_str(),
        enabled,
    }))
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
    let gone = state.app_gone(
        &key.org_id,
        key.environment,
        &slug,
        (AppGone::Deleted, Actor::Vendor),
    );
    if !gone.await? {
        return Err(ApiError::NotFound("custom app"));
    }
    Ok(StatusCode::NO_CONTENT)
}
