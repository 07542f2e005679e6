//! The credential lifecycle: each connection's stable provider account id, the refresh lease,
//! retry and use bookkeeping, and one audit row per transition (`connection_event`). The
//! sandbox remembers each grant's previous refresh token, to notice one used twice.

use sea_orm_migration::prelude::*;

use crate::columns::{optional_timestamp, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Connection {
    Table,
    LinkedAccountId,
    Slug,
    /// The provider's stable id of the account (Slack team id, GitHub user id, Google `sub`).
    AccountId,
    /// Until when one refresher holds the right to call the provider.
    LeaseUntil,
    /// When the credentials were last handed to the vendor (written in batches).
    LastUsedAt,
    /// Not before this instant does the worker try a failing refresh again.
    RetryAt,
    /// Transient failures in a row, for the worker's backoff.
    Failures,
    /// When a key-based connection was last verified with its provider.
    CheckedAt,
    AccessExpiresAt,
}

#[derive(DeriveIden)]
enum ConnectionEvent {
    Table,
    /// Increasing: the order events happened in, and a cursor to read them from.
    Id,
    OrgId,
    Environment,
    LinkedAccountId,
    ConnectionId,
    Slug,
    Identifier,
    /// `connected`, `refreshed`, `flagged`, `reconnected` or `disconnected`.
    Kind,
    Reason,
    /// Who caused it: `end_customer`, `vendor`, `operator`, `provider` or `portico`.
    Actor,
    /// Why, in words; never a secret.
    Detail,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PendingConnection {
    Table,
    /// The digest of the handle the choice page posts to.
    Id,
    LinkedAccountId,
    Slug,
    /// The connection that was being reconnected when another account signed in.
    ReconnectOf,
    /// Sealed by the vault: the other account's tokens, until kept or revoked.
    Secrets,
    /// Digest of the browser nonce of the flow: only that browser may choose.
    NonceDigest,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AppConfig {
    Table,
    /// Sealed by the vault: the secret a provider signs its events with (Slack's signing
    /// secret).
    SigningSecret,
}

#[derive(DeriveIden)]
enum SandboxGrant {
    Table,
    PreviousRefreshDigest,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            ColumnDef::new(Connection::AccountId)
                .string_len(255)
                .null()
                .to_owned(),
            optional_timestamp(Connection::LeaseUntil),
            optional_timestamp(Connection::LastUsedAt),
            optional_timestamp(Connection::RetryAt),
            ColumnDef::new(Connection::Failures)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
            optional_timestamp(Connection::CheckedAt),
        ];
        // SQLite alters one column per statement.
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Connection::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // Two accounts of one app stay two connections; NULL (no known id) never collides.
        manager
            .create_index(
                Index::create()
                    .name("connection_account")
                    .table(Connection::Table)
                    .col(Connection::LinkedAccountId)
                    .col(Connection::Slug)
                    .col(Connection::AccountId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("connection_access_expires_at")
                    .table(Connection::Table)
                    .col(Connection::AccessExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConnectionEvent::Table)
                    .col(
                        ColumnDef::new(ConnectionEvent::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ConnectionEvent::OrgId)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConnectionEvent::Environment)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConnectionEvent::LinkedAccountId)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConnectionEvent::ConnectionId)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConnectionEvent::Slug)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ConnectionEvent::Identifier).text().null())
                    .col(
                        ColumnDef::new(ConnectionEvent::Kind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConnectionEvent::Reason)
                            .string_len(32)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ConnectionEvent::Actor)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ConnectionEvent::Detail).text().null())
                    .col(timestamp(ConnectionEvent::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("connection_event_connection", ConnectionEvent::ConnectionId),
            ("connection_event_org", ConnectionEvent::OrgId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(ConnectionEvent::Table)
                        .col(column)
                        .col(ConnectionEvent::Id)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(PendingConnection::Table)
                    .col(
                        ColumnDef::new(PendingConnection::Id)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PendingConnection::LinkedAccountId)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PendingConnection::Slug)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PendingConnection::ReconnectOf)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PendingConnection::Secrets)
                            .binary()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PendingConnection::NonceDigest)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(timestamp(PendingConnection::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AppConfig::Table)
                    .add_column(ColumnDef::new(AppConfig::SigningSecret).binary().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SandboxGrant::Table)
                    .add_column(
                        ColumnDef::new(SandboxGrant::PreviousRefreshDigest)
                            .string_len(64)
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ConnectionEvent::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PendingConnection::Table).to_owned())
            .await?;
        for name in ["connection_account", "connection_access_expires_at"] {
            manager
                .drop_index(Index::drop().name(name).table(Connection::Table).to_owned())
                .await?;
        }
        for column in [
            Connection::AccountId,
            Connection::LeaseUntil,
            Connection::LastUsedAt,
            Connection::RetryAt,
            Connection::Failures,
            Connection::CheckedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Connection::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(AppConfig::Table)
                    .drop_column(AppConfig::SigningSecret)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SandboxGrant::Table)
                    .drop_column(SandboxGrant::PreviousRefreshDigest)
                    .to_owned(),
            )
            .await
    }
}
