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
