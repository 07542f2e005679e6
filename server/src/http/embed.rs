//! The widget's routes beside its page. `GET /embed/{token}/events`: what the widget watches,
//! as server-sent events. An event `state` carries the linked account's [`WidgetState`] each
//! time it changes (the first at once); `end` says the token expired or was revoked, and the
//! stream closes. The widget learns that a sign-in finished from here, not from its popup.
//! `GET /embed/{token}/sign-in`: what the sign-in window shows when the sign-in could not
//! start.

use std::convert::Infallible;
use std::time::Duration;

use app::dto::Flash;
use app::dto::WidgetState;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures_util::stream::{self, Stream};

use super::AppState;
use super::page::message;
use crate::embed;
use crate::sessions::{self, Purpose, Session, SessionError};

/// How often the stream looks at the database for a change.
const EVERY: Duration = Duration::from_secs(1);

/// Every this many looks, the token is checked again (a revoked token ends the stream).
const TOKEN_EVERY: u32 = 5;

pub async fn events(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let session = match embed::visitor(&state.db, &token).await {
        Ok(session) => session,
        Err(SessionError::Unknown | SessionError::WrongPurpose) => {
            return StatusCode::UNAUTHORIZED.into_response();
        }
        Err(SessionError::Expired) => return StatusCode::GONE.into_response(),
        Err(SessionError::Db(error)) => {
            tracing::warn!(%error, "widget events: token lookup failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    Sse::new(watch(state, session))
        .keep_alive(KeepAlive::default())
        .into_response()
}

#[derive(serde::Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// The sign-in window of a Connect that could not start: why, in the widget's words.
pub async fn sign_in_refused(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<Done>,
) -> Response {
    let close = "You can close this window.";
    let refused =
        |heading: &str, text: &str| message(StatusCode::OK, heading, &[text, close], None);
    let Ok(session) = embed::visitor(&state.db, &token).await else {
        let (heading, text) = app::PortalError::LinkExpired.words();
        return refused(heading, text);
    };
    let said = query
        .done
        .and_then(|done| embed::message(&state.vault, &session, &done));
    match said.map(|said| said.flash) {
        Some(Flash::Notice(notice, slug)) => {
            let name = state
                .catalog
                .get(&slug)
                .map_or_else(|| slug.clone(), |app| app.name.clone());
            refused(
                "This app cannot be connected now",
                &notice.explanation(&name),
            )
        }
        _ => refused(
            "Nothing to sign in to here",
            "Go back to the app list and choose Connect again.",
        ),
    }
}

struct Watch {
    state: AppState,
    stopping: tokio::sync::watch::Receiver<bool>,
    session: Session,
    last: Option<WidgetState>,
    looks: u32,
    ended: bool,
}

fn watch(state: AppState, session: Session) -> impl Stream<Item = Result<Event, Infallible>> {
    let start = Watch {
        stopping: state.stopping.subscribe(),
        state,
        session,
        last: None,
        looks: 0,
        ended: false,
    };
    stream::unfold(start, |mut watch| async move {
        if watch.ended {
            return None;
        }
        loop {
            if watch.last.is_some() {
                // A server shutting down ends the stream; the browser reconnects elsewhere.
                tokio::select! {
                    () = tokio::time::sleep(EVERY) => {}
                    _ = watch.stopping.wait_for(|stopping| *stopping) => return None,
                }
            }
            watch.looks += 1;
            if watch.looks % TOKEN_EVERY == 0 && !still_valid(&watch).await {
                watch.ended = true;
                let end = Event::default().event("end").data("{}");
                return Some((Ok(end), watch));
            }
            let current = match embed::state(&watch.state.db, &watch.session.linked_account).await {
                Ok(current) => current,
                // A database that is away for a moment: look again next time.
                Err(error) => {
                    tracing::warn!(%error, "widget events: state lookup failed");
                    continue;
                }
            };
            if watch.last.as_ref() == Some(&current) {
                continue;
            }
            let data = serde_json::to_string(&current).expect("widget state serializes");
            watch.last = Some(current);
            return Some((Ok(Event::default().event("state").data(data)), watch));
        }
    })
}

/// Whether the widget's token is still good: not revoked, not expired.
async fn still_valid(watch: &Watch) -> bool {
    !matches!(
        sessions::resolve_by_id(&watch.state.db, &watch.session.token_id, Purpose::Embed).await,
        Err(SessionError::Unknown | SessionError::Expired | SessionError::WrongPurpose)
    )
}
