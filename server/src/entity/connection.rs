use sea_orm::entity::prelude::*;

/// One connected account of one app for one linked account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "connection")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub linked_account_id: String,
    pub slug: String,
    pub identifier: Option<String>,
    /// `active` or `reauth_required`.
    pub status: String,
    pub reauth_reason: Option<String>,
    /// Encrypted by the vault; never stored in the clear.
    pub credentials: Option<Vec<u8>>,
    pub key_id: Option<String>,
    pub access_expires_at: Option<DateTimeUtc>,
    pub refresh_expires_at: Option<DateTimeUtc>,
    /// Bumped on every change, for optimistic concurrency between replicas.
    pub version: i64,
    pub connected_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
