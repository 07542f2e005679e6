use sea_orm::entity::prelude::*;

/// Where an org's environment wants its events sent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_subscription")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub org_id: String,
    pub environment: super::Environment,
    pub url: String,
    /// JSON list of event names.
    pub events: String,
    pub enabled: bool,
    /// Sealed by the vault: the `whsec_` signing secret.
    pub secret: Vec<u8>,
    /// Sealed: the secret a rotation replaced, still signing until `previous_until`.
    pub previous_secret: Option<Vec<u8>>,
    pub previous_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Failed attempts in a row to this receiver (the breaker's count).
    pub failures: i32,
    /// While the breaker is open, no delivery to this receiver is claimed before then.
    pub paused_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
