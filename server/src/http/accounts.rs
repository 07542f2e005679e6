//! What several API resources share: the API key's own linked account, and a token issued for
//! one (creating it when new).

use super::{ApiError, AppState};
use crate::entity::linked_account;
use crate::sessions::{self, Branding, Purpose};
use crate::tenancy::{self, ApiKeyPrincipal, LinkedAccountId, LinkedAccountInput};

/// The key's linked account with this id; a foreign or unknown id is the same 404.
pub(in crate::http) async fn linked_account_of(
    state: &AppState,
    key: &ApiKeyPrincipal,
    id: &LinkedAccountId,
) -> Result<linked_account::Model, ApiError> {
    tenancy::find_linked_account(&state.db, &key.org_id, key.environment, id)
        .await?
        .ok_or(ApiError::NotFound("linked account"))
}

/// A token of `purpose` for one of the key's linked accounts, which is created when it is new
/// (a vendor asks for the customer signed in to its own app).
pub(in crate::http) async fn issue_for(
    state: &AppState,
    key: &ApiKeyPrincipal,
    linked_account_id: &str,
    name: Option<&str>,
    purpose: Purpose,
    ttl: chrono::Duration,
) -> Result<sessions::IssuedToken, ApiError> {
    let input = LinkedAccountInput::parse(linked_account_id, name, None)?;
    let account =
        tenancy::upsert_linked_account(&state.db, &key.org_id, key.environment, &input).await?;
    Ok(sessions::issue(
        &state.db,
        &account,
        purpose,
        &Branding::default(),
        ttl,
        None,
    )
    .await?)
}
