//! Vendor API resources beyond the seed's: one file per resource.

use axum::Router;

use super::AppState;

mod connection;
mod embed;
mod webhook;

pub fn router() -> Router<AppState> {
    connection::router()
        .merge(embed::router())
        .merge(webhook::router())
}
