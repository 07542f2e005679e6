use sea_orm::entity::prelude::*;

use super::{Environment, connection::Reason};

/// One transition of one connection: who did what, when and why. Kept after the connection
/// is gone; the id orders events and serves as a cursor.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "connection_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub environment: Environment,
    pub linked_account_id: String,
    pub connection_id: String,
    pub slug: String,
    pub identifier: Option<String>,
    pub kind: Kind,
    pub reason: Option<Reason>,
    pub actor: Actor,
    /// Why, in words; never a secret.
    pub detail: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What happened to the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum Kind {
    Connected,
    Refreshed,
    Flagged,
    Reconnected,
    Disconnected,
    /// The credentials will stop working soon (a known expiry is near); sent once.
    Expiring,
}

/// Who caused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum Actor {
    /// The end customer, on the hosted page, the widget or the vendor's front end.
    EndCustomer,
    /// The vendor, through the API.
    Vendor,
    /// An operator, through the command line.
    Operator,
    /// The provider: a refusal, or an event it sent.
    Provider,
    /// Portico itself, e.g. a scheduled refresh.
    Portico,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::Refreshed => "refreshed",
            Self::Flagged => "flagged",
            Self::Reconnected => "reconnected",
            Self::Disconnected => "disconnected",
            Self::Expiring => "expiring",
        }
    }
}

impl Kind {
    /// The webhook event this transition is, if any: a refresh is not one.
    pub fn event_name(self) -> Option<&'static str> {
        match self {
            Self::Connected => Some("Connection Created"),
            Self::Flagged => Some("Connection Expired"),
            Self::Reconnected => Some("Connection Reconnected"),
            Self::Disconnected => Some("Connection Deleted"),
            Self::Expiring => Some("Connection Expiring"),
            Self::Refreshed => None,
        }
    }
}

impl Actor {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EndCustomer => "end_customer",
            Self::Vendor => "vendor",
            Self::Operator => "operator",
            Self::Provider => "provider",
            Self::Portico => "portico",
        }
    }
}
