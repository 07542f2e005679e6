# Porticos eigene kleine Seiten (Ergebnisse der Anmeldung, Start- und Auswahlseiten, Ablehnungen), auf Deutsch.

## Die Startseite der Anmeldung (/oauth/start).

signin-start-heading = { $app } mit { $org } verbinden
signin-start-body = Für { $account }. { $app } wird Sie bitten, sich anzumelden und { $org } den Zugriff zu erlauben.
signin-start-continue = Weiter zu { $app }
signin-start-note = Wenn Sie nicht darum gebeten haben, { $app } zu verbinden, schließen Sie dieses Fenster: Es wird nichts verbunden.
signin-start-from-app-again = Kehren Sie zur App zurück, von der Sie kamen, und wählen Sie erneut „Verbinden“.
signin-already-started-heading = Diese Anmeldung wurde bereits gestartet
signin-already-started-body = Jede Anmeldung kann nur einmal fortgesetzt werden, und zwar in einem einzigen Browser.
signin-try-again-body = Bitte versuchen Sie es in einer Minute erneut.

## Die Ergebnisse der Anmeldung (/oauth/callback).

signin-connected-heading = Verbunden
signin-connected-body = { $app } ist verbunden. Sie können diesen Tab schließen.
signin-back-to-apps = Zurück zu Ihren Apps
signin-start-again = Kehren Sie zur App-Liste zurück und wählen Sie erneut „Verbinden“.
signin-app-gone-heading = Diese App wird nicht mehr angeboten
signin-app-gone-body = Das Team, das Sie hierher geschickt hat, hat sie entfernt.
signin-not-configured-heading = { $app } ist noch nicht eingerichtet
signin-not-configured-body = Das Team, das Sie hierher geschickt hat, muss die Einrichtung noch abschließen.
signin-cancelled-heading = Sie haben die Verbindung abgebrochen
signin-cancelled-body = Es wurde nichts verbunden und { $app } hat keinen Zugriff erhalten. Sie können die App jederzeit verbinden.
signin-refused-heading = { $app } hat die Verbindung nicht erlaubt
signin-refused-body = Die Antwort lautete: { $reason }
signin-exchange-heading = { $app } hat die Anmeldung nicht akzeptiert
signin-exchange-body = Portico konnte die Verbindung nicht abschließen. Das ist meist nur vorübergehend.
signin-other-browser-heading = Diese Anmeldung wurde in einem anderen Browser gestartet
signin-other-browser-body = Zu Ihrer Sicherheit kann eine Anmeldung nur in dem Browser abgeschlossen werden, in dem sie gestartet wurde. Es wurde nichts verbunden.
signin-other-browser-again = Öffnen Sie Ihren Verbindungslink in diesem Browser und wählen Sie erneut „Verbinden“.
signin-replayed-heading = Diese Anmeldung wurde bereits verwendet
signin-replayed-body = Jede Anmeldung funktioniert nur einmal. Wenn Sie diese Seite neu geladen haben, ist Ihre App möglicherweise schon verbunden.
signin-expired-heading = Diese Anmeldung ist abgelaufen
signin-expired-body = Anmeldungen müssen innerhalb von 10 Minuten abgeschlossen werden.
signin-wrong-issuer-heading = Diese Antwort kam von einer anderen App
signin-wrong-issuer-body = Die Anmeldung wurde von einem anderen Anbieter beantwortet als von der App, die Sie gewählt haben. Daher hat Portico sie ignoriert.
signin-missing-code-heading = Die App hat keine Autorisierung gesendet
signin-missing-code-body = Der Anbieter hat keinen Autorisierungscode zurückgegeben.
signin-invalid-heading = Diese Anmeldung ist ungültig
signin-invalid-body = Portico hat diese Anmeldung nicht gestartet, oder ihre Adresse wurde unterwegs verändert.
signin-unavailable-heading = Bei uns ist etwas schiefgelaufen
signin-unavailable-body = Portico konnte die Verbindung nicht abschließen. Bitte versuchen Sie es in einer Minute erneut.

## Eine erneute Verbindung, bei der ein anderes Konto angemeldet wurde, und die Auswahl dazu.

signin-other-account-heading = Mit einem anderen Konto angemeldet
signin-other-account-body = Sie haben sich als { $signed_in } angemeldet, diese Verbindung gehört aber zu { $expected }. Melden Sie sich als { $expected } an oder behalten Sie { $signed_in } als weitere Verbindung.
signin-other-account-sign-in = Als { $expected } anmelden
signin-other-account-keep = { $signed_in } als weitere Verbindung behalten
signin-other-account-note = { $expected } muss weiterhin erneut verbunden werden. Wenn Sie { $signed_in } nicht behalten, wird dessen Zugriff auf { $app } in 10 Minuten wieder aufgehoben.
signin-choose-invalid-heading = Wählen Sie eine der beiden Schaltflächen
signin-choose-invalid-body = Behalten Sie das andere Konto oder melden Sie sich erneut an.
signin-choice-expired-heading = Diese Auswahl ist abgelaufen
signin-choice-expired-body = Eine Auswahl gilt 10 Minuten und kann nur einmal getroffen werden. Es wurde nichts verbunden.
signin-choice-expired-again = Kehren Sie zur App-Liste zurück und wählen Sie noch einmal „Erneut verbinden“.

## Ein gehosteter Verbindungslink (/connect/…).

link-reload = Neu laden
link-switch-heading = Diesen Verbindungslink öffnen?
link-switch-current = Sie verbinden gerade Apps für { $whom }.
link-switch-warning = Eine andere Website hat Sie zu einem anderen Verbindungslink geschickt. Wenn Sie ihn öffnen, funktioniert die Seite, die Sie für { $whom } geöffnet haben, in diesem Browser nicht mehr.
link-switch-open = Diesen Link öffnen
link-switch-back = Zurück zu { $whom }

## Das Anmeldefenster des Widgets, wenn eine Anmeldung nicht starten konnte.

widget-nothing-heading = Hier gibt es nichts zum Anmelden
widget-start-again = Kehren Sie zur App-Liste zurück und wählen Sie erneut „Verbinden“.
widget-close-window = Sie können dieses Fenster schließen.
widget-cannot-connect-heading = Diese App kann gerade nicht verbunden werden

## Ablehnungen, bevor eine Seite angezeigt wird.

limit-heading = Zu viele Anfragen
limit-body = Von dieser Adresse kamen mehr Anfragen, als Portico pro Minute erlaubt. Warten Sie { $seconds } Sekunden und versuchen Sie es dann erneut.
cross-site-heading = Diese Anfrage kam von einer anderen Website
cross-site-body = Portico nimmt dieses Formular nur von seinen eigenen Seiten an, daher wurde nichts geändert.
cross-site-again = Wenn Sie das tun wollten, öffnen Sie Ihren Verbindungslink erneut und verwenden Sie die Seite dort.
page-too-large-heading = Das ist mehr, als dieses Formular annimmt
page-too-large-key-form = Ein Schlüsselformular nimmt bis zu 16 KB an. Es wurde nichts gespeichert.
page-too-large-body = Portico nimmt hier bis zu 64 KB an. Es wurde nichts geändert.
page-too-large-again = Gehen Sie zurück, prüfen Sie, was Sie eingefügt haben, und versuchen Sie es erneut.
