//! `portico sandbox revoke|expire|grants`: the built-in provider's side of a grant.

use clap::Subcommand;

use super::{CliError, Ctx};
use crate::sandbox;

#[derive(Subcommand, Debug)]
pub enum Command {
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

pub(super) async fn run(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    let target =
        |account: Option<String>| account.map_or(sandbox::Target::All, sandbox::Target::Account);
    let db = ctx.db();
    match command {
        Command::Revoke { account } => {
            let accounts = sandbox::revoke(db, &target(account), ctx.services.clock.now()).await?;
            let services = &ctx.services;
            let told = sandbox::notify_revoked(
                &services.egress,
                &services.vault,
                ctx.public_url(),
                &accounts,
                ctx.services.clock.now(),
            )
            .await;
            println!(
                "Revoked the sandbox grants of {} account(s); Portico was told of {told}.",
                accounts.len()
            );
            if told < accounts.len() {
                println!(
                    "Portico at {} did not take every event; its next refresh will notice.",
                    ctx.public_url()
                );
            }
        }
        Command::Expire { account, refresh } => {
            let what = if refresh {
                sandbox::Expiry::Refresh
            } else {
                sandbox::Expiry::Access
            };
            let count =
                sandbox::expire(db, &target(account), what, ctx.services.clock.now()).await?;
            println!("Expired the tokens of {count} sandbox grant(s).");
        }
        Command::Grants => {
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
