//! `GET /brand/{digest}.png`: an org's logo, as Portico re-encoded it. The name is the digest
//! of the bytes, so the answer never changes and browsers may keep it for a year.

use axum::{
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

use super::AppState;

pub(super) async fn logo(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let digest = file.strip_prefix('/').unwrap_or(&file);
    let Some(digest) = digest.strip_suffix(".png") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let well_formed = digest.len() == 64
        && digest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !well_formed {
        return StatusCode::NOT_FOUND.into_response();
    }
    match crate::branding::logo(&state.db, digest).await {
        Ok(Some(png)) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
            ],
            png,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "logo lookup failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
