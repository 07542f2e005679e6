use sea_orm::entity::prelude::*;

/// How an org's pages look in one environment; each value left out falls back to the org's.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "branding")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub environment: super::Environment,
    pub name: Option<String>,
    /// `#rrggbb`, checked for contrast when set.
    pub accent: Option<String>,
    /// The digest of the logo in `brand_logo`.
    pub logo: Option<String>,
    /// Whether the pages say "Secured by Portico".
    pub secured_by: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
