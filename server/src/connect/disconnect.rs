//! Disconnecting: revoke at the provider where it can, then forget the credentials.

use super::ConnectError;
use crate::catalog::{self, AuthKind};
use crate::connections;
use crate::entity::{connection, connection_event::Actor, linked_account};
use crate::oauth;
use crate::services::Services;

impl Services {
    /// Disconnects every connection of an app: revokes at the provider where it can (failures
    /// are logged), then deletes the credentials, recording who did. Returns how many went.
    pub(crate) async fn disconnect(
        &self,
        account: &linked_account::Model,
        slug: &str,
        actor: Actor,
    ) -> Result<u64, ConnectError> {
        self.disconnect_where(account, slug, None, actor).await
    }

    /// Disconnects one connection of an app, by id, as [`Self::disconnect`] does all of them
    /// (a customer with two workspaces of one app keeps the other).
    pub(crate) async fn disconnect_one(
        &self,
        account: &linked_account::Model,
        connection: &connection::Model,
        actor: Actor,
    ) -> Result<u64, ConnectError> {
        let slug = &connection.slug;
        self.disconnect_where(account, slug, Some(&connection.id), actor)
            .await
    }

    async fn disconnect_where(
        &self,
        account: &linked_account::Model,
        slug: &str,
        only: Option<&str>,
        actor: Actor,
    ) -> Result<u64, ConnectError> {
        let mut records = connections::of_app(&self.db, &account.id, slug).await?;
        records.retain(|record| only.is_none_or(|id| record.id == id));
        if records.is_empty() {
            return Ok(0);
        }
        let environment = account.environment;
        let definition =
            catalog::definition(&self.db, &self.catalog, &account.org_id, environment, slug)
                .await?;
        if let Some(definition) = definition.filter(|d| d.auth_type == AuthKind::OAuth2) {
            for record in &records {
                oauth::revoke_connection(self, &definition, account, record).await;
            }
        }
        let removed =
            connections::remove(&self.db, account, &records, actor, self.clock.now()).await?;
        self.changes.account(&account.id);
        tracing::info!(%slug, connections = removed, "disconnected");
        Ok(removed)
    }
}
