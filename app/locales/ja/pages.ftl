# Portico の小さなページ（ログインの結果、開始ページと選択ページ、拒否）。

## ログインの開始ページ（/oauth/start）

signin-start-heading = { $app }を{ $org }に接続
signin-start-body = { $account }用の接続です。{ $app }でログインし、{ $org }へのアクセスを許可するよう求められます。
signin-start-continue = { $app }へ進む
signin-start-note = { $app }の接続を依頼していない場合は、このウィンドウを閉じてください。何も接続されません。
signin-start-from-app-again = 元のアプリに戻り、もう一度「接続」を選んでください。
signin-already-started-heading = このログインはすでに開始されています
signin-already-started-body = ログインは、1つのブラウザーで1回だけ続行できます。
signin-try-again-body = しばらくしてからもう一度お試しください。

## ログインの結果（/oauth/callback）

signin-connected-heading = 接続しました
signin-connected-body = { $app }を接続しました。このタブは閉じてかまいません。
signin-back-to-apps = アプリ一覧に戻る
signin-start-again = アプリ一覧に戻り、もう一度「接続」を選んでください。
signin-app-gone-heading = このアプリは現在提供されていません
signin-app-gone-body = ここへ案内したチームが、このアプリを削除しました。
signin-not-configured-heading = { $app }はまだ設定されていません
signin-not-configured-body = ここへ案内したチームが、設定を完了する必要があります。
signin-cancelled-heading = 接続をキャンセルしました
signin-cancelled-body = 何も接続されておらず、{ $app }にアクセス権は与えられていません。いつでも接続できます。
signin-refused-heading = { $app }が接続を許可しませんでした
signin-refused-body = 応答内容：{ $reason }
signin-exchange-heading = { $app }がログインを受け付けませんでした
signin-exchange-body = Porticoで接続を完了できませんでした。通常は一時的な問題です。
signin-other-browser-heading = このログインは別のブラウザーで開始されました
signin-other-browser-body = 安全のため、ログインは開始したブラウザーでのみ完了できます。何も接続されていません。
signin-other-browser-again = このブラウザーで接続リンクを開き、もう一度「接続」を選んでください。
signin-replayed-heading = このログインはすでに使用されています
signin-replayed-body = ログインは1回だけ使えます。このページを再読み込みした場合は、アプリがすでに接続されている可能性があります。
signin-expired-heading = このログインは有効期限が切れています
signin-expired-body = ログインは10分以内に完了する必要があります。
signin-wrong-issuer-heading = この応答は別のアプリから届きました
signin-wrong-issuer-body = 選択したアプリとは別のプロバイダーからログインの応答があったため、Porticoはこれを無視しました。
signin-missing-code-heading = アプリから認可が届きませんでした
signin-missing-code-body = プロバイダーから認可コードが返されませんでした。
signin-invalid-heading = このログインは無効です
signin-invalid-body = Porticoが開始したログインではないか、途中でアドレスが変更されています。
signin-unavailable-heading = こちら側で問題が発生しました
signin-unavailable-body = Porticoで接続を完了できませんでした。しばらくしてからもう一度お試しください。

## 別のアカウントでログインした再接続と、その選択

signin-other-account-heading = 別のアカウントでログインしました
signin-other-account-body = { $signed_in }としてログインしましたが、この接続は{ $expected }用です。{ $expected }としてログインするか、{ $signed_in }を別の接続として残してください。
signin-other-account-sign-in = { $expected }としてログイン
signin-other-account-keep = { $signed_in }を別の接続として残す
signin-other-account-note = { $expected }は引き続き再接続が必要です。{ $signed_in }を残さない場合、そのアカウントで許可された{ $app }へのアクセスは10分後に取り消されます。
signin-choose-invalid-heading = 2つのボタンのどちらかを選んでください
signin-choose-invalid-body = 別のアカウントを残すか、もう一度ログインしてください。
signin-choice-expired-heading = この選択は有効期限が切れています
signin-choice-expired-body = 選択は10分間保持され、1回だけ行えます。何も接続されていません。
signin-choice-expired-again = アプリ一覧に戻り、もう一度「再接続」を選んでください。

## ホストされた接続リンク（/connect/…）

link-reload = 再読み込み
link-switch-heading = この接続リンクを開きますか？
link-switch-current = 現在、{ $whom }のアプリを接続している途中です。
link-switch-warning = 別のサイトから、異なる接続リンクへ案内されました。このリンクを開くと、{ $whom }用に開いているページは、このブラウザーでは使えなくなります。
link-switch-open = このリンクを開く
link-switch-back = { $whom }に戻る

## ログインを開始できなかったときのウィジェットのログインウィンドウ

widget-nothing-heading = ここでログインするものはありません
widget-start-again = アプリ一覧に戻り、もう一度「接続」を選んでください。
widget-close-window = このウィンドウは閉じてかまいません。
widget-cannot-connect-heading = このアプリは現在接続できません

## ページを表示する前の拒否

limit-heading = リクエストが多すぎます
limit-body = このアドレスから、Porticoが1分間に受け付ける数を超えるリクエストがありました。{ $seconds }秒待ってから、もう一度お試しください。
cross-site-heading = このリクエストは別のサイトから送信されました
cross-site-body = Porticoはこのフォームを自身のページからのみ受け付けるため、何も変更されていません。
cross-site-again = この操作を行うつもりだった場合は、接続リンクをもう一度開き、そのページから操作してください。
page-too-large-heading = このフォームで受け付けられるサイズを超えています
page-too-large-key-form = キーの入力フォームで受け付けられるのは16 KBまでです。何も保存されていません。
page-too-large-body = Porticoがここで受け付けられるのは64 KBまでです。何も変更されていません。
page-too-large-again = 前のページに戻り、貼り付けた内容を確認して、もう一度お試しください。
