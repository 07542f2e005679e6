use sea_orm::entity::prelude::*;

/// A sign-in as another account than the connection being reconnected, held while the
/// person chooses: keep it as another connection, or sign in again as the right account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pending_connection")]
pub struct Model {
    /// The digest of the handle the choice page posts to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub linked_account_id: String,
    pub slug: String,
    pub reconnect_of: String,
    /// Sealed by the vault: the other account's tokens.
    pub secrets: Vec<u8>,
    pub nonce_digest: String,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
