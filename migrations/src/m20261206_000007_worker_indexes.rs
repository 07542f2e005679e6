//! Indexes for the background passes, so each reads what is due rather than every row it
//! keeps: the refresh pass's active connections by access expiry, the expiring pass's
//! unwarned expiries and key-based connections past theirs, the verify pass's key-based
//! connections by last check, and the purges of authorization states, held sign-ins and
//! providers' event receipts by when they end.
//!
//! The partial indexes are conditioned only on `IS NULL` / `IS NOT NULL`, never on a value:
//! the passes bind their values (`status = ?`), and an index on `status = 'active'` would
//! serve them only when the database plans with the value in hand, which PostgreSQL's cached
//! generic plans do not (SQLite does, by preparing the statement again). `status` leads each
//! key instead.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Connection {
    Table,
    Status,
    Credentials,
    AccessExpiresAt,
    RefreshExpiresAt,
    ConnectedAt,
    /// When a key-based connection was last verified with its provider; set on every
    /// connect and reconnect.
    CheckedAt,
    ExpiringSentAt,
}

#[derive(DeriveIden)]
enum OauthState {
    Table,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum PendingConnection {
    Table,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum HookReceipt {
    Table,
    SeenAt,
}

/// The index the refresh pass read before `connection_refresh_due`.
const ACCESS_EXPIRES_AT: &str = "connection_access_expires_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Connections made before the verify pass existed were never checked: they take the
        // time they were connected, so the pass finds them by `checked_at` alone, due at once.
        manager
            .execute(
                Query::update()
                    .table(Connection::Table)
                    .value(Connection::CheckedAt, Expr::col(Connection::ConnectedAt))
                    .and_where(Expr::col(Connection::CheckedAt).is_null())
                    .and_where(Expr::col(Connection::AccessExpiresAt).is_null())
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(ACCESS_EXPIRES_AT)
                    .table(Connection::Table)
                    .to_owned(),
            )
            .await?;
        for index in [
            // The refresh pass: active connections whose access token expires soonest, in
            // that order. Connections without an expiring token (key-based ones) are left
            // out; `access_expires_at <= ?` implies the condition.
            Index::create()
                .name("connection_refresh_due")
                .table(Connection::Table)
                .col(Connection::Status)
                .col(Connection::AccessExpiresAt)
                .and_where(Expr::col(Connection::AccessExpiresAt).is_not_null())
                .to_owned(),
            // The expiring pass: known expiries not warned about yet. A warned connection
            // leaves the index until a new expiry re-arms its warning.
            Index::create()
                .name("connection_expiring_due")
                .table(Connection::Table)
                .col(Connection::Status)
                .col(Connection::RefreshExpiresAt)
                .and_where(Expr::col(Connection::ExpiringSentAt).is_null())
                .to_owned(),
            // The expiring pass: key-based connections (no access token) past the expiry
            // their vendor set.
            Index::create()
                .name("connection_key_expiry")
                .table(Connection::Table)
                .col(Connection::Status)
                .col(Connection::RefreshExpiresAt)
                .and_where(Expr::col(Connection::AccessExpiresAt).is_null())
                .to_owned(),
            // The verify pass: key-based connections with credentials, the longest unchecked
            // first, read as `checked_at <= ?`.
            Index::create()
                .name("connection_verify_due")
                .table(Connection::Table)
                .col(Connection::Status)
                .col(Connection::CheckedAt)
                .and_where(Expr::col(Connection::AccessExpiresAt).is_null())
                .and_where(Expr::col(Connection::Credentials).is_not_null())
                .and_where(Expr::col(Connection::CheckedAt).is_not_null())
                .to_owned(),
            // The purge: authorization states a day past their expiry.
            Index::create()
                .name("oauth_state_expires_at")
                .table(OauthState::Table)
                .col(OauthState::ExpiresAt)
                .to_owned(),
            // The purge: held sign-ins nobody chose to keep in time.
            Index::create()
                .name("pending_connection_expires_at")
                .table(PendingConnection::Table)
                .col(PendingConnection::ExpiresAt)
                .to_owned(),
            // The purge: providers' event receipts past the signature window.
            Index::create()
                .name("hook_receipt_seen_at")
                .table(HookReceipt::Table)
                .col(HookReceipt::SeenAt)
                .to_owned(),
        ] {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("hook_receipt_seen_at", HookReceipt::Table.into_iden()),
            (
                "pending_connection_expires_at",
                PendingConnection::Table.into_iden(),
            ),
            ("oauth_state_expires_at", OauthState::Table.into_iden()),
            ("connection_verify_due", Connection::Table.into_iden()),
            ("connection_key_expiry", Connection::Table.into_iden()),
            ("connection_expiring_due", Connection::Table.into_iden()),
            ("connection_refresh_due", Connection::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        // The checked times given to never-checked connections stay: they are when those
        // connections were made.
        manager
            .create_index(
                Index::create()
                    .name(ACCESS_EXPIRES_AT)
                    .table(Connection::Table)
                    .col(Connection::AccessExpiresAt)
                    .to_owned(),
            )
            .await
    }
}
