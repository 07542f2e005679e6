//! What the pages show, built from the domain's answers: cards, branding, and the messages a
//! button leaves.

use app::dto::{
    AppCard, Branding, CardStatus, ConnectField, ConnectedAccount, Flash, Flow, KeyField,
    KeyFormState, Notice,
};
use chrono::SecondsFormat;

use crate::connect::ConnectError;
use crate::connections::AppWithConnections;
use crate::input::HexColor;
use crate::sessions::Session;
use crate::tenancy::DEFAULT_BRAND_COLOR;

pub(super) fn notice(error: ConnectError) -> Notice {
    match error {
        ConnectError::UnknownApp | ConnectError::NotOAuth => Notice::UnknownApp,
        ConnectError::NotConfigured(_) => Notice::NotConfigured,
        ConnectError::Invalid(_) => Notice::NeedsDetails,
        ConnectError::Unreachable(_) => Notice::Unavailable,
        ConnectError::Database(error) => {
            tracing::error!(%error, "hosted page: button failed");
            Notice::Unavailable
        }
        ConnectError::Internal(error) => {
            tracing::error!(error = %format!("{error:#}"), "hosted page: button failed");
            Notice::Unavailable
        }
    }
}

/// What the page shows after a key form was saved: a banner, or the form again with a message
/// per field and the non-secret values the user typed (secrets are never shown again).
pub(super) fn key_form_outcome(
    app: &crate::catalog::AppDefinition,
    values: &std::collections::BTreeMap<String, String>,
    outcome: Result<crate::entity::connection::Model, ConnectError>,
) -> Flash {
    let kept = || {
        app.auth_input_map
            .iter()
            .filter(|field| !field.secret)
            .filter_map(|field| {
                values
                    .get(&field.name)
                    .map(|value| (field.name.clone(), value.chars().take(1024).collect()))
            })
            .collect()
    };
    let form = |errors, problem| {
        Flash::KeyForm(KeyFormState {
            slug: app.slug.clone(),
            errors,
            values: kept(),
            problem,
        })
    };
    match outcome {
        Ok(_) => Flash::Connected(app.slug.clone()),
        Err(ConnectError::Invalid(fields)) => {
            // A message about a field the form does not have (a value a browser cannot send
            // from this form) is shown above the form.
            let (known, unknown): (Vec<_>, Vec<_>) = fields.into_iter().partition(|field| {
                app.auth_input_map
                    .iter()
                    .any(|input| input.name == field.field)
            });
            let problem = (!unknown.is_empty()).then(|| {
                unknown
                    .iter()
                    .map(|field| format!("“{}” {}.", field.field, field.message))
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            form(
                known
                    .into_iter()
                    .map(|field| (field.field, field.message))
                    .collect(),
                problem,
            )
        }
        Err(ConnectError::Unreachable(name)) => form(
            Vec::new(),
            Some(format!(
                "Portico could not reach {name} to check these credentials. Nothing was saved; please try again."
            )),
        ),
        Err(other) => Flash::Notice(notice(other), app.slug.clone()),
    }
}

pub(super) fn branding(session: &Session) -> Branding {
    let accent = session
        .branding
        .color
        .as_deref()
        .or(Some(session.org.brand_color.as_str()))
        .and_then(|color| HexColor::parse("color", color).ok())
        .unwrap_or_else(|| HexColor::parse("color", DEFAULT_BRAND_COLOR).expect("valid default"));
    Branding {
        name: session
            .branding
            .name
            .clone()
            .unwrap_or_else(|| session.org.name.clone()),
        accent_ink: accent.ink().to_owned(),
        accent: accent.as_str().to_owned(),
        background: session.branding.bg_color.clone(),
        background_dark: session
            .branding
            .bg_color
            .as_deref()
            .and_then(|color| HexColor::parse("bgColor", color).ok())
            .is_some_and(|color| color.ink() == "#ffffff"),
        logo_url: session
            .branding
            .logo
            .clone()
            .or_else(|| session.org.logo_url.clone()),
    }
}

pub(super) fn card(
    entry: &AppWithConnections<'_>,
    warn_ahead: chrono::Duration,
    flow: Option<Flow>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppCard {
    let app = &*entry.app;
    let accounts: Vec<ConnectedAccount> = entry
        .connections
        .iter()
        .map(|connection| ConnectedAccount {
            identifier: crate::connections::display_identifier(connection, app),
            connected_at: connection
                .connected_at
                .to_rfc3339_opts(SecondsFormat::Secs, true),
            connected_on: connection.connected_at.format("%-d %b %Y").to_string(),
            // A known expiry that is near: a refresh token's, or a key's the vendor set.
            expires_in_days: connection
                .refresh_expires_at
                .filter(|at| {
                    connection.status == crate::entity::connection::State::Active
                        && *at <= now + warn_ahead
                })
                .map(|at| ((at - now).num_seconds().max(0) + 86_399) / 86_400),
        })
        .collect();
    let status = match (entry.reauth_reason(), accounts.is_empty()) {
        _ if !entry.enabled => CardStatus::TurnedOff(accounts),
        (Some(reason), _) => CardStatus::ReauthRequired { reason, accounts },
        (None, true) => CardStatus::NotConnected,
        (None, false) => CardStatus::Connected(accounts),
    };
    // A sign-in in flight is news only on a card that is not connected (yet, or any more).
    let flow = flow.filter(|_| {
        matches!(
            status,
            CardStatus::NotConnected | CardStatus::ReauthRequired { .. }
        )
    });
    AppCard {
        flow,
        slug: app.slug.clone(),
        name: app.name.clone(),
        icon_url: app.icon_url(""),
        description: app.description.clone(),
        tags: app.tags.clone(),
        auth_type: app.auth_type.into(),
        status,
        connect_fields: app
            .oauth
            .iter()
            .flat_map(|oauth| &oauth.params)
            .map(|param| ConnectField {
                name: param.name.clone(),
                label: param.label.clone(),
                placeholder: param.placeholder.clone(),
                help: param.help.clone(),
            })
            .collect(),
        key_fields: app
            .auth_input_map
            .iter()
            .map(|field| KeyField {
                name: field.name.clone(),
                label: field.label.clone(),
                input_type: if field.secret {
                    "password".to_owned()
                } else {
                    field.kind.as_str().to_owned()
                },
                required: field.required,
                placeholder: field.placeholder.clone(),
                help: field.help.clone(),
                secret: field.secret,
            })
            .collect(),
    }
}
