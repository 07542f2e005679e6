//! `portico connection record|list|refresh|flag`.

use app::dto::ReauthReason;
use clap::Subcommand;
use serde_json::{Value, json};

use super::ctx::AccountArgs;
use super::output::{Format, print};
use super::{CliError, Ctx};
use crate::connections::{self, Due};
use crate::entity::{connection, connection_event::Actor};

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Record a connection made outside Portico's flows, e.g. when importing existing accounts.
    Record {
        #[command(flatten)]
        account: AccountArgs,
        #[arg(long)]
        slug: String,
        /// The connected account as the end customer knows it.
        #[arg(long)]
        identifier: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// List a linked account's connections.
    List {
        #[command(flatten)]
        account: AccountArgs,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Refresh OAuth2 tokens now; a provider's refusal flags the connection for reconnection.
    /// Needs the server's public URL when the provider is the built-in sandbox.
    Refresh {
        /// One connection; default: every active OAuth2 connection.
        #[arg(long)]
        id: Option<String>,
    },
    /// Flag a connection as needing reauthentication.
    Flag {
        #[arg(long)]
        id: String,
        /// credentials_expired, token_revoked, refresh_token_expired, app_uninstalled or app_deleted
        #[arg(long, value_parser = parse_reason)]
        reason: ReauthReason,
    },
}

fn parse_reason(value: &str) -> Result<ReauthReason, String> {
    ReauthReason::parse(value).ok_or_else(|| {
        let known: Vec<_> = ReauthReason::ALL.iter().map(|r| r.as_str()).collect();
        format!("must be one of {}", known.join(", "))
    })
}

pub(super) async fn run(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    match command {
        Command::Record {
            account,
            slug,
            identifier,
            format,
        } => {
            let account = ctx.account(&account).await?;
            let slug = ctx.catalog_slug(&slug)?;
            let connection = connections::record_connected(
                ctx.db(),
                &account,
                slug.as_str(),
                identifier.as_deref(),
                Actor::Operator,
                ctx.services.clock.now(),
            )
            .await?;
            ctx.services.changes.account(&account.id);
            print(
                format,
                &format!("Recorded connection {}", connection.id),
                &[("connection_id", json!(connection.id))],
            );
        }
        Command::List { account, format } => {
            let account = ctx.account(&account).await?;
            let records = connections::of_linked_account(ctx.db(), &account.id).await?;
            list(&records, format);
        }
        Command::Refresh { id } => refresh(ctx, id.as_deref()).await?,
        Command::Flag { id, reason } => {
            let now = ctx.services.clock.now();
            let flag =
                connections::Flag::new(reason, Actor::Operator, "flagged by an operator", now);
            if ctx
                .services
                .connections()
                .flag(&id, None, &flag)
                .await?
                .is_none()
            {
                return Err(CliError::new(format!("no connection with id {id}")));
            }
            println!(
                "Connection {id} needs reauthentication: {}.",
                reason.as_str()
            );
        }
    }
    Ok(())
}

fn list(records: &[connection::Model], format: Format) {
    let list: Vec<Value> = records
        .iter()
        .map(|record| {
            json!({
                "id": record.id,
                "slug": record.slug,
                "identifier": record.identifier,
                "status": record.status.as_str(),
                "reauth_reason": record.reauth_reason.map(connection::Reason::as_str),
                "connected_at": crate::http::timestamp(record.connected_at),
            })
        })
        .collect();
    let human = records
        .iter()
        .map(|record| {
            format!(
                "{} {} {} {}",
                record.id,
                record.slug,
                record.status.as_str(),
                record.reauth_reason.map_or("", connection::Reason::as_str)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    print(format, &human, &[("connections", Value::Array(list))]);
}

/// Refreshes one connection or every active connection now, printing what happened to each.
async fn refresh(ctx: &Ctx, id: Option<&str>) -> Result<(), CliError> {
    let records = connections::to_refresh(ctx.db(), id).await?;
    if let (Some(id), true) = (id, records.is_empty()) {
        return Err(CliError::new(format!("no connection with id {id}")));
    }
    for record in records {
        let outcome = crate::oauth::refresh(&ctx.services, &record.id, Due::Now, Actor::Operator)
            .await
            .map(|outcome| format!("{outcome:?}"))
            .unwrap_or_else(|error| format!("failed: {error}"));
        println!("{} {} {}", record.id, record.slug, outcome);
    }
    Ok(())
}
