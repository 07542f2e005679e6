//! The lifecycle across real `portico` processes: two replicas on one database, a replica
//! killed mid-refresh, and the demo's command line telling a running server.

use std::time::Duration;

use app::dto::ReauthReason;
use portico::entity::connection;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::helpers::{TestApp, browser, connect_sandbox, spawn_app_with, widget_token};
use crate::lifecycle::{connect_as, expire_access, org_with_chat, vendor_read};
use crate::provider::Provider;
use crate::webhooks::{HANG, free_port, receiver, subscribe, verified, wait_for, wait_within};

/// A `portico serve` process on the test's database. Killed when dropped.
struct Serve {
    child: tokio::process::Child,
    base: String,
}

/// The settings a `portico` process of this test runs with.
pub fn command(app: &TestApp, args: &[&str]) -> tokio::process::Command {
    let keyring = std::fs::read_to_string(app.dir.join("keyring")).unwrap();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_portico"));
    command
        .args(args)
        .env("PORTICO_MODE", "dev")
        .env("PORTICO_DATABASE_URL", &app.database_url)
        .env("PORTICO_ENCRYPTION_KEYS", keyring.trim())
        .env("PORTICO_DATA_DIR", &app.dir)
        .env("PORTICO_RATE_LIMIT_API", "1000000")
        .env("PORTICO_LOG", "info,sea_orm_migration=warn")
        .env("NO_COLOR", "1")
        // The proactive worker looks once at start; the requests a test counts are its own.
        .env("PORTICO_REFRESH_EVERY", "3600")
        .env("PORTICO_WEBHOOK_EVERY_MS", "50")
        .kill_on_drop(true);
    command
}

impl Serve {
    async fn start(app: &TestApp) -> Self {
        Self::start_with(app, &[]).await
    }

    async fn start_with(app: &TestApp, settings: &[(&str, &str)]) -> Self {
        let mut command = command(app, &["serve"]);
        for (name, value) in settings {
            command.env(name, value);
        }
        let mut child = command
            .env("PORTICO_BIND", "127.0.0.1:0")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("portico starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let base = loop {
            let line = lines
                .next_line()
                .await
                .unwrap()
                .expect("portico says where it listens");
            if let Some(rest) = line.split("Portico is listening addr=").nth(1) {
                let addr = rest.split_whitespace().next().unwrap();
                break format!("http://{addr}");
            }
        };
        // Keep reading, so the process never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self { child, base }
    }
}

#[tokio::test]
async fn two_serve_processes_on_one_database_refresh_each_connection_once() {
    let provider = Provider::start().await;
    let app = spawn_app_with(|_| {}).await;
    let org = org_with_chat(&app, &provider).await;
    for index in 0..100 {
        let team = format!("T{index:03}");
        connect_as(&app, &org, "cust", &provider, "acme-chat", (&team, &team)).await;
    }
    let replicas = [Serve::start(&app).await, Serve::start(&app).await];

    // 100 reads of one expired connection, half through each process: one token request.
    expire_access(&app, "acme-chat").await;
    let before = provider.refresh_requests();
    let reads = (0..100).map(|n| {
        let read = vendor_read(
            &replicas[n % 2].base,
            &org,
            "acme-chat/credentials?identifier=T000",
        );
        tokio::spawn(async move { read.await.status().as_u16() })
    });
    let statuses: Vec<u16> = futures_util::future::join_all(reads)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");
    assert_eq!(provider.refresh_requests() - before, 1);

    // 1,000 reads over 100 expired connections across both: one token request each.
    expire_access(&app, "acme-chat").await;
    let before = provider.refresh_requests();
    let started = std::time::Instant::now();
    let reads = (0..1000).map(|n| {
        let path = format!("acme-chat/credentials?identifier=T{:03}", n % 100);
        let read = vendor_read(&replicas[n % 2].base, &org, &path);
        tokio::spawn(async move { read.await.status().as_u16() })
    });
    let statuses: Vec<u16> = futures_util::future::join_all(reads)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");
    assert_eq!(provider.refresh_requests() - before, 100);
    assert_eq!(provider.reuse_detections(), 0);
    eprintln!(
        "two processes: 1000 reads over 100 expired connections in {:?}",
        started.elapsed()
    );
    let flagged = connection::Entity::find()
        .filter(connection::Column::Status.eq(connection::State::ReauthRequired))
        .all(&app.db)
        .await
        .unwrap();
    assert!(flagged.is_empty());
}

