use app::dto::ReauthReason;
use portico::catalog::{self, AppConfigInput, Slug};
use portico::config::{
    Config, EgressSettings, Keyring, Mode, RateLimits, RefreshSettings, SandboxSettings,
    WebhookSettings,
};
use portico::connections;
use portico::entity::linked_account;
use portico::startup::Portico;
use portico::tenancy::{self, Environment, LinkedAccountId};
use portico::vault::Vault;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use url::Url;

/// A running Portico with its own fresh database.
pub struct TestApp {
    /// The public URL (links and icons use it).
    pub base: String,
    /// Where the server listens, which differs from `base` when a test sets a public URL.
    pub address: String,
    pub db: DatabaseConnection,
    pub vault: std::sync::Arc<portico::vault::Vault>,
    pub services: portico::services::Services,
    pub dir: std::path::PathBuf,
    pub client: reqwest::Client,
    pub sandbox: std::sync::Arc<portico::sandbox::Sandbox>,
    pub database_url: String,
    /// The server's rate limits (and its count of credential lookups).
    pub limits: std::sync::Arc<portico::http::Limits>,
    /// The widgets' open state streams (and their looks at the database).
    pub streams: std::sync::Arc<portico::http::StreamSlots>,
    /// Where `/metrics` is served (`host:port`), when the test turned it on.
    pub metrics: Option<String>,
    _dir: tempfile::TempDir,
}

/// Saves a key-based app's form through the SDK with a session token.
pub async fn save(app: &TestApp, token: &str, slug: &str, body: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v2/app/{slug}/save")))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

/// Saves a valid Twilio key form through the SDK with a session token.
pub async fn save_twilio(app: &TestApp, token: &str) -> reqwest::Response {
    save(
        app,
        token,
        "twilio",
        r#"{"number": "+14155550100", "sid": "AC0123456789abcdef0123456789abcdef"}"#,
    )
    .await
}

/// An org with a test API key and some enabled apps.
pub struct TestOrg {
    pub id: String,
    pub key: String,
    pub key_id: String,
}

/// Which database the suite runs on: `PORTICO_TEST_POSTGRES_URL` (an admin URL; each test gets
/// its own database) selects PostgreSQL, otherwise a SQLite file per test.
pub fn backend() -> &'static str {
    if std::env::var("PORTICO_TEST_POSTGRES_URL").is_ok() {
        "postgres"
    } else {
        "sqlite"
    }
}

pub async fn database_url(dir: &std::path::Path) -> String {
    let Ok(admin) = std::env::var("PORTICO_TEST_POSTGRES_URL") else {
        return format!("sqlite://{}?mode=rwc", dir.join("portico.db").display());
    };
    let name = format!("portico_test_{}", portico::secrets::random_id());
    let admin_db = Database::connect(&admin)
        .await
        .expect("PostgreSQL reachable");
    admin_db
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    let (base, _) = admin.rsplit_once('/').expect("admin URL ends in /database");
    format!("{base}/{name}")
}

fn test_config(dir: &std::path::Path, database_url: String, keyring: &str) -> Config {
    Config {
        database_url,
        bind: "127.0.0.1:0".parse().unwrap(),
        public_url: None,
        site_root: Some(dir.join("site")),
        data_dir: dir.to_owned(),
        keyring: Keyring::Configured(zeroize::Zeroizing::new(keyring.to_owned())),
        sandbox: Some(SandboxSettings {
            access_ttl: 3600,
            refresh_ttl: 86400,
            isolate: false,
        }),
        mode: Mode::Dev,
        // Providers in tests are real servers on 127.0.0.1.
        egress: EgressSettings {
            allow_http: true,
            allow_loopback: true,
        },
        limits: RateLimits {
            api_per_minute: 100_000,
            sdk_per_minute: 100_000,
            pages_per_minute: 100_000,
            auth_failures_per_minute: 100_000,
            hooks_per_minute: 100_000,
        },
        trusted_proxies: Vec::new(),
        streams: portico::config::StreamSettings::default(),
        // The workers stay out of a test's way unless it asks for them.
        refresh: RefreshSettings {
            every: std::time::Duration::from_secs(3600),
            ..RefreshSettings::default()
        },
        webhooks: WebhookSettings {
            every: std::time::Duration::from_millis(50),
            schedule_scale: 1.0,
        },
        metrics_bind: None,
    }
}

