# Portico catalog texts, German.

app-airtable-description = Airtable ist eine Mischung aus Tabelle und Datenbank für gemeinsame Workflows und Apps.
app-airtable-field-access-token-label = Persönliches Zugriffstoken
app-airtable-field-access-token-help = Erstellen Sie ein Token unter airtable.com/create/tokens mit den Berechtigungen, die Ihre Bases benötigen.
app-airtable-field-base-id-label = Base-ID
app-airtable-field-base-id-help = Optional: Beschränkt die Verbindung auf eine einzige Base.

app-asana-description = Asana organisiert Arbeit in Projekten und Aufgaben, damit Teams wissen, wer was bis wann erledigt.

app-github-description = GitHub hostet Code, Issues und Pull Requests für Softwareteams – mit Automatisierung über Actions.

app-google-sheets-description = Mit Google Sheets erstellen und bearbeiten Sie Tabellen online und teilen sie mit Ihrem Team.

app-hubspot-description = HubSpot ist eine CRM-Plattform mit Tools für Marketing, Vertrieb und Service: Kontakte, Deals, E-Mails und Tickets an einem Ort.

app-mailchimp-description = Mailchimp ist eine E-Mail-Marketing-Plattform für Zielgruppen, Kampagnen und Automatisierungen.

app-notion-description = Notion ist ein vernetzter Arbeitsbereich für Dokumente, Wikis und Datenbanken, den Ihr Team an seine Arbeitsweise anpasst.

app-pipedrive-description = Pipedrive ist ein Vertriebs-CRM rund um die Pipeline: Verfolgen Sie Deals, Aktivitäten und Kontakte vom ersten Anruf bis zum Abschluss.

app-postmark-description = Postmark stellt Transaktions-E-Mails schnell zu, mit detailliertem Zustellverlauf.
app-postmark-field-server-token-label = Server-API-Token
app-postmark-field-server-token-help = Zu finden auf dem Tab „API Tokens“ Ihres Servers.

app-salesforce-description = Salesforce ist eine Plattform für Kundenbeziehungen: Accounts, Leads, Opportunities und Kundenvorgänge für Vertriebs- und Serviceteams.

app-sandbox-description = Ein in Portico eingebauter OAuth2-Testanbieter. Tokens verbinden, widerrufen und ablaufen lassen – so sehen Sie jeden Verbindungszustand, ohne diesen Server zu verlassen.

app-sendgrid-description = SendGrid versendet Transaktions- und Marketing-E-Mails in großem Umfang.
app-sendgrid-field-api-key-label = API-Schlüssel
app-sendgrid-field-api-key-help = Erstellen Sie einen unter „Settings → API Keys“ mit der Berechtigung „Mail Send“.

app-slack-description = Slack ist eine Plattform für die Teamkommunikation: alles an einem Ort, sofort durchsuchbar und überall verfügbar. Mit Chat, Dokumentenaustausch und Wissenssuche für moderne Teams.

app-stripe-description = Stripe wickelt Onlinezahlungen, Abonnements und Rechnungen ab.
app-stripe-field-secret-key-label = Geheimer oder eingeschränkter Schlüssel
app-stripe-field-secret-key-help = Am sichersten ist ein eingeschränkter Schlüssel mit nur den nötigen Berechtigungen.

app-twilio-description = Twilio verarbeitet ein- und ausgehende SMS und Anrufe per API, über Ihre eigenen Rufnummern.
app-twilio-field-number-label = Telefonnummer
app-twilio-field-number-help = Die Twilio-Nummer, von der Nachrichten gesendet werden, im internationalen Format.
app-twilio-field-sid-label = Konto-SID
app-twilio-field-sid-help = Zu finden im Dashboard Ihrer Twilio Console.

app-zendesk-description = Zendesk ist Kundenservice-Software: Tickets, Help Center und Live-Chat für Supportteams.
app-zendesk-param-subdomain-label = Zendesk-Subdomain
app-zendesk-param-subdomain-help = Der erste Teil Ihrer Zendesk-Adresse, wie bei yourcompany.zendesk.com.

tag-communication = Kommunikation
tag-crm = CRM
tag-databases = Datenbanken
tag-developer-tools = Entwicklertools
tag-docs = Dokumente
tag-email = E-Mail
tag-marketing = Marketing
tag-payments = Zahlungen
tag-productivity = Produktivität
tag-project-management = Projektmanagement
tag-sales = Vertrieb
tag-sms = SMS
tag-spreadsheets = Tabellenkalkulation
tag-support = Support
