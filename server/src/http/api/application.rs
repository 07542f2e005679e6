//! `GET /api/v2/public/application[/{slug}]`: the apps a linked account can connect, with its
//! connections, in the seed's `Application` shape.

use axum::{
    Json, Router,
    extract::{Path, State},
    routing::get,
};

use crate::http::application::Application;
use crate::http::extract::LinkedAccount;
use crate::http::{ApiError, AppState};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/v2/public/application", get(list))
        .route("/v2/public/application/{slug}", get(show))
}

async fn list(
    State(state): State<AppState>,
    LinkedAccount { account, .. }: LinkedAccount,
) -> Result<Json<Vec<Application>>, ApiError> {
    Ok(Json(state.applications(&account).await?))
}

async fn show(
    State(state): State<AppState>,
    LinkedAccount { account, .. }: LinkedAccount,
    Path(slug): Path<String>,
) -> Result<Json<Application>, ApiError> {
    Ok(Json(state.application(&account, &slug).await?))
}
