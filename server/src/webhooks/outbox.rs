//! The outbox: for each event a subscription asked for, one delivery row, written in the
//! transaction that records the event, so an event is never committed without its deliveries.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::subscriptions::events_of;
use crate::entity::{connection_event, webhook_delivery, webhook_subscription};
use crate::tenancy::Environment;

/// The `webhook-id` of an event for a subscription: the same on every attempt and every
/// replay, so a receiver can drop what it already has.
pub(crate) fn message_id(event_id: i64, subscription_id: &str) -> String {
    let digest = crate::secrets::digest(&format!("{event_id}:{subscription_id}"));
    format!("msg_{}", &digest[..32])
}

/// The enabled subscriptions of each org and environment, read once per transaction that
/// records events (a bulk flag reads them once, not once per connection).
#[derive(Default)]
pub(crate) struct Subscribers(HashMap<(String, Environment), Vec<webhook_subscription::Model>>);

impl Subscribers {
    async fn of(
        &mut self,
        txn: &impl ConnectionTrait,
        org_id: &str,
        environment: Environment,
    ) -> Result<&[webhook_subscription::Model], DbErr> {
        let key = (org_id.to_owned(), environment);
        if !self.0.contains_key(&key) {
            let found = webhook_subscription::Entity::find()
                .filter(webhook_subscription::Column::OrgId.eq(org_id))
                .filter(webhook_subscription::Column::Environment.eq(environment))
                .filter(webhook_subscription::Column::Enabled.eq(true))
                .all(txn)
                .await?;
            self.0.insert(key.clone(), found);
        }
        Ok(&self.0[&key])
    }
}

/// Queues `event` for every enabled subscription of its org and environment that asked for
/// it, with the subscriptions read earlier in the same transaction. Returns how many
/// deliveries were queued.
pub(crate) async fn enqueue_with(
    txn: &impl ConnectionTrait,
    event: &connection_event::Model,
    subscribers: &mut Subscribers,
) -> Result<u64, DbErr> {
    let Some(name) = event.kind.event_name() else {
        return Ok(0);
    };
    let subscriptions = subscribers
        .of(txn, &event.org_id, event.environment)
        .await?;
    let mut queued = 0;
    for subscription in subscriptions {
        if events_of(subscription).iter().any(|wanted| wanted == name) {
            queue(txn, event.id, &subscription.id, event.created_at).await?;
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
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
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

/// Which events a replay sends again.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Replay {
    /// One event, by its cursor.
    Event(i64),
    /// Every event from `since` to `until`.
    Range(DateTime<Utc>, DateTime<Utc>),
}

/// The longest time range one replay covers.
pub(crate) const REPLAY_SPAN: chrono::Duration = chrono::Duration::days(7);
/// The most events one replay queues.
pub(crate) const REPLAY_MOST: u64 = 10_000;

/// What a replay did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replayed {
    /// This many were queued; this many were already waiting to be sent, and were left so.
    Queued { queued: u64, pending: u64 },
    /// The one event asked for is not the org's.
    UnknownEvent,
    /// The range holds more events than one replay takes.
    TooMany(u64),
    /// The range is longer than one replay covers, or ends before it starts.
    BadRange,
}

/// Queues events of the subscription's org and environment for it again (with their
/// original `webhook-id`), those it asks for; a message already waiting to be sent is not
/// queued twice. A range is at most [`REPLAY_SPAN`] and [`REPLAY_MOST`] events.
pub(crate) async fn replay(
    db: &DatabaseConnection,
    subscription: &webhook_subscription::Model,
    which: Replay,
    now: DateTime<Utc>,
) -> Result<Replayed, DbErr> {
    let mut query = connection_event::Entity::find()
        .filter(connection_event::Column::OrgId.eq(&subscription.org_id))
        .filter(connection_event::Column::Environment.eq(subscription.environment))
        .order_by_asc(connection_event::Column::Id);
    query = match which {
        Replay::Event(id) => query.filter(connection_event::Column::Id.eq(id)),
        Replay::Range(since, until) => query
            .filter(connection_event::Column::CreatedAt.gte(since))
            .filter(connection_event::Column::CreatedAt.lte(until)),
    };
    if let Replay::Range(since, until) = which
        && (until < since || until - since > REPLAY_SPAN)
    {
        return Ok(Replayed::BadRange);
    }
    let txn = crate::db::begin_write(db).await?;
    let found = query.clone().count(&txn).await?;
    if found > REPLAY_MOST {
        return Ok(Replayed::TooMany(found));
    }
    let events = query.all(&txn).await?;
    if matches!(which, Replay::Event(_)) && events.is_empty() {
        return Ok(Replayed::UnknownEvent);
    }
    let wanted = events_of(subscription);
    let waiting: std::collections::HashSet<i64> = webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::EventId)
        .filter(webhook_delivery::Column::SubscriptionId.eq(&subscription.id))
        .filter(webhook_delivery::Column::State.eq(webhook_delivery::State::Pending))
        .into_tuple::<i64>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    let (mut queued, mut pending) = (0, 0);
    for event in events {
        let asked = event
            .kind
            .event_name()
            .is_some_and(|name| wanted.iter().any(|w| w == name));
        if !asked {
            continue;
        }
        if waiting.contains(&event.id) {
            pending += 1;
        } else {
            queue(&txn, event.id, &subscription.id, now).await?;
            queued += 1;
        }
    }
    txn.commit().await?;
    Ok(Replayed::Queued { queued, pending })
}

