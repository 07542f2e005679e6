# Portico の接続ページとウィジェット（日本語）。どの言語も同じキーを持ちます。

## 一覧

heading-connect-apps = アプリを接続
heading-connect-app = { $app }を接続
heading-reconnect-app = { $app }を再接続
lede = { $vendor }があなたの代わりに利用できるアプリを選んでください。接続はいつでも解除できます。
signed-in-as = { $name }としてログイン中
logo-alt = { $vendor }のロゴ
secured-by = Porticoで保護されています
all-apps = すべてのアプリ
search-label = アプリを検索
search-placeholder = 名前、カテゴリ、用途
search-category = カテゴリ
search-all-categories = すべてのカテゴリ
search-button = 検索
count-all = { $total ->
   *[other] { $total }件のアプリ
}
count-some = { $total ->
   *[other] { $total }件中{ $shown }件のアプリ
}
empty-none = ここで利用できるアプリはまだありません。このリンクを送ったチームに、アプリを有効にするよう依頼してください。
empty-no-match = 検索に一致するアプリはありません。別のキーワードやカテゴリで試してください。
categories = カテゴリ
connected-accounts = 接続済みのアカウント
icon-alt = { $app }のアイコン
since = 接続日
expires-in = { $days ->
    [0] 本日で期限切れになります。今すぐ再接続してください
   *[other] あと{ $days }日で期限切れになります。今すぐ再接続してください
}

## ボタン操作の結果

banner-connected = { $app }を接続しました。
banner-disconnected = { $app }の接続を解除しました。
live-connected = { $app }を接続しました。
live-not-connected = { $app }は接続されていません。もう一度お試しください。
this-app = このアプリ
notice-unknown-app = { $app }は現在ここでは提供されていません。
notice-not-configured = { $app }はまだ設定されていません。このリンクを送ったチームに、設定を完了するよう依頼してください。
notice-unavailable = 現在、Porticoから{ $app }に接続できませんでした。しばらくしてからもう一度お試しください。
notice-needs-details = { $app }にログインする前に、入力が必要な項目があります。入力内容を確認して、もう一度「接続」を選んでください。

## カード

badge-not-connected = 未接続
badge-connected = 接続済み
badge-reconnect-needed = 再接続が必要
badge-turned-off = 無効
flow-waiting = ログインの完了を待っています…
flow-not-connected = 接続できませんでした。もう一度お試しください
flow-not-reconnected = 再接続できませんでした。もう一度お試しください
reason-credentials_expired = 入力した認証情報の有効期限が切れました。このアプリを引き続き使うには、新しい認証情報を入力してください。
reason-token_revoked = アカウントへのアクセスが取り消されました。再接続して、もう一度アクセスを許可してください。
reason-refresh_token_expired = ログインの有効期限が切れました。このアプリを引き続き使うには、もう一度ログインしてください。
reason-app_uninstalled = このアプリはアカウントからアンインストールされました。引き続き使うには、再インストールしてください。
reason-app_deleted = このアプリは一度無効化または削除され、その後あらためて設定されました。使うには再接続してください。
reason-turned-off = ここへ案内したチームが、このアプリを無効にしました。再び有効になったら、再接続できます。
action-connect = 接続
action-connect-another = 別のアカウントを接続
action-reconnect = 再接続
action-renew-credentials = アクセスを更新
action-sign-in-again = 再ログイン
action-reinstall = 再インストール
action-update-keys = キーを更新
action-disconnect = 接続を解除
action-on-app = { $action }：{ $app }
action-disconnect-app = { $app }の接続を解除

## キーの入力フォーム

optional = 任意
save-and-connect = 保存して接続
cancel = キャンセル
keys-unreachable = Porticoから{ $app }に接続できず、この認証情報を確認できませんでした。何も保存されていません。もう一度お試しください。
field-unknown = 「{ $field }」は{ $app }の項目ではありません。
field-rejected = { $app }がこの認証情報を拒否しました。内容を確認して、もう一度お試しください。
field-control-characters = { $label }には、タブや改行などの制御文字を含めないでください。
field-required = { $label }を入力してください。
field-too-long = { $label }は{ $most }文字以内で入力してください（現在{ $length }文字です）。
field-email = { $label }には、name@example.com のようなメールアドレスを入力してください。
field-url = { $label }には、https:// で始まるWebアドレスを入力してください。
field-tel = { $label }に使えるのは、数字、スペース、+ - ( ) のみです。
field-number = { $label }には数値を入力してください。
field-format = { $label }の形式が正しくありません。
field-format-like = { $label }の形式が正しくありません。{ $example } のような形式で入力してください。
field-subdomain = { $label }：英字、数字、ハイフンのみを使い、63文字以内で入力してください。

## 利用できない理由を伝えるページ

home-heading = Portico接続ポータル
home-body = このサーバーは、あなたのアプリを利用中のサービスに接続します。アプリを接続するには、接続を依頼してきた製品から届いたリンクを開いてください。
not-found-heading = ページが見つかりません
not-found-body = このアドレスには何もありません。受け取ったリンクを確認してください。
link-expired-heading = このリンクは有効期限が切れています
link-expired-body = アカウントを安全に保つため、接続リンクは一定時間しか使えません。ここへ案内したアプリに、新しいリンクを依頼してください。
link-invalid-heading = このリンクは無効です
link-invalid-body = リンクが不完全か、入力が間違っている可能性があります。ここへ案内したアプリに、新しいリンクを依頼してください。
no-session-heading = 接続リンクをもう一度開いてください
no-session-body = このページは、受け取った接続リンクから、そのリンクを開いたブラウザーでのみ開けます。リンクをもう一度開くか、ここへ案内したアプリに新しいリンクを依頼してください。
out-of-date-heading = このページは古くなっています
out-of-date-body = このページは別のリンクで開かれたため、何も変更されていません。ページを再読み込みしてください。
unavailable-heading = こちら側で問題が発生しました
unavailable-body = 現在、Porticoでアプリを読み込めませんでした。しばらくしてからもう一度お試しください。
