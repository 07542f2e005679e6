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
    /// The vendor set (or cleared) when a key-based connection's credentials stop working.
    ExpirySet,
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
    /// Someone signed in to the vendor's console.
    Console,
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
            Self::ExpirySet => "expiry_set",
        }
    }
}

/// The transitions that are webhook events, with the names the seed gives them. A refresh is
/// not one.
pub const WEBHOOK_EVENTS: [(Kind, &str); 5] = [
    (Kind::Connected, "Connection Created"),
    (Kind::Flagged, "Connection Expired"),
    (Kind::Reconnected, "Connection Reconnected"),
    (Kind::Disconnected, "Connection Deleted"),
    (Kind::Expiring, "Connection Expiring"),
];

impl Kind {
    /// The webhook event this transition is, if any.
    pub fn event_name(self) -> Option<&'static str> {
        WEBHOOK_EVENTS
            .iter()
            .find(|(kind, _)| *kind == self)
            .map(|(_, name)| *name)
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
            Self::Console => "console",
        }
    }
}
