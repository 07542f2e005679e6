use sea_orm::entity::prelude::*;

/// Whether an org offers an app in one environment, and with which OAuth client.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_config")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub org_id: String,
    pub environment: super::Environment,
    pub slug: String,
    pub enabled: bool,
    pub client_id: Option<String>,
    /// Encrypted by the vault; never stored in the clear.
    pub client_secret: Option<Vec<u8>>,
    /// Encrypted by the vault: what the provider signs its events with.
    pub signing_secret: Option<Vec<u8>>,
    /// Space-separated scopes overriding the app's defaults.
    pub scopes: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
