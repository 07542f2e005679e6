//! RFC 7009 revocation at the provider.

use super::{OAuthApp, oauth_app, open_tokens};
use crate::catalog::{AppDefinition, ClientAuth};
use crate::connections::credentials::OAuth2Tokens;
use crate::egress::{Egress, EgressError};
use crate::entity::{connection, linked_account};
use crate::services::Services;

/// Revokes a connection's grant at the provider before it is deleted, opening its tokens
/// once (they also hold the values its app was connected with). Failures are logged: the
/// connection goes either way.
pub async fn revoke_connection(
    services: &Services,
    definition: &AppDefinition,
    account: &linked_account::Model,
    record: &connection::Model,
) {
    // Nothing to revoke with: the tokens are not opened for nothing.
    if definition
        .oauth
        .as_ref()
        .is_none_or(|endpoints| endpoints.revoke_url.is_none())
    {
        return;
    }
    let vault = &services.vault;
    let tokens = match open_tokens(vault, account, record) {
        Ok(Some(tokens)) => tokens,
        Ok(None) => return,
        Err(error) => {
            tracing::warn!(connection = %record.id, %error, "cannot open tokens to revoke them; deleting anyway");
            return;
        }
    };
    let app = oauth_app(
        &services.db,
        vault,
        &services.public_url,
        &account.org_id,
        account.environment,
        definition,
        &tokens.params,
    )
    .await;
    match app {
        Ok(app) => revoke_tokens(&services.egress, &app, &tokens).await,
        Err(error) => {
            tracing::warn!(connection = %record.id, %error, "cannot revoke at the provider; deleting anyway");
        }
    }
}

/// Revokes tokens at the provider: the refresh token when there is one (which ends the whole
/// grant), else the access token. Failures are logged, not fatal. Sent directly rather than
/// through the `oauth2` crate, which refuses plain-http endpoints and so would skip a provider
/// on this machine.
pub(super) async fn revoke_tokens(egress: &Egress, app: &OAuthApp, tokens: &OAuth2Tokens) {
    let Some(revoke_url) = &app.revoke_url else {
        return;
    };
    let (token, hint) = match &tokens.refresh_token {
        Some(refresh) => (refresh.as_str(), "refresh_token"),
        None => (tokens.access_token.as_str(), "access_token"),
    };
    let mut form = vec![("token", token), ("token_type_hint", hint)];
    let request = with_client_auth(egress.client().post(revoke_url.clone()), &mut form, app);
    let sent = match request.form(&form).build() {
        Ok(request) => egress.execute(request).await,
        Err(error) => Err(EgressError::Request(error.without_url())),
    };
    match sent {
        Ok(answer) if answer.status.is_success() => {}
        Ok(answer) => {
            tracing::warn!(slug = %app.slug, status = %answer.status, "revocation refused");
        }
        Err(error) => {
            tracing::warn!(slug = %app.slug, %error, "revocation failed");
        }
    }
}

/// Authenticates the client as the app says: HTTP Basic, or `client_id` and `client_secret`
/// in the form.
pub(super) fn with_client_auth<'a>(
    request: reqwest::RequestBuilder,
    form: &mut Vec<(&'a str, &'a str)>,
    app: &'a OAuthApp,
) -> reqwest::RequestBuilder {
    match app.client_auth {
        ClientAuth::Basic => request.basic_auth(
            form_encode(&app.client_id),
            app.client_secret
                .as_deref()
                .map(|secret| form_encode(secret)),
        ),
        ClientAuth::Post => {
            form.push(("client_id", &app.client_id));
            if let Some(secret) = &app.client_secret {
                form.push(("client_secret", secret));
            }
            request
        }
    }
}

/// RFC 6749 §2.3.1: client credentials are form-encoded before HTTP Basic.
fn form_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
