//! `/console`: the vendor's console, server-rendered and usable without JavaScript. A session
//! of its own (cookie `__Host-portico_console` over https: 8 hours at most, ended after an hour
//! idle, a new id at sign-in) opened by a one-time link or an API key; every form carries the
//! session's CSRF token and passes the cross-site guard; never framed.

mod apps;
mod connection;
mod connections;
mod operator;
mod overview;
mod settings;
mod sign_in;
mod view;
mod webhooks;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};

use super::AppState;
pub(super) use settings::{LOGO_FORM_MOST_BYTES, LOGO_FORM_PATH};
pub(super) use sign_in::SIGN_IN_PATH;

/// The console's routes, under their own session layer.
pub(super) fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/console", get(overview::show))
        .route(SIGN_IN_PATH, get(sign_in::form).post(sign_in::with_api_key))
        .route(
            "/console/sign-in/{token}",
            get(sign_in::link).post(sign_in::with_link),
        )
        .route("/console/sign-out", post(sign_in::sign_out))
        .route("/console/connections", get(connections::list))
        .route(
            "/console/connections/{id}",
            get(connection::show).post(connection::act),
        )
        .route("/console/apps", get(apps::list))
        .route("/console/apps/{slug}", get(apps::show))
        .route("/console/apps/{slug}/offer", post(apps::offer))
        .route("/console/apps/{slug}/off", post(apps::turn_off))
        .route("/console/apps/{slug}/delete", post(apps::delete))
        .route("/console/apps/{slug}/edit", post(apps::edit))
        .route(apps::NEW_PATH, get(apps::new).post(apps::create))
        .route("/console/webhooks", get(webhooks::show))
        .route("/console/webhooks/replay", post(webhooks::replay))
        .route(
            "/console/webhooks/replay-range",
            post(webhooks::replay_range),
        )
        .route("/console/webhooks/test", post(webhooks::test))
        .route("/console/webhooks/rotate", post(webhooks::rotate))
        .route("/console/settings", get(settings::show))
        .route("/console/settings/keys", post(settings::make_key))
        .route("/console/settings/keys/revoke", post(settings::revoke_key))
        .route("/console/settings/origins", post(settings::allow_origin))
        .route(
            "/console/settings/branding",
            post(settings::change_branding),
        )
        .route(
            settings::LOGO_FORM_PATH,
            post(settings::upload_logo)
                .layer(DefaultBodyLimit::max(settings::LOGO_FORM_MOST_BYTES)),
        )
        .route("/console/settings/logo/remove", post(settings::remove_logo))
        .layer(operator::sessions(state))
}
