//! Key-based connections whose app has a verification request are checked with their
//! provider every so often (daily by default): a refusal flags `credentials_expired`.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use futures_util::{StreamExt, TryStreamExt};
use sea_orm::DbErr;

use crate::catalog::{self, Verification};
use crate::connections::check::{self, Asker, CheckError, Checked};
use crate::entity::{connection, linked_account};
use crate::services::Services;
use crate::tenancy::Environment;

/// How often the worker looks for connections due a check.
const EVERY: StdDuration = StdDuration::from_secs(60);
/// Connections checked per pass.
const BATCH: usize = 100;
/// Due connections looked at per pass, from which each org's share is taken.
const CANDIDATES: u64 = 1_000;
/// One org's connections checked per pass: one org with many connections leaves room for
/// the others.
const PER_ORG_PER_PASS: usize = 20;
/// One org's checks in flight at once: a slow provider holds up only its own org.
const PER_ORG_AT_ONCE: usize = 2;
/// Orgs checked side by side.
const ORGS_AT_ONCE: usize = 16;

pub(super) async fn run(services: Services) {
    super::every(EVERY.min(services.refresh.every), || async {
        match verify_due(&services).await {
            Ok(0) => {}
            Ok(count) => tracing::debug!(count, "verified key-based connections"),
            Err(error) => tracing::warn!(%error, "verification pass failed"),
        }
    })
    .await;
}

/// One pass over active key-based connections not checked within the setting's period: each
/// org's share checked side by side with the others', a few at a time per org. Returns how
/// many were checked.
pub async fn verify_due(services: &Services) -> Result<usize, DbErr> {
    let now = services.clock.now();
    let stale = now - services.refresh.verify_every;
    let rows = check::keys_due(&services.db, now, stale, CANDIDATES).await?;
    let accounts = crate::tenancy::linked_accounts_by_id(
        &services.db,
        rows.iter().map(|row| row.linked_account_id.as_str()),
    )
    .await?;
    let mut by_org: HashMap<String, Vec<(linked_account::Model, connection::Model)>> =
        HashMap::new();
    let mut taken = 0;
    for record in rows {
        let Some(account) = accounts.get(&record.linked_account_id) else {
            continue;
        };
        let share = by_org.entry(account.org_id.clone()).or_default();
        if share.len() < PER_ORG_PER_PASS && taken < BATCH {
            share.push((account.clone(), record));
            taken += 1;
        }
    }
    let checked = futures_util::stream::iter(by_org.into_values())
        .map(|share| verify_share(services, share))
        .buffer_unordered(ORGS_AT_ONCE)
        .try_fold(0, |total, checked| async move { Ok(total + checked) })
        .await?;
    Ok(checked)
}

/// Checks one org's share of a pass, [`PER_ORG_AT_ONCE`] at a time.
async fn verify_share(
    services: &Services,
    share: Vec<(linked_account::Model, connection::Model)>,
) -> Result<usize, DbErr> {
    // An org's own app is read once per pass, not once per connection.
    let mut checks: HashMap<(Environment, String), Option<Verification>> = HashMap::new();
    let mut work = Vec::with_capacity(share.len());
    for (account, record) in share {
        let key = (account.environment, record.slug.clone());
        let check = match checks.get(&key) {
            Some(check) => check.clone(),
            None => {
                let check = catalog::definition(
                    &services.db,
                    &services.catalog,
                    &account.org_id,
                    account.environment,
                    &record.slug,
                )
                .await?
                .and_then(|definition| definition.verify);
                checks.insert(key, check.clone());
                check
            }
        };
        work.push((account, record, check));
    }
    futures_util::stream::iter(work)
        .map(|(account, record, check)| async move {
            try_execute_task(services, &account, &record, check).await
        })
        .buffer_unordered(PER_ORG_AT_ONCE)
        .try_fold(0, |total, checked| async move {
            Ok(total + usize::from(checked))
        })
        .await
}

/// Checks one connection; `false` when its app has nothing to check with.
#[tracing::instrument(skip_all, fields(connection = %record.id, slug = %record.slug))]
async fn try_execute_task(
    services: &Services,
    account: &linked_account::Model,
    record: &connection::Model,
    check: Option<Verification>,
) -> Result<bool, DbErr> {
    let ctx = services.connections();
    match check::keys(&ctx, account, record, check.as_ref(), Asker::Schedule).await {
        Ok(Checked::Unchecked) => Ok(false),
        Ok(_) => Ok(true),
        Err(CheckError::Database(error)) => Err(error),
        Err(error) => {
            tracing::warn!(%error, "cannot verify the credentials");
            Ok(false)
        }
    }
}
