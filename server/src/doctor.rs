//! `portico doctor`: whether this deployment can run, one line per check with the fix in words.
//! It reads and never writes: no migration is applied, no key file is made, nothing is sent to
//! a provider (their endpoints are checked against the outbound policy, not called).

mod providers;

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

use crate::config::{Config, Keyring, Settings};
use crate::vault::{Tried, Vault};

/// How many of each kind of sealed value the keyring is asked to open.
const SAMPLE: u64 = 20;

/// How long a check may wait on the database or the public URL.
const PATIENCE: Duration = Duration::from_secs(5);

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What was checked, e.g. `database`.
    pub check: String,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Fine; what was seen.
    Ok(String),
    /// Not fine: what is wrong and how to fix it.
    Fail { problem: String, fix: String },
    /// Could not be checked because an earlier check failed.
    Skipped(String),
}

impl Finding {
    fn ok(check: impl Into<String>, seen: impl Into<String>) -> Self {
        Self {
            check: check.into(),
            verdict: Verdict::Ok(seen.into()),
        }
    }

    fn fail(check: impl Into<String>, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            check: check.into(),
            verdict: Verdict::Fail {
                problem: problem.into(),
                fix: fix.into(),
            },
        }
    }

    fn skipped(check: impl Into<String>, because: impl Into<String>) -> Self {
        Self {
            check: check.into(),
            verdict: Verdict::Skipped(because.into()),
        }
    }

    /// Whether this check failed.
    pub fn failed(&self) -> bool {
        matches!(self.verdict, Verdict::Fail { .. })
    }

    /// The check as one line: `ok`, `FAIL` or `skip`, the check, and what was seen or what to do.
    pub fn line(&self) -> String {
        match &self.verdict {
            Verdict::Ok(seen) => format!("ok    {}: {seen}", self.check),
            Verdict::Fail { problem, fix } => {
                format!("FAIL  {}: {problem}. Fix: {fix}", self.check)
            }
            Verdict::Skipped(because) => format!("skip  {}: {because}", self.check),
        }
    }
}

/// Runs every check the settings allow, in order.
pub async fn examine(settings: &Settings) -> Vec<Finding> {
    let config = match settings.check() {
        Ok(config) => config,
        Err(error) => {
            return vec![Finding::fail(
                "settings",
                error.to_string(),
                "correct that setting (`portico --help` lists each with its variable)",
            )];
        }
    };
    let mut findings = vec![Finding::ok("settings", describe(&config))];
    let vault = open_keyring(&config);
    findings.push(match &vault {
        Ok(vault) => Finding::ok(
            "keyring",
            format!(
                "opens; new secrets are sealed with key {}",
                vault.active_key_id()
            ),
        ),
        Err(finding) => finding.clone(),
    });
    let db = connect(&config).await;
    match &db {
        Ok(db) => {
            findings.push(Finding::ok("database", "reachable"));
            findings.push(migrations(db).await);
        }
        Err(finding) => {
            findings.push(finding.clone());
            findings.push(Finding::skipped(
                "migrations",
                "the database is not reachable",
            ));
        }
    }
    findings.push(match (&db, &vault) {
        (Ok(db), Ok(vault)) => secrets(db, vault).await,
        (Err(_), _) => Finding::skipped("stored secrets", "the database is not reachable"),
        (_, Err(_)) => Finding::skipped("stored secrets", "the keyring does not open"),
    });
    findings.push(public_url(&config).await);
    match &db {
        Ok(db) => findings.extend(providers::check(db, &config).await),
        Err(_) => findings.push(Finding::skipped(
            "providers",
            "the database is not reachable",
        )),
    }
    findings
}

fn describe(config: &Config) -> String {
    let engine = if config.database_url.starts_with("sqlite:") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let mode = match config.mode {
        crate::config::Mode::Dev => "dev",
        crate::config::Mode::Production => "production",
    };
    format!(
        "{mode} mode, {engine}, public URL {}",
        public_url_of(config)
    )
}

/// The URL customers reach this server at, as `serve` derives it.
fn public_url_of(config: &Config) -> String {
    config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.bind))
}

/// The vault, without creating a development key that is not there.
fn open_keyring(config: &Config) -> Result<Vault, Finding> {
    if let Keyring::DevFile(path) = &config.keyring
        && !path.exists()
    {
        return Err(Finding::fail(
            "keyring",
            format!("the development key file {} is missing", path.display()),
            "restore it from a backup; without it stored secrets cannot be opened (a first `portico serve` on an empty database makes one)",
        ));
    }
    config.keyring.open().map_err(|error| {
        Finding::fail(
            "keyring",
            error.to_string(),
            "set PORTICO_ENCRYPTION_KEYS to `id:base64key[,id:base64key…]` (`portico keys generate --id ID` makes one)",
        )
    })
}

