//! The list itself: the search, the count and the cards, or one app's card alone.

use leptos::prelude::*;

use super::app_card::AppCardView;
use super::search::{self, AppSearch, card_matches};
use crate::dto::{AppCard, KeyFormState};
use crate::i18n::{T, use_t};
use crate::visit::Visit;

/// The search, the count and the cards, each shown when it matches the search.
#[component]
pub(super) fn AppGrid(
    apps: Vec<AppCard>,
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
pub(super) fn AppCards(
    apps: Vec<AppCard>,
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
fn count_text(t: T, shown: usize, total: usize) -> String {
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
