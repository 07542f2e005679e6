//! `portico keys rotate`: every owner of a sealed value re-seals its own rows under the
//! active key, and the reports are added up.

use sea_orm::{ConnectionTrait, DbErr};

use crate::vault::{RotationReport, Vault};

/// Re-seals org client and signing secrets, connection credentials, authorizations and
/// sign-ins in flight, and webhook secrets, one row
/// at a time. Readers keep working throughout because the old key stays in the keyring.
pub async fn rotate(db: &impl ConnectionTrait, vault: &Vault) -> Result<RotationReport, DbErr> {
    let mut report = crate::catalog::reseal_all(db, vault).await?;
    report += crate::connections::credentials::reseal_all(db, vault).await?;
    report += crate::oauth::reseal_states(db, vault).await?;
    report += crate::oauth::reseal_pending(db, vault).await?;
    report += crate::webhooks::subscriptions::reseal_all(db, vault).await?;
    Ok(report)
}
