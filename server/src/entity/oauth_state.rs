use sea_orm::entity::prelude::*;

/// One authorization in flight: single use, short-lived, found by the digest of its `state`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_state")]
pub struct Model {
    /// SHA-256 digest of the `state` value; the value itself is never stored.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub linked_account_id: String,
    pub slug: String,
    /// The connection a reconnect updates in place.
    pub connection_id: Option<String>,
    /// Sealed by the vault: the PKCE verifier and where to send the user back.
    pub secrets: Vec<u8>,
    /// `page` (same tab, back to the hosted page) or `popup` (SDK window that closes itself).
    pub mode: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub consumed_at: Option<DateTimeUtc>,
    /// Digest of the browser nonce the callback must present; `None` until a browser is bound.
    pub nonce_digest: Option<String>,
    /// Digest of the SDK start page's handle, for a flow bound when the user clicks Continue.
    pub start_digest: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
