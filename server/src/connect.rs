//! What the three front doors share: the hosted page, the SDK routes and the vendor API all
//! begin sign-ins, save key forms and disconnect through here.

use crate::catalog::{self, AppDefinition};
use crate::entity::linked_account;
use crate::oauth::OAuthError;
use crate::services::Services;
use crate::sessions::LinkOptions;

mod begin;
mod disconnect;
mod save_keys;

/// Why a flow cannot run.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
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
    Database(#[from] sea_orm::DbErr),
    #[error("flow failed: {0}")]
    Internal(#[from] anyhow::Error),
}

impl From<OAuthError> for ConnectError {
    fn from(error: OAuthError) -> Self {
        match error {
            OAuthError::NotOAuth => Self::NotOAuth,
            OAuthError::NotConfigured(name) => Self::NotConfigured(name),
            OAuthError::MissingParam(name) => {
                Self::Invalid(vec![crate::input::FieldError::new(name, "is required")])
            }
            OAuthError::Db(error) => Self::Database(error),
            other => Self::Internal(other.into()),
        }
    }
}

impl Services {
    /// What a vendor asked a link or widget to show, checked against the apps the org has
    /// enabled in `environment`.
    pub(crate) async fn link_options(
        &self,
        org_id: &str,
        environment: crate::tenancy::Environment,
        apps: Option<Vec<String>>,
        app: Option<String>,
        locale: Option<String>,
    ) -> Result<LinkOptions, ConnectError> {
        let invalid = |field| ConnectError::Invalid(vec![field]);
        let options = if apps.is_none() && app.is_none() {
            LinkOptions::default()
        } else {
            let enabled =
                catalog::enabled_slugs(&self.db, self.changes.lookups(), org_id, environment)
                    .await?;
            LinkOptions::parse(apps.as_deref(), app.as_deref(), &enabled).map_err(invalid)?
        };
        options.with_locale(locale.as_deref()).map_err(invalid)
    }

    /// An app the linked account's org has enabled, or `UnknownApp`.
    pub(crate) async fn enabled_app(
        &self,
        account: &linked_account::Model,
        slug: &str,
    ) -> Result<AppDefinition, ConnectError> {
        let environment = account.environment;
        let enabled = catalog::enabled_slugs(
            &self.db,
            self.changes.lookups(),
            &account.org_id,
            environment,
        )
        .await?;
        if !enabled.iter().any(|enabled| enabled == slug) {
            return Err(ConnectError::UnknownApp);
        }
        catalog::definition(&self.db, &self.catalog, &account.org_id, environment, slug)
            .await?
            .ok_or(ConnectError::UnknownApp)
    }
}
