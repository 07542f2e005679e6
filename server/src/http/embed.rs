//! The widget's routes beside its page. `GET /embed/{token}/events`: what the widget watches,
//! as server-sent events. An event `state` carries the linked account's [`WidgetState`] each
//! time it changes (the first at once); `end` says the token expired or was revoked, and the
//! stream closes. It looks when this process says the account changed, and on a schedule for
//! changes made elsewhere. The widget learns that a sign-in finished from here, not from its popup.
//! `GET /embed/sign-in`: what the sign-in window shows when the sign-in could not start.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use app::{
    PortalError,
    dto::{Flash, Flow, WidgetState},
};
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
use super::client::ClientAddress;
use super::page::{Words, message, refused, status_of};
use crate::connections::Listener;
use crate::embed::{self, Shown};
use crate::sessions::{self, Purpose, Session, SessionError};

mod slots;

pub use slots::StreamSlots;
use slots::{Refused, Slot};

/// While a sign-in is waiting, the stream looks this often: its callback may land where this
/// process does not hear of it (another replica on SQLite, or while the replicas' channel is
/// down).
const LOOK_WAITING: Duration = Duration::from_secs(1);

/// Otherwise it looks this often, and at once when this process changes the account.
const LOOK_IDLE: Duration = Duration::from_secs(5);

/// How long the stream waits after a failed look.
const LOOK_AFTER_FAILURE: Duration = Duration::from_secs(1);

/// How often the token is checked again (a revoked token ends the stream).
const TOKEN_EVERY: Duration = Duration::from_secs(5);

/// How long until the next scheduled look, given what the widget shows now. Idle looks are
/// spread by up to a fifth either way, so widgets opened together do not look together.
fn look_after(current: &WidgetState) -> Duration {
    use rand::Rng;

    if current.flows.iter().any(|(_, flow)| *flow == Flow::Waiting) {
        LOOK_WAITING
    } else {
        LOOK_IDLE.mul_f64(rand::rng().random_range(0.8..=1.2))
    }
}

/// How long a refused stream is asked to wait before it tries again.
const RETRY_REFUSED: u64 = 30;

/// The status and words of a widget that cannot be shown (its page, its forms, its stream).
pub(super) fn refusal(error: &SessionError) -> PortalError {
    match error {
        SessionError::Unknown | SessionError::WrongPurpose => PortalError::LinkInvalid,
        SessionError::Expired => PortalError::LinkExpired,
        SessionError::Db(error) => {
            tracing::warn!(%error, "widget: token lookup failed");
            PortalError::Unavailable
        }
    }
}

pub(super) async fn events(
    State(state): State<AppState>,
    address: Option<axum::Extension<ClientAddress>>,
    Path(token): Path<String>,
) -> Response {
    let session = match embed::visitor(&state.db, &token, state.clock.now()).await {
        Ok(session) => session,
        Err(error) => return status_of(&refusal(&error)).into_response(),
    };
    // A copied token, or one address, cannot hold more than its share of streams; when the
    // process holds all it takes, widgets fall back on looking again later.
    let slot = match state
        .streams
        .take(&session.token_id, address.map(|address| address.0))
    {
        Ok(slot) => slot,
        Err(refused) => {
            tracing::info!(?refused, "widget events: stream refused");
            let status = match refused {
                Refused::Token | Refused::Address => StatusCode::TOO_MANY_REQUESTS,
                Refused::Full => StatusCode::SERVICE_UNAVAILABLE,
            };
            return (
                status,
                [(axum::http::header::RETRY_AFTER, RETRY_REFUSED.to_string())],
            )
                .into_response();
        }
    };
    Sse::new(state_stream(state, session, slot))
        .keep_alive(KeepAlive::default())
        .into_response()
}

#[derive(serde::Deserialize)]
pub(super) struct SealedMessage {
    done: Option<String>,
}

