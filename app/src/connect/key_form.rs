//! A key-based app's form: a `<dialog>` that JavaScript opens as a modal, and that the server
//! renders open in place (with `?connect=<slug>`) when there is no JavaScript or after errors.

use leptos::prelude::*;

use super::visit_fields::VisitFields;
use crate::dto::{KeyField, KeyFormState};
use crate::i18n::use_t;
use crate::serverfns::SaveKeys;
use crate::visit::Visit;

/// The form of one key-based app.
#[component]
pub fn KeyForm(
    slug: String,
    app_name: String,
    fields: Vec<KeyField>,
    state: Option<KeyFormState>,
    reconnect: bool,
    visit: Visit,
) -> impl IntoView {
    let t = use_t();
    let action = ServerAction::<SaveKeys>::new();
    let dialog_id = format!("key-{slug}");
    let title_id = format!("key-{slug}-title");
    let heading = if reconnect {
        t.a("heading-reconnect-app", &[("app", app_name.into())])
    } else {
        t.a("heading-connect-app", &[("app", app_name.into())])
    };
    let open = state.is_some();
    // Browsers refuse `autofocus` inside a frame from another site (and say so in the host's
    // console): there the island moves focus instead.
    let framed = visit.embed_token().is_some();
    let state = state.unwrap_or_default();
    // Focus goes to the first invalid field, or to the first field of a form opened afresh.
    let first_invalid = fields
        .iter()
        .find(|field| state.error(&field.name).is_some())
        .or(fields.first().filter(|_| state.errors.is_empty()))
        .map(|field| field.name.clone())
        .filter(|_| open);
    let problem = state.problem.clone();
    let inputs = fields
        .into_iter()
        .map(|field| {
            let id = format!("key-{slug}-{}", field.name);
            let help_id = format!("{id}-help");
            let error_id = format!("{id}-error");
            let error = state.error(&field.name).map(str::to_owned);
            // Secret values never travel back to the page.
            let value = (!field.secret)
                .then(|| state.value(&field.name).map(str::to_owned))
                .flatten()
                .unwrap_or_default();
            let described_by = match (&field.help, &error) {
                (Some(_), Some(_)) => format!("{error_id} {help_id}"),
                (Some(_), None) => help_id.clone(),
                (None, Some(_)) => error_id.clone(),
                (None, None) => String::new(),
            };
            let autofocus = !framed && first_invalid.as_deref() == Some(field.name.as_str());
            let invalid = error.is_some();
            view! {
                <div class="key-field" class:key-field--invalid=invalid>
                    <label for=id.clone()>
                        {field.label}
                        {(!field.required).then(|| view! { <span class="key-field__optional">{format!(" ({})", t.s("optional"))}</span> })}
                    </label>
                    <input
                        id=id
                        name=format!("values[{}]", field.name)
                        type=field.input_type
                        placeholder=field.placeholder
                        value=value
                        autocomplete=if field.secret { "new-password" } else { "off" }
                        spellcheck="false"
                        aria-required=field.required.to_string()
                        aria-invalid=invalid.to_string()
                        aria-describedby=described_by
                        autofocus=autofocus
                    />
                    {error.map(|message| view! { <p class="key-field__error" id=error_id>{message}</p> })}
                    {field.help.map(|help| view! { <p class="key-field__help" id=help_id>{help}</p> })}
                </div>
            }
        })
        .collect_view();
    // Back to the list as it is, without the open form (relative: the widget's address
    // holds its token), at this app's card, where Tab goes on from.
    let page = format!("?#app-{slug}");
    let closes = dialog_id.clone();
    let labelled_by = title_id.clone();
    view! {
        <dialog id=dialog_id class="key-dialog" aria-labelledby=labelled_by open=open>
            <h3 id=title_id class="key-dialog__title">{heading}</h3>
            {problem.map(|text| view! { <p class="banner banner--warn" role="alert">{text}</p> })}
            <ActionForm action attr:novalidate=true attr:class="key-form">
                <input type="hidden" name="slug" value=slug />
                <VisitFields visit />
                {inputs}
                <div class="key-form__actions">
                    <button class="button" type="submit">{t.s("save-and-connect")}</button>
                    <a class="button button--quiet" href=page data-closes=closes>
                        {t.s("cancel")}
                    </a>
                </div>
            </ActionForm>
        </dialog>
    }
}

/// Opens key forms as modal dialogs, and moves a form the server sent back open (after an
/// error) into a modal with focus on its first invalid field. In the embedded widget, whose
/// frame is as tall as its content, a modal would sit in the middle of the frame, perhaps out
/// of the host page's view: there the form opens in place, inside its card.
#[island]
pub fn KeyDialogs() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| dialogs::wire());
}

#[cfg(feature = "hydrate")]
mod dialogs {
    use leptos::prelude::document;
    use wasm_bindgen::{JsCast, closure::Closure};

    fn dialog(id: &str) -> Option<web_sys::HtmlDialogElement> {
        document().get_element_by_id(id)?.dyn_into().ok()
    }

    fn focus_first(dialog: &web_sys::HtmlDialogElement) {
        let target = dialog
            .query_selector("[aria-invalid=\"true\"]")
            .ok()
            .flatten()
            .or_else(|| {
                dialog
                    .query_selector("input:not([type=hidden])")
                    .ok()
                    .flatten()
            });
        if let Some(input) =
            target.and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = input.focus();
        }
    }

    /// Opens a form: as a modal, or in place inside the widget.
    fn show(dialog: &web_sys::HtmlDialogElement) -> bool {
        let framed = dialog.closest(".page--embed").ok().flatten().is_some();
        if framed {
            dialog.show();
            true
        } else {
            dialog.show_modal().is_ok()
        }
    }

    /// One listener for the whole document, so cards the widget swaps in later work too.
    fn on_clicks() {
        let handler = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(element) = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            for (attribute, open) in [("data-opens", true), ("data-closes", false)] {
                let link = element.closest(&format!("[{attribute}]")).ok().flatten();
                let Some(id) = link.and_then(|link| link.get_attribute(attribute)) else {
                    continue;
                };
                let Some(dialog) = dialog(&id) else { return };
                event.prevent_default();
                dialog.close();
                if open && show(&dialog) {
                    focus_first(&dialog);
                }
                return;
            }
        });
        let _ =
            document().add_event_listener_with_callback("click", handler.as_ref().unchecked_ref());
        handler.forget();
    }

    /// Opens key forms in place from here on; the page says so on `<html data-key-dialogs>`,
    /// for whoever needs to know the links no longer navigate.
    pub fn wire() {
        on_clicks();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-key-dialogs", "ready");
        }
        if let Ok(open) = document().query_selector_all("dialog.key-dialog[open]") {
            for index in 0..open.length() {
                if let Some(dialog) = open
                    .item(index)
                    .and_then(|node| node.dyn_into::<web_sys::HtmlDialogElement>().ok())
                {
                    dialog.close();
                    if show(&dialog) {
                        focus_first(&dialog);
                    }
                }
            }
        }
    }
}
