use leptos::{either::EitherOf4, prelude::*};

use super::key_form::KeyForm;
use super::visit_fields::VisitFields;
use crate::dto::{
    AppCard, AuthType, CardStatus, ConnectField, ConnectedAccount, Flow, KeyFormState,
};
use crate::i18n::{T, use_t};
use crate::reason::ReauthAction;
use crate::serverfns::{Disconnect, StartConnect};
use crate::visit::Visit;

/// One application: icon, name, description, tags and where the end customer stands with it.
#[component]
pub fn AppCardView(
    card: AppCard,
    hidden: bool,
    key_state: Option<KeyFormState>,
    visit: Visit,
) -> impl IntoView {
    let t = use_t();
    let actions = card_actions(&card, &visit, t);
    let framed = matches!(visit, Visit::Embed(_));
    let turned_off = matches!(card.status, CardStatus::TurnedOff(_));
    let key_form = (card.auth_type == AuthType::KeyBased && !turned_off).then(|| {
        view! {
            <KeyForm
                slug=card.slug.clone()
                app_name=card.name.clone()
                fields=card.key_fields.clone()
                state=key_state
                reconnect=matches!(card.status, CardStatus::ReauthRequired { .. })
                visit=visit.clone()
            />
        }
    });
    let search_text = card.search_text();
    let tags_attr = card.tags.join("|");
    let heading_id = format!("app-{}", card.slug);
    let labelled_by = heading_id.clone();
    let status_class = match &card.status {
        CardStatus::NotConnected => "app-card",
        CardStatus::Connected(_) => "app-card app-card--connected",
        CardStatus::ReauthRequired { .. } => "app-card app-card--reauth",
        CardStatus::TurnedOff(_) => "app-card app-card--off",
    };

    // A sign-in started from this list (in a popup, a new tab, or by the SDK) and not back yet.
    let not_finished = if matches!(card.status, CardStatus::ReauthRequired { .. }) {
        t.s("flow-not-reconnected")
    } else {
        t.s("flow-not-connected")
    };
    let flow = card.flow.map(|flow| match flow {
        Flow::Waiting => view! {
            <p class="flow" data-flow="waiting">{t.s("flow-waiting")}</p>
        },
        Flow::NotFinished => view! {
            <p class="flow flow--warn" data-flow="not-finished">{not_finished}</p>
        },
    });
    let status = match card.status {
        CardStatus::NotConnected => EitherOf4::A(view! {
            <div class="app-card__status">
                <span class="badge badge--idle">{t.s("badge-not-connected")}</span>
                {flow}
            </div>
        }),
        CardStatus::Connected(accounts) => EitherOf4::B(view! {
            <div class="app-card__status">
                <span class="badge badge--ok">
                    <span aria-hidden="true">"✓ "</span>
                    {t.s("badge-connected")}
                </span>
                <AccountList accounts />
            </div>
        }),
        CardStatus::ReauthRequired { reason, accounts } => EitherOf4::C(view! {
            <div class="app-card__status">
                <span class="badge badge--warn">
                    <span aria-hidden="true">"! "</span>
                    {t.s("badge-reconnect-needed")}
                </span>
                <p
                    class="reason"
                    data-reason=reason.as_str()
                    data-action=reason.action().as_str()
                    data-retryable=reason.retryable().to_string()
                >
                    {t.s(&format!("reason-{}", reason.as_str()))}
                </p>
                {flow}
                <AccountList accounts />
            </div>
        }),
        CardStatus::TurnedOff(accounts) => EitherOf4::D(view! {
            <div class="app-card__status">
                <span class="badge badge--idle">{t.s("badge-turned-off")}</span>
                <p class="reason" data-reason="app_deleted">{t.s("reason-turned-off")}</p>
                <AccountList accounts />
            </div>
        }),
    };

    view! {
        <li
            class=status_class
            data-app-card=card.slug.clone()
            data-search=search_text
            data-tags=tags_attr
            hidden=hidden
            aria-labelledby=labelled_by
        >
            <div class="app-card__head">
                <img
                    class="app-card__icon"
                    src=card.icon_url
                    alt=t.a("icon-alt", &[("app", card.name.as_str().into())])
                    width="44"
                    height="44"
                    loading="lazy"
                />
                <div>
                    <h2 id=heading_id>{card.name}</h2>
                    // The compact widget leaves the categories to its filter.
                    {(!framed)
                        .then(|| {
                            view! {
                                <ul class="tags" aria-label=t.s("categories")>
                                    {card
                                        .tag_labels
                                        .into_iter()
                                        .map(|tag| view! { <li class="tag">{tag}</li> })
                                        .collect_view()}
                                </ul>
                            }
                        })}
                </div>
            </div>
            <p class="app-card__description">{card.description}</p>
            {status}
            {actions}
            {key_form}
        </li>
    }
}

