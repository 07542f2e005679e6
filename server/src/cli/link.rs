//! `portico link create|revoke`: hosted connect links.

use chrono::Duration;
use clap::Subcommand;
use serde_json::json;

use super::ctx::AccountArgs;
use super::output::{Format, print};
use super::{CliError, Ctx};
use crate::sessions;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a hosted connect link for a linked account.
    Create {
        #[command(flatten)]
        account: AccountArgs,
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

pub(super) async fn run(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    match command {
        Command::Create {
            account,
            ttl_seconds,
            format,
        } => {
            let account = ctx.account(&account).await?;
            if !(1..=sessions::MAX_TTL.num_seconds()).contains(&ttl_seconds) {
                return Err(CliError::new("--ttl-seconds must be between 1 and 2592000"));
            }
            let link = ctx
                .hosted_link(&account, Duration::seconds(ttl_seconds))
                .await?;
            print(
                format,
                &format!(
                    "Hosted connect link {} (valid until {}):\n{}",
                    link.id, link.expires_at, link.url
                ),
                &[("hosted_url", json!(link.url)), ("link_id", json!(link.id))],
            );
        }
        Command::Revoke { id } => {
            if !sessions::revoke_by_id(ctx.db(), &id).await? {
                return Err(CliError::new(format!(
                    "no link or session token with id {id}"
                )));
            }
            println!("Revoked {id}.");
        }
    }
    Ok(())
}
