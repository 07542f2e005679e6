//! What the vendor asked of a hosted link or widget token beyond its branding: the apps it may
//! show and the one it opens on, as JSON (`{}` for the whole list).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SessionToken {
    Table,
    Options,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SessionToken::Table)
                    .add_column(
                        ColumnDef::new(SessionToken::Options)
                            .text()
                            .not_null()
                            .default("{}"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SessionToken::Table)
                    .drop_column(SessionToken::Options)
                    .to_owned(),
            )
            .await
    }
}
