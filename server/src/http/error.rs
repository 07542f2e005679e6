//! `ApiError`: every JSON API failure, each variant documenting its status.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

use crate::catalog::CustomAppError;
use crate::connect::ConnectError;
use crate::connections::{
    check::CheckError, expiry::ExpiryError, read::ReadError, refresh::RefreshError,
};
use crate::input::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be read (malformed JSON, missing header).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no credentials, or credentials Portico does not accept.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 403: authenticated, but not allowed from here.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 404: unknown, or belonging to someone else (the two are indistinguishable).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: conflicts with what exists.
    #[error("{0}")]
    Conflict(&'static str),
    /// 410: a link or token that has expired.
    #[error("{0}")]
    Gone(&'static str),
    /// 413: the body exceeds the limit.
    #[error("request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// 422: well-formed but invalid; says which fields and why.
    #[error("some fields are invalid")]
    Validation(Vec<FieldError>),
    /// 429: past the rate limit; retry after this many seconds.
    #[error("too many requests: retry after {0} seconds")]
    RateLimited(u64),
    /// 503: a provider could not be reached; nothing was stored, try again.
    #[error("{0}")]
    Unavailable(String),
    /// 503: the provider cannot answer now; Portico tries again after this many seconds.
    #[error("{0}")]
    ProviderBackingOff(String, u64),
    /// 409: the connection needs reauthentication; Portico did not call the provider.
    #[error("the connection needs reauthentication: {}", .0.as_str())]
    ReauthRequired(app::dto::ReauthReason),
    /// 500 (503 when the database cannot be reached): logged once here, shown to the caller
    /// as an opaque message.
    #[error("internal error")]
    Database(#[from] sea_orm::DbErr),
    /// 500: any other failure inside Portico (a secret that does not open, a task that
    /// panicked): logged once here, shown to the caller as an opaque message.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Gone(_) => StatusCode::GONE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::ProviderBackingOff(..) => StatusCode::SERVICE_UNAVAILABLE,
            Self::ReauthRequired(_) => StatusCode::CONFLICT,
            Self::Database(error) if crate::db::is_unavailable(error) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::Gone(_) => "expired",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::Validation(_) => "validation_failed",
            Self::RateLimited(_) => "rate_limited",
            Self::Unavailable(_) | Self::ProviderBackingOff(..) => "provider_unavailable",
            Self::ReauthRequired(_) => "reauth_required",
            Self::Database(error) if crate::db::is_unavailable(error) => "database_unavailable",
            Self::Database(_) | Self::Internal(_) => "internal",
        }
    }
}

impl ApiError {
    /// A failure inside Portico (a secret that does not open, say): logged, never shown.
    pub(crate) fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(error.into())
    }

    /// The provider is in backoff for `wait` more: 503 with `Retry-After` (at least 1 s).
    pub(crate) fn backing_off(message: impl Into<String>, wait: chrono::Duration) -> Self {
        let seconds = wait.num_seconds().max(1) as u64;
        Self::ProviderBackingOff(message.into(), seconds)
    }
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self::Validation(vec![error])
    }
}

impl From<ConnectError> for ApiError {
    fn from(error: ConnectError) -> Self {
        match error {
            ConnectError::UnknownApp => Self::NotFound("application"),
            ConnectError::NotOAuth => Self::NotFound("OAuth2 application"),
            ConnectError::NotConfigured(_) => {
                Self::Conflict("the org has not set this app's OAuth client up")
            }
            ConnectError::Invalid(fields) => Self::Validation(fields),
            ConnectError::Unreachable(name) => {
                Self::Unavailable(format!("could not reach {name}, try again"))
            }
            ConnectError::Database(error) => Self::Database(error),
            ConnectError::Internal(error) => Self::Internal(error),
        }
    }
}

impl From<RefreshError> for ApiError {
    fn from(error: RefreshError) -> Self {
        match error {
            RefreshError::Database(error) => Self::Database(error),
            RefreshError::Internal(error) => Self::Internal(anyhow::anyhow!("{error:#}")),
        }
    }
}

