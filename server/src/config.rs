//! Typed settings from flags and `PORTICO_*` environment variables, checked at start.

use std::{net::SocketAddr, path::PathBuf};

use crate::vault::{KeyringError, Vault};

mod flags;

pub(crate) use flags::Settings;

/// How strict Portico is about its setup.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// For a local trial: generates an encryption key, serves the sandbox provider and lets
    /// outbound requests reach loopback. Opted into explicitly.
    Dev,
    /// Refuses to start without explicit secrets; providers are reached over https only.
    Production,
}

/// Checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    /// Without a trailing slash. `None` means "derive from the bound address".
    pub public_url: Option<String>,
    /// The built site's directory; `None` serves the site built into the binary.
    pub site_root: Option<PathBuf>,
    pub data_dir: PathBuf,
    pub keyring: Keyring,
    pub sandbox: Option<SandboxSettings>,
    pub mode: Mode,
    /// Where outbound requests may go.
    pub egress: EgressSettings,
    pub limits: RateLimits,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Bounds on the widgets' state streams.
    pub streams: StreamSettings,
    pub refresh: RefreshSettings,
    pub webhooks: WebhookSettings,
    /// Where `/metrics` is served; `None` keeps metrics off.
    pub metrics_bind: Option<SocketAddr>,
}

/// How webhooks are delivered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WebhookSettings {
    /// How often the worker looks for due deliveries.
    pub every: std::time::Duration,
    /// Multiplies the retry schedule.
    pub schedule_scale: f64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            every: std::time::Duration::from_secs(1),
            schedule_scale: 1.0,
        }
    }
}

/// When tokens are refreshed and credentials re-checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshSettings {
    /// How long before expiry the worker refreshes an access token.
    pub ahead: chrono::Duration,
    /// The shortest wait after a failure that may pass.
    pub retry_floor: chrono::Duration,
    /// How often the worker looks.
    pub every: std::time::Duration,
    /// How often key-based connections are verified.
    pub verify_every: chrono::Duration,
    /// How long before a known expiry `Connection Expiring` is sent.
    pub expiring_ahead: chrono::Duration,
    /// How often a credentials read may try a failing provider for one connection whose
    /// access token has expired.
    pub probe: chrono::Duration,
}

impl Default for RefreshSettings {
    fn default() -> Self {
        Self {
            ahead: chrono::Duration::minutes(5),
            retry_floor: chrono::Duration::minutes(1),
            every: std::time::Duration::from_secs(15),
            verify_every: chrono::Duration::days(1),
            expiring_ahead: chrono::Duration::days(7),
            probe: chrono::Duration::seconds(10),
        }
    }
}

/// Requests per minute each caller may make, per surface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Per API key on the vendor API.
    pub api_per_minute: u32,
    /// Per session token on the SDK routes (and the vendor routes a session token may call).
    pub sdk_per_minute: u32,
    /// Per client address on pages, form posts and the OAuth callback.
    pub pages_per_minute: u32,
    /// Failed authentications per client address on the API and SDK routes.
    pub auth_failures_per_minute: u32,
    /// Per client address on providers' events.
    pub hooks_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            api_per_minute: 600,
            sdk_per_minute: 300,
            pages_per_minute: 300,
            auth_failures_per_minute: 30,
            hooks_per_minute: 600,
        }
    }
}

/// Bounds on the widgets' server-sent state streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamSettings {
    pub per_token: u32,
    pub per_address: u32,
    /// In this process, every tenant together.
    pub max: u32,
    /// How long one stream lasts; the widget then opens another.
    pub lifetime: std::time::Duration,
}

impl Default for StreamSettings {
    fn default() -> Self {
        Self {
            per_token: 3,
            per_address: 30,
            max: 10_000,
            lifetime: std::time::Duration::from_secs(3600),
        }
    }
}

/// Reads `PORTICO_TRUSTED_PROXIES`: CIDR ranges or single addresses, comma-separated.
fn parse_proxies(value: &str) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map(|net| net.trunc())
                .map_err(|_| {
                    ConfigError(format!(
                        "PORTICO_TRUSTED_PROXIES must list CIDR ranges or addresses, got `{entry}`"
                    ))
                })
        })
        .collect()
}

/// Where Portico's requests to providers may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EgressSettings {
    /// Plain http to providers (dev mode only).
    pub allow_http: bool,
    /// Loopback addresses (dev mode and tests).
    pub allow_loopback: bool,
}

/// The sandbox provider's token lifetimes, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SandboxSettings {
    pub access_ttl: u32,
    pub refresh_ttl: u32,
    /// Whether the sign-in page isolates itself from its opener (COOP `same-origin`).
    pub isolate: bool,
}

