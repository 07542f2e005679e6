//! The embedded widget's bridge: it opens sign-ins in a popup, learns from the server (not from
//! the popup, which a provider's Cross-Origin-Opener-Policy may sever) when a connection
//! changes, updates the cards in place, and tells the host page, at its exact origin only.
//!
//! Without JavaScript the widget still works: sign-ins open in a new tab and the list shows
//! the outcome when reloaded.

use leptos::prelude::*;

use crate::dto::WidgetState;

/// `allowed_origins` are the host pages that may frame the widget; `events_url` streams the
/// linked account's [`WidgetState`]; `before` is the state before the button that led to this
/// page, whose changes the host has not heard of yet.
#[island]
pub fn EmbedBridge(
    allowed_origins: Vec<String>,
    events_url: String,
    before: Option<WidgetState>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| wire::start(allowed_origins.clone(), &events_url, before.clone()));
    #[cfg(not(feature = "hydrate"))]
    let _ = (allowed_origins, events_url, before);
}

#[cfg(feature = "hydrate")]
mod wire {
    use std::{cell::RefCell, rc::Rc};

    use leptos::prelude::{document, window};
    use serde::Serialize;
    use serde_json::json;
    use wasm_bindgen::{JsCast, JsValue, closure::Closure};
    use wasm_bindgen_futures::JsFuture;

    use crate::dto::{Flow, WidgetState};

    /// The name of the popup window sign-ins open in.
    const POPUP: &str = "portico-signin";

    #[derive(Default)]
    struct Bridge {
        allowed: Vec<String>,
        /// The host page's origin, once it said hello from an allowed origin.
        parent: Option<String>,
        /// Messages for the host from before it said hello.
        queue: Vec<String>,
        state: Option<WidgetState>,
        /// The app a sign-in was started for, and whether the server has seen it in flight.
        waiting: Option<(String, bool)>,
    }

    type Shared = Rc<RefCell<Bridge>>;

    /// Posts a message to the host page, at its exact origin. Until the host said hello from
    /// an allowed origin, messages wait.
    fn post(bridge: &Shared, message: &impl Serialize) {
        let Ok(text) = serde_json::to_string(message) else {
            return;
        };
        let Some(origin) = bridge.borrow().parent.clone() else {
            bridge.borrow_mut().queue.push(text);
            return;
        };
        send(&origin, &text);
    }

    fn send(origin: &str, text: &str) {
        let Ok(Some(parent)) = window().parent() else {
            return;
        };
        if let Ok(value) = js_sys::JSON::parse(text) {
            let _ = parent.post_message(&value, origin);
        }
    }

    /// The widget's height, so the host can size the frame to it (once the host is known: it
    /// gets the height then).
    fn post_height(bridge: &Shared) {
        if bridge.borrow().parent.is_none() {
            return;
        }
        let height = document()
            .query_selector(".page")
            .ok()
            .flatten()
            .map_or(0, |page| page.scroll_height());
        post(
            bridge,
            &json!({ "type": "portico:resize", "height": height }),
        );
    }

