//! The backend of the pages: implements the UI's `Portal` port over the domain modules.

use app::{
    PortalError,
    dto::{
        AppCard, Branding, CardStatus, ConnectField, ConnectedAccount, Flash, HostedPage, KeyField,
        KeyFormState, Notice,
    },
    portal::Portal,
};
use axum::http::{HeaderMap, header};
use chrono::SecondsFormat;

use super::AppState;
use crate::connect::ConnectError;
use crate::connections::AppWithConnections;
use crate::entity::connection_event::Actor;
use crate::hosted::{self, VisitError};
use crate::input::HexColor;
use crate::oauth::{BrowserBinding, Mode};
use crate::sessions::Session;
use crate::tenancy::DEFAULT_BRAND_COLOR;

/// The hosted page every button returns to.
const PAGE: &str = "/connect";

pub struct PortalBackend {
    state: AppState,
}

impl PortalBackend {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    /// This browser's session and the link behind it, checked again now.
    async fn visitor(&self) -> Result<(tower_sessions::Session, Session), PortalError> {
        let browser = leptos_axum::extract::<tower_sessions::Session>()
            .await
            .map_err(|error| {
                tracing::error!(%error, "hosted page: no session layer");
                PortalError::Unavailable
            })?;
        let link =
            hosted::visitor(&self.state.db, &browser)
                .await
                .map_err(|error| match error {
                    VisitError::NoSession => PortalError::NoSession,
                    VisitError::Revoked => PortalError::LinkInvalid,
                    VisitError::Expired => PortalError::LinkExpired,
                    other => {
                        tracing::error!(error = %other, "hosted page: session lookup failed");
                        PortalError::Unavailable
                    }
                })?;
        Ok((browser, link))
    }
}

fn notice(error: ConnectError) -> Notice {
    match error {
        ConnectError::UnknownApp | ConnectError::NotOAuth => Notice::UnknownApp,
        ConnectError::NotConfigured(_) => Notice::NotConfigured,
        ConnectError::Invalid(_) => Notice::NeedsDetails,
        ConnectError::Unreachable(_) => Notice::Unavailable,
        ConnectError::Internal(message) => {
            tracing::error!(%message, "hosted page: button failed");
            Notice::Unavailable
        }
    }
}

#[async_trait::async_trait]
impl Portal for PortalBackend {
    async fn begin_connect(
        &self,
        slug: &str,
        another: bool,
        params: &std::collections::HashMap<String, String>,
    ) -> Result<String, PortalError> {
        let (browser, link) = self.visitor().await?;
        let headers: HeaderMap = leptos_axum::extract().await.unwrap_or_default();
        let issued = self.state.flow_cookie().issue(&headers);
        match self
            .state
            .begin_oauth(
                &link.linked_account,
                slug,
                another,
                params,
                Mode::Page,
                Some(PAGE.to_owned()),
                BrowserBinding::Nonce(issued.nonce_digest),
            )
            .await
        {
            Ok(url) => {
                if let Some(response) =
                    leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
                {
                    response.append_header(header::SET_COOKIE, issued.set_cookie);
                }
                Ok(url.to_string())
            }
            Err(error) => {
                hosted::set_flash(&browser, &Flash::Notice(notice(error), slug.to_owned())).await;
                Ok(PAGE.to_owned())
            }
        }
    }

    async fn disconnect(&self, slug: &str) -> Result<(), PortalError> {
        let (browser, link) = self.visitor().await?;
        // A disabled app's connections can still be removed (and their tokens revoked).
        let outcome = match self
            .state
            .disconnect(&link.linked_account, slug, Actor::EndCustomer)
            .await
        {
            Ok(0) => self
                .state
                .enabled_app(&link.linked_account, slug)
                .await
                .map(|_| 0),
            other => other,
        };
        let flash = match outcome {
            Ok(_) => Flash::Disconnected(slug.to_owned()),
            Err(error) => Flash::Notice(notice(error), slug.to_owned()),
        };
        hosted::set_flash(&browser, &flash).await;
        Ok(())
    }

    async fn save_keys(
        &self,
        slug: &str,
        values: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), PortalError> {
        let (browser, link) = self.visitor().await?;
        let flash = match self.state.enabled_app(&link.linked_account, slug).await {
            Ok(app) if app.auth_type == crate::catalog::AuthKind::KeyBased => {
                let outcome = self
                    .state
                    .save_keys(&link.linked_account, &app, values)
                    .await;
                key_form_outcome(&app, values, outcome)
            }
            Ok(_) => Flash::Notice(Notice::UnknownApp, slug.to_owned()),
            Err(error) => Flash::Notice(notice(error), slug.to_owned()),
        };
        hosted::set_flash(&browser, &flash).await;
        Ok(())
    }

    async fn hosted_page(&self) -> Result<HostedPage, PortalError> {
        let (browser, link) = self.visitor().await?;
        let apps = crate::connections::apps_for_linked_account(
            &self.state.db,
            &self.state.catalog,
            &link.linked_account,
        )
        .await
        .map_err(|error| {
            tracing::error!(%error, "hosted page: app list failed");
            PortalError::Unavailable
        })?;
        let warn_ahead = self.state.refresh.expiring_ahead;
        let mut cards: Vec<AppCard> = apps.iter().map(|entry| card(entry, warn_ahead)).collect();
        // What needs the customer's attention comes first, then what they already use.
        cards.sort_by_key(|card| match card.status {
            CardStatus::ReauthRequired { .. } => 0,
            CardStatus::Connected(_) => 1,
            CardStatus::NotConnected => 2,
            CardStatus::TurnedOff(_) => 3,
        });
        Ok(HostedPage {
            branding: branding(&link),
            linked_account_name: link.linked_account.name.clone(),
            apps: cards,
            flash: hosted::flash(&browser).await,
        })
    }
}

/// What the page shows after a key form was saved: a banner, or the form again with a message
/// per field and the non-secret values the user typed (secrets are never shown again).
fn key_form_outcome(
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

fn branding(session: &Session) -> Branding {
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
        logo_url: session
            .branding
            .logo
            .clone()
            .or_else(|| session.org.logo_url.clone()),
    }
}

fn card(entry: &AppWithConnections<'_>, warn_ahead: chrono::Duration) -> AppCard {
    let app = &*entry.app;
    let now = chrono::Utc::now();
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
    AppCard {
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
