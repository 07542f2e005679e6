//! `portico console link`: a one-time sign-in link to an org's console.

use clap::Subcommand;
use serde_json::json;

use super::ctx::OrgArgs;
use super::output::{Format, print};
use super::{CliError, Ctx};

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print a sign-in link to an org's console in one environment: it works once, for 10
    /// minutes.
    Link {
        #[command(flatten)]
        org: OrgArgs,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

pub(super) async fn run(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    match command {
        Command::Link { org, format } => {
            let found = ctx.org(&org.org).await?;
            let now = ctx.services.clock.now();
            let link =
                crate::console::issue_link(ctx.db(), &found.id, org.environment, now).await?;
            let url = format!("{}/console/sign-in/{}", ctx.public_url(), link.token);
            print(
                format,
                &format!(
                    "Sign-in link to the console of {} ({}), once, until {}:\n{url}",
                    found.name,
                    org.environment.as_str(),
                    link.expires_at
                ),
                &[
                    ("console_url", json!(url)),
                    ("expires_at", json!(link.expires_at.to_rfc3339())),
                ],
            );
            Ok(())
        }
    }
}
