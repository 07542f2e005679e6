//! The console's pages: the sign-in pages, the frame every signed-in page shares (the org,
//! the environment, the sections and a sign-out button), and the refusals.

use app::i18n::{Locale, T};
use axum::{http::StatusCode, response::Response};
use leptos::prelude::*;

use super::operator::Operator;
use crate::http::page::{self, Status};

/// What the last action did, as the page it led back to is asked (`?done=revoked`).
#[derive(serde::Deserialize, Default)]
pub(super) struct Done {
    #[serde(default)]
    pub done: String,
}

/// The console speaks English.
const T_EN: T = T(Locale::En);

/// The sign-in page: an API key form, and how to get a link instead.
pub(super) fn sign_in(status: StatusCode, note: Option<&str>, error: Option<&str>) -> Response {
    let note = note.map(str::to_owned);
    let error = error.map(str::to_owned);
    let invalid = error.is_some().then_some("true");
    let body = view! {
        <Status heading="Sign in to the Portico console".to_owned()>
            {note.map(|note| view! { <p class="banner" role="status">{note}</p> })}
            <form class="console-form" method="post" action=super::SIGN_IN_PATH>
                <label for="api_key">"API key"</label>
                <p class="hint" id="api_key-hint">
                    "An API key of the org and environment to open (it starts with "
                    <code>"pk_test_"</code> " or " <code>"pk_live_"</code> ")."
                </p>
                <input
                    id="api_key"
                    name="api_key"
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    required
                    aria-invalid=invalid
                    aria-describedby=if error.is_some() { "api_key-error api_key-hint" } else { "api_key-hint" }
                    autofocus
                />
                {error.map(|error| view! { <p class="field-error" id="api_key-error">{error}</p> })}
                <button class="button" type="submit">"Sign in"</button>
            </form>
            <p class="hint">
                "Or, on the server, run " <code>"portico console link --org ORG --environment test"</code>
                " for a sign-in link that works once, for 10 minutes."
            </p>
        </Status>
    };
    page::render(T_EN, status, "Sign in to the console", body)
}

/// The page of a usable sign-in link: one button uses it.
pub(super) fn use_link(token: &str) -> Response {
    let action = format!("/console/sign-in/{token}");
    let body = view! {
        <Status heading="Sign in to the Portico console".to_owned()>
            <p>"This link signs you in once. It works for 10 minutes after it was made."</p>
            <form method="post" action=action>
                <button class="button" type="submit">"Sign in"</button>
            </form>
        </Status>
    };
    page::render(T_EN, StatusCode::OK, "Sign in to the console", body)
}

/// Any link that does not sign in: unknown, used or expired alike.
pub(super) fn link_refused() -> Response {
    page::message(
        T_EN,
        StatusCode::NOT_FOUND,
        "This sign-in link does not work",
        &[
            "It was used already, it has expired (links work for 10 minutes), or it never existed."
                .to_owned(),
            "Run portico console link again for a new one, or sign in with an API key.".to_owned(),
        ],
        Some((super::SIGN_IN_PATH, "Sign in".to_owned())),
    )
}

/// A form whose CSRF token is not this session's: nothing was done.
pub(super) fn stale_form() -> Response {
    page::message(
        T_EN,
        StatusCode::FORBIDDEN,
        "That form was out of date",
        &["Nothing was changed. Go back, reload the page and try again.".to_owned()],
        Some(("/console", "Back to the console".to_owned())),
    )
}

/// The database or the session store failed: logged, and said in words.
pub(super) fn unavailable(error: &dyn std::fmt::Display) -> Response {
    tracing::error!(%error, "console: a page could not be made");
    page::message(
        T_EN,
        StatusCode::SERVICE_UNAVAILABLE,
        "The console cannot answer right now",
        &["Try again in a moment.".to_owned()],
        None,
    )
}

/// A section of the console.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    Overview,
    Connections,
    Apps,
    Webhooks,
    Settings,
}

impl Section {
    const ALL: [(Self, &'static str, &'static str); 5] = [
        (Self::Overview, "Overview", "/console"),
        (Self::Connections, "Connections", "/console/connections"),
        (Self::Apps, "Apps", "/console/apps"),
        (Self::Webhooks, "Webhooks", "/console/webhooks"),
        (Self::Settings, "Settings", "/console/settings"),
    ];
}

/// The signed-in org, or the page to answer instead.
pub(super) async fn org_of(
    state: &crate::http::AppState,
    operator: &Operator,
) -> Result<crate::entity::org::Model, Response> {
    match crate::tenancy::find_org(&state.db, &operator.org_id).await {
        Ok(Some(org)) => Ok(org),
        Ok(None) => Err(link_refused()),
        Err(error) => Err(unavailable(&error)),
    }
}

/// The signed-in org for a form, once its CSRF token is this session's; else the page to
/// answer instead (nothing was done).
pub(super) async fn form_org(
    state: &crate::http::AppState,
    operator: &Operator,
    csrf: &str,
) -> Result<crate::entity::org::Model, Response> {
    if !operator.csrf_matches(csrf) {
        return Err(stale_form());
    }
    org_of(state, operator).await
}

