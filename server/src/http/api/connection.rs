//! `/api/v2/public/connection/…`: a connection's current credentials, a vendor's report that
//! they stopped working, and the connection's audit trail.

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    routing::{get, post},
};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::catalog::AuthKind;
use crate::connections::{
    self, Flag, Status,
    credentials::Credentials,
    refresh::{Due, Refresh},
};
use crate::entity::{connection, connection_event, connection_event::Actor, linked_account};
use crate::http::extract::{ApiKey, LinkedAccount};
use crate::http::{ApiError, AppState, timestamp};
use crate::keyauth::{self, Verdict};

/// An access token expiring within this margin is refreshed before it is handed out.
const ACCESS_MARGIN: Duration = Duration::seconds(60);

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/v2/public/connection/{key}/credentials", get(credentials))
        .route(
            "/v2/public/connection/{key}/auth-failure",
            post(auth_failure),
        )
        .route("/v2/public/connection/{key}/events", get(events))
        .route(
            "/v2/public/connection/{key}/expiry",
            axum::routing::put(set_expiry),
        )
}

/// Which connection of an app, when a linked account has several.
#[derive(Debug, Default, Deserialize)]
struct Which {
    identifier: Option<String>,
}

/// The linked account's connection of `slug`: the only one, or the one `identifier` names.
async fn pick(
    state: &AppState,
    account: &linked_account::Model,
    slug: &str,
    which: &Which,
) -> Result<connection::Model, ApiError> {
    let mine = connections::of_app(&state.db, &account.id, slug).await?;
    match (&which.identifier, mine.len()) {
        (_, 0) => Err(ApiError::NotFound("connection")),
        (None, 1) => Ok(mine.into_iter().next().expect("one connection")),
        (None, count) => {
            let names: Vec<_> = mine
                .iter()
                .filter_map(|record| record.identifier.as_deref())
                .collect();
            Err(crate::input::FieldError::new(
                "identifier",
                format!(
                    "this app has {count} connections: pass ?identifier= with one of {}",
                    names.join(", ")
                ),
            )
            .into())
        }
        (Some(identifier), _) => mine
            .into_iter()
            .find(|record| record.identifier.as_deref() == Some(identifier.as_str()))
            .ok_or(ApiError::NotFound("connection")),
    }
}

/// `GET /api/v2/public/connection/{slug}/credentials`: what the vendor authenticates to the
/// provider with, right now. An access token about to expire is refreshed first; a flagged
/// connection answers 409 without calling the provider.
async fn credentials(
    State(state): State<AppState>,
    LinkedAccount { account, .. }: LinkedAccount,
    Path(slug): Path<String>,
    Query(which): Query<Which>,
) -> Result<Json<Value>, ApiError> {
    let mut record = pick(&state, &account, &slug, &which).await?;
    if let Status::ReauthRequired(reason) = Status::of(&record) {
        return Err(ApiError::ReauthRequired(reason));
    }
    let now = Utc::now();
    let expiring = record
        .access_expires_at
        .is_some_and(|at| at <= now + ACCESS_MARGIN);
    let expired = record.access_expires_at.is_some_and(|at| at <= now);
    let backing_off = record.retry_at.filter(|at| *at > now);
    let probe = state.refresh.probe;
    // While the provider keeps failing, reads try it at most once per probe period per
    // connection (across replicas). Past the worker's backoff that is an ordinary refresh;
    // inside it, only a read whose token has expired may try (a probe), so reads recover in
    // seconds once the provider is back while the worker keeps its backoff.
    let failing = record.failures > 0 || backing_off.is_some();
    let due = if !expiring {
        None
    } else if !failing {
        Some(Due::Within(ACCESS_MARGIN))
    } else if (backing_off.is_none() || expired)
        && connections::refresh::take_probe(&state.db, &record.id, probe, now).await?
    {
        Some(match backing_off {
            Some(_) => Due::Probe,
            None => Due::Within(ACCESS_MARGIN),
        })
    } else {
        let next_probe = record.probed_at.map_or(now, |at| at + probe).max(now);
        still_valid(
            &record,
            backing_off.map_or(next_probe, |retry_at| retry_at.min(next_probe)),
        )?;
        None
    };
    if let Some(due) = due {
        let outcome =
            crate::oauth::refresh(&state.services, &record.id, due, Actor::Vendor).await?;
        match outcome {
            Refresh::Flagged(reason) => return Err(ApiError::ReauthRequired(reason)),
            // A read may try again within a probe period, sooner than the worker.
            Refresh::Transient { retry_at, .. } => {
                still_valid(&record, retry_at.min(Utc::now() + probe))?;
            }
            Refresh::Refreshed | Refresh::Fresh | Refresh::NotRefreshable => {}
        }
        record = connection::Entity::find_by_id(&record.id)
            .one(&state.db)
            .await?
            .ok_or(ApiError::NotFound("connection"))?;
        if let Status::ReauthRequired(reason) = Status::of(&record) {
            return Err(ApiError::ReauthRequired(reason));
        }
    }
    let credentials = Credentials::open(&state.vault, &account, &record)
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound("credentials"))?;
    state.usage.touch(&record.id);
    let mut body = json!({
        "connection_id": record.id,
        "slug": record.slug,
        "identifier": record.identifier,
        "account_id": record.account_id,
    });
    match credentials {
        Credentials::OAuth2(tokens) => {
            body["auth_type"] = json!("oauth2");
            body["access_token"] = json!(tokens.access_token.as_str());
            body["token_type"] = json!(tokens.token_type);
            body["scopes"] = json!(tokens.scopes);
            body["expires_at"] = json!(record.access_expires_at.map(timestamp));
        }
        Credentials::Fields { fields } => {
            body["auth_type"] = json!("keybased");
            let fields: Map<String, Value> = fields
                .0
                .iter()
                .map(|(name, value)| (name.clone(), json!(value.as_str())))
                .collect();
            body["fields"] = Value::Object(fields);
        }
    }
    Ok(Json(body))
}

