//! The sandbox provider's pages: its consent page and its control page.

use leptos::prelude::*;

use crate::config::SandboxSettings;

/// "Allow access to your sandbox account?", with the authorization request carried along.
// The props struct the macro makes is as public as the component.
#[allow(unreachable_pub)]
#[component]
pub(super) fn Consent(
    client: String,
    scope: String,
    hidden: Vec<(&'static str, String)>,
) -> impl IntoView {
    view! {
        <main class="status sandbox" id="main">
            <img class="status__mark" src="/icons/sandbox.svg" alt="" width="48" height="48" />
            <p class="sandbox__tag">"Portico Sandbox · practice provider"</p>
            <h1>"Allow access to your sandbox account?"</h1>
            <p>"The app " <strong>{client}</strong> " asks for: " <strong>{scope}</strong> "."</p>
            <form method="post" action="/sandbox/oauth/authorize" class="sandbox__form">
                {hidden
                    .into_iter()
                    .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                    .collect_view()}
                <label for="account">"Account name"</label>
                <input
                    id="account"
                    name="account"
                    type="text"
                    maxlength="200"
                    value="Sandbox user"
                    autocomplete="off"
                    required
                />
                <p class="sandbox__help">"Use another name to connect a second account."</p>
                <div class="sandbox__actions">
                    <button class="button" type="submit" name="decision" value="approve">
                        "Approve"
                    </button>
                    <button class="button button--quiet" type="submit" name="decision" value="deny">
                        "Deny"
                    </button>
                </div>
            </form>
        </main>
    }
}

/// One grant as the control page lists it.
pub(super) struct Grant {
    pub id: String,
    pub account: String,
    pub client: String,
    pub created: String,
    pub status: &'static str,
    pub revoked: bool,
}

/// The grants the sandbox issued, each with the buttons that revoke or expire it.
// The props struct the macro makes is as public as the component.
#[allow(unreachable_pub)]
#[component]
pub(super) fn Control(grants: Vec<Grant>, settings: SandboxSettings) -> impl IntoView {
    let lede = format!(
        "A practice OAuth2 provider. Revoke or expire what it issued to watch a connection ask to be reconnected. Access tokens last {} s, refresh tokens {} s.",
        settings.access_ttl, settings.refresh_ttl
    );
    let table = if grants.is_empty() {
        view! { <p class="empty">"Nothing has connected to the sandbox yet."</p> }.into_any()
    } else {
        view! {
            <table class="sandbox__grants">
                <thead>
                    <tr>
                        <th scope="col">"Account"</th>
                        <th scope="col">"Client"</th>
                        <th scope="col">"Connected"</th>
                        <th scope="col">"Tokens"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Controls"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {grants.into_iter().map(|grant| view! { <GrantRow grant /> }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <main class="connect sandbox-admin" id="main">
            <h1>"Portico Sandbox"</h1>
            <p class="lede">{lede}</p>
            {table}
        </main>
    }
}

#[component]
fn GrantRow(grant: Grant) -> impl IntoView {
    let buttons = (!grant.revoked).then(|| {
        [
            ("revoke", "Revoke"),
            ("expire", "Expire access token"),
            ("expire-refresh", "Expire refresh token"),
        ]
        .into_iter()
        .map(|(action, label)| {
            view! {
                <form method="post" action=format!("/sandbox/grants/{}/{action}", grant.id)>
                    <button class="button button--quiet" type="submit">
                        {label}
                    </button>
                </form>
            }
        })
        .collect_view()
    });
    view! {
        <tr data-grant=grant.id.clone()>
            <td>{grant.account}</td>
            <td>{grant.client}</td>
            <td>{grant.created}</td>
            <td data-status>{grant.status}</td>
            <td class="sandbox__controls">{buttons}</td>
        </tr>
    }
}
