//! A Slack-shaped OAuth2 provider for tests, on a real HTTP server on port 0: it names each
//! workspace by a stable team id beside its display name, rotates refresh tokens, answers
//! refusals as Slack does (HTTP 200, `ok: false`), and can be told to fail like a provider
//! in trouble (503, 429, hanging, an HTML page). It counts what it is asked.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::{
    Form, Json, Router,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::Notify;

/// How the token endpoint answers refreshes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// 503 Service Unavailable.
    Unavailable,
    /// 429 with `Retry-After: 1`.
    RateLimited,
    /// Never answers (the client times out).
    Hang,
    /// 200 with an HTML maintenance page.
    Html,
}

#[derive(Default)]
struct Grants {
    /// Current refresh token → (team id, team name).
    current: HashMap<String, (String, String)>,
    /// Refresh tokens a rotation replaced.
    previous: HashMap<String, String>,
    codes: HashMap<String, (String, String)>,
}

struct Inner {
    mode: Mutex<Mode>,
    next_team: Mutex<(String, String)>,
    grants: Mutex<Grants>,
    access_ttl: AtomicU64,
    /// Whether a refresh issues a new refresh token (most providers) or keeps the old one.
    rotate: std::sync::atomic::AtomicBool,
    /// When set, the next refresh waits here before it answers.
    hold: Mutex<Option<(Arc<Notify>, Arc<Notify>)>>,
    pub token_requests: AtomicU64,
    pub refresh_requests: AtomicU64,
    /// When each refresh request arrived.
    refreshed_at: Mutex<Vec<std::time::Instant>>,
    pub revocations: AtomicU64,
    pub reuse_detections: AtomicU64,
}

/// The running provider; it stops with the test's runtime.
#[derive(Clone)]
pub struct Provider {
    pub base: String,
    inner: Arc<Inner>,
}

impl Provider {
    pub async fn start() -> Self {
        let inner = Arc::new(Inner {
            mode: Mutex::new(Mode::Normal),
            next_team: Mutex::new(("T0001".into(), "Acme".into())),
            grants: Mutex::default(),
            access_ttl: AtomicU64::new(3600),
            rotate: std::sync::atomic::AtomicBool::new(true),
            hold: Mutex::new(None),
            token_requests: AtomicU64::new(0),
            refresh_requests: AtomicU64::new(0),
            refreshed_at: Mutex::default(),
            revocations: AtomicU64::new(0),
            reuse_detections: AtomicU64::new(0),
        });
        let router = Router::new()
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/revoke", post(revoke))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { base, inner }
    }

    /// The workspace the next sign-in is for.
    pub fn sign_in_as(&self, team_id: &str, name: &str) {
        *self.inner.next_team.lock().unwrap() = (team_id.into(), name.into());
    }

    /// Refreshes answer without a new refresh token; the old one keeps working.
    pub fn stop_rotating(&self) {
        self.inner.rotate.store(false, Ordering::SeqCst);
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.inner.mode.lock().unwrap() = mode;
    }

    /// Makes the next refresh wait until `release` is notified; `arrived` is notified when it
    /// comes in.
    pub fn hold_next_refresh(&self) -> (Arc<Notify>, Arc<Notify>) {
        let pair = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        *self.inner.hold.lock().unwrap() = Some(pair.clone());
        pair
    }

    pub fn reuse_detections(&self) -> u64 {
        self.inner.reuse_detections.load(Ordering::SeqCst)
    }

    /// Grants ended through the revocation endpoint (RFC 7009).
    pub fn revocations(&self) -> u64 {
        self.inner.revocations.load(Ordering::SeqCst)
    }

    /// When each refresh request arrived, in order.
    pub fn refresh_times(&self) -> Vec<std::time::Instant> {
        self.inner.refreshed_at.lock().unwrap().clone()
    }

    pub fn refresh_requests(&self) -> u64 {
        self.inner.refresh_requests.load(Ordering::SeqCst)
    }

    /// The custom app body that points Portico at this provider, Slack's refusals included.
    pub fn custom_app(&self, slug: &str) -> serde_json::Value {
        json!({
            "slug": slug,
            "name": "Acme Chat",
            "auth_type": "oauth2",
            "oauth": {
                "authorize_url": format!("{}/authorize", self.base),
                "token_url": format!("{}/token", self.base),
                "revoke_url": format!("{}/revoke", self.base),
                "scopes": ["chat:write"],
                "pkce": false,
                "client_auth": "post",
                "client_id": "acme-chat-client",
                "client_secret": "acme-chat-secret",
                "identifier": "/team/name",
                "account_id": "/team/id",
                "refusals": [
                    {"pointer": "/error", "value": "invalid_refresh_token", "means": "invalid_grant"},
                    {"pointer": "/error", "value": "token_revoked", "means": "token_revoked"},
                    {"pointer": "/error", "value": "invalid_client_id", "means": "invalid_client"}
                ]
            }
        })
    }
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    redirect_uri: String,
    state: String,
}

