# Portico's connect pages and widget, in German. Every other language has the same keys.

## The list

heading-connect-apps = Ihre Apps verbinden
heading-connect-app = { $app } verbinden
heading-reconnect-app = { $app } erneut verbinden
lede = Wählen Sie die Apps, die { $vendor } in Ihrem Namen nutzen darf. Sie können die Verbindung jederzeit trennen.
signed-in-as = Angemeldet als { $name }
logo-alt = Logo von { $vendor }
secured-by = Gesichert durch Portico
all-apps = Alle Apps
search-label = Apps durchsuchen
search-placeholder = Name, Kategorie oder Zweck
search-category = Kategorie
search-all-categories = Alle Kategorien
search-button = Suchen
count-all = { $total ->
    [one] { $total } App
   *[other] { $total } Apps
}
count-some = { $total ->
    [one] { $shown } von { $total } App
   *[other] { $shown } von { $total } Apps
}
empty-none = Hier sind noch keine Apps verfügbar. Bitten Sie das Team, das Ihnen diesen Link geschickt hat, welche freizuschalten.
empty-no-match = Keine App passt zu Ihrer Suche. Versuchen Sie es mit einem anderen Wort oder einer anderen Kategorie.
categories = Kategorien
connected-accounts = Verbundene Konten
icon-alt = Symbol von { $app }
since = seit
expires-in = { $days ->
    [0] Läuft heute ab – jetzt erneut verbinden
    [one] Läuft in { $days } Tag ab – jetzt erneut verbinden
   *[other] Läuft in { $days } Tagen ab – jetzt erneut verbinden
}

## What a button did

banner-connected = { $app } ist verbunden.
banner-disconnected = { $app } wurde getrennt.
live-connected = { $app } ist verbunden.
live-not-connected = { $app } ist nicht verbunden. Bitte versuchen Sie es erneut.
this-app = Diese App
notice-unknown-app = { $app } wird hier nicht mehr angeboten.
notice-not-configured = { $app } ist noch nicht eingerichtet. Bitten Sie das Team, das Ihnen diesen Link geschickt hat, die Einrichtung abzuschließen.
notice-unavailable = { $app } war für Portico gerade nicht erreichbar. Bitte versuchen Sie es in einer Minute erneut.
notice-needs-details = { $app } benötigt vor der Anmeldung noch eine Angabe. Prüfen Sie Ihre Eingaben und wählen Sie erneut „Verbinden“.

## A card

badge-not-connected = Nicht verbunden
badge-connected = Verbunden
badge-reconnect-needed = Verbindung unterbrochen
badge-turned-off = Deaktiviert
flow-waiting = Bitte schließen Sie die Anmeldung ab…
flow-not-connected = Nicht verbunden – bitte erneut versuchen
flow-not-reconnected = Nicht wieder verbunden – bitte erneut versuchen
reason-credentials_expired = Die von Ihnen eingegebenen Zugangsdaten sind abgelaufen. Geben Sie neue ein, damit diese App weiter funktioniert.
reason-token_revoked = Der Zugriff auf Ihr Konto wurde widerrufen. Verbinden Sie die App erneut, um den Zugriff wieder zu erlauben.
reason-refresh_token_expired = Ihre Anmeldung ist abgelaufen. Melden Sie sich erneut an, damit diese App weiter funktioniert.
reason-app_uninstalled = Die App wurde aus Ihrem Konto deinstalliert. Installieren Sie sie neu, damit sie weiter funktioniert.
reason-app_deleted = Diese App wurde deaktiviert oder entfernt und inzwischen neu eingerichtet. Verbinden Sie sie erneut, um sie zu nutzen.
reason-turned-off = Das Team, das Sie hierher geschickt hat, hat diese App deaktiviert. Sie können sie erneut verbinden, sobald sie wieder aktiviert ist.
action-connect = Verbinden
action-connect-another = Weiteres Konto verbinden
action-reconnect = Erneut verbinden
action-renew-credentials = Zugang erneuern
action-sign-in-again = Erneut anmelden
action-reinstall = Neu installieren
action-update-keys = Schlüssel ändern
action-disconnect = Trennen
action-on-app = { $action }: { $app }
action-disconnect-app = { $app } trennen

## A key form

optional = optional
save-and-connect = Speichern und verbinden
cancel = Abbrechen
keys-unreachable = Portico konnte { $app } nicht erreichen, um diese Zugangsdaten zu prüfen. Es wurde nichts gespeichert. Bitte versuchen Sie es erneut.
field-unknown = „{ $field }“ ist kein Feld von { $app }.
field-rejected = { $app } hat diese Zugangsdaten abgelehnt. Prüfen Sie sie und versuchen Sie es erneut.
field-control-characters = { $label } darf keine Steuerzeichen wie Tabulatoren oder Zeilenumbrüche enthalten.
field-required = Bitte geben Sie „{ $label }“ ein.
field-too-long = { $label } darf höchstens { $most } Zeichen lang sein (aktuell { $length }).
field-email = { $label } muss eine E-Mail-Adresse sein, etwa name@example.com.
field-url = { $label } muss eine Webadresse sein, die mit https:// beginnt.
field-tel = { $label } darf nur Ziffern, Leerzeichen und + - ( ) enthalten.
field-number = { $label } muss eine Zahl sein.
field-format = { $label } hat nicht das erwartete Format.
field-format-like = { $label } hat nicht das erwartete Format (etwa { $example }).
field-subdomain = { $label }: Verwenden Sie nur Buchstaben, Ziffern und Bindestriche, höchstens 63 Zeichen.

## Pages that say why not

home-heading = Portico-Verbindungsportal
home-body = Dieser Server verbindet Ihre Apps mit den Diensten, die Sie nutzen. Um eine App zu verbinden, öffnen Sie den Link, den Ihnen das Produkt geschickt hat, das Sie darum gebeten hat.
not-found-heading = Seite nicht gefunden
not-found-body = Unter dieser Adresse gibt es nichts. Prüfen Sie den Link, den Sie erhalten haben.
link-expired-heading = Dieser Link ist abgelaufen
link-expired-body = Verbindungslinks sind zum Schutz Ihrer Konten nur begrenzt gültig. Bitten Sie die App, die Sie hierher geschickt hat, um einen neuen Link.
link-invalid-heading = Dieser Link ist ungültig
link-invalid-body = Der Link ist möglicherweise unvollständig oder falsch eingegeben. Bitten Sie die App, die Sie hierher geschickt hat, um einen neuen Link.
no-session-heading = Öffnen Sie Ihren Verbindungslink erneut
no-session-body = Diese Seite lässt sich nur über den Verbindungslink öffnen, den Sie erhalten haben, und nur in dem Browser, in dem Sie ihn geöffnet haben. Öffnen Sie den Link erneut oder bitten Sie die App, die Sie hierher geschickt hat, um einen neuen.
out-of-date-heading = Diese Seite ist veraltet
out-of-date-body = Sie wurde für einen anderen Link geöffnet, daher wurde nichts geändert. Bitte laden Sie sie neu.
unavailable-heading = Bei uns ist etwas schiefgelaufen
unavailable-body = Portico konnte Ihre Apps gerade nicht laden. Bitte versuchen Sie es in einer Minute erneut.
