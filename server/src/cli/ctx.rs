//! What every command runs on: the settings and the services the server itself opens, plus the
//! lookups commands share (an org, a linked account, a catalog app, a hosted link).

use chrono::Duration;

use super::CliError;
use crate::catalog::Slug;
use crate::config::Config;
use crate::entity::{linked_account, org};
use crate::services::Services;
use crate::sessions::{self, Issue, Purpose};
use crate::tenancy::{self, Environment, LinkedAccountId};

/// Which org and environment a command is about.
#[derive(clap::Args, Debug)]
pub struct OrgArgs {
    #[arg(long)]
    pub org: String,
    #[arg(long)]
    pub environment: Environment,
}

/// Which linked account a command is about.
#[derive(clap::Args, Debug)]
pub struct AccountArgs {
    #[command(flatten)]
    pub org: OrgArgs,
    #[arg(long)]
    pub linked_account: String,
}

/// The services, opened once per command as the server opens them.
pub(crate) struct Ctx {
    pub services: Services,
}

/// A hosted link as the command line prints it.
pub(super) struct HostedLink {
    pub id: String,
    pub url: String,
    pub expires_at: String,
}

impl Ctx {
    /// Opens the services as the server does (its public URL, else the address it binds).
    pub(crate) async fn open(config: Config) -> Result<Self, CliError> {
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", config.bind));
        let services = Services::open(&config, &public_url).await?;
        Ok(Self { services })
    }

    pub(crate) fn db(&self) -> &sea_orm::DatabaseConnection {
        &self.services.db
    }

    pub(crate) fn public_url(&self) -> &str {
        &self.services.public_url
    }

    pub(super) async fn org(&self, id: &str) -> Result<org::Model, CliError> {
        tenancy::find_org(self.db(), id)
            .await?
            .ok_or_else(|| CliError::new(format!("no org with id {id}")))
    }

    /// The linked account the arguments name.
    pub(super) async fn account(
        &self,
        args: &AccountArgs,
    ) -> Result<linked_account::Model, CliError> {
        let org = self.org(&args.org.org).await?;
        let (environment, id) = (args.org.environment, &args.linked_account);
        tenancy::find_linked_account(
            self.db(),
            &org.id,
            environment,
            &LinkedAccountId::parse(id)?,
        )
        .await?
        .ok_or_else(|| {
            CliError::new(format!(
                "no linked account {id} in {}",
                environment.as_str()
            ))
        })
    }

    /// A slug of the built-in catalog.
    pub(super) fn catalog_slug(&self, value: &str) -> Result<Slug, CliError> {
        let slug = Slug::parse(value)?;
        if self.services.catalog.get(slug.as_str()).is_none() {
            return Err(CliError::new(format!("no app `{value}` in the catalog")));
        }
        Ok(slug)
    }

    pub(super) async fn hosted_link(
        &self,
        account: &linked_account::Model,
        ttl: Duration,
    ) -> Result<HostedLink, CliError> {
        let issued = sessions::issue(
            self.db(),
            account,
            &Issue::plain(Purpose::Hosted, ttl),
            self.services.clock.now(),
        )
        .await?;
        Ok(HostedLink {
            id: issued.id,
            url: format!("{}/connect/{}", self.public_url(), issued.token),
            expires_at: crate::http::timestamp(issued.expires_at),
        })
    }
}
