//! Saving a key-based app's form.

use super::ConnectError;
use crate::catalog::AppDefinition;
use crate::connections::{SaveError, save_keys};
use crate::entity::{connection, linked_account};
use crate::services::Services;

impl Services {
    /// Validates, verifies and stores key-based credentials for an app.
    pub async fn save_keys(
        &self,
        account: &linked_account::Model,
        app: &AppDefinition,
        given: &std::collections::BTreeMap<String, String>,
    ) -> Result<connection::Model, ConnectError> {
        let now = self.clock.now();
        let saved = save_keys(
            &self.db,
            &self.vault,
            &self.egress,
            app,
            account,
            given,
            now,
        )
        .await
        .map_err(|error| match error {
            SaveError::Invalid(fields) => ConnectError::Invalid(fields),
            SaveError::Unreachable(name) => ConnectError::Unreachable(name),
            SaveError::Db(error) => error.into(),
        })?;
        self.changes.account(&account.id);
        Ok(saved)
    }
}
