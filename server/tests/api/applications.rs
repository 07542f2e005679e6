use app::dto::ReauthReason;
use portico::catalog;
use portico::entity::app_config;
use portico::tenancy::Environment;
use portico::vault::{self, Vault};
use reqwest::Method;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::helpers::{assert_error, backend, spawn_app};

/// The JSON type of a value, for shape comparison.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key of `sample` is in `ours` with the same JSON type, recursively (arrays by first item).
fn assert_same_shape(sample: &Value, ours: &Value, path: &str) {
    assert_eq!(kind(sample), kind(ours), "type of {path}");
    match (sample, ours) {
        (Value::Object(sample), Value::Object(ours)) => {
            for (key, value) in sample {
                let theirs = ours
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}.{key} missing"));
                assert_same_shape(value, theirs, &format!("{path}.{key}"));
            }
        }
        (Value::Array(sample), Value::Array(ours)) => {
            if let (Some(first), Some(mine)) = (sample.first(), ours.first()) {
                assert_same_shape(first, mine, &format!("{path}[0]"));
            }
        }
        _ => {}
    }
}

fn is_rfc3339_millis_z(value: &str) -> bool {
    let bytes = value.as_bytes();
    value.len() == 24
        && value.ends_with('Z')
        && bytes[10] == b'T'
        && bytes[19] == b'.'
        && chrono::DateTime::parse_from_rfc3339(value).is_ok()
}

