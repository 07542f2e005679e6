//! Who is signed in to the console: the org and environment their session is for, how they
//! signed in, when, and the session's CSRF token. A session older than 8 hours is ended here
//! whatever its activity, one idle for an hour, and one opened with an API key once that key
//! is revoked.

use axum::{
    extract::FromRequestParts,
    http::request::Parts,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use tower_sessions::{Expiry, Session, SessionManagerLayer, cookie::time};

use crate::hosted::DbSessionStore;
use crate::http::AppState;
use crate::tenancy::Environment;

/// Where the session keeps its operator.
const OPERATOR_KEY: &str = "console";

/// The longest a console session lasts, active or not.
const MOST_HOURS: i64 = 8;

/// How long a console session may sit idle.
const IDLE: time::Duration = time::Duration::hours(1);

/// The console's session cookie layer.
pub(super) fn sessions(state: &AppState) -> SessionManagerLayer<DbSessionStore> {
    let secure = state.secure_cookies();
    let store = DbSessionStore::new(state.db.clone(), state.clock.clone());
    SessionManagerLayer::new(store)
        .with_name(if secure {
            "__Host-portico_console"
        } else {
            "portico_console"
        })
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(IDLE))
        // Each request moves the idle deadline.
        .with_always_save(true)
}

/// A signed-in console user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Operator {
    pub org_id: String,
    pub environment: Environment,
    /// How they signed in, as the audit trail names them: `console (link)` or
    /// `console (API key test_ab12…)`.
    pub actor: String,
    /// Unix seconds.
    pub signed_in_at: i64,
    /// The API key signed in with, if one was: revoking it ends the session.
    #[serde(default)]
    pub key_id: Option<String>,
    /// Every state-changing form of this session carries it.
    pub csrf: String,
}

impl Operator {
    /// Whether a form's token is this session's.
    pub(super) fn csrf_matches(&self, presented: &str) -> bool {
        crate::secrets::digests_match(&self.csrf, presented)
    }
}

/// Signs `operator` in: a fresh session id (a planted session cannot be taken over), and
/// nothing of what the browser's session held before.
pub(super) async fn sign_in(
    session: &Session,
    operator: &Operator,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.clear().await;
    session.insert(OPERATOR_KEY, operator).await?;
    keep_until(session, operator, operator.signed_in_at).await
}

/// Moves the session's end to an idle hour after `now` (Unix seconds), never past 8 hours
/// after signing in. The store keeps the row until then by Portico's clock, so neither limit
/// depends on the browser honouring its cookie's age.
async fn keep_until(
    session: &Session,
    operator: &Operator,
    now: i64,
) -> Result<(), tower_sessions::session::Error> {
    let until = (now + IDLE.whole_seconds()).min(operator.signed_in_at + MOST_HOURS * 3600);
    session.insert(crate::hosted::UNTIL_KEY, until).await
}

/// Ends the session.
pub(super) async fn sign_out(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}

/// The operator of a request's console session; without one, the request is sent to sign in.
pub(super) struct SignedIn(pub Operator);

/// Not signed in (or the session is too old): to the sign-in page.
pub(super) struct SignInFirst;

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        Redirect::to(super::SIGN_IN_PATH).into_response()
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = SignInFirst;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or(SignInFirst)?;
        let operator: Operator = session
            .get(OPERATOR_KEY)
            .await
            .ok()
            .flatten()
            .ok_or(SignInFirst)?;
        let now = state.clock.now().timestamp();
        if !(0..MOST_HOURS * 3600).contains(&(now - operator.signed_in_at)) {
            let _ = session.flush().await;
            return Err(SignInFirst);
        }
        if let Some(key_id) = &operator.key_id {
            match crate::tenancy::key_active(&state.db, key_id).await {
                Ok(true) => {}
                Ok(false) => {
                    let _ = session.flush().await;
                    return Err(SignInFirst);
                }
                // Not known to be revoked: the session stays for when the database answers.
                Err(_) => return Err(SignInFirst),
            }
        }
        keep_until(&session, &operator, now)
            .await
            .map_err(|_| SignInFirst)?;
        Ok(Self(operator))
    }
}
