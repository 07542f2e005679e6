//! The backend of the pages: implements the UI's `Portal` port over the domain modules, for the
//! hosted page (a browser session) and the embedded widget (its token).

use app::{
    PortalError,
    dto::{AppCard, CardStatus, EmbedView, Flash, HostedPage, Notice, WidgetState},
    i18n::{Locale, T},
    portal::Portal,
    visit::Visit,
};
use axum::http::{HeaderMap, header};

use super::AppState;
use crate::embed;
use crate::entity::connection_event::Actor;
use crate::hosted::{self, VisitError};
use crate::oauth::{BrowserBinding, Mode};
use crate::sessions::Session;
use crate::tenancy;

mod view;

use view::{branding, card, key_form_outcome, notice};

pub(super) struct PortalBackend {
    state: AppState,
}

/// Who is looking at the list, checked again on this request.
enum Visitor {
    /// The hosted page: the browser's session and the link that opened it.
    Hosted(tower_sessions::Session, Session),
    /// The widget: its token and what it stands for.
    Embed(String, Session),
}

impl Visitor {
    fn session(&self) -> &Session {
        match self {
            Self::Hosted(_, session) | Self::Embed(_, session) => session,
        }
    }
}

impl PortalBackend {
    pub(super) fn new(state: AppState) -> Self {
        Self { state }
    }

    async fn visitor(&self, visit: &Visit) -> Result<Visitor, PortalError> {
        match visit {
            Visit::Hosted(page_link) => {
                let (browser, link) = self.hosted_visitor().await?;
                // A form carries the link its page was opened for. Another tab (or another
                // site's popup) may since have opened another link in this browser: acting on
                // the session's link now would act for someone the page does not show.
                if page_link.as_deref().is_some_and(|page_link| {
                    !crate::secrets::digests_match(&link.token_id, page_link)
                }) {
                    tracing::info!("hosted page: a button from a page opened for another link");
                    return Err(PortalError::OutOfDate);
                }
                Ok(Visitor::Hosted(browser, link))
            }
            Visit::Embed(token) => embed::visitor(&self.state.db, token, self.state.clock.now())
                .await
                .map(|session| Visitor::Embed(token.clone(), session))
                .map_err(|error| super::embed::refusal(&error)),
        }
    }

    /// Where the widget stands before a button changes something, so the page that follows
    /// can tell the host what changed (nothing on the hosted page, or if it cannot be read).
    async fn before(&self, visitor: &Visitor) -> Option<WidgetState> {
        let Visitor::Embed(_, session) = visitor else {
            return None;
        };
        embed::state(&self.state.db, session, self.state.clock.now())
            .await
            .inspect_err(|error| tracing::warn!(%error, "widget: state lookup failed"))
            .ok()
    }

    /// This browser's session and the link behind it, checked again now.
    async fn hosted_visitor(&self) -> Result<(tower_sessions::Session, Session), PortalError> {
        let browser = leptos_axum::extract::<tower_sessions::Session>()
            .await
            .map_err(|error| {
                tracing::error!(%error, "hosted page: no session layer");
                PortalError::Unavailable
            })?;
        let link = hosted::visitor(&self.state.db, &browser, self.state.clock.now())
            .await
            .map_err(|error| match error {
                VisitError::NoSession => PortalError::NoSession,
                VisitError::Revoked => PortalError::LinkInvalid,
                VisitError::Expired => PortalError::LinkExpired,
                other => {
                    tracing::error!(error = %other, "hosted page: session lookup failed");
                    PortalError::Unavailable
                }
            })?;
        Ok((browser, link))
    }

    /// The language of the visitor's page: the link's, else the browser's, else the org's.
    async fn words(session: &Session) -> T {
        let headers: HeaderMap = leptos_axum::extract().await.unwrap_or_default();
        let browser = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .and_then(Locale::from_accept_language);
        T(session
            .options
            .locale
            .or(browser)
            .unwrap_or_else(|| tenancy::default_locale(&session.org)))
    }

