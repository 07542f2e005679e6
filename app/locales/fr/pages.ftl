# Petites pages propres à Portico (issues de connexion, pages de démarrage et de choix, refus).

## La page de démarrage de la connexion (/oauth/start).

signin-start-heading = Connecter { $app } à { $org }
signin-start-body = Pour { $account }. { $app } va vous demander de vous connecter et d'accorder l'accès à { $org }.
signin-start-continue = Continuer vers { $app }
signin-start-note = Si vous n'avez pas demandé à connecter { $app }, fermez cette fenêtre : rien ne sera connecté.
signin-start-from-app-again = Revenez à l'application d'où vous venez et choisissez à nouveau Connecter.
signin-already-started-heading = Cette connexion a déjà été lancée
signin-already-started-body = Chaque connexion ne peut être poursuivie qu'une seule fois, dans un seul navigateur.
signin-try-again-body = Veuillez réessayer dans une minute.

## Les issues de la connexion (/oauth/callback).

signin-connected-heading = Connexion réussie
signin-connected-body = La connexion à { $app } est établie. Vous pouvez fermer cet onglet.
signin-back-to-apps = Retour à vos applications
signin-start-again = Revenez à la liste des applications et choisissez à nouveau Connecter.
signin-app-gone-heading = Cette application n'est plus proposée
signin-app-gone-body = L'équipe qui vous a envoyé ici l'a retirée.
signin-not-configured-heading = La configuration de { $app } n'est pas terminée
signin-not-configured-body = L'équipe qui vous a envoyé ici doit encore terminer sa configuration.
signin-cancelled-heading = Vous avez annulé la connexion
signin-cancelled-body = Rien n'a été connecté et { $app } n'a reçu aucun accès. Vous pouvez connecter cette application à tout moment.
signin-refused-heading = { $app } n'a pas autorisé la connexion
signin-refused-body = Sa réponse : { $reason }
signin-exchange-heading = { $app } n'a pas accepté la connexion
signin-exchange-body = Portico n'a pas pu terminer la connexion. Le problème est généralement temporaire.
signin-other-browser-heading = Cette connexion a été lancée dans un autre navigateur
signin-other-browser-body = Pour votre sécurité, une connexion ne peut être terminée que dans le navigateur qui l'a lancée. Rien n'a été connecté.
signin-other-browser-again = Ouvrez votre lien de connexion dans ce navigateur et choisissez à nouveau Connecter.
signin-replayed-heading = Cette connexion a déjà été utilisée
signin-replayed-body = Chaque connexion ne fonctionne qu'une seule fois. Si vous avez rechargé cette page, votre application est peut-être déjà connectée.
signin-expired-heading = Cette connexion a expiré
signin-expired-body = Une connexion doit être terminée en moins de 10 minutes.
signin-wrong-issuer-heading = Cette réponse vient d'une autre application
signin-wrong-issuer-body = La réponse à cette connexion vient d'un autre fournisseur que l'application que vous avez choisie : Portico l'a donc ignorée.
signin-missing-code-heading = L'application n'a envoyé aucune autorisation
signin-missing-code-body = Le fournisseur a répondu sans code d'autorisation.
signin-invalid-heading = Cette connexion n'est pas valide
signin-invalid-body = Portico n'a pas lancé cette connexion, ou son adresse a été modifiée en cours de route.
signin-unavailable-heading = Un problème est survenu de notre côté
signin-unavailable-body = Portico n'a pas pu terminer la connexion. Réessayez dans une minute.

## Une reconnexion avec un autre compte, et le choix qui suit.

signin-other-account-heading = Un autre compte s'est connecté
signin-other-account-body = Vous vous êtes connecté en tant que { $signed_in } ; cette connexion concerne { $expected }. Connectez-vous en tant que { $expected }, ou gardez { $signed_in } comme connexion supplémentaire.
signin-other-account-sign-in = Se connecter en tant que { $expected }
signin-other-account-keep = Garder { $signed_in } comme autre connexion
signin-other-account-note = Le compte { $expected } doit encore être reconnecté. Si vous ne gardez pas { $signed_in }, l'accès à { $app } obtenu pour ce compte sera restitué dans 10 minutes.
signin-choose-invalid-heading = Choisissez l'un des deux boutons
signin-choose-invalid-body = Gardez l'autre compte, ou connectez-vous à nouveau.
signin-choice-expired-heading = Ce choix a expiré
signin-choice-expired-body = Un choix reste possible pendant 10 minutes, une seule fois. Rien n'a été connecté.
signin-choice-expired-again = Revenez à la liste des applications et choisissez à nouveau Reconnecter.

## Un lien de connexion hébergé (/connect/…).

link-reload = Recharger
link-switch-heading = Ouvrir ce lien de connexion ?
link-switch-current = Vous êtes en train de connecter des applications pour { $whom }.
link-switch-warning = Un autre site vous a envoyé vers un autre lien de connexion. Si vous l'ouvrez, la page ouverte pour { $whom } cessera de fonctionner dans ce navigateur.
link-switch-open = Ouvrir ce lien
link-switch-back = Retour à { $whom }

## La fenêtre de connexion du widget, quand la connexion n'a pas pu démarrer.

widget-nothing-heading = Aucune connexion à effectuer ici
widget-start-again = Revenez à la liste des applications et choisissez à nouveau Connecter.
widget-close-window = Vous pouvez fermer cette fenêtre.
widget-cannot-connect-heading = Cette application ne peut pas être connectée pour le moment

## Refus avant toute page.

limit-heading = Trop de requêtes
limit-body = Cette adresse a envoyé plus de requêtes que Portico n'en autorise en une minute. Attendez { $seconds } secondes, puis réessayez.
cross-site-heading = Cette requête provient d'un autre site
cross-site-body = Portico n'accepte ce formulaire que depuis ses propres pages : rien n'a donc été modifié.
cross-site-again = Si c'était bien votre intention, rouvrez votre lien de connexion et utilisez la page qui s'affiche.
page-too-large-heading = Ce contenu dépasse la taille acceptée par ce formulaire
page-too-large-key-form = Un formulaire de clés accepte jusqu'à 16 Ko. Rien n'a été enregistré.
page-too-large-body = Portico accepte jusqu'à 64 Ko ici. Rien n'a été modifié.
page-too-large-again = Revenez en arrière, vérifiez ce que vous avez collé, puis réessayez.