/// The sign-in window of a Connect that could not start: why, in the widget's words. Its
/// address holds no token: the sealed message names it.
pub(super) async fn sign_in_refused(
    State(state): State<AppState>,
    Words(t): Words,
    Query(query): Query<SealedMessage>,
) -> Response {
    let close = t.s("widget-close-window");
    let said = query.done.and_then(|done| {
        embed::message(
            &state.vault,
            &done,
            Shown::InSignInWindow,
            state.clock.now(),
        )
    });
    let Some(said) = said else {
        return message(
            t,
            StatusCode::NOT_FOUND,
            &t.s("widget-nothing-heading"),
            &[t.s("widget-start-again"), close],
            None,
        );
    };
    let session =
        match sessions::resolve_by_id(&state.db, &said.token_id, Purpose::Embed, state.clock.now())
            .await
        {
            Ok(session) => session,
            Err(error) => return refused(t, &refusal(&error), &[close]),
        };
    // The widget's own language, when it was made with one.
    let t = session.options.locale.map_or(t, app::i18n::T);
    let close = t.s("widget-close-window");
    let explanation = match said.flash {
        Flash::Notice(notice, slug) => {
            let name = state
                .catalog
                .get(&slug)
                .map_or_else(|| slug.clone(), |app| app.name.clone());
            notice.explanation(&name, t)
        }
        _ => t.s("widget-start-again"),
    };
    message(
        t,
        StatusCode::OK,
        &t.s("widget-cannot-connect-heading"),
        &[explanation, close],
        None,
    )
}

struct Watch {
    state: AppState,
    stopping: tokio::sync::watch::Receiver<bool>,
    changes: Listener,
    session: Session,
    last: Option<WidgetState>,
    /// How long to wait before the next look; `None` before the first.
    wait: Option<Duration>,
    token_checked: Instant,
    /// When this stream ends; the widget then opens another.
    ends_at: tokio::time::Instant,
    ended: bool,
    /// Its place among the open streams, given back when the stream ends.
    slot: Slot,
}

fn state_stream(
    state: AppState,
    session: Session,
    slot: Slot,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let start = Watch {
        ends_at: tokio::time::Instant::now() + state.streams.lifetime(),
        slot,
        stopping: state.stopping.subscribe(),
        // Listening starts before the first look, so no change falls between the two.
        changes: state.changes.listen(&session.linked_account.id),
        state,
        session,
        last: None,
        wait: None,
        token_checked: Instant::now(),
        ended: false,
    };
    stream::unfold(start, |mut watch| async move {
        if watch.ended {
            return None;
        }
        loop {
            if let Some(wait) = watch.wait {
                // A server shutting down ends the stream; the browser reconnects elsewhere.
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = watch.changes.changed() => {}
                    _ = watch.stopping.wait_for(|stopping| *stopping) => return None,
                    // A stream lives a bounded time; the browser opens the next one.
                    () = tokio::time::sleep_until(watch.ends_at) => return None,
                }
            }
            if watch.token_checked.elapsed() >= TOKEN_EVERY {
                watch.token_checked = Instant::now();
                if !still_valid(&watch).await {
                    watch.ended = true;
                    let end = Event::default().event("end").data("{}");
                    return Some((Ok(end), watch));
                }
            }
            watch.slot.looked();
            let now = watch.state.clock.now();
            let current = match embed::state(&watch.state.db, &watch.session, now).await {
                Ok(current) => current,
                // A database that is away for a moment: look again after the pause.
                Err(error) => {
                    tracing::warn!(%error, "widget events: state lookup failed");
                    watch.wait = Some(LOOK_AFTER_FAILURE);
                    continue;
                }
            };
            watch.wait = Some(look_after(&current));
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
        sessions::resolve_by_id(
            &watch.state.db,
            &watch.session.token_id,
            Purpose::Embed,
            watch.state.clock.now(),
        )
        .await,
        Err(SessionError::Unknown | SessionError::Expired | SessionError::WrongPurpose)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_widget_waiting_on_a_sign_in_is_looked_at_more_often() {
        let idle = WidgetState {
            connections: Vec::new(),
            flows: vec![("asana".to_owned(), Flow::NotFinished)],
        };
        for _ in 0..100 {
            let after = look_after(&idle);
            assert!(
                LOOK_IDLE.mul_f64(0.8) <= after && after <= LOOK_IDLE.mul_f64(1.2),
                "{after:?}"
            );
        }
        let waiting = WidgetState {
            flows: vec![
                ("asana".to_owned(), Flow::NotFinished),
                ("sandbox".to_owned(), Flow::Waiting),
            ],
            ..idle
        };
        assert_eq!(look_after(&waiting), LOOK_WAITING);
        assert!(LOOK_WAITING < LOOK_IDLE.mul_f64(0.8));
    }
}
