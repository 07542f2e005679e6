//! `portico webhook list|test|replay`: what an operator needs to see and nudge deliveries.

use chrono::Utc;
use clap::Subcommand;
use std::collections::HashMap;

use sea_orm::{
    DatabaseConnection, EntityTrait, QueryOrder, QuerySelect,
    sea_query::{Expr, Func},
};

use super::CliError;
use crate::entity::{webhook_delivery, webhook_subscription};
use crate::services::Services;
use crate::webhooks::{
    outbox::{self, Replay},
    sign, subscriptions,
};

#[derive(Subcommand, Debug)]
pub enum WebhookCommand {
    /// Every subscription with its deliveries: delivered, waiting, given up.
    List,
    /// Send a signed test message to a subscription now and print what it answered.
    Test {
        #[arg(long)]
        id: String,
    },
    /// Queue one event (by its cursor) or every event since a time for a subscription again.
    Replay {
        #[arg(long)]
        id: String,
        #[arg(long, conflicts_with = "since")]
        event: Option<i64>,
        /// RFC 3339, e.g. 2026-11-29T00:00:00Z.
        #[arg(long)]
        since: Option<chrono::DateTime<Utc>>,
    },
}

pub async fn run(services: &Services, command: WebhookCommand) -> Result<(), CliError> {
    let db = &services.db;
    match command {
        WebhookCommand::List => list(db).await,
        WebhookCommand::Test { id } => {
            let subscription = find(db, &id).await?;
            let body = serde_json::json!({
                "type": "General",
                "event": "Test",
                "org_id": subscription.org_id,
                "environment": subscription.environment.as_str(),
                "createdAt": crate::webhooks::log::rfc1123(Utc::now()),
            })
            .to_string();
            let keys = subscriptions::signing_secrets(&services.vault, &subscription)
                .map_err(|error| CliError::new(error.to_string()))?;
            let signed = sign::sign(
                &format!("msg_test_{}", crate::secrets::random_id()),
                Utc::now().timestamp(),
                &body,
                &keys,
            );
            let answer = crate::webhooks::send_signed(
                &services.outbound(),
                &subscription.url,
                &signed,
                &body,
            )
            .await;
            println!("{} answered {answer}", subscription.url);
            Ok(())
        }
        WebhookCommand::Replay { id, event, since } => {
            let subscription = find(db, &id).await?;
            let which = match (event, since) {
                (Some(event), _) => Replay::Event(event),
                (None, Some(since)) => Replay::Range(since, Utc::now()),
                (None, None) => return Err(CliError::new("give --event N or --since TIME")),
            };
            match outbox::replay(db, &subscription, which).await? {
                outbox::Replayed::Queued { queued, pending } => {
                    println!(
                        "Queued {queued} event(s) for {} ({pending} already waiting).",
                        subscription.url
                    );
                    Ok(())
                }
                outbox::Replayed::UnknownEvent => {
                    Err(CliError::new("no such event for this webhook's org"))
                }
                outbox::Replayed::BadRange => Err(CliError::new(
                    "a replay covers at most the last 7 days: give a later --since",
                )),
                outbox::Replayed::TooMany(found) => Err(CliError::new(format!(
                    "{found} events since then; a replay queues at most {}: give a later --since",
                    outbox::REPLAY_MOST
                ))),
            }
        }
    }
}

async fn find(db: &DatabaseConnection, id: &str) -> Result<webhook_subscription::Model, CliError> {
    webhook_subscription::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| CliError::new(format!("no webhook with id {id}")))
}

async fn list(db: &DatabaseConnection) -> Result<(), CliError> {
    let all = webhook_subscription::Entity::find()
        .order_by_asc(webhook_subscription::Column::CreatedAt)
        .all(db)
        .await?;
    // Deliveries per subscription and state, counted by the database in one query.
    let counted: Vec<(String, webhook_delivery::State, i64)> = webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::SubscriptionId)
        .column(webhook_delivery::Column::State)
        .column_as(
            Expr::from(Func::count(Expr::col(webhook_delivery::Column::Id))),
            "count",
        )
        .group_by(webhook_delivery::Column::SubscriptionId)
        .group_by(webhook_delivery::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    let counts: HashMap<(String, webhook_delivery::State), i64> = counted
        .into_iter()
        .map(|(subscription, state, count)| ((subscription, state), count))
        .collect();
    for subscription in all {
        let count = |state| {
            counts
                .get(&(subscription.id.clone(), state))
                .copied()
                .unwrap_or(0)
        };
        println!(
            "{} {} org={} {} {} delivered={} waiting={} dead={} [{}]",
            subscription.id,
            subscription.url,
            subscription.org_id,
            subscription.environment.as_str(),
            if subscription.enabled { "on" } else { "off" },
            count(webhook_delivery::State::Delivered),
            count(webhook_delivery::State::Pending),
            count(webhook_delivery::State::Dead),
            subscriptions::events_of(&subscription).join(", "),
        );
    }
    Ok(())
}
