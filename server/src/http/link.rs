//! `GET /connect/{token}`: a hosted link's first visit. The token is checked and traded for a
//! browser session, and the browser is sent on to `/connect`, whose address holds no token.

use axum::{
    extract::{Path, Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

use super::AppState;
use app::i18n::T;
use leptos::prelude::*;

use super::page::{Status, Words, message, of_headers, refused, render};
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
    let t = T(of_headers(&headers));
    let link = match resolve(&state, &token, t).await {
        Ok(link) => link,
        Err(refusal) => return refusal,
    };
    if from_another_site(&headers)
        && let Ok(current) = hosted::visitor(&state.db, &browser, state.clock.now()).await
        && current.token_id != link.token_id
    {
        return ask_before_switching(&current, &token, t);
    }
    switch_to(&browser, &link, t).await
}

/// `POST /connect/{token}`: the choice page's button. Only Portico's own pages can post here
/// (the cross-site guard), so only the person at the keyboard switches links.
pub(super) async fn confirm_link(
    State(state): State<AppState>,
    browser: tower_sessions::Session,
    Words(t): Words,
    Path(token): Path<String>,
) -> Response {
    match resolve(&state, &token, t).await {
        Ok(link) => switch_to(&browser, &link, t).await,
        Err(refusal) => refusal,
    }
}

/// `GET /connect/out-of-date`: where a button pressed on a page opened for another link lands.
pub(super) async fn out_of_date(Words(t): Words) -> Response {
    let (heading, sentence) = app::PortalError::OutOfDate.words();
    message(
        t,
        StatusCode::CONFLICT,
        &t.s(heading),
        &[t.s(sentence)],
        Some(("/connect", t.s("link-reload"))),
    )
}

/// The hosted link behind `token`, or the page that says why it cannot be used.
async fn resolve(state: &AppState, token: &str, t: T) -> Result<Session, Response> {
    match sessions::resolve(&state.db, token, Purpose::Hosted, state.clock.now()).await {
        Ok(link) => Ok(link),
        Err(SessionError::Unknown) => Err(refused(t, &app::PortalError::LinkInvalid, &[])),
        // A token made for the SDK opens no page: to its holder it is a link that no longer works.
        Err(SessionError::Expired | SessionError::WrongPurpose) => {
            Err(refused(t, &app::PortalError::LinkExpired, &[]))
        }
        Err(SessionError::Db(error)) => {
            tracing::error!(%error, "hosted link: lookup failed");
            Err(refused(t, &app::PortalError::Unavailable, &[]))
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
async fn switch_to(browser: &tower_sessions::Session, link: &Session, t: T) -> Response {
    if let Err(error) = hosted::open(browser, link).await {
        tracing::error!(%error, "hosted link: cannot start a session");
        return refused(t, &app::PortalError::Unavailable, &[]);
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
fn ask_before_switching(current: &Session, token: &str, t: T) -> Response {
    let whom = current
        .linked_account
        .name
        .clone()
        .unwrap_or_else(|| current.org.name.clone());
    let heading = t.s("link-switch-heading");
    let middle = t.a("link-switch-current", &[("whom", whom.as_str().into())]);
    let warning = t.a("link-switch-warning", &[("whom", whom.as_str().into())]);
    let open = t.s("link-switch-open");
    let back = t.a("link-switch-back", &[("whom", whom.as_str().into())]);
    let action = format!("/connect/{token}");
    let body = view! {
        <Status heading=heading.clone()>
            <p>{middle}</p>
            <p>{warning}</p>
            <form method="post" action=action class="status__actions">
                <button class="button" type="submit">
                    {open}
                </button>
                <a class="button button--quiet" href="/connect">
                    {back}
                </a>
            </form>
        </Status>
    };
    let mut response = render(t, StatusCode::OK, &heading, body);
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
