# Portico catalog texts, Brazilian Portuguese.

app-airtable-description = O Airtable combina planilha e banco de dados para criar fluxos de trabalho e apps compartilhados.
app-airtable-field-access-token-label = Token de acesso pessoal
app-airtable-field-access-token-help = Crie um em airtable.com/create/tokens com as permissões de que suas bases precisam.
app-airtable-field-base-id-label = ID da base
app-airtable-field-base-id-help = Opcional: limita a conexão a uma única base.

app-asana-description = O Asana organiza o trabalho em projetos e tarefas para que as equipes saibam quem faz o quê, e até quando.

app-github-description = O GitHub hospeda código, issues e pull requests de equipes de software, com automação via Actions.

app-google-sheets-description = Com o Google Sheets, você cria e edita planilhas online e as compartilha com sua equipe.

app-hubspot-description = O HubSpot é uma plataforma de CRM com ferramentas de marketing, vendas e atendimento: contatos, negócios, e-mails e tickets em um só lugar.

app-mailchimp-description = O Mailchimp é uma plataforma de e-mail marketing para públicos, campanhas e automações.

app-notion-description = O Notion é um espaço de trabalho conectado para documentos, wikis e bancos de dados que sua equipe adapta ao próprio jeito de trabalhar.

app-pipedrive-description = O Pipedrive é um CRM de vendas centrado no funil: acompanhe negócios, atividades e contatos da primeira ligação ao fechamento.

app-postmark-description = O Postmark entrega e-mails transacionais com rapidez e um histórico de entrega detalhado.
app-postmark-field-server-token-label = Token de API do servidor
app-postmark-field-server-token-help = Fica na aba "API Tokens" do seu servidor.

app-salesforce-description = O Salesforce é uma plataforma de relacionamento com o cliente: contas, leads, oportunidades e casos para equipes de vendas e atendimento.

app-sandbox-description = Um provedor OAuth2 de prática integrado ao Portico. Conecte, revogue e faça tokens expirarem para ver cada estado de uma conexão sem sair deste servidor.

app-sendgrid-description = O SendGrid envia e-mails transacionais e de marketing em grande escala.
app-sendgrid-field-api-key-label = Chave de API
app-sendgrid-field-api-key-help = Crie uma em "Settings → API Keys" com a permissão "Mail Send".

app-slack-description = O Slack é uma plataforma de comunicação para equipes: tudo em um só lugar, com busca instantânea e disponível onde você estiver. Mensagens instantâneas, compartilhamento de documentos e busca de conhecimento para equipes modernas.

app-stripe-description = O Stripe processa pagamentos online, assinaturas e faturas.
app-stripe-field-secret-key-label = Chave secreta ou restrita
app-stripe-field-secret-key-help = Uma chave restrita só com as permissões necessárias é a opção mais segura.

app-twilio-description = O Twilio envia e recebe SMS e chamadas por meio de uma API, a partir dos seus próprios números.
app-twilio-field-number-label = Número de telefone
app-twilio-field-number-help = O número do Twilio usado para enviar as mensagens, em formato internacional.
app-twilio-field-sid-label = SID da conta
app-twilio-field-sid-help = Fica no painel do seu console do Twilio.

app-zendesk-description = O Zendesk é um software de atendimento ao cliente: tickets, central de ajuda e chat ao vivo para equipes de suporte.
app-zendesk-param-subdomain-label = Subdomínio do Zendesk
app-zendesk-param-subdomain-help = A primeira parte do seu endereço do Zendesk, como em yourcompany.zendesk.com.

tag-communication = Comunicação
tag-crm = CRM
tag-databases = Bancos de dados
tag-developer-tools = Ferramentas para desenvolvedores
tag-docs = Documentos
tag-email = E-mail
tag-marketing = Marketing
tag-payments = Pagamentos
tag-productivity = Produtividade
tag-project-management = Gestão de projetos
tag-sales = Vendas
tag-sms = SMS
tag-spreadsheets = Planilhas
tag-support = Suporte
