//! Hosted-page browser sessions: `/connect/{token}` checks the link and trades it for a
//! first-party session cookie, so the page's address carries no token. The session remembers
//! which link opened it (checked again on every request, so revoking the link ends it), lives
//! no longer than that link, and carries one-time messages for the next page.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tower_sessions::{Expiry, Session, cookie::time::OffsetDateTime};

use app::dto::Flash;

use crate::sessions::{self, Purpose, SessionError};

mod store;

pub(crate) use store::DbSessionStore;

/// Where the session keeps the id of the link that opened it.
const LINK_KEY: &str = "link";
/// Where the session keeps when it ends (the link's expiry, in Unix seconds). The store saves
/// every row with this end, whatever expiry the request's session carries.
pub(crate) const UNTIL_KEY: &str = "until";
/// Where the session keeps the message for the next page.
const FLASH_KEY: &str = "flash";

/// Names of the session cookie: `__Host-` pins it to this exact origin over https.
pub(crate) fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-portico_session"
    } else {
        "portico_session"
    }
}

/// Why the page cannot be shown to this browser.
#[derive(Debug, thiserror::Error)]
pub(crate) enum VisitError {
    /// This browser never opened a link, or its session ended.
    #[error("no session")]
    NoSession,
    /// The link that opened the session was revoked.
    #[error("the link was revoked")]
    Revoked,
    #[error("the link has expired")]
    Expired,
    #[error("session store: {0}")]
    Store(String),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

/// Starts a session for a valid hosted link: a fresh session id (so a session planted before
/// cannot be taken over), the link remembered, and the link's expiry as the session's.
pub(crate) async fn open(browser: &Session, link: &sessions::Session) -> Result<(), VisitError> {
    let store_error = |error: tower_sessions::session::Error| VisitError::Store(error.to_string());
    browser.cycle_id().await.map_err(store_error)?;
    browser.clear().await;
    browser
        .insert(LINK_KEY, &link.token_id)
        .await
        .map_err(store_error)?;
    browser
        .insert(UNTIL_KEY, link.expires_at.timestamp())
        .await
        .map_err(store_error)?;
    browser.set_expiry(Some(Expiry::AtDateTime(to_offset(link.expires_at))));
    Ok(())
}

/// The link behind this browser's session, checked again now.
pub(crate) async fn visitor(
    db: &impl ConnectionTrait,
    browser: &Session,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<sessions::Session, VisitError> {
    let link_id: Option<String> = browser
        .get(LINK_KEY)
        .await
        .map_err(|error| VisitError::Store(error.to_string()))?;
    let link_id = link_id.ok_or(VisitError::NoSession)?;
    sessions::resolve_by_id(db, &link_id, Purpose::Hosted, now)
        .await
        .map_err(|error| match error {
            SessionError::Unknown | SessionError::WrongPurpose => VisitError::Revoked,
            SessionError::Expired => VisitError::Expired,
            SessionError::Db(error) => VisitError::Db(error),
        })
}

/// Leaves a message for the next page this browser shows.
pub(crate) async fn set_flash(browser: &Session, flash: &Flash) {
    if let Err(error) = browser.insert(FLASH_KEY, flash).await {
        tracing::warn!(%error, "cannot keep a message for the next page");
    }
}

/// The message the last button left, if any. Reading it changes nothing (a page render may
/// ask more than once); [`clear_flash`] ends it once the page has been sent.
pub(crate) async fn flash(browser: &Session) -> Option<Flash> {
    browser.get(FLASH_KEY).await.ok().flatten()
}

/// Ends the message once a page has shown it.
pub(crate) async fn clear_flash(browser: &Session) {
    let _ = browser.remove::<Flash>(FLASH_KEY).await;
}

/// Deletes sessions that ended before `now`.
pub(crate) async fn purge_expired(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    store::purge(db, now).await
}

fn to_offset(at: DateTime<Utc>) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(at.timestamp()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
