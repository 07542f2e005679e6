//! The bridge at work in the browser: the host's handshake, the sign-in popup, the state
//! stream, and the events it becomes.

use std::{cell::RefCell, rc::Rc};

use leptos::prelude::{document, window};
use serde::Serialize;
use serde_json::json;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};

use super::cards;
use crate::dto::{Flow, WidgetEvent, WidgetState};

/// The name of the popup window sign-ins open in.
const POPUP: &str = "portico-signin";

/// How long the widget waits before following the server again after losing it.
const RECONNECT_MS: i32 = 5_000;

#[derive(Default)]
struct Bridge {
    allowed: Vec<String>,
    events_url: String,
    /// The host page's origin, once it said hello from an allowed origin.
    parent: Option<String>,
    /// Messages for the host from before it said hello.
    queue: Vec<String>,
    state: Option<WidgetState>,
    /// The app a sign-in was started for, and whether the server has seen it in flight.
    waiting: Option<(String, bool)>,
    /// A form of the list was sent: the page that answers it tells the host what changed.
    leaving: bool,
}

type Shared = Rc<RefCell<Bridge>>;

/// Posts a message to the host page, at its exact origin. Until the host said hello from
/// an allowed origin, messages wait.
fn tell_host(bridge: &Shared, message: &impl Serialize) {
    let Ok(text) = serde_json::to_string(message) else {
        return;
    };
    let Some(origin) = bridge.borrow().parent.clone() else {
        bridge.borrow_mut().queue.push(text);
        return;
    };
    post_to(&origin, &text);
}

fn post_to(origin: &str, text: &str) {
    let Ok(Some(parent)) = window().parent() else {
        return;
    };
    if let Ok(value) = js_sys::JSON::parse(text) {
        let _ = parent.post_message(&value, origin);
    }
}

/// The widget's height, so the host can size the frame to it (once the host is known: it
/// gets the height then).
fn tell_height(bridge: &Shared) {
    if bridge.borrow().parent.is_none() {
        return;
    }
    let height = document()
        .query_selector(".page")
        .ok()
        .flatten()
        .map_or(0, |page| page.scroll_height());
    tell_host(
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

fn later(milliseconds: i32, run: impl FnOnce() + 'static) {
    let closure = Closure::once_into_js(run);
    let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(
        closure.unchecked_ref(),
        milliseconds,
    );
}

pub fn start(allowed: Vec<String>, events_url: &str, announce: Vec<WidgetEvent>) {
    // The message a button left is shown once: a reload, or the host's Back button, does
    // not bring it back.
    let location = window().location();
    let answered = location.search().is_ok_and(|search| !search.is_empty());
    if let (true, Ok(history), Ok(path)) = (answered, window().history(), location.pathname()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
    }
    let bridge: Shared = Rc::new(RefCell::new(Bridge {
        allowed,
        events_url: events_url.to_owned(),
        ..Bridge::default()
    }));
    for event in &announce {
        tell_host(&bridge, event);
    }
    hello(&bridge);
    forms(&bridge);
    resizes(&bridge);
    follow(&bridge);
    // Knocks on each allowed origin: the browser delivers it only to the frame's parent,
    // and only when the parent is one of them. The host's script answers with hello.
    let knock = json!({ "type": "portico:knock" }).to_string();
    for origin in &bridge.borrow().allowed {
        post_to(origin, &knock);
    }
}

/// The host page's script says hello when the widget knocks; the browser tells who it is
/// (`event.origin`), and only an origin the org allowed, from the frame's own parent, is
/// answered, once.
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
        let allowed = bridge.borrow().allowed.contains(&origin);
        if answered || !(from_parent && is_hello && allowed) {
            return;
        }
        let waiting = {
            let mut bridge = bridge.borrow_mut();
            bridge.parent = Some(origin.clone());
            std::mem::take(&mut bridge.queue)
        };
        post_to(&origin, &json!({ "type": "portico:ready" }).to_string());
        for text in waiting {
            post_to(&origin, &text);
        }
        tell_height(&bridge);
    });
}

