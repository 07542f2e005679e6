//! Browser binding: hosted-page sessions, the nonce and start handle of an authorization, the
//! origins orgs allow (indexed, for CORS preflights), and the indexes lookups by linked account
//! and org need.

use sea_orm_migration::{prelude::*, sea_orm::ConnectionTrait};

use crate::columns::{cascade, reference, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HostedSession {
    Table,
    /// The SHA-256 digest of the session id the cookie carries.
    Id,
    /// JSON: the link the session was opened with, and one-time messages for the next page.
    Data,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum OauthState {
    Table,
    LinkedAccountId,
    /// Digest of the browser nonce the callback must present; null until a browser is bound.
    NonceDigest,
    /// Digest of the handle of the SDK's start page, for flows bound on a later click.
    StartDigest,
}

#[derive(DeriveIden)]
enum SessionToken {
    Table,
    LinkedAccountId,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ApiKey {
    Table,
    OrgId,
}

#[derive(DeriveIden)]
enum Org {
    Table,
    Id,
    AllowedOrigins,
}

#[derive(DeriveIden)]
enum AllowedOrigin {
    Table,
    Origin,
    OrgId,
}

/// Copies each org's allowed origins (a JSON list on the org) into `allowed_origin`.
async fn backfill_allowed_origins(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let select = Query::select()
        .columns([Org::Id, Org::AllowedOrigins])
        .from(Org::Table)
        .to_owned();
    for row in db.query_all(&select).await? {
        let org_id: String = row.try_get("", "id")?;
        let list: String = row.try_get("", "allowed_origins")?;
        let origins: Vec<String> = serde_json::from_str(&list).unwrap_or_default();
        for origin in origins {
            let insert = Query::insert()
                .into_table(AllowedOrigin::Table)
                .columns([AllowedOrigin::Origin, AllowedOrigin::OrgId])
                .values_panic([origin.into(), org_id.clone().into()])
                .on_conflict(
                    OnConflict::columns([AllowedOrigin::Origin, AllowedOrigin::OrgId])
                        .do_nothing()
                        .to_owned(),
                )
                .to_owned();
            db.execute(&insert).await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HostedSession::Table)
                    .col(
                        ColumnDef::new(HostedSession::Id)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(HostedSession::Data).text().not_null())
                    .col(timestamp(HostedSession::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("hosted_session_expires_at")
                    .table(HostedSession::Table)
                    .col(HostedSession::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        for column in [OauthState::NonceDigest, OauthState::StartDigest] {
            manager
                .alter_table(
                    Table::alter()
                        .table(OauthState::Table)
                        .add_column(ColumnDef::new(column).string_len(64).null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("oauth_state_start_digest")
                    .table(OauthState::Table)
                    .col(OauthState::StartDigest)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("oauth_state_linked_account_id")
                    .table(OauthState::Table)
                    .col(OauthState::LinkedAccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("session_token_linked_account_id")
                    .table(SessionToken::Table)
                    .col(SessionToken::LinkedAccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("session_token_expires_at")
                    .table(SessionToken::Table)
                    .col(SessionToken::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("api_key_org_id")
                    .table(ApiKey::Table)
                    .col(ApiKey::OrgId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AllowedOrigin::Table)
                    .col(
                        ColumnDef::new(AllowedOrigin::Origin)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(reference(AllowedOrigin::OrgId))
                    .primary_key(
                        Index::create()
                            .col(AllowedOrigin::Origin)
                            .col(AllowedOrigin::OrgId),
                    )
                    .foreign_key(&mut cascade(
                        (AllowedOrigin::Table, AllowedOrigin::OrgId),
                        (Org::Table, Org::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        backfill_allowed_origins(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AllowedOrigin::Table).to_owned())
            .await?;
        for (name, table) in [
            ("api_key_org_id", ApiKey::Table.into_iden()),
            ("session_token_expires_at", SessionToken::Table.into_iden()),
            (
                "session_token_linked_account_id",
                SessionToken::Table.into_iden(),
            ),
            (
                "oauth_state_linked_account_id",
                OauthState::Table.into_iden(),
            ),
            ("oauth_state_start_digest", OauthState::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for column in [OauthState::StartDigest, OauthState::NonceDigest] {
            manager
                .alter_table(
                    Table::alter()
                        .table(OauthState::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(HostedSession::Table).to_owned())
            .await
    }
}