/// Where the vault's keys come from.
#[derive(Clone)]
pub enum Keyring {
    /// `PORTICO_ENCRYPTION_KEYS`.
    Configured(zeroize::Zeroizing<String>),
    /// A development key file in the data directory, created when missing.
    DevFile(PathBuf),
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Configured(_) => f.write_str("Configured(..)"),
            Self::DevFile(path) => f.debug_tuple("DevFile").field(path).finish(),
        }
    }
}

impl Keyring {
    /// Opens the vault this keyring names, warning loudly when a development key is generated.
    pub(crate) fn open(&self) -> Result<Vault, KeyringError> {
        match self {
            Self::Configured(spec) => Vault::from_keyring(spec),
            Self::DevFile(path) => {
                let (vault, created) = Vault::from_file_or_create(path)?;
                if created {
                    tracing::warn!(
                        path = %path.display(),
                        "generated a development encryption key; back it up, and set \
                         PORTICO_ENCRYPTION_KEYS (with PORTICO_MODE=production) for real deployments"
                    );
                }
                Ok(vault)
            }
        }
    }
}

/// A setting that cannot work; the message names it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

impl Settings {
    /// Checks the settings and fills in defaults.
    pub(crate) fn check(&self) -> Result<Config, ConfigError> {
        let database_url = match &self.database_url {
            Some(url) => url.trim().to_owned(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("portico.db").display()
            ),
        };
        let known = ["sqlite:", "postgres://", "postgresql://"];
        if !known.iter().any(|scheme| database_url.starts_with(scheme)) {
            return Err(ConfigError(
                "PORTICO_DATABASE_URL must start with sqlite: or postgres://".to_owned(),
            ));
        }
        let public_url = self
            .public_url
            .as_deref()
            .map(check_public_url)
            .transpose()?;
        let keyring = match (&self.encryption_keys, self.mode) {
            (Some(keys), _) => Keyring::Configured(zeroize::Zeroizing::new(keys.clone())),
            (None, Mode::Dev) => Keyring::DevFile(self.data_dir.join("encryption.key")),
            (None, Mode::Production) => {
                return Err(ConfigError(
                    "PORTICO_ENCRYPTION_KEYS is not set: give a keyring (`portico keys generate`), or set PORTICO_MODE=dev for a local trial"
                        .to_owned(),
                ));
            }
        };
        let dev = self.mode == Mode::Dev;
        if self.sandbox == Some(true) && !dev {
            return Err(ConfigError(
                "PORTICO_SANDBOX=true needs PORTICO_MODE=dev: the sandbox provider hands out tokens to anyone and is for local trials only"
                    .to_owned(),
            ));
        }
        let trusted_proxies = parse_proxies(self.trusted_proxies.as_deref().unwrap_or(""))?;
        Ok(Config {
            database_url,
            bind: self.bind,
            public_url,
            site_root: self.site_root.clone(),
            data_dir: self.data_dir.clone(),
            keyring,
            sandbox: self.sandbox.unwrap_or(dev).then_some(SandboxSettings {
                access_ttl: self.sandbox_access_ttl.max(1),
                refresh_ttl: self.sandbox_refresh_ttl.max(1),
                isolate: self.sandbox_isolate.unwrap_or(false),
            }),
            mode: self.mode,
            egress: EgressSettings {
                allow_http: dev,
                allow_loopback: self.egress_allow_loopback.unwrap_or(dev),
            },
            limits: self.limits(),
            trusted_proxies,
            streams: self.streams(),
            refresh: self.refresh(),
            webhooks: self.webhooks(),
            metrics_bind: self.metrics_bind,
        })
    }

    fn limits(&self) -> RateLimits {
        RateLimits {
            api_per_minute: self.rate_limit_api.max(1),
            sdk_per_minute: self.rate_limit_sdk.max(1),
            pages_per_minute: self.rate_limit_pages.max(1),
            auth_failures_per_minute: self.rate_limit_auth_failures.max(1),
            hooks_per_minute: self.rate_limit_hooks.max(1),
        }
    }

    fn streams(&self) -> StreamSettings {
        StreamSettings {
            per_token: self.embed_streams_per_token.max(1),
            per_address: self.embed_streams_per_address.max(1),
            max: self.embed_streams_max.max(1),
            lifetime: std::time::Duration::from_secs(self.embed_stream_lifetime.max(1).into()),
        }
    }

    fn refresh(&self) -> RefreshSettings {
        RefreshSettings {
            ahead: chrono::Duration::seconds(self.refresh_ahead.into()),
            retry_floor: chrono::Duration::seconds(self.refresh_retry_floor.max(1).into()),
            every: std::time::Duration::from_secs(self.refresh_every.max(1).into()),
            verify_every: chrono::Duration::seconds(self.verify_every.max(60).into()),
            expiring_ahead: chrono::Duration::seconds(self.expiring_ahead.into()),
            probe: chrono::Duration::seconds(self.refresh_probe.max(1).into()),
        }
    }

