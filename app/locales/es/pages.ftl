# Páginas propias de Portico (resultados del inicio de sesión, páginas de inicio y de elección, rechazos), en español.

## La página de inicio del inicio de sesión (/oauth/start).

signin-start-heading = Conecta { $app } con { $org }
signin-start-body = Para { $account }. { $app } te pedirá que inicies sesión y que des acceso a { $org }.
signin-start-continue = Continuar en { $app }
signin-start-note = Si no pediste conectar { $app }, cierra esta ventana: no se conectará nada.
signin-start-from-app-again = Regresa a la app de la que vienes y vuelve a elegir Conectar.
signin-already-started-heading = Este inicio de sesión ya se había empezado
signin-already-started-body = Cada inicio de sesión solo se puede continuar una vez, en un solo navegador.
signin-try-again-body = Inténtalo de nuevo en un minuto.

## Los resultados del inicio de sesión (/oauth/callback).

signin-connected-heading = Conectado
signin-connected-body = Se ha conectado { $app }. Ya puedes cerrar esta pestaña.
signin-back-to-apps = Volver a tus apps
signin-start-again = Regresa a la lista de apps y vuelve a elegir Conectar.
signin-app-gone-heading = Esta app ya no se ofrece
signin-app-gone-body = El equipo que te trajo hasta aquí la ha retirado.
signin-not-configured-heading = { $app } todavía no se ha configurado
signin-not-configured-body = El equipo que te trajo hasta aquí tiene que terminar la configuración.
signin-cancelled-heading = Has cancelado la conexión
signin-cancelled-body = No se ha conectado nada y { $app } no ha recibido ningún acceso. Puedes conectarla cuando quieras.
signin-refused-heading = { $app } no ha permitido la conexión
signin-refused-body = Su respuesta: { $reason }
signin-exchange-heading = { $app } no ha aceptado el inicio de sesión
signin-exchange-body = Portico no ha podido terminar la conexión. Suele ser algo temporal.
signin-other-browser-heading = Este inicio de sesión se empezó en otro navegador
signin-other-browser-body = Por tu seguridad, un inicio de sesión solo se puede terminar en el navegador en el que se empezó. No se ha conectado nada.
signin-other-browser-again = Abre tu enlace de conexión en este navegador y vuelve a elegir Conectar.
signin-replayed-heading = Este inicio de sesión ya se ha usado
signin-replayed-body = Cada inicio de sesión funciona una sola vez. Si has vuelto a cargar esta página, puede que tu app ya esté conectada.
signin-expired-heading = Este inicio de sesión ha caducado
signin-expired-body = Cada inicio de sesión debe terminarse en un plazo de 10 minutos.
signin-wrong-issuer-heading = Esta respuesta procede de otra app
signin-wrong-issuer-body = Al inicio de sesión respondió un proveedor distinto de la app que elegiste, así que Portico ha ignorado la respuesta.
signin-missing-code-heading = La app no ha enviado ninguna autorización
signin-missing-code-body = El proveedor ha respondido sin un código de autorización.
signin-invalid-heading = Este inicio de sesión no es válido
signin-invalid-body = Portico no empezó este inicio de sesión, o su dirección se modificó por el camino.
signin-unavailable-heading = Algo ha fallado por nuestra parte
signin-unavailable-body = Portico no ha podido terminar la conexión. Inténtalo de nuevo en un minuto.

## Una reconexión en la que se inició sesión con otra cuenta, y su elección.

signin-other-account-heading = Se ha iniciado sesión con otra cuenta
signin-other-account-body = Has iniciado sesión como { $signed_in }, pero esta conexión es para { $expected }. Inicia sesión como { $expected } o conserva { $signed_in } como otra conexión.
signin-other-account-sign-in = Iniciar sesión como { $expected }
signin-other-account-keep = Conservar { $signed_in } como otra conexión
signin-other-account-note = { $expected } todavía tiene que volver a conectarse. Si no conservas { $signed_in }, su acceso a { $app } se revocará dentro de 10 minutos.
signin-choose-invalid-heading = Elige uno de los dos botones
signin-choose-invalid-body = Conserva la otra cuenta o vuelve a iniciar sesión.
signin-choice-expired-heading = Esta elección ha caducado
signin-choice-expired-body = Tienes 10 minutos para elegir y solo puedes hacerlo una vez. No se ha conectado nada.
signin-choice-expired-again = Regresa a la lista de apps y vuelve a elegir Reconectar.

## Un enlace de conexión alojado (/connect/…).

link-reload = Recargar
link-switch-heading = ¿Abrir este enlace de conexión?
link-switch-current = Ahora mismo estás conectando apps para { $whom }.
link-switch-warning = Otro sitio te ha enviado a un enlace de conexión distinto. Si lo abres, la página que tienes abierta para { $whom } dejará de funcionar en este navegador.
link-switch-open = Abrir este enlace
link-switch-back = Volver a { $whom }

## La ventana de inicio de sesión del widget cuando no se pudo empezar un inicio de sesión.

widget-nothing-heading = Aquí no hay nada en lo que iniciar sesión
widget-start-again = Regresa a la lista de apps y vuelve a elegir Conectar.
widget-close-window = Ya puedes cerrar esta ventana.
widget-cannot-connect-heading = Ahora no se puede conectar esta app

## Rechazos antes de cualquier página.

limit-heading = Demasiadas solicitudes
limit-body = { $seconds ->
    [one] Desde tu conexión se han enviado más solicitudes de las que Portico permite en un minuto. Espera { $seconds } segundo e inténtalo de nuevo.
   *[other] Desde tu conexión se han enviado más solicitudes de las que Portico permite en un minuto. Espera { $seconds } segundos e inténtalo de nuevo.
}
cross-site-heading = Esta solicitud viene de otro sitio
cross-site-body = Portico solo acepta este formulario desde sus propias páginas, así que no se ha cambiado nada.
cross-site-again = Si querías hacerlo, vuelve a abrir tu enlace de conexión y hazlo desde esa página.
page-too-large-heading = Es más de lo que admite este formulario
page-too-large-key-form = Un formulario de claves admite hasta 16 KB. No se ha guardado nada.
page-too-large-body = Aquí Portico admite hasta 64 KB. No se ha cambiado nada.
page-too-large-again = Vuelve atrás, revisa lo que has pegado e inténtalo de nuevo.
