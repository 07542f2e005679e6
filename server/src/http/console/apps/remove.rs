//! Taking an app away from the console: turning it off, or deleting one of the org's own,
//! once the box that says how many connections it flags is ticked. The same domain call as
//! the API's `DELETE`s, with the console as the actor.

use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::super::operator::{Operator, SignedIn};
use super::super::view;
use super::{Shown, page};
use crate::catalog::Slug;
use crate::connections::AppGone;
use crate::entity::connection_event::Actor;
use crate::http::AppState;

/// A form that takes something away: its token, and the box ticked.
#[derive(Deserialize)]
pub(in crate::http::console) struct Confirmed {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /console/apps/{slug}/off` and `…/delete`: the app goes, its connections flagged.
async fn take_away(
    state: &AppState,
    operator: &Operator,
    slug: &str,
    form: Confirmed,
    how: AppGone,
) -> Response {
    if !operator.csrf_matches(&form.csrf) {
        return view::stale_form();
    }
    if form.confirm != "yes" {
        let shown = Shown {
            note: Some("Nothing was changed: tick the box to say you mean it."),
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            ..Shown::default()
        };
        return page(state, operator, slug, shown).await;
    }
    let Ok(slug) = Slug::parse(slug) else {
        return view::stale_form();
    };
    let (org_id, environment) = (&operator.org_id, operator.environment);
    let gone = state.app_gone(org_id, environment, &slug, (how, Actor::Console));
    match gone.await {
        Ok(true) => {
            tracing::info!(actor = %operator.actor, slug = slug.as_str(), ?how, "console: an app went");
            match how {
                AppGone::TurnedOff => {
                    Redirect::to(&format!("/console/apps/{}?done=off", slug.as_str()))
                }
                AppGone::Deleted => Redirect::to("/console/apps?done=deleted"),
            }
            .into_response()
        }
        // Not offered, not the org's own, or another org's: nothing to take away.
        Ok(false) => view::stale_form(),
        Err(error) => view::unavailable(&error),
    }
}

pub(in crate::http::console) async fn turn_off(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Path(slug): Path<String>,
    Form(form): Form<Confirmed>,
) -> Response {
    take_away(&state, &operator, &slug, form, AppGone::TurnedOff).await
}

pub(in crate::http::console) async fn delete(
    State(state): State<AppState>,
    SignedIn(operator): SignedIn,
    Path(slug): Path<String>,
    Form(form): Form<Confirmed>,
) -> Response {
    take_away(&state, &operator, &slug, form, AppGone::Deleted).await
}
