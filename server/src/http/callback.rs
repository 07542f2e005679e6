//! `/oauth/callback`: where every provider sends the user back.

use app::dto::Flash;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};

use super::AppState;
use app::i18n::T;
use leptos::prelude::*;

use super::page::{Status, message, of_headers, render};
use crate::hosted;
use crate::oauth::{
    self, CallbackContext, CallbackError, CallbackParams, Choice, Decided, Mode, OtherAccount,
    PendingError, Return,
};

pub(super) async fn callback(
    State(state): State<AppState>,
    browser: tower_sessions::Session,
    headers: HeaderMap,
    Query(params): Query<CallbackParams>,
) -> Response {
    let t = T(of_headers(&headers));
    let nonce = state.flow_cookie().read(&headers);
    let context = CallbackContext {
        db: &state.db,
        vault: &state.vault,
        egress: &state.egress,
        public_url: &state.public_url,
        catalog: &state.catalog,
        changes: &state.changes,
        browser_nonce: nonce.as_deref(),
        clock: &state.clock,
    };
    match oauth::complete(&context, &params).await {
        Ok(connected) => done(&browser, &connected.connection.slug, &connected.back, t).await,
        Err(error) => failure(error, t),
    }
}

/// Where a finished connection sends the browser: back to the hosted page with a banner, or
/// a popup's closing page.
async fn done(browser: &tower_sessions::Session, slug: &str, back: &Return, t: T) -> Response {
    match back.mode {
        Mode::Popup => popup_done(&back.app_name, t),
        Mode::Page => {
            // The hosted page shows "… is connected." once, from the session.
            hosted::set_flash(browser, &Flash::Connected(slug.to_owned())).await;
            Redirect::to(local(back.return_to.as_deref()).unwrap_or("/")).into_response()
        }
    }
}

#[derive(serde::Deserialize)]
pub(super) struct ChoiceForm {
    choice: String,
}

/// `POST /oauth/pending/{handle}`: the choice after another account signed in.
pub(super) async fn choose(
    State(state): State<AppState>,
    browser: tower_sessions::Session,
    headers: HeaderMap,
    Path(handle): Path<String>,
    Form(form): Form<ChoiceForm>,
) -> Response {
    let t = T(of_headers(&headers));
    let choice = match form.choice.as_str() {
        "keep" => Choice::Keep,
        "again" => Choice::SignInAgain,
        _ => {
            return message(
                t,
                StatusCode::BAD_REQUEST,
                &t.s("signin-choose-invalid-heading"),
                &[t.s("signin-choose-invalid-body")],
                None,
            );
        }
    };
    let nonce = state.flow_cookie().read(&headers);
    match oauth::decide(&state.services, &handle, nonce.as_deref(), choice).await {
        Ok(Decided::Kept { connection, back }) => done(&browser, &connection.slug, &back, t).await,
        Ok(Decided::SignInAgain(url)) => Redirect::to(url.as_str()).into_response(),
        Err(PendingError::Unknown) => message(
            t,
            StatusCode::GONE,
            &t.s("signin-choice-expired-heading"),
            &[
                t.s("signin-choice-expired-body"),
                t.s("signin-choice-expired-again"),
            ],
            None,
        ),
        Err(PendingError::OtherBrowser) => failure(CallbackError::OtherBrowser, t),
        Err(PendingError::AppGone) => failure(CallbackError::AppGone, t),
        Err(error) => {
            tracing::error!(%error, "reconnect choice failed");
            unavailable(t)
        }
    }
}

/// The page after a reconnect signed in as another account: nothing was overwritten.
fn choose_account(other: &OtherAccount, t: T) -> Response {
    let (expected, signed_in) = (other.expected.as_str(), other.signed_in.as_str());
    let app = other.back.app_name.as_str();
    let heading = t.s("signin-other-account-heading");
    // One sentence, so each language can order it: the names are not set in bold.
    let said = t.a(
        "signin-other-account-body",
        &[
            ("signed_in", signed_in.into()),
            ("expected", expected.into()),
        ],
    );
    let sign_in_again = t.a(
        "signin-other-account-sign-in",
        &[("expected", expected.into())],
    );
    let keep = t.a(
        "signin-other-account-keep",
        &[("signed_in", signed_in.into())],
    );
    let note = t.a(
        "signin-other-account-note",
        &[
            ("expected", expected.into()),
            ("signed_in", signed_in.into()),
            ("app", app.into()),
        ],
    );
    let action = format!("/oauth/pending/{}", other.handle);
    let body = view! {
        <Status heading=heading.clone()>
            <p>{said}</p>
            <div class="status__actions">
                <form method="post" action=action.clone()>
                    <input type="hidden" name="choice" value="again" />
                    <button class="button" type="submit">
                        {sign_in_again}
                    </button>
                </form>
                <form method="post" action=action>
                    <input type="hidden" name="choice" value="keep" />
                    <button class="button button--quiet" type="submit">
                        {keep}
                    </button>
                </form>
            </div>
            <p class="status__note">{note}</p>
        </Status>
    };
    render(t, StatusCode::OK, &heading, body)
}

