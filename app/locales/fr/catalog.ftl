# Portico catalog texts, French.

app-airtable-description = Airtable, à mi-chemin entre tableur et base de données, sert à créer des workflows et des apps partagés.
app-airtable-field-access-token-label = Jeton d'accès personnel
app-airtable-field-access-token-help = Créez-en un sur airtable.com/create/tokens avec les autorisations dont vos bases ont besoin.
app-airtable-field-base-id-label = ID de la base
app-airtable-field-base-id-help = Facultatif : limite la connexion à une seule base.

app-asana-description = Asana organise le travail en projets et en tâches pour que les équipes sachent qui fait quoi, et pour quand.

app-github-description = GitHub héberge le code, les issues et les pull requests des équipes de développement, avec l'automatisation via Actions.

app-google-sheets-description = Google Sheets vous permet de créer et modifier des feuilles de calcul en ligne et de les partager avec votre équipe.

app-hubspot-description = HubSpot est une plateforme CRM avec des outils de marketing, de vente et de service client : contacts, transactions, e-mails et tickets au même endroit.

app-mailchimp-description = Mailchimp est une plateforme d'e-mail marketing pour gérer audiences, campagnes et automatisations.

app-notion-description = Notion est un espace de travail connecté pour documents, wikis et bases de données, que votre équipe adapte à sa façon de travailler.

app-pipedrive-description = Pipedrive est un CRM de vente centré sur le pipeline : suivez affaires, activités et contacts du premier appel à la signature.

app-postmark-description = Postmark délivre rapidement vos e-mails transactionnels, avec un historique de distribution détaillé.
app-postmark-field-server-token-label = Jeton d'API du serveur
app-postmark-field-server-token-help = Disponible dans l'onglet « API Tokens » de votre serveur.

app-salesforce-description = Salesforce est une plateforme de relation client : comptes, pistes, opportunités et requêtes pour les équipes commerciales et de service.

app-sandbox-description = Un fournisseur OAuth2 d'entraînement intégré à Portico. Connectez, révoquez et faites expirer des jetons pour voir chaque état d'une connexion sans quitter ce serveur.

app-sendgrid-description = SendGrid envoie des e-mails transactionnels et marketing à grande échelle.
app-sendgrid-field-api-key-label = Clé API
app-sendgrid-field-api-key-help = Créez-en une dans « Settings → API Keys » avec l'autorisation « Mail Send ».

app-slack-description = Slack est une plateforme de communication d'équipe : tout au même endroit, consultable instantanément et accessible partout. Messagerie instantanée, partage de documents et recherche de connaissances pour les équipes modernes.

app-stripe-description = Stripe traite les paiements en ligne, les abonnements et les factures.
app-stripe-field-secret-key-label = Clé secrète ou restreinte
app-stripe-field-secret-key-help = Le plus sûr est une clé restreinte limitée aux autorisations nécessaires.

app-twilio-description = Twilio envoie et reçoit des SMS et des appels via une API, depuis vos propres numéros.
app-twilio-field-number-label = Numéro de téléphone
app-twilio-field-number-help = Le numéro Twilio depuis lequel les messages sont envoyés, au format international.
app-twilio-field-sid-label = SID du compte
app-twilio-field-sid-help = Disponible sur le tableau de bord de votre console Twilio.

app-zendesk-description = Zendesk est un logiciel de service client : tickets, centre d'aide et chat en direct pour les équipes de support.
app-zendesk-param-subdomain-label = Sous-domaine Zendesk
app-zendesk-param-subdomain-help = La première partie de votre adresse Zendesk, comme dans yourcompany.zendesk.com.

tag-communication = Communication
tag-crm = CRM
tag-databases = Bases de données
tag-developer-tools = Outils de développement
tag-docs = Documents
tag-email = E-mail
tag-marketing = Marketing
tag-payments = Paiements
tag-productivity = Productivité
tag-project-management = Gestion de projet
tag-sales = Ventes
tag-sms = SMS
tag-spreadsheets = Tableurs
tag-support = Support
