//! `portico`: the command line entry point.

use std::process::ExitCode;

use clap::{Parser, error::ErrorKind};

/// Each request allocates and frees many small values on every core; under glibc's allocator
/// that was a quarter of the credentials path's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match portico::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // A bad setting is one line naming it; help, version and usage mistakes print as usual.
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::InvalidValue | ErrorKind::ValueValidation
            ) =>
        {
            let message = error.to_string();
            let first = message.lines().next().unwrap_or_default();
            eprintln!("portico: {}", first.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
        Err(error) => error.exit(),
    };
    portico::telemetry::init_logs(cli.settings.log_format);
    match portico::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("portico: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