/// A console page for something that is not there (or is another org's: the same page).
pub(super) fn not_found(operator: &Operator, org_name: &str, heading: &str) -> Response {
    let mut response = signed_in(
        operator,
        org_name,
        Section::Connections,
        heading,
        view! { <p>"It does not exist in this environment."</p> <p><a href="/console/connections">"All connections"</a></p> },
    );
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// A connection's state in words: `Working`, or `To reconnect: token_revoked`.
pub(super) fn state_words(connection: &crate::entity::connection::Model) -> String {
    match connection.reauth_reason {
        Some(reason) if connection.status == crate::entity::connection::State::ReauthRequired => {
            format!("To reconnect: {}", reason.as_str())
        }
        _ => "Working".to_owned(),
    }
}

/// A customer as the console names them: their id, and their name when the vendor gave one.
pub(super) fn customer(account: &crate::entity::linked_account::Model) -> String {
    match &account.name {
        Some(name) => format!("{} ({name})", account.external_id),
        None => account.external_id.clone(),
    }
}

/// A time as the console shows it: UTC, to the minute.
pub(super) fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A signed-in page: the header (org, environment, sections, sign out), then `body`.
pub(super) fn signed_in(
    operator: &Operator,
    org_name: &str,
    section: Section,
    title: &str,
    body: impl IntoView + 'static,
) -> Response {
    let org_name = org_name.to_owned();
    let environment = operator.environment.as_str();
    let csrf = operator.csrf.clone();
    let heading = title.to_owned();
    let view = view! {
        <header class="console-header">
            <p class="console-header__org">
                <strong>{org_name}</strong>
                " "
                <span class="chip">{environment}</span>
            </p>
            <nav aria-label="Console">
                <ul class="console-nav">
                    {Section::ALL
                        .into_iter()
                        .map(|(each, label, href)| {
                            let current = (each == section).then_some("page");
                            view! { <li><a href=href aria-current=current>{label}</a></li> }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <form method="post" action="/console/sign-out">
                <input type="hidden" name="csrf" value=csrf />
                <button class="button button--quiet" type="submit">"Sign out"</button>
            </form>
        </header>
        <main class="console" id="main">
            <h1>{heading}</h1>
            {body}
        </main>
    };
    page::render(T_EN, StatusCode::OK, title, view)
}

/// How a console form field takes its value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Input {
    Text,
    Url,
    /// Write-only: never filled in from what is stored.
    Secret,
    /// Several lines (JSON).
    Lines,
}

/// One labelled field of a console form: its hint, and its error when the last try was
/// refused there (`aria-invalid`, with the sentence as its description).
pub(super) struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub value: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub max: usize,
}

impl Field {
    pub(super) fn new(name: &'static str, label: &'static str, input: Input) -> Self {
        Self {
            name,
            label,
            input,
            value: String::new(),
            hint: None,
            error: None,
            max: 2048,
        }
    }

    pub(super) fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    pub(super) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The refusal's sentence, when it was about this field.
    pub(super) fn refused(mut self, refused: Option<&(String, String)>) -> Self {
        self.error = refused
            .filter(|(field, _)| field == self.name)
            .map(|(_, message)| message.clone());
        self
    }

    pub(super) fn max(mut self, max: usize) -> Self {
        self.max = max;
        self
    }

    pub(super) fn view(self) -> impl IntoView + use<> {
        let Self {
            name,
            label,
            input,
            value,
            hint,
            error,
            max,
        } = self;
        let hint_id = format!("{name}-hint");
        let error_id = format!("{name}-error");
        let described: Vec<&str> = [
            error.as_ref().map(|_| error_id.as_str()),
            hint.as_ref().map(|_| hint_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let described = (!described.is_empty()).then(|| described.join(" "));
        let invalid = error.is_some().then_some("true");
        let max = max.to_string();
        let control = match input {
            Input::Lines => {
                // Leptos writes a textarea's text as it is, like a script's: escaped here, or
                // a `</textarea>` typed into it would end it and what follows would be markup.
                let text = value
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                view! {
                    <textarea id=name name=name rows="6" spellcheck="false" maxlength=max aria-invalid=invalid aria-describedby=described>{text}</textarea>
                }
                .into_any()
            }
            Input::Secret => view! {
                <input id=name name=name type="password" autocomplete="off" spellcheck="false" maxlength=max aria-invalid=invalid aria-describedby=described />
            }
            .into_any(),
            Input::Text | Input::Url => {
                let kind = if input == Input::Url { "url" } else { "text" };
                view! {
                    <input id=name name=name type=kind value=value spellcheck="false" maxlength=max aria-invalid=invalid aria-describedby=described />
                }
                .into_any()
            }
        };
        view! {
            <div class="console-field">
                <label for=name>{label}</label>
                {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
                {control}
                {error.map(|error| view! { <p class="field-error" id=error_id>{error}</p> })}
            </div>
        }
    }
}

/// A form that takes something away: what it will do in words, a box to tick that says so,
/// and the button.
pub(super) fn confirmed_form(
    action: String,
    csrf: String,
    warning: String,
    tick: String,
    button: String,
) -> impl IntoView {
    let id = format!("confirm-{}", action.rsplit('/').next().unwrap_or("it"));
    view! {
        <form class="console-form console-form--danger" method="post" action=action>
            <input type="hidden" name="csrf" value=csrf />
            <p class="console-warning">{warning}</p>
            <p class="console-tick">
                <input type="checkbox" id=id.clone() name="confirm" value="yes" required />
                <label for=id>{tick}</label>
            </p>
            <button class="button button--danger" type="submit">{button}</button>
        </form>
    }
}
