//! `portico serve` is production-safe without settings: it names what is missing and stops.

/// Runs `portico serve` in an empty folder with only `settings` (and `PATH`); returns its
/// exit code and the lines it printed on standard error. It must create nothing.
fn refused_start(settings: &[(&str, &str)]) -> (Option<i32>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_portico"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(settings.iter().copied())
        .current_dir(dir.path())
        .output()
        .expect("portico runs");
    assert!(!dir.path().join("data").exists(), "nothing was created");
    let lines = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect();
    (output.status.code(), lines)
}

#[test]
fn serve_without_settings_refuses_to_start_naming_the_missing_setting() {
    let (code, lines) = refused_start(&[]);
    assert_eq!(code, Some(2));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("portico: PORTICO_ENCRYPTION_KEYS is not set"),
        "{lines:?}"
    );
}

#[test]
fn the_sandbox_in_production_refuses_to_start_in_one_line() {
    let keyring = portico::vault::Vault::generate_key("k1");
    let (code, lines) = refused_start(&[
        ("PORTICO_MODE", "production"),
        ("PORTICO_SANDBOX", "true"),
        ("PORTICO_ENCRYPTION_KEYS", &keyring),
    ]);
    assert_eq!(code, Some(2));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("portico: PORTICO_SANDBOX=true needs PORTICO_MODE=dev"),
        "{lines:?}"
    );
}

/// Orgs that allowed origins before the preflight index existed keep them after upgrading.
#[tokio::test]
async fn upgrading_copies_allowed_origins_into_the_preflight_index() {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ActiveValue::Set, EntityTrait};

    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::database_url(dir.path()).await;
    let db = portico::db::connect(&url).await.unwrap();
    Migrator::up(&db, Some(2)).await.unwrap();
    let before = portico::entity::org::ActiveModel {
        id: Set("org-before".to_owned()),
        name: Set("Before".to_owned()),
        brand_color: Set("#4338ca".to_owned()),
        logo_url: Set(None),
        allowed_origins: Set(r#"["https://app.example.com","http://localhost:5173"]"#.to_owned()),
        created_at: Set(chrono::Utc::now()),
        // Columns of later migrations are left out (and not read back).
        ..Default::default()
    };
    portico::entity::org::Entity::insert(before)
        .exec_without_returning(&db)
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
