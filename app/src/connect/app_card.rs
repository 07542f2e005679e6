use leptos::{either::EitherOf3, prelude::*};

use crate::dto::{AppCard, CardStatus, ConnectedAccount};

/// One application: icon, name, description, tags and where the end customer stands with it.
#[component]
pub fn AppCardView(card: AppCard, hidden: bool) -> impl IntoView {
    let search_text = card.search_text();
    let tags_attr = card.tags.join("|");
    let heading_id = format!("app-{}", card.slug);
    let labelled_by = heading_id.clone();
    let status_class = match &card.status {
        CardStatus::NotConnected => "app-card",
        CardStatus::Connected(_) => "app-card app-card--connected",
        CardStatus::ReauthRequired { .. } => "app-card app-card--reauth",
    };

    let status = match card.status {
        CardStatus::NotConnected => EitherOf3::A(view! {
            <div class="app-card__status">
                <span class="badge badge--idle">"Not connected"</span>
            </div>
        }),
        CardStatus::Connected(accounts) => EitherOf3::B(view! {
            <div class="app-card__status">
                <span class="badge badge--ok">
                    <span aria-hidden="true">"✓ "</span>
                    "Connected"
                </span>
                <AccountList accounts />
            </div>
        }),
        CardStatus::ReauthRequired { reason, accounts } => EitherOf3::C(view! {
            <div class="app-card__status">
                <span class="badge badge--warn">
                    <span aria-hidden="true">"! "</span>
                    "Reconnect needed"
                </span>
                <p class="reason" data-reason=reason.as_str()>
                    {reason.explanation()}
                </p>
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
                    alt=format!("{} icon", card.name)
                    width="44"
                    height="44"
                    loading="lazy"
                />
                <div>
                    <h2 id=heading_id>{card.name}</h2>
                    <ul class="tags" aria-label="Categories">
                        {card
                            .tags
                            .into_iter()
                            .map(|tag| view! { <li class="tag">{tag}</li> })
                            .collect_view()}
                    </ul>
                </div>
            </div>
            <p class="app-card__description">{card.description}</p>
            {status}
        </li>
    }
}

#[component]
fn AccountList(accounts: Vec<ConnectedAccount>) -> impl IntoView {
    view! {
        <ul class="accounts" aria-label="Connected accounts">
            {accounts
                .into_iter()
                .map(|account| {
                    view! {
                        <li>
                            <span class="accounts__id">{account.identifier}</span>
                            " · since "
                            <time datetime=account.connected_at>{account.connected_on}</time>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