/// Connect and Reconnect open the provider in a popup, cut off from the widget (no page
/// the sign-in passes through can reach back into it); the form's own `target="_blank"`
/// (a new tab, also without an opener) stays when the browser refuses the popup. Any other
/// posted form moves the frame on, and the page that answers tells the host what changed; the
/// search (a GET form, filtered in place) moves nothing.
fn forms(bridge: &Shared) {
    let bridge = bridge.clone();
    listen(&document(), "submit", move |event: web_sys::Event| {
        let Some(form) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        if !form.method().eq_ignore_ascii_case("post") {
            return;
        }
        if !form.action().ends_with("/_portal/connect") {
            bridge.borrow_mut().leaving = true;
            return;
        }
        let slug = form
            .query_selector("input[name=slug]")
            .ok()
            .flatten()
            .and_then(|input| input.get_attribute("value"));
        let features = "popup,width=520,height=720";
        if let Ok(Some(popup)) = window().open_with_url_and_target_and_features("", POPUP, features)
        {
            let _ = popup.set_opener(&JsValue::NULL);
            form.set_target(POPUP);
            // The form is sent once this handler returns; the next press starts afresh.
            let form = form.clone();
            later(0, move || form.set_target("_blank"));
        }
        bridge.borrow_mut().waiting = slug.map(|slug| (slug, false));
    });
}

fn resizes(bridge: &Shared) {
    let Some(page) = document().query_selector(".page").ok().flatten() else {
        return;
    };
    let observed = bridge.clone();
    let closure = Closure::<dyn FnMut()>::new(move || tell_height(&observed));
    if let Ok(observer) = web_sys::ResizeObserver::new(closure.as_ref().unchecked_ref()) {
        observer.observe(&page);
    }
    closure.forget();
}

/// Follows the server's stream of the linked account's state: each change updates the
/// cards and becomes events for the host page. A stream the browser gave up on (Portico
/// restarting, say) is followed again after a pause, unless the token is over.
fn follow(bridge: &Shared) {
    let url = bridge.borrow().events_url.clone();
    let Ok(source) = web_sys::EventSource::new(&url) else {
        return;
    };
    let on_state = bridge.clone();
    listen(&source, "state", move |event: web_sys::MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        if let Ok(state) = serde_json::from_str::<WidgetState>(&text) {
            changed(&on_state, state);
        }
    });
    let on_end = bridge.clone();
    let ending = source.clone();
    listen(&source, "end", move |_: web_sys::MessageEvent| {
        ending.close();
        token_over(&on_end);
    });
    let on_error = bridge.clone();
    let failing = source.clone();
    listen(&source, "error", move |_: web_sys::Event| {
        if failing.ready_state() != web_sys::EventSource::CLOSED {
            return;
        }
        let bridge = on_error.clone();
        leptos::task::spawn_local(async move {
            match cards::page_status().await {
                Some(401 | 410) => token_over(&bridge),
                // Refused (too many streams, or Portico full or restarting): look again
                // after a pause, spread so widgets refused together do not return together.
                _ => later(
                    RECONNECT_MS + (js_sys::Math::random() * f64::from(RECONNECT_MS)) as i32,
                    move || follow(&bridge),
                ),
            }
        });
    });
}

fn token_over(bridge: &Shared) {
    tell_host(
        bridge,
        &json!({ "type": "portico:error", "code": "session_expired" }),
    );
}

fn changed(bridge: &Shared, state: WidgetState) {
    if bridge.borrow().leaving {
        return;
    }
    let before = bridge.borrow_mut().state.replace(state.clone());
    // The first state is where the page already stands.
    let Some(before) = before else { return };
    if before == state {
        return;
    }
    let events = state.changes_since(&before);
    for event in &events {
        tell_host(bridge, event);
    }
    // A sign-in is over once the server saw it in flight and no longer does.
    let finished = {
        let mut bridge = bridge.borrow_mut();
        let finished = match bridge.waiting.as_mut() {
            Some((slug, seen)) => {
                let in_flight = state.flows.contains(&(slug.clone(), Flow::Waiting));
                let connected = events
                    .iter()
                    .any(|event| event.slug == *slug && event.kind == "portico:connected");
                *seen |= in_flight;
                (connected || (*seen && !in_flight)).then(|| slug.clone())
            }
            None => None,
        };
        if finished.is_some() {
            bridge.waiting = None;
        }
        finished
    };
    let bridge = bridge.clone();
    leptos::task::spawn_local(async move {
        if cards::refresh().await {
            tell_height(&bridge);
            if let Some(slug) = finished {
                cards::return_focus(&slug);
            }
        }
    });
}
