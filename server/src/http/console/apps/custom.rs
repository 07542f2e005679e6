//! The org's own apps in the console: the form that creates one and edits it (the same body
//! as `POST /api/v2/public/custom-app`, field by field, the key form's fields as JSON), checked
//! by the same domain call, each refusal at its field.

use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use leptos::prelude::*;

use super::super::operator::{Operator, SignedIn};
use super::super::view::{self, Field, Input, Section};
use super::Shown;
use crate::catalog::{CustomAppError, Slug};
use crate::http::AppState;

mod form;

pub(in crate::http::console) use form::AppForm;
use form::at_field;

/// Where an app of the org's own is added.
pub(in crate::http::console) const NEW_PATH: &str = "/console/custom-apps/new";

/// The form; `editing` is the slug of the app it edits (its slug and sign-in kind are fixed).
pub(super) fn form_view(
    form: AppForm,
    refused: Option<(String, String)>,
    editing: Option<&str>,
    csrf: String,
) -> impl IntoView + use<> {
    let refused = refused.as_ref();
    let action = editing.map_or(NEW_PATH.to_owned(), |slug| {
        format!("/console/apps/{slug}/edit")
    });
    let whole = refused
        .filter(|(field, _)| field == "form")
        .map(|(_, message)| message.clone());
    let creating = editing.is_none();
    let oauth = creating || form.auth_type == "oauth2";
    let keys = creating || form.auth_type == "keybased";
    let text = |name, label, value: &str| {
        Field::new(name, label, Input::Text)
            .value(value)
            .refused(refused)
    };
    let url = |name, label, value: &str| {
        Field::new(name, label, Input::Url)
            .value(value)
            .refused(refused)
    };
    let about = [
        creating.then(|| {
            text("slug", "Slug", &form.slug)
                .hint("Lowercase letters, digits and dashes; how the API and links name the app. It cannot change.")
                .max(64)
        }),
        Some(text("name", "Name", &form.name).max(100)),
        Some(text("description", "Description", &form.description).max(1000)),
        Some(url("icon", "Icon", &form.icon).hint("An https URL of a square image; empty shows a monogram.")),
        Some(text("tags", "Tags", &form.tags).hint("Separated by commas, at most 10.").max(500)),
    ];
    let auth_choice = if creating {
        let is = |kind: &str| (form.auth_type == kind).then_some("checked");
        view! {
            <fieldset class="console-choice">
                <legend>"Customers sign in with"</legend>
                <p><input type="radio" id="auth_type-oauth2" name="auth_type" value="oauth2" checked=is("oauth2") /> <label for="auth_type-oauth2">"OAuth2 (fill in the OAuth2 part)"</label></p>
                <p><input type="radio" id="auth_type-keybased" name="auth_type" value="keybased" checked=is("keybased") /> <label for="auth_type-keybased">"API keys (fill in the key form part)"</label></p>
            </fieldset>
        }
        .into_any()
    } else {
        view! { <input type="hidden" name="auth_type" value=form.auth_type.clone() /> }.into_any()
    };
    let oauth_part = oauth.then(|| {
        let secret_hint = if creating {
            "Write-only: it is sealed and never shown again."
        } else {
            "Write-only. Leave it empty to keep the stored secret."
        };
        let fields = [
            url("authorize_url", "Authorize URL", &form.authorize_url),
            url("token_url", "Token URL", &form.token_url),
            url("revoke_url", "Revoke URL", &form.revoke_url).hint("Optional."),
            text("scopes", "Scopes", &form.scopes).hint("Separated by spaces."),
            text("client_id", "Client id", &form.client_id).max(512),
            Field::new("client_secret", "Client secret", Input::Secret)
                .hint(secret_hint)
                .refused(refused)
                .max(1024),
            url("identity_url", "Identity URL", &form.identity_url)
                .hint("Optional: where Portico reads who signed in."),
            text("account_id", "Account id pointer", &form.account_id)
                .hint("Optional JSON pointer into the token or identity answer, e.g. /team/id.")
                .max(200),
            text("identifier", "Account name pointer", &form.identifier)
                .hint("Optional JSON pointer to the name shown for the account, e.g. /team/name.")
                .max(200),
        ];
        let pkce = (form.pkce == "yes").then_some("checked");
        let post = (form.client_auth == "post").then_some("selected");
        let basic = (form.client_auth != "post").then_some("selected");
        view! {
            <fieldset class="console-part">
                <legend>"OAuth2"</legend>
                {fields.into_iter().map(Field::view).collect_view()}
                <p class="console-tick">
                    <input type="checkbox" id="pkce" name="pkce" value="yes" checked=pkce />
                    <label for="pkce">"Use PKCE"</label>
                </p>
                <div class="console-field">
                    <label for="client_auth">"Client authentication at the token URL"</label>
                    <select id="client_auth" name="client_auth">
                        <option value="basic" selected=basic>"HTTP Basic"</option>
                        <option value="post" selected=post>"In the form body"</option>
                    </select>
                </div>
            </fieldset>
        }
    });
    let keys_part = keys.then(|| {
        let fields = [
            Field::new("fields", "Key form fields (JSON)", Input::Lines)
                .value(form.fields.clone())
                .hint("A list of 1 to 20 fields, each with name, label and type (text, password, email, url, …); secret unless it says \"secret\": false.")
                .refused(refused)
                .max(20_000),
            Field::new("verify", "Verification request (JSON)", Input::Lines)
                .value(form.verify.clone())
                .hint("Optional: the request Portico sends to check a saved key, as in the API.")
                .refused(refused)
                .max(10_000),
        ];
        view! {
            <fieldset class="console-part">
                <legend>"Key form"</legend>
                {fields.into_iter().map(Field::view).collect_view()}
            </fieldset>
        }
    });
    let button = if creating { "Add the app" } else { "Save" };
    view! {
        {whole.map(|message| view! { <p class="banner banner--error" role="alert" id="form-error">{message}</p> })}
        <form class="console-form" method="post" action=action>
            <input type="hidden" name="csrf" value=csrf />
            {about.into_iter().flatten().map(Field::view).collect_view()}
            {auth_choice}
            {oauth_part}
            {keys_part}
            <button class="button" type="submit">{button}</button>
        </form>
    }
}

