//! OAuth: authorization states, org custom apps and the built-in sandbox provider's grants.

use sea_orm_migration::prelude::*;

use crate::columns::{cascade, environment, id_column, optional_timestamp, reference, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LinkedAccount {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Org {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OauthState {
    Table,
    /// The SHA-256 digest of the state value sent to the provider.
    Id,
    LinkedAccountId,
    Slug,
    ConnectionId,
    /// Sealed: the PKCE verifier and where to return.
    Secrets,
    Mode,
    CreatedAt,
    ExpiresAt,
    ConsumedAt,
}

#[derive(DeriveIden)]
enum CustomApp {
    Table,
    Id,
    OrgId,
    Environment,
    Slug,
    Definition,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SandboxGrant {
    Table,
    Id,
    ClientId,
    Account,
    Scope,
    RedirectUri,
    CodeDigest,
    CodeChallenge,
    CodeExpiresAt,
    AccessDigest,
    AccessExpiresAt,
    RefreshDigest,
    RefreshExpiresAt,
    RevokedAt,
    CreatedAt,
}

fn digest_column<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .string_len(64)
        .null()
        .unique_key()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OauthState::Table)
                    .col(
                        ColumnDef::new(OauthState::Id)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(reference(OauthState::LinkedAccountId))
                    .col(ColumnDef::new(OauthState::Slug).string_len(64).not_null())
                    .col(
                        ColumnDef::new(OauthState::ConnectionId)
                            .string_len(32)
                            .null(),
                    )
                    .col(ColumnDef::new(OauthState::Secrets).blob().not_null())
                    .col(ColumnDef::new(OauthState::Mode).string_len(16).not_null())
                    .col(timestamp(OauthState::CreatedAt))
                    .col(timestamp(OauthState::ExpiresAt))
                    .col(optional_timestamp(OauthState::ConsumedAt))
                    .foreign_key(&mut cascade(
                        (OauthState::Table, OauthState::LinkedAccountId),
                        (LinkedAccount::Table, LinkedAccount::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CustomApp::Table)
                    .col(id_column(CustomApp::Id))
                    .col(reference(CustomApp::OrgId))
                    .col(environment(CustomApp::Environment))
                    .col(ColumnDef::new(CustomApp::Slug).string_len(64).not_null())
                    .col(ColumnDef::new(CustomApp::Definition).text().not_null())
                    .col(timestamp(CustomApp::CreatedAt))
                    .col(timestamp(CustomApp::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (CustomApp::Table, CustomApp::OrgId),
                        (Org::Table, Org::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("custom_app_org_environment_slug")
                    .table(CustomApp::Table)
                    .col(CustomApp::OrgId)
                    .col(CustomApp::Environment)
                    .col(CustomApp::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SandboxGrant::Table)
                    .col(id_column(SandboxGrant::Id))
                    .col(
                        ColumnDef::new(SandboxGrant::ClientId)
                            .string_len(512)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SandboxGrant::Account)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SandboxGrant::Scope)
                            .string_len(1024)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SandboxGrant::RedirectUri)
                            .string_len(2048)
                            .not_null(),
                    )
                    .col(digest_column(SandboxGrant::CodeDigest))
                    .col(
                        ColumnDef::new(SandboxGrant::CodeChallenge)
                            .string_len(128)
                            .null(),
                    )
                    .col(optional_timestamp(SandboxGrant::CodeExpiresAt))
                    .col(digest_column(SandboxGrant::AccessDigest))
                    .col(optional_timestamp(SandboxGrant::AccessExpiresAt))
                    .col(digest_column(SandboxGrant::RefreshDigest))
                    .col(optional_timestamp(SandboxGrant::RefreshExpiresAt))
                    .col(optional_timestamp(SandboxGrant::RevokedAt))
                    .col(timestamp(SandboxGrant::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SandboxGrant::Table.into_iden(),
            CustomApp::Table.into_iden(),
            OauthState::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
