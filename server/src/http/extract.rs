//! Request extractors that turn headers and bodies into domain values or an [`ApiError`].

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, RawPathParams, Request},
    http::{HeaderMap, StatusCode, header, request::Parts},
};
use serde::de::DeserializeOwned;

use super::{ApiError, AppState, BODY_LIMIT};
use crate::entity::linked_account;
use crate::input::FieldError;
use crate::sessions::{self, Session, SessionError};
use crate::tenancy::{self, ApiKeyPrincipal, LinkedAccountId};

/// The org and environment behind a valid `x-api-key` header.
pub(in crate::http) struct ApiKey(pub ApiKeyPrincipal);

impl FromRequestParts<AppState> for ApiKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        api_key_from_headers(&parts.headers, state, "the x-api-key header is missing").await
    }
}

/// Authenticates the `x-api-key` header; `missing` is the message when there is none.
async fn api_key_from_headers(
    headers: &HeaderMap,
    state: &AppState,
    missing: &'static str,
) -> Result<ApiKey, ApiError> {
    let presented = headers
        .get("x-api-key")
        .ok_or(ApiError::Unauthorized(missing))?
        .to_str()
        .map_err(|_| ApiError::Unauthorized("the API key is not valid"))?;
    state.limits.looking_up();
    let key = tenancy::authenticate_api_key(
        &state.db,
        state.changes.lookups(),
        presented.trim(),
        state.clock.now(),
    )
    .await?
    .ok_or(ApiError::Unauthorized("the API key is not valid"))?;
    state.limits.api_key(&key.key_id)?;
    Ok(ApiKey(key))
}

/// The token of an `Authorization: Bearer` header.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The session behind an `Authorization: Bearer` session token. The SDK's CORS layer resolves
/// it once and leaves it in the request's extensions.
#[derive(Clone)]
pub(in crate::http) struct SessionBearer(pub Session);

impl FromRequestParts<AppState> for SessionBearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(session) = parts.extensions.get::<SessionBearer>() {
            return Ok(session.clone());
        }
        session_from_bearer(&parts.headers, state)
            .await
            .map(SessionBearer)
    }
}

/// Who is calling an endpoint that takes either a Bearer session token or an API key.
pub(in crate::http) enum Caller {
    Session(Box<Session>),
    ApiKey(ApiKeyPrincipal),
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if bearer_token(&parts.headers).is_some() {
            let SessionBearer(session) = SessionBearer::from_request_parts(parts, state).await?;
            return Ok(Self::Session(Box::new(session)));
        }
        let ApiKey(key) = api_key_from_headers(
            &parts.headers,
            state,
            "send x-api-key with linked_account_id, or a Bearer session token",
        )
        .await?;
        Ok(Self::ApiKey(key))
    }
}

pub(in crate::http) async fn session_from_bearer(
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Session, ApiError> {
    let token = bearer_token(headers).ok_or(ApiError::Unauthorized(
        "send Authorization: Bearer <session token>",
    ))?;
    state.limits.looking_up();
    match sessions::resolve(
        &state.db,
        token,
        sessions::Purpose::Session,
        state.clock.now(),
    )
    .await
    {
        Ok(session) => {
            state.limits.session(&session.token_id)?;
            Ok(session)
        }
        Err(SessionError::Unknown | SessionError::WrongPurpose) => {
            Err(ApiError::Unauthorized("the session token is not valid"))
        }
        Err(SessionError::Expired) => Err(ApiError::Unauthorized("the session token has expired")),
        Err(SessionError::Db(error)) => Err(error.into()),
    }
}

/// The vendor's id of the linked account a request is about, from the `linked_account_id` header.
pub(in crate::http) struct LinkedAccountHeader(pub LinkedAccountId);

impl<S: Send + Sync> FromRequestParts<S> for LinkedAccountHeader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let value = parts.headers.get("linked_account_id").ok_or_else(|| {
            ApiError::BadRequest("the linked_account_id header is missing".to_owned())
        })?;
        let value = value
            .to_str()
            .map_err(|_| FieldError::new("linked_account_id", "must be text"))?;
        Ok(Self(LinkedAccountId::parse(value)?))
    }
}

/// The key's linked account a request is about: named by the route's `{linked_account_id}`,
/// else by the `linked_account_id` header. A foreign or unknown id is the same 404.
pub(in crate::http) struct LinkedAccount {
    pub key: ApiKeyPrincipal,
    pub account: linked_account::Model,
}

