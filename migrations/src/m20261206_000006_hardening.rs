//! Hardening for many tenants: providers' signed events seen within their window (a replay
//! is ignored), when a credentials read last tried a failing provider for a connection, and a
//! breaker per webhook subscription whose receiver keeps failing, with an index to count each
//! receiver's deliveries in flight.

use sea_orm_migration::prelude::*;

use crate::columns::{optional_timestamp, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HookReceipt {
    Table,
    /// Digest of the provider's slug, timestamp and signature.
    Id,
    /// When it was first seen; kept for the signature's window, then purged.
    SeenAt,
}

#[derive(DeriveIden)]
enum Connection {
    Table,
    /// When a credentials read last tried the provider while the worker was backing off.
    ProbedAt,
}

#[derive(DeriveIden)]
enum WebhookDelivery {
    Table,
    SubscriptionId,
    State,
}

#[derive(DeriveIden)]
enum WebhookSubscription {
    Table,
    /// Failed attempts in a row to this receiver.
    Failures,
    /// While the breaker is open: no delivery to this receiver is claimed before then.
    PausedUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HookReceipt::Table)
                    .col(
                        ColumnDef::new(HookReceipt::Id)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(timestamp(HookReceipt::SeenAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Connection::Table)
                    .add_column(optional_timestamp(Connection::ProbedAt))
                    .to_owned(),
            )
            .await?;
        // SQLite alters one column per statement.
        for mut column in [
            ColumnDef::new(WebhookSubscription::Failures)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
            optional_timestamp(WebhookSubscription::PausedUntil),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(WebhookSubscription::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // The claim counts each receiver's deliveries in flight.
        manager
            .create_index(
                Index::create()
                    .name("webhook_delivery_subscription")
                    .table(WebhookDelivery::Table)
                    .col(WebhookDelivery::SubscriptionId)
                    .col(WebhookDelivery::State)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("webhook_delivery_subscription")
                    .table(WebhookDelivery::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            WebhookSubscription::PausedUntil,
            WebhookSubscription::Failures,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(WebhookSubscription::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Connection::Table)
                    .drop_column(Connection::ProbedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(HookReceipt::Table).to_owned())
            .await
    }
}
