//! Connections and their state machine: `active` ⇄ `reauth_required(reason)`.

use app::dto::ReauthReason;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::catalog::{AppDefinition, Catalog, enabled_apps};
use crate::entity::{connection, linked_account};
use crate::secrets;
use crate::tenancy::Environment;

pub mod credentials;

/// Where a connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    ReauthRequired(ReauthReason),
}

impl Status {
    /// Reads the stored status; a flag without a known reason is reported as revoked access.
    pub fn of(record: &connection::Model) -> Self {
        match record.status {
            connection::State::ReauthRequired => Self::ReauthRequired(
                record
                    .reauth_reason
                    .map_or(ReauthReason::TokenRevoked, Into::into),
            ),
            connection::State::Active => Self::Active,
        }
    }
}

/// How a connection is named to people: the account identifier, or the app's name without one.
pub fn display_identifier(record: &connection::Model, app: &AppDefinition) -> String {
    record
        .identifier
        .clone()
        .unwrap_or_else(|| app.name.clone())
}

/// What a successful connect writes into a connection.
#[derive(Debug, Default)]
pub struct Connect<'a> {
    /// The account as the end customer knows it; `None` keeps what a reconnect had.
    pub identifier: Option<&'a str>,
    /// Sealed by the vault for this connection's id.
    pub credentials: Option<Vec<u8>>,
    pub key_id: Option<&'a str>,
    pub access_expires_at: Option<DateTime<Utc>>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
}

/// Makes a connection active: `existing` is updated in place (same id and `connected_at`, flag
/// cleared, version bumped), otherwise a new connection `id` of `slug` is recorded.
pub async fn store_active(
    db: &impl ConnectionTrait,
    linked_account: &linked_account::Model,
    slug: &str,
    id: String,
    existing: Option<connection::Model>,
    connect: Connect<'_>,
) -> Result<connection::Model, DbErr> {
    let now = Utc::now();
    let identifier = connect.identifier.map(str::to_owned);
    match existing {
        Some(record) => {
            let version = record.version;
            let identifier = identifier.or_else(|| record.identifier.clone());
            let mut active: connection::ActiveModel = record.into();
            active.identifier = Set(identifier);
            active.status = Set(connection::State::Active);
            active.reauth_reason = Set(None);
            active.credentials = Set(connect.credentials);
            active.key_id = Set(connect.key_id.map(str::to_owned));
            active.access_expires_at = Set(connect.access_expires_at);
            active.refresh_expires_at = Set(connect.refresh_expires_at);
            active.version = Set(version + 1);
            active.updated_at = Set(now);
            active.update(db).await
        }
        None => {
            connection::ActiveModel {
                id: Set(id),
                linked_account_id: Set(linked_account.id.clone()),
                slug: Set(slug.to_owned()),
                identifier: Set(identifier),
                status: Set(connection::State::Active),
                reauth_reason: Set(None),
                credentials: Set(connect.credentials),
                key_id: Set(connect.key_id.map(str::to_owned)),
                access_expires_at: Set(connect.access_expires_at),
                refresh_expires_at: Set(connect.refresh_expires_at),
                version: Set(1),
                connected_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await
        }
    }
}

/// Records a new active connection of `slug` made outside Portico's flows (no credentials).
pub async fn record_connected(
    db: &impl ConnectionTrait,
    linked_account: &linked_account::Model,
    slug: &str,
    identifier: Option<&str>,
) -> Result<connection::Model, DbErr> {
    let connect = Connect {
        identifier,
        ..Connect::default()
    };
    store_active(
        db,
        linked_account,
        slug,
        secrets::random_id(),
        None,
        connect,
    )
    .await
}

/// Flags a connection `reauth_required` with a reason. Returns whether the connection existed.
pub async fn flag_reauth_required(
    db: &impl ConnectionTrait,
    connection_id: &str,
    reason: ReauthReason,
) -> Result<bool, DbErr> {
    let Some(record) = connection::Entity::find_by_id(connection_id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let version = record.version;
    let mut active: connection::ActiveModel = record.into();
    active.status = Set(connection::State::ReauthRequired);
    active.reauth_reason = Set(Some(reason.into()));
    active.version = Set(version + 1);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(true)
}

/// Flags every connection of `slug` in an org's environment, e.g. when the org removes the app.
pub async fn flag_all_of_app(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    slug: &str,
    reason: ReauthReason,
) -> Result<u64, DbErr> {
    let accounts = Query::select()
        .column(linked_account::Column::Id)
        .from(linked_account::Entity)
        .and_where(linked_account::Column::OrgId.eq(org_id))
        .and_where(linked_account::Column::Environment.eq(environment))
        .to_owned();
    let result = connection::Entity::update_many()
        .col_expr(
            connection::Column::Status,
            Expr::value(connection::State::ReauthRequired),
        )
        .col_expr(
            connection::Column::ReauthReason,
            Expr::value(connection::Reason::from(reason)),
        )
        .col_expr(
            connection::Column::Version,
            Expr::col(connection::Column::Version).add(1),
        )
        .col_expr(connection::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(connection::Column::Slug.eq(slug))
        .filter(connection::Column::LinkedAccountId.in_subquery(accounts))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// A linked account's connections, oldest first.
pub async fn of_linked_account(
    db: &impl ConnectionTrait,
    linked_account_id: &str,
) -> Result<Vec<connection::Model>, DbErr> {
    connection::Entity::find()
        .filter(connection::Column::LinkedAccountId.eq(linked_account_id))
        .order_by_asc(connection::Column::ConnectedAt)
        .all(db)
        .await
}

/// An enabled app with the linked account's connections of it.
#[derive(Debug)]
pub struct AppWithConnections<'a> {
    pub app: std::borrow::Cow<'a, AppDefinition>,
    pub connections: Vec<connection::Model>,
}

impl AppWithConnections<'_> {
    /// The first reason any of its connections needs reauthentication, if one does.
    pub fn reauth_reason(&self) -> Option<ReauthReason> {
        self.connections
            .iter()
            .find_map(|record| match Status::of(record) {
                Status::ReauthRequired(reason) => Some(reason),
                Status::Active => None,
            })
    }
}

/// Every app the org enabled in the linked account's environment (catalog order, then the
/// org's own apps), each with the linked account's connections of it.
pub async fn apps_for_linked_account<'a>(
    db: &impl ConnectionTrait,
    catalog: &'a Catalog,
    linked_account: &linked_account::Model,
) -> Result<Vec<AppWithConnections<'a>>, DbErr> {
    let environment = linked_account.environment;
    let apps = enabled_apps(db, catalog, &linked_account.org_id, environment).await?;
    let mut connections = of_linked_account(db, &linked_account.id).await?;
    Ok(apps
        .into_iter()
        .map(|app| {
            let (mine, rest) = connections.drain(..).partition(|c| c.slug == app.slug);
            connections = rest;
            AppWithConnections {
                app,
                connections: mine,
            }
        })
        .collect())
}