async fn authorize(
    State(inner): State<Arc<Inner>>,
    Query(query): Query<AuthorizeQuery>,
) -> Response {
    let code = portico::secrets::random_secret("code_");
    let team = inner.next_team.lock().unwrap().clone();
    inner
        .grants
        .lock()
        .unwrap()
        .codes
        .insert(code.clone(), team);
    let mut target = url::Url::parse(&query.redirect_uri).unwrap();
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &query.state);
    Redirect::to(target.as_str()).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: Option<String>,
    refresh_token: Option<String>,
    client_id: Option<String>,
}

fn refusal(error: &str) -> Response {
    Json(json!({"ok": false, "error": error})).into_response()
}

async fn token(State(inner): State<Arc<Inner>>, Form(form): Form<TokenForm>) -> Response {
    inner.token_requests.fetch_add(1, Ordering::SeqCst);
    if form.client_id.as_deref() != Some("acme-chat-client") {
        return refusal("invalid_client_id");
    }
    let team = match form.grant_type.as_str() {
        "authorization_code" => {
            let code = form.code.unwrap_or_default();
            match inner.grants.lock().unwrap().codes.remove(&code) {
                Some(team) => team,
                None => return refusal("invalid_code"),
            }
        }
        "refresh_token" => {
            inner.refresh_requests.fetch_add(1, Ordering::SeqCst);
            inner
                .refreshed_at
                .lock()
                .unwrap()
                .push(std::time::Instant::now());
            let mode = *inner.mode.lock().unwrap();
            match mode {
                Mode::Normal => {}
                Mode::Unavailable => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
                Mode::RateLimited => {
                    return (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "1")])
                        .into_response();
                }
                Mode::Hang => {
                    tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                }
                Mode::Html => {
                    return (
                        [(header::CONTENT_TYPE, "text/html")],
                        "<html><body>Down for maintenance</body></html>",
                    )
                        .into_response();
                }
            }
            let hold = inner.hold.lock().unwrap().take();
            let presented = form.refresh_token.unwrap_or_default();
            if let Some((arrived, release)) = hold {
                arrived.notify_one();
                release.notified().await;
            }
            let mut grants = inner.grants.lock().unwrap();
            if !inner.rotate.load(Ordering::SeqCst) {
                return match grants.current.get(&presented) {
                    Some(_) => Json(json!({
                        "ok": true,
                        "access_token": portico::secrets::random_secret("xoxe.xoxb-"),
                        "token_type": "bearer",
                        "expires_in": inner.access_ttl.load(Ordering::SeqCst),
                    }))
                    .into_response(),
                    None => refusal("invalid_refresh_token"),
                };
            }
            match grants.current.remove(&presented) {
                Some(team) => {
                    grants.previous.insert(presented, team.0.clone());
                    team
                }
                None => {
                    if grants.previous.contains_key(&presented) {
                        inner.reuse_detections.fetch_add(1, Ordering::SeqCst);
                    }
                    return refusal("invalid_refresh_token");
                }
            }
        }
        _ => return refusal("unsupported_grant_type"),
    };
    let access = portico::secrets::random_secret("xoxe.xoxb-");
    let refresh = portico::secrets::random_secret("xoxe-1-");
    inner
        .grants
        .lock()
        .unwrap()
        .current
        .insert(refresh.clone(), team.clone());
    Json(json!({
        "ok": true,
        "access_token": access,
        "token_type": "bearer",
        "expires_in": inner.access_ttl.load(Ordering::SeqCst),
        "refresh_token": refresh,
        "team": {"id": team.0, "name": team.1},
    }))
    .into_response()
}

#[derive(Deserialize)]
struct RevokeForm {
    token: String,
}

async fn revoke(State(inner): State<Arc<Inner>>, Form(form): Form<RevokeForm>) -> StatusCode {
    if inner
        .grants
        .lock()
        .unwrap()
        .current
        .remove(&form.token)
        .is_some()
    {
        inner.revocations.fetch_add(1, Ordering::SeqCst);
    }
    StatusCode::OK
}
