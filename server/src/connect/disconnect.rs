//! Disconnecting: revoke at the provider where it can, then forget the credentials.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::ConnectError;
use crate::catalog::{self, AuthKind};
use crate::connections;
use crate::entity::{connection, connection_event::Actor, linked_account};
use crate::oauth;
use crate::services::Services;

impl Services {
    /// Disconnects every connection of an app: revokes at the provider where it can (failures
    /// are logged), then deletes the credentials, recording who did. Returns how many went.
    pub async fn disconnect(
        &self,
        account: &linked_account::Model,
        slug: &str,
        actor: Actor,
    ) -> Result<u64, ConnectError> {
        let records = connection::Entity::find()
            .filter(connection::Column::LinkedAccountId.eq(&account.id))
            .filter(connection::Column::Slug.eq(slug))
            .all(&self.db)
            .await?;
        if records.is_empty() {
            return Ok(0);
        }
        let environment = account.environment;
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
        let removed = connections::remove(&self.db, account, &records, actor).await?;
        tracing::info!(%slug, connections = removed, "disconnected");
        Ok(removed)
    }
}
