//! A connection's credentials as the vendor reads them: the connection picked, its token
//! refreshed first when due (or a failing provider probed, at most once per period), then
//! opened.

use app::dto::ReauthReason;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use super::credentials::Credentials;
use super::listing::of_app_named;
use super::refresh::{Refresh, RefreshError, Refresher, take_probe};
use super::{Context, Due, Status, failing, of_app};
use crate::entity::{connection, connection_event::Actor, linked_account};
use crate::tenancy::{Environment, LinkedAccountId, find_linked_account};
use crate::vault::VaultError;

/// An access token expiring within this margin is refreshed before it is handed out.
pub(crate) const ACCESS_MARGIN: Duration = Duration::seconds(60);

/// Why no credentials were handed out.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The app has several connections and none was named.
    #[error("this app has {count} connections")]
    Ambiguous {
        count: usize,
        identifiers: Vec<String>,
    },
    #[error("the connection needs reauthentication")]
    ReauthRequired(ReauthReason),
    /// The provider cannot refresh the token now and the one in hand has expired: try again
    /// after this long.
    #[error("the provider cannot refresh this connection now")]
    BackingOff(Duration),
    #[error(transparent)]
    Refresh(#[from] RefreshError),
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("the credentials do not open: {0}")]
    Sealed(#[from] VaultError),
}

/// What a read hands out.
pub struct Read {
    pub record: connection::Model,
    pub credentials: Credentials,
}

/// The linked account's connection of `slug`: the only one, or the one `identifier` names.
pub(crate) async fn pick(
    db: &impl ConnectionTrait,
    account: &linked_account::Model,
    slug: &str,
    identifier: Option<&str>,
) -> Result<connection::Model, ReadError> {
    choose(of_app(db, &account.id, slug).await?, identifier)
}

/// The only connection, or the one `identifier` names.
fn choose(
    mine: Vec<connection::Model>,
    identifier: Option<&str>,
) -> Result<connection::Model, ReadError> {
    match (identifier, mine.len()) {
        (_, 0) => Err(ReadError::NotFound("connection")),
        (None, 1) => Ok(mine.into_iter().next().expect("one connection")),
        (None, count) => Err(ReadError::Ambiguous {
            count,
            identifiers: mine
                .into_iter()
                .filter_map(|record| record.identifier)
                .collect(),
        }),
        (Some(identifier), _) => mine
            .into_iter()
            .find(|record| record.identifier.as_deref() == Some(identifier))
            .ok_or(ReadError::NotFound("connection")),
    }
}

/// Reads the credentials of an org's linked account, named by the vendor's id, for one app:
/// the account and its connections come in one query. An unknown account and an account
/// without the app are told apart only when nothing was found.
pub async fn credentials_named(
    ctx: &Context<'_>,
    refresher: &impl Refresher,
    (org_id, environment): (&str, Environment),
    external_id: &LinkedAccountId,
    slug: &str,
    identifier: Option<&str>,
) -> Result<Read, ReadError> {
    let Some((account, mine)) =
        of_app_named(ctx.db, org_id, environment, external_id, slug).await?
    else {
        let known = find_linked_account(ctx.db, org_id, environment, external_id).await?;
        return Err(ReadError::NotFound(match known {
            Some(_) => "connection",
            None => "linked account",
        }));
    };
    let record = choose(mine, identifier)?;
    hand_out(ctx, refresher, &account, record).await
}

/// Hands out a connection's credentials, refreshing its token first when due.
async fn hand_out(
    ctx: &Context<'_>,
    refresher: &impl Refresher,
    account: &linked_account::Model,
    mut record: connection::Model,
) -> Result<Read, ReadError> {
    let now = ctx.clock.now();
    refuse_flagged(&record)?;
    if let Some(due) = Due::of(&record, now, ACCESS_MARGIN) {
        // While the provider keeps failing, reads try it at most once per probe period per
        // connection (across replicas), so they recover in seconds once it is back while the
        // worker keeps its backoff.
        let probe = ctx.refresh.probe;
        if failing(&record, now) && !take_probe(ctx.db, &record.id, probe, now).await? {
            let next_probe = record.probed_at.map_or(now, |at| at + probe).max(now);
            let backing_off = record.retry_at.filter(|at| *at > now);
            still_valid(
                &record,
                now,
                backing_off.map_or(next_probe, |at| at.min(next_probe)),
            )?;
        } else {
            match refresher.refresh(&record.id, due, Actor::Vendor).await? {
                Refresh::Flagged(reason) => return Err(ReadError::ReauthRequired(reason)),
                // A read may try again within a probe period, sooner than the worker.
                Refresh::Transient { retry_at, .. } => {
                    let now = ctx.clock.now();
                    still_valid(&record, now, retry_at.min(now + probe))?;
                }
                Refresh::Refreshed | Refresh::Fresh | Refresh::NotRefreshable => {}
            }
            record = connection::Entity::find_by_id(&record.id)
                .one(ctx.db)
                .await?
                .ok_or(ReadError::NotFound("connection"))?;
            refuse_flagged(&record)?;
        }
    }
    let credentials = Credentials::open(ctx.vault, account, &record)?
        .ok_or(ReadError::NotFound("credentials"))?;
    ctx.usage.touch(&record.id);
    Ok(Read {
        record,
        credentials,
    })
}

fn refuse_flagged(record: &connection::Model) -> Result<(), ReadError> {
    match Status::of(record) {
        Status::ReauthRequired(reason) => Err(ReadError::ReauthRequired(reason)),
        Status::Active => Ok(()),
    }
}

/// The token in hand still works until it expires; past that, the caller must wait until
/// `retry_at`.
fn still_valid(
    record: &connection::Model,
    now: DateTime<Utc>,
    retry_at: DateTime<Utc>,
) -> Result<(), ReadError> {
    if record.access_expires_at.is_some_and(|at| at > now) {
        Ok(())
    } else {
        Err(ReadError::BackingOff(retry_at - now))
    }
}
