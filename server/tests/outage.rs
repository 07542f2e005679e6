//! PostgreSQL stopped under load: the API answers 503 with `Retry-After`, `/ready` answers
//! 503 within a second, the workers flag nothing, and everything recovers without a restart.
//!
//! Runs with `PORTICO_TEST_POSTGRES_URL` against the local Debian cluster, which it stops and
//! starts again (`pg_ctlcluster`); it is a test binary of its own so that no other test is
//! using that server meanwhile.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use std::time::{Duration, Instant};

use helpers::spawn_app;
use portico::entity::connection;
use sea_orm::{EntityTrait, sea_query::Expr};

/// `pg_ctlcluster <version> main <action>` for the newest installed PostgreSQL.
async fn cluster(action: &str) {
    let version = std::fs::read_dir("/usr/lib/postgresql")
        .expect("Debian's PostgreSQL is installed")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .max_by_key(|name| name.parse::<u32>().unwrap_or(0))
        .unwrap();
    let mut command = tokio::process::Command::new("pg_ctlcluster");
    command.args([version.as_str(), "main", action]);
    if action == "stop" {
        command.args(["-m", "fast"]);
    }
    let status = command.status().await.expect("pg_ctlcluster runs");
    assert!(status.success(), "pg_ctlcluster {action}");
}

#[tokio::test]
#[ignore = "stops the local PostgreSQL cluster; `.ci/test` runs it with PORTICO_TEST_POSTGRES_URL"]
async fn a_database_outage_answers_503_flags_nothing_and_recovers_without_a_restart() {
    assert_eq!(
        helpers::backend(),
        "postgres",
        "set PORTICO_TEST_POSTGRES_URL to run the outage test"
    );
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox"]).await;
    helpers::connect_sandbox(&app, &org, "cust", "Sandbox user").await;
    let read = |app: &helpers::TestApp| {
        let request = app
            .client
            .get(app.url("/api/v2/public/connection/sandbox/credentials"))
            .header("x-api-key", &org.key)
            .header("linked_account_id", "cust")
            .timeout(Duration::from_secs(20));
        async move { request.send().await.unwrap() }
    };
    assert_eq!(read(&app).await.status(), 200);
    // Due for a refresh: the workers and the reads have real work to fail at.
    connection::Entity::update_many()
        .col_expr(
            connection::Column::AccessExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .exec(&app.db)
        .await
        .unwrap();

    cluster("stop").await;
    let down_at = Instant::now();
    let started = Instant::now();
    let ready = app.client.get(app.url("/ready")).send().await.unwrap();
    let ready_took = started.elapsed();
    assert_eq!(ready.status(), 503);
    assert!(
        ready_took < Duration::from_secs(1),
        "/ready took {ready_took:?}"
    );

    // Four readers and the workers keep going for 30 seconds while the database is down.
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let request = app
                .client
                .get(app.url("/api/v2/public/connection/sandbox/credentials"))
                .header("x-api-key", &org.key)
                .header("linked_account_id", "cust")
                .timeout(Duration::from_secs(20));
            tokio::spawn(async move {
                let mut answers = Vec::new();
                while down_at.elapsed() < Duration::from_secs(30) {
                    let answer = request.try_clone().unwrap().send().await.unwrap();
                    let status = answer.status().as_u16();
                    let retry_after = answer.headers().contains_key("retry-after");
                    let body: serde_json::Value = answer.json().await.unwrap();
                    answers.push((status, retry_after, body["error"]["code"].clone()));
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                answers
            })
        })
        .collect();
    let mut worker_errors = 0;
    while down_at.elapsed() < Duration::from_secs(30) {
        if portico::workers::refresh_due(&app.services).await.is_err() {
            worker_errors += 1;
        }
        if portico::workers::verify_due(&app.services).await.is_err() {
            worker_errors += 1;
        }
    }
    let mut answers = Vec::new();
    for reader in readers {
        answers.extend(reader.await.unwrap());
    }
    assert!(!answers.is_empty());
    for (status, retry_after, code) in &answers {
        assert_eq!(*status, 503, "{answers:?}");
        assert!(retry_after);
        assert_eq!(code, "database_unavailable");
    }
    assert!(worker_errors > 0);
    eprintln!(
        "database down {:?}: {} reads answered 503 with Retry-After, {worker_errors} worker passes failed",
        down_at.elapsed(),
        answers.len()
    );

    cluster("start").await;
    let back = Instant::now();
    loop {
        let ready = app.client.get(app.url("/ready")).send().await.unwrap();
        if ready.status() == 200 {
            break;
        }
        assert!(back.elapsed() < Duration::from_secs(30), "not ready again");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let answer = read(&app).await;
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
    eprintln!(
        "ready again {:?} after the database came back",
        back.elapsed()
    );
    let application = app
        .get_json(&org, "/api/v2/public/application/sandbox", Some("cust"))
        .await;
    assert_eq!(
        application["reauth_required"], false,
        "a database outage flags nothing"
    );
}
