//! `portico linked-account upsert`.

use clap::Subcommand;
use serde_json::json;

use super::ctx::OrgArgs;
use super::output::{Format, print};
use super::{CliError, Ctx};
use crate::tenancy::{self, LinkedAccountInput};

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create or update a linked account by the vendor's id.
    Upsert {
        #[command(flatten)]
        org: OrgArgs,
        /// The vendor's own id for its customer.
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

pub(super) async fn run(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    let Command::Upsert {
        org,
        id,
        name,
        format,
    } = command;
    let environment = org.environment;
    let org = ctx.org(&org.org).await?;
    let input = LinkedAccountInput::parse(&id, name.as_deref(), None)?;
    let account = tenancy::upsert_linked_account(
        ctx.db(),
        &org.id,
        environment,
        &input,
        ctx.services.clock.now(),
    )
    .await?;
    print(
        format,
        &format!("Linked account {} saved", account.external_id),
        &[("linked_account_id", json!(account.external_id))],
    );
    Ok(())
}
