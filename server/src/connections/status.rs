//! The state machine of a connection: `active` ⇄ `reauth_required(reason)`, and the step
//! that makes a connection active.

use app::dto::ReauthReason;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr};

use crate::catalog::AppDefinition;
use crate::entity::{connection, linked_account};
use crate::secrets;

/// Where a connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    ReauthRequired(ReauthReason),
}

impl Status {
    /// Reads the stored status; a flag without a known reason is reported as revoked access.
    pub fn of(record: &connection::Model) -> Self {
        match record.status {
            connection::State::ReauthRequired => Self::ReauthRequired(
                record
                    .reauth_reason
                    .map_or(ReauthReason::TokenRevoked, Into::into),
            ),
            connection::State::Active => Self::Active,
        }
    }
}

/// How a connection is named to people: the account identifier, or the app's name without one.
pub fn display_identifier(record: &connection::Model, app: &AppDefinition) -> String {
    record
        .identifier
        .clone()
        .unwrap_or_else(|| app.name.clone())
}

/// What a successful connect writes into a connection.
#[derive(Debug, Default)]
pub struct Connect<'a> {
    /// The account as the end customer knows it; `None` keeps what a reconnect had.
    pub identifier: Option<&'a str>,
    /// Sealed by the vault for this connection's id.
    pub credentials: Option<Vec<u8>>,
    pub key_id: Option<&'a str>,
    pub access_expires_at: Option<DateTime<Utc>>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
}

/// Makes a connection active: `existing` is updated in place (same id and `connected_at`, flag
/// cleared, version bumped), otherwise a new connection `id` of `slug` is recorded.
pub async fn store_active(
    db: &impl ConnectionTrait,
    linked_account: &linked_account::Model,
    slug: &str,
    id: String,
    existing: Option<connection::Model>,
    connect: Connect<'_>,
) -> Result<connection::Model, DbErr> {
    let now = Utc::now();
    let identifier = connect.identifier.map(str::to_owned);
    match existing {
        Some(record) => {
            let version = record.version;
            let identifier = identifier.or_else(|| record.identifier.clone());
            let mut active: connection::ActiveModel = record.into();
            active.identifier = Set(identifier);
            active.status = Set(connection::State::Active);
            active.reauth_reason = Set(None);
            active.credentials = Set(connect.credentials);
            active.key_id = Set(connect.key_id.map(str::to_owned));
            active.access_expires_at = Set(connect.access_expires_at);
            active.refresh_expires_at = Set(connect.refresh_expires_at);
            active.version = Set(version + 1);
            active.updated_at = Set(now);
            active.update(db).await
        }
        None => {
            connection::ActiveModel {
                id: Set(id),
                linked_account_id: Set(linked_account.id.clone()),
                slug: Set(slug.to_owned()),
                identifier: Set(identifier),
                status: Set(connection::State::Active),
                reauth_reason: Set(None),
                credentials: Set(connect.credentials),
                key_id: Set(connect.key_id.map(str::to_owned)),
                access_expires_at: Set(connect.access_expires_at),
                refresh_expires_at: Set(connect.refresh_expires_at),
                version: Set(1),
                connected_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await
        }
    }
}

/// Records a new active connection of `slug` made outside Portico's flows (no credentials).
pub async fn record_connected(
    db: &impl ConnectionTrait,
    linked_account: &linked_account::Model,
    slug: &str,
    identifier: Option<&str>,
) -> Result<connection::Model, DbErr> {
    let connect = Connect {
        identifier,
        ..Connect::default()
    };
    store_active(
        db,
        linked_account,
        slug,
        secrets::random_id(),
        None,
        connect,
    )
    .await
}