/// The token in hand still works until it expires; past that, the caller must wait.
fn still_valid(
    record: &connection::Model,
    retry_at: chrono::DateTime<Utc>,
) -> Result<(), ApiError> {
    if record.access_expires_at.is_some_and(|at| at > Utc::now()) {
        return Ok(());
    }
    Err(ApiError::backing_off(
        "the provider cannot refresh this connection now; Portico will try again",
        retry_at,
    ))
}

#[derive(Serialize)]
struct CheckView {
    connection_id: String,
    status: &'static str,
    reauth_reason: Option<&'static str>,
    /// What Portico did to check.
    checked: &'static str,
}

/// `POST /api/v2/public/connection/{slug}/auth-failure`: the vendor saw the provider refuse
/// these credentials (a 401). Portico checks before believing it: a key-based app's
/// verification request is run again, an OAuth2 connection is refreshed; only a refusal flags
/// the connection.
async fn auth_failure(
    State(state): State<AppState>,
    LinkedAccount { account, .. }: LinkedAccount,
    Path(slug): Path<String>,
    Query(which): Query<Which>,
) -> Result<Json<CheckView>, ApiError> {
    let record = pick(&state, &account, &slug, &which).await?;
    let definition = state.enabled_app(&account, &slug).await?;
    if let Status::ReauthRequired(_) = Status::of(&record) {
        return Ok(Json(view(
            &record,
            "nothing: the connection was already flagged",
        )));
    }
    let checked = match definition.auth_type {
        AuthKind::OAuth2 => {
            let outcome =
                crate::oauth::refresh(&state.services, &record.id, Due::Now, Actor::Vendor).await?;
            match outcome {
                Refresh::Transient { retry_at, .. } => {
                    return Err(ApiError::backing_off(
                        format!("{} could not be reached to check", definition.name),
                        retry_at,
                    ));
                }
                Refresh::NotRefreshable => "nothing: the connection has no refresh token",
                _ => "a token refresh",
            }
        }
        AuthKind::KeyBased => match &definition.verify {
            Some(check) => {
                let fields = keyauth::open_fields(&state.vault, &account, &record)
                    .map_err(ApiError::internal)?;
                match keyauth::verify(&state.egress, check, &fields).await {
                    Verdict::Valid => "the app's verification request: the credentials work",
                    Verdict::Rejected => {
                        let flag = Flag::new(
                            app::dto::ReauthReason::CredentialsExpired,
                            Actor::Vendor,
                            "reported by the vendor; the verification request was refused",
                        );
                        state.flag(&record.id, None, &flag).await?;
                        "the app's verification request: the provider refused the credentials"
                    }
                    Verdict::Unreachable => {
                        return Err(ApiError::Unavailable(format!(
                            "{} could not be reached to check",
                            definition.name
                        )));
                    }
                }
            }
            None => {
                let flag = Flag::new(
                    app::dto::ReauthReason::CredentialsExpired,
                    Actor::Vendor,
                    "reported by the vendor; the app has no verification request",
                );
                state.flag(&record.id, None, &flag).await?;
                "nothing: the app has no verification request, so the report is taken as is"
            }
        },
    };
    let record = connection::Entity::find_by_id(&record.id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound("connection"))?;
    Ok(Json(view(&record, checked)))
}

