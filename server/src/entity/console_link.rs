use sea_orm::entity::prelude::*;

/// A one-time sign-in link to an org's console in one environment, found by its token's digest.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "console_link")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub org_id: String,
    pub environment: super::Environment,
    pub digest: String,
    pub expires_at: DateTimeUtc,
    /// Set when the link signs someone in; it never does again.
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
