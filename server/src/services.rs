//! What the domain flows run on, whichever front door (page, SDK, API, worker) calls them.

use std::sync::Arc;

use sea_orm::{DatabaseConnection, DbErr};

use crate::catalog::{self, AppConfigInput, Catalog, CatalogError, Slug};
use crate::clock::Clock;
use crate::config::{Config, RefreshSettings, WebhookSettings};
use crate::connections::{self, AppGone, Changes, InFlight, refresh::Outcome, usage::Usage};
use crate::db;
use crate::egress::Egress;
use crate::entity::connection_event::Actor;
use crate::tenancy::Environment;
use crate::vault::{KeyringError, Vault};

/// What the flows run on, behind one `Arc`: cloning the services (every task, loop and
/// request does) copies a pointer.
#[derive(Clone)]
pub struct Services(Arc<ServiceParts>);

impl std::ops::Deref for Services {
    type Target = ServiceParts;

    fn deref(&self) -> &ServiceParts {
        &self.0
    }
}

/// The database, the vault, the catalog, the one client for providers, and the public URL.
pub struct ServiceParts {
    pub db: DatabaseConnection,
    pub catalog: Arc<Catalog>,
    pub vault: Arc<Vault>,
    /// Every request to a provider goes through it.
    pub egress: Egress,
    /// Without a trailing slash.
    pub public_url: Arc<str>,
    /// When and how often tokens are refreshed.
    pub refresh: RefreshSettings,
    /// The refresh running for each connection in this process.
    pub refreshes: Arc<InFlight<Outcome>>,
    /// Credential reads not yet written as `last_used_at`.
    pub usage: Arc<Usage>,
    /// How webhooks are delivered.
    pub webhooks: WebhookSettings,
    /// Word of changed connections and sign-ins, for the widgets watching them.
    pub changes: Changes,
    /// Providers' signing secrets, opened once.
    pub signing_secrets: Arc<crate::vault::OpenedCache>,
    /// What time it is, for every flow.
    pub clock: Clock,
    /// The statements run on `db` so far.
    pub queries: db::Queries,
}

/// Why the services could not open.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Keyring(#[from] KeyringError),
}

impl Services {
    /// Opens what the flows run on, as the settings say: the catalog, the keyring, the
    /// database (migrated), and word of changes that reaches the other replicas. The server
    /// and the command line both open them here.
    pub(crate) async fn open(config: &Config, public_url: &str) -> Result<Self, OpenError> {
        let catalog = Arc::new(Catalog::builtin()?);
        let vault = Arc::new(config.keyring.open()?);
        let queries = db::Queries::default();
        let db = db::connect_counting(&config.database_url, &queries).await?;
        db::migrate(&db).await?;
        let changes = Changes::across_replicas(&db, &config.database_url).await?;
        Ok(Self(Arc::new(ServiceParts {
            db,
            catalog,
            vault,
            egress: Egress::new(config.egress.into()),
            public_url: public_url.into(),
            refresh: config.refresh,
            refreshes: Arc::default(),
            usage: Arc::default(),
            webhooks: config.webhooks,
            changes,
            signing_secrets: Arc::default(),
            clock: Clock::system(),
            queries,
        })))
    }

    /// What the webhook worker and sends use of these.
    pub fn outbound(&self) -> crate::webhooks::Outbound {
        crate::webhooks::Outbound {
            db: self.db.clone(),
            vault: self.vault.clone(),
            egress: self.egress.clone(),
            settings: self.webhooks,
            clock: self.clock.clone(),
        }
    }

    /// An app is gone for an org's environment (see [`connections::app_gone`]).
    pub async fn app_gone(
        &self,
        org_id: &str,
        environment: Environment,
        slug: &Slug,
        how: (AppGone, Actor),
    ) -> Result<bool, DbErr> {
        let now = self.clock.now();
        let changes = &self.changes;
        let scope = (org_id, environment);
        let gone = connections::app_gone(&self.db, changes, scope, slug, how, now);
        let gone = gone.await;
        changes.org(org_id).await;
        gone
    }

