//! What an operator sees of a running Portico: log lines (text or JSON, each request's under a
//! span with its request id) and counters for Prometheus. A leaf: the modules that count call
//! in, and it imports none of them.

pub mod metrics;
pub(crate) mod request_id;

use tracing_subscriber::EnvFilter;

/// How log lines are written to standard error.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per event, with the spans it happened in (the request id among them).
    Json,
}

/// The log filter: `PORTICO_LOG` (`info`, `portico=debug`, …), else informational lines.
fn filter() -> EnvFilter {
    EnvFilter::try_from_env("PORTICO_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sea_orm_migration=warn"))
}

/// Starts writing log lines to standard error in `format`.
pub fn init_logs(format: LogFormat) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}