/// Makes a waiting delivery of `event_id` for the subscription due now, instead of at its
/// next scheduled retry: what "send again" means for a delivery still being retried. Returns
/// whether one was waiting.
pub(crate) async fn retry_now(
    db: &impl ConnectionTrait,
    subscription: &webhook_subscription::Model,
    event_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let moved = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::NextAttemptAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(webhook_delivery::Column::SubscriptionId.eq(&subscription.id))
        .filter(webhook_delivery::Column::EventId.eq(event_id))
        .filter(webhook_delivery::Column::State.eq(webhook_delivery::State::Pending))
        .exec(db)
        .await?;
    Ok(moved.rows_affected > 0)
}

/// Deliveries whose last attempt failed and that will be tried again.
pub(crate) fn retrying() -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(webhook_delivery::Column::State.eq(webhook_delivery::State::Pending))
        .add(webhook_delivery::Column::Attempts.gt(0))
}

/// Deliveries that are failing: being retried, or given up after their last attempt.
pub(crate) fn failing() -> sea_orm::Condition {
    sea_orm::Condition::any()
        .add(webhook_delivery::Column::State.eq(webhook_delivery::State::Dead))
        .add(retrying())
}

/// What waits in the outbox: how many deliveries are pending, and when the oldest of them was
/// queued. Every org together (for the operator's metrics), or one org's environment.
pub(crate) async fn backlog(
    db: &impl ConnectionTrait,
    org: Option<(&str, Environment)>,
) -> Result<(u64, Option<DateTime<Utc>>), DbErr> {
    let mut query = webhook_delivery::Entity::find()
        .select_only()
        .column_as(webhook_delivery::Column::Id.count(), "pending")
        .column_as(webhook_delivery::Column::CreatedAt.min(), "oldest")
        .filter(webhook_delivery::Column::State.eq(webhook_delivery::State::Pending));
    if let Some((org_id, environment)) = org {
        let subscriptions = super::subscriptions::ids_of(org_id, environment);
        query = query.filter(webhook_delivery::Column::SubscriptionId.in_subquery(subscriptions));
    }
    let row: Option<(i64, Option<DateTime<Utc>>)> = query.into_tuple().one(db).await?;
    let (pending, oldest) = row.unwrap_or((0, None));
    Ok((u64::try_from(pending).unwrap_or(0), oldest))
}