impl FromRequestParts<AppState> for LinkedAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ApiKey(key) = ApiKey::from_request_parts(parts, state).await?;
        let named = RawPathParams::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|params| {
                params
                    .iter()
                    .find(|(name, _)| *name == "linked_account_id")
                    .map(|(_, value)| LinkedAccountId::parse(value))
            });
        let id = match named {
            Some(id) => id?,
            None => {
                LinkedAccountHeader::from_request_parts(parts, state)
                    .await?
                    .0
            }
        };
        let account = Self::find(state, &key, &id).await?;
        Ok(Self { key, account })
    }
}

impl LinkedAccount {
    /// The key's linked account with this id, or 404.
    pub(in crate::http) async fn find(
        state: &AppState,
        key: &ApiKeyPrincipal,
        id: &LinkedAccountId,
    ) -> Result<linked_account::Model, ApiError> {
        tenancy::find_linked_account(&state.db, &key.org_id, key.environment, id)
            .await?
            .ok_or(ApiError::NotFound("linked account"))
    }
}

/// A JSON body; every failure becomes a JSON [`ApiError`] that says what was wrong.
pub(in crate::http) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let body = read_body(request, state).await?;
        if body.is_empty() {
            return Err(ApiError::BadRequest(
                "the request needs a JSON body".to_owned(),
            ));
        }
        parse_json(&body).map(Self)
    }
}

/// A JSON body that may be left out, in which case it is `T::default()`.
pub(in crate::http) struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let body = read_body(request, state).await?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(T::default()));
        }
        parse_json(&body).map(Self)
    }
}

async fn read_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(BODY_LIMIT),
            _ => ApiError::BadRequest("the request body could not be read".to_owned()),
        })
}

/// Parses JSON in two steps, so that malformed JSON (400) is told apart from well-formed JSON
/// of the wrong shape (422, naming the field).
pub(in crate::http) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| ApiError::BadRequest("the body is not valid JSON".to_owned()))?;
    serde_path_to_error::deserialize(&value).map_err(|error| {
        // The path names the offending field (`expires_in`, `udf.tags`); serde names a missing
        // one between backticks ("missing field `name`"); the body itself otherwise.
        let path = error.path().to_string();
        let detail = error.inner().to_string();
        let named = detail
            .split('`')
            .nth(1)
            .filter(|name| !name.is_empty() && name.len() <= 64 && !name.contains(' '));
        // Inside a tagged body serde loses the path, and "unknown variant `x`" names the value,
        // not the field: the field is where the body holds that value.
        let valued = named
            .filter(|_| detail.starts_with("unknown variant"))
            .and_then(|wanted| field_holding(&value, wanted));
        let named = valued.as_deref().or(named);
        let field = match (path.as_str(), named) {
            ("." | "", Some(name)) => name.to_owned(),
            ("." | "", None) => "body".to_owned(),
            (path, _) if path.len() <= 64 => path.to_owned(),
            _ => "body".to_owned(),
        };
        ApiError::Validation(vec![FieldError::new(field, detail)])
    })
}

/// The dotted path of the first string in `value` equal to `wanted`.
fn field_holding(value: &serde_json::Value, wanted: &str) -> Option<String> {
    match value {
        serde_json::Value::Object(map) => map.iter().find_map(|(key, inner)| match inner {
            serde_json::Value::String(text) if text == wanted => Some(key.clone()),
            _ => field_holding(inner, wanted).map(|path| format!("{key}.{path}")),
        }),
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(index, inner)| {
            field_holding(inner, wanted).map(|path| format!("[{index}].{path}"))
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(tag = "kind", deny_unknown_fields)]
    enum Tagged {
        #[serde(rename = "a")]
        A {
            #[allow(dead_code)]
            inner: Inner,
        },
    }

    #[derive(Debug, serde::Deserialize)]
    struct Inner {
        #[allow(dead_code)]
        mode: Mode,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Mode {
        Basic,
    }

    fn field_of(body: &str) -> String {
        match parse_json::<Tagged>(body.as_bytes()) {
            Err(ApiError::Validation(errors)) => errors[0].field.clone(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_wrong_value_in_a_tagged_body_names_its_field() {
        assert_eq!(field_of(r#"{"kind":"b"}"#), "kind");
        assert_eq!(
            field_of(r#"{"kind":"a","inner":{"mode":"zz"}}"#),
            "inner.mode"
        );
        assert_eq!(field_of(r#"{"kind":"a"}"#), "inner");
        assert_eq!(
            field_of(r#"{"kind":"a","inner":{"mode":"basic"},"x":1}"#),
            "x"
        );
    }
}
