//! The outbox: for each event a subscription asked for, one delivery row, written in the
//! transaction that records the event, so an event is never committed without its deliveries.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use super::subscriptions::events_of;
use crate::entity::{connection_event, webhook_delivery, webhook_subscription};

/// The `webhook-id` of an event for a subscription: the same on every attempt and every
/// replay, so a receiver can drop what it already has.
pub fn message_id(event_id: i64, subscription_id: &str) -> String {
    let digest = Sha256::digest(format!("{event_id}:{subscription_id}").as_bytes());
    format!("msg_{}", &hex::encode(digest)[..32])
}

/// Queues `event` for every enabled subscription of its org and environment that asked for
/// it. Returns how many deliveries were queued.
pub async fn enqueue(
    txn: &impl ConnectionTrait,
    event: &connection_event::Model,
) -> Result<u64, DbErr> {
    let Some(name) = event.kind.event_name() else {
        return Ok(0);
    };
    let subscriptions = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::OrgId.eq(&event.org_id))
        .filter(webhook_subscription::Column::Environment.eq(event.environment))
        .filter(webhook_subscription::Column::Enabled.eq(true))
        .all(txn)
        .await?;
    let mut queued = 0;
    for subscription in subscriptions {
        if events_of(&subscription).iter().any(|wanted| wanted == name) {
            queue(txn, event.id, &subscription.id).await?;
            queued += 1;
        }
    }
    Ok(queued)
}

/// Queues one event for one subscription, due now.
pub async fn queue(
    txn: &impl ConnectionTrait,
    event_id: i64,
    subscription_id: &str,
) -> Result<(), DbErr> {
    let now = Utc::now();
    webhook_delivery::Entity::insert(webhook_delivery::ActiveModel {
        event_id: Set(event_id),
        subscription_id: Set(subscription_id.to_owned()),
        message_id: Set(message_id(event_id, subscription_id)),
        state: Set(webhook_delivery::State::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        last_status: Set(None),
        last_error: Set(None),
        delivered_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}
