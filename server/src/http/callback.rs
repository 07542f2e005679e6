//! `/oauth/callback`: where every provider sends the user back.

use app::dto::Flash;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};

use super::AppState;
use leptos::prelude::*;

use super::page::{Status, message, render};
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
        Ok(connected) => done(&browser, &connected.connection.slug, &connected.back).await,
        Err(error) => failure(error),
    }
}

/// Where a finished connection sends the browser: back to the hosted page with a banner, or
/// a popup's closing page.
async fn done(browser: &tower_sessions::Session, slug: &str, back: &Return) -> Response {
    match back.mode {
        Mode::Popup => popup_done(&back.app_name),
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
    let choice = match form.choice.as_str() {
        "keep" => Choice::Keep,
        "again" => Choice::SignInAgain,
        _ => {
            return message(
                StatusCode::BAD_REQUEST,
                "Choose one of the two buttons",
                &["Keep the other account, or sign in again."],
                None,
            );
        }
    };
    let nonce = state.flow_cookie().read(&headers);
    match oauth::decide(&state.services, &handle, nonce.as_deref(), choice).await {
        Ok(Decided::Kept { connection, back }) => done(&browser, &connection.slug, &back).await,
        Ok(Decided::SignInAgain(url)) => Redirect::to(url.as_str()).into_response(),
        Err(PendingError::Unknown) => message(
            StatusCode::GONE,
            "This choice has expired",
            &[
                "Choices are kept for 10 minutes and can be made once. Nothing was connected.",
                "Go back to the app list and choose Reconnect again.",
            ],
            None,
        ),
        Err(PendingError::OtherBrowser) => failure(CallbackError::OtherBrowser),
        Err(PendingError::AppGone) => failure(CallbackError::AppGone),
        Err(error) => {
            tracing::error!(%error, "reconnect choice failed");
            unavailable()
        }
    }
}

/// The page after a reconnect signed in as another account: nothing was overwritten.
fn choose_account(other: &OtherAccount) -> Response {
    let (expected, signed_in) = (other.expected.clone(), other.signed_in.clone());
    let action = format!("/oauth/pending/{}", other.handle);
    let app = other.back.app_name.clone();
    let body = view! {
        <Status heading="Another account signed in".to_owned()>
            <p>
                "You signed in as " <strong>{signed_in.clone()}</strong> "; this connection is for "
                <strong>{expected.clone()}</strong>
                {format!(
                    ". Sign in as {expected}, or keep {signed_in} as another connection.",
                )}
            </p>
            <div class="status__actions">
                <form method="post" action=action.clone()>
                    <input type="hidden" name="choice" value="again" />
                    <button class="button" type="submit">
                        {format!("Sign in as {expected}")}
                    </button>
                </form>
                <form method="post" action=action>
                    <input type="hidden" name="choice" value="keep" />
                    <button class="button button--quiet" type="submit">
                        {format!("Keep {signed_in} as another connection")}
                    </button>
                </form>
            </div>
            <p class="status__note">
                {format!(
                    "{expected} still needs to be reconnected. Unless you keep {signed_in}, its access to {app} is given back in 10 minutes.",
                )}
            </p>
        </Status>
    };
    render(StatusCode::OK, "Another account signed in", body)
}

/// A return path that stays on this server: one leading slash, and no backslash a browser
/// would read as a second one (`/\host`).
fn local(path: Option<&str>) -> Option<&str> {
    path.filter(|path| path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'))
}

/// The page a popup (or new tab) shows when it is done; it closes itself when it can.
fn popup_done(app_name: &str) -> Response {
    let said = format!("{app_name} is connected. You can close this tab.");
    let body = view! {
        <Status heading="Connected".to_owned()>
            <p>{said}</p>
        </Status>
        <script inner_html=super::headers::CLOSE_WINDOW_SCRIPT></script>
    };
    render(StatusCode::OK, "Connected", body)
}

fn back_link(back: &Return) -> Option<(&str, &str)> {
    match (back.mode, local(back.return_to.as_deref())) {
        (Mode::Page, Some(path)) => Some((path, "Back to your apps")),
        _ => None,
    }
}

fn failure(error: CallbackError) -> Response {
    match error {
        CallbackError::OtherAccount(other) => choose_account(&other),
        CallbackError::AppGone => message(
            StatusCode::GONE,
            "This app is no longer offered",
            &["The team that sent you here has removed it."],
            None,
        ),
        CallbackError::OAuth(oauth::OAuthError::NotConfigured(name)) => message(
            StatusCode::CONFLICT,
            &format!("{name} is not set up yet"),
            &["The team that sent you here has to finish setting it up."],
            None,
        ),
        CallbackError::OAuth(error) => {
            tracing::error!(%error, "oauth callback failed");
            unavailable()
        }
        CallbackError::Db(error) => {
            tracing::error!(%error, "oauth callback failed");
            unavailable()
        }
        CallbackError::Cancelled(back) => message(
            StatusCode::OK,
            "You cancelled the connection",
            &[&format!(
                "Nothing was connected and {} received no access. You can connect it any time.",
                back.app_name
            )],
            back_link(&back),
        ),
        CallbackError::Refused(reason, back) => message(
            StatusCode::BAD_GATEWAY,
            &format!("{} did not allow the connection", back.app_name),
            &[&format!("It answered: {reason}"), START_AGAIN],
            back_link(&back),
        ),
        CallbackError::Exchange(back) => message(
            StatusCode::BAD_GATEWAY,
            &format!("{} did not accept the sign-in", back.app_name),
            &[
                "Portico could not finish connecting. This is usually temporary.",
                START_AGAIN,
            ],
            back_link(&back),
        ),
        other => unusable_sign_in(other),
    }
}

const START_AGAIN: &str = "Go back to the app list and choose Connect again.";

/// A sign-in that cannot be finished as it came back: unknown, used, expired, from another
/// browser or another provider, or without a code.
fn unusable_sign_in(error: CallbackError) -> Response {
    let (status, title, why) = match error {
        CallbackError::OtherBrowser => {
            return message(
                StatusCode::FORBIDDEN,
                "This sign-in was started in another browser",
                &[
                    "For your safety, a sign-in can only be finished in the browser that started it. Nothing was connected.",
                    "Open your connect link in this browser and choose Connect again.",
                ],
                None,
            );
        }
        CallbackError::Replayed => (
            StatusCode::BAD_REQUEST,
            "This sign-in was already used",
            "Each sign-in works once. If you reloaded this page, your app may already be connected.",
        ),
        CallbackError::Expired => (
            StatusCode::BAD_REQUEST,
            "This sign-in has expired",
            "Sign-ins must be finished within 10 minutes.",
        ),
        CallbackError::WrongIssuer => (
            StatusCode::BAD_REQUEST,
            "This answer came from a different app",
            "The sign-in was answered by a provider other than the app you chose, so Portico ignored it.",
        ),
        CallbackError::MissingCode => (
            StatusCode::BAD_REQUEST,
            "The app sent no authorization",
            "The provider returned without an authorization code.",
        ),
        _ => (
            StatusCode::BAD_REQUEST,
            "This sign-in is not valid",
            "Portico did not start this sign-in, or its address was changed on the way.",
        ),
    };
    message(status, title, &[why, START_AGAIN], None)
}

fn unavailable() -> Response {
    message(
        StatusCode::SERVICE_UNAVAILABLE,
        "Something went wrong on our side",
        &["Portico could not finish connecting. Please try again in a minute."],
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
