# Portico catalog texts, Japanese.

app-airtable-description = Airtableは、スプレッドシートとデータベースを組み合わせ、共有のワークフローやアプリを作れるツールです。
app-airtable-field-access-token-label = 個人用アクセストークン
app-airtable-field-access-token-help = airtable.com/create/tokens で、ベースに必要な権限を付けて作成してください。
app-airtable-field-base-id-label = ベースID
app-airtable-field-base-id-help = 任意：接続を1つのベースに限定します。

app-asana-description = Asanaは、仕事をプロジェクトとタスクに整理し、誰が何をいつまでに行うかをチームで把握できるようにします。

app-github-description = GitHubは、ソフトウェアチームのコード、Issue、プルリクエストをホストし、Actionsによる自動化も提供します。

app-google-sheets-description = Google Sheetsでは、スプレッドシートをオンラインで作成・編集し、チームと共有できます。

app-hubspot-description = HubSpotは、マーケティング・営業・サービスのツールを備えたCRMプラットフォームです。コンタクト、取引、メール、チケットを一元管理できます。

app-mailchimp-description = Mailchimpは、オーディエンス、キャンペーン、自動化を扱うメールマーケティングプラットフォームです。

app-notion-description = Notionは、ドキュメント、Wiki、データベースをつなぐワークスペースです。チームの働き方に合わせて自由に形づくれます。

app-pipedrive-description = Pipedriveは、パイプラインを軸にした営業向けCRMです。最初の電話から成約まで、取引、活動、連絡先を追跡できます。

app-postmark-description = Postmarkは、トランザクションメールを高速に配信し、詳しい配信履歴も確認できます。
app-postmark-field-server-token-label = サーバーAPIトークン
app-postmark-field-server-token-help = サーバーの「API Tokens」タブで確認できます。

app-salesforce-description = Salesforceは、営業・サービスチーム向けの顧客管理プラットフォームです。取引先、リード、商談、ケースを管理できます。

app-sandbox-description = Porticoに組み込まれた練習用のOAuth2プロバイダーです。トークンの接続・取り消し・期限切れを試して、このサーバーから離れずに接続のあらゆる状態を確認できます。

app-sendgrid-description = SendGridは、トランザクションメールやマーケティングメールを大規模に配信します。
app-sendgrid-field-api-key-label = APIキー
app-sendgrid-field-api-key-help = 「Settings → API Keys」で、「Mail Send」権限を付けて作成してください。

app-slack-description = Slackは、チームのコミュニケーションのためのプラットフォームです。すべてが1か所にまとまり、すぐに検索でき、どこからでも利用できます。モダンなチームにメッセージング、ドキュメント共有、ナレッジ検索を提供します。

app-stripe-description = Stripeは、オンライン決済、サブスクリプション、請求書を処理します。
app-stripe-field-secret-key-label = シークレットキーまたは制限付きキー
app-stripe-field-secret-key-help = 必要な権限だけを持つ制限付きキーが最も安全です。

app-twilio-description = Twilioは、所有する電話番号からAPI経由でSMSや通話を送受信します。
app-twilio-field-number-label = 電話番号
app-twilio-field-number-help = メッセージの送信元となるTwilioの電話番号です。国際形式で入力してください。
app-twilio-field-sid-label = アカウントSID
app-twilio-field-sid-help = Twilioコンソールのダッシュボードで確認できます。

app-zendesk-description = Zendeskは、サポートチーム向けのカスタマーサービスソフトウェアです。チケット、ヘルプセンター、ライブチャットを備えています。
app-zendesk-param-subdomain-label = Zendeskのサブドメイン
app-zendesk-param-subdomain-help = Zendeskのアドレスの最初の部分です（yourcompany.zendesk.comの場合は「yourcompany」）。

tag-communication = コミュニケーション
tag-crm = CRM
tag-databases = データベース
tag-developer-tools = 開発者ツール
tag-docs = ドキュメント
tag-email = メール
tag-marketing = マーケティング
tag-payments = 決済
tag-productivity = 生産性
tag-project-management = プロジェクト管理
tag-sales = 営業
tag-sms = SMS
tag-spreadsheets = スプレッドシート
tag-support = サポート
