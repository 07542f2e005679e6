# Portico's connect pages and widget, in English. Every other language has the same keys.

## The list

heading-connect-apps = Connect your apps
heading-connect-app = Connect { $app }
heading-reconnect-app = Reconnect { $app }
lede = Choose the apps { $vendor } may use on your behalf. You can disconnect at any time.
signed-in-as = Signed in as { $name }
logo-alt = { $vendor } logo
secured-by = Secured by Portico
all-apps = All apps
search-label = Search apps
search-placeholder = Name, category or purpose
search-category = Category
search-all-categories = All categories
search-button = Search
count-all = { $total ->
    [one] { $total } app
   *[other] { $total } apps
}
count-some = { $total ->
    [one] { $shown } of { $total } app
   *[other] { $shown } of { $total } apps
}
empty-none = No apps are available here yet. Ask the team that sent you this link to enable some.
empty-no-match = No apps match your search. Try another word or category.
categories = Categories
connected-accounts = Connected accounts
icon-alt = { $app } icon
since = since
expires-in = { $days ->
    [0] Expires today — reconnect now
    [one] Expires in { $days } day — reconnect now
   *[other] Expires in { $days } days — reconnect now
}

## What a button did

banner-connected = { $app } is connected.
banner-disconnected = { $app } was disconnected.
live-connected = { $app } is connected.
live-not-connected = { $app } is not connected. Try again.
this-app = This app
notice-unknown-app = { $app } is not offered here any more.
notice-not-configured = { $app } is not set up yet. Ask the team that sent you this link to finish setting it up.
notice-unavailable = Portico could not reach { $app } just now. Please try again in a minute.
notice-needs-details = { $app } needs a detail before you sign in. Check what you entered and choose Connect again.

## A card

badge-not-connected = Not connected
badge-connected = Connected
badge-reconnect-needed = Reconnect needed
badge-turned-off = Turned off
flow-waiting = Waiting for you to finish signing in…
flow-not-connected = Not connected — try again
flow-not-reconnected = Not reconnected — try again
reason-credentials_expired = The credentials you entered have expired. Enter new ones to keep this app working.
reason-token_revoked = Access to your account was revoked. Reconnect to grant access again.
reason-refresh_token_expired = Your sign-in has expired. Sign in again to keep this app working.
reason-app_uninstalled = The app was uninstalled from your account. Reinstall it to keep it working.
reason-app_deleted = This app was turned off or removed, and has been set up again since. Reconnect to use it.
reason-turned-off = The team that sent you here turned this app off. You can reconnect once they turn it on again.
action-connect = Connect
action-connect-another = Connect another account
action-reconnect = Reconnect
action-renew-credentials = Renew access
action-sign-in-again = Sign in again
action-reinstall = Reinstall
action-update-keys = Update keys
action-disconnect = Disconnect
action-on-app = { $action }: { $app }
action-disconnect-app = Disconnect { $app }

## A key form

optional = optional
save-and-connect = Save and connect
cancel = Cancel
keys-unreachable = Portico could not reach { $app } to check these credentials. Nothing was saved; please try again.
field-unknown = “{ $field }” is not a field of { $app }.
field-rejected = { $app } rejected these credentials. Check them and try again.
field-control-characters = { $label } must not contain control characters such as tabs or line breaks.
field-required = Enter your { $label }.
field-too-long = { $label } must be at most { $most } characters (this is { $length }).
field-email = { $label } must be an email address such as name@example.com.
field-url = { $label } must be a web address starting with https://.
field-tel = { $label } must contain only digits, spaces and + - ( ).
field-number = { $label } must be a number.
field-format = { $label } is not in the expected format.
field-format-like = { $label } is not in the expected format, which looks like { $example }.
field-subdomain = { $label }: use only letters, digits and dashes, up to 63 characters.

## Pages that say why not

home-heading = Portico connect portal
home-body = This server connects your apps to the services you use. To connect an app, open the link you were sent by the product that asked you to.
not-found-heading = Page not found
not-found-body = There is nothing at this address. Check the link you were sent.
link-expired-heading = This link has expired
link-expired-body = Connect links work for a limited time to keep your accounts safe. Ask the app that sent you here for a new link.
link-invalid-heading = This link is not valid
link-invalid-body = The link may be incomplete or mistyped. Ask the app that sent you here for a new link.
no-session-heading = Open your connect link again
no-session-body = This page only opens from the connect link you were sent, in the browser you opened it in. Open that link again, or ask the app that sent you here for a new one.
out-of-date-heading = This page is out of date
out-of-date-body = It was opened for another link, so nothing was changed. Reload it.
unavailable-heading = Something went wrong on our side
unavailable-body = Portico could not load your apps just now. Please try again in a minute.
