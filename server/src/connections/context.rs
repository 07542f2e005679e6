//! What the connection use-cases run on, lent by the services (`Services::connections`).

use sea_orm::{DatabaseConnection, DbErr};

use super::{Changes, Flag, usage::Usage};
use crate::clock::Clock;
use crate::config::RefreshSettings;
use crate::egress::Egress;
use crate::entity::connection;
use crate::vault::Vault;

/// The database, the vault, the one client for providers, word of changes, the usage counter
/// and the refresh settings.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub db: &'a DatabaseConnection,
    pub vault: &'a Vault,
    pub egress: &'a Egress,
    pub changes: &'a Changes,
    pub usage: &'a Usage,
    pub refresh: &'a RefreshSettings,
    pub clock: &'a Clock,
}

impl Context<'_> {
    /// Flags one connection (see [`super::flag`]) and tells the widgets watching its account.
    pub async fn flag(
        &self,
        connection_id: &str,
        version: Option<i64>,
        flag: &Flag,
    ) -> Result<Option<connection::Model>, DbErr> {
        let flagged = super::flag(self.db, connection_id, version, flag).await?;
        if let Some(record) = &flagged {
            self.changes.account(&record.linked_account_id);
        }
        Ok(flagged)
    }
}
