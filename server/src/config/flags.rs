//! The flags every command shares, each also a `PORTICO_*` environment variable, as given:
//! [`Settings::check`](super::Settings::check) turns them into a [`Config`](super::Config).

use std::{net::SocketAddr, path::PathBuf};

use super::Mode;

/// Settings every command shares. Each flag is also an environment variable.
#[derive(clap::Args, Debug, Clone)]
pub struct Settings {
    /// Directory for the SQLite database and other local state.
    #[arg(long, env = "PORTICO_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://path?mode=rwc` or `postgres://user:pass@host/db`
    /// [default: sqlite in the data directory]
    #[arg(
        long,
        env = "PORTICO_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Address `serve` listens on.
    #[arg(
        long,
        env = "PORTICO_BIND",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub bind: SocketAddr,
    /// The URL end customers reach this server at, used in links and icons
    /// [default: http://<bind>]
    #[arg(long, env = "PORTICO_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Directory holding the built site (`pkg/` bundle, icons), read instead of the site
    /// built into the binary [default: the built-in site, else target/site]
    #[arg(long, env = "PORTICO_SITE_ROOT", global = true)]
    pub site_root: Option<PathBuf>,
    /// Encryption keyring `id:base64key[,id:base64key…]`; the first key seals new values
    /// (required in production; dev mode generates one into the data directory)
    #[arg(
        long,
        env = "PORTICO_ENCRYPTION_KEYS",
        global = true,
        hide_env_values = true
    )]
    pub encryption_keys: Option<String>,
    /// `production` (the default) needs PORTICO_ENCRYPTION_KEYS and runs no sandbox; `dev`
    /// generates a key, runs the sandbox and lets outbound requests reach loopback.
    #[arg(
        long,
        env = "PORTICO_MODE",
        value_enum,
        default_value_t = Mode::Production,
        global = true
    )]
    pub mode: Mode,
    /// Let requests to providers reach loopback addresses (127.0.0.0/8, ::1) over http or
    /// https [default: on in dev mode, off in production]
    #[arg(long, env = "PORTICO_EGRESS_ALLOW_LOOPBACK", global = true)]
    pub egress_allow_loopback: Option<bool>,
    /// Serve the built-in sandbox OAuth2 provider under `/sandbox` [default: on in dev mode,
    /// off in production]
    #[arg(long, env = "PORTICO_SANDBOX", global = true)]
    pub sandbox: Option<bool>,
    /// Vendor API requests per minute per API key.
    #[arg(
        long,
        env = "PORTICO_RATE_LIMIT_API",
        default_value_t = 600,
        global = true
    )]
    pub rate_limit_api: u32,
    /// SDK requests per minute per session token.
    #[arg(
        long,
        env = "PORTICO_RATE_LIMIT_SDK",
        default_value_t = 300,
        global = true
    )]
    pub rate_limit_sdk: u32,
    /// Page loads, form posts and OAuth callbacks per minute per client address.
    #[arg(
        long,
        env = "PORTICO_RATE_LIMIT_PAGES",
        default_value_t = 300,
        global = true
    )]
    pub rate_limit_pages: u32,
    /// Failed authentications (401s) per minute per client address before it must wait.
    #[arg(
        long,
        env = "PORTICO_RATE_LIMIT_AUTH_FAILURES",
        default_value_t = 30,
        global = true
    )]
    pub rate_limit_auth_failures: u32,
    /// Provider events (`/hooks/{slug}`) per minute per client address.
    #[arg(
        long,
        env = "PORTICO_RATE_LIMIT_HOOKS",
        default_value_t = 600,
        global = true
    )]
    pub rate_limit_hooks: u32,
    /// Reverse proxies whose `X-Forwarded-For` is believed, as a comma-separated list of CIDR
    /// ranges or addresses. [default: none]
    #[arg(long, env = "PORTICO_TRUSTED_PROXIES", global = true)]
    pub trusted_proxies: Option<String>,
    /// Open state streams per widget token.
    #[arg(
        long,
        env = "PORTICO_EMBED_STREAMS_PER_TOKEN",
        default_value_t = 3,
        global = true
    )]
    pub embed_streams_per_token: u32,
    /// Open widget state streams per client address.
    #[arg(
        long,
        env = "PORTICO_EMBED_STREAMS_PER_ADDRESS",
        default_value_t = 30,
        global = true
    )]
    pub embed_streams_per_address: u32,
    /// Open widget state streams in this process, all tenants together.
    #[arg(
        long,
        env = "PORTICO_EMBED_STREAMS_MAX",
        default_value_t = 10_000,
        global = true
    )]
    pub embed_streams_max: u32,
    /// How long one widget state stream lasts, in seconds, before the widget opens another.
    #[arg(
        long,
        env = "PORTICO_EMBED_STREAM_LIFETIME",
        default_value_t = 3600,
        global = true
    )]
    pub embed_stream_lifetime: u32,
    /// Lifetime of the sandbox's access tokens, in seconds: short, so that the refresh worker
    /// is seen at work.
    #[arg(
        long,
        env = "PORTICO_SANDBOX_ACCESS_TTL",
        default_value_t = 60,
        global = true
    )]
    pub sandbox_access_ttl: u32,
    /// Lifetime of the sandbox's refresh tokens, in seconds.
    #[arg(
        long,
        env = "PORTICO_SANDBOX_REFRESH_TTL",
        default_value_t = 30 * 24 * 3600,
        global = true
    )]
    pub sandbox_refresh_ttl: u32,
    /// The sandbox's sign-in page sends `Cross-Origin-Opener-Policy: same-origin`, as the big
    /// providers' sign-in pages do, which severs a popup from the page that opened it.
    /// [default: off]
    #[arg(long, env = "PORTICO_SANDBOX_ISOLATE", global = true)]
    pub sandbox_isolate: Option<bool>,
    /// Refresh access tokens this many seconds before they expire (at most half their life).
    #[arg(
        long,
        env = "PORTICO_REFRESH_AHEAD",
        default_value_t = 300,
        global = true
    )]
    pub refresh_ahead: u32,
    /// After a refresh fails for now, wait at least this many seconds (doubling up to an hour).
    #[arg(
        long,
        env = "PORTICO_REFRESH_RETRY_FLOOR",
        default_value_t = 60,
        global = true
    )]
    pub refresh_retry_floor: u32,
    /// How often the refresh worker looks for connections to refresh, in seconds.
    #[arg(
        long,
        env = "PORTICO_REFRESH_EVERY",
        default_value_t = 15,
        global = true
    )]
    pub refresh_every: u32,
    /// While the provider is failing and a connection's access token has expired, a
    /// credentials read tries the provider at most this often per connection, in seconds.
    #[arg(
        long,
        env = "PORTICO_REFRESH_PROBE",
        default_value_t = 10,
        global = true
    )]
    pub refresh_probe: u32,
    /// How often key-based connections are verified with their provider, in seconds.
    #[arg(
        long,
        env = "PORTICO_VERIFY_EVERY",
        default_value_t = 24 * 3600,
        global = true
    )]
    pub verify_every: u32,
    /// How often the webhook worker looks for due deliveries, in milliseconds.
    #[arg(
        long,
        env = "PORTICO_WEBHOOK_EVERY_MS",
        default_value_t = 1000,
        global = true
    )]
    pub webhook_every_ms: u64,
    /// Multiplies the webhook retry schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); below 1
    /// only for trying things out.
    #[arg(
        long,
        env = "PORTICO_WEBHOOK_SCHEDULE_SCALE",
        default_value_t = 1.0,
        global = true
    )]
    pub webhook_schedule_scale: f64,
    /// Send `Connection Expiring` this many seconds before a known expiry.
    #[arg(
        long,
        env = "PORTICO_EXPIRING_AHEAD",
        default_value_t = 7 * 24 * 3600,
        global = true
    )]
    pub expiring_ahead: u32,
    /// Address to serve `/metrics` (Prometheus) on, apart from the public address
    /// [default: off]
    #[arg(long, env = "PORTICO_METRICS_BIND", global = true)]
    pub metrics_bind: Option<SocketAddr>,
    /// How log lines are written to standard error: `text` or `json`
    #[arg(
        long,
        env = "PORTICO_LOG_FORMAT",
        value_enum,
        default_value_t = crate::telemetry::LogFormat::Text,
        global = true
    )]
    pub log_format: crate::telemetry::LogFormat,
}
