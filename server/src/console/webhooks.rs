//! The console's webhooks: the environment's subscriptions, and its newest deliveries (or only
//! the failing ones) with the event each carries and every attempt's status and time.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::{connection_event, webhook_attempt, webhook_delivery};
use crate::tenancy::Environment;

/// The most deliveries the page lists.
pub const LISTED: u64 = 50;

/// One delivery with its event and its newest attempts (oldest first).
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The vendor's id of the customer the event is about.
    pub customer: String,
    pub delivery: webhook_delivery::Model,
    pub event: connection_event::Model,
    pub attempts: Vec<webhook_attempt::Model>,
}

/// The newest deliveries of the org's environment; with `failing`, only those whose last
/// attempt failed (waiting to be tried again, or given up).
pub async fn deliveries(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    failing: bool,
) -> Result<Vec<Delivery>, DbErr> {
    let subscriptions = crate::webhooks::subscriptions::ids_of(org_id, environment);
    let mut query = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::SubscriptionId.in_subquery(subscriptions));
    if failing {
        query = query.filter(crate::webhooks::outbox::failing());
    }
    let rows = query
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(LISTED)
        .all(db)
        .await?;
    let event_ids: Vec<i64> = rows.iter().map(|row| row.event_id).collect();
    let events = connection_event::Entity::find()
        .filter(connection_event::Column::Id.is_in(event_ids))
        .all(db)
        .await?;
    let customers = crate::webhooks::log::external_ids(db, &events).await?;
    let delivery_ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let attempts = crate::webhooks::log::latest_attempts(db, &delivery_ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|delivery| {
            let event = events
                .iter()
                .find(|event| event.id == delivery.event_id)?
                .clone();
            let attempts = attempts
                .iter()
                .filter(|attempt| attempt.delivery_id == delivery.id)
                .cloned()
                .collect();
            Some(Delivery {
                customer: crate::webhooks::log::vendor_id(&customers, &event).to_owned(),
                delivery,
                event,
                attempts,
            })
        })
        .collect())
}
