//! Starting an OAuth2 sign-in, or a reconnect of a flagged connection.

use url::Url;

use super::ConnectError;
use crate::connections::{self, Status};
use crate::entity::linked_account;
use crate::oauth::{self, BrowserBinding, Mode};
use crate::services::Services;

impl Services {
    /// Starts an OAuth2 sign-in and returns the provider URL. A connection of this app that
    /// needs reauthentication is reconnected in place unless `another` asks for a new one.
    /// `given` holds the values the user typed for the app's connect parameters.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn begin_oauth(
        &self,
        account: &linked_account::Model,
        slug: &str,
        another: bool,
        given: &std::collections::HashMap<String, String>,
        mode: Mode,
        return_to: Option<String>,
        binding: BrowserBinding,
    ) -> Result<Url, ConnectError> {
        let definition = self.enabled_app(account, slug).await?;
        let Some(endpoints) = definition.oauth.as_ref() else {
            return Err(ConnectError::NotOAuth);
        };
        let reconnect = if another {
            None
        } else {
            connections::of_linked_account(&self.db, &account.id)
                .await?
                .into_iter()
                .find(|record| {
                    record.slug == slug && matches!(Status::of(record), Status::ReauthRequired(_))
                })
        };
        // A reconnect reuses the values the connection was made with unless new ones are given.
        let stored = match (&reconnect, given.is_empty()) {
            (Some(record), true) => oauth::open_tokens(&self.vault, account, record)
                .ok()
                .flatten()
                .map(|tokens| tokens.params.clone()),
            _ => None,
        };
        let values = match stored {
            Some(values) => values,
            None => oauth::check_params(&endpoints.params, given).map_err(ConnectError::Invalid)?,
        };
        let app = oauth::oauth_app(
            &self.db,
            &self.vault,
            &self.public_url,
            &account.org_id,
            account.environment,
            &definition,
            &values,
        )
        .await?;
        let url = oauth::authorization_url(
            &self.db,
            &self.vault,
            &self.public_url,
            &app,
            oauth::Begin {
                linked_account: account,
                reconnect: reconnect.as_ref(),
                mode,
                return_to,
                binding,
            },
            self.clock.now(),
        )
        .await?;
        // A widget of this account shows that a sign-in is waiting.
        self.changes.account(&account.id);
        Ok(url)
    }
}