#[tokio::test]
async fn a_process_killed_between_the_token_answer_and_the_commit_keeps_or_flags_once() {
    let provider = Provider::start().await;
    let app = spawn_app_with(|_| {}).await;
    let org = org_with_chat(&app, &provider).await;
    connect_as(&app, &org, "cust", &provider, "acme-chat", ("T1", "Acme")).await;
    let mut first = Serve::start(&app).await;
    expire_access(&app, "acme-chat").await;
    let (arrived, release) = provider.hold_next_refresh();
    // The process dies under this read, so its answer may never come.
    let read = tokio::spawn(
        reqwest::Client::new()
            .get(format!(
                "{}/api/v2/public/connection/acme-chat/credentials",
                first.base
            ))
            .header("x-api-key", &org.key)
            .header("linked_account_id", "cust")
            .send(),
    );
    arrived.notified().await;
    // The provider answers (rotating the refresh token) and the process dies at once.
    release.notify_one();
    first.child.start_kill().unwrap();
    first.child.wait().await.unwrap();
    let _ = read.await;
    assert_eq!(provider.refresh_requests(), 1);

    // After a restart (the dead process's claim runs out by itself), the documented outcome:
    // either the new tokens were committed and are served, or the old refresh token is
    // refused and the connection is flagged token_revoked, once.
    let second = Serve::start(&app).await;
    let answer = vendor_read(&second.base, &org, "acme-chat/credentials").await;
    let id = connection::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let events: Value = app
        .get_json(
            &org,
            &format!("/api/v2/public/connection/{id}/events"),
            None,
        )
        .await;
    let flagged = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["kind"] == "flagged")
        .count();
    match answer.status().as_u16() {
        200 => {
            assert_eq!(
                provider.refresh_requests(),
                1,
                "the committed tokens are used"
            );
            assert_eq!(flagged, 0);
            eprintln!("killed mid-refresh: the new tokens were kept");
        }
        409 => {
            let body: Value = answer.json().await.unwrap();
            assert_eq!(body["error"]["reason"], "token_revoked");
            assert_eq!(provider.refresh_requests(), 2);
            assert_eq!(flagged, 1, "{events}");
            eprintln!("killed mid-refresh: flagged token_revoked once");
        }
        other => panic!(
            "unexpected answer {other}: {}",
            answer.text().await.unwrap()
        ),
    }
}

