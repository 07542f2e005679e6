use sea_orm::entity::prelude::*;

/// A provider's signed event, seen once within its signature's window: the same event again
/// is a replay.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hook_receipt")]
pub struct Model {
    /// Digest of the slug, timestamp and signature.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub seen_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