/// A client like one browser: it keeps cookies and does not follow redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A running Portico whose settings `configure` changes first (stricter egress, low limits).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    // Kept beside the database so tests can build a rotated keyring from it.
    let keyring = Vault::generate_key("test");
    std::fs::write(dir.path().join("keyring"), keyring.as_bytes()).unwrap();
    let database_url = database_url(dir.path()).await;
    let mut config = test_config(dir.path(), database_url.clone(), &keyring);
    configure(&mut config);
    let portico = Portico::build(&config).await.expect("Portico starts");
    let base = portico.public_url().to_owned();
    let address = format!("http://{}", portico.local_addr());
    let db = portico.db();
    let vault = portico.vault();
    let services = portico.services();
    let sandbox = portico.sandbox().expect("the sandbox runs in tests");
    let limits = portico.limits();
    let streams = portico.streams();
    let metrics = portico.metrics_addr().map(|addr| addr.to_string());
    tokio::spawn(portico.run_until_stopped());
    TestApp {
        base,
        address,
        db,
        vault,
        services,
        dir: dir.path().to_owned(),
        sandbox,
        database_url,
        limits,
        streams,
        metrics,
        client: browser(),
        _dir: dir,
    }
}

impl TestApp {
    /// A URL on the running server (at its listening address).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A second server on the same database with another keyring, as after a restart with a
    /// new key; returns its base URL and vault.
    pub async fn second_server(&self, keyring: &str) -> (String, std::sync::Arc<Vault>) {
        let config = test_config(&self.dir, self.database_url.clone(), keyring);
        let portico = Portico::build(&config).await.expect("Portico starts");
        let base = portico.public_url().to_owned();
        let vault = portico.vault();
        tokio::spawn(portico.run_until_stopped());
        (base, vault)
    }

    /// Another server on the same database with the same keyring, as a second replica;
    /// returns its base URL.
    pub async fn replica(&self) -> String {
        let keyring = std::fs::read_to_string(self.dir.join("keyring")).unwrap();
        self.second_server(&keyring).await.0
    }

    /// As `portico sandbox revoke` does: revokes every sandbox grant at the provider, which
    /// tells this Portico. Returns how many accounts Portico was told of.
    pub async fn revoke_at_sandbox(&self) -> usize {
        let now = self.services.clock.now();
        let revoked = portico::sandbox::revoke(&self.db, &portico::sandbox::Target::All, now)
            .await
            .unwrap();
        portico::sandbox::notify_revoked(
            &self.services.egress,
            &self.vault,
            &self.base,
            &revoked,
            now,
        )
        .await
    }

    /// Creates an org with a test key and the given catalog apps enabled in `test`.
    pub async fn org(&self, name: &str, apps: &[&str]) -> TestOrg {
        let org = tenancy::create_org(&self.db, name, None, self.services.clock.now())
            .await
            .unwrap();
        let key = tenancy::create_api_key(
            &self.db,
            &org.id,
            Environment::Test,
            self.services.clock.now(),
        )
        .await
        .unwrap();
        for slug in apps {
            let slug = Slug::parse(slug).unwrap();
            catalog::enable_app(
                &self.db,
                &self.vault,
                &org.id,
                Environment::Test,
                &slug,
                &AppConfigInput::default(),
                self.services.clock.now(),
            )
            .await
            .unwrap();
        }
        TestOrg {
            id: org.id,
            key: key.key,
            key_id: key.id,
        }
    }

    pub async fn linked_account(&self, org: &TestOrg, id: &str) -> linked_account::Model {
        tenancy::find_linked_account(
            &self.db,
            &org.id,
            Environment::Test,
            &LinkedAccountId::parse(id).unwrap(),
        )
        .await
        .unwrap()
        .expect("linked account exists")
    }

    /// Records a connection through the domain layer, optionally flagged.
    pub async fn connection(
        &self,
        org: &TestOrg,
        account: &str,
        slug: &str,
        identifier: &str,
        flag: Option<ReauthReason>,
    ) -> String {
        let account = self.linked_account(org, account).await;
        let now = self.services.clock.now();
        let record = connections::record_connected(
            &self.db,
            &account,
            slug,
            Some(identifier),
            OPERATOR,
            now,
        )
        .await
        .unwrap();
        if let Some(reason) = flag {
            flag_connection(&self.db, &record.id, reason).await;
        }
        record.id
    }