fn view(record: &connection::Model, checked: &'static str) -> CheckView {
    let (status, reason) = match Status::of(record) {
        Status::Active => ("active", None),
        Status::ReauthRequired(reason) => ("reauth_required", Some(reason.as_str())),
    };
    CheckView {
        connection_id: record.id.clone(),
        status,
        reauth_reason: reason,
        checked,
    }
}

#[derive(Serialize)]
struct EventView {
    id: i64,
    connection_id: String,
    slug: String,
    identifier: Option<String>,
    kind: &'static str,
    reason: Option<&'static str>,
    actor: &'static str,
    detail: Option<String>,
    created_at: String,
}

/// `GET /api/v2/public/connection/{id}/events`: every transition of one of the org's
/// connections in this environment, oldest first; kept after the connection is deleted.
async fn events(
    State(state): State<AppState>,
    ApiKey(key): ApiKey,
    Path(connection_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let rows = connection_event::Entity::find()
        .filter(connection_event::Column::ConnectionId.eq(&connection_id))
        .filter(connection_event::Column::OrgId.eq(&key.org_id))
        .filter(connection_event::Column::Environment.eq(key.environment))
        .order_by_asc(connection_event::Column::Id)
        .all(&state.db)
        .await?;
    if rows.is_empty() {
        return Err(ApiError::NotFound("connection"));
    }
    let events: Vec<EventView> = rows
        .into_iter()
        .map(|row| EventView {
            id: row.id,
            connection_id: row.connection_id,
            slug: row.slug,
            identifier: row.identifier,
            kind: row.kind.as_str(),
            reason: row.reason.map(connection::Reason::as_str),
            actor: row.actor.as_str(),
            detail: row.detail,
            created_at: timestamp(row.created_at),
        })
        .collect();
    Ok(Json(json!({ "events": events })))
}

#[derive(Deserialize)]
struct ExpiryBody {
    /// When the key stops working (RFC 3339), or `null` when it does not expire.
    credentials_expire_at: Option<chrono::DateTime<Utc>>,
}

/// `PUT /api/v2/public/connection/{slug}/expiry`: the vendor says when a key-based
/// connection's credentials stop working. Portico sends `Connection Expiring` ahead of it, shows
/// it on the card, and flags `credentials_expired` once it passes.
async fn set_expiry(
    State(state): State<AppState>,
    LinkedAccount { account, .. }: LinkedAccount,
    Path(slug): Path<String>,
    Query(which): Query<Which>,
    crate::http::extract::ApiJson(body): crate::http::extract::ApiJson<ExpiryBody>,
) -> Result<Json<Value>, ApiError> {
    use sea_orm::sea_query::Expr;

    let record = pick(&state, &account, &slug, &which).await?;
    if state.enabled_app(&account, &slug).await?.auth_type == AuthKind::OAuth2 {
        return Err(crate::input::FieldError::new(
            "credentials_expire_at",
            "an OAuth2 connection's expiry comes from its provider",
        )
        .into());
    }
    connection::Entity::update_many()
        .col_expr(
            connection::Column::RefreshExpiresAt,
            Expr::value(body.credentials_expire_at),
        )
        .col_expr(
            connection::Column::ExpiringSentAt,
            Expr::value(None::<chrono::DateTime<Utc>>),
        )
        .filter(connection::Column::Id.eq(&record.id))
        .exec(&state.db)
        .await?;
    Ok(Json(json!({
        "connection_id": record.id,
        "credentials_expire_at": body.credentials_expire_at.map(timestamp),
    })))
}
