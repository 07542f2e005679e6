//! `GET /connect/{token}`: a hosted link's first visit. The token is checked and traded for a
//! browser session, and the browser is sent on to `/connect`, whose address holds no token.

use axum::{
    extract::{Path, Request, State},
    http::{Method, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

use super::AppState;
use super::page::refused;
use crate::hosted;
use crate::sessions::{self, Purpose, SessionError};

pub async fn open_link(
    State(state): State<AppState>,
    browser: tower_sessions::Session,
    Path(token): Path<String>,
) -> Response {
    let link = match sessions::resolve(&state.db, &token, Purpose::Hosted).await {
        Ok(link) => link,
        Err(SessionError::Unknown) => return refused(&app::PortalError::LinkInvalid, &[]),
        // A token made for the SDK opens no page: to its holder it is a link that no longer works.
        Err(SessionError::Expired | SessionError::WrongPurpose) => {
            return refused(&app::PortalError::LinkExpired, &[]);
        }
        Err(SessionError::Db(error)) => {
            tracing::error!(%error, "hosted link: lookup failed");
            return refused(&app::PortalError::Unavailable, &[]);
        }
    };
    if let Err(error) = hosted::open(&browser, &link).await {
        tracing::error!(%error, "hosted link: cannot start a session");
        return refused(&app::PortalError::Unavailable, &[]);
    }
    (
        // The link must not linger where the next page's requests could show it.
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        Redirect::to("/connect"),
    )
        .into_response()
}

/// A message left for the page is shown once: after `/connect` has been rendered and sent, it
/// is removed. (The render itself only reads it, since it may ask for the page more than once.)
pub async fn clear_shown_flash(
    browser: tower_sessions::Session,
    request: Request,
    next: Next,
) -> Response {
    let page = request.method() == Method::GET && request.uri().path() == "/connect";
    let response = next.run(request).await;
    if page && response.status().is_success() {
        hosted::clear_flash(&browser).await;
    }
    response
}