#[tokio::test]
async fn the_demo_commands_reach_a_running_server_and_the_page_shows_reconnect() {
    let app = spawn_app_with(|config| {
        // Short-lived sandbox tokens, as in the demo, and a worker that looks every second.
        config.sandbox.as_mut().unwrap().access_ttl = 4;
        config.refresh.every = Duration::from_secs(1);
    })
    .await;
    let org = app.org("Acme", &["sandbox"]).await;
    for (account, name) in [("cust", "Revoked user"), ("other", "Expired user")] {
        connect_sandbox(&app, &org, account, name).await;
    }
    let page_of = |account: &'static str| {
        let app = &app;
        let org = &org;
        async move {
            let url = app.hosted_url(org, account).await;
            app.follow(&browser(), &url).await.text().await.unwrap()
        }
    };

    // `portico sandbox revoke` tells the running server, as Slack sends tokens_revoked.
    let output = command(&app, &["sandbox", "revoke", "--account", "Revoked user"])
        .env("PORTICO_PUBLIC_URL", &app.base)
        .output()
        .await
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.contains("Portico was told of 1"), "{said}");
    let page = page_of("cust").await;
    assert!(
        page.contains(ReauthReason::TokenRevoked.explanation()),
        "{page}"
    );
    assert!(page.contains("Reconnect: Portico Sandbox"), "{page}");

    // `portico sandbox expire --refresh` is found by the next proactive refresh.
    let output = command(
        &app,
        &[
            "sandbox",
            "expire",
            "--refresh",
            "--account",
            "Expired user",
        ],
    )
    .output()
    .await
    .unwrap();
    assert!(output.status.success());
    let started = std::time::Instant::now();
    let page = loop {
        let page = page_of("other").await;
        if page.contains(ReauthReason::RefreshTokenExpired.explanation()) {
            break page;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "not noticed in a minute"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let button = format!(
        "{}: Portico Sandbox",
        ReauthReason::RefreshTokenExpired.action().label()
    );
    assert!(page.contains(&button), "{page}");
    eprintln!("expire --refresh noticed after {:?}", started.elapsed());
}

/// A process that delivers no webhooks (its worker waits an hour): events stay in the outbox.
async fn quiet(app: &TestApp) -> Serve {
    Serve::start_with(app, &[("PORTICO_WEBHOOK_EVERY_MS", "3600000")]).await
}

#[tokio::test]
async fn an_event_committed_before_a_sigkill_is_delivered_after_the_restart() {
    let port = free_port().await;
    let received = receiver(port, vec![]).await;
    let app = spawn_app_with(|config| config.webhooks.every = Duration::from_secs(3600)).await;
    let org = app.org("Acme", &["sandbox"]).await;
    let subscription = subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    let secret = subscription["secret"].as_str().unwrap();
    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "sandbox", "Sandbox user", None)
        .await;
    let mut first = quiet(&app).await;
    // The vendor turns the app off through the first process: the flag commits with its event.
    let off = reqwest::Client::new()
        .delete(format!("{}/api/v2/public/app/sandbox/config", first.base))
        .header("x-api-key", &org.key)
        .send()
        .await
        .unwrap();
    assert!(off.status().is_success());
    first.child.start_kill().unwrap();
    first.child.wait().await.unwrap();
    assert!(
        received.lock().unwrap().is_empty(),
        "nothing was sent before the kill"
    );

    let _second = Serve::start(&app).await;
    let delivered = wait_for(&received, 2).await;
    let events: Vec<Value> = delivered.iter().map(|d| verified(secret, d)).collect();
    let expired: Vec<&Value> = events
        .iter()
        .filter(|event| event["event"] == "Connection Expired")
        .collect();
    assert_eq!(expired.len(), 1, "{events:?}");
    assert_eq!(expired[0]["reason"], "app_deleted");
}

#[tokio::test]
async fn a_delivery_cut_by_a_sigkill_is_sent_again_with_the_same_webhook_id() {
    let port = free_port().await;
    // The first request is never answered: the sender dies while waiting.
    let received = receiver(port, vec![HANG]).await;
    let app = spawn_app_with(|config| config.webhooks.every = Duration::from_secs(3600)).await;
    let org = app.org("Acme", &["sandbox"]).await;
    let subscription = subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    let secret = subscription["secret"].as_str().unwrap();
    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "sandbox", "Sandbox user", None)
        .await;
    let mut first = Serve::start(&app).await;
    wait_for(&received, 1).await;
    first.child.start_kill().unwrap();
    first.child.wait().await.unwrap();

    // At least once: after the dead process's claim lapses (30 s), the next one sends again.
    let started = std::time::Instant::now();
    let _second = Serve::start(&app).await;
    let delivered = wait_within(&received, 2, Duration::from_secs(60)).await;
    assert_eq!(delivered[0].0["webhook-id"], delivered[1].0["webhook-id"]);
    assert_eq!(
        verified(secret, &delivered[1])["event"],
        "Connection Created"
    );
    eprintln!("redelivered {:?} after the restart", started.elapsed());
}

