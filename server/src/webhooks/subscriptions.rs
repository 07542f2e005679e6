//! An org's webhook subscriptions: where to send which events, and the `whsec_` secret that
//! signs them (shown once). Rotating the secret keeps the old one signing for 24 hours.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, Func},
};
use zeroize::Zeroizing;

use super::event_names;
use crate::egress::Policy;
use crate::entity::{webhook_delivery, webhook_subscription};
use crate::input::FieldError;
use crate::secrets;
use crate::tenancy::Environment;
use crate::vault::{Binding, RotationReport, Vault, VaultError};

/// How long a replaced secret keeps signing.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);

/// What a vendor asks for, checked.
#[derive(Debug, Clone)]
pub struct Subscription {
    pub url: String,
    pub events: Vec<String>,
    pub enabled: bool,
}

impl Subscription {
    /// Checks the receiver's URL against the egress policy (https to a public address in
    /// production) and each event name.
    pub fn parse(
        url: &str,
        events: &[String],
        enabled: bool,
        policy: Policy,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let url = url.trim();
        match url::Url::parse(url) {
            _ if url.len() > 2048 => {
                errors.push(FieldError::new(
                    "webhook_url",
                    "must be at most 2048 characters",
                ));
            }
            Ok(parsed) => {
                if let Err(why) = policy.check_url(&parsed) {
                    errors.push(FieldError::new("webhook_url", why));
                }
            }
            Err(_) => errors.push(FieldError::new(
                "webhook_url",
                "must be a URL such as https://example.com/hooks/portico",
            )),
        }
        let mut chosen: Vec<String> = Vec::new();
        for event in events {
            match event_names().find(|known| *known == event.as_str()) {
                Some(known) if !chosen.iter().any(|c| c == known) => chosen.push(known.into()),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "webhook_events",
                    format!(
                        "`{}` is not an event; choose from {}",
                        event.chars().take(64).collect::<String>(),
                        event_names().collect::<Vec<_>>().join(", ")
                    ),
                )),
            }
        }
        if events.is_empty() {
            errors.push(FieldError::new(
                "webhook_events",
                format!(
                    "choose at least one of {}",
                    event_names().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        if errors.is_empty() {
            Ok(Self {
                url: url.to_owned(),
                events: chosen,
                enabled,
            })
        } else {
            Err(errors)
        }
    }
}

/// A new signing secret: `whsec_` and 32 random bytes in base64.
fn new_secret() -> Zeroizing<String> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(bytes.as_mut());
    Zeroizing::new(format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes.as_ref())
    ))
}

fn binding(id: &str, field: &str) -> Binding {
    Binding::new("webhook_subscription", &[("id", id), ("field", field)])
}

/// Creates a subscription; returns it and its secret, which is never shown again.
pub async fn create(
    db: &impl ConnectionTrait,
    vault: &Vault,
    org_id: &str,
    environment: Environment,
    input: &Subscription,
    now: DateTime<Utc>,
) -> Result<(webhook_subscription::Model, Zeroizing<String>), DbErr> {
    let id = secrets::random_id();
    let secret = new_secret();

    let model = webhook_subscription::ActiveModel {
        id: Set(id.clone()),
        org_id: Set(org_id.to_owned()),
        environment: Set(environment),
        url: Set(input.url.clone()),
        events: Set(serde_json::to_string(&input.events).expect("events serialize")),
        enabled: Set(input.enabled),
        secret: Set(vault.seal(secret.as_bytes(), &binding(&id, "secret"))),
        previous_secret: Set(None),
        previous_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        failures: Set(0),
        paused_until: Set(None),
    }
    .insert(db)
    .await?;
    Ok((model, secret))
}

/// The ids of the org's subscriptions in an environment, as a subquery: what bounds a query
/// of deliveries to one tenant.
pub(crate) fn ids_of(
    org_id: &str,
    environment: Environment,
) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(webhook_subscription::Column::Id)
        .from(webhook_subscription::Entity)
        .and_where(webhook_subscription::Column::OrgId.eq(org_id))
        .and_where(webhook_subscription::Column::Environment.eq(environment))
        .to_owned()
}

/// The org's subscriptions in an environment, oldest first.
pub async fn list(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
) -> Result<Vec<webhook_subscription::Model>, DbErr> {
    webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::OrgId.eq(org_id))
        .filter(webhook_subscription::Column::Environment.eq(environment))
        .order_by_asc(webhook_subscription::Column::CreatedAt)
        .all(db)
        .await
}

/// Every subscription of every org, oldest first, with its deliveries counted by state: what
/// an operator lists.
pub(crate) async fn all_with_counts(
    db: &impl ConnectionTrait,
) -> Result<Vec<(webhook_subscription::Model, DeliveryCounts)>, DbErr> {
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
    let mut counts: HashMap<String, DeliveryCounts> = HashMap::new();
    for (subscription, state, count) in counted {
        let counts = counts.entry(subscription).or_default();
        match state {
            webhook_delivery::State::Delivered => counts.delivered = count,
            webhook_delivery::State::Pending => counts.waiting = count,
            webhook_delivery::State::Dead => counts.dead = count,
            // A delivery ended because its subscription was turned off is not listed.
            webhook_delivery::State::Disabled => {}
        }
    }
    Ok(all
        .into_iter()
        .map(|subscription| {
            let counts = counts.remove(&subscription.id).unwrap_or_default();
            (subscription, counts)
        })
        .collect())
}

/// A subscription's deliveries by state.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct DeliveryCounts {
    pub delivered: i64,
    pub waiting: i64,
    pub dead: i64,
}

