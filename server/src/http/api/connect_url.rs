//! `POST /api/v2/public/connect-url`: a hosted connect link.

use axum::{Json, extract::State, http::HeaderMap};
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

use chrono::{DateTime, Utc};

use crate::entity::linked_account;
use crate::http::extract::{Caller, LinkedAccount, OptionalJson};
use crate::http::{ApiError, AppState, timestamp};
use crate::input::FieldError;
use crate::sessions::{self, Branding, Issue, Purpose};
use crate::tenancy::LinkedAccountId;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
struct ConnectUrlBody {
    linked_account_id: Option<String>,
    name: Option<String>,
    color: Option<String>,
    #[serde(rename = "bgColor")]
    bg_color: Option<String>,
    logo: Option<String>,
    /// Lifetime of the link in seconds (default 24 hours, at most 30 days).
    expires_in: Option<i64>,
    /// Only these apps (slugs), on the page and through the link.
    apps: Option<Vec<String>>,
    /// The app the page opens on.
    app: Option<String>,
    /// The page's language: en, de, fr, es, ja or pt-BR.
    locale: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ConnectUrlView {
    /// What `DELETE /api/v2/public/session-token/{id}` revokes the link by.
    id: String,
    hosted_url: String,
    expires_at: String,
}

/// `POST /api/v2/public/connect-url`: a hosted link, for a Bearer session token's linked account
/// or for `x-api-key` plus `linked_account_id` (header or body).
#[utoipa::path(post, path = "/v2/public/connect-url", tag = "tokens and links",
    summary = "A hosted connect link",
    params(("linked_account_id" = Option<String>, Header, description = "With an API key: the end customer (or give it in the body)")),
    request_body(content = Option<ConnectUrlBody>, description = "Optional: branding, lifetime, apps and language of the page"),
    responses((status = 200, description = "The link", body = ConnectUrlView),
        (status = 404, description = "Unknown linked account", body = crate::http::error::ErrorBody),
        (status = 422, description = "A field is invalid", body = crate::http::error::ErrorBody)))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    OptionalJson(body): OptionalJson<ConnectUrlBody>,
) -> Result<Json<ConnectUrlView>, ApiError> {
    let (account, branding, not_after) = whose(&state, caller, &headers, &body).await?;
    let ttl = sessions::lifetime(body.expires_in)?;
    let options = state
        .link_options(
            &account.org_id,
            account.environment,
            body.apps,
            body.app,
            body.locale,
        )
        .await?;
    let asked = Issue {
        not_after,
        branding,
        options,
        ..Issue::plain(Purpose::Hosted, ttl)
    };
    let issued = sessions::issue(&state.db, &account, &asked, state.clock.now()).await?;
    Ok(Json(ConnectUrlView {
        id: issued.id,
        hosted_url: format!("{}/connect/{}", state.public_url, issued.token),
        expires_at: timestamp(issued.expires_at),
    }))
}

/// Whose link it is, how it looks and how long it may live at most. A link minted with a
/// session token lives no longer than that token, and shows the org's own branding: the token
/// is in the customer's browser, so what it asks for is the customer's word, not the vendor's.
async fn whose(
    state: &AppState,
    caller: Caller,
    headers: &HeaderMap,
    body: &ConnectUrlBody,
) -> Result<(linked_account::Model, Branding, Option<DateTime<Utc>>), ApiError> {
    let key = match caller {
        Caller::Session(session) => {
            let until = Some(session.expires_at);
            return Ok((session.linked_account, Branding::default(), until));
        }
        Caller::ApiKey(key) => key,
    };
    let id = match (&body.linked_account_id, headers.get("linked_account_id")) {
        (Some(id), _) => id.clone(),
        (None, Some(value)) => value
            .to_str()
            .map_err(|_| FieldError::new("linked_account_id", "must be text"))?
            .to_owned(),
        (None, None) => return Err(FieldError::new("linked_account_id", "is required").into()),
    };
    let account = LinkedAccount::find(state, &key, &LinkedAccountId::parse(&id)?).await?;
    let branding = Branding::parse(
        body.name.as_deref(),
        body.color.as_deref(),
        body.bg_color.as_deref(),
        body.logo.as_deref(),
    )?;
    Ok((account, branding, None))
}
