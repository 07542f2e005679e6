//! Save on a key-based app's form. Success returns to the list with a banner; a refusal returns
//! to the open form with a message per field and the non-secret values kept.

use leptos::prelude::*;

use crate::PortalError;

#[server(prefix = "/_portal", endpoint = "save-keys")]
pub async fn save_keys(
    slug: String,
    #[server(default)] values: std::collections::BTreeMap<String, String>,
    embed: Option<String>,
    link: Option<String>,
) -> Result<(), PortalError> {
    let visit = crate::visit::Visit::from_form(embed, link);
    let target = super::portal().save_keys(&visit, &slug, &values).await;
    super::follow(&visit, target)
}
