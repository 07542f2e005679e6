//! `portico app enable`.

use clap::Subcommand;

use super::ctx::OrgArgs;
use super::{CliError, Ctx};
use crate::catalog::AppConfigInput;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Enable a catalog app for an org's environment.
    Enable {
        #[command(flatten)]
        org: OrgArgs,
        #[arg(long)]
        slug: String,
    },
}

pub(super) async fn run(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    let Command::Enable { org, slug } = command;
    let environment = org.environment;
    let org = ctx.org(&org.org).await?;
    let slug = ctx.catalog_slug(&slug)?;
    ctx.services
        .enable_app(&org.id, environment, &slug, &AppConfigInput::default())
        .await?;
    println!(
        "Enabled {} for {} ({}).",
        slug.as_str(),
        org.name,
        environment.as_str()
    );
    Ok(())
}
