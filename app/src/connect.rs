//! The app list, on two pages. The hosted connect page, `/connect`, has the vendor's branding
//! and one card per enabled app; the link's token never reaches it: `/connect/{token}`
//! exchanges it for a browser session. The embedded widget, `/embed/{token}`, shows the same
//! cards compactly inside a vendor's frame, with no cookies: its token rides in the address
//! and the forms.

use futures::FutureExt;
use leptos::{either::Either, prelude::*};
use leptos_meta::{Html, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::dto::{Flash, HostedPage, KeyFormState, Notice};
use crate::i18n::{T, use_t};
use crate::status_page::LinkError;
use crate::visit::Visit;
use search::card_matches;

mod app_card;
mod bridge;
mod key_form;
pub(crate) mod search;
mod visit_fields;

use crate::serverfns::{load_embed_page, load_hosted_page};
use app_card::AppCardView;
use bridge::EmbedBridge;
use key_form::KeyDialogs;
use search::AppSearch;

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

/// Whether the page shows one app alone (a link or widget made with `app`), and whether it may
/// lead on to the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    /// The whole list (the link shows every app it allows).
    None,
    /// The list, reached from an app's own view: its search keeps `all`.
    All,
    /// One app; `more` when the link allows others.
    One { more: bool },
}

impl Focus {
    /// Narrows `page` to the app it opens on, unless the visitor asked for all of them or
    /// the page is `about` another app (its form, or what its button did).
    fn of(page: &mut HostedPage, show_all: bool, about: Option<&str>) -> Self {
        let Some(slug) = page.focus.clone() else {
            return Self::None;
        };
        if !page.apps.iter().any(|card| card.slug == slug) {
            return Self::None;
        }
        let more = page.apps.len() > 1;
        let elsewhere = about.is_some_and(|about| about != slug);
        if more && (show_all || elsewhere) {
            return Self::All;
        }
        page.apps.retain(|card| card.slug == slug);
        Self::One { more }
    }
}

/// What the last button did, from the session's one-time message.
#[derive(Debug, Clone, PartialEq)]
enum Banner {
    None,
    Connected(String),
    Disconnected(String),
    Notice(Notice, String),
}

impl Banner {
    /// The app the banner is about.
    fn slug(&self) -> Option<&str> {
        match self {
            Self::None => None,
            Self::Connected(slug) | Self::Disconnected(slug) | Self::Notice(_, slug) => Some(slug),
        }
    }

    fn from_flash(flash: Flash) -> Self {
        match flash {
            Flash::Connected(slug) => Self::Connected(slug),
            Flash::Disconnected(slug) => Self::Disconnected(slug),
            Flash::Notice(notice, slug) => Self::Notice(notice, slug),
            Flash::KeyForm(_) => Self::None,
        }
    }

    /// The banner's text and whether it is good news, naming the app by its display name.
    fn text(&self, page: &HostedPage, t: T) -> Option<(String, bool)> {
        let name_of = |slug: &str| {
            page.apps
                .iter()
                .find(|app| app.slug == slug)
                .map(|app| app.name.clone())
        };
        match self {
            Self::None => None,
            Self::Connected(slug) => {
                name_of(slug).map(|name| (t.a("banner-connected", &[("app", name.into())]), true))
            }
            Self::Disconnected(slug) => name_of(slug)
                .map(|name| (t.a("banner-disconnected", &[("app", name.into())]), true)),
            Self::Notice(notice, slug) => {
                let name = name_of(slug).unwrap_or_else(|| t.s("this-app"));
                Some((notice.explanation(&name, t), false))
            }
        }
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

/// What the last button press came to, above the list.
#[component]
fn BannerView(text: String, good: bool, framed: bool) -> impl IntoView {
    let class = if good {
        "banner banner--ok"
    } else {
        "banner banner--warn"
    };
    // The page came back after a button: focus starts at what it did, so a screen reader
    // reads it and Tab goes on from there. Browsers refuse `autofocus` in a frame from another
    // site; the widget tells its host through its live region instead.
    view! {
        <p class=class role="status" data-banner tabindex="-1" autofocus=!framed>
            {text}
        </p>
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

/// The search, the count and the cards, each shown when it matches the search.
#[component]
fn AppGrid(
    apps: Vec<crate::dto::AppCard>,
    search: String,
    tag: String,
    key_state: Option<KeyFormState>,
    visit: Visit,
    keep_all: bool,
) -> impl IntoView {
    let t = use_t();
    let mut tags: Vec<(String, String)> = apps
        .iter()
        .flat_map(|app| app.tags.iter().cloned().zip(app.tag_labels.iter().cloned()))
        .collect();
    tags.sort();
    tags.dedup();
    let total = apps.len();
    let cards: Vec<_> = apps
        .into_iter()
        .map(|card| {
            let tag_refs: Vec<&str> = card.tags.iter().map(String::as_str).collect();
            let shown = card_matches(&card.search_text(), &tag_refs, &search, &tag);
            (card, shown)
        })
        .collect();
    let shown = cards.iter().filter(|(_, shown)| *shown).count();
    let cards = cards
        .into_iter()
        .map(|(card, shown)| {
            let key_state = key_state.clone().filter(|state| state.slug == card.slug);
            let visit = visit.clone();
            view! { <AppCardView card hidden=!shown key_state visit /> }
        })
        .collect_view();
    view! {
        <AppSearch query=search tag tags total keep_all words=search_words(t) />
        <p
            class="result-count"
            id="result-count"
            aria-live="polite"
            data-all=count_text(t, total, total)
            data-some=t.a("count-some", &[("shown", "{shown}".into()), ("total", total.into())])
        >
            {count_text(t, shown, total)}
        </p>
        {(total == 0)
            .then(|| {
                view! {
                    <p class="empty">
                        {t.s("empty-none")}
                    </p>
                }
            })}
        <p class="empty" id="no-match" hidden=shown != 0 || total == 0>
            {t.s("empty-no-match")}
        </p>
        <ul class="apps" role="list" data-apps>
            {cards}
        </ul>
    }
}

/// One app's card alone, without search or count.
#[component]
fn AppCards(
    apps: Vec<crate::dto::AppCard>,
    key_state: Option<KeyFormState>,
    visit: Visit,
) -> impl IntoView {
    let cards = apps
        .into_iter()
        .map(|card| {
            let key_state = key_state.clone().filter(|state| state.slug == card.slug);
            view! { <AppCardView card hidden=false key_state visit=visit.clone() /> }
        })
        .collect_view();
    view! {
        <ul class="apps apps--one" role="list" data-apps>
            {cards}
        </ul>
    }
}

/// "3 of 12 apps", the count under the search box.
pub(crate) fn count_text(t: T, shown: usize, total: usize) -> String {
    if shown == total {
        t.a("count-all", &[("total", total.into())])
    } else {
        t.a(
            "count-some",
            &[("shown", shown.into()), ("total", total.into())],
        )
    }
}

fn search_words(t: T) -> search::SearchWords {
    search::SearchWords {
        label: t.s("search-label"),
        placeholder: t.s("search-placeholder"),
        category: t.s("search-category"),
        all_categories: t.s("search-all-categories"),
        button: t.s("search-button"),
    }
}