#[tokio::test]
async fn two_replicas_draining_one_outbox_send_each_event_once() {
    let port = free_port().await;
    let received = receiver(port, vec![]).await;
    let app = spawn_app_with(|config| config.webhooks.every = Duration::from_secs(3600)).await;
    let org = app.org("Acme", &["sandbox"]).await;
    let subscription = subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    let secret = subscription["secret"].as_str().unwrap();
    app.upsert_account(&org, "cust").await;
    for index in 0..200 {
        app.connection(&org, "cust", "sandbox", &format!("Account {index}"), None)
            .await;
    }
    let _replicas = [Serve::start(&app).await, Serve::start(&app).await];
    let delivered = wait_within(&received, 200, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let delivered_now = received.lock().unwrap().clone();
    assert_eq!(delivered_now.len(), 200, "no double sends");
    let ids: std::collections::HashSet<String> = delivered
        .iter()
        .map(|(headers, _)| headers["webhook-id"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 200);
    for delivery in &delivered {
        assert_eq!(verified(secret, delivery)["event"], "Connection Created");
    }
}

#[tokio::test]
async fn operators_list_test_and_replay_webhooks_from_the_command_line() {
    let port = free_port().await;
    let received = receiver(port, vec![]).await;
    let app = spawn_app_with(|_| {}).await;
    let org = app.org("Acme", &["sandbox"]).await;
    let subscription = subscribe(&app, &org, &format!("http://127.0.0.1:{port}/hooks")).await;
    let (id, secret) = (
        subscription["id"].as_str().unwrap(),
        subscription["secret"].as_str().unwrap(),
    );
    app.upsert_account(&org, "cust").await;
    app.connection(&org, "cust", "sandbox", "Sandbox user", None)
        .await;
    wait_for(&received, 1).await;
    let run = |args: Vec<String>| {
        let mut command = command(&app, &[]);
        command.args(args);
        async move {
            let output = command.output().await.unwrap();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8(output.stdout).unwrap()
        }
    };
    let listed = run(vec!["webhook".into(), "list".into()]).await;
    assert!(
        listed.contains(id) && listed.contains("delivered=1"),
        "{listed}"
    );
    assert!(!listed.contains(secret), "the secret is never printed");

    let tested = run(vec![
        "webhook".into(),
        "test".into(),
        "--id".into(),
        id.into(),
    ])
    .await;
    assert!(tested.contains("answered HTTP 200"), "{tested}");
    let test_message = wait_for(&received, 2).await.remove(1);
    assert_eq!(verified(secret, &test_message)["event"], "Test");

    let log = app.get_json(&org, "/api/v2/public/event", None).await;
    let cursor = log["events"][0]["cursor"].as_str().unwrap().to_owned();
    let replayed = run(vec![
        "webhook".into(),
        "replay".into(),
        "--id".into(),
        id.into(),
        "--event".into(),
        cursor,
    ])
    .await;
    assert!(replayed.contains("Queued 1 event"), "{replayed}");
    let all = wait_for(&received, 3).await;
    assert_eq!(all[2].0["webhook-id"], all[0].0["webhook-id"]);
}

#[tokio::test]
async fn a_server_told_to_stop_ends_the_widgets_streams_and_exits() {
    let app = spawn_app_with(|_| {}).await;
    let org = app.org("Acme", &["sandbox"]).await;
    let serve = Serve::start(&app).await;
    // The process shares the test's database, so a token issued here opens its widget.
    let token = widget_token(&app, &org, "cust").await;
    let mut stream = reqwest::Client::new()
        .get(format!("{}/embed/{token}/events", serve.base))
        .send()
        .await
        .unwrap();
    let first = stream.chunk().await.unwrap().expect("the first state");
    assert!(
        std::str::from_utf8(&first)
            .unwrap()
            .contains("event: state")
    );

    let mut child = serve.child;
    let pid = child.id().unwrap().to_string();
    let signalled = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(signalled.success());
    // The stream ends instead of holding the shutdown open, and the process exits cleanly.
    let ended = tokio::time::timeout(Duration::from_secs(20), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await;
    assert!(ended.is_ok(), "the widget's stream did not end");
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("portico exits after SIGTERM")
        .unwrap();
    assert!(status.success(), "{status}");
}

/// A key revoked with `portico api-key revoke` is refused by a running server at once: on
/// PostgreSQL the command says so before it exits, and the server forgets the key it held
/// (on SQLite the server holds it at most a few seconds, so this is a PostgreSQL test).
#[tokio::test]
async fn a_key_revoked_from_the_command_line_is_refused_by_a_running_server_at_once() {
    let app = spawn_app_with(|_| {}).await;
    if !app.services.changes.crosses_replicas() {
        return;
    }
    let org = app.org("Acme", &["slack"]).await;
    app.upsert_account(&org, "cust").await;
    let list = || app.get_as(&org, "/api/v2/public/application", Some("cust"));
    assert_eq!(list().await.status(), 200);

    let revoked = command(&app, &["api-key", "revoke", "--id", &org.key_id])
        .output()
        .await
        .unwrap();
    assert!(revoked.status.success(), "{revoked:?}");
    let mut refused = false;
    for _ in 0..30 {
        if list().await.status() == 401 {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        refused,
        "the server still takes a key the command line revoked"
    );
}
