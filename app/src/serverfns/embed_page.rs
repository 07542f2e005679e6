//! The embedded widget's list, for its token; `done` is the sealed message the last button
//! left.

use leptos::prelude::*;

use crate::{PortalError, dto::HostedPage};

#[server(prefix = "/_portal", endpoint = "embed-page")]
pub async fn load_embed_page(
    token: String,
    done: Option<String>,
) -> Result<HostedPage, PortalError> {
    super::load(crate::visit::Visit::Embed(token), done).await
}
