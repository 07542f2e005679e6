//! Which due deliveries a worker takes, and which receivers wait: receivers take turns, a
//! receiver's deliveries in flight are capped across replicas, and a receiver that keeps
//! failing is paused by its breaker.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, Statement,
    sea_query::Expr,
};

use super::Outbound;
use crate::entity::{webhook_delivery, webhook_subscription};

/// How long a worker holds a claimed delivery: longer than a delivery may take (the egress
/// client gives up after 15 s).
pub(super) const CLAIM: Duration = Duration::seconds(30);
/// Deliveries in flight at once to one receiver, counted across replicas: a receiver that
/// hangs holds this many, and the others' flow on.
const PER_SUBSCRIPTION: i64 = 16;
/// Failed attempts in a row to a receiver after which its breaker opens: its deliveries wait,
/// then one is tried; a success closes the breaker.
const BREAKER_AFTER: i32 = 5;
/// How long an open breaker pauses a receiver, doubling each time it opens again.
const PAUSE_FIRST: Duration = Duration::seconds(30);
const PAUSE_MOST: Duration = Duration::minutes(10);
/// Claims due deliveries and answers the claimed rows. Receivers take turns: each one's
/// oldest due delivery first, then each one's second, and so on; a receiver with
/// [`PER_SUBSCRIPTION`] deliveries in flight gets no more, one whose breaker is open gets none
/// until its pause ends, and then one at a time until a delivery succeeds.
///
/// The turns are read first, without holding SQLite's write lock; the update then takes each
/// row only while it is still unclaimed (PostgreSQL re-checks the condition on a row another
/// replica held), so replicas that read the same turns never claim a delivery twice.
pub(super) async fn claim(
    db: &impl ConnectionTrait,
    batch: u64,
    now: DateTime<Utc>,
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    let backend = db.get_database_backend();
    // `{n}` stands for the n-th value; each backend numbers its parameters its own way.
    let turns = numbered(
        backend,
        "SELECT id FROM (\
           SELECT d.id, \
             ROW_NUMBER() OVER (PARTITION BY d.subscription_id \
               ORDER BY d.next_attempt_at, d.id) AS turn, \
             CASE WHEN COALESCE(s.failures, 0) >= {2} THEN 1 ELSE {3} END AS room, \
             COALESCE(busy.sending, 0) AS busy \
           FROM webhook_delivery d \
           LEFT JOIN webhook_subscription s ON s.id = d.subscription_id \
           LEFT JOIN (SELECT subscription_id, COUNT(*) AS sending FROM webhook_delivery \
             WHERE state = 'pending' AND next_attempt_at <= {1} AND claimed_until > {1} \
             GROUP BY subscription_id) busy ON busy.subscription_id = d.subscription_id \
           WHERE d.state = 'pending' AND d.next_attempt_at <= {1} \
             AND (d.claimed_until IS NULL OR d.claimed_until <= {1}) \
             AND (s.paused_until IS NULL OR s.paused_until <= {1})\
         ) ranked \
         WHERE ranked.turn + ranked.busy <= ranked.room \
         ORDER BY ranked.turn, ranked.id \
         LIMIT {4}",
    );
    let ids: Vec<i64> = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            turns,
            [
                now.into(),
                BREAKER_AFTER.into(),
                PER_SUBSCRIPTION.into(),
                (batch as i64).into(),
            ],
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<i64>("", "id"))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The ids are numbers the database just answered, written into the statement as such.
    let listed: Vec<String> = ids.iter().map(i64::to_string).collect();
    let table = match backend {
        // The ids are row ids, looked up directly: without statistics SQLite would otherwise
        // read every pending delivery through the index on `state`.
        DbBackend::Sqlite => "webhook_delivery NOT INDEXED",
        _ => "webhook_delivery",
    };
    let take = numbered(
        backend,
        &format!(
            "UPDATE {table} SET claimed_until = {{1}}, attempts = attempts + 1 \
             WHERE id IN ({}) AND state = 'pending' \
             AND (claimed_until IS NULL OR claimed_until <= {{2}}) RETURNING *",
            listed.join(",")
        ),
    );
    webhook_delivery::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            backend,
            take,
            [(now + CLAIM).into(), now.into()],
        ))
        .all(db)
        .await
}

/// `sql` with each `{n}` written as the backend's n-th parameter.
fn numbered(backend: DbBackend, sql: &str) -> String {
    let mut sql = sql.to_owned();
    for n in 1..=9 {
        let placeholder = match backend {
            DbBackend::Postgres => format!("${n}"),
            _ => format!("?{n}"),
        };
        sql = sql.replace(&format!("{{{n}}}"), &placeholder);
    }
    sql
}

/// Counts an attempt against the receiver's breaker: a success closes it, a failure counts,
/// and past [`BREAKER_AFTER`] failures in a row pauses the receiver (longer each time).
pub(super) async fn count_for_breaker(
    outbound: &Outbound,
    db: &impl ConnectionTrait,
    subscription: &webhook_subscription::Model,
    succeeded: bool,
) -> Result<(), DbErr> {
    if succeeded {
        if subscription.failures > 0 {
            webhook_subscription::Entity::update_many()
                .col_expr(webhook_subscription::Column::Failures, Expr::value(0))
                .col_expr(
                    webhook_subscription::Column::PausedUntil,
                    Expr::value(None::<DateTime<Utc>>),
                )
                .filter(webhook_subscription::Column::Id.eq(&subscription.id))
                .exec(db)
                .await?;
        }
        return Ok(());
    }
    let backend = db.get_database_backend();
    let placeholder = if backend == DbBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let counted = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "UPDATE webhook_subscription SET failures = failures + 1 \
                 WHERE id = {placeholder} RETURNING failures"
            ),
            [subscription.id.clone().into()],
        ))
        .await?;
    let failures: i32 = match counted {
        Some(row) => row.try_get("", "failures")?,
        None => return Ok(()),
    };
    if failures < BREAKER_AFTER {
        return Ok(());
    }
    let doublings = (failures - BREAKER_AFTER).clamp(0, 10) as u32;
    // The retry schedule's scale (for trying things out) scales the pause too.
    let pause = scaled(
        outbound,
        (PAUSE_FIRST * 2i32.pow(doublings)).min(PAUSE_MOST),
    );
    tracing::warn!(webhook = %subscription.id, failures, pause = %pause, "a receiver keeps failing; its deliveries wait");
    webhook_subscription::Entity::update_many()
        .col_expr(
            webhook_subscription::Column::PausedUntil,
            Expr::value(outbound.clock.now() + pause),
        )
        .filter(webhook_subscription::Column::Id.eq(&subscription.id))
        .exec(db)
        .await?;
    Ok(())
}

/// A wait of the schedule, times its scale.
pub(super) fn scaled(outbound: &Outbound, wait: Duration) -> Duration {
    Duration::milliseconds(
        (wait.num_milliseconds() as f64 * outbound.settings.schedule_scale) as i64,
    )
}