    /// Enables a catalog app for an org's environment with its settings (see
    /// [`catalog::enable_app`]); every replica lists it from then on.
    pub async fn enable_app(
        &self,
        org_id: &str,
        environment: Environment,
        slug: &Slug,
        input: &AppConfigInput,
    ) -> Result<(), DbErr> {
        let now = self.clock.now();
        catalog::enable_app(&self.db, &self.vault, org_id, environment, slug, input, now).await?;
        self.changes.org(org_id).await;
        Ok(())
    }

    /// Checks an org's own app and creates it, offered, in an environment (see
    /// [`catalog::create_custom_app`]); every replica lists it from then on.
    pub async fn create_custom_app(
        &self,
        org_id: &str,
        environment: Environment,
        input: catalog::CustomAppInput,
    ) -> Result<catalog::AppDefinition, catalog::CustomAppError> {
        let checked = input.check(&self.catalog, &self.egress.policy())?;
        let (db, vault, now) = (&self.db, &self.vault, self.clock.now());
        let app = catalog::create_custom_app(db, vault, org_id, environment, checked, now).await?;
        self.changes.org(org_id).await;
        Ok(app)
    }

    /// Checks and replaces one of an org's own apps, `slug` (which cannot change); `None`
    /// when the org has no such app in the environment (see [`catalog::update_custom_app`]).
    /// Returns the app as it is now.
    pub async fn update_custom_app(
        &self,
        org_id: &str,
        environment: Environment,
        slug: &Slug,
        input: catalog::CustomAppInput,
    ) -> Result<Option<catalog::AppDefinition>, catalog::CustomAppError> {
        let checked = input.check(&self.catalog, &self.egress.policy())?;
        if checked.definition.slug != slug.as_str() {
            let refused =
                crate::input::FieldError::new("slug", "is the app's own and cannot change");
            return Err(refused.into());
        }
        let definition = checked.definition.clone();
        let (db, vault, now) = (&self.db, &self.vault, self.clock.now());
        let updated =
            catalog::update_custom_app(db, vault, org_id, environment, checked, now).await?;
        self.changes.org(org_id).await;
        Ok(updated.then_some(definition))
    }

    /// Changes how an org's pages look in an environment; every replica shows it at once.
    pub async fn change_branding(
        &self,
        org_id: &str,
        environment: Environment,
        changes: crate::branding::Changes,
    ) -> Result<crate::entity::branding::Model, crate::branding::ChangeError> {
        let row = crate::branding::change(&self.db, org_id, environment, changes, self.clock.now())
            .await?;
        self.changes.org(org_id).await;
        Ok(row)
    }

    /// Takes an uploaded logo for an environment's pages (`None` removes it). Decoding and
    /// re-encoding run on a blocking thread, not on the threads serving requests.
    pub async fn change_logo(
        &self,
        org_id: &str,
        environment: Environment,
        uploaded: Option<Vec<u8>>,
    ) -> Result<crate::entity::branding::Model, crate::branding::ChangeError> {
        let png = match uploaded {
            Some(bytes) => Some(
                tokio::task::spawn_blocking(move || crate::branding::reencode(&bytes))
                    .await
                    .map_err(|error| {
                        crate::branding::LogoError::Unreadable(format!("decoding stopped: {error}"))
                    })??,
            ),
            None => None,
        };
        let now = self.clock.now();
        let row = crate::branding::set_logo(&self.db, org_id, environment, png, now).await?;
        self.changes.org(org_id).await;
        Ok(row)
    }

    /// Revokes an API key; this replica refuses it at once and the others on hearing it.
    /// `false` when there is no such key.
    pub async fn revoke_api_key(&self, key_id: &str) -> Result<bool, DbErr> {
        let revoked = crate::tenancy::revoke_api_key(&self.db, key_id, self.clock.now()).await?;
        if let Some(org_id) = &revoked {
            self.changes.org(org_id).await;
        }
        Ok(revoked.is_some())
    }

    /// What the connection use-cases run on.
    pub(crate) fn connections(&self) -> connections::Context<'_> {
        connections::Context {
            db: &self.db,
            vault: &self.vault,
            egress: &self.egress,
            changes: &self.changes,
            usage: &self.usage,
            refresh: &self.refresh,
            clock: &self.clock,
        }
    }
}
