# Pages de connexion et widget de Portico, en français. Toutes les langues ont les mêmes clés.

## La liste

heading-connect-apps = Connectez vos applications
heading-connect-app = Connecter { $app }
heading-reconnect-app = Reconnecter { $app }
lede = Choisissez les applications que { $vendor } peut utiliser en votre nom. Vous pouvez les déconnecter à tout moment.
signed-in-as = Connecté en tant que { $name }
logo-alt = Logo { $vendor }
secured-by = Sécurisé par Portico
all-apps = Toutes les applications
search-label = Rechercher des applications
search-placeholder = Nom, catégorie ou usage
search-category = Catégorie
search-all-categories = Toutes les catégories
search-button = Rechercher
count-all = { $total ->
    [one] { $total } application
   *[other] { $total } applications
}
count-some = { $total ->
    [one] { $shown } sur { $total } application
   *[other] { $shown } sur { $total } applications
}
empty-none = Aucune application n'est encore disponible ici. Demandez à l'équipe qui vous a envoyé ce lien d'en activer.
empty-no-match = Aucune application ne correspond à votre recherche. Essayez un autre mot ou une autre catégorie.
categories = Catégories
connected-accounts = Comptes connectés
icon-alt = Icône { $app }
since = depuis
expires-in = { $days ->
    [0] Expire aujourd'hui — reconnectez-vous dès maintenant
    [one] Expire dans { $days } jour — reconnectez-vous dès maintenant
   *[other] Expire dans { $days } jours — reconnectez-vous dès maintenant
}

## Ce qu'a fait un bouton

banner-connected = Connexion à { $app } réussie.
banner-disconnected = Vous avez déconnecté { $app }.
live-connected = Connexion à { $app } réussie.
live-not-connected = La connexion à { $app } n'a pas abouti. Réessayez.
this-app = Cette application
notice-unknown-app = { $app } n'est plus disponible ici.
notice-not-configured = { $app } n'est pas encore disponible. Demandez à l'équipe qui vous a envoyé ce lien de terminer sa configuration.
notice-unavailable = Portico n'a pas pu joindre { $app } pour le moment. Réessayez dans une minute.
notice-needs-details = { $app } a besoin d'une information avant que vous vous connectiez. Vérifiez ce que vous avez saisi, puis choisissez à nouveau Connecter.

## Une carte

badge-not-connected = Non connecté
badge-connected = Connecté
badge-reconnect-needed = À reconnecter
badge-turned-off = Désactivé
flow-waiting = En attente de la fin de votre connexion…
flow-not-connected = Non connecté — réessayez
flow-not-reconnected = Non reconnecté — réessayez
reason-credentials_expired = Les identifiants que vous avez saisis ont expiré. Saisissez-en de nouveaux pour que cette application continue de fonctionner.
reason-token_revoked = L'accès à votre compte a été révoqué. Reconnectez-vous pour l'autoriser à nouveau.
reason-refresh_token_expired = Votre connexion a expiré. Connectez-vous à nouveau pour que cette application continue de fonctionner.
reason-app_uninstalled = L'application a été désinstallée de votre compte. Réinstallez-la pour qu'elle continue de fonctionner.
reason-app_deleted = Cette application a été désactivée ou supprimée, puis configurée à nouveau depuis. Reconnectez-la pour l'utiliser.
reason-turned-off = L'équipe qui vous a envoyé ici a désactivé cette application. Vous pourrez la reconnecter dès qu'elle sera réactivée.
action-connect = Connecter
action-connect-another = Connecter un autre compte
action-reconnect = Reconnecter
action-renew-credentials = Renouveler l'accès
action-sign-in-again = Se reconnecter
action-reinstall = Réinstaller
action-update-keys = Modifier les clés
action-disconnect = Déconnecter
action-on-app = { $action } : { $app }
action-disconnect-app = Déconnecter { $app }

## Un formulaire de clés

optional = facultatif
save-and-connect = Enregistrer et connecter
cancel = Annuler
keys-unreachable = Portico n'a pas pu joindre { $app } pour vérifier ces identifiants. Rien n'a été enregistré ; veuillez réessayer.
field-unknown = « { $field } » n'est pas un champ reconnu par { $app }.
field-rejected = { $app } a refusé ces identifiants. Vérifiez-les et réessayez.
field-control-characters = Le champ « { $label } » ne doit pas contenir de caractères de contrôle, comme des tabulations ou des retours à la ligne.
field-required = Renseignez le champ « { $label } ».
field-too-long = Le champ « { $label } » ne doit pas dépasser { $most } caractères (il en compte { $length }).
field-email = Le champ « { $label } » doit contenir une adresse e-mail, par exemple nom@example.com.
field-url = Le champ « { $label } » doit contenir une adresse web commençant par https://.
field-tel = Le champ « { $label } » ne doit contenir que des chiffres, des espaces et les caractères + - ( ).
field-number = Le champ « { $label } » doit contenir un nombre.
field-format = Le champ « { $label } » n'est pas au format attendu.
field-format-like = Le champ « { $label } » n'est pas au format attendu, qui ressemble à { $example }.
field-subdomain = Le champ « { $label } » ne peut contenir que des lettres, des chiffres et des tirets, 63 caractères maximum.

## Pages qui expliquent pourquoi

home-heading = Portail de connexion Portico
home-body = Ce serveur connecte vos applications aux services que vous utilisez. Pour connecter une application, ouvrez le lien que vous a envoyé le produit qui vous l'a demandé.
not-found-heading = Page introuvable
not-found-body = Il n'y a rien à cette adresse. Vérifiez le lien que vous avez reçu.
link-expired-heading = Ce lien a expiré
link-expired-body = Pour protéger vos comptes, les liens de connexion ne fonctionnent que pendant une durée limitée. Demandez un nouveau lien à l'application qui vous a envoyé ici.
link-invalid-heading = Ce lien n'est pas valide
link-invalid-body = Le lien est peut-être incomplet ou mal saisi. Demandez un nouveau lien à l'application qui vous a envoyé ici.
no-session-heading = Rouvrez votre lien de connexion
no-session-body = Cette page ne s'ouvre qu'à partir du lien de connexion que vous avez reçu, dans le navigateur où vous l'avez ouvert. Rouvrez ce lien ou demandez-en un nouveau à l'application qui vous a envoyé ici.
out-of-date-heading = Cette page n'est plus à jour
out-of-date-body = Elle a été ouverte pour un autre lien, donc rien n'a été modifié. Rechargez-la.
unavailable-heading = Un problème est survenu de notre côté
unavailable-body = Portico n'a pas pu charger vos applications pour le moment. Réessayez dans une minute.
