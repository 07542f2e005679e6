//! `portico webhook list|test|replay`: what an operator needs to see and nudge deliveries.

use chrono::Utc;
use clap::Subcommand;

use super::{CliError, Ctx};
use crate::entity::webhook_subscription;
use crate::webhooks::{
    outbox::{self, Replay},
    subscriptions,
};

#[derive(Subcommand, Debug)]
pub enum Command {
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

pub(super) async fn run(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    let db = ctx.db();
    match command {
        Command::List => {
            for (subscription, counts) in subscriptions::all_with_counts(db).await? {
                println!(
                    "{} {} org={} {} {} delivered={} waiting={} dead={} [{}]",
                    subscription.id,
                    subscription.url,
                    subscription.org_id,
                    subscription.environment.as_str(),
                    if subscription.enabled { "on" } else { "off" },
                    counts.delivered,
                    counts.waiting,
                    counts.dead,
                    subscriptions::events_of(&subscription).join(", "),
                );
            }
        }
        Command::Test { id } => {
            let subscription = find(ctx, &id).await?;
            let answer = crate::webhooks::send_test(
                &ctx.services.outbound(),
                &subscription,
                ctx.services.clock.now(),
            )
            .await?;
            println!("{} answered {answer}", subscription.url);
        }
        Command::Replay { id, event, since } => {
            let subscription = find(ctx, &id).await?;
            let which = match (event, since) {
                (Some(event), _) => Replay::Event(event),
                (None, Some(since)) => Replay::Range(since, ctx.services.clock.now()),
                (None, None) => return Err(CliError::new("give --event N or --since TIME")),
            };
            let queued = outbox::replay(db, &subscription, which, ctx.services.clock.now()).await?;
            println!("{}", replayed(queued, &subscription.url)?);
        }
    }
    Ok(())
}

/// What a replay came to, as one line, or why it queued nothing.
fn replayed(replayed: outbox::Replayed, url: &str) -> Result<String, CliError> {
    match replayed {
        outbox::Replayed::Queued { queued, pending } => Ok(format!(
            "Queued {queued} event(s) for {url} ({pending} already waiting)."
        )),
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

async fn find(ctx: &Ctx, id: &str) -> Result<webhook_subscription::Model, CliError> {
    subscriptions::by_id(ctx.db(), id)
        .await?
        .ok_or_else(|| CliError::new(format!("no webhook with id {id}")))
}
