//! The branding part of `/console/settings`: the name the pages show, their accent colour
//! (refused, with the nearest shade that reads, when it does not), the "Secured by Portico"
//! line, and a logo uploaded as a file. The same domain calls as `PUT
//! /api/v2/public/branding` and `PUT`/`DELETE …/branding/logo`.

use axum::{
    Form,
    extract::{Multipart, State, multipart::MultipartRejection},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use leptos::prelude::*;
use serde::Deserialize;

use super::super::operator::{Operator, SignedIn};
use super::super::view::{self, Field, Input};
use super::{CsrfOnly, Notes, page};
use crate::branding::{self, ChangeError, Changes, LogoError};
use crate::entity::branding as row;
use crate::http::AppState;

/// Where a logo is uploaded from the console; its body may be larger than other forms'.
pub(in crate::http) const LOGO_FORM_PATH: &str = "/console/settings/logo";

/// The most a logo upload's body may hold: the logo and the form around it.
pub(in crate::http) const LOGO_FORM_MOST_BYTES: usize = branding::LOGO_MOST_BYTES + 8 * 1024;

/// What the branding form was given, and where it was refused.
#[derive(Default)]
pub(in crate::http::console) struct Refused {
    pub given: Option<BrandingForm>,
    pub at: Option<(String, String)>,
}

/// The branding section of the settings page.
pub(super) fn section(
    state: &AppState,
    operator: &Operator,
    stored: Option<&row::Model>,
    refused: Refused,
) -> impl IntoView + use<> {
    let csrf = operator.csrf.clone();
    let at = refused.at.as_ref();
    let (name, accent, secured_by) = match &refused.given {
        Some(given) => (
            given.name.clone(),
            given.accent.clone(),
            given.secured_by == "yes",
        ),
        None => (
            stored.and_then(|row| row.name.clone()).unwrap_or_default(),
            stored
                .and_then(|row| row.accent.clone())
                .unwrap_or_default(),
            stored.is_none_or(|row| row.secured_by),
        ),
    };
    let logo = stored
        .and_then(|row| row.logo.as_deref())
        .map(|digest| format!("{}{}", state.public_url, branding::logo_path(digest)));
    let fields = [
        Field::new("name", "Name", Input::Text)
            .value(name)
            .hint("The name the hosted page and the widget show; empty shows the org's name.")
            .refused(at)
            .max(200),
        Field::new("accent", "Accent colour", Input::Text)
            .value(accent)
            .hint("As #rrggbb; empty keeps Portico's. It must read on a white page (a contrast of 4.5:1).")
            .refused(at)
            .max(7),
    ];
    let secured = secured_by.then_some("checked");
    let logo_error = at
        .filter(|(field, _)| field == "logo")
        .map(|(_, message)| message.clone());
    let logo_invalid = logo_error.is_some().then_some("true");
    view! {
        <section aria-labelledby="branding-heading">
            <h2 id="branding-heading">"Branding"</h2>
            <p class="hint">"How this environment's hosted page, widget and start page look to your customers."</p>
            <form class="console-form" method="post" action="/console/settings/branding">
                <input type="hidden" name="csrf" value=csrf.clone() />
                {fields.into_iter().map(Field::view).collect_view()}
                <p class="console-tick">
                    <input type="checkbox" id="secured_by" name="secured_by" value="yes" checked=secured />
                    <label for="secured_by">"Say \"Secured by Portico\" on the pages"</label>
                </p>
                <button class="button" type="submit">"Save branding"</button>
            </form>
            <h3 id="logo-heading">"Logo"</h3>
            {match logo {
                Some(src) => view! {
                    <p><img class="console-logo" src=src alt="The logo the pages show" /></p>
                    <form method="post" action="/console/settings/logo/remove">
                        <input type="hidden" name="csrf" value=csrf.clone() />
                        <button class="button button--quiet" type="submit">"Remove the logo"</button>
                    </form>
                }.into_any(),
                None => view! { <p class="console-empty">"No logo yet."</p> }.into_any(),
            }}
            <form class="console-form" method="post" action=LOGO_FORM_PATH enctype="multipart/form-data">
                <input type="hidden" name="csrf" value=csrf />
                <div class="console-field">
                    <label for="logo">"Upload a logo"</label>
                    <p class="hint" id="logo-hint">"PNG, JPEG or WebP, at most 256 KB; it is scaled and served as a PNG. SVG is not taken."</p>
                    <input id="logo" name="logo" type="file" accept="image/png,image/jpeg,image/webp" aria-invalid=logo_invalid aria-describedby=if logo_error.is_some() { "logo-error logo-hint" } else { "logo-hint" } />
                    {logo_error.map(|error| view! { <p class="field-error" id="logo-error">{error}</p> })}
                </div>
                <button class="button" type="submit">"Upload"</button>
            </form>
        </section>
    }
}

/// The branding form as sent; an empty name or accent clears it.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(in crate::http::console) struct BrandingForm {
    csrf: String,
    name: String,
    accent: String,
    secured_by: String,
}

