//! Portico's start page for a flow whose URL was handed to someone else (the SDK's
//! `auth_url`): it says what is being connected and for whom, and only a click there, in the
//! browser that will sign in, binds the flow to that browser and continues to the provider.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
use url::Url;

use super::authorize::{StateSecrets, state_binding};
use crate::catalog::Catalog;
use crate::entity::{linked_account, oauth_state, org};
use crate::secrets;
use crate::vault::Vault;

/// The start page's address for a handle.
pub fn start_page_url(public_url: &str, handle: &str) -> Url {
    Url::parse(&format!("{public_url}/oauth/start/{handle}")).expect("the public URL is valid")
}

/// What the start page says: "Connect {app} to {org} for {account}".
#[derive(Debug)]
pub struct StartPage {
    pub app_name: String,
    pub account_name: String,
    /// Whose pages these are: for their branding and default language.
    pub org: org::Model,
    pub environment: crate::entity::Environment,
}

/// Why the start page cannot continue.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("this sign-in is not one Portico started")]
    Unknown,
    #[error("this sign-in has expired")]
    Expired,
    /// Someone already clicked Continue (here or in another browser).
    #[error("this sign-in was already started")]
    AlreadyStarted,
    #[error("start page failed: {0}")]
    Internal(String),
}

impl From<sea_orm::DbErr> for StartError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Internal(error.to_string())
    }
}

async fn flow(
    db: &impl ConnectionTrait,
    handle: &str,
    now: DateTime<Utc>,
) -> Result<oauth_state::Model, StartError> {
    if !secrets::is_secret_body(handle) {
        return Err(StartError::Unknown);
    }
    let record = oauth_state::Entity::find()
        .filter(oauth_state::Column::StartDigest.eq(secrets::digest(handle)))
        .one(db)
        .await?
        .ok_or(StartError::Unknown)?;
    if record.expires_at <= now {
        return Err(StartError::Expired);
    }
    if record.nonce_digest.is_some() || record.consumed_at.is_some() {
        return Err(StartError::AlreadyStarted);
    }
    Ok(record)
}

/// Describes the flow behind a start handle.
pub async fn describe_start(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    handle: &str,
    now: DateTime<Utc>,
) -> Result<StartPage, StartError> {
    let record = flow(db, handle, now).await?;
    let account = linked_account::Entity::find_by_id(&record.linked_account_id)
        .one(db)
        .await?
        .ok_or(StartError::Unknown)?;
    let org = org::Entity::find_by_id(&account.org_id)
        .one(db)
        .await?
        .ok_or(StartError::Unknown)?;
    let environment = account.environment;
    let app_name =
        crate::catalog::definition(db, catalog, &account.org_id, environment, &record.slug)
            .await?
            .map_or_else(|| record.slug.clone(), |app| app.name);
    Ok(StartPage {
        app_name,
        account_name: account.name.unwrap_or(account.external_id),
        org,
        environment,
    })
}

/// Binds the flow to the browser that clicked Continue (once: the first click wins) and
/// returns the provider's URL to send it to.
pub async fn bind_start(
    db: &impl ConnectionTrait,
    vault: &Vault,
    handle: &str,
    nonce_digest: &str,
    now: DateTime<Utc>,
) -> Result<Url, StartError> {
    let record = flow(db, handle, now).await?;
    let bound = oauth_state::Entity::update_many()
        .col_expr(oauth_state::Column::NonceDigest, Expr::value(nonce_digest))
        .filter(oauth_state::Column::Id.eq(&record.id))
        .filter(oauth_state::Column::NonceDigest.is_null())
        .filter(oauth_state::Column::ConsumedAt.is_null())
        .exec(db)
        .await?;
    if bound.rows_affected != 1 {
        return Err(StartError::AlreadyStarted);
    }
    let sealed = vault
        .open(
            &record.secrets,
            &state_binding(&record.id, &record.linked_account_id, &record.slug),
        )
        .map_err(|error| StartError::Internal(error.to_string()))?;
    let secrets: StateSecrets =
        serde_json::from_slice(&sealed).map_err(|error| StartError::Internal(error.to_string()))?;
    secrets
        .authorize_url
        .and_then(|url| Url::parse(&url).ok())
        .ok_or_else(|| StartError::Internal("the flow has no provider URL".to_owned()))
}
