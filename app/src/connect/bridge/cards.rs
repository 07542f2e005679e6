//! The widget's cards brought up to date from the server's page, one card at a time.

use std::cell::Cell;

use leptos::prelude::{document, window};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    /// The latest refresh started: an older one that answers late changes nothing.
    static LATEST: Cell<u64> = const { Cell::new(0) };
}

/// Fetches the widget's own page (its address without any message).
async fn fetch_page() -> Option<web_sys::Response> {
    let path = window().location().pathname().ok()?;
    let answer = JsFuture::from(window().fetch_with_str(&path)).await.ok()?;
    answer.dyn_into::<web_sys::Response>().ok()
}

/// The status the widget's page answers with now (401 or 410 once its token is over).
pub async fn page_status() -> Option<u16> {
    fetch_page().await.map(|answer| answer.status())
}

/// Swaps in each card that changed, except one the customer is using (an open form, or the
/// focus inside it): that card waits for the next change. Whether this refresh was applied.
pub async fn refresh() -> bool {
    let this = LATEST.with(|latest| {
        latest.set(latest.get() + 1);
        latest.get()
    });
    let Some(answer) = fetch_page().await.filter(web_sys::Response::ok) else {
        return false;
    };
    let Ok(text) = answer.text() else {
        return false;
    };
    let Some(html) = JsFuture::from(text)
        .await
        .ok()
        .and_then(|text| text.as_string())
    else {
        return false;
    };
    if LATEST.with(Cell::get) != this {
        return false;
    }
    let Ok(parser) = web_sys::DomParser::new() else {
        return false;
    };
    let Ok(fresh) = parser.parse_from_string(&html, web_sys::SupportedType::TextHtml) else {
        return false;
    };
    let Ok(cards) = fresh.query_selector_all("[data-app-card]") else {
        return false;
    };
    let focused = document().active_element();
    for index in 0..cards.length() {
        let Some(card) = cards
            .item(index)
            .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let slug = card.get_attribute("data-app-card").unwrap_or_default();
        let Some(shown) = document()
            .query_selector(&format!("[data-app-card=\"{slug}\"]"))
            .ok()
            .flatten()
        else {
            continue;
        };
        let in_use = shown
            .query_selector("dialog[open]")
            .ok()
            .flatten()
            .is_some()
            || focused
                .as_ref()
                .is_some_and(|element| shown.contains(Some(element)) && !is_action(element));
        // Kept as shown: whether the search hides it (so a hidden card that did not change
        // compares equal).
        if shown.has_attribute("hidden") {
            let _ = card.set_attribute("hidden", "");
        }
        if in_use || shown.outer_html() == card.outer_html() {
            continue;
        }
        let _ = shown.replace_with_with_node_1(&card);
    }
    let total = document()
        .query_selector_all("[data-app-card]")
        .map_or(0, |cards| cards.length() as usize);
    crate::connect::search::refilter(total);
    true
}

/// A card's button, which a sign-in started from: the card may change under it.
fn is_action(element: &web_sys::Element) -> bool {
    element
        .closest(".app-card__actions")
        .ok()
        .flatten()
        .is_some()
}

/// After a sign-in, focus goes back to the app's card, and the outcome is announced.
pub fn return_focus(slug: &str) {
    let selector = format!("[data-app-card=\"{slug}\"]");
    let Some(card) = document().query_selector(&selector).ok().flatten() else {
        return;
    };
    let name = card
        .query_selector("h2")
        .ok()
        .flatten()
        .and_then(|heading| heading.text_content())
        .unwrap_or_default();
    let connected = card.class_list().contains("app-card--connected");
    // The page wrote both sentences in its language, with `{app}` for the app's name.
    if let Some(live) = document().get_element_by_id("embed-live") {
        let said = if connected {
            "data-connected"
        } else {
            "data-not-connected"
        };
        let text = live
            .get_attribute(said)
            .unwrap_or_default()
            .replace("{app}", &name);
        live.set_text_content(Some(&text));
    }
    let target = card
        .query_selector(".app-card__actions button, .app-card__actions a")
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(target) = target {
        let _ = target.focus();
    }
}
