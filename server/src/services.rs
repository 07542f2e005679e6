//! What the domain flows run on, whichever front door (page, SDK, API, worker) calls them.

use std::sync::Arc;

use sea_orm::{DatabaseConnection, DbErr};

use crate::catalog::Catalog;
use crate::config::{RefreshSettings, WebhookSettings};
use crate::connections::{
    self, Changes, Flag,
    refresh::{InFlight, Outcome},
    usage::Usage,
};
use crate::egress::Egress;
use crate::entity::connection;
use crate::vault::Vault;

/// The database, the vault, the catalog, the one client for providers, and the public URL.
#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub catalog: Arc<Catalog>,
    pub vault: Arc<Vault>,
    /// Every request to a provider goes through it.
    pub egress: Egress,
    /// Without a trailing slash.
    pub public_url: Arc<str>,
    /// When and how often tokens are refreshed.
    pub refresh: RefreshSettings,
    /// The refresh running for each connection in this process.
    pub refreshes: Arc<InFlight<Outcome>>,
    /// Credential reads not yet written as `last_used_at`.
    pub usage: Arc<Usage>,
    /// How webhooks are delivered.
    pub webhooks: WebhookSettings,
    /// Word of changed connections and sign-ins, for the widgets watching them.
    pub changes: Changes,
    /// Providers' signing secrets, opened once.
    pub signing_secrets: Arc<crate::vault::OpenedCache>,
}

impl Services {
    pub fn new(
        db: DatabaseConnection,
        catalog: Arc<Catalog>,
        vault: Arc<Vault>,
        egress: Egress,
        public_url: &str,
        refresh: RefreshSettings,
        webhooks: WebhookSettings,
    ) -> Self {
        Self {
            db,
            catalog,
            vault,
            egress,
            public_url: public_url.into(),
            refresh,
            refreshes: Arc::default(),
            usage: Arc::default(),
            webhooks,
            changes: Changes::default(),
            signing_secrets: Arc::default(),
        }
    }

    /// What the webhook worker and sends use of these.
    pub fn outbound(&self) -> crate::webhooks::Outbound {
        crate::webhooks::Outbound {
            db: self.db.clone(),
            vault: self.vault.clone(),
            egress: self.egress.clone(),
            settings: self.webhooks,
        }
    }

    /// Flags one connection (see [`connections::flag`]) and tells the widgets watching its
    /// account.
    pub async fn flag(
        &self,
        connection_id: &str,
        version: Option<i64>,
        flag: &Flag,
    ) -> Result<Option<connection::Model>, DbErr> {
        let flagged = connections::flag(&self.db, connection_id, version, flag).await?;
        if let Some(record) = &flagged {
            self.changes.account(&record.linked_account_id);
        }
        Ok(flagged)
    }
}
