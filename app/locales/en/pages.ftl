# Portico's own small pages (sign-in outcomes, start and choice pages, refusals).

## The sign-in's start page (/oauth/start).

signin-start-heading = Connect { $app } to { $org }
signin-start-body = For { $account }. { $app } will ask you to sign in and to allow { $org } access.
signin-start-continue = Continue to { $app }
signin-start-note = If you did not ask to connect { $app }, close this window: nothing will be connected.
signin-start-from-app-again = Go back to the app you came from and choose Connect again.
signin-already-started-heading = This sign-in was already started
signin-already-started-body = Each sign-in can be continued once, in one browser.
signin-try-again-body = Please try again in a minute.

## The sign-in's outcomes (/oauth/callback).

signin-connected-heading = Connected
signin-connected-body = { $app } is connected. You can close this tab.
signin-back-to-apps = Back to your apps
signin-start-again = Go back to the app list and choose Connect again.
signin-app-gone-heading = This app is no longer offered
signin-app-gone-body = The team that sent you here has removed it.
signin-not-configured-heading = { $app } is not set up yet
signin-not-configured-body = The team that sent you here has to finish setting it up.
signin-cancelled-heading = You cancelled the connection
signin-cancelled-body = Nothing was connected and { $app } received no access. You can connect it any time.
signin-refused-heading = { $app } did not allow the connection
signin-refused-body = It answered: { $reason }
signin-exchange-heading = { $app } did not accept the sign-in
signin-exchange-body = Portico could not finish connecting. This is usually temporary.
signin-other-browser-heading = This sign-in was started in another browser
signin-other-browser-body = For your safety, a sign-in can only be finished in the browser that started it. Nothing was connected.
signin-other-browser-again = Open your connect link in this browser and choose Connect again.
signin-replayed-heading = This sign-in was already used
signin-replayed-body = Each sign-in works once. If you reloaded this page, your app may already be connected.
signin-expired-heading = This sign-in has expired
signin-expired-body = Sign-ins must be finished within 10 minutes.
signin-wrong-issuer-heading = This answer came from a different app
signin-wrong-issuer-body = The sign-in was answered by a provider other than the app you chose, so Portico ignored it.
signin-missing-code-heading = The app sent no authorization
signin-missing-code-body = The provider returned without an authorization code.
signin-invalid-heading = This sign-in is not valid
signin-invalid-body = Portico did not start this sign-in, or its address was changed on the way.
signin-unavailable-heading = Something went wrong on our side
signin-unavailable-body = Portico could not finish connecting. Please try again in a minute.

## A reconnect that signed in as another account, and its choice.

signin-other-account-heading = Another account signed in
signin-other-account-body = You signed in as { $signed_in }; this connection is for { $expected }. Sign in as { $expected }, or keep { $signed_in } as another connection.
signin-other-account-sign-in = Sign in as { $expected }
signin-other-account-keep = Keep { $signed_in } as another connection
signin-other-account-note = { $expected } still needs to be reconnected. Unless you keep { $signed_in }, its access to { $app } is given back in 10 minutes.
signin-choose-invalid-heading = Choose one of the two buttons
signin-choose-invalid-body = Keep the other account, or sign in again.
signin-choice-expired-heading = This choice has expired
signin-choice-expired-body = Choices are kept for 10 minutes and can be made once. Nothing was connected.
signin-choice-expired-again = Go back to the app list and choose Reconnect again.

## A hosted connect link (/connect/…).

link-reload = Reload
link-switch-heading = Open this connect link?
link-switch-current = You are in the middle of connecting apps for { $whom }.
link-switch-warning = Another site sent you to a different connect link. If you open it, the page you have open for { $whom } stops working in this browser.
link-switch-open = Open this link
link-switch-back = Back to { $whom }

## The widget's sign-in window when a sign-in could not start.

widget-nothing-heading = Nothing to sign in to here
widget-start-again = Go back to the app list and choose Connect again.
widget-close-window = You can close this window.
widget-cannot-connect-heading = This app cannot be connected now

## Refusals before any page.

limit-heading = Too many requests
limit-body = This address has made more requests than Portico allows in a minute. Wait { $seconds } seconds, then try again.
cross-site-heading = This request came from another site
cross-site-body = Portico only accepts this form from its own pages, so nothing was changed.
cross-site-again = If you meant to do this, open your connect link again and use the page there.
page-too-large-heading = That is more than this form takes
page-too-large-key-form = A key form accepts up to 16 KB. Nothing was saved.
page-too-large-body = Portico accepts up to 64 KB here. Nothing was changed.
page-too-large-again = Go back, check what you pasted, and try again.