/// A subscription by its id, whichever org it is of: for an operator.
pub(crate) async fn by_id(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<webhook_subscription::Model>, DbErr> {
    webhook_subscription::Entity::find_by_id(id).one(db).await
}

/// One of the org's subscriptions.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    org_id: &str,
    environment: Environment,
    id: &str,
) -> Result<Option<webhook_subscription::Model>, DbErr> {
    webhook_subscription::Entity::find_by_id(id)
        .filter(webhook_subscription::Column::OrgId.eq(org_id))
        .filter(webhook_subscription::Column::Environment.eq(environment))
        .one(db)
        .await
}

/// Deletes a subscription; its deliveries go with it.
pub(crate) async fn delete(db: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    webhook_subscription::Entity::delete_by_id(id)
        .exec(db)
        .await?;
    Ok(())
}

/// Replaces where and what a subscription receives.
pub(crate) async fn update(
    db: &impl ConnectionTrait,
    existing: webhook_subscription::Model,
    input: &Subscription,
    now: DateTime<Utc>,
) -> Result<webhook_subscription::Model, DbErr> {
    let mut model: webhook_subscription::ActiveModel = existing.into();
    model.url = Set(input.url.clone());
    model.events = Set(serde_json::to_string(&input.events).expect("events serialize"));
    model.enabled = Set(input.enabled);
    model.updated_at = Set(now);
    model.update(db).await
}

/// A new secret for a subscription; the old one keeps signing for [`ROTATION_OVERLAP`], so
/// receivers can switch without missing an event.
pub(crate) async fn rotate_secret(
    db: &impl ConnectionTrait,
    vault: &Vault,
    existing: webhook_subscription::Model,
    now: DateTime<Utc>,
) -> Result<(webhook_subscription::Model, Zeroizing<String>), RotateError> {
    let old = vault.open(&existing.secret, &binding(&existing.id, "secret"))?;
    let secret = new_secret();
    let id = existing.id.clone();
    let mut model: webhook_subscription::ActiveModel = existing.into();
    model.secret = Set(vault.seal(secret.as_bytes(), &binding(&id, "secret")));
    model.previous_secret = Set(Some(vault.seal(&old, &binding(&id, "previous_secret"))));
    model.previous_until = Set(Some(now + ROTATION_OVERLAP));
    model.updated_at = Set(now);
    Ok((model.update(db).await?, secret))
}

/// Why a secret was not rotated.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RotateError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// The keys that sign a delivery now: the current secret's, and the previous one's while
/// its overlap lasts.
pub(crate) fn signing_secrets(
    vault: &Vault,
    subscription: &webhook_subscription::Model,
    now: DateTime<Utc>,
) -> Result<Vec<Zeroizing<Vec<u8>>>, VaultError> {
    let key = |sealed: &[u8], field: &str| {
        let secret = vault.open_string(sealed, &binding(&subscription.id, field))?;
        super::sign::key_of(&secret).ok_or(VaultError::Malformed)
    };
    let mut keys = vec![key(&subscription.secret, "secret")?];
    if let (Some(previous), Some(until)) =
        (&subscription.previous_secret, subscription.previous_until)
        && until > now
    {
        keys.push(key(previous, "previous_secret")?);
    }
    Ok(keys)
}

/// The event names a subscription receives.
pub fn events_of(subscription: &webhook_subscription::Model) -> Vec<String> {
    serde_json::from_str(&subscription.events).unwrap_or_default()
}

/// Re-seals every subscription's secrets under the active key. Each update applies only if
/// the row still holds the value read, so a rotation running meanwhile is never overwritten.
pub async fn reseal_all(db: &impl ConnectionTrait, vault: &Vault) -> Result<RotationReport, DbErr> {
    let mut report = RotationReport::default();
    for row in webhook_subscription::Entity::find().all(db).await? {
        let sealed = [
            (
                webhook_subscription::Column::Secret,
                Some(&row.secret),
                "secret",
            ),
            (
                webhook_subscription::Column::PreviousSecret,
                row.previous_secret.as_ref(),
                "previous_secret",
            ),
        ];
        for (column, value, field) in sealed {
            let Some(value) = value else {
                continue;
            };
            let resealed = report
                .count(vault.reseal(value, &binding(&row.id, field)))
                .map_err(|error| {
                    DbErr::Custom(format!("webhook_subscription {}: {error}", row.id))
                })?;
            if let Some(resealed) = resealed {
                webhook_subscription::Entity::update_many()
                    .col_expr(column, Expr::value(resealed))
                    .filter(webhook_subscription::Column::Id.eq(&row.id))
                    .filter(column.eq(value.clone()))
                    .exec(db)
                    .await?;
            }
        }
    }
    Ok(report)
}

/// Tries to open the signing secrets of up to `limit` subscriptions, the most recently changed
/// first.
pub async fn try_open_sample(
    db: &impl ConnectionTrait,
    vault: &Vault,
    limit: u64,
) -> Result<crate::vault::Tried, DbErr> {
    let rows = webhook_subscription::Entity::find()
        .order_by_desc(webhook_subscription::Column::UpdatedAt)
        .limit(limit)
        .all(db)
        .await?;
    let mut tried = crate::vault::Tried::default();
    for row in rows {
        let name = format_args!("webhook {}", row.id);
        tried.count(name, vault.open(&row.secret, &binding(&row.id, "secret")));
        if let Some(previous) = &row.previous_secret {
            let name = format_args!("webhook {} (previous secret)", row.id);
            tried.count(
                name,
                vault.open(previous, &binding(&row.id, "previous_secret")),
            );
        }
    }
    Ok(tried)
}
