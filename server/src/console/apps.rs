//! The console's apps: every app an org may offer in an environment (the catalog's and its
//! own), whether it is offered, its stored settings (never a secret, only whether one is set),
//! and how many of its connections work or wait to be reconnected.

use std::borrow::Cow;
use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};

use crate::catalog::{self, AppDefinition, Catalog};
use crate::entity::connection::State;
use crate::entity::{app_config, connection};
use crate::tenancy::Environment;

/// One app as the console lists it.
#[derive(Debug, Clone)]
pub struct App<'a> {
    pub definition: Cow<'a, AppDefinition>,
    /// One of the org's own apps.
    pub own: bool,
    /// Its settings in this environment, when it was ever set up here.
    pub config: Option<app_config::Model>,
    /// Its connections that work.
    pub working: u64,
    /// Its connections waiting for the customer to reconnect.
    pub to_reconnect: u64,
}

impl App<'_> {
    /// Whether customers are offered it now.
    pub fn offered(&self) -> bool {
        self.config.as_ref().is_some_and(|config| config.enabled)
    }
}

/// Every app the org may offer in an environment, the catalog's first.
pub async fn list<'a>(
    db: &impl ConnectionTrait,
    catalog: &'a Catalog,
    org_id: &str,
    environment: Environment,
) -> Result<Vec<App<'a>>, DbErr> {
    read(db, catalog, (org_id, environment), None).await
}

/// One app by slug, as [`list`] gives it.
pub async fn find<'a>(
    db: &impl ConnectionTrait,
    catalog: &'a Catalog,
    org_id: &str,
    environment: Environment,
    slug: &str,
) -> Result<Option<App<'a>>, DbErr> {
    let found = read(db, catalog, (org_id, environment), Some(slug)).await?;
    Ok(found.into_iter().next())
}

/// The apps, or only the one with slug `only`, with their settings and counts.
async fn read<'a>(
    db: &impl ConnectionTrait,
    catalog: &'a Catalog,
    (org_id, environment): (&str, Environment),
    only: Option<&str>,
) -> Result<Vec<App<'a>>, DbErr> {
    let mut apps = catalog::all_apps(db, catalog, org_id, environment).await?;
    apps.retain(|(app, _)| only.is_none_or(|slug| app.slug == slug));
    let mut configs: HashMap<String, app_config::Model> = catalog::configs(db, org_id, environment)
        .await?
        .into_iter()
        .map(|config| (config.slug.clone(), config))
        .collect();
    let counted: Vec<(String, State, i64)> = connection::Entity::find()
        .select_only()
        .column(connection::Column::Slug)
        .column(connection::Column::Status)
        .column_as(connection::Column::Id.count(), "n")
        .filter(
            connection::Column::LinkedAccountId
                .in_subquery(crate::tenancy::account_ids(org_id, environment)),
        )
        .apply_if(only, |query, slug| {
            query.filter(connection::Column::Slug.eq(slug))
        })
        .group_by(connection::Column::Slug)
        .group_by(connection::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<String, (u64, u64)> = HashMap::new();
    for (slug, state, n) in counted {
        let entry = counts.entry(slug).or_default();
        let n = u64::try_from(n).unwrap_or(0);
        match state {
            State::Active => entry.0 += n,
            State::ReauthRequired => entry.1 += n,
        }
    }
    Ok(apps
        .into_iter()
        .map(|(definition, own)| {
            let (working, to_reconnect) = counts.get(&definition.slug).copied().unwrap_or_default();
            App {
                config: configs.remove(&definition.slug),
                definition,
                own,
                working,
                to_reconnect,
            }
        })
        .collect())
}
