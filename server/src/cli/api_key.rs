//! `portico api-key create|revoke`.

use clap::Subcommand;
use serde_json::json;

use super::ctx::OrgArgs;
use super::output::{Format, print};
use super::{CliError, Ctx};
use crate::tenancy;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create an API key; it is printed once and cannot be shown again.
    Create {
        #[command(flatten)]
        org: OrgArgs,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Revoke an API key by its id.
    Revoke {
        #[arg(long)]
        id: String,
    },
}

pub(super) async fn run(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    match command {
        Command::Create { org, format } => {
            let environment = org.environment;
            let org = ctx.org(&org.org).await?;
            let issued =
                tenancy::create_api_key(ctx.db(), &org.id, environment, ctx.services.clock.now())
                    .await?;
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
        Command::Revoke { id } => {
            if !ctx.services.revoke_api_key(&id).await? {
                return Err(CliError::new(format!("no API key with id {id}")));
            }
            println!("Revoked API key {id}.");
        }
    }
    Ok(())
}
