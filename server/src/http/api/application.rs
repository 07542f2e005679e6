//! `GET /api/v2/public/application[/{slug}]`: the apps a linked account can connect, with its
//! connections, in the seed's `Application` shape.

use axum::{
    Json,
    extract::{Path, State},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::http::application::Application;
use crate::http::extract::LinkedAccount;
use crate::http::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(show))
}

/// The apps a linked account can connect
///
/// Every app the org enabled in the key's environment, with the linked account's connections;
/// then the turned-off apps it still has connections of (`enabled: false`, `app_deleted`).
#[utoipa::path(get, path = "/v2/public/application", tag = "applications",
    params(("linked_account_id" = String, Header, description = "The vendor's id of the end customer")),
    responses((status = 200, description = "The apps", body = Vec<Application>),
        (status = 404, description = "Unknown linked account", body = crate::http::error::ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    LinkedAccount { account, .. }: LinkedAccount,
) -> Result<Json<Vec<Application>>, ApiError> {
    Ok(Json(state.applications(&account).await?))
}

/// One app for a linked account
#[utoipa::path(get, path = "/v2/public/application/{slug}", tag = "applications",
    params(("linked_account_id" = String, Header, description = "The vendor's id of the end customer"), ("slug" = String, Path, description = "The app's slug")),
    responses((status = 200, description = "The app", body = Application),
        (status = 404, description = "Unknown linked account or app", body = crate::http::error::ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    LinkedAccount { account, .. }: LinkedAccount,
    Path(slug): Path<String>,
) -> Result<Json<Application>, ApiError> {
    Ok(Json(state.application(&account, &slug).await?))
}
