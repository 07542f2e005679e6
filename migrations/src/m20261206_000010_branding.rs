//! How an org's pages look in each environment (name, accent colour, logo, the "Secured by
//! Portico" line), and the logos themselves: re-encoded PNGs named by the digest of their bytes.

use sea_orm_migration::prelude::*;

use crate::columns::{cascade, environment, reference, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Org {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Branding {
    Table,
    OrgId,
    Environment,
    Name,
    Accent,
    /// The digest naming the logo in `brand_logo`, when there is one.
    Logo,
    SecuredBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BrandLogo {
    Table,
    /// Hex SHA-256 of the PNG bytes.
    Digest,
    Png,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BrandLogo::Table)
                    .col(
                        ColumnDef::new(BrandLogo::Digest)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(BrandLogo::Png).blob().not_null())
                    .col(timestamp(BrandLogo::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Branding::Table)
                    .col(reference(Branding::OrgId))
                    .col(environment(Branding::Environment))
                    .col(ColumnDef::new(Branding::Name).string_len(200).null())
                    .col(ColumnDef::new(Branding::Accent).string_len(7).null())
                    .col(ColumnDef::new(Branding::Logo).string_len(64).null())
                    .col(
                        ColumnDef::new(Branding::SecuredBy)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(timestamp(Branding::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(Branding::OrgId)
                            .col(Branding::Environment),
                    )
                    .foreign_key(&mut cascade(
                        (Branding::Table, Branding::OrgId),
                        (Org::Table, Org::Id),
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Branding::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(BrandLogo::Table).to_owned())
            .await
    }
}