    fn webhooks(&self) -> WebhookSettings {
        WebhookSettings {
            every: std::time::Duration::from_millis(self.webhook_every_ms.max(10)),
            schedule_scale: if self.webhook_schedule_scale.is_finite() {
                self.webhook_schedule_scale.clamp(0.0, 100.0)
            } else {
                1.0
            },
        }
    }
}

fn check_public_url(value: &str) -> Result<String, ConfigError> {
    let invalid = || {
        ConfigError(format!(
            "PORTICO_PUBLIC_URL must be an http(s) URL without query or fragment, got `{value}`"
        ))
    };
    let url = url::Url::parse(value.trim()).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(invalid());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Probe {
        #[command(flatten)]
        settings: Settings,
    }

    fn settings(args: &[&str]) -> Settings {
        let mut argv = vec!["portico"];
        argv.extend_from_slice(args);
        Probe::try_parse_from(argv).expect("flags parse").settings
    }

    #[test]
    fn defaults_put_sqlite_in_the_data_directory() {
        let config = settings(&["--data-dir", "/tmp/p", "--mode", "dev"])
            .check()
            .unwrap();
        assert_eq!(config.database_url, "sqlite:///tmp/p/portico.db?mode=rwc");
        assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(config.public_url, None);
    }

    #[test]
    fn no_settings_mean_production_which_needs_an_explicit_keyring() {
        let error = settings(&[]).check().unwrap_err();
        assert!(error.to_string().starts_with("PORTICO_ENCRYPTION_KEYS"));
        assert_eq!(error.to_string().lines().count(), 1);
        let config = settings(&["--encryption-keys", "a:b"]).check().unwrap();
        assert!(matches!(config.keyring, Keyring::Configured(_)));
        assert_eq!(config.mode, Mode::Production);
        assert_eq!(config.sandbox, None);
        assert!(!config.egress.allow_http && !config.egress.allow_loopback);
    }

    #[test]
    fn dev_mode_is_opted_into_and_brings_the_sandbox_and_loopback() {
        let config = settings(&["--data-dir", "/tmp/p", "--mode", "dev"])
            .check()
            .unwrap();
        assert!(
            matches!(config.keyring, Keyring::DevFile(ref path) if path.ends_with("encryption.key"))
        );
        assert!(config.sandbox.is_some());
        assert!(config.egress.allow_http && config.egress.allow_loopback);
        let config = settings(&["--mode", "dev", "--egress-allow-loopback", "false"])
            .check()
            .unwrap();
        assert!(!config.egress.allow_loopback);
    }

    #[test]
    fn bad_settings_are_refused_by_name() {
        let error = settings(&["--mode", "dev", "--database-url", "mysql://x"])
            .check()
            .unwrap_err();
        assert!(error.to_string().starts_with("PORTICO_DATABASE_URL"));
        let error = settings(&["--mode", "dev", "--public-url", "ftp://x"])
            .check()
            .unwrap_err();
        assert!(error.to_string().starts_with("PORTICO_PUBLIC_URL"));
        let config = settings(&[
            "--mode",
            "dev",
            "--public-url",
            "https://connect.example.com/",
        ])
        .check();
        assert_eq!(
            config.unwrap().public_url.as_deref(),
            Some("https://connect.example.com")
        );
    }

    #[test]
    fn the_sandbox_is_refused_outside_dev_mode_in_one_line() {
        let error = settings(&["--encryption-keys", "a:b", "--sandbox", "true"])
            .check()
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("PORTICO_SANDBOX=true needs PORTICO_MODE=dev"),
            "{error}"
        );
        assert_eq!(error.lines().count(), 1);
        let config = settings(&["--mode", "dev", "--sandbox", "true"]).check();
        assert!(config.unwrap().sandbox.is_some());
    }

    #[test]
    fn trusted_proxies_are_ranges_or_addresses_and_none_by_default() {
        let config = settings(&["--mode", "dev"]).check().unwrap();
        assert!(config.trusted_proxies.is_empty());
        let config = settings(&[
            "--mode",
            "dev",
            "--trusted-proxies",
            " 10.0.0.0/8, 127.0.0.1,fd00::/8 ,",
        ])
        .check()
        .unwrap();
        let shown: Vec<String> = config
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(shown, ["10.0.0.0/8", "127.0.0.1/32", "fd00::/8"]);
        let error = settings(&["--mode", "dev", "--trusted-proxies", "10.0.0.0/33"])
            .check()
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("PORTICO_TRUSTED_PROXIES"), "{error}");
    }
}
