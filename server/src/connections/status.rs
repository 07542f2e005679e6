//! The state machine of a connection: `active` ⇄ `reauth_required(reason)`, and the step
//! that makes a connection active.

use app::dto::ReauthReason;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

use super::events::{self, Transition};
use crate::catalog::AppDefinition;
use crate::entity::{
    connection,
    connection_event::{Actor, Kind},
    linked_account,
};
use crate::secrets;

/// Where a connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    ReauthRequired(ReauthReason),
}

impl Status {
    /// Reads the stored status; a flag without a known reason is reported as revoked access.
    pub(crate) fn of(record: &connection::Model) -> Self {
        match record.status {
            connection::State::ReauthRequired => Self::ReauthRequired(
                record
                    .reauth_reason
                    .map_or(ReauthReason::TokenRevoked, Into::into),
            ),
            connection::State::Active => Self::Active,
        }
    }

    /// Why a connection needs reconnecting; `None` while it works.
    pub(crate) fn reauth_reason(record: &connection::Model) -> Option<ReauthReason> {
        match Self::of(record) {
            Self::ReauthRequired(reason) => Some(reason),
            Self::Active => None,
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
#[derive(Debug)]
pub struct Connect<'a> {
    /// The account as the end customer knows it; `None` keeps what a reconnect had.
    pub identifier: Option<&'a str>,
    /// The provider's stable id of the account; `None` keeps what a reconnect had.
    pub account_id: Option<&'a str>,
    /// Sealed by the vault for this connection's id.
    pub credentials: Option<Vec<u8>>,
    pub key_id: Option<&'a str>,
    pub access_expires_at: Option<DateTime<Utc>>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    /// Who connected: recorded in the audit trail.
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

impl Connect<'_> {
    /// A connect with nothing but who made it, and when.
    pub(crate) fn by(actor: Actor, at: DateTime<Utc>) -> Self {
        Self {
            at,
            identifier: None,
            account_id: None,
            credentials: None,
            key_id: None,
            access_expires_at: None,
            refresh_expires_at: None,
            actor,
        }
    }
}

/// Makes a connection active: `existing` is updated in place (same id and `connected_at`, flag
/// cleared, version bumped, `reconnected` recorded), otherwise a new connection `id` of `slug`
/// is recorded as `connected`.
pub async fn store_active(
    db: &impl ConnectionTrait,
    linked_account: &linked_account::Model,
    slug: &str,
    id: String,
    existing: Option<connection::Model>,
    connect: Connect<'_>,
) -> Result<connection::Model, DbErr> {
    let now = connect.at;
    let identifier = connect.identifier.map(str::to_owned);
    let account_id = connect.account_id.map(str::to_owned);
    let (record, kind) = match existing {
        Some(record) => {
            let version = record.version;
            let identifier = identifier.or_else(|| record.identifier.clone());
            let account_id = account_id.or_else(|| record.account_id.clone());
            let mut active: connection::ActiveModel = record.into();
            active.identifier = Set(identifier);
            active.account_id = Set(account_id);
            active.status = Set(connection::State::Active);
            active.reauth_reason = Set(None);
            active.credentials = Set(connect.credentials);
            active.key_id = Set(connect.key_id.map(str::to_owned));
            active.access_expires_at = Set(connect.access_expires_at);
            active.refresh_expires_at = Set(connect.refresh_expires_at);
            active.lease_until = Set(None);
            active.retry_at = Set(None);
            active.failures = Set(0);
            active.checked_at = Set(Some(now));
            active.expiring_sent_at = Set(None);
            active.version = Set(version + 1);
            active.updated_at = Set(now);
            (active.update(db).await?, Kind::Reconnected)
        }
        None => {
            let record = connection::ActiveModel {
                id: Set(id),
                linked_account_id: Set(linked_account.id.clone()),
                slug: Set(slug.to_owned()),
                identifier: Set(identifier),
                account_id: Set(account_id),
                status: Set(connection::State::Active),
                reauth_reason: Set(None),
                credentials: Set(connect.credentials),
                key_id: Set(connect.key_id.map(str::to_owned)),
                access_expires_at: Set(connect.access_expires_at),
                refresh_expires_at: Set(connect.refresh_expires_at),
                lease_until: Set(None),
                last_used_at: Set(None),
                retry_at: Set(None),
                failures: Set(0),
                checked_at: Set(Some(now)),
                expiring_sent_at: Set(None),
                probed_at: Set(None),
                version: Set(1),
                connected_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
            (record, Kind::Connected)
        }
    };
    events::record(
        db,
        linked_account,
        &record,
        Transition::new(kind, connect.actor, now),
    )
    .await?;
    Ok(record)
}

/// Records a new active connection of `slug` made outside Portico's flows (no credentials).
pub async fn record_connected(
    db: &impl ConnectionTrait,
    linked_account: &linked_account::Model,
    slug: &str,
    identifier: Option<&str>,
    actor: Actor,
    at: DateTime<Utc>,
) -> Result<connection::Model, DbErr> {
    let connect = Connect {
        identifier,
        ..Connect::by(actor, at)
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

/// Deletes connections of a linked account, each with one `disconnected` event, in one
/// transaction. Returns how many went.
pub async fn remove(
    db: &sea_orm::DatabaseConnection,
    linked_account: &linked_account::Model,
    records: &[connection::Model],
    actor: Actor,
    at: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let mut removed = 0;
    for record in records {
        let deleted = connection::Entity::delete_many()
            .filter(connection::Column::Id.eq(&record.id))
            .exec(&txn)
            .await?;
        if deleted.rows_affected == 1 {
            removed += 1;
            events::record(
                &txn,
                linked_account,
                record,
                Transition::new(Kind::Disconnected, actor, at),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(removed)
}