    /// A button for an app this link or widget does not offer: nothing changes, and the page
    /// says the app is not offered here.
    async fn refuse(&self, visitor: &Visitor, slug: &str, shown: embed::Shown) -> String {
        tracing::info!("a button for an app outside the link's apps was refused");
        let flash = Flash::Notice(Notice::UnknownApp, slug.to_owned());
        self.leave(visitor, &flash, None, shown).await
    }

    /// Leaves `flash` for the next page and answers that page's address: the hosted page reads
    /// it from the browser's session, the widget from its own address (sealed), with what
    /// changed since `before`.
    async fn leave(
        &self,
        visitor: &Visitor,
        flash: &Flash,
        before: Option<WidgetState>,
        shown: embed::Shown,
    ) -> String {
        match visitor {
            Visitor::Hosted(browser, _) => {
                hosted::set_flash(browser, flash).await;
                Visit::Hosted(None).home()
            }
            Visitor::Embed(token, session) => {
                // The widget's stream may not get to tell the host before the frame moves on.
                let announce = match before {
                    Some(before) => embed::state(&self.state.db, session, self.state.clock.now())
                        .await
                        .map(|after| after.changes_since(&before))
                        .unwrap_or_default(),
                    None => Vec::new(),
                };
                embed::page_with(
                    &self.state.vault,
                    token,
                    session,
                    flash,
                    announce,
                    shown,
                    self.state.clock.now(),
                )
            }
        }
    }
}

#[async_trait::async_trait]
impl Portal for PortalBackend {
    async fn begin_connect(
        &self,
        visit: &Visit,
        slug: &str,
        another: bool,
        params: &std::collections::HashMap<String, String>,
    ) -> Result<String, PortalError> {
        let visitor = self.visitor(visit).await?;
        if !visitor.session().options.allows(slug) {
            return Ok(self
                .refuse(&visitor, slug, embed::Shown::InSignInWindow)
                .await);
        }
        // The widget's sign-in runs in a popup (or a new tab) that closes itself at the end;
        // the hosted page's comes back to the page. Either way the window that signs in gets
        // the flow cookie here, as a first-party cookie of its own top-level page.
        let (mode, return_to) = match visitor {
            Visitor::Hosted(..) => (Mode::Page, Some(Visit::Hosted(None).home())),
            Visitor::Embed(..) => (Mode::Popup, None),
        };
        let headers: HeaderMap = leptos_axum::extract().await.unwrap_or_default();
        let issued = self.state.flow_cookie().issue(&headers);
        let begun = self
            .state
            .begin_oauth(
                &visitor.session().linked_account,
                slug,
                another,
                params,
                mode,
                return_to,
                BrowserBinding::Nonce(issued.nonce_digest),
            )
            .await;
        match begun {
            Ok(url) => {
                if let Some(response) =
                    leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
                {
                    response.append_header(header::SET_COOKIE, issued.set_cookie);
                }
                Ok(url.to_string())
            }
            // The widget's Connect opened a window: the reason goes there.
            Err(error) => {
                let flash = Flash::Notice(notice(error), slug.to_owned());
                // Nothing changed, so there is nothing to tell the host.
                Ok(self
                    .leave(&visitor, &flash, None, embed::Shown::InSignInWindow)
                    .await)
            }
        }
    }

    async fn disconnect(&self, visit: &Visit, slug: &str) -> Result<String, PortalError> {
        let visitor = self.visitor(visit).await?;
        if !visitor.session().options.allows(slug) {
            return Ok(self.refuse(&visitor, slug, embed::Shown::InList).await);
        }
        let before = self.before(&visitor).await;
        let account = &visitor.session().linked_account;
        // A disabled app's connections can still be removed (and their tokens revoked).
        let outcome = match self
            .state
            .disconnect(account, slug, Actor::EndCustomer)
            .await
        {
            Ok(0) => self.state.enabled_app(account, slug).await.map(|_| 0),
            other => other,
        };
        let flash = match outcome {
            Ok(_) => Flash::Disconnected(slug.to_owned()),
            Err(error) => Flash::Notice(notice(error), slug.to_owned()),
        };
        Ok(self
            .leave(&visitor, &flash, before, embed::Shown::InList)
            .await)
    }

