use sea_orm::entity::prelude::*;

/// A vendor using Portico.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "org")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    pub brand_color: String,
    pub logo_url: Option<String>,
    /// JSON array of origins allowed to embed the widget and call the SDK routes.
    pub allowed_origins: String,
    pub created_at: DateTimeUtc,
    /// The language of its pages when neither the link nor the browser names one.
    pub locale: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
