use sea_orm::entity::prelude::*;

/// One authorization the built-in sandbox provider granted; codes and tokens as digests only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sandbox_grant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub client_id: String,
    /// The account name the user chose on the sandbox's consent page.
    pub account: String,
    pub scope: String,
    pub redirect_uri: String,
    pub code_digest: Option<String>,
    pub code_challenge: Option<String>,
    pub code_expires_at: Option<DateTimeUtc>,
    pub access_digest: Option<String>,
    pub access_expires_at: Option<DateTimeUtc>,
    pub refresh_digest: Option<String>,
    pub refresh_expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    /// The refresh token the last rotation replaced: presenting it again is a reuse.
    pub previous_refresh_digest: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
