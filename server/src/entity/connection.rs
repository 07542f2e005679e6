use sea_orm::entity::prelude::*;

/// One connected account of one app for one linked account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "connection")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub linked_account_id: String,
    pub slug: String,
    pub identifier: Option<String>,
    pub status: State,
    /// Set exactly when `status` is `reauth_required`.
    pub reauth_reason: Option<Reason>,
    /// Encrypted by the vault; never stored in the clear.
    pub credentials: Option<Vec<u8>>,
    pub key_id: Option<String>,
    pub access_expires_at: Option<DateTimeUtc>,
    pub refresh_expires_at: Option<DateTimeUtc>,
    /// Bumped on every change, for optimistic concurrency between replicas.
    pub version: i64,
    pub connected_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The provider's stable id of the account, when the app names one.
    pub account_id: Option<String>,
    /// Until when one refresher holds the right to call the provider.
    pub lease_until: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    /// Not before this instant does the worker try a failing refresh again.
    pub retry_at: Option<DateTimeUtc>,
    /// Transient refresh failures in a row.
    pub failures: i32,
    /// When a key-based connection was last verified with its provider.
    pub checked_at: Option<DateTimeUtc>,
    /// When `Connection Expiring` was sent for the current expiry.
    pub expiring_sent_at: Option<DateTimeUtc>,
    /// When a credentials read last tried the provider while the worker was backing off.
    pub probed_at: Option<DateTimeUtc>,
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

/// Whether Portico can still authenticate a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum State {
    Active,
    ReauthRequired,
}

/// Why a connection needs reauthentication, as stored; the same words as the API's reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum Reason {
    CredentialsExpired,
    TokenRevoked,
    RefreshTokenExpired,
    AppUninstalled,
    AppDeleted,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::ReauthRequired => "reauth_required",
        }
    }
}

impl Reason {
    /// The wire value, as the API and webhooks say it.
    pub fn as_str(self) -> &'static str {
        app::dto::ReauthReason::from(self).as_str()
    }
}

impl From<Reason> for app::dto::ReauthReason {
    fn from(reason: Reason) -> Self {
        match reason {
            Reason::CredentialsExpired => Self::CredentialsExpired,
            Reason::TokenRevoked => Self::TokenRevoked,
            Reason::RefreshTokenExpired => Self::RefreshTokenExpired,
            Reason::AppUninstalled => Self::AppUninstalled,
            Reason::AppDeleted => Self::AppDeleted,
        }
    }
}

impl From<app::dto::ReauthReason> for Reason {
    fn from(reason: app::dto::ReauthReason) -> Self {
        use app::dto::ReauthReason;
        match reason {
            ReauthReason::CredentialsExpired => Self::CredentialsExpired,
            ReauthReason::TokenRevoked => Self::TokenRevoked,
            ReauthReason::RefreshTokenExpired => Self::RefreshTokenExpired,
            ReauthReason::AppUninstalled => Self::AppUninstalled,
            ReauthReason::AppDeleted => Self::AppDeleted,
        }
    }
}
