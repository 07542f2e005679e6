//! The language an org's pages speak when neither the link nor the browser names one Portico
//! speaks (`en`, `de`, `fr`, `es`, `ja` or `pt-BR`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Org {
    Table,
    Locale,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let locale = ColumnDef::new(Org::Locale)
            .string_len(8)
            .not_null()
            .default("en")
            .to_owned();
        manager
            .alter_table(
                Table::alter()
                    .table(Org::Table)
                    .add_column(locale)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Org::Table)
                    .drop_column(Org::Locale)
                    .to_owned(),
            )
            .await
    }
}
