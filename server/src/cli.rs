//! `portico`: the command line. Each group of commands is a file of its own with its arguments
//! and its `run`; they share one [`Ctx`], opened through the same services the server runs on.

mod api_key;
mod app;
mod connection;
mod console;
mod ctx;
mod demo;
mod doctor;
mod keys;
mod link;
mod linked_account;
mod org;
mod output;
mod sandbox;
mod webhook;

use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::startup::Portico;

pub(crate) use ctx::Ctx;

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
    Org(org::Command),
    /// Manage API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(api_key::Command),
    /// Manage linked accounts.
    #[command(subcommand, name = "linked-account")]
    LinkedAccount(linked_account::Command),
    /// Manage which catalog apps an org offers.
    #[command(subcommand)]
    App(app::Command),
    /// Create hosted connect links.
    #[command(subcommand)]
    Link(link::Command),
    /// Sign-in links to the vendor's console.
    #[command(subcommand)]
    Console(console::Command),
    /// Inspect and change connections.
    #[command(subcommand)]
    Connection(connection::Command),
    /// Manage the encryption keyring.
    #[command(subcommand)]
    Keys(keys::Command),
    /// Control the built-in sandbox provider: revoke or expire the tokens it issued.
    #[command(subcommand)]
    Sandbox(sandbox::Command),
    /// See webhook subscriptions and their deliveries; send a test message; replay events.
    #[command(subcommand)]
    Webhook(webhook::Command),
    /// Seed a demo org, linked account and hosted link (safe to run again).
    Demo(demo::Args),
    /// Check the settings, the database, the keyring, the public URL and the providers'
    /// endpoints; one line each, exit status 1 when any fails. Changes nothing.
    Doctor,
}

/// A failure a command reports in one line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Message(String),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Startup(#[from] crate::startup::StartupError),
    #[error(transparent)]
    Open(#[from] crate::services::OpenError),
    #[error(transparent)]
    Field(#[from] crate::input::FieldError),
    #[error(transparent)]
    CreateOrg(#[from] crate::tenancy::CreateOrgError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Keyring(#[from] crate::vault::KeyringError),
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
    #[error("{0} check(s) failed")]
    Unhealthy(usize),
}

impl CliError {
    /// The exit status: 1 when checks ran and some failed, 2 when the command itself could not
    /// do its work.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Unhealthy(_) => 1,
            _ => 2,
        }
    }
}

impl CliError {
    fn new(message: impl Into<String>) -> Self {
        Self::Message(message.into())
    }
}

/// Runs a command.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    // Generating a key needs no settings: it is how a production keyring is made.
    if let Command::Keys(keys::Command::Generate { id }) = &cli.command {
        return keys::generate(id);
    }
    // The doctor reports bad settings and an unreachable database itself.
    if let Command::Doctor = &cli.command {
        return doctor::run(&cli.settings).await;
    }
    let config = cli.settings.check()?;
    if let Command::Serve = cli.command {
        return serve(&config).await;
    }
    let ctx = Ctx::open(config).await?;
    match cli.command {
        Command::Serve => unreachable!("served above"),
        Command::Migrate => println!("Database is up to date."),
        Command::Org(command) => org::run(&ctx, command).await?,
        Command::ApiKey(command) => api_key::run(&ctx, command).await?,
        Command::LinkedAccount(command) => linked_account::run(&ctx, command).await?,
        Command::App(command) => app::run(&ctx, command).await?,
        Command::Link(command) => link::run(&ctx, command).await?,
        Command::Connection(command) => connection::run(&ctx, command).await?,
        Command::Console(command) => console::run(&ctx, command).await?,
        Command::Keys(command) => keys::run(&ctx, command).await?,
        Command::Sandbox(command) => sandbox::run(&ctx, command).await?,
        Command::Webhook(command) => webhook::run(&ctx, command).await?,
        Command::Demo(args) => demo::run(&ctx, args).await?,
        Command::Doctor => unreachable!("examined above"),
    }
    Ok(())
}

async fn serve(config: &crate::config::Config) -> Result<(), CliError> {
    let portico = Portico::build(config).await?;
    tracing::info!(addr = %portico.local_addr(), public_url = portico.public_url(), "Portico is listening");
    if let Some(addr) = portico.metrics_addr() {
        tracing::info!(%addr, "metrics are served at /metrics");
    }
    portico.run_until_stopped().await?;
    Ok(())
}
