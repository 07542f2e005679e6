//! Pages that explain a state rather than show data: home, not found, and bad links.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::PortalError;

/// `/`: says what this server is, for someone who lands here without a link.
#[component]
pub fn Home() -> impl IntoView {
    view! {
        <Title text="Portico" />
        <StatusPage heading="Portico connect portal">
            <p>
                "This server connects your apps to the services you use. To connect an app, open the link you were sent by the product that asked you to."
            </p>
        </StatusPage>
    }
}

/// Any unknown path.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::portal::set_page_status(404);
    view! {
        <Title text="Page not found · Portico" />
        <StatusPage heading="Page not found">
            <p>"There is nothing at this address. Check the link you were sent."</p>
        </StatusPage>
    }
}

/// A link that cannot be used: unknown, altered or expired. `framed` is the widget's compact
/// layout.
#[component]
pub fn LinkError(error: PortalError, #[prop(optional)] framed: bool) -> impl IntoView {
    let (heading, body) = error.words();
    view! {
        <Title text=format!("{heading} · Portico") />
        <StatusPage heading framed>
            <p>{body}</p>
        </StatusPage>
    }
}

#[component]
fn StatusPage(
    heading: &'static str,
    #[prop(optional)] framed: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="page" class:page--embed=framed>
            <main class="status" id="main">
                <img class="status__mark" src="/favicon.svg" alt="" width="48" height="48" />
                <h1>{heading}</h1>
                {children()}
            </main>
        </div>
    }
}
