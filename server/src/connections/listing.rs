//! Connections as the pages and the API list them: by linked account, grouped by app.

use app::dto::ReauthReason;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::Status;
use crate::cache::Lookups;
use crate::catalog::{AppDefinition, Catalog, enabled_apps};
use crate::entity::{connection, linked_account};
use crate::tenancy::{Environment, LinkedAccountId};

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

/// The connection of an id, or every active connection when none is given: what an operator
/// refreshes at once.
pub async fn to_refresh(
    db: &impl ConnectionTrait,
    id: Option<&str>,
) -> Result<Vec<connection::Model>, DbErr> {
    let query = match id {
        Some(id) => connection::Entity::find().filter(connection::Column::Id.eq(id)),
        None => connection::Entity::find()
            .filter(connection::Column::Status.eq(connection::State::Active)),
    };
    query.all(db).await
}

/// A linked account's connections of one app, oldest first.
pub async fn of_app(
    db: &impl ConnectionTrait,
    linked_account_id: &str,
    slug: &str,
) -> Result<Vec<connection::Model>, DbErr> {
    connection::Entity::find()
        .filter(connection::Column::LinkedAccountId.eq(linked_account_id))
        .filter(connection::Column::Slug.eq(slug))
        .order_by_asc(connection::Column::ConnectedAt)
        .all(db)
        .await
}

/// An org's linked account, by the vendor's id, with its connections of one app, read in one
/// query; `None` when the account has none of that app (or does not exist).
pub(crate) async fn of_app_named(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    external_id: &LinkedAccountId,
    slug: &str,
) -> Result<Option<(linked_account::Model, Vec<connection::Model>)>, DbErr> {
    let rows = connection::Entity::find()
        .find_also_related(linked_account::Entity)
        .filter(linked_account::Column::OrgId.eq(org_id))
        .filter(linked_account::Column::Environment.eq(environment))
        .filter(linked_account::Column::ExternalId.eq(external_id.as_str()))
        .filter(connection::Column::Slug.eq(slug))
        .order_by_asc(connection::Column::ConnectedAt)
        .all(db)
        .await?;
    let mut account = None;
    let mut mine = Vec::with_capacity(rows.len());
    for (record, owner) in rows {
        account = account.or(owner);
        mine.push(record);
    }
    Ok(account.map(|account| (account, mine)))
}

/// An app with the linked account's connections of it.
#[derive(Debug)]
pub struct AppWithConnections<'a> {
    pub app: std::borrow::Cow<'a, AppDefinition>,
    pub connections: Vec<connection::Model>,
    /// Whether the org offers the app; a turned-off app is listed only for its connections.
    pub enabled: bool,
}

impl AppWithConnections<'_> {
    /// The first reason any of its connections needs reauthentication, if one does.
    pub(crate) fn reauth_reason(&self) -> Option<ReauthReason> {
        self.connections.iter().find_map(Status::reauth_reason)
    }
}

/// Every app the org enabled in the linked account's environment (catalog order, then the
/// org's own apps), each with the linked account's connections of it; then the catalog apps
/// the org turned off that still have connections (`enabled: false`), so the page can say why
/// they wait.
pub async fn apps_for_linked_account<'a>(
    db: &impl ConnectionTrait,
    lookups: &Lookups,
    catalog: &'a Catalog,
    linked_account: &linked_account::Model,
) -> Result<Vec<AppWithConnections<'a>>, DbErr> {
    let environment = linked_account.environment;
    let apps = enabled_apps(db, lookups, catalog, &linked_account.org_id, environment).await?;
    let mut connections = of_linked_account(db, &linked_account.id).await?;
    let mut listed: Vec<AppWithConnections<'a>> = apps
        .into_iter()
        .map(|app| {
            let (mine, rest) = connections.drain(..).partition(|c| c.slug == app.slug);
            connections = rest;
            AppWithConnections {
                app,
                connections: mine,
                enabled: true,
            }
        })
        .collect();
    // What is left belongs to apps that are no longer enabled.
    for record in connections {
        let position = listed
            .iter()
            .position(|entry| !entry.enabled && entry.app.slug == record.slug);
        match position {
            Some(index) => listed[index].connections.push(record),
            None => {
                if let Some(app) = catalog.get(&record.slug) {
                    listed.push(AppWithConnections {
                        app: std::borrow::Cow::Borrowed(app),
                        connections: vec![record],
                        enabled: false,
                    });
                }
            }
        }
    }
    Ok(listed)
}
