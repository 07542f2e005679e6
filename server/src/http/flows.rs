//! The connect and disconnect flows, shared by the hosted page, the SDK routes and the vendor API.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use url::Url;

use super::AppState;
use crate::catalog::{self, AppDefinition, AuthKind};
use crate::connections::{self, Status};
use crate::entity::{connection, linked_account};
use crate::oauth::{self, Mode, OAuthError};
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
            other => Self::Internal(other.to_string()),
        }
    }
}

fn environment_of(account: &linked_account::Model) -> Environment {
    Environment::parse(&account.environment).unwrap_or(Environment::Test)
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
    pub async fn begin_oauth(
        &self,
        account: &linked_account::Model,
        slug: &str,
        another: bool,
        mode: Mode,
        return_to: Option<String>,
    ) -> Result<Url, FlowError> {
        let definition = self.enabled_app(account, slug).await?;
        if definition.auth_type != AuthKind::OAuth2 {
            return Err(FlowError::NotOAuth);
        }
        let app = oauth::oauth_app(
            &self.db,
            &self.vault,
            &self.public_url,
            &account.org_id,
            environment_of(account),
            &definition,
        )
        .await?;
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
            },
        )
        .await?)
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
            match oauth::oauth_app(
                &self.db,
                &self.vault,
                &self.public_url,
                &account.org_id,
                environment,
                &definition,
            )
            .await
            {
                Ok(app) => {
                    for record in &records {
                        oauth::revoke(&self.vault, &self.http, &app, account, record).await;
                    }
                }
                Err(error) => {
                    tracing::warn!(%slug, %error, "cannot revoke at the provider; deleting anyway");
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
