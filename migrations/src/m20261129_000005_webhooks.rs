//! Webhooks: each org's subscriptions, and the outbox of deliveries (one per event and
//! subscription, written in the same transaction as the event) with every attempt made; and
//! when each connection was last warned that it expires soon.

use sea_orm_migration::prelude::*;

use crate::columns::{environment, id_column, optional_timestamp, reference, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Connection {
    Table,
    /// When `Connection Expiring` was sent for the current expiry; cleared by a new one.
    ExpiringSentAt,
}

#[derive(DeriveIden)]
enum WebhookSubscription {
    Table,
    Id,
    OrgId,
    Environment,
    Url,
    /// JSON list of the event names it receives.
    Events,
    Enabled,
    /// Sealed by the vault: the `whsec_` signing secret.
    Secret,
    /// Sealed: the secret a rotation replaced, still signing until `previous_until`.
    PreviousSecret,
    PreviousUntil,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookDelivery {
    Table,
    Id,
    /// The `connection_event` this delivers.
    EventId,
    SubscriptionId,
    /// `webhook-id`: the same on every attempt.
    MessageId,
    /// `pending`, `delivered`, `dead` or `disabled`.
    State,
    Attempts,
    NextAttemptAt,
    /// Until when one worker holds it.
    ClaimedUntil,
    LastStatus,
    LastError,
    DeliveredAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempt {
    Table,
    Id,
    DeliveryId,
    AttemptedAt,
    /// The receiver's HTTP status; null when it could not be reached.
    Status,
    LatencyMs,
    Error,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Connection::Table)
                    .add_column(optional_timestamp(Connection::ExpiringSentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookSubscription::Table)
                    .col(id_column(WebhookSubscription::Id))
                    .col(reference(WebhookSubscription::OrgId))
                    .col(environment(WebhookSubscription::Environment))
                    .col(ColumnDef::new(WebhookSubscription::Url).text().not_null())
                    .col(
                        ColumnDef::new(WebhookSubscription::Events)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WebhookSubscription::Enabled)
                            .boolean()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WebhookSubscription::Secret)
                            .binary()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WebhookSubscription::PreviousSecret)
                            .binary()
                            .null(),
                    )
                    .col(optional_timestamp(WebhookSubscription::PreviousUntil))
                    .col(timestamp(WebhookSubscription::CreatedAt))
                    .col(timestamp(WebhookSubscription::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("webhook_subscription_org")
                    .table(WebhookSubscription::Table)
                    .col(WebhookSubscription::OrgId)
                    .col(WebhookSubscription::Environment)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDelivery::Table)
                    .col(
                        ColumnDef::new(WebhookDelivery::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(WebhookDelivery::EventId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(reference(WebhookDelivery::SubscriptionId))
                    .col(
                        ColumnDef::new(WebhookDelivery::MessageId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WebhookDelivery::State)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WebhookDelivery::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(timestamp(WebhookDelivery::NextAttemptAt))
                    .col(optional_timestamp(WebhookDelivery::ClaimedUntil))
                    .col(ColumnDef::new(WebhookDelivery::LastStatus).integer().null())
                    .col(ColumnDef::new(WebhookDelivery::LastError).text().null())
                    .col(optional_timestamp(WebhookDelivery::DeliveredAt))
                    .col(timestamp(WebhookDelivery::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "webhook_delivery_due",
                vec![WebhookDelivery::State, WebhookDelivery::NextAttemptAt],
            ),
            ("webhook_delivery_event", vec![WebhookDelivery::EventId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(WebhookDelivery::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempt::Table)
                    .col(
                        ColumnDef::new(WebhookAttempt::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(WebhookAttempt::DeliveryId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(timestamp(WebhookAttempt::AttemptedAt))
                    .col(ColumnDef::new(WebhookAttempt::Status).integer().null())
                    .col(
                        ColumnDef::new(WebhookAttempt::LatencyMs)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(WebhookAttempt::Error).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("webhook_attempt_delivery")
                    .table(WebhookAttempt::Table)
                    .col(WebhookAttempt::DeliveryId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookAttempt::Table.into_iden(),
            WebhookDelivery::Table.into_iden(),
            WebhookSubscription::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Connection::Table)
                    .drop_column(Connection::ExpiringSentAt)
                    .to_owned(),
            )
            .await
    }
}
