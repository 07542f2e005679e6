use sea_orm::entity::prelude::*;

/// A session token or hosted link for one linked account, stored as a digest only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_token")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub digest: String,
    pub linked_account_id: String,
    /// `session` (SDK bearer token), `hosted` (connect link) or `embed` (widget).
    pub purpose: String,
    /// JSON branding overrides for the hosted page.
    pub branding: String,
    /// JSON: the apps the link or widget shows, and the one it opens on.
    pub options: String,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::linked_account::Entity",
        from = "Column::LinkedAccountId",
        to = "super::linked_account::Column::Id"
    )]
    LinkedAccount,
}

impl Related<super::linked_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::LinkedAccount.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