/// The card's buttons: Connect, Reconnect, Connect another account, Disconnect. In the widget
/// the sign-in opens in a new window (a popup once the bridge island runs), since providers
/// refuse to be framed; every form carries the widget's token.
fn card_actions(card: &AppCard, visit: &Visit, t: T) -> impl IntoView + use<> {
    let (primary, another) = match (&card.status, card.auth_type) {
        (CardStatus::NotConnected, AuthType::OAuth2) => (Some(t.s("action-connect")), false),
        (CardStatus::ReauthRequired { reason, .. }, AuthType::OAuth2) => {
            (Some(action_words(t, reason.action())), false)
        }
        (CardStatus::Connected(_), AuthType::OAuth2) => (Some(t.s("action-connect-another")), true),
        _ => (None, false),
    };
    // A reconnect reuses the details the connection was made with.
    let fields = if matches!(card.status, CardStatus::ReauthRequired { .. }) {
        Vec::new()
    } else {
        card.connect_fields.clone()
    };
    let turned_off = matches!(card.status, CardStatus::TurnedOff(_));
    let open_form = (card.auth_type == AuthType::KeyBased && !turned_off)
        .then(|| view! { <OpenKeyForm card=card.clone() t /> });
    let connect = primary.map(|text| {
        let label = t.a(
            "action-on-app",
            &[
                ("action", text.as_str().into()),
                ("app", card.name.as_str().into()),
            ],
        );
        view! {
            <ConnectForm
                label
                text
                slug=card.slug.clone()
                another
                fields
                visit=visit.clone()
            />
        }
    });
    let disconnect = (!matches!(card.status, CardStatus::NotConnected)).then(|| {
        view! {
            <DisconnectForm
                label=t.a("action-disconnect-app", &[("app", card.name.as_str().into())])
                text=t.s("action-disconnect")
                slug=card.slug.clone()
                visit=visit.clone()
            />
        }
    });
    view! { <div class="app-card__actions">{open_form} {connect} {disconnect}</div> }
}

/// The link that opens a key-based app's form (a dialog with JavaScript, a page without).
#[component]
fn OpenKeyForm(card: AppCard, t: T) -> impl IntoView {
    let label = match card.status {
        CardStatus::NotConnected => t.s("action-connect"),
        CardStatus::ReauthRequired { reason, .. } => action_words(t, reason.action()),
        CardStatus::TurnedOff(_) => t.s("action-reconnect"),
        CardStatus::Connected(_) => t.s("action-update-keys"),
    };
    let class = if matches!(card.status, CardStatus::Connected(_)) {
        "button button--quiet"
    } else {
        "button"
    };
    let slug = card.slug;
    let named = t.a(
        "action-on-app",
        &[
            ("action", label.as_str().into()),
            ("app", card.name.as_str().into()),
        ],
    );
    view! {
        <a
            class=class
            href=format!("?connect={slug}")
            data-opens=format!("key-{slug}")
            aria-label=named
        >
            {label}
        </a>
    }
}

/// Connect, Reconnect or Connect another account: starts a sign-in (in a new window from the
/// widget), with the values the app asks first.
#[component]
fn ConnectForm(
    /// The button's name for assistive technology: the action and the app.
    label: String,
    text: String,
    slug: String,
    another: bool,
    fields: Vec<ConnectField>,
    visit: Visit,
) -> impl IntoView {
    let action = ServerAction::<StartConnect>::new();
    let popup = visit.embed_token().is_some();
    let prefix = format!("connect-{slug}");
    let class = if another {
        "button button--quiet"
    } else {
        "button"
    };
    let fields = fields
        .into_iter()
        .map(|field| view! { <ConnectParamField field prefix=prefix.clone() /> })
        .collect_view();
    view! {
        <ActionForm action attr:target=popup.then_some("_blank")>
            <input type="hidden" name="slug" value=slug />
            <VisitFields visit />
            {another.then(|| view! { <input type="hidden" name="another" value="1" /> })}
            {fields}
            <button class=class type="submit" aria-label=label>
                {text}
            </button>
        </ActionForm>
    }
}

/// One value asked before a sign-in (a workspace's subdomain, say).
#[component]
fn ConnectParamField(field: ConnectField, prefix: String) -> impl IntoView {
    let id = format!("{}-{}", prefix, field.name);
    view! {
        <div class="connect-field">
            <label for=id.clone()>{field.label}</label>
            <input
                id=id
                name=format!("params[{}]", field.name)
                type="text"
                placeholder=field.placeholder
                required
                maxlength="63"
                autocomplete="off"
                spellcheck="false"
            />
            {field.help.map(|help| view! { <p class="connect-field__help">{help}</p> })}
        </div>
    }
}

/// Disconnect: removes the app's connections.
#[component]
fn DisconnectForm(label: String, text: String, slug: String, visit: Visit) -> impl IntoView {
    let action = ServerAction::<Disconnect>::new();
    view! {
        <ActionForm action>
            <input type="hidden" name="slug" value=slug />
            <VisitFields visit />
            <button class="button button--quiet" type="submit" aria-label=label>
                {text}
            </button>
        </ActionForm>
    }
}
#[component]
fn AccountList(accounts: Vec<ConnectedAccount>) -> impl IntoView {
    let t = use_t();
    view! {
        <ul class="accounts" aria-label=t.s("connected-accounts")>
            {accounts
                .into_iter()
                .map(|account| {
                    let expiring = account.expires_in_days.map(|days| {
                        view! {
                            <p class="accounts__expiring" data-expiring=days.to_string()>
                                {t.a("expires-in", &[("days", days.max(0).into())])}
                            </p>
                        }
                    });
                    view! {
                        <li>
                            <span class="accounts__id">{account.identifier}</span>
                            {format!(" · {} ", t.s("since"))}
                            <time datetime=account.connected_at>{account.connected_on}</time>
                            {expiring}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The words of the button that does `action`.
fn action_words(t: T, action: ReauthAction) -> String {
    t.s(&format!("action-{}", action.as_str().replace('_', "-")))
}