    fn listen<E: wasm_bindgen::convert::FromWasmAbi + 'static>(
        target: &web_sys::EventTarget,
        name: &str,
        handler: impl FnMut(E) + 'static,
    ) {
        let closure = Closure::<dyn FnMut(E)>::new(handler);
        let _ = target.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
        closure.forget();
    }

    pub fn start(allowed: Vec<String>, events_url: &str, before: Option<WidgetState>) {
        let bridge: Shared = Rc::new(RefCell::new(Bridge {
            allowed,
            state: before,
            ..Bridge::default()
        }));
        hello(&bridge);
        popups(&bridge);
        resizes(&bridge);
        watch(&bridge, events_url);
        // Knocks on each allowed origin: the browser delivers it only to the frame's parent,
        // and only when the parent is one of them. The host's script answers with hello.
        let knock = json!({ "type": "portico:knock" }).to_string();
        for origin in &bridge.borrow().allowed {
            send(origin, &knock);
        }
    }

    /// The host page's script says hello (when the frame loads, and when the widget knocks);
    /// the browser tells who it is (`event.origin`), and only an origin the org allowed, from
    /// the frame's own parent, is answered, once.
    fn hello(bridge: &Shared) {
        let bridge = bridge.clone();
        listen(&window(), "message", move |event: web_sys::MessageEvent| {
            let from_parent = match (event.source(), window().parent()) {
                (Some(source), Ok(Some(parent))) => js_sys::Object::is(&source, &parent),
                _ => false,
            };
            let is_hello = js_sys::Reflect::get(&event.data(), &JsValue::from_str("type"))
                .ok()
                .and_then(|kind| kind.as_string())
                .is_some_and(|kind| kind == "portico:hello");
            let origin = event.origin();
            let answered = bridge.borrow().parent.is_some();
            if answered || !(from_parent && is_hello && bridge.borrow().allowed.contains(&origin)) {
                return;
            }
            let waiting = {
                let mut bridge = bridge.borrow_mut();
                bridge.parent = Some(origin.clone());
                std::mem::take(&mut bridge.queue)
            };
            send(&origin, &json!({ "type": "portico:ready" }).to_string());
            for text in waiting {
                send(&origin, &text);
            }
            post_height(&bridge);
        });
    }

    /// Connect and Reconnect open the provider in a popup, cut off from the widget (no page
    /// the sign-in passes through can reach back into it); the form's own `target="_blank"`
    /// (a new tab, also without an opener) is kept when the browser refuses the popup.
    fn popups(bridge: &Shared) {
        let bridge = bridge.clone();
        listen(&document(), "submit", move |event: web_sys::Event| {
            let Some(form) = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            // The sign-in forms are the ones that open a new window.
            if form.get_attribute("target").as_deref() != Some("_blank") {
                return;
            }
            let Some(slug) = form
                .query_selector("input[name=slug]")
                .ok()
                .flatten()
                .and_then(|input| input.get_attribute("value"))
            else {
                return;
            };
            let features = "popup,width=520,height=720";
            if let Ok(Some(popup)) =
                window().open_with_url_and_target_and_features("", POPUP, features)
            {
                let _ = popup.set_opener(&JsValue::NULL);
                form.set_target(POPUP);
            }
            bridge.borrow_mut().waiting = Some((slug, false));
        });
    }

    fn resizes(bridge: &Shared) {
        let Some(page) = document().query_selector(".page").ok().flatten() else {
            return;
        };
        let observed = bridge.clone();
        let closure = Closure::<dyn FnMut()>::new(move || post_height(&observed));
        if let Ok(observer) = web_sys::ResizeObserver::new(closure.as_ref().unchecked_ref()) {
            observer.observe(&page);
        }
        closure.forget();
    }

    /// Follows the server's stream of the linked account's state: each change updates the
    /// cards and becomes events for the host page.
    fn watch(bridge: &Shared, events_url: &str) {
        let Ok(source) = web_sys::EventSource::new(events_url) else {
            return;
        };
        let on_state = bridge.clone();
        listen(&source, "state", move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            let Ok(state) = serde_json::from_str::<WidgetState>(&text) else {
                return;
            };
            changed(&on_state, state);
        });
        let on_end = bridge.clone();
        let closing = source.clone();
        listen(&source, "end", move |_: web_sys::MessageEvent| {
            closing.close();
            post(
                &on_end,
                &json!({ "type": "portico:error", "code": "session_expired" }),
            );
        });
    }

    fn changed(bridge: &Shared, state: WidgetState) {
        let before = bridge.borrow_mut().state.replace(state.clone());
        // The first state is where the page already stands, unless a button led here.
        let Some(before) = before else { return };
        if before == state {
            return;
        }
        let events = state.changes_since(&before);
        for event in &events {
            post(bridge, event);
        }
        // A sign-in is over once the server saw it in flight and no longer does.
        let finished = {
            let mut bridge = bridge.borrow_mut();
            match bridge.waiting.as_mut() {
                Some((slug, seen)) => {
                    let in_flight = state.flows.contains(&(slug.clone(), Flow::Waiting));
                    let connected = events
                        .iter()
                        .any(|event| event.slug == *slug && event.kind == "portico:connected");
                    *seen |= in_flight;
                    (connected || (*seen && !in_flight)).then(|| slug.clone())
                }
                None => None,
            }
        };
        if finished.is_some() {
            bridge.borrow_mut().waiting = None;
        }
        let bridge = bridge.clone();
        leptos::task::spawn_local(async move {
            refresh_cards().await;
            post_height(&bridge);
            if let Some(slug) = finished {
                return_focus(&slug);
            }
        });
    }

    /// Fetches the widget again and swaps in its cards, so they show what the server knows.
    async fn refresh_cards() {
        let Ok(path) = window().location().pathname() else {
            return;
        };
        let Ok(answer) = JsFuture::from(window().fetch_with_str(&path)).await else {
            return;
        };
        let Ok(answer) = answer.dyn_into::<web_sys::Response>() else {
            return;
        };
        if !answer.ok() {
            return;
        }
        let Ok(text) = answer.text() else { return };
        let Some(html) = JsFuture::from(text)
            .await
            .ok()
            .and_then(|text| text.as_string())
        else {
            return;
        };
        let Ok(parser) = web_sys::DomParser::new() else {
            return;
        };
        let Ok(fresh) = parser.parse_from_string(&html, web_sys::SupportedType::TextHtml) else {
            return;
        };
        let (Some(fresh), Some(shown)) = (
            fresh.query_selector("[data-apps]").ok().flatten(),
            document().query_selector("[data-apps]").ok().flatten(),
        ) else {
            return;
        };
        shown.set_inner_html(&fresh.inner_html());
        let total = shown.children().length() as usize;
        super::super::search::refilter(total);
    }

    /// After a sign-in, focus goes back to the app's card, and the outcome is announced.
    fn return_focus(slug: &str) {
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
        if let Some(live) = document().get_element_by_id("embed-live") {
            let text = if connected {
                format!("{name} is connected.")
            } else {
                format!("{name} is not connected. Try again.")
            };
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
}
