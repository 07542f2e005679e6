//! `portico serve` is production-safe without settings: it names what is missing and stops.

#[test]
fn serve_without_settings_refuses_to_start_naming_the_missing_setting() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_portico"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(dir.path())
        .output()
        .expect("portico runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("portico: PORTICO_ENCRYPTION_KEYS is not set"),
        "{stderr}"
    );
    assert!(!dir.path().join("data").exists(), "nothing was created");
}

#[test]
fn the_sandbox_in_production_refuses_to_start_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_portico"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORTICO_MODE", "production")
        .env("PORTICO_SANDBOX", "true")
        .env(
            "PORTICO_ENCRYPTION_KEYS",
            portico::vault::Vault::generate_key("k1"),
        )
        .current_dir(dir.path())
        .output()
        .expect("portico runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("portico: PORTICO_SANDBOX=true needs PORTICO_MODE=dev"),
        "{stderr}"
    );
    assert!(!dir.path().join("data").exists(), "nothing was created");
}

/// Orgs that allowed origins before the preflight index existed keep them after upgrading.
#[tokio::test]
async fn upgrading_copies_allowed_origins_into_the_preflight_index() {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::database_url(dir.path()).await;
    let db = portico::db::connect(&url).await.unwrap();
    Migrator::up(&db, Some(2)).await.unwrap();
    portico::entity::org::ActiveModel {
        id: Set("org-before".to_owned()),
        name: Set("Before".to_owned()),
        brand_color: Set("#4338ca".to_owned()),
        logo_url: Set(None),
        allowed_origins: Set(r#"["https://app.example.com","http://localhost:5173"]"#.to_owned()),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&db)
    .await
    .unwrap();
    Migrator::up(&db, None).await.unwrap();
    for origin in ["https://app.example.com", "http://localhost:5173"] {
        assert!(
            portico::tenancy::origin_allowed_anywhere(&db, origin)
                .await
                .unwrap(),
            "{origin}"
        );
    }
    assert!(
        !portico::tenancy::origin_allowed_anywhere(&db, "https://evil.example")
            .await
            .unwrap()
    );
}
