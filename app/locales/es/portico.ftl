# Páginas de conexión y widget de Portico, en español. Todos los idiomas tienen las mismas claves.

## La lista

heading-connect-apps = Conecta tus apps
heading-connect-app = Conecta { $app }
heading-reconnect-app = Vuelve a conectar { $app }
lede = Elige las apps que { $vendor } puede usar en tu nombre. Puedes desconectarlas cuando quieras.
signed-in-as = Sesión iniciada como { $name }
logo-alt = Logotipo de { $vendor }
secured-by = Protegido por Portico
all-apps = Todas las apps
search-label = Buscar apps
search-placeholder = Nombre, categoría o finalidad
search-category = Categoría
search-all-categories = Todas las categorías
search-button = Buscar
count-all = { $total ->
    [one] { $total } app
   *[other] { $total } apps
}
count-some = { $total ->
    [one] { $shown } de { $total } app
   *[other] { $shown } de { $total } apps
}
empty-none = Todavía no hay apps disponibles aquí. Pide al equipo que te envió este enlace que active alguna.
empty-no-match = Ninguna app coincide con tu búsqueda. Prueba con otra palabra o categoría.
categories = Categorías
connected-accounts = Cuentas conectadas
icon-alt = Icono de { $app }
since = desde
expires-in = { $days ->
    [0] Caduca hoy — vuelve a conectar ya
    [one] Caduca en { $days } día — vuelve a conectar ya
   *[other] Caduca en { $days } días — vuelve a conectar ya
}

## Lo que hizo un botón

banner-connected = Se ha conectado { $app }.
banner-disconnected = Se ha desconectado { $app }.
live-connected = Se ha conectado { $app }.
live-not-connected = No se ha conectado { $app }. Inténtalo de nuevo.
this-app = Esta app
notice-unknown-app = { $app } ya no se ofrece aquí.
notice-not-configured = { $app } todavía no se ha configurado. Pide al equipo que te envió este enlace que termine la configuración.
notice-unavailable = Portico no ha podido comunicarse con { $app } en este momento. Inténtalo de nuevo en un minuto.
notice-needs-details = { $app } necesita un dato antes de que inicies sesión. Revisa lo que has escrito y vuelve a elegir Conectar.

## Una tarjeta

badge-not-connected = Sin conectar
badge-connected = Conectado
badge-reconnect-needed = Requiere reconexión
badge-turned-off = Desactivado
flow-waiting = Esperando a que termines de iniciar sesión…
flow-not-connected = No se ha conectado — inténtalo de nuevo
flow-not-reconnected = No se ha reconectado — inténtalo de nuevo
reason-credentials_expired = Las credenciales que introdujiste han caducado. Introduce unas nuevas para que esta app siga funcionando.
reason-token_revoked = Se ha revocado el acceso a tu cuenta. Vuelve a conectar para concederlo de nuevo.
reason-refresh_token_expired = Tu sesión ha caducado. Vuelve a iniciar sesión para que esta app siga funcionando.
reason-app_uninstalled = La app se ha desinstalado de tu cuenta. Vuelve a instalarla para que siga funcionando.
reason-app_deleted = Esta app se desactivó o se eliminó, y desde entonces se ha vuelto a configurar. Vuelve a conectarla para usarla.
reason-turned-off = El equipo que te trajo hasta aquí desactivó esta app. Podrás volver a conectarla cuando la activen de nuevo.
action-connect = Conectar
action-connect-another = Conectar otra cuenta
action-reconnect = Reconectar
action-renew-credentials = Renovar acceso
action-sign-in-again = Volver a iniciar sesión
action-reinstall = Reinstalar
action-update-keys = Actualizar claves
action-disconnect = Desconectar
action-on-app = { $action }: { $app }
action-disconnect-app = Desconectar { $app }

## Un formulario de claves

optional = opcional
save-and-connect = Guardar y conectar
cancel = Cancelar
keys-unreachable = Portico no ha podido comunicarse con { $app } para comprobar estas credenciales. No se ha guardado nada; inténtalo de nuevo.
field-unknown = «{ $field }» no es un campo de { $app }.
field-rejected = { $app } ha rechazado estas credenciales. Revísalas e inténtalo de nuevo.
field-control-characters = { $label } no puede contener caracteres de control, como tabulaciones o saltos de línea.
field-required = Introduce tu { $label }.
field-too-long = { $label } debe tener como máximo { $most } caracteres (ahora tiene { $length }).
field-email = { $label } debe ser una dirección de correo electrónico, como nombre@example.com.
field-url = { $label } debe ser una dirección web que empiece por https://.
field-tel = { $label } solo puede contener dígitos, espacios y + - ( ).
field-number = { $label } debe ser un número.
field-format = { $label } no tiene el formato esperado.
field-format-like = { $label } no tiene el formato esperado, que es similar a { $example }.
field-subdomain = { $label }: usa solo letras, números y guiones, hasta 63 caracteres.

## Páginas que explican por qué no

home-heading = Portal de conexión de Portico
home-body = Este servidor conecta tus apps con los servicios que usas. Para conectar una app, abre el enlace que te envió el producto que te lo pidió.
not-found-heading = Página no encontrada
not-found-body = No hay nada en esta dirección. Revisa el enlace que te enviaron.
link-expired-heading = Este enlace ha caducado
link-expired-body = Los enlaces de conexión solo funcionan durante un tiempo limitado para proteger tus cuentas. Pide un enlace nuevo a la app que te trajo hasta aquí.
link-invalid-heading = Este enlace no es válido
link-invalid-body = Puede que el enlace esté incompleto o mal escrito. Pide un enlace nuevo a la app que te trajo hasta aquí.
no-session-heading = Vuelve a abrir tu enlace de conexión
no-session-body = Esta página solo se abre desde el enlace de conexión que te enviaron, en el mismo navegador en el que lo abriste. Vuelve a abrir ese enlace o pide uno nuevo a la app que te trajo hasta aquí.
out-of-date-heading = Esta página está desactualizada
out-of-date-body = Se abrió para otro enlace, así que no se ha cambiado nada. Vuelve a cargarla.
unavailable-heading = Algo ha fallado por nuestra parte
unavailable-body = Portico no ha podido cargar tus apps en este momento. Inténtalo de nuevo en un minuto.
