//! A catalog app's settings in the console: its OAuth client (the secret write-only) and
//! scopes, and Slack's signing secret; saving them offers the app, as `PUT
//! /api/v2/public/app/{slug}/config` does.

use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use leptos::prelude::*;
use serde::Deserialize;

use super::super::operator::SignedIn;
use super::super::view::{self, Field, Input};
use super::{App, Shown, app_of, page};
use crate::catalog::{AppConfigInput, Slug};
use crate::http::AppState;

/// A catalog app's settings: for OAuth2 its client (the secret write-only) and scopes, for
/// Slack the signing secret of its events; the button offers it (or saves, when offered).
pub(super) fn form(
    app: &App<'_>,
    csrf: String,
    refused: Option<&(String, String)>,
    typed: Option<&Typed>,
) -> impl IntoView + use<> {
    let definition = &app.definition;
    let config = app.config.as_ref();
    // After a refusal, what was typed; else what is stored.
    let client_id = typed.map_or_else(
        || {
            config
                .and_then(|config| config.client_id.clone())
                .unwrap_or_default()
        },
        |typed| typed.client_id.clone(),
    );
    let scopes = typed.map_or_else(
        || {
            config
                .and_then(|config| config.scopes.clone())
                .unwrap_or_default()
        },
        |typed| typed.scopes.clone(),
    );
    let action = format!("/console/apps/{}/offer", definition.slug);
    let stored = |set: bool| {
        if set {
            "A secret is stored; leave this empty to keep it."
        } else {
            "None is stored yet."
        }
    };
    let oauth =
        definition.oauth.as_ref().map(|oauth| {
            [
            Field::new("client_id", "Client id", Input::Text)
                .value(client_id)
                .hint("Your OAuth app's client id at the provider.")
                .refused(refused)
                .max(512),
            Field::new("client_secret", "Client secret", Input::Secret)
                .hint(stored(config.is_some_and(|config| config.client_secret.is_some())))
                .refused(refused)
                .max(1024),
            Field::new("scopes", "Scopes", Input::Text)
                .value(scopes)
                .hint(format!(
                    "Separated by spaces. Empty keeps what is stored; the catalog asks for: {}.",
                    if oauth.scopes.is_empty() { "none".to_owned() } else { oauth.scopes.join(" ") }
                ))
                .refused(refused),
        ]
        .into_iter()
        .map(Field::view)
        .collect_view()
        });
    let signing = (definition.slug == "slack").then(|| {
        Field::new("signing_secret", "Slack signing secret", Input::Secret)
            .hint(format!(
                "Slack signs the events it sends to /hooks/slack with it (an uninstalled app, \
                 revoked tokens). {}",
                stored(config.is_some_and(|config| config.signing_secret.is_some()))
            ))
            .refused(refused)
            .max(1024)
            .view()
    });
    let button = if app.offered() {
        "Save".to_owned()
    } else {
        format!("Offer {}", definition.name)
    };
    view! {
        <form class="console-form" method="post" action=action>
            <input type="hidden" name="csrf" value=csrf />
            {if oauth.is_none() && signing.is_none() {
                Some(view! { <p class="hint">"Nothing to set: customers sign in with their own keys."</p> })
            } else {
                None
            }}
            {oauth}
            {signing}
            <button class="button" type="submit">{button}</button>
        </form>
    }
}

/// What a refused form had in its fields that may be shown again (never a secret).
pub(in crate::http::console) struct Typed {
    client_id: String,
    scopes: String,
}

/// A catalog app's settings as the form sends them; empty fields keep what is stored.
#[derive(Deserialize, Default)]
pub(in crate::http::console) struct ClientForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    client_secret: String,
    #[serde(default)]
    scopes: String,
    #[serde(default)]
    signing_secret: String,
}

fn given(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|value| !value.is_empty())
}

/// `POST /console/apps/{slug}/offer`: offers the app with the settings given.
pub(in crate::http::console) async fn offer(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Path(slug): Path<String>,
    Form(form): Form<ClientForm>,
) -> Response {
    let org = match view::form_org(&state, &operator, &form.csrf).await {
        Ok(org) => org,
        Err(refused) => return refused,
    };
    let app = match app_of(&state, &operator, &org.name, &slug).await {
        Ok(app) => app,
        Err(refused) => return refused,
    };
    let was_offered = app.offered();
    let scopes =
        given(&form.scopes).map(|scopes| scopes.split_whitespace().map(str::to_owned).collect());
    let input = AppConfigInput::parse(given(&form.client_id), given(&form.client_secret), scopes)
        .and_then(|input| input.with_signing_secret(given(&form.signing_secret)));
    let input = match input {
        Ok(input) => input,
        Err(refused) => {
            let shown = Shown {
                refused: Some((refused.field, refused.message)),
                client: Some(Typed {
                    client_id: form.client_id,
                    scopes: form.scopes,
                }),
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                ..Shown::default()
            };
            return page(&state, &operator, &slug, shown).await;
        }
    };
    let slug = Slug::parse(&app.definition.slug).expect("a listed app's slug is well formed");
    let (org_id, environment) = (&operator.org_id, operator.environment);
    if let Err(error) = state.enable_app(org_id, environment, &slug, &input).await {
        return view::unavailable(&error);
    }
    tracing::info!(actor = %operator.actor, slug = slug.as_str(), "console: offered an app");
    let done = if was_offered { "saved" } else { "offered" };
    Redirect::to(&format!("/console/apps/{}?done={done}", slug.as_str())).into_response()
}