    async fn save_keys(
        &self,
        visit: &Visit,
        slug: &str,
        values: &std::collections::BTreeMap<String, String>,
    ) -> Result<String, PortalError> {
        let visitor = self.visitor(visit).await?;
        if !visitor.session().options.allows(slug) {
            return Ok(self.refuse(&visitor, slug, embed::Shown::InList).await);
        }
        let before = self.before(&visitor).await;
        let account = &visitor.session().linked_account;
        let flash = match self.state.enabled_app(account, slug).await {
            Ok(app) if app.auth_type == crate::catalog::AuthKind::KeyBased => {
                let outcome = self.state.save_keys(account, &app, values).await;
                let t = Self::words(visitor.session()).await;
                key_form_outcome(t, &app, values, outcome)
            }
            Ok(_) => Flash::Notice(Notice::UnknownApp, slug.to_owned()),
            Err(error) => Flash::Notice(notice(error), slug.to_owned()),
        };
        Ok(self
            .leave(&visitor, &flash, before, embed::Shown::InList)
            .await)
    }

    async fn page(&self, visit: &Visit, done: Option<&str>) -> Result<HostedPage, PortalError> {
        let visitor = self.visitor(visit).await?;
        let session = visitor.session();
        let unavailable = |error: sea_orm::DbErr| {
            tracing::error!(%error, "app list failed");
            PortalError::Unavailable
        };
        let apps = crate::connections::apps_for_linked_account(
            &self.state.db,
            self.state.changes.lookups(),
            &self.state.catalog,
            &session.linked_account,
        )
        .await
        .map_err(unavailable)?;
        let flows = crate::oauth::flows_in_flight(
            &self.state.db,
            &session.linked_account.id,
            self.state.clock.now(),
        )
        .await
        .map_err(unavailable)?;
        let warn_ahead = self.state.refresh.expiring_ahead;
        let t = Self::words(session).await;
        let mut cards: Vec<AppCard> = apps
            .iter()
            .filter(|entry| session.options.allows(&entry.app.slug))
            .map(|entry| {
                let flow = flows
                    .iter()
                    .find(|(slug, _)| *slug == entry.app.slug)
                    .map(|(_, flow)| *flow);
                card(t, entry, warn_ahead, flow, self.state.clock.now())
            })
            .collect();
        // What needs the customer's attention comes first, then what they already use.
        cards.sort_by_key(|card| match card.status {
            CardStatus::ReauthRequired { .. } => 0,
            CardStatus::Connected(_) => 1,
            CardStatus::NotConnected => 2,
            CardStatus::TurnedOff(_) => 3,
        });
        let (flash, embed) = match &visitor {
            Visitor::Hosted(browser, _) => (hosted::flash(browser).await, None),
            Visitor::Embed(token, session) => {
                let message = done.and_then(|done| {
                    embed::message_for(&self.state.vault, session, done, self.state.clock.now())
                });
                let (flash, announce) = message
                    .map(|message| (Some(message.flash), message.announce))
                    .unwrap_or_default();
                let view = EmbedView {
                    token: token.clone(),
                    allowed_origins: tenancy::allowed_origins(&session.org),
                    announce,
                };
                (flash, Some(view))
            }
        };
        let brand = crate::branding::of(
            &self.state.db,
            self.state.changes.lookups(),
            &session.org.id,
            session.environment,
        )
        .await
        .map_err(unavailable)?;
        Ok(HostedPage {
            branding: branding(session, brand.as_ref()),
            linked_account_name: session.linked_account.name.clone(),
            apps: cards,
            flash,
            link_id: matches!(visitor, Visitor::Hosted(..)).then(|| session.token_id.clone()),
            embed,
            focus: session.options.app.clone(),
            locale: t.locale(),
        })
    }
}
