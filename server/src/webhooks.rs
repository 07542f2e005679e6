//! Webhooks that are never lost: subscriptions per org and environment, an outbox written in
//! the same transaction as each event, deliveries signed per Standard Webhooks 1.0 and retried
//! on a schedule, and an event log a vendor can read from a cursor.

pub mod deliver;
pub mod log;
pub mod outbox;
pub mod sign;
pub mod subscriptions;

/// The events a subscription can ask for, as the seed names them.
pub fn event_names() -> impl Iterator<Item = &'static str> {
    crate::entity::connection_event::WEBHOOK_EVENTS
        .iter()
        .map(|(_, name)| *name)
}