#[tokio::test]
async fn application_list_has_the_shape_of_the_documented_sample() {
    eprintln!("database backend: {}", backend());
    let app = spawn_app().await;
    let org = app.org("Shape Co", &["slack", "twilio"]).await;
    app.upsert_account(&org, "cust-1").await;
    app.connection(
        &org,
        "cust-1",
        "slack",
        "Cobalt",
        Some(ReauthReason::TokenRevoked),
    )
    .await;

    let response = app
        .get_as(&org, "/api/v2/public/application", Some("cust-1"))
        .await;
    assert_eq!(response.status(), 200);
    let ours: Value = response.json().await.unwrap();
    let sample: Value =
        serde_json::from_str(include_str!("../fixtures/cobalt_application_sample.json")).unwrap();

    let slack = ours
        .as_array()
        .unwrap()
        .iter()
        .find(|app| app["slug"] == "slack")
        .expect("slack listed");
    assert_same_shape(&sample[0], slack, "application");
    assert_eq!(slack["connected"], true);
    assert_eq!(slack["reauth_required"], true);
    assert_eq!(slack["reauth_reason"], "token_revoked");
    assert_eq!(slack["type"], "slack");
    assert_eq!(slack["auth_type"], "oauth2");
    assert_eq!(slack["connected_accounts"][0]["identifier"], "Cobalt");
    let at = slack["connected_accounts"][0]["connectedAt"]
        .as_str()
        .unwrap();
    assert!(is_rfc3339_millis_z(at), "{at}");
    assert_eq!(slack["icon"], app.url("/icons/slack.svg"));
    assert_eq!(slack["auth_input_map"], json!([]));

    let twilio = ours
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == "twilio")
        .unwrap();
    assert_eq!(twilio["connected"], false);
    assert_eq!(twilio["reauth_required"], false);
    assert_eq!(twilio["reauth_reason"], Value::Null);
    assert_eq!(twilio["connected_accounts"], json!([]));
    assert_eq!(twilio["auth_type"], "keybased");
    let fields: Vec<_> = twilio["auth_input_map"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| {
            for key in ["name", "type", "required", "placeholder", "label"] {
                assert!(field.get(key).is_some(), "auth_input_map field lacks {key}");
            }
            field["name"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(fields, ["number", "sid"]);
}

#[tokio::test]
async fn only_enabled_apps_are_listed_and_single_app_lookup_agrees() {
    let app = spawn_app().await;
    let org = app.org("Listing Co", &["hubspot", "stripe"]).await;
    app.upsert_account(&org, "cust-1").await;

    let list = app
        .get_json(&org, "/api/v2/public/application", Some("cust-1"))
        .await;
    let slugs: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["hubspot", "stripe"]);

    let one = app
        .get_as(&org, "/api/v2/public/application/stripe", Some("cust-1"))
        .await;
    assert_eq!(one.status(), 200);
    let one: Value = one.json().await.unwrap();
    assert_eq!(one, list[1]);

    let not_enabled = app
        .get_as(&org, "/api/v2/public/application/slack", Some("cust-1"))
        .await;
    assert_error(not_enabled, 404, "not_found").await;
}

#[tokio::test]
async fn enabling_through_the_api_lists_the_app_and_disabling_flags_its_connections() {
    let app = spawn_app().await;
    let org = app.org("Config Co", &[]).await;
    app.upsert_account(&org, "cust-1").await;

    let response = app
        .client
        .put(app.url("/api/v2/public/app/pipedrive/config"))
        .header("x-api-key", &org.key)
        .json(&json!({ "client_id": "abc", "scopes": ["deals:read"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let listed = app
        .get_json(&org, "/api/v2/public/application", Some("cust-1"))
        .await;
    assert_eq!(listed[0]["slug"], "pipedrive");

    app.connection(&org, "cust-1", "pipedrive", "Sales team", None)
        .await;
    let response = app
        .call(&org, Method::DELETE, "/api/v2/public/app/pipedrive/config")
        .await;
    assert_eq!(response.status(), 200);
    // Turned off, it stays listed while the customer has connections of it, so the vendor's
    // own UI can say why they stopped working.
    let listed = app
        .get_json(&org, "/api/v2/public/application", Some("cust-1"))
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["slug"], "pipedrive");
    assert_eq!(listed[0]["enabled"], false);
    assert_eq!(listed[0]["connected"], true);
    assert_eq!(listed[0]["reauth_required"], true);
    assert_eq!(listed[0]["reauth_reason"], "app_deleted");
    let one = app
        .get_json(&org, "/api/v2/public/application/pipedrive", Some("cust-1"))
        .await;
    assert_eq!(one["enabled"], false);
    // A customer without connections of it does not see it.
    app.upsert_account(&org, "cust-2").await;
    let listed = app
        .get_json(&org, "/api/v2/public/application", Some("cust-2"))
        .await;
    assert_eq!(listed, json!([]));

    // Enabled again, the old connection shows why it needs a reconnect.
    let response = app
        .call(&org, Method::PUT, "/api/v2/public/app/pipedrive/config")
        .await;
    assert_eq!(response.status(), 200);
    let pipedrive = app
        .get_json(&org, "/api/v2/public/application/pipedrive", Some("cust-1"))
        .await;
    assert_eq!(pipedrive["reauth_required"], true);
    assert_eq!(pipedrive["reauth_reason"], "app_deleted");
    assert_eq!(pipedrive["enabled"], true);
}

#[tokio::test]
async fn a_client_secret_is_sealed_at_rest_and_never_echoed() {
    let app = spawn_app().await;
    let org = app.org("Secret Co", &[]).await;
    let canary = "canary-client-secret-7f3a9c";
    let response = app
        .client
        .put(app.url("/api/v2/public/app/slack/config"))
        .header("x-api-key", &org.key)
        .json(&json!({ "client_id": "abc", "client_secret": canary }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(!response.text().await.unwrap().contains(canary));

    // Re-enabling without a secret keeps the stored one.
    let response = app
        .call(&org, Method::PUT, "/api/v2/public/app/slack/config")
        .await;
    assert_eq!(response.status(), 200);

    let row = app_config::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let sealed = row.client_secret.expect("secret stored");
    assert!(!sealed.windows(canary.len()).any(|w| w == canary.as_bytes()));
    let binding = catalog::client_secret_binding(&org.id, Environment::Test, "slack");
    assert_eq!(
        app.vault.open_string(&sealed, &binding).unwrap().as_str(),
        canary
    );
    assert_eq!(row.client_id.as_deref(), Some("abc"));

    // Nowhere in the SQLite files either (database and write-ahead log).
    for entry in std::fs::read_dir(&app.dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
                "{} holds the secret in the clear",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn rotation_reseals_stored_secrets_under_the_new_key() {
    let app = spawn_app().await;
    let org = app.org("Rotate Co", &[]).await;
    let response = app
        .client
        .put(app.url("/api/v2/public/app/hubspot/config"))
        .header("x-api-key", &org.key)
        .json(&json!({ "client_id": "abc", "client_secret": "s3cret" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let new_key = Vault::generate_key("next");
    let old_spec = std::fs::read_to_string(app.dir.join("keyring")).unwrap();
    let both = Vault::from_keyring(&format!("{},{old_spec}", new_key.as_str())).unwrap();
    let report = portico::rotation::rotate(&app.db, &both).await.unwrap();
    assert_eq!(
        report,
        vault::RotationReport {
            resealed: 1,
            current: 0
        }
    );
    let again = portico::rotation::rotate(&app.db, &both).await.unwrap();
    assert_eq!(
        again,
        vault::RotationReport {
            resealed: 0,
            current: 1
        }
    );

    let sealed = app_config::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .client_secret
        .unwrap();
    assert_eq!(Vault::key_id_of(&sealed), Ok("next"));
    let only_new = Vault::from_keyring(&new_key).unwrap();
    let binding = catalog::client_secret_binding(&org.id, Environment::Test, "hubspot");
    assert_eq!(
        only_new.open_string(&sealed, &binding).unwrap().as_str(),
        "s3cret"
    );
}
