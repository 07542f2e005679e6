//! The app list, on two pages. The hosted connect page, `/connect`, has the vendor's branding
//! and one card per enabled app; the link's token never reaches it: `/connect/{token}`
//! exchanges it for a browser session. The embedded widget, `/embed/{token}`, shows the same
//! cards compactly inside a vendor's frame, with no cookies: its token rides in the address
//! and the forms.

use futures::FutureExt;
use leptos::{either::Either, prelude::*};
use leptos_meta::{Html, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::dto::{Flash, HostedPage, KeyFormState};
use crate::i18n::use_t;
use crate::status_page::LinkError;
use crate::visit::Visit;

mod app_card;
mod banner;
mod bridge;
mod focus;
mod grid;
mod key_form;
pub(crate) mod search;
mod visit_fields;

use crate::serverfns::{load_embed_page, load_hosted_page};
use banner::{Banner, BannerView};
use bridge::EmbedBridge;
use focus::Focus;
use grid::{AppCards, AppGrid};
use key_form::KeyDialogs;

/// The hosted connect page. Search and category filter work as a plain GET form without
/// JavaScript; with it, the search island filters as you type.
#[component]
pub fn ConnectPage() -> impl IntoView {
    list_page(None)
}

/// The embedded widget: the same list, laid out for a frame 320–480 px wide.
#[component]
pub fn EmbedPage() -> impl IntoView {
    let token = use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    list_page(Some(token))
}

fn list_page(embed: Option<String>) -> impl IntoView {
    let query = use_query_map();
    let search = query.read_untracked().get("q").unwrap_or_default();
    let tag = query.read_untracked().get("tag").unwrap_or_default();
    // `?connect=<slug>` opens a key form in place when there is no JavaScript.
    let open_form = query.read_untracked().get("connect");
    let done = query.read_untracked().get("done");
    // `?all=1` leaves the app a link opens on for the list of every app it allows.
    let show_all = query.read_untracked().get("all").is_some();
    let framed = embed.is_some();
    // The list is loaded once per page: `Suspense` walks its children more than once on the
    // server (to find what they wait for), and each walk may start the load anew.
    let loading = async move {
        match embed {
            Some(token) => load_embed_page(token, done).await,
            None => load_hosted_page().await,
        }
    }
    .boxed()
    .shared();

    view! {
        <Suspense>
            {move || {
                let (search, tag) = (search.clone(), tag.clone());
                let (open_form, loading) = (open_form.clone(), loading.clone());
                Suspend::new(async move {
                    let loaded = loading.await;
                    #[cfg(feature = "ssr")]
                    if framed {
                        crate::allow_framing(loaded.as_ref().ok().and_then(|page| page.embed.as_ref()));
                    }
                    match loaded {
                        Ok(mut page) => {
                            provide_context(page.locale);
                            let (banner, key_state) = match page.flash.take() {
                                Some(Flash::KeyForm(state)) => (Banner::None, Some(state)),
                                Some(flash) => (Banner::from_flash(flash), None),
                                None => {
                                    let fresh = open_form.map(|slug| KeyFormState {
                                        slug,
                                        ..KeyFormState::default()
                                    });
                                    (Banner::None, fresh)
                                }
                            };
                            // A button or form about another app is shown in the whole list.
                            let about = key_state
                                .as_ref()
                                .map(|state| state.slug.as_str())
                                .or(banner.slug());
                            let focus = Focus::of(&mut page, show_all, about);
                            Either::Left(view! { <AppList page search tag banner key_state focus /> })
                        }
                        Err(error) => {
                            #[cfg(feature = "ssr")]
                            provide_context(crate::i18n::request_locale());
                            Either::Right(view! { <LinkError error framed /> })
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn AppList(
    page: HostedPage,
    search: String,
    tag: String,
    banner: Banner,
    key_state: Option<KeyFormState>,
    focus: Focus,
) -> impl IntoView {
    let t = use_t();
    let banner = banner.text(&page, t);
    let branding = page.branding;
    let mut style = format!(
        "--accent: {}; --accent-ink: {}",
        branding.accent, branding.accent_ink
    );
    if let Some(background) = &branding.background {
        style.push_str(&format!("; --page-bg: {background}"));
    }
    let visit = page.embed.as_ref().map_or_else(
        || Visit::Hosted(page.link_id.clone()),
        |embed| Visit::Embed(embed.token.clone()),
    );
    let framed = page.embed.is_some();
    let scheme = match (&branding.background, branding.background_dark) {
        (None, _) => "",
        (Some(_), false) => " page--light",
        (Some(_), true) => " page--dark",
    };
    let page_class = if framed {
        format!("page page--embed{scheme}")
    } else {
        format!("page{scheme}")
    };
    let heading = match (focus, page.apps.first()) {
        (Focus::One { .. }, Some(card)) => match card.status {
            crate::dto::CardStatus::ReauthRequired { .. } => t.a(
                "heading-reconnect-app",
                &[("app", card.name.as_str().into())],
            ),
            _ => t.a("heading-connect-app", &[("app", card.name.as_str().into())]),
        },
        _ => t.s("heading-connect-apps"),
    };
    let title = crate::title_text(&format!("{heading} · {}", branding.name));
    let back = matches!(focus, Focus::One { more: true }).then(|| {
        view! {
            <p class="all-apps">
                <a href="?all=1" data-all-apps>
                    <span aria-hidden="true">"← "</span>
                    {t.s("all-apps")}
                </a>
            </p>
        }
    });
    let grid = match focus {
        Focus::One { .. } => {
            Either::Left(view! { <AppCards apps=page.apps key_state visit=visit.clone() /> })
        }
        _ => Either::Right(view! {
            <AppGrid apps=page.apps search tag key_state visit=visit.clone() keep_all=focus == Focus::All />
        }),
    };
    let list = view! {
        {banner.map(|(text, good)| view! { <BannerView text good framed /> })}
        {grid}
        {back}
    };
    let body = match page.embed {
        // The widget: no header, lede or footer; the frame around it is the vendor's page.
        Some(embed) => Either::Left(view! {
            <main class="connect connect--embed" id="main">
                <h1 class="visually-hidden">{format!("{heading} · {}", branding.name)}</h1>
                {list}
                <p
                    class="visually-hidden"
                    id="embed-live"
                    role="status"
                    aria-live="polite"
                    data-connected=t.a("live-connected", &[("app", "{app}".into())])
                    data-not-connected=t.a("live-not-connected", &[("app", "{app}".into())])
                ></p>
                {branding
                    .secured_by
                    .then(|| view! { <p class="footer footer--embed">{t.s("secured-by")}</p> })}
            </main>
            <EmbedBridge
                allowed_origins=embed.allowed_origins
                events_url=format!("{}/events", visit.home())
                announce=embed.announce
            />
        }),
        None => Either::Right(view! {
            <BrandHeader branding=branding.clone() who=page.linked_account_name />
            <main class="connect" id="main">
                <h1>{heading.clone()}</h1>
                <p class="lede">{t.a("lede", &[("vendor", branding.name.as_str().into())])}</p>
                {list}
            </main>
            {branding.secured_by.then(|| view! { <footer class="footer">{t.s("secured-by")}</footer> })}
        }),
    };
    view! {
        <Title text=title />
        <Html {..} lang=t.locale().as_str() />
        <div class=page_class style=style>
            {body}
            <KeyDialogs />
        </div>
    }
}

/// The vendor's name and logo, and whom the page is for.
#[component]
fn BrandHeader(branding: crate::dto::Branding, who: Option<String>) -> impl IntoView {
    let t = use_t();
    let logo = branding.logo_url.clone().map(|logo| {
        view! {
            <img
                class="brand__logo"
                src=logo
                alt=t.a("logo-alt", &[("vendor", branding.name.as_str().into())])
                width="40"
                height="40"
            />
        }
    });
    view! {
        <header class="brand">
            {logo}
            <div>
                <p class="brand__name">{branding.name.clone()}</p>
                {who.map(|name| view! { <p class="brand__who">{t.a("signed-in-as", &[("name", name.into())])}</p> })}
            </div>
        </header>
    }
}
