//! `GET /connect/{token}`: a hosted link's first visit. The token is checked and traded for a
//! browser session, and the browser is sent on to `/connect`, whose address holds no token.

use axum::{
    extract::{Path, Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

use super::AppState;
use leptos::prelude::*;

use super::page::{Status, message, refused, render};
use crate::hosted;
use crate::sessions::{self, Purpose, Session, SessionError};

/// `GET /connect/{token}`. A link opened from another site while this browser is connecting
/// apps for another link asks first: otherwise any site could quietly move an open page's
/// session to a link of its choosing, and the customer's next Connect would land there.
pub(super) async fn open_link(
    State(state): State<AppState>,
    browser: tower_sessions::Session,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let link = match resolve(&state, &token).await {
        Ok(link) => link,
        Err(refusal) => return refusal,
    };
    if from_another_site(&headers)
        && let Ok(current) = hosted::visitor(&state.db, &browser, state.clock.now()).await
        && current.token_id != link.token_id
    {
        return ask_before_switching(&current, &token);
    }
    switch_to(&browser, &link).await
}

/// `POST /connect/{token}`: the choice page's button. Only Portico's own pages can post here
/// (the cross-site guard), so only the person at the keyboard switches links.
pub(super) async fn confirm_link(
    State(state): State<AppState>,
    browser: tower_sessions::Session,
    Path(token): Path<String>,
) -> Response {
    match resolve(&state, &token).await {
        Ok(link) => switch_to(&browser, &link).await,
        Err(refusal) => refusal,
    }
}

/// `GET /connect/out-of-date`: where a button pressed on a page opened for another link lands.
pub(super) async fn out_of_date() -> Response {
    let (heading, sentence) = app::PortalError::OutOfDate.words();
    message(
        StatusCode::CONFLICT,
        heading,
        &[sentence],
        Some(("/connect", "Reload")),
    )
}

/// The hosted link behind `token`, or the page that says why it cannot be used.
async fn resolve(state: &AppState, token: &str) -> Result<Session, Response> {
    match sessions::resolve(&state.db, token, Purpose::Hosted, state.clock.now()).await {
        Ok(link) => Ok(link),
        Err(SessionError::Unknown) => Err(refused(&app::PortalError::LinkInvalid, &[])),
        // A token made for the SDK opens no page: to its holder it is a link that no longer works.
        Err(SessionError::Expired | SessionError::WrongPurpose) => {
            Err(refused(&app::PortalError::LinkExpired, &[]))
        }
        Err(SessionError::Db(error)) => {
            tracing::error!(%error, "hosted link: lookup failed");
            Err(refused(&app::PortalError::Unavailable, &[]))
        }
    }
}

/// Whether the browser says another site sent it here (a link or a script there). Typed,
/// bookmarked and same-origin visits, and browsers that do not say, switch at once.
fn from_another_site(headers: &HeaderMap) -> bool {
    matches!(
        headers
            .get("sec-fetch-site")
            .and_then(|value| value.to_str().ok()),
        Some("cross-site" | "same-site")
    )
}

/// Trades the link for this browser's session and sends it on to the page.
async fn switch_to(browser: &tower_sessions::Session, link: &Session) -> Response {
    if let Err(error) = hosted::open(browser, link).await {
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

/// "Open this connect link?": the session stays on `current` unless the person says so.
fn ask_before_switching(current: &Session, token: &str) -> Response {
    let whom = current
        .linked_account
        .name
        .clone()
        .unwrap_or_else(|| current.org.name.clone());
    let action = format!("/connect/{token}");
    let body = view! {
        <Status heading="Open this connect link?".to_owned()>
            <p>{format!("You are in the middle of connecting apps for {whom}.")}</p>
            <p>
                {format!(
                    "Another site sent you to a different connect link. If you open it, the page you have open for {whom} stops working in this browser.",
                )}
            </p>
            <form method="post" action=action class="status__actions">
                <button class="button" type="submit">
                    "Open this link"
                </button>
                <a class="button button--quiet" href="/connect">
                    {format!("Back to {whom}")}
                </a>
            </form>
        </Status>
    };
    let mut response = render(StatusCode::OK, "Open this connect link?", body);
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    response
}

/// A message left for the page is shown once: after `/connect` has been rendered and sent, it
/// is removed. (The render itself only reads it, since it may ask for the page more than once.)
pub(super) async fn clear_shown_flash(
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
