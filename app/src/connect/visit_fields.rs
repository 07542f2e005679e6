//! The hidden field that says whose list a form was on.

use leptos::{either::Either, prelude::*};

use crate::visit::Visit;

/// Who the form is for: the widget's token in the widget, the id of the link the page was
/// opened for on the hosted page (whose session is a cookie that another tab may move on).
#[component]
pub fn VisitFields(visit: Visit) -> impl IntoView {
    match visit {
        Visit::Embed(token) => {
            Either::Left(view! { <input type="hidden" name="embed" value=token /> })
        }
        Visit::Hosted(link) => Either::Right(
            view! { <input type="hidden" name="link" value=link.unwrap_or_default() /> },
        ),
    }
}
