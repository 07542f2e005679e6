//! `GET /connect/{token}`: a hosted link's first visit. The token is checked and traded for a
//! browser session, and the browser is sent on to `/connect`, whose address holds no token.

use axum::{
    extract::{Path, Request, State},
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

use super::AppState;
use super::page::message;
use crate::hosted;
use crate::sessions::{self, Purpose, SessionError};

pub async fn open_link(
    State(state): State<AppState>,
    browser: tower_sessions::Session,
    Path(token): Path<String>,
) -> Response {
    let link = match sessions::resolve(&state.db, &token, Purpose::Hosted).await {
        Ok(link) => link,
        Err(SessionError::Unknown) => return invalid(),
        // A token made for the SDK opens no page: to its holder it is a link that no longer works.
        Err(SessionError::Expired | SessionError::WrongPurpose) => return expired(),
        Err(SessionError::Db(error)) => {
            tracing::error!(%error, "hosted link: lookup failed");
            return unavailable();
        }
    };
    if let Err(error) = hosted::open(&browser, &link).await {
        tracing::error!(%error, "hosted link: cannot start a session");
        return unavailable();
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

pub fn invalid() -> Response {
    message(
        StatusCode::UNAUTHORIZED,
        "This link is not valid",
        &["The link may be incomplete or mistyped. Ask the app that sent you here for a new link."],
        None,
    )
}

pub fn expired() -> Response {
    message(
        StatusCode::GONE,
        "This link has expired",
        &[
            "Connect links work for a limited time to keep your accounts safe. Ask the app that sent you here for a new link.",
        ],
        None,
    )
}

fn unavailable() -> Response {
    message(
        StatusCode::SERVICE_UNAVAILABLE,
        "Something went wrong on our side",
        &["Portico could not open your link just now. Please try again in a minute."],
        None,
    )
}
