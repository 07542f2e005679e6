//! An org's branding per environment: a name, an accent that reads on the page (refused with
//! the nearest shade that does), a logo re-encoded by Portico, and the "Secured by Portico" line.

use std::io::Cursor;

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestOrg, assert_error, spawn_app};

pub fn picture(format: image::ImageFormat, width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut Cursor::new(&mut bytes), format)
        .unwrap();
    bytes
}

async fn put_logo(app: &TestApp, org: &TestOrg, body: Vec<u8>, kind: &str) -> reqwest::Response {
    app.client
        .put(app.url("/api/v2/public/branding/logo"))
        .header("x-api-key", &org.key)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn put_branding(app: &TestApp, org: &TestOrg, body: Value) -> reqwest::Response {
    app.client
        .put(app.url("/api/v2/public/branding"))
        .header("x-api-key", &org.key)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_accent_under_aa_contrast_is_refused_with_the_nearest_shade_that_passes() {
    let app = spawn_app().await;
    let org = app.org("Brand Co", &["slack"]).await;
    let refused = assert_error(
        put_branding(&app, &org, json!({ "accent": "#ffcc00" })).await,
        422,
        "validation_failed",
    )
    .await;
    let message = refused["error"]["fields"]["accent"].as_str().unwrap();
    assert!(message.contains("4.5:1"), "{message}");
    let shade = message.rsplit(' ').next().unwrap();
    assert!(shade.starts_with('#') && shade.len() == 7, "{message}");
    assert_eq!(app.count("branding").await, 0, "nothing was stored");

    let taken: Value = put_branding(&app, &org, json!({ "accent": shade, "name": "Brand Cö" }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(taken["accent"], shade);
    assert_eq!(taken["name"], "Brand Cö");

    // A link's own colour keeps working, as the nearest shade that reads on its background.
    app.upsert_account(&org, "cust").await;
    for (color, background, shown) in [
        ("#ffcc00", None, "#8f7200"),
        ("#333333", Some("#000000"), "#767676"),
        ("#0f766e", None, "#0f766e"),
    ] {
        let mut body = json!({ "linked_account_id": "cust", "color": color });
        if let Some(background) = background {
            body["bgColor"] = json!(background);
        }
        let link: Value = app
            .post_json(&org, "/api/v2/public/connect-url", body)
            .await
            .json()
            .await
            .unwrap();
        let page = app.open(link["hosted_url"].as_str().unwrap()).await;
        assert!(
            page.contains(&format!("--accent: {shown}")),
            "{color}: {page}"
        );
    }
    for bad in [
        json!({ "accent": "red" }),
        json!({ "name": "" }),
        json!({ "colour": "#000000" }),
    ] {
        let response = put_branding(&app, &org, bad.clone()).await;
        assert!(response.status().is_client_error(), "{bad}");
    }
}

#[tokio::test]
async fn a_logo_is_checked_reencoded_and_served_for_good_and_the_pages_use_the_branding() {
    let app = spawn_app().await;
    let org = app.org("Logo Co", &["slack", "twilio"]).await;

    // Too large, SVG, and not an image are refused; nothing is kept.
    let large = vec![0x89; 2 * 1024 * 1024];
    assert_error(
        put_logo(&app, &org, large, "image/png").await,
        413,
        "payload_too_large",
    )
    .await;
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.to_vec();
    let refused = assert_error(
        put_logo(&app, &org, svg, "image/svg+xml").await,
        422,
        "validation_failed",
    )
    .await;
    assert!(
        refused["error"]["fields"]["logo"]
            .as_str()
            .unwrap()
            .contains("SVG")
    );
    let text = b"GIF89a, or so it says".to_vec();
    assert_error(
        put_logo(&app, &org, text, "image/gif").await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(app.count("brand_logo").await, 0);

    // A picture near the limit is taken (noise does not compress).
    let mut seed = 7_u32;
    let noise = image::RgbImage::from_fn(256, 256, |_, _| {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let [a, b, c, _] = seed.to_le_bytes();
        image::Rgb([a, b, c])
    });
    let mut near = Vec::new();
    image::DynamicImage::ImageRgb8(noise)
        .write_to(&mut Cursor::new(&mut near), image::ImageFormat::Png)
        .unwrap();
    assert!(
        (150_000..256 * 1024).contains(&near.len()),
        "{}",
        near.len()
    );
    let response = put_logo(&app, &org, near, "image/png").await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    // A JPEG is taken, re-encoded as a PNG and served under its digest for a year.
    let jpeg = picture(image::ImageFormat::Jpeg, 800, 200);
    let taken: Value = put_logo(&app, &org, jpeg.clone(), "image/jpeg")
        .await
        .json()
        .await
        .unwrap();
    let logo_url = taken["logo_url"].as_str().unwrap().to_owned();
    assert!(
        logo_url.starts_with(&app.url("/brand/")) && logo_url.ends_with(".png"),
        "{logo_url}"
    );
    let served = app.client.get(&logo_url).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(
        served.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    let png = served.bytes().await.unwrap();
    assert_ne!(png.as_ref(), jpeg.as_slice());
    let decoded = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (512, 128),
        "scaled to fit 512 px"
    );
    for path in [
        "/brand/nope.png",
        "/brand/../etc.png",
        &format!("{}x", &logo_url[app.base.len()..]),
    ] {
        let status = app.client.get(app.url(path)).send().await.unwrap().status();
        assert_eq!(status, 404, "{path}");
    }

    // The pages use it: the hosted page, the widget and the start page.
    let changed: Value = put_branding(
        &app,
        &org,
        json!({ "name": "Logo & Co", "accent": "#0f766e", "secured_by": false }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(changed["secured_by"], false);
    app.upsert_account(&org, "cust").await;
    let digest_path = &logo_url[app.base.len()..];
    let hosted = app.open(&app.hosted_url(&org, "cust").await).await;
    assert!(hosted.contains("Logo &amp; Co"), "{hosted}");
    assert!(hosted.contains("--accent: #0f766e"));
    assert!(hosted.contains(&format!("src=\"{digest_path}\"")));
    assert!(!hosted.contains("Secured by Portico"));
    let token = crate::helpers::widget_token(&app, &org, "cust").await;
    let widget = crate::embed::page(&app, &format!("/embed/{token}")).await;
    assert!(widget.contains("--accent: #0f766e") && !widget.contains("Secured by Portico"));

    // Removing the logo leaves the rest; another org sees none of it.
    let cleared: Value = app
        .call(
            &org,
            reqwest::Method::DELETE,
            "/api/v2/public/branding/logo",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["logo_url"], Value::Null);
    assert_eq!(cleared["name"], "Logo & Co");
    let other = app.org("Other Co", &["slack"]).await;
    let theirs = app.get_json(&other, "/api/v2/public/branding", None).await;
    assert_eq!(theirs["name"], Value::Null);
    assert_eq!(theirs["secured_by"], true);
}
