//! Tenancy, app configuration, connections and session tokens.

use sea_orm_migration::prelude::*;

use crate::columns::{cascade, environment, id_column, optional_timestamp, reference, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Org {
    Table,
    Id,
    Name,
    BrandColor,
    LogoUrl,
    AllowedOrigins,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiKey {
    Table,
    Id,
    OrgId,
    Environment,
    Prefix,
    Digest,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum LinkedAccount {
    Table,
    Id,
    OrgId,
    Environment,
    ExternalId,
    Name,
    Udf,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AppConfig {
    Table,
    Id,
    OrgId,
    Environment,
    Slug,
    Enabled,
    ClientId,
    ClientSecret,
    Scopes,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Connection {
    Table,
    Id,
    LinkedAccountId,
    Slug,
    Identifier,
    Status,
    ReauthReason,
    Credentials,
    KeyId,
    AccessExpiresAt,
    RefreshExpiresAt,
    Version,
    ConnectedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SessionToken {
    Table,
    Id,
    Digest,
    LinkedAccountId,
    Purpose,
    Branding,
    ExpiresAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Org::Table)
                    .col(id_column(Org::Id))
                    .col(ColumnDef::new(Org::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Org::BrandColor).string_len(16).not_null())
                    .col(ColumnDef::new(Org::LogoUrl).string_len(2048).null())
                    .col(ColumnDef::new(Org::AllowedOrigins).text().not_null())
                    .col(timestamp(Org::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiKey::Table)
                    .col(id_column(ApiKey::Id))
                    .col(reference(ApiKey::OrgId))
                    .col(environment(ApiKey::Environment))
                    .col(
                        ColumnDef::new(ApiKey::Prefix)
                            .string_len(32)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(ApiKey::Digest).string_len(64).not_null())
                    .col(timestamp(ApiKey::CreatedAt))
                    .col(optional_timestamp(ApiKey::LastUsedAt))
                    .col(optional_timestamp(ApiKey::RevokedAt))
                    .foreign_key(&mut cascade(
                        (ApiKey::Table, ApiKey::OrgId),
                        (Org::Table, Org::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LinkedAccount::Table)
                    .col(id_column(LinkedAccount::Id))
                    .col(reference(LinkedAccount::OrgId))
                    .col(environment(LinkedAccount::Environment))
                    .col(
                        ColumnDef::new(LinkedAccount::ExternalId)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(ColumnDef::new(LinkedAccount::Name).string_len(255).null())
                    .col(ColumnDef::new(LinkedAccount::Udf).text().not_null())
                    .col(timestamp(LinkedAccount::CreatedAt))
                    .col(timestamp(LinkedAccount::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (LinkedAccount::Table, LinkedAccount::OrgId),
                        (Org::Table, Org::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("linked_account_external_id")
                    .table(LinkedAccount::Table)
                    .col(LinkedAccount::OrgId)
                    .col(LinkedAccount::Environment)
                    .col(LinkedAccount::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AppConfig::Table)
                    .col(id_column(AppConfig::Id))
                    .col(reference(AppConfig::OrgId))
                    .col(environment(AppConfig::Environment))
                    .col(ColumnDef::new(AppConfig::Slug).string_len(64).not_null())
                    .col(ColumnDef::new(AppConfig::Enabled).boolean().not_null())
                    .col(ColumnDef::new(AppConfig::ClientId).string_len(512).null())
                    .col(ColumnDef::new(AppConfig::ClientSecret).blob().null())
                    .col(ColumnDef::new(AppConfig::Scopes).text().null())
                    .col(timestamp(AppConfig::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (AppConfig::Table, AppConfig::OrgId),
                        (Org::Table, Org::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("app_config_org_slug")
                    .table(AppConfig::Table)
                    .col(AppConfig::OrgId)
                    .col(AppConfig::Environment)
                    .col(AppConfig::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Connection::Table)
                    .col(id_column(Connection::Id))
                    .col(reference(Connection::LinkedAccountId))
                    .col(ColumnDef::new(Connection::Slug).string_len(64).not_null())
                    .col(
                        ColumnDef::new(Connection::Identifier)
                            .string_len(512)
                            .null(),
                    )
                    .col(ColumnDef::new(Connection::Status).string_len(32).not_null())
                    .col(
                        ColumnDef::new(Connection::ReauthReason)
                            .string_len(32)
                            .null(),
                    )
                    .col(ColumnDef::new(Connection::Credentials).blob().null())
                    .col(ColumnDef::new(Connection::KeyId).string_len(64).null())
                    .col(optional_timestamp(Connection::AccessExpiresAt))
                    .col(optional_timestamp(Connection::RefreshExpiresAt))
                    .col(ColumnDef::new(Connection::Version).big_integer().not_null())
                    .col(timestamp(Connection::ConnectedAt))
                    .col(timestamp(Connection::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Connection::Table, Connection::LinkedAccountId),
                        (LinkedAccount::Table, LinkedAccount::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("connection_linked_account_slug")
                    .table(Connection::Table)
                    .col(Connection::LinkedAccountId)
                    .col(Connection::Slug)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SessionToken::Table)
                    .col(id_column(SessionToken::Id))
                    .col(
                        ColumnDef::new(SessionToken::Digest)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(reference(SessionToken::LinkedAccountId))
                    .col(
                        ColumnDef::new(SessionToken::Purpose)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(SessionToken::Branding).text().not_null())
                    .col(timestamp(SessionToken::ExpiresAt))
                    .col(timestamp(SessionToken::CreatedAt))
                    .foreign_key(&mut cascade(
                        (SessionToken::Table, SessionToken::LinkedAccountId),
                        (LinkedAccount::Table, LinkedAccount::Id),
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SessionToken::Table.into_iden(),
            Connection::Table.into_iden(),
            AppConfig::Table.into_iden(),
            LinkedAccount::Table.into_iden(),
            ApiKey::Table.into_iden(),
            Org::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
