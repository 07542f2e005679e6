//! `portico keys generate|rotate`: the keyring that seals stored secrets.

use clap::Subcommand;

use super::{CliError, Ctx};
use crate::vault::Vault;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print a new random key as `id:base64` to put first in PORTICO_ENCRYPTION_KEYS.
    Generate {
        /// The key id, e.g. the date it was made.
        #[arg(long)]
        id: String,
    },
    /// Re-seal every stored secret under the active (first) key. Safe while servers run.
    Rotate,
}

/// Prints a new key; it needs no settings, as it is how a production keyring is made.
pub(super) fn generate(id: &str) -> Result<(), CliError> {
    let key = Vault::generate_key(id);
    Vault::from_keyring(&key)?;
    println!("{}", key.as_str());
    Ok(())
}

pub(super) async fn run(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    match command {
        Command::Generate { id } => generate(&id),
        Command::Rotate => {
            let vault = &ctx.services.vault;
            let report = crate::rotation::rotate(ctx.db(), vault).await?;
            println!(
                "Re-sealed {} secret(s) under key {}; {} already used it.",
                report.resealed,
                vault.active_key_id(),
                report.current
            );
            Ok(())
        }
    }
}
