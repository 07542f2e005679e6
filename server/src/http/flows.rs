//! The connect and disconnect flows, shared by the hosted page, the SDK routes and the vendor API.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use url::Url;

use super::AppState;
use crate::catalog::{self, AppDefinition, AuthKind};
use crate::connections::{self, Status};
use crate::entity::{connection, linked_account};
use crate::oauth::{self, BrowserBinding, Mode, OAuthError};
use crate::tenancy::Environment;

/// Why a flow cannot run.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error("this app is not offered here")]
    UnknownApp,
    #[error("this app connects with a form, not a sign-in")]
    NotOAuth,
    #[error("{0} is not set up yet")]
    NotConfigured(String),
    #[error("some fields are missing or invalid")]
    Invalid(Vec<crate::input::FieldError>),
    #[error("{0} could not be reached")]
    Unreachable(String),
    #[error("flow failed: {0}")]
    Internal(String),
}

impl From<sea_orm::DbErr> for FlowError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Internal(error.to_string())
    }
}

impl From<OAuthError> for FlowError {
    fn from(error: OAuthError) -> Self {
        match error {
            OAuthError::NotOAuth => Self::NotOAuth,
            OAuthError::NotConfigured(name) => Self::NotConfigured(name),
            OAuthError::MissingParam(name) => {
                Self::Invalid(vec![crate::input::FieldError::new(name, "is required")])
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

fn environment_of(account: &linked_account::Model) -> Environment {
    account.environment
}

impl AppState {
    /// An app the linked account's org has enabled, or `UnknownApp`.
    pub async fn enabled_app(
        &self,
        account: &linked_account::Model,
        slug: &str,
    ) -> Result<AppDefinition, FlowError> {
        let environment = environment_of(account);
        let enabled = catalog::enabled_slugs(&self.db, &account.org_id, environment).await?;
        if !enabled.iter().any(|enabled| enabled == slug) {
            return Err(FlowError::UnknownApp);
        }
        catalog::definition(&self.db, &self.catalog, &account.org_id, environment, slug)
            .await?
            .ok_or(FlowError::UnknownApp)
    }

    /// Starts an OAuth2 sign-in and returns the provider URL. A connection of this app that
    /// needs reauthentication is reconnected in place unless `another` asks for a new one.
    /// `given` holds the values the user typed for the app's connect parameters.
    #[allow(clippy::too_many_arguments)]
    pub async fn begin_oauth(
        &self,
        account: &linked_account::Model,
        slug: &str,
        another: bool,
        given: &std::collections::HashMap<String, String>,
        mode: Mode,
        return_to: Option<String>,
        binding: BrowserBinding,
    ) -> Result<Url, FlowError> {
        let definition = self.enabled_app(account, slug).await?;
        let Some(endpoints) = definition.oauth.as_ref() else {
            return Err(FlowError::NotOAuth);
        };
        let reconnect = if another {
            None
        } else {
            connections::of_linked_account(&self.db, &account.id)
                .await?
                .into_iter()
                .find(|record| {
                    record.slug == slug && matches!(Status::of(record), Status::ReauthRequired(_))
                })
        };
        // A reconnect reuses the values the connection was made with unless new ones are given.
        let stored = match (&reconnect, given.is_empty()) {
            (Some(record), true) => oauth::open_tokens(&self.vault, account, record)
                .ok()
                .flatten()
                .map(|tokens| tokens.params.clone()),
            _ => None,
        };
        let values = match stored {
            Some(values) => values,
            None => oauth::check_params(&endpoints.params, given).map_err(FlowError::Invalid)?,
        };
        let app = oauth::oauth_app(
            &self.db,
            &self.vault,
            &self.public_url,
            &account.org_id,
            environment_of(account),
            &definition,
            &values,
        )
        .await?;
        Ok(oauth::authorization_url(
            &self.db,
            &self.vault,
            &self.public_url,
            &app,
            oauth::Begin {
                linked_account: account,
                reconnect: reconnect.as_ref(),
                mode,
                return_to,
                binding,
            },
        )
        .await?)
    }

    /// Validates, verifies and stores key-based credentials for an app.
    pub async fn save_keys(
        &self,
        account: &linked_account::Model,
        app: &AppDefinition,
        given: &std::collections::BTreeMap<String, String>,
    ) -> Result<connection::Model, FlowError> {
        crate::keyauth::save(&self.db, &self.vault, &self.egress, app, account, given)
            .await
            .map_err(|error| match error {
                crate::keyauth::SaveError::Invalid(fields) => FlowError::Invalid(fields),
                crate::keyauth::SaveError::Unreachable(name) => FlowError::Unreachable(name),
                crate::keyauth::SaveError::Db(error) => error.into(),
            })
    }

    /// Disconnects every connection of an app: revokes at the provider where it can (failures
    /// are logged), then deletes the credentials. Returns how many connections went.
    pub async fn disconnect(
        &self,
        account: &linked_account::Model,
        slug: &str,
    ) -> Result<u64, FlowError> {
        let records = connection::Entity::find()
            .filter(connection::Column::LinkedAccountId.eq(&account.id))
            .filter(connection::Column::Slug.eq(slug))
            .all(&self.db)
            .await?;
        if records.is_empty() {
            return Ok(0);
        }
        let environment = environment_of(account);
        let definition =
            catalog::definition(&self.db, &self.catalog, &account.org_id, environment, slug)
                .await?;
        if let Some(definition) = definition.filter(|d| d.auth_type == AuthKind::OAuth2) {
            for record in &records {
                match oauth::app_for_connection(
                    &self.db,
                    &self.vault,
                    &self.public_url,
                    &definition,
                    account,
                    record,
                )
                .await
                {
                    Ok(app) => {
                        oauth::revoke(&self.vault, &self.egress, &app, account, record).await
                    }
                    Err(error) => {
                        tracing::warn!(%slug, %error, "cannot revoke at the provider; deleting anyway");
                    }
                }
            }
        }
        let result = connection::Entity::delete_many()
            .filter(connection::Column::LinkedAccountId.eq(&account.id))
            .filter(connection::Column::Slug.eq(slug))
            .exec(&self.db)
            .await?;
        tracing::info!(%slug, connections = result.rows_affected, "disconnected");
        Ok(result.rows_affected)
    }
}
