//! `portico doctor` as an operator runs it: a real process against the test's database and
//! server, one line per check, exit status 1 when any fails.

use crate::helpers::{TestApp, connect_sandbox, spawn_app};
use crate::processes::command;
use crate::webhooks::{free_port, subscribe};

/// Runs `portico doctor` with the test's settings changed by `settings`; its status and lines.
async fn doctor(app: &TestApp, settings: &[(&str, &str)]) -> (i32, Vec<String>) {
    let mut command = command(app, &["doctor"]);
    command.env("PORTICO_PUBLIC_URL", &app.address);
    for (name, value) in settings {
        command.env(name, value);
    }
    let output = command.output().await.expect("portico runs");
    let stdout = String::from_utf8(output.stdout).unwrap();
    (
        output.status.code().expect("an exit status"),
        stdout.lines().map(str::to_owned).collect(),
    )
}

fn line<'a>(lines: &'a [String], check: &str) -> &'a str {
    lines
        .iter()
        .find(|line| line[6..].starts_with(&format!("{check}:")))
        .unwrap_or_else(|| panic!("no `{check}` line in {lines:#?}"))
}

async fn healthy_app() -> TestApp {
    let app = spawn_app().await;
    let org = app.org("Acme", &["sandbox", "slack"]).await;
    connect_sandbox(&app, &org, "cust", "Sandbox user").await;
    subscribe(
        &app,
        &org,
        &format!("http://127.0.0.1:{}/hooks", free_port().await),
    )
    .await;
    app
}

#[tokio::test]
async fn a_healthy_deployment_passes_every_check() {
    let app = healthy_app().await;
    let (status, lines) = doctor(&app, &[]).await;
    assert_eq!(status, 0, "{lines:#?}");
    for check in [
        "settings",
        "keyring",
        "database",
        "migrations",
        "stored secrets",
        "public URL",
    ] {
        assert!(line(&lines, check).starts_with("ok "), "{lines:#?}");
    }
    let secrets = line(&lines, "stored secrets");
    assert!(
        secrets.contains("opened 1 connection credentials"),
        "{secrets}"
    );
    assert!(secrets.contains("1 webhook secrets"), "{secrets}");
    assert!(line(&lines, "provider sandbox").contains("on this Portico"));
    assert!(line(&lines, "provider slack").contains("slack.com"));
    assert!(lines.last().unwrap().starts_with("All "), "{lines:#?}");
}

#[tokio::test]
async fn a_wrong_key_and_an_unreachable_database_are_each_named_with_a_fix() {
    let app = healthy_app().await;
    let wrong = portico::vault::Vault::generate_key("wrong");
    let (status, lines) = doctor(&app, &[("PORTICO_ENCRYPTION_KEYS", &wrong)]).await;
    assert_eq!(status, 1, "{lines:#?}");
    let secrets = line(&lines, "stored secrets");
    assert!(secrets.starts_with("FAIL"), "{secrets}");
    assert!(secrets.contains("connection credentials"), "{secrets}");
    assert!(secrets.contains("webhook secrets"), "{secrets}");
    assert!(secrets.contains("Fix: put the key"), "{secrets}");
    // The other checks still pass, and no secret is printed.
    assert!(line(&lines, "database").starts_with("ok "));
    assert!(!lines.concat().contains(wrong.split(':').nth(1).unwrap()));

    // A database that does not answer: named once, what depends on it skipped.
    let unreachable = match crate::helpers::backend() {
        "postgres" => format!("postgres://portico@127.0.0.1:{}/portico", free_port().await),
        _ => format!(
            "sqlite://{}?mode=rw",
            app.dir.join("no-such-dir").join("portico.db").display()
        ),
    };
    let (status, lines) = doctor(&app, &[("PORTICO_DATABASE_URL", &unreachable)]).await;
    assert_eq!(status, 1, "{lines:#?}");
    let database = line(&lines, "database");
    assert!(
        database.starts_with("FAIL  database: cannot reach the database"),
        "{database}"
    );
    assert!(database.contains("Fix: start the database, or correct PORTICO_DATABASE_URL"));
    assert!(line(&lines, "migrations").starts_with("skip"));
    assert!(line(&lines, "stored secrets").starts_with("skip"));
    assert_eq!(
        lines.iter().filter(|line| line.starts_with("FAIL")).count(),
        1,
        "{lines:#?}"
    );

    // A setting that cannot work stops the checks at once.
    let (status, lines) = doctor(&app, &[("PORTICO_DATABASE_URL", "mysql://db/portico")]).await;
    assert_eq!(status, 1);
    assert!(line(&lines, "settings").contains("PORTICO_DATABASE_URL must start with"));
}

#[tokio::test]
async fn a_public_url_that_does_not_answer_fails_with_the_fix() {
    let app = spawn_app().await;
    let nowhere = format!("http://127.0.0.1:{}", free_port().await);
    let (status, lines) = doctor(&app, &[("PORTICO_PUBLIC_URL", &nowhere)]).await;
    assert_eq!(status, 1);
    let public = line(&lines, "public URL");
    assert!(
        public.starts_with(&format!(
            "FAIL  public URL: {nowhere}/health does not answer"
        )),
        "{public}"
    );
    assert!(public.contains("Fix: start `portico serve`"));
}
