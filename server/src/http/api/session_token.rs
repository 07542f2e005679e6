//! `/api/v2/public/session-token`: a token the vendor's front end calls the SDK routes with,
//! and revoking any token or hosted link at once.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::http::extract::{ApiJson, ApiKey};
use crate::http::{ApiError, AppState, timestamp};
use crate::sessions::{self, Issue, Purpose};
use crate::tenancy::LinkedAccountInput;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(revoke))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct SessionTokenBody {
    linked_account_id: String,
    name: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct TokenView {
    /// What `DELETE /api/v2/public/session-token/{id}` revokes it by.
    id: String,
    token: String,
    expires_at: String,
}

/// A session token for the frontend SDK
///
/// Creates the linked account when it is new. The token is valid for 24 hours.
#[utoipa::path(post, path = "/v2/public/session-token", tag = "tokens and links",
    request_body = SessionTokenBody,
    responses((status = 200, description = "The token", body = TokenView),
        (status = 422, description = "A field is invalid", body = crate::http::error::ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    ApiJson(body): ApiJson<SessionTokenBody>,
) -> Result<Json<TokenView>, ApiError> {
    let input = LinkedAccountInput::parse(&body.linked_account_id, body.name.as_deref(), None)?;
    let issued = sessions::issue_for(
        &state.db,
        &key.org_id,
        key.environment,
        &input,
        &Issue::plain(Purpose::Session, sessions::DEFAULT_TTL),
        state.clock.now(),
    )
    .await?;
    Ok(Json(TokenView {
        id: issued.id,
        token: issued.token,
        expires_at: timestamp(issued.expires_at),
    }))
}

/// `DELETE /api/v2/public/session-token/{id}`: a session token or hosted link stops working at
/// once, and so does every page opened with it.
#[utoipa::path(delete, path = "/v2/public/session-token/{id}", tag = "tokens and links",
    summary = "Revoke a session token, hosted link or embed token",
    params(("id" = String, Path, description = "The `id` its creation answered")),
    responses((status = 204, description = "Revoked"),
        (status = 404, description = "Unknown token", body = crate::http::error::ErrorBody)))]
async fn revoke(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if id.len() > 64 || !sessions::revoke(&state.db, &key.org_id, key.environment, &id).await? {
        return Err(ApiError::NotFound("token"));
    }
    Ok(StatusCode::NO_CONTENT)
}
