# Portico catalog texts, Spanish.

app-airtable-description = Airtable combina hoja de cálculo y base de datos para crear flujos de trabajo y apps compartidos.
app-airtable-field-access-token-label = Token de acceso personal
app-airtable-field-access-token-help = Crea uno en airtable.com/create/tokens con los permisos que necesiten tus bases.
app-airtable-field-base-id-label = ID de la base
app-airtable-field-base-id-help = Opcional: limita la conexión a una sola base.

app-asana-description = Asana organiza el trabajo en proyectos y tareas para que los equipos sepan quién hace qué y para cuándo.

app-github-description = GitHub aloja código, issues y pull requests para equipos de software, con automatización mediante Actions.

app-google-sheets-description = Google Sheets te permite crear y editar hojas de cálculo en línea y compartirlas con tu equipo.

app-hubspot-description = HubSpot es una plataforma CRM con herramientas de marketing, ventas y servicio: contactos, negocios, correos y tickets en un solo lugar.

app-mailchimp-description = Mailchimp es una plataforma de email marketing para audiencias, campañas y automatizaciones.

app-notion-description = Notion es un espacio de trabajo conectado para documentos, wikis y bases de datos que tu equipo adapta a su forma de trabajar.

app-pipedrive-description = Pipedrive es un CRM de ventas centrado en el embudo: sigue tratos, actividades y contactos desde la primera llamada hasta el cierre.

app-postmark-description = Postmark entrega correos transaccionales con rapidez y un historial de entrega detallado.
app-postmark-field-server-token-label = Token de API del servidor
app-postmark-field-server-token-help = Lo encontrarás en la pestaña «API Tokens» de tu servidor.

app-salesforce-description = Salesforce es una plataforma de relación con clientes: cuentas, candidatos, oportunidades y casos para equipos de ventas y servicio.

app-sandbox-description = Un proveedor OAuth2 de práctica integrado en Portico. Conecta, revoca y haz caducar tokens para ver cada estado de una conexión sin salir de este servidor.

app-sendgrid-description = SendGrid envía correos transaccionales y de marketing a gran escala.
app-sendgrid-field-api-key-label = Clave de API
app-sendgrid-field-api-key-help = Crea una en «Settings → API Keys» con el permiso «Mail Send».

app-slack-description = Slack es una plataforma de comunicación en equipo: todo en un solo lugar, con búsqueda instantánea y disponible dondequiera que estés. Mensajería instantánea, documentos compartidos y búsqueda de conocimiento para equipos modernos.

app-stripe-description = Stripe procesa pagos en línea, suscripciones y facturas.
app-stripe-field-secret-key-label = Clave secreta o restringida
app-stripe-field-secret-key-help = Lo más seguro es una clave restringida solo con los permisos necesarios.

app-twilio-description = Twilio envía y recibe SMS y llamadas mediante una API, desde tus propios números.
app-twilio-field-number-label = Número de teléfono
app-twilio-field-number-help = El número de Twilio desde el que se envían los mensajes, en formato internacional.
app-twilio-field-sid-label = SID de la cuenta
app-twilio-field-sid-help = Lo encontrarás en el panel de tu consola de Twilio.

app-zendesk-description = Zendesk es un software de atención al cliente: tickets, centro de ayuda y chat en vivo para equipos de soporte.
app-zendesk-param-subdomain-label = Subdominio de Zendesk
app-zendesk-param-subdomain-help = La primera parte de tu dirección de Zendesk, como en yourcompany.zendesk.com.

tag-communication = Comunicación
tag-crm = CRM
tag-databases = Bases de datos
tag-developer-tools = Herramientas para desarrolladores
tag-docs = Documentos
tag-email = Correo electrónico
tag-marketing = Marketing
tag-payments = Pagos
tag-productivity = Productividad
tag-project-management = Gestión de proyectos
tag-sales = Ventas
tag-sms = SMS
tag-spreadsheets = Hojas de cálculo
tag-support = Soporte