fn cleared_when_empty(value: &str) -> Option<Option<String>> {
    let value = value.trim();
    Some((!value.is_empty()).then(|| value.to_owned()))
}

/// Says a refused change at its field, on the settings page.
async fn refused_page(
    state: &AppState,
    operator: &Operator,
    given: Option<BrandingForm>,
    error: ChangeError,
) -> Response {
    let (status, at) = match error {
        ChangeError::Invalid(field) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            (field.field, field.message),
        ),
        ChangeError::Logo(refused @ LogoError::TooLarge) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            ("logo".to_owned(), refused.to_string()),
        ),
        ChangeError::Logo(refused) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            ("logo".to_owned(), refused.to_string()),
        ),
        ChangeError::Db(error) => return view::unavailable(&error),
    };
    let notes = Notes {
        branding: Refused {
            given,
            at: Some(at),
        },
        ..Notes::default()
    };
    page(state, operator, status, notes).await
}

/// `POST /console/settings/branding`.
pub(in crate::http::console) async fn change(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Form(form): Form<BrandingForm>,
) -> Response {
    if !operator.csrf_matches(&form.csrf) {
        return view::stale_form();
    }
    let changes = Changes {
        name: cleared_when_empty(&form.name),
        accent: cleared_when_empty(&form.accent),
        secured_by: Some(form.secured_by == "yes"),
    };
    let (org_id, environment) = (&operator.org_id, operator.environment);
    match state.change_branding(org_id, environment, changes).await {
        Ok(_) => Redirect::to("/console/settings?done=branding").into_response(),
        Err(error) => refused_page(&state, &operator, Some(form), error).await,
    }
}

/// `POST /console/settings/logo`: a `multipart/form-data` form with `csrf` and the `logo` file.
pub(in crate::http::console) async fn upload_logo(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(mut multipart) = multipart else {
        return view::stale_form();
    };
    let (mut csrf, mut logo) = (String::new(), None);
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("csrf") => csrf = field.text().await.unwrap_or_default(),
                Some("logo") => match field.bytes().await {
                    Ok(bytes) => logo = Some(bytes),
                    Err(_) => return view::stale_form(),
                },
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return view::stale_form(),
        }
    }
    if !operator.csrf_matches(&csrf) {
        return view::stale_form();
    }
    let Some(logo) = logo.filter(|logo| !logo.is_empty()) else {
        let refused = crate::input::FieldError::new("logo", "choose an image file to upload");
        return refused_page(&state, &operator, None, refused.into()).await;
    };
    let (org_id, environment) = (&operator.org_id, operator.environment);
    match state
        .change_logo(org_id, environment, Some(logo.to_vec()))
        .await
    {
        Ok(_) => Redirect::to("/console/settings?done=logo").into_response(),
        Err(error) => refused_page(&state, &operator, None, error).await,
    }
}

/// `POST /console/settings/logo/remove`.
pub(in crate::http::console) async fn remove_logo(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if !operator.csrf_matches(&form.csrf) {
        return view::stale_form();
    }
    let (org_id, environment) = (&operator.org_id, operator.environment);
    match state.change_logo(org_id, environment, None).await {
        Ok(_) => Redirect::to("/console/settings?done=logo-removed").into_response(),
        Err(error) => refused_page(&state, &operator, None, error).await,
    }
}