impl From<ReadError> for ApiError {
    fn from(error: ReadError) -> Self {
        match error {
            ReadError::NotFound(what) => Self::NotFound(what),
            ReadError::Ambiguous { count, identifiers } => FieldError::new(
                "identifier",
                format!(
                    "this app has {count} connections: pass ?identifier= with one of {}",
                    identifiers.join(", ")
                ),
            )
            .into(),
            ReadError::ReauthRequired(reason) => Self::ReauthRequired(reason),
            ReadError::BackingOff(wait) => Self::backing_off(
                "the provider cannot refresh this connection now; Portico will try again",
                wait,
            ),
            ReadError::Refresh(error) => error.into(),
            ReadError::Database(error) => Self::Database(error),
            ReadError::Sealed(error) => Self::internal(error),
        }
    }
}

impl From<CheckError> for ApiError {
    fn from(error: CheckError) -> Self {
        match error {
            CheckError::Refresh(error) => error.into(),
            CheckError::Database(error) => Self::Database(error),
            CheckError::Sealed(error) => Self::internal(error),
        }
    }
}

impl From<ExpiryError> for ApiError {
    fn from(error: ExpiryError) -> Self {
        match error {
            ExpiryError::NotKeyBased => FieldError::new(
                "credentials_expire_at",
                "an OAuth2 connection's expiry comes from its provider",
            )
            .into(),
            ExpiryError::Changed => Self::Conflict("the connection changed meanwhile; try again"),
            ExpiryError::Database(error) => Self::Database(error),
        }
    }
}

impl From<CustomAppError> for ApiError {
    fn from(error: CustomAppError) -> Self {
        match error {
            CustomAppError::Invalid(field) => field.into(),
            CustomAppError::Exists => Self::Conflict("an app with this slug already exists"),
            CustomAppError::Db(error) => error.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let message = match &self {
            Self::Database(error) if crate::db::is_unavailable(error) => {
                tracing::warn!(%error, "database unavailable");
                "the database is unavailable; try again shortly".to_owned()
            }
            Self::Database(error) => {
                tracing::error!(%error, "internal error");
                self.to_string()
            }
            Self::Internal(error) => {
                tracing::error!(error = %format!("{error:#}"), "internal error");
                self.to_string()
            }
            _ => self.to_string(),
        };
        let mut body = json!({ "code": self.code(), "message": message });
        if let Self::ReauthRequired(reason) = &self {
            body["reason"] = Value::String(reason.as_str().to_owned());
            body["explanation"] = Value::String(reason.explanation().to_owned());
            body["reauth_action"] = Value::String(reason.action().as_str().to_owned());
            body["retryable"] = Value::Bool(reason.retryable());
        }
        if let Self::Validation(fields) = &self {
            let fields: Map<String, Value> = fields
                .iter()
                .map(|field| (field.field.clone(), Value::String(field.message.clone())))
                .collect();
            body["fields"] = Value::Object(fields);
        }
        let mut response = (self.status(), Json(json!({ "error": body }))).into_response();
        let retry_after = match &self {
            Self::Unavailable(_) => Some(30),
            Self::ProviderBackingOff(_, seconds) => Some((*seconds).max(1)),
            Self::RateLimited(seconds) => Some((*seconds).max(1)),
            Self::Database(error) if crate::db::is_unavailable(error) => Some(5),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds),
            );
        }
        response
    }
}

/// Every error answer, as the OpenAPI document describes it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    error: ErrorDetail,
}

/// What went wrong.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct ErrorDetail {
    /// Stable: `bad_request`, `unauthorized`, `forbidden`, `not_found`, `conflict`,
    /// `reauth_required`, `expired`, `payload_too_large`, `validation_failed`, `rate_limited`,
    /// `provider_unavailable`, `database_unavailable`, `internal`.
    code: String,
    /// A sentence for a person.
    message: String,
    /// With 422: each field that was refused, and why.
    fields: Option<std::collections::BTreeMap<String, String>>,
    /// With `reauth_required`: the reason, its explanation, what the customer should do and
    /// whether sending them through Connect again can fix it.
    reason: Option<String>,
    explanation: Option<String>,
    reauth_action: Option<String>,
    retryable: Option<bool>,
}
