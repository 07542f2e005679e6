use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The search form's words, in the page's language (the island looks none up itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchWords {
    pub label: String,
    pub placeholder: String,
    pub category: String,
    pub all_categories: String,
    pub button: String,
}

/// The search box and category filter. Without JavaScript it is a GET form the server answers;
/// once hydrated it filters the cards as the user types.
#[island]
pub fn AppSearch(
    query: String,
    tag: String,
    /// Each category's value and its name in the page's language.
    tags: Vec<(String, String)>,
    total: usize,
    /// The list was reached from one app's view: searching keeps to the list.
    keep_all: bool,
    words: SearchWords,
) -> impl IntoView {
    let (search, set_search) = signal(query.clone());
    let (category, set_category) = signal(tag.clone());
    Effect::new(move |previous: Option<()>| {
        let (search, category) = (search.get(), category.get());
        if previous.is_some() {
            filter::apply(&search, &category, total);
        } else {
            // The user may have typed before the island hydrated: apply what the inputs hold.
            filter::apply_typed_before_hydration(total);
        }
    });

    view! {
        <form class="search" method="get" role="search" on:submit=|event| event.prevent_default()>
            {keep_all.then(|| view! { <input type="hidden" name="all" value="1" /> })}
            <div class="search__field">
                <label for="app-search">{words.label}</label>
                <input
                    id="app-search"
                    type="search"
                    name="q"
                    value=query
                    maxlength="100"
                    autocomplete="off"
                    placeholder=words.placeholder
                    on:input=move |event| set_search.set(event_target_value(&event))
                />
            </div>
            <div class="search__field">
                <label for="app-tag">{words.category}</label>
                <select
                    id="app-tag"
                    name="tag"
                    on:change=move |event| set_category.set(event_target_value(&event))
                >
                    <option value="" selected=tag.is_empty()>
                        {words.all_categories}
                    </option>
                    {tags
                        .into_iter()
                        .map(|(value, name)| {
                            let selected = value == tag;
                            view! {
                                <option value=value selected=selected>
                                    {name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class="button button--quiet">
                {words.button}
            </button>
        </form>
    }
}

/// Applies what the search inputs hold to the cards shown now (after the widget swapped them).
#[cfg(feature = "hydrate")]
pub(crate) fn refilter(total: usize) {
    filter::apply_typed_before_hydration(total);
}

#[cfg(feature = "hydrate")]
mod filter {
    use leptos::prelude::document;
    use wasm_bindgen::JsCast;

    use super::card_matches;

    /// Applies the values the search inputs hold right now.
    pub fn apply_typed_before_hydration(total: usize) {
        let document = document();
        let search = document
            .get_element_by_id("app-search")
            .and_then(|element| element.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default();
        let category = document
            .get_element_by_id("app-tag")
            .and_then(|element| element.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .map(|select| select.value())
            .unwrap_or_default();
        apply(&search, &category, total);
    }

    /// Shows the cards that match and hides the rest, then updates the count and empty state.
    pub fn apply(search: &str, category: &str, total: usize) {
        let document = document();
        let Ok(cards) = document.query_selector_all("[data-app-card]") else {
            return;
        };
        let mut shown = 0;
        for index in 0..cards.length() {
            let Some(card) = cards
                .item(index)
                .and_then(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
            else {
                continue;
            };
            let text = card.get_attribute("data-search").unwrap_or_default();
            let tags = card.get_attribute("data-tags").unwrap_or_default();
            let tags: Vec<&str> = tags.split('|').filter(|tag| !tag.is_empty()).collect();
            let visible = card_matches(&text, &tags, search, category);
            card.set_hidden(!visible);
            shown += usize::from(visible);
        }
        // The page wrote the count's two forms in its language: all of them, or `{shown}` of them.
        if let Some(count) = document.get_element_by_id("result-count") {
            let text = if shown == total {
                count.get_attribute("data-all").unwrap_or_default()
            } else {
                count
                    .get_attribute("data-some")
                    .unwrap_or_default()
                    .replace("{shown}", &shown.to_string())
            };
            count.set_text_content(Some(&text));
        }
        if let Some(empty) = document
            .get_element_by_id("no-match")
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        {
            empty.set_hidden(shown != 0 || total == 0);
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod filter {
    //! Filtering happens in the browser only; the server renders the filtered state itself.

    pub fn apply(_search: &str, _category: &str, _total: usize) {}

    pub fn apply_typed_before_hydration(_total: usize) {}
}

/// Whether a card is shown for a search: every word of `query` must appear in the card's search
/// text, and `tag`, when set, must be one of its tags. The server and the search island both use it.
pub(crate) fn card_matches(search_text: &str, tags: &[&str], query: &str, tag: &str) -> bool {
    let query = query.to_lowercase();
    let words_match = query
        .split_whitespace()
        .all(|word| search_text.contains(word));
    let tag_matches = tag.is_empty() || tags.contains(&tag);
    words_match && tag_matches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_needs_every_word_and_the_tag() {
        let text = "slack slack team chat communication";
        assert!(card_matches(text, &["Communication"], "", ""));
        assert!(card_matches(text, &["Communication"], "TEAM chat", ""));
        assert!(!card_matches(text, &["Communication"], "team crm", ""));
        assert!(card_matches(
            text,
            &["Communication"],
            "slack",
            "Communication"
        ));
        assert!(!card_matches(text, &["Communication"], "slack", "CRM"));
    }
}
