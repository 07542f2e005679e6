//! One egress policy: in production, Portico refuses to call loopback (and every non-public
//! range) whatever the URL says. Only 127.0.0.1 is ever the target here; the other ranges are
//! covered by the address check's unit tests, which send nothing.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use portico::config::{EgressSettings, Mode};
use portico::egress::{Egress, EgressError, Policy};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Reads a request's head, so the answer comes after it as HTTP expects.
async fn read_head(socket: &mut tokio::net::TcpStream) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => head.extend_from_slice(&buffer[..read]),
        }
    }
}

use crate::helpers::{assert_error, spawn_app_with};

/// A live server on 127.0.0.1 that counts the connections it accepts and answers `200 {}`.
async fn counting_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            read_head(&mut socket).await;
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                .await;
        }
    });
    (format!("127.0.0.1:{port}"), count)
}

const PRODUCTION: EgressSettings = EgressSettings {
    allow_http: false,
    allow_loopback: false,
};

#[tokio::test]
async fn in_production_custom_apps_aimed_at_loopback_are_refused_and_nothing_is_sent() {
    let (host, count) = counting_server().await;
    let app = spawn_app_with(|config| {
        config.mode = Mode::Production;
        config.egress = PRODUCTION;
    })
    .await;
    let org = app.org("Acme", &[]).await;
    let oauth_app = |field: &str, url: String| {
        let mut oauth = json!({
            "authorize_url": "https://auth.example.com/authorize",
            "token_url": "https://auth.example.com/token",
            "scopes": [],
            "pkce": true,
            "client_id": "id",
            "client_secret": "secret",
        });
        oauth[field] = json!(url);
        json!({ "slug": "mine", "name": "Mine", "auth_type": "oauth2", "oauth": oauth })
    };
    let cases = [
        (
            "token_url",
            format!("https://{host}/token"),
            "must not point at a loopback address",
        ),
        (
            "token_url",
            format!(
                "https://localhost:{}/token",
                host.rsplit(':').next().unwrap()
            ),
            "must not point at a loopback address",
        ),
        (
            "revoke_url",
            format!("https://{host}/revoke"),
            "must not point at a loopback address",
        ),
        (
            "identity_url",
            format!("https://{host}/me"),
            "must not point at a loopback address",
        ),
        (
            "token_url",
            "https://[::1]/token".to_owned(),
            "must not point at a loopback address",
        ),
        (
            "token_url",
            "https://2130706433/token".to_owned(),
            "must not point at a loopback address",
        ),
        (
            "token_url",
            "http://auth.example.com/token".to_owned(),
            "must use https",
        ),
    ];
    for (field, url, message) in cases {
        let response = app
            .post_json(
                &org,
                "/api/v2/public/custom-app",
                oauth_app(field, url.clone()),
            )
            .await;
        let body = assert_error(response, 422, "validation_failed").await;
        assert_eq!(
            body["error"]["fields"][format!("oauth.{field}")],
            message,
            "{url}: {body}"
        );
    }

    let keyed = |verify_url: String| {
        json!({
            "slug": "keyed", "name": "Keyed", "auth_type": "keybased",
            "auth_input_map": [{ "name": "api_key", "label": "API key", "type": "password", "required": true }],
            "verify": { "url": verify_url, "valid_statuses": [200], "invalid_statuses": [401] },
        })
    };
    let response = app
        .post_json(
            &org,
            "/api/v2/public/custom-app",
            keyed(format!("https://{host}/check?key={{api_key}}")),
        )
        .await;
    let body = assert_error(response, 422, "validation_failed").await;
    assert_eq!(
        body["error"]["fields"]["verify.url"],
        "must not point at a loopback address"
    );
    let response = app
        .post_json(
            &org,
            "/api/v2/public/custom-app",
            keyed("https://{api_key}.example.com/check".to_owned()),
        )
        .await;
    let body = assert_error(response, 422, "validation_failed").await;
    assert!(
        body["error"]["fields"]["verify"]
            .as_str()
            .unwrap()
            .contains("fixed scheme and host"),
        "{body}"
    );
    assert_eq!(app.count("custom_app").await, 0);
    assert_eq!(
        count.load(Ordering::SeqCst),
        0,
        "nothing reached the loopback server"
    );
}

#[tokio::test]
async fn the_egress_client_refuses_loopback_unless_allowed_and_caps_answers() {
    let (host, count) = counting_server().await;
    let strict = Egress::new(Policy {
        allow_http: true,
        allow_loopback: false,
    });
    let port = host.rsplit(':').next().unwrap();
    for url in [
        format!("http://{host}/"),
        format!("http://localhost:{port}/"),
    ] {
        let request = strict.client().get(&url).build().unwrap();
        let error = strict.execute(request).await.unwrap_err();
        assert!(matches!(error, EgressError::Refused(_)), "{url}: {error}");
    }
    // A verification template aimed at loopback is refused the same way.
    let verify: portico::catalog::Verification = serde_json::from_value(json!({
        "url": format!("http://{host}/check"), "valid_statuses": [200], "invalid_statuses": [401],
    }))
    .unwrap();
    let verdict =
        portico::keyauth::verify(&strict, &verify, &portico::keyauth::Values::default()).await;
    assert_eq!(verdict, portico::keyauth::Verdict::Unreachable);
    assert_eq!(
        count.load(Ordering::SeqCst),
        0,
        "nothing reached the loopback server"
    );

    // Allowed explicitly (development and tests), the same request goes through.
    let loose = Egress::new(Policy {
        allow_http: true,
        allow_loopback: true,
    });
    let request = loose
        .client()
        .get(format!("http://{host}/"))
        .build()
        .unwrap();
    let answer = loose.execute(request).await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(count.load(Ordering::SeqCst), 1);

    // An answer over 1 MiB is not read to the end.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let big = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            read_head(&mut socket).await;
            let body = vec![b'x'; 2 * 1024 * 1024];
            let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", body.len());
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(&body).await;
        }
    });
    let request = loose
        .client()
        .get(format!("http://{big}/"))
        .build()
        .unwrap();
    assert!(matches!(
        loose.execute(request).await,
        Err(EgressError::TooLarge)
    ));
}