/// A return path that stays on this server: one leading slash, and no backslash a browser
/// would read as a second one (`/\host`).
fn local(path: Option<&str>) -> Option<&str> {
    path.filter(|path| path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'))
}

/// The page a popup (or new tab) shows when it is done; it closes itself when it can.
fn popup_done(app_name: &str, t: T) -> Response {
    let heading = t.s("signin-connected-heading");
    let said = t.a("signin-connected-body", &[("app", app_name.into())]);
    let body = view! {
        <Status heading=heading.clone()>
            <p>{said}</p>
        </Status>
        <script inner_html=super::headers::CLOSE_WINDOW_SCRIPT></script>
    };
    render(t, StatusCode::OK, &heading, body)
}

fn back_link(back: &Return, t: T) -> Option<(&str, String)> {
    match (back.mode, local(back.return_to.as_deref())) {
        (Mode::Page, Some(path)) => Some((path, t.s("signin-back-to-apps"))),
        _ => None,
    }
}

fn failure(error: CallbackError, t: T) -> Response {
    match error {
        CallbackError::OtherAccount(other) => choose_account(&other, t),
        CallbackError::AppGone => message(
            t,
            StatusCode::GONE,
            &t.s("signin-app-gone-heading"),
            &[t.s("signin-app-gone-body")],
            None,
        ),
        CallbackError::OAuth(oauth::OAuthError::NotConfigured(name)) => message(
            t,
            StatusCode::CONFLICT,
            &t.a(
                "signin-not-configured-heading",
                &[("app", name.as_str().into())],
            ),
            &[t.s("signin-not-configured-body")],
            None,
        ),
        CallbackError::OAuth(error) => {
            tracing::error!(%error, "oauth callback failed");
            unavailable(t)
        }
        CallbackError::Db(error) => {
            tracing::error!(%error, "oauth callback failed");
            unavailable(t)
        }
        CallbackError::Cancelled(back) => message(
            t,
            StatusCode::OK,
            &t.s("signin-cancelled-heading"),
            &[t.a(
                "signin-cancelled-body",
                &[("app", back.app_name.as_str().into())],
            )],
            back_link(&back, t),
        ),
        CallbackError::Refused(reason, back) => message(
            t,
            StatusCode::BAD_GATEWAY,
            &t.a(
                "signin-refused-heading",
                &[("app", back.app_name.as_str().into())],
            ),
            &[
                t.a("signin-refused-body", &[("reason", reason.as_str().into())]),
                t.s(START_AGAIN),
            ],
            back_link(&back, t),
        ),
        CallbackError::Exchange(back) => message(
            t,
            StatusCode::BAD_GATEWAY,
            &t.a(
                "signin-exchange-heading",
                &[("app", back.app_name.as_str().into())],
            ),
            &[t.s("signin-exchange-body"), t.s(START_AGAIN)],
            back_link(&back, t),
        ),
        other => unusable_sign_in(other, t),
    }
}

/// The key of "Go back to the app list and choose Connect again."
const START_AGAIN: &str = "signin-start-again";

/// A sign-in that cannot be finished as it came back: unknown, used, expired, from another
/// browser or another provider, or without a code.
fn unusable_sign_in(error: CallbackError, t: T) -> Response {
    let (status, title, why) = match error {
        CallbackError::OtherBrowser => {
            return message(
                t,
                StatusCode::FORBIDDEN,
                &t.s("signin-other-browser-heading"),
                &[
                    t.s("signin-other-browser-body"),
                    t.s("signin-other-browser-again"),
                ],
                None,
            );
        }
        CallbackError::Replayed => (
            StatusCode::BAD_REQUEST,
            "signin-replayed-heading",
            "signin-replayed-body",
        ),
        CallbackError::Expired => (
            StatusCode::BAD_REQUEST,
            "signin-expired-heading",
            "signin-expired-body",
        ),
        CallbackError::WrongIssuer => (
            StatusCode::BAD_REQUEST,
            "signin-wrong-issuer-heading",
            "signin-wrong-issuer-body",
        ),
        CallbackError::MissingCode => (
            StatusCode::BAD_REQUEST,
            "signin-missing-code-heading",
            "signin-missing-code-body",
        ),
        _ => (
            StatusCode::BAD_REQUEST,
            "signin-invalid-heading",
            "signin-invalid-body",
        ),
    };
    message(t, status, &t.s(title), &[t.s(why), t.s(START_AGAIN)], None)
}

fn unavailable(t: T) -> Response {
    message(
        t,
        StatusCode::SERVICE_UNAVAILABLE,
        &t.s("signin-unavailable-heading"),
        &[t.s("signin-unavailable-body")],
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths_stay_on_this_server() {
        assert_eq!(local(Some("/connect")), Some("/connect"));
        assert_eq!(local(Some("/connect?q=a")), Some("/connect?q=a"));
        for foreign in [
            "//evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "https://evil.example",
            "evil",
        ] {
            assert_eq!(local(Some(foreign)), None, "{foreign}");
        }
        assert_eq!(local(None), None);
    }
}