    pub async fn post_json(&self, org: &TestOrg, path: &str, body: Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("x-api-key", &org.key)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_as(
        &self,
        org: &TestOrg,
        path: &str,
        account: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .get(self.url(path))
            .header("x-api-key", &org.key);
        if let Some(account) = account {
            request = request.header("linked_account_id", account);
        }
        request.send().await.unwrap()
    }

    /// `get_as`, expecting 200 and JSON.
    pub async fn get_json(&self, org: &TestOrg, path: &str, account: Option<&str>) -> Value {
        let response = self.get_as(org, path, account).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    /// A bodiless request with the org's key.
    pub async fn call(
        &self,
        org: &TestOrg,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::Response {
        self.client
            .request(method, self.url(path))
            .header("x-api-key", &org.key)
            .send()
            .await
            .unwrap()
    }

    /// A GET on an SDK route with a Bearer token, as `@cobaltio/cobalt-js` sends it.
    pub async fn sdk_get(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// Follows a browser through redirects on this server (a hosted link to `/connect`, say)
    /// and returns the final response.
    pub async fn follow(&self, client: &reqwest::Client, url: &str) -> reqwest::Response {
        let mut url = url.to_owned();
        for _ in 0..5 {
            let response = client.get(&url).send().await.unwrap();
            if !response.status().is_redirection() {
                return response;
            }
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            url = if location.starts_with('/') {
                self.url(&location)
            } else {
                location
            };
        }
        panic!("too many redirects from {url}");
    }

    /// The id of the link `client`'s hosted page is shown for, as every form on it carries it.
    pub async fn page_link(&self, client: &reqwest::Client) -> String {
        let html = client
            .get(self.url("/connect"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        link_field(&html)
    }

    /// Opens a page as this app's browser, following redirects, and returns its HTML.
    pub async fn open(&self, url: &str) -> String {
        self.follow(&self.client, url).await.text().await.unwrap()
    }

    /// The HTML of a page.
    pub async fn html(&self, url: &str) -> String {
        self.client
            .get(url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn upsert_account(&self, org: &TestOrg, id: &str) {
        let response = self
            .post_json(
                org,
                "/api/v2/public/linked-account",
                serde_json::json!({ "linked_account_id": id }),
            )
            .await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }

    /// A hosted link for a linked account, through the API.
    pub async fn hosted_url(&self, org: &TestOrg, account: &str) -> String {
        let response = self
            .post_json(
                org,
                "/api/v2/public/connect-url",
                serde_json::json!({ "linked_account_id": account }),
            )
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["hosted_url"].as_str().unwrap().to_owned()
    }

    /// `PUT /api/v2/public/app/{slug}/config` with the org's key.
    pub async fn configure(&self, org: &TestOrg, slug: &str, body: Value) -> reqwest::Response {
        self.client
            .put(self.url(&format!("/api/v2/public/app/{slug}/config")))
            .header("x-api-key", &org.key)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// On SQLite, asserts that none of `secrets` appears in the database file or its WAL.
    /// (A PostgreSQL server's files are not the test's to read.)
    pub fn assert_absent_from_database_file(&self, secrets: &[&str]) {
        if backend() != "sqlite" {
            return;
        }
        let mut bytes = Vec::new();
        for file in ["portico.db", "portico.db-wal"] {
            if let Ok(content) = std::fs::read(self.dir.join(file)) {
                bytes.extend(content);
            }
        }
        assert!(!bytes.is_empty(), "the database file is readable");
        for secret in secrets {
            let needle = secret.as_bytes();
            assert!(
                !bytes.windows(needle.len()).any(|window| window == needle),
                "a secret is in the database file"
            );
        }
    }

    /// Number of rows in a table.
    pub async fn count(&self, table: &str) -> i64 {
        use sea_orm::Statement;
        let statement = Statement::from_string(
            self.db.get_database_backend(),
            format!("SELECT COUNT(*) FROM {table}"),
        );
        let row = self
            .db
            .query_one_raw(statement)
            .await
            .unwrap()
            .expect("a row");
        row.try_get_by_index::<i64>(0).unwrap()
    }
}

/// Asserts an error response: status, JSON `{error: {code, message}}`, and returns the body.
pub async fn assert_error(response: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    body
}

/// A token issued for `account` at `POST /api/v2/public/{kind}` (`session-token` or
/// `embed-token`): the whole answer.
async fn issue(app: &TestApp, org: &TestOrg, kind: &str, account: &str) -> Value {
    let response = app
        .post_json(
            org,
            &format!("/api/v2/public/{kind}"),
            json!({ "linked_account_id": account }),
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

pub async fn session_token(app: &TestApp, org: &TestOrg, account: &str) -> String {
    issue(app, org, "session-token", account).await["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A new widget for `account`: the whole answer of `POST /api/v2/public/embed-token`.
pub async fn embed_token(app: &TestApp, org: &TestOrg, account: &str) -> Value {
    issue(app, org, "embed-token", account).await
}

/// Only the token of a new widget.
pub async fn widget_token(app: &TestApp, org: &TestOrg, account: &str) -> String {
    embed_token(app, org, account).await["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `GET /api/v1/{slug}/integrate` as the SDK calls it: the `auth_url` it answers, which is
/// Portico's start page.
pub async fn integrate_start(app: &TestApp, token: &str, slug: &str) -> Url {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/{slug}/integrate?")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    Url::parse(body["auth_url"].as_str().unwrap()).unwrap()
}

/// Clicks Continue on a start page as `client` (a browser); returns the provider's URL.
pub async fn continue_start(client: &reqwest::Client, start: &Url) -> Url {
    let page = client.get(start.as_str()).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Continue to"));
    let response = client.post(start.as_str()).send().await.unwrap();
    assert_eq!(response.status(), 303);
    Url::parse(response.headers()["location"].to_str().unwrap()).unwrap()
}

/// The SDK's connect as this app's browser: integrate, then Continue on the start page;
/// returns the provider's authorization URL.
pub async fn integrate(app: &TestApp, token: &str, slug: &str) -> Url {
    let start = integrate_start(app, token, slug).await;
    continue_start(&app.client, &start).await
}

/// Connects the sandbox for `account` as the sandbox account `account_name`, through the SDK,
/// the consent page and the callback.
pub async fn connect_sandbox(app: &TestApp, org: &TestOrg, account: &str, account_name: &str) {
    let token = session_token(app, org, account).await;
    let auth_url = integrate(app, &token, "sandbox").await;
    let callback = consent(app, &auth_url, "approve", account_name).await;
    let response = app.client.get(callback.as_str()).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

/// Answers the sandbox's consent page; returns where it sends the browser.
pub async fn consent(app: &TestApp, auth_url: &Url, decision: &str, account: &str) -> Url {
    let page = app.html(auth_url.as_str()).await;
    assert!(page.contains("Approve") && page.contains("Deny"), "{page}");
    let mut form: Vec<(String, String)> = auth_url.query_pairs().into_owned().collect();
    form.push(("decision".into(), decision.into()));
    form.push(("account".into(), account.into()));
    let response = app
        .client
        .post(app.url("/sandbox/oauth/authorize"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    Url::parse(response.headers()["location"].to_str().unwrap()).unwrap()
}

/// A separate OAuth2 server process: the npm package `oauth2-mock-server`, installed by the
/// test command into `end2end/node_modules`. Killed when dropped.
pub struct MockProvider {
    pub base: String,
    _process: tokio::process::Child,
}

pub async fn mock_provider() -> MockProvider {
    use tokio::io::{AsyncBufReadExt, BufReader};

    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../end2end/node_modules/oauth2-mock-server/dist/oauth2-mock-server.mjs");
    assert!(
        bin.is_file(),
        "oauth2-mock-server is not installed: run `npm ci` in end2end/ (the test command does)"
    );
    let mut process = tokio::process::Command::new("node")
        .arg(bin)
        .args(["-a", "127.0.0.1", "-p", "0"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node starts");
    let mut lines = BufReader::new(process.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("the mock server prints where it listens");
        if let Some(url) = line.strip_prefix("OAuth 2 server listening on ") {
            break url.trim().to_owned();
        }
    };
    MockProvider {
        base,
        _process: process,
    }
}

/// Who the tests act as when they arrange state through the domain layer.
pub const OPERATOR: portico::entity::connection_event::Actor =
    portico::entity::connection_event::Actor::Operator;

/// Flags a connection through the single writer of flags, as an operator would.
pub async fn flag_connection(db: &DatabaseConnection, connection_id: &str, reason: ReauthReason) {
    let flag = connections::Flag::new(reason, OPERATOR, "arranged by a test", chrono::Utc::now());
    assert!(
        connections::flag(db, connection_id, None, &flag)
            .await
            .unwrap()
            .is_some()
    );
}

/// The value of the hidden `link` field of a hosted page's forms.
pub fn link_field(html: &str) -> String {
    let at = html
        .find(r#"name="link" value=""#)
        .unwrap_or_else(|| panic!("no link field in {html}"));
    let rest = &html[at + r#"name="link" value=""#.len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}
