//! `portico doctor`: prints one line per check and fails when any check does.

use super::CliError;
use crate::config::Settings;

/// Runs the checks on `settings` and prints each; an error names how many failed.
pub(super) async fn run(settings: &Settings) -> Result<(), CliError> {
    let findings = crate::doctor::examine(settings).await;
    for finding in &findings {
        println!("{}", finding.line());
    }
    let failed = findings.iter().filter(|finding| finding.failed()).count();
    if failed > 0 {
        return Err(CliError::Unhealthy(failed));
    }
    println!("All {} checks passed.", findings.len());
    Ok(())
}
