//! Pages that explain a state rather than show data: home, not found, and bad links.

use leptos::prelude::*;
use leptos_meta::{Html, Title};

use crate::PortalError;
use crate::i18n::{T, use_t};

/// The words of a page no link speaks for: in the browser's language.
fn page_words() -> T {
    #[cfg(feature = "ssr")]
    provide_context(crate::i18n::request_locale());
    use_t()
}

/// `/`: says what this server is, for someone who lands here without a link.
#[component]
pub fn Home() -> impl IntoView {
    let t = page_words();
    view! {
        <Title text="Portico" />
        <StatusPage heading=t.s("home-heading")>
            <p>{t.s("home-body")}</p>
        </StatusPage>
    }
}

/// Any unknown path.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::portal::set_page_status(404);
    let t = page_words();
    let heading = t.s("not-found-heading");
    view! {
        <Title text=format!("{heading} · Portico") />
        <StatusPage heading>
            <p>{t.s("not-found-body")}</p>
        </StatusPage>
    }
}

/// A link that cannot be used: unknown, altered or expired. `framed` is the widget's compact
/// layout.
#[component]
pub fn LinkError(error: PortalError, #[prop(optional)] framed: bool) -> impl IntoView {
    let t = use_t();
    let (heading, body) = error.words();
    let heading = t.s(heading);
    view! {
        <Title text=format!("{heading} · Portico") />
        <StatusPage heading framed>
            <p>{t.s(body)}</p>
        </StatusPage>
    }
}

#[component]
fn StatusPage(
    heading: String,
    #[prop(optional)] framed: bool,
    children: Children,
) -> impl IntoView {
    let t = use_t();
    view! {
        <Html {..} lang=t.locale().as_str() />
        <div class="page" class:page--embed=framed>
            <main class="status" id="main">
                <img class="status__mark" src="/favicon.svg" alt="" width="48" height="48" />
                <h1>{heading}</h1>
                {children()}
            </main>
        </div>
    }
}
