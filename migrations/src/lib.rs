//! The Portico schema: every table is defined here and nowhere else.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261128_000001_foundation;
mod m20261128_000002_oauth;
mod m20261129_000003_browser_binding;
mod m20261129_000004_lifecycle;
mod m20261129_000005_webhooks;
mod m20261206_000006_hardening;
mod m20261206_000007_worker_indexes;
mod m20261206_000008_link_options;
mod m20261206_000009_org_locale;
mod m20261206_000010_branding;
mod m20261206_000011_console_link;

/// Applies Portico's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_foundation::Migration),
            Box::new(m20261128_000002_oauth::Migration),
            Box::new(m20261129_000003_browser_binding::Migration),
            Box::new(m20261129_000004_lifecycle::Migration),
            Box::new(m20261129_000005_webhooks::Migration),
            Box::new(m20261206_000006_hardening::Migration),
            Box::new(m20261206_000007_worker_indexes::Migration),
            Box::new(m20261206_000008_link_options::Migration),
            Box::new(m20261206_000009_org_locale::Migration),
            Box::new(m20261206_000010_branding::Migration),
            Box::new(m20261206_000011_console_link::Migration),
        ]
    }
}
