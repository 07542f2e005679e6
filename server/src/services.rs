//! What the domain flows run on, whichever front door (page, SDK, API, worker) calls them.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::catalog::Catalog;
use crate::egress::Egress;
use crate::vault::Vault;

/// The database, the vault, the catalog, the one client for providers, and the public URL.
#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub catalog: Arc<Catalog>,
    pub vault: Arc<Vault>,
    /// Every request to a provider goes through it.
    pub egress: Egress,
    /// Without a trailing slash.
    pub public_url: Arc<str>,
}
