//! The backend of the pages: implements the UI's `Portal` port over the domain modules.

use app::{
    PortalError,
    dto::{
        AppCard, Branding, CardStatus, ConnectField, ConnectedAccount, HostedPage, KeyField, Notice,
    },
    portal::{ConnectRefusal, KeyFormRefusal, Portal},
};
use chrono::SecondsFormat;

use crate::connections::AppWithConnections;
use crate::http::{AppState, FlowError};
use crate::input::HexColor;
use crate::oauth::Mode;
use crate::sessions::{self, Session, SessionError};
use crate::tenancy::DEFAULT_BRAND_COLOR;

pub struct PortalBackend {
    state: AppState,
}

impl PortalBackend {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    async fn session(&self, token: &str) -> Result<Session, PortalError> {
        sessions::resolve(&self.state.db, token)
            .await
            .map_err(|error| match error {
                SessionError::Unknown => PortalError::LinkInvalid,
                SessionError::Expired => PortalError::LinkExpired,
                SessionError::Db(error) => {
                    tracing::error!(%error, "hosted page: session lookup failed");
                    PortalError::Unavailable
                }
            })
    }
}

fn refusal(error: FlowError) -> ConnectRefusal {
    ConnectRefusal::Notice(match error {
        FlowError::UnknownApp | FlowError::NotOAuth => Notice::UnknownApp,
        FlowError::NotConfigured(_) => Notice::NotConfigured,
        FlowError::Invalid(_) => Notice::NeedsDetails,
        FlowError::Unreachable(_) => Notice::Unavailable,
        FlowError::Internal(message) => {
            tracing::error!(%message, "hosted page: button failed");
            Notice::Unavailable
        }
    })
}

#[async_trait::async_trait]
impl Portal for PortalBackend {
    async fn begin_connect(
        &self,
        token: &str,
        slug: &str,
        another: bool,
        params: &std::collections::HashMap<String, String>,
    ) -> Result<String, ConnectRefusal> {
        let session = self.session(token).await.map_err(ConnectRefusal::Link)?;
        let url = self
            .state
            .begin_oauth(
                &session.linked_account,
                slug,
                another,
                params,
                Mode::Page,
                Some(format!("/connect/{token}")),
            )
            .await
            .map_err(refusal)?;
        Ok(url.to_string())
    }

    async fn disconnect(&self, token: &str, slug: &str) -> Result<(), ConnectRefusal> {
        let session = self.session(token).await.map_err(ConnectRefusal::Link)?;
        self.state
            .enabled_app(&session.linked_account, slug)
            .await
            .map_err(refusal)?;
        self.state
            .disconnect(&session.linked_account, slug)
            .await
            .map_err(refusal)?;
        Ok(())
    }

    async fn save_keys(
        &self,
        token: &str,
        slug: &str,
        values: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), KeyFormRefusal> {
        let session = self
            .session(token)
            .await
            .map_err(|error| KeyFormRefusal::Refused(ConnectRefusal::Link(error)))?;
        let app = self
            .state
            .enabled_app(&session.linked_account, slug)
            .await
            .map_err(|error| KeyFormRefusal::Refused(refusal(error)))?;
        if app.auth_type != crate::catalog::AuthKind::KeyBased {
            return Err(KeyFormRefusal::Refused(ConnectRefusal::Notice(
                Notice::UnknownApp,
            )));
        }
        // What the user typed into non-secret fields is shown again; secrets never are.
        let kept: Vec<(String, String)> = app
            .auth_input_map
            .iter()
            .filter(|field| !field.secret)
            .filter_map(|field| {
                values
                    .get(&field.name)
                    .map(|value| (field.name.clone(), value.chars().take(1024).collect()))
            })
            .collect();
        match self
            .state
            .save_keys(&session.linked_account, &app, values)
            .await
        {
            Ok(_) => Ok(()),
            Err(FlowError::Invalid(fields)) => Err(KeyFormRefusal::Invalid {
                errors: fields
                    .into_iter()
                    .map(|field| (field.field, field.message))
                    .collect(),
                kept,
            }),
            Err(FlowError::Unreachable(name)) => Err(KeyFormRefusal::Unreachable {
                message: format!(
                    "Portico could not reach {name} to check these credentials. Nothing was saved; please try again."
                ),
                kept,
            }),
            Err(other) => Err(KeyFormRefusal::Refused(refusal(other))),
        }
    }

    async fn hosted_page(&self, token: &str) -> Result<HostedPage, PortalError> {
        let session = self.session(token).await?;
        let apps = crate::connections::apps_for_linked_account(
            &self.state.db,
            &self.state.catalog,
            &session.linked_account,
        )
        .await
        .map_err(|error| {
            tracing::error!(%error, "hosted page: app list failed");
            PortalError::Unavailable
        })?;
        let mut cards: Vec<AppCard> = apps.iter().map(card).collect();
        // What needs the customer's attention comes first, then what they already use.
        cards.sort_by_key(|card| match card.status {
            CardStatus::ReauthRequired { .. } => 0,
            CardStatus::Connected(_) => 1,
            CardStatus::NotConnected => 2,
        });
        Ok(HostedPage {
            branding: branding(&session),
            linked_account_name: session.linked_account.name.clone(),
            apps: cards,
        })
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

fn card(entry: &AppWithConnections<'_>) -> AppCard {
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
        })
        .collect();
    let status = match (entry.reauth_reason(), accounts.is_empty()) {
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
