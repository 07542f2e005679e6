use sea_orm::entity::prelude::*;

/// An org's own application in one environment, listed beside the catalog's.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custom_app")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub org_id: String,
    pub environment: super::Environment,
    pub slug: String,
    /// The application definition as JSON. Its OAuth client lives in `app_config`, like a
    /// catalog app's.
    pub definition: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
