//! The vendor API under `/api/v2/public`, authenticated by `x-api-key`: one file per resource.

use utoipa_axum::router::OpenApiRouter;

use super::{ApiError, AppState};

mod app_config;
mod application;
pub(super) mod branding;
mod connect_url;
mod connection;
mod custom_app;
mod embed;
mod event;
mod linked_account;
mod session_token;
mod webhook;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(linked_account::router())
        .merge(session_token::router())
        .merge(connect_url::router())
        .merge(application::router())
        .merge(app_config::router())
        .merge(branding::router())
        .merge(custom_app::router())
        .merge(connection::router())
        .merge(embed::router())
        .merge(webhook::router())
        .merge(event::router())
        .fallback(|| async { ApiError::NotFound("endpoint") })
}
