//! Webhooks that are never lost: subscriptions per org and environment, an outbox written in
//! the same transaction as each event, deliveries signed per Standard Webhooks 1.0 and retried
//! on a schedule, and an event log a vendor can read from a cursor.

mod claim;
pub(crate) mod deliver;
pub mod log;
pub mod outbox;
mod send;
pub mod sign;
pub mod subscriptions;

pub use send::send_test;

/// What sending webhooks needs of the server: its database, the vault that opens signing
/// secrets, the one client for outbound requests, and the delivery settings.
#[derive(Clone)]
pub struct Outbound {
    pub db: sea_orm::DatabaseConnection,
    pub vault: std::sync::Arc<crate::vault::Vault>,
    pub egress: crate::egress::Egress,
    pub settings: crate::config::WebhookSettings,
    pub clock: crate::clock::Clock,
}

/// The events a subscription can ask for, as the seed names them.
pub(crate) fn event_names() -> impl Iterator<Item = &'static str> {
    crate::entity::connection_event::WEBHOOK_EVENTS
        .iter()
        .map(|(_, name)| *name)
}
