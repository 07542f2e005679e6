//! `POST /api/v2/public/embed-token`: a token for the embedded widget of one linked account.

use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::http::extract::{ApiJson, ApiKey};
use crate::http::{ApiError, AppState, timestamp};
use crate::sessions::{self, Issue, Purpose};
use crate::tenancy::LinkedAccountInput;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct EmbedTokenBody {
    linked_account_id: String,
    name: Option<String>,
    /// Lifetime in seconds (default 24 hours, at most 30 days).
    expires_in: Option<i64>,
    /// Only these apps (slugs), in the widget and through its token.
    apps: Option<Vec<String>>,
    /// The app the widget opens on.
    app: Option<String>,
    /// The widget's language: en, de, fr, es, ja or pt-BR.
    locale: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct EmbedTokenView {
    /// What `DELETE /api/v2/public/session-token/{id}` revokes it by.
    id: String,
    token: String,
    embed_url: String,
    expires_at: String,
}

/// A token for the embedded widget
///
/// Creates the linked account when it is new, like a session token does.
#[utoipa::path(post, path = "/v2/public/embed-token", tag = "tokens and links",
    request_body = EmbedTokenBody,
    responses((status = 200, description = "The token and the widget's URL", body = EmbedTokenView),
        (status = 422, description = "A field is invalid", body = crate::http::error::ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    ApiJson(body): ApiJson<EmbedTokenBody>,
) -> Result<Json<EmbedTokenView>, ApiError> {
    let ttl = sessions::lifetime(body.expires_in)?;
    let input = LinkedAccountInput::parse(&body.linked_account_id, body.name.as_deref(), None)?;
    let options = state
        .link_options(
            &key.org_id,
            key.environment,
            body.apps,
            body.app,
            body.locale,
        )
        .await?;
    let asked = Issue {
        options,
        ..Issue::plain(Purpose::Embed, ttl)
    };
    let issued = sessions::issue_for(
        &state.db,
        &key.org_id,
        key.environment,
        &input,
        &asked,
        state.clock.now(),
    )
    .await?;
    Ok(Json(EmbedTokenView {
        embed_url: format!("{}/embed/{}", state.public_url, issued.token),
        id: issued.id,
        token: issued.token,
        expires_at: timestamp(issued.expires_at),
    }))
}
