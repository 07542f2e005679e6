//! One-time sign-in links to the vendor's console (`portico console link`): found by the digest
//! of their token, valid for minutes, used at most once.

use sea_orm_migration::prelude::*;

use crate::columns::{cascade, environment, id_column, optional_timestamp, reference, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Org {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ConsoleLink {
    Table,
    Id,
    OrgId,
    Environment,
    /// Hex SHA-256 of the token.
    Digest,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConsoleLink::Table)
                    .col(id_column(ConsoleLink::Id))
                    .col(reference(ConsoleLink::OrgId))
                    .col(environment(ConsoleLink::Environment))
                    .col(
                        ColumnDef::new(ConsoleLink::Digest)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(timestamp(ConsoleLink::ExpiresAt))
                    .col(optional_timestamp(ConsoleLink::UsedAt))
                    .col(timestamp(ConsoleLink::CreatedAt))
                    .foreign_key(&mut cascade(
                        (ConsoleLink::Table, ConsoleLink::OrgId),
                        (Org::Table, Org::Id),
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ConsoleLink::Table).to_owned())
            .await
    }
}
