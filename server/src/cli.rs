//! The `portico` command line: serve, migrate, and create what an operator needs.

mod webhook;

use chrono::Duration;
use clap::{Parser, Subcommand, ValueEnum};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use app::dto::ReauthReason;

use crate::catalog::{self, AppConfigInput, Catalog, Slug};
use crate::config::{Config, Settings};
use crate::connections;
use crate::db;
use crate::entity::{connection, connection_event::Actor, org};
use crate::input::HexColor;
use crate::sandbox;
use crate::sessions::{self, Branding, Purpose};
use crate::startup::Portico;
use crate::tenancy::{self, Environment, LinkedAccountId, LinkedAccountInput};
use crate::vault::Vault;

#[derive(Parser, Debug)]
#[command(
    name = "portico",
    version,
    about = "Portico: a self-hostable connect portal"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate the database and serve the portal and API.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage orgs.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// Manage linked accounts.
    #[command(subcommand, name = "linked-account")]
    LinkedAccount(LinkedAccountCommand),
    /// Manage which catalog apps an org offers.
    #[command(subcommand)]
    App(AppCommand),
    /// Create hosted connect links.
    #[command(subcommand)]
    Link(LinkCommand),
    /// Inspect and change connections.
    #[command(subcommand)]
    Connection(ConnectionCommand),
    /// Manage the encryption keyring.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Control the built-in sandbox provider: revoke or expire the tokens it issued.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
    /// See webhook subscriptions and their deliveries; send a test message; replay events.
    #[command(subcommand)]
    Webhook(webhook::WebhookCommand),
    /// Seed a demo org, linked account and hosted link (safe to run again).
    Demo {
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// How a command prints what it created.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Sentences for a person.
    Human,
    /// `PORTICO_NAME=value` lines for `eval`.
    Env,
    /// One JSON object.
    Json,
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Print a new random key as `id:base64` to put first in PORTICO_ENCRYPTION_KEYS.
    Generate {
        /// The key id, e.g. the date it was made.
        #[arg(long)]
        id: String,
    },
    /// Re-seal every stored secret under the active (first) key. Safe while servers run.
    Rotate,
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Create an org.
    Create {
        #[arg(long)]
        name: String,
        /// Accent colour of its hosted page, e.g. #1a73e8.
        #[arg(long)]
        brand_color: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Allow a browser origin to call the SDK routes with this org's session tokens.
    AllowOrigin {
        #[arg(long)]
        org: String,
        /// e.g. https://app.example.com
        origin: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum SandboxCommand {
    /// Revoke the sandbox's grants, as if the user removed the app at the provider.
    Revoke {
        /// Only this sandbox account (the name chosen on its consent page); default: all.
        #[arg(long)]
        account: Option<String>,
    },
    /// Expire access tokens now (and refresh tokens with --refresh).
    Expire {
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        refresh: bool,
    },
    /// List the grants the sandbox issued.
    Grants,
}

#[derive(Subcommand, Debug)]
pub enum ApiKeyCommand {
    /// Create an API key; it is printed once and cannot be shown again.
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        environment: Environment,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Revoke an API key by its id.
    Revoke {
        #[arg(long)]
        id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum LinkedAccountCommand {
    /// Create or update a linked account by the vendor's id.
    Upsert {
        #[arg(long)]
        org: String,
        #[arg(long)]
        environment: Environment,
        /// The vendor's own id for its customer.
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Subcommand, Debug)]
pub enum AppCommand {
    /// Enable a catalog app for an org's environment.
    Enable {
        #[arg(long)]
        org: String,
        #[arg(long)]
        environment: Environment,
        #[arg(long)]
        slug: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum LinkCommand {
    /// Create a hosted connect link for a linked account.
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        environment: Environment,
        #[arg(long)]
        linked_account: String,
        /// Lifetime in seconds (default one day, at most 30 days).
        #[arg(long, default_value_t = 86_400)]
        ttl_seconds: i64,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Revoke a hosted link or session token at once (by the id it was created with).
    Revoke {
        #[arg(long)]
        id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConnectionCommand {
    /// Record a connection made outside Portico's flows, e.g. when importing existing accounts.
    Record {
        #[arg(long)]
        org: String,
        #[arg(long)]
        environment: Environment,
        #[arg(long)]
        linked_account: String,
        #[arg(long)]
        slug: String,
        /// The connected account as the end customer knows it.
        #[arg(long)]
        identifier: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// List a linked account's connections.
    List {
        #[arg(long)]
        org: String,
        #[arg(long)]
        environment: Environment,
        #[arg(long)]
        linked_account: String,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Refresh OAuth2 tokens now; a provider's refusal flags the connection for reconnection.
    /// Needs the server's public URL when the provider is the built-in sandbox.
    Refresh {
        /// One connection; default: every active OAuth2 connection.
        #[arg(long)]
        id: Option<String>,
    },
    /// Flag a connection as needing reauthentication.
    Flag {
        #[arg(long)]
        id: String,
        /// credentials_expired, token_revoked, refresh_token_expired, app_uninstalled or app_deleted
        #[arg(long, value_parser = parse_reason)]
        reason: ReauthReason,
    },
}

fn parse_reason(value: &str) -> Result<ReauthReason, String> {
    ReauthReason::parse(value).ok_or_else(|| {
        let known: Vec<_> = ReauthReason::ALL.iter().map(|r| r.as_str()).collect();
        format!("must be one of {}", known.join(", "))
    })
}

/// A failure a command reports in one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CliError(String);

impl CliError {
    fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

macro_rules! from_error {
    ($($ty:ty),*) => {$(
        impl From<$ty> for CliError {
            fn from(error: $ty) -> Self {
                Self(error.to_string())
            }
        }
    )*};
}
from_error!(
    sea_orm::DbErr,
    crate::config::ConfigError,
    crate::startup::StartupError,
    crate::input::FieldError,
    crate::tenancy::CreateOrgError,
    crate::catalog::CatalogError,
    std::io::Error,
    crate::vault::KeyringError
);

/// Prints `pairs` in the chosen format; `human` is the sentence for a person.
fn print(format: Format, human: &str, pairs: &[(&str, Value)]) {
    match format {
        Format::Human => println!("{human}"),
        Format::Env => {
            for (name, value) in pairs {
                let value = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                println!("PORTICO_{}={}", name.to_uppercase(), shell_quote(&value));
            }
        }
        Format::Json => {
            let object: serde_json::Map<String, Value> = pairs
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.clone()))
                .collect();
            println!("{}", Value::Object(object));
        }
    }
}

/// Quotes a value for POSIX `eval` only when it needs it.
fn shell_quote(value: &str) -> String {
    let plain = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&b));
    if plain && !value.is_empty() {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// Runs a command.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    // Generating a key needs no settings: it is how a production keyring is made.
    if let Command::Keys(KeysCommand::Generate { id }) = &cli.command {
        let key = Vault::generate_key(id);
        Vault::from_keyring(&key)?;
        println!("{}", key.as_str());
        return Ok(());
    }
    let config = cli.settings.check()?;
    if let Command::Serve = cli.command {
        return serve(&config).await;
    }
    let vault = config.keyring.open()?;
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await?;
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.bind));
    match cli.command {
        Command::Serve | Command::Keys(KeysCommand::Generate { .. }) => {
            unreachable!("handled above")
        }
        Command::Keys(KeysCommand::Rotate) => {
            let report = crate::rotation::rotate(&db, &vault).await?;
            println!(
                "Re-sealed {} secret(s) under key {}; {} already used it.",
                report.resealed,
                vault.active_key_id(),
                report.current
            );
        }
        Command::Migrate => println!("Database is up to date."),
        Command::Org(OrgCommand::Create {
            name,
            brand_color,
            format,
        }) => {
            let color = brand_color
                .map(|c| HexColor::parse("--brand-color", &c))
                .transpose()?;
            let org = tenancy::create_org(&db, &name, color.as_ref()).await?;
            print(
                format,
                &format!("Created org {} ({})", org.name, org.id),
                &[("org_id", json!(org.id))],
            );
        }
        Command::ApiKey(ApiKeyCommand::Create {
            org,
            environment,
            format,
        }) => {
            let org = find_org(&db, &org).await?;
            let issued = tenancy::create_api_key(&db, &org.id, environment).await?;
            print(
                format,
                &format!(
                    "API key for {} ({}), shown only now:\n{}",
                    org.name,
                    environment.as_str(),
                    issued.key
                ),
                &[
                    ("api_key", json!(issued.key)),
                    ("api_key_id", json!(issued.id)),
                ],
            );
        }
        Command::ApiKey(ApiKeyCommand::Revoke { id }) => {
            if !tenancy::revoke_api_key(&db, &id).await? {
                return Err(CliError::new(format!("no API key with id {id}")));
            }
            println!("Revoked API key {id}.");
        }
        Command::LinkedAccount(LinkedAccountCommand::Upsert {
            org,
            environment,
            id,
            name,
            format,
        }) => {
            let org = find_org(&db, &org).await?;
            let input = LinkedAccountInput::parse(&id, name.as_deref(), None)?;
            let account = tenancy::upsert_linked_account(&db, &org.id, environment, &input).await?;
            print(
                format,
                &format!("Linked account {} saved", account.external_id),
                &[("linked_account_id", json!(account.external_id))],
            );
        }
        Command::App(AppCommand::Enable {
            org,
            environment,
            slug,
        }) => {
            let org = find_org(&db, &org).await?;
            let slug = catalog_slug(&slug)?;
            catalog::enable_app(
                &db,
                &vault,
                &org.id,
                environment,
                &slug,
                &AppConfigInput::default(),
            )
            .await?;
            println!(
                "Enabled {} for {} ({}).",
                slug.as_str(),
                org.name,
                environment.as_str()
            );
        }
        Command::Link(LinkCommand::Create {
            org,
            environment,
            linked_account,
            ttl_seconds,
            format,
        }) => {
            let org = find_org(&db, &org).await?;
            let account = find_account(&db, &org.id, environment, &linked_account).await?;
            if !(1..=sessions::MAX_TTL.num_seconds()).contains(&ttl_seconds) {
                return Err(CliError::new("--ttl-seconds must be between 1 and 2592000"));
            }
            let link =
                hosted_link(&db, &public_url, &account, Duration::seconds(ttl_seconds)).await?;
            print(
                format,
                &format!(
                    "Hosted connect link {} (valid until {}):\n{}",
                    link.id, link.expires_at, link.url
                ),
                &[("hosted_url", json!(link.url)), ("link_id", json!(link.id))],
            );
        }
        Command::Link(LinkCommand::Revoke { id }) => {
            if !sessions::revoke_by_id(&db, &id).await? {
                return Err(CliError::new(format!(
                    "no link or session token with id {id}"
                )));
            }
            println!("Revoked {id}.");
        }
        Command::Connection(ConnectionCommand::Record {
            org,
            environment,
            linked_account,
            slug,
            identifier,
            format,
        }) => {
            let org = find_org(&db, &org).await?;
            let account = find_account(&db, &org.id, environment, &linked_account).await?;
            let slug = catalog_slug(&slug)?;
            let connection = connections::record_connected(
                &db,
                &account,
                slug.as_str(),
                identifier.as_deref(),
                Actor::Operator,
            )
            .await?;
            print(
                format,
                &format!("Recorded connection {}", connection.id),
                &[("connection_id", json!(connection.id))],
            );
        }
        Command::Connection(ConnectionCommand::Flag { id, reason }) => {
            let flag = connections::Flag::new(reason, Actor::Operator, "flagged by an operator");
            if connections::flag(&db, &id, None, &flag).await?.is_none() {
                return Err(CliError::new(format!("no connection with id {id}")));
            }
            println!(
                "Connection {id} needs reauthentication: {}.",
                reason.as_str()
            );
        }
        Command::Org(OrgCommand::AllowOrigin { org, origin }) => {
            let origin = tenancy::parse_origin(&origin)?;
            let origins = tenancy::allow_origin(&db, &org, &origin)
                .await?
                .ok_or_else(|| CliError::new(format!("no org with id {org}")))?;
            println!("Org {org} allows: {}", origins.join(", "));
        }
        Command::Sandbox(command) => {
            sandbox_command(&db, &vault, &config, &public_url, command).await?
        }
        Command::Connection(ConnectionCommand::List {
            org,
            environment,
            linked_account,
            format,
        }) => {
            let org = find_org(&db, &org).await?;
            let account = find_account(&db, &org.id, environment, &linked_account).await?;
            let records = connections::of_linked_account(&db, &account.id).await?;
            let list: Vec<Value> = records
                .iter()
                .map(|record| {
                    json!({
                        "id": record.id,
                        "slug": record.slug,
                        "identifier": record.identifier,
                        "status": record.status.as_str(),
                        "reauth_reason": record.reauth_reason.map(connection::Reason::as_str),
                        "connected_at": crate::http::timestamp(record.connected_at),
                    })
                })
                .collect();
            let human = records
                .iter()
                .map(|record| {
                    format!(
                        "{} {} {} {}",
                        record.id,
                        record.slug,
                        record.status.as_str(),
                        record.reauth_reason.map_or("", connection::Reason::as_str)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            print(format, &human, &[("connections", Value::Array(list))]);
        }
        Command::Connection(ConnectionCommand::Refresh { id }) => {
            refresh_connections(&db, vault, &config, &public_url, id.as_deref()).await?;
        }
        Command::Demo { format } => demo(&db, &vault, &public_url, format).await?,
        Command::Webhook(command) => {
            let services = services(&db, vault, &config, &public_url)?;
            webhook::run(&services, command).await?;
        }
    }
    Ok(())
}

async fn sandbox_command(
    db: &DatabaseConnection,
    vault: &Vault,
    config: &Config,
    public_url: &str,
    command: SandboxCommand,
) -> Result<(), CliError> {
    let target =
        |account: Option<String>| account.map_or(sandbox::Target::All, sandbox::Target::Account);
    match command {
        SandboxCommand::Revoke { account } => {
            let accounts = sandbox::revoke(db, &target(account)).await?;
            let egress = crate::egress::Egress::new(config.egress.into());
            let told = sandbox::notify_revoked(&egress, vault, public_url, &accounts).await;
            println!(
                "Revoked the sandbox grants of {} account(s); Portico was told of {told}.",
                accounts.len()
            );
            if told < accounts.len() {
                println!(
                    "Portico at {public_url} did not take every event; its next refresh will notice."
                );
            }
        }
        SandboxCommand::Expire { account, refresh } => {
            let what = if refresh {
                sandbox::Expiry::Refresh
            } else {
                sandbox::Expiry::Access
            };
            let count = sandbox::expire(db, &target(account), what).await?;
            println!("Expired the tokens of {count} sandbox grant(s).");
        }
        SandboxCommand::Grants => {
            let now = chrono::Utc::now();
            for grant in sandbox::grants(db).await? {
                println!(
                    "{} {} {} {}",
                    grant.id,
                    grant.account,
                    grant.client_id,
                    sandbox::describe(&grant, now)
                );
            }
        }
    }
    Ok(())
}

/// What the domain flows need, for commands that run them outside the server.
fn services(
    db: &DatabaseConnection,
    vault: Vault,
    config: &Config,
    public_url: &str,
) -> Result<crate::services::Services, CliError> {
    let catalog = Catalog::builtin().map_err(|error| CliError::new(error.to_string()))?;
    Ok(crate::services::Services::new(
        db.clone(),
        std::sync::Arc::new(catalog),
        std::sync::Arc::new(vault),
        crate::egress::Egress::new(config.egress.into()),
        public_url,
        config.refresh,
        config.webhooks,
    ))
}

/// Refreshes one connection or every active connection now, printing what happened to each.
async fn refresh_connections(
    db: &DatabaseConnection,
    vault: Vault,
    config: &Config,
    public_url: &str,
    id: Option<&str>,
) -> Result<(), CliError> {
    use sea_orm::{ColumnTrait, QueryFilter};

    let services = services(db, vault, config, public_url)?;
    let query = match id {
        Some(id) => connection::Entity::find().filter(connection::Column::Id.eq(id)),
        None => connection::Entity::find()
            .filter(connection::Column::Status.eq(connection::State::Active)),
    };
    let records = query.all(db).await?;
    if let (Some(id), true) = (id, records.is_empty()) {
        return Err(CliError::new(format!("no connection with id {id}")));
    }
    for record in records {
        let outcome = crate::oauth::refresh(
            &services,
            &record.id,
            crate::connections::refresh::Due::Now,
            Actor::Operator,
        )
        .await
        .map(|outcome| format!("{outcome:?}"))
        .unwrap_or_else(|error| format!("failed: {error}"));
        println!("{} {} {}", record.id, record.slug, outcome);
    }
    Ok(())
}

async fn serve(config: &Config) -> Result<(), CliError> {
    let site = config.site_root.join("pkg");
    if !site.is_dir() {
        tracing::warn!(
            site_root = %config.site_root.display(),
            "no built site here: pages render, but styles and islands are missing (run the build first)"
        );
    }
    let portico = Portico::build(config).await?;
    tracing::info!(addr = %portico.local_addr(), public_url = portico.public_url(), "Portico is listening");
    portico.run_until_stopped().await?;
    Ok(())
}

async fn find_org(db: &DatabaseConnection, id: &str) -> Result<org::Model, CliError> {
    org::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| CliError::new(format!("no org with id {id}")))
}

async fn find_account(
    db: &DatabaseConnection,
    org_id: &str,
    environment: Environment,
    id: &str,
) -> Result<crate::entity::linked_account::Model, CliError> {
    tenancy::find_linked_account(db, org_id, environment, &LinkedAccountId::parse(id)?)
        .await?
        .ok_or_else(|| {
            CliError::new(format!(
                "no linked account {id} in {}",
                environment.as_str()
            ))
        })
}

fn catalog_slug(value: &str) -> Result<Slug, CliError> {
    let slug = Slug::parse(value)?;
    if Catalog::builtin()?.get(slug.as_str()).is_none() {
        return Err(CliError::new(format!("no app `{value}` in the catalog")));
    }
    Ok(slug)
}

/// A hosted link as the CLI prints it.
struct HostedLink {
    id: String,
    url: String,
    expires_at: String,
}

async fn hosted_link(
    db: &DatabaseConnection,
    public_url: &str,
    account: &crate::entity::linked_account::Model,
    ttl: Duration,
) -> Result<HostedLink, CliError> {
    let issued = sessions::issue(
        db,
        account,
        Purpose::Hosted,
        &Branding::default(),
        ttl,
        None,
    )
    .await?;
    Ok(HostedLink {
        id: issued.id,
        url: format!("{public_url}/connect/{}", issued.token),
        expires_at: crate::http::timestamp(issued.expires_at),
    })
}

/// The name the demo org is found by on later runs.
const DEMO_ORG: &str = "Acme Demo";
const DEMO_ACCOUNT: &str = "demo-customer";

async fn demo(
    db: &DatabaseConnection,
    vault: &Vault,
    public_url: &str,
    format: Format,
) -> Result<(), CliError> {
    let org = match org::Entity::find()
        .filter(org::Column::Name.eq(DEMO_ORG))
        .one(db)
        .await?
    {
        Some(org) => org,
        None => tenancy::create_org(db, DEMO_ORG, None).await?,
    };
    let catalog = Catalog::builtin()?;
    for app in catalog.apps() {
        let slug = Slug::parse(&app.slug)?;
        catalog::enable_app(
            db,
            vault,
            &org.id,
            Environment::Test,
            &slug,
            &AppConfigInput::default(),
        )
        .await?;
    }
    let input = LinkedAccountInput::parse(DEMO_ACCOUNT, Some("Demo Customer"), None)?;
    let account = tenancy::upsert_linked_account(db, &org.id, Environment::Test, &input).await?;
    let key = tenancy::create_api_key(db, &org.id, Environment::Test).await?;
    let link = hosted_link(db, public_url, &account, sessions::DEFAULT_TTL).await?;
    let human = format!(
        "Demo org: {} ({})\nLinked account: {DEMO_ACCOUNT}\nTest API key (shown only now): {}\n\nOpen the hosted connect page (valid until {}):\n\n    {}\n",
        org.name, org.id, key.key, link.expires_at, link.url
    );
    print(
        format,
        &human,
        &[
            ("org_id", json!(org.id)),
            ("api_key", json!(key.key)),
            ("linked_account_id", json!(DEMO_ACCOUNT)),
            ("hosted_url", json!(link.url)),
        ],
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn env_values_are_quoted_only_when_needed() {
        assert_eq!(
            shell_quote("http://127.0.0.1:3000/connect/pst_a-b_c"),
            "http://127.0.0.1:3000/connect/pst_a-b_c"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote(""), "''");
    }
}