/// The page with the form to add an app.
fn new_page(
    operator: &Operator,
    org_name: &str,
    form: AppForm,
    refused: Option<(String, String)>,
) -> Response {
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let body = view! {
        <p>
            "An app of your own, listed beside the catalog's and offered in this environment once "
            "added. " <a href="/console/apps">"All apps"</a>
        </p>
        {form_view(form, refused, None, operator.csrf.clone())}
    };
    let mut response = view::signed_in(operator, org_name, Section::Apps, "Add your own app", body);
    *response.status_mut() = status;
    response
}

/// `GET /console/custom-apps/new`.
pub(in crate::http::console) async fn new(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
) -> Response {
    match view::org_of(&state, &operator).await {
        Ok(org) => new_page(&operator, &org.name, AppForm::blank(), None),
        Err(refused) => refused,
    }
}

/// `POST /console/custom-apps/new`.
pub(in crate::http::console) async fn create(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Form(form): Form<AppForm>,
) -> Response {
    let org = match view::form_org(&state, &operator, &form.csrf).await {
        Ok(org) => org,
        Err(refused) => return refused,
    };
    let (org_id, environment) = (&operator.org_id, operator.environment);
    let created = match form.input(None) {
        Ok(input) => state.create_custom_app(org_id, environment, input).await,
        Err(refused) => Err(refused.into()),
    };
    let refused = match created {
        Ok(app) => {
            tracing::info!(actor = %operator.actor, slug = %app.slug, "console: added an app");
            return Redirect::to(&format!("/console/apps/{}?done=offered", app.slug))
                .into_response();
        }
        Err(CustomAppError::Invalid(refused)) => at_field(refused),
        Err(CustomAppError::Exists) => (
            "slug".to_owned(),
            "is taken by another of your apps here".to_owned(),
        ),
        Err(CustomAppError::Db(error)) => return view::unavailable(&error),
    };
    let form = AppForm {
        client_secret: String::new(),
        ..form
    };
    new_page(&operator, &org.name, form, Some(refused))
}

/// `POST /console/apps/{slug}/edit`: one of the org's own apps, changed.
pub(in crate::http::console) async fn edit(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Path(slug): Path<String>,
    Form(form): Form<AppForm>,
) -> Response {
    let org = match view::form_org(&state, &operator, &form.csrf).await {
        Ok(org) => org,
        Err(refused) => return refused,
    };
    let app = match super::app_of(&state, &operator, &org.name, &slug).await {
        Ok(app) if app.own => app,
        Ok(_) => return view::stale_form(),
        Err(refused) => return refused,
    };
    let form = AppForm {
        slug: app.definition.slug.clone(),
        auth_type: app.definition.auth_type.as_str().to_owned(),
        ..form
    };
    let (org_id, environment) = (&operator.org_id, operator.environment);
    let slug = Slug::parse(&app.definition.slug).expect("a listed app's slug is well formed");
    let updated = match form.input(Some(&app.definition)) {
        Ok(input) => {
            state
                .update_custom_app(org_id, environment, &slug, input)
                .await
        }
        Err(refused) => Err(refused.into()),
    };
    let refused = match updated {
        Ok(Some(_)) => {
            tracing::info!(actor = %operator.actor, slug = slug.as_str(), "console: changed an app");
            return Redirect::to(&format!("/console/apps/{}?done=saved", slug.as_str()))
                .into_response();
        }
        Ok(None) => return view::stale_form(),
        Err(CustomAppError::Invalid(refused)) => at_field(refused),
        Err(CustomAppError::Exists) => return view::stale_form(),
        Err(CustomAppError::Db(error)) => return view::unavailable(&error),
    };
    let shown = Shown {
        refused: Some(refused),
        custom: Some(AppForm {
            client_secret: String::new(),
            ..form
        }),
        status: Some(StatusCode::UNPROCESSABLE_ENTITY),
        ..Shown::default()
    };
    super::page(&state, &operator, slug.as_str(), shown).await
}