async fn connect(config: &Config) -> Result<DatabaseConnection, Finding> {
    let unreachable = |why: String| {
        Finding::fail(
            "database",
            format!("cannot reach the database: {why}"),
            "start the database, or correct PORTICO_DATABASE_URL",
        )
    };
    let connected = tokio::time::timeout(PATIENCE, crate::db::connect(&config.database_url)).await;
    let db = match connected {
        Ok(Ok(db)) => db,
        Ok(Err(error)) => return Err(unreachable(error.to_string())),
        Err(_) => {
            return Err(unreachable(format!(
                "no answer in {} s",
                PATIENCE.as_secs()
            )));
        }
    };
    match tokio::time::timeout(PATIENCE, db.ping()).await {
        Ok(Ok(())) => Ok(db),
        Ok(Err(error)) => Err(unreachable(error.to_string())),
        Err(_) => Err(unreachable(format!(
            "no answer in {} s",
            PATIENCE.as_secs()
        ))),
    }
}

async fn migrations(db: &DatabaseConnection) -> Finding {
    let pending = match Migrator::get_pending_migrations(db).await {
        Ok(pending) => pending,
        Err(error) => {
            return Finding::fail(
                "migrations",
                format!("cannot read the applied migrations: {error}"),
                "check the database user may read the seaql_migrations table",
            );
        }
    };
    let known = Migrator::migrations().len();
    match pending.first() {
        None => Finding::ok("migrations", format!("current ({known} applied)")),
        Some(first) => Finding::fail(
            "migrations",
            format!(
                "{} of {known} not applied, the first {}",
                pending.len(),
                first.name()
            ),
            "run `portico migrate` (or start `portico serve`, which migrates first)",
        ),
    }
}

/// Opens a sample of every kind of sealed value with the keyring.
async fn secrets(db: &DatabaseConnection, vault: &Vault) -> Finding {
    let kinds = [
        (
            "connection credentials",
            crate::connections::credentials::try_open_sample(db, vault, SAMPLE).await,
        ),
        (
            "app client and signing secrets",
            crate::catalog::try_open_sample(db, vault, SAMPLE).await,
        ),
        (
            "webhook secrets",
            crate::webhooks::subscriptions::try_open_sample(db, vault, SAMPLE).await,
        ),
        (
            "sign-ins in flight",
            crate::oauth::try_open_states(db, vault, SAMPLE).await,
        ),
        (
            "held sign-ins",
            crate::oauth::try_open_pending(db, vault, SAMPLE).await,
        ),
    ];
    let mut opened = Vec::new();
    let mut failed = Vec::new();
    for (kind, tried) in kinds {
        match tried {
            Ok(Tried {
                opened: count,
                failed: rows,
            }) if rows.is_empty() => {
                opened.push(format!("{count} {kind}"));
            }
            Ok(Tried { failed: rows, .. }) => {
                failed.push(format!(
                    "{kind} ({} of the sample, e.g. {})",
                    rows.len(),
                    rows[0]
                ));
            }
            Err(error) => failed.push(format!("{kind} (cannot be read: {error})")),
        }
    }
    if failed.is_empty() {
        Finding::ok("stored secrets", format!("opened {}", opened.join(", ")))
    } else {
        Finding::fail(
            "stored secrets",
            format!("the keyring cannot open {}", failed.join("; ")),
            "put the key these were sealed with back in PORTICO_ENCRYPTION_KEYS (after the new one); `portico keys rotate` then re-seals them",
        )
    }
}

/// Asks the public URL's `/health` from this host, as a customer's browser would reach it.
async fn public_url(config: &Config) -> Finding {
    let base = public_url_of(config);
    let url = format!("{}/health", base.trim_end_matches('/'));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(PATIENCE)
        .build();
    let answer = match client {
        Ok(client) => client.get(&url).send().await,
        Err(error) => {
            return Finding::fail("public URL", error.to_string(), "report this as a bug");
        }
    };
    let fix = "start `portico serve`, or set PORTICO_PUBLIC_URL to the address customers reach it at (and make that reachable from here)";
    match answer {
        Ok(answer) if answer.status().is_success() => Finding::ok(
            "public URL",
            format!("{url} answers {}", answer.status().as_u16()),
        ),
        Ok(answer) => Finding::fail(
            "public URL",
            format!("{url} answers {}", answer.status()),
            fix,
        ),
        Err(error) => Finding::fail(
            "public URL",
            format!("{url} does not answer ({})", without_source_noise(&error)),
            fix,
        ),
    }
}

/// A request error in a few words: "connection refused", "timed out".
fn without_source_noise(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return format!("no answer in {} s", PATIENCE.as_secs());
    }
    let mut source: Option<&dyn std::error::Error> = Some(error);
    let mut last = error.to_string();
    while let Some(error) = source {
        last = error.to_string();
        source = error.source();
    }
    last
}
