//! What the console's overview counts for one org's environment: its customers, their
//! connections working and flagged by reason, flags of the last day, and how its webhooks fare.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Iterable, PaginatorTrait, QueryFilter,
    QuerySelect,
};

use crate::entity::connection::{Reason, State};
use crate::entity::{connection, connection_event, linked_account, webhook_delivery};
use crate::tenancy::Environment;

/// The overview's numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub linked_accounts: u64,
    pub active: u64,
    /// Every reason, in the table's order, with how many connections are flagged for it.
    pub flagged: Vec<(Reason, u64)>,
    /// Connections flagged in the 24 hours before now.
    pub flagged_last_day: u64,
    /// Deliveries waiting to be sent.
    pub pending: u64,
    /// When the oldest waiting delivery was queued.
    pub oldest_pending: Option<DateTime<Utc>>,
    /// Deliveries whose last attempt failed and that will be tried again.
    pub retrying: u64,
    /// Deliveries given up after their last attempt.
    pub given_up: u64,
}

impl Overview {
    /// Connections flagged for any reason.
    pub fn flagged_total(&self) -> u64 {
        self.flagged.iter().map(|(_, count)| count).sum()
    }
}

/// Counts what the overview shows; every query is bounded by the org's environment.
pub async fn read(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    now: DateTime<Utc>,
) -> Result<Overview, DbErr> {
    let linked_accounts = linked_account::Entity::find()
        .filter(linked_account::Column::OrgId.eq(org_id))
        .filter(linked_account::Column::Environment.eq(environment))
        .count(db)
        .await?;
    let (active, flagged) = connections(db, org_id, environment).await?;
    let flagged_last_day = connection_event::Entity::find()
        .filter(connection_event::Column::OrgId.eq(org_id))
        .filter(connection_event::Column::Environment.eq(environment))
        .filter(connection_event::Column::Kind.eq(connection_event::Kind::Flagged))
        .filter(connection_event::Column::CreatedAt.gt(now - Duration::hours(24)))
        .count(db)
        .await?;
    let (pending, oldest_pending) =
        crate::webhooks::outbox::backlog(db, Some((org_id, environment))).await?;
    let (retrying, given_up) = failing_deliveries(db, org_id, environment).await?;
    Ok(Overview {
        linked_accounts,
        active,
        flagged,
        flagged_last_day,
        pending,
        oldest_pending,
        retrying,
        given_up,
    })
}

/// Connections working, and flagged by reason (every reason, in the table's order).
async fn connections(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
) -> Result<(u64, Vec<(Reason, u64)>), DbErr> {
    let states: Vec<(State, Option<Reason>, i64)> = connection::Entity::find()
        .select_only()
        .column(connection::Column::Status)
        .column(connection::Column::ReauthReason)
        .column_as(connection::Column::Id.count(), "count")
        .filter(
            connection::Column::LinkedAccountId
                .in_subquery(crate::tenancy::account_ids(org_id, environment)),
        )
        .group_by(connection::Column::Status)
        .group_by(connection::Column::ReauthReason)
        .into_tuple()
        .all(db)
        .await?;
    let mut active = 0;
    let mut flagged: Vec<(Reason, u64)> = Reason::iter().map(|reason| (reason, 0)).collect();
    for (state, reason, count) in states {
        let count = u64::try_from(count).unwrap_or(0);
        match (state, reason) {
            (State::Active, _) => active += count,
            (State::ReauthRequired, Some(reason)) => {
                if let Some(slot) = flagged.iter_mut().find(|(each, _)| *each == reason) {
                    slot.1 += count;
                }
            }
            (State::ReauthRequired, None) => {}
        }
    }
    Ok((active, flagged))
}

/// Deliveries failing and to be tried again, and those given up.
async fn failing_deliveries(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
) -> Result<(u64, u64), DbErr> {
    let deliveries = || {
        let subscriptions = crate::webhooks::subscriptions::ids_of(org_id, environment);
        webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::SubscriptionId.in_subquery(subscriptions))
    };
    let retrying = deliveries()
        .filter(crate::webhooks::outbox::retrying())
        .count(db)
        .await?;
    let given_up = deliveries()
        .filter(webhook_delivery::Column::State.eq(webhook_delivery::State::Dead))
        .count(db)
        .await?;
    Ok((retrying, given_up))
}
