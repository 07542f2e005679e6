//! The `Application` JSON object, shaped exactly as the Cobalt API documents it.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::catalog::InputField;
use crate::connections::AppWithConnections;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Application {
    pub name: String,
    pub icon: String,
    pub description: String,
    /// `oauth2` or `keybased`.
    #[schema(value_type = String)]
    pub auth_type: &'static str,
    pub tags: Vec<String>,
    pub version: Version,
    pub connected: bool,
    pub connected_accounts: Vec<ConnectedAccount>,
    pub slug: String,
    pub reauth_required: bool,
    /// `credentials_expired`, `token_revoked`, `refresh_token_expired`, `app_uninstalled` or
    /// `app_deleted`; null while the app works.
    #[schema(value_type = Option<String>)]
    pub reauth_reason: Option<&'static str>,
    /// What the end customer should do, from the reason table; null while it works.
    #[schema(value_type = Option<String>)]
    pub reauth_action: Option<&'static str>,
    /// Whether sending the customer through Connect again can fix it; null while it works.
    pub retryable: Option<bool>,
    #[serde(rename = "type")]
    pub kind: String,
    pub auth_input_map: Vec<InputField>,
    /// Whether the org offers the app now. A turned-off app is still listed while the linked
    /// account has connections of it, flagged `app_deleted`, so the vendor can show why.
    pub enabled: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Version {
    #[serde(rename = "_v")]
    pub number: String,
    pub description: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ConnectedAccount {
    pub identifier: String,
    #[serde(rename = "connectedAt")]
    pub connected_at: String,
}

/// RFC 3339 with milliseconds and `Z`, as in `2023-05-31T07:45:59.841Z`.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Application {
    pub(crate) fn new(entry: &AppWithConnections<'_>, public_url: &str) -> Self {
        let app = &*entry.app;
        // A turned-off app cannot be used whatever its connections say.
        let reason = if entry.enabled {
            entry.reauth_reason()
        } else {
            Some(app::dto::ReauthReason::AppDeleted)
        };
        Self {
            name: app.name.clone(),
            icon: app.icon_url(public_url),
            description: app.description.clone(),
            auth_type: app.auth_type.as_str(),
            tags: app.tags.clone(),
            version: Version {
                number: app.version.clone(),
                description: app.description.clone(),
            },
            connected: !entry.connections.is_empty(),
            connected_accounts: entry
                .connections
                .iter()
                .map(|connection| ConnectedAccount {
                    identifier: crate::connections::display_identifier(connection, app),
                    connected_at: timestamp(connection.connected_at),
                })
                .collect(),
            slug: app.slug.clone(),
            reauth_required: reason.is_some(),
            reauth_reason: reason.map(|reason| reason.as_str()),
            reauth_action: reason.map(|reason| reason.action().as_str()),
            retryable: reason.map(|reason| reason.retryable()),
            kind: app.slug.clone(),
            auth_input_map: app.auth_input_map.clone(),
            enabled: entry.enabled,
        }
    }
}

impl super::AppState {
    /// Every enabled app as `Application` JSON for a linked account, then the turned-off apps
    /// it still has connections of (`enabled: false`, `app_deleted`).
    pub(crate) async fn applications(
        &self,
        account: &crate::entity::linked_account::Model,
    ) -> Result<Vec<Application>, super::ApiError> {
        let apps = crate::connections::apps_for_linked_account(
            &self.db,
            self.changes.lookups(),
            &self.catalog,
            account,
        )
        .await?;
        Ok(apps
            .iter()
            .filter(|entry| entry.enabled || !entry.connections.is_empty())
            .map(|entry| Application::new(entry, &self.public_url))
            .collect())
    }

    /// One app as `Application` JSON (a turned-off one only while it has connections), or 404.
    pub(crate) async fn application(
        &self,
        account: &crate::entity::linked_account::Model,
        slug: &str,
    ) -> Result<Application, super::ApiError> {
        self.applications(account)
            .await?
            .into_iter()
            .find(|app| app.slug == slug)
            .ok_or(super::ApiError::NotFound("application"))
    }
}
