//! Finding an app for an org: the built-in catalog merged with the org's own apps.

use std::borrow::Cow;

use sea_orm::{ConnectionTrait, DbErr};

use super::{AppDefinition, Catalog, app_config::enabled_slugs, custom};
use crate::cache::Lookups;
use crate::tenancy::Environment;

/// An app by slug for an org's environment: built in, or the org's own.
pub async fn definition(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
    org_id: &str,
    environment: Environment,
    slug: &str,
) -> Result<Option<AppDefinition>, DbErr> {
    if let Some(app) = catalog.get(slug) {
        return Ok(Some(app.clone()));
    }
    custom::own_app(db, org_id, environment, slug).await
}

/// Every app an org has enabled in an environment: catalog apps in catalog order, then its
/// own apps by name.
pub async fn enabled_apps<'a>(
    db: &impl ConnectionTrait,
    lookups: &Lookups,
    catalog: &'a Catalog,
    org_id: &str,
    environment: Environment,
) -> Result<Vec<Cow<'a, AppDefinition>>, DbErr> {
    let enabled = enabled_slugs(db, lookups, org_id, environment).await?;
    let mut apps: Vec<_> = catalog
        .apps()
        .iter()
        .filter(|app| enabled.contains(&app.slug))
        .map(Cow::Borrowed)
        .collect();
    if enabled.iter().any(|slug| catalog.get(slug).is_none()) {
        let mut own = custom::all(db, org_id, environment).await?;
        own.retain(|app| enabled.contains(&app.slug));
        own.sort_by_key(|app| app.name.to_lowercase());
        apps.extend(own.into_iter().map(Cow::Owned));
    }
    Ok(apps)
}

/// Every app an org may offer in an environment, offered or not: the catalog's in catalog
/// order, then its own by name (`true` beside each of its own).
pub async fn all_apps<'a>(
    db: &impl ConnectionTrait,
    catalog: &'a Catalog,
    org_id: &str,
    environment: Environment,
) -> Result<Vec<(Cow<'a, AppDefinition>, bool)>, DbErr> {
    let mut own = custom::all(db, org_id, environment).await?;
    own.sort_by_key(|app| app.name.to_lowercase());
    let builtin = catalog.apps().iter().map(|app| (Cow::Borrowed(app), false));
    Ok(builtin
        .chain(own.into_iter().map(|app| (Cow::Owned(app), true)))
        .collect())
}
