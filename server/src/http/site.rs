//! The built site — the wasm bundle, its JS and CSS, icons, `portico.js` — as the web expects
//! it: from the binary itself (or a directory, `PORTICO_SITE_ROOT`, while developing), the
//! bundle under a path named by its content hash and cached for a year, everything with an
//! `ETag`, and brotli or gzip sent as stored at build time when the browser takes it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use include_dir::{Dir, include_dir};
use sha2::{Digest, Sha256};
use tower_http::compression::Predicate;
use tower_http::services::{ServeDir, ServeFile};

/// The site `cargo leptos build` left in `target/site` when the binary was built (empty when
/// there was none).
static EMBEDDED: Dir<'static> = include_dir!("$PORTICO_EMBEDDED_SITE");

/// How the bundle's content-named files may be kept: they never change under their name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// How the other files may be kept: asked again each time, answered 304 while unchanged.
const REVALIDATE: &str = "no-cache";

/// Where the site comes from.
#[derive(Clone)]
pub(crate) enum Site {
    /// Compiled into the binary.
    Embedded(Arc<Files>),
    /// A directory on disk, read per request.
    Disk(PathBuf),
}

impl Site {
    /// The directory when one is named, else the embedded site when the binary has one,
    /// else `target/site`.
    pub(crate) fn choose(directory: Option<&std::path::Path>) -> Self {
        match directory {
            Some(directory) => Self::Disk(directory.to_owned()),
            None if EMBEDDED.get_dir("pkg").is_some() => {
                Self::Embedded(Arc::new(Files::embedded()))
            }
            None => Self::Disk(PathBuf::from("target/site")),
        }
    }

    /// Whether the pages will find their styles and islands.
    pub(crate) fn is_built(&self) -> bool {
        match self {
            Self::Embedded(_) => true,
            Self::Disk(root) => root.join("pkg").is_dir(),
        }
    }

    /// A description for the log.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Embedded(files) => format!("embedded (bundle {})", files.hash),
            Self::Disk(root) => root.display().to_string(),
        }
    }

    /// The bundle's directory as pages name it (`pkg/<content hash>` when embedded).
    pub(crate) fn pkg_dir(&self) -> String {
        match self {
            Self::Embedded(files) => format!("pkg/{}", files.hash),
            Self::Disk(_) => "pkg".to_owned(),
        }
    }

    /// The site's routes.
    pub(crate) fn routes<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        match self {
            Self::Embedded(files) => Router::new()
                .route("/pkg/{hash}/{file}", get(bundle))
                .route("/pkg/{file}", get(file))
                .route("/icons/{file}", get(file))
                .route("/favicon.svg", get(file))
                .route("/portico.js", get(file))
                .with_state(files.clone()),
            Self::Disk(root) => Router::new()
                .nest_service("/pkg", ServeDir::new(root.join("pkg")))
                .nest_service("/icons", ServeDir::new(root.join("icons")))
                .route_service("/favicon.svg", ServeFile::new(root.join("favicon.svg")))
                .route_service("/portico.js", ServeFile::new(root.join("portico.js"))),
        }
    }
}

/// Compresses pages (HTML) as they stream, for browsers that take brotli or gzip. The site's
/// files come compressed as built, JSON answers are small, and the widget's event stream must
/// not wait for a compressor's buffer.
pub(crate) fn compress_pages() -> tower_http::compression::CompressionLayer<impl Predicate> {
    let html =
        |_: StatusCode, _: axum::http::Version, headers: &HeaderMap, _: &axum::http::Extensions| {
            headers
                .get(header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .is_some_and(|value| value.starts_with("text/html"))
        };
    tower_http::compression::CompressionLayer::new()
        .quality(tower_http::CompressionLevel::Precise(4))
        .compress_when(html)
}

/// One file as stored, with its compressed forms.
struct File {
    contents: &'static [u8],
    brotli: Option<&'static [u8]>,
    gzip: Option<&'static [u8]>,
    etag: HeaderValue,
    content_type: HeaderValue,
}

/// The embedded files by path, and the bundle's content hash.
pub(crate) struct Files {
    by_path: HashMap<String, File>,
    hash: String,
}

impl Files {
    fn embedded() -> Self {
        let mut all = Vec::new();
        collect(&EMBEDDED, &mut all);
        let stored: HashMap<&str, &'static [u8]> = all
            .iter()
            .map(|file| (file.path().to_str().unwrap_or_default(), file.contents()))
            .collect();
        let mut bundle = Sha256::new();
        let mut by_path = HashMap::new();
        let mut paths: Vec<&str> = stored.keys().copied().collect();
        paths.sort_unstable();
        for path in paths {
            if path.ends_with(".br") || path.ends_with(".gz") {
                continue;
            }
            let contents = stored[path];
            let digest = Sha256::digest(contents);
            if path.starts_with("pkg/") {
                bundle.update(path.as_bytes());
                bundle.update(digest);
            }
            let etag = format!("\"{}\"", hex(&digest[..12]));
            let file = File {
                contents,
                brotli: stored.get(format!("{path}.br").as_str()).copied(),
                gzip: stored.get(format!("{path}.gz").as_str()).copied(),
                etag: HeaderValue::from_str(&etag).expect("hex is a header value"),
                content_type: HeaderValue::from_static(content_type(path)),
            };
            by_path.insert(path.to_owned(), file);
        }
        Self {
            by_path,
            hash: hex(&bundle.finalize()[..6]),
        }
    }
}

fn collect(dir: &'static Dir<'static>, into: &mut Vec<&'static include_dir::File<'static>>) {
    into.extend(dir.files());
    for sub in dir.dirs() {
        collect(sub, into);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ending)| ending) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// `/pkg/<hash>/<file>`: the bundle under its content hash, kept for a year. Another hash (a
/// page from before a deploy) still gets today's file, but only for revalidation.
async fn bundle(
    State(files): State<Arc<Files>>,
    Path((hash, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let cache = if hash == files.hash {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    answer(&files, &format!("pkg/{name}"), &headers, cache)
}

/// Any other site file, by its own path.
async fn file(
    State(files): State<Arc<Files>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path().trim_start_matches('/');
    // A catalog app's brand icon, when the build made one, stands in for its monogram.
    let brand = path
        .strip_prefix("icons/")
        .filter(|name| !name.contains('/'))
        .map(|name| format!("icons/brand/{name}"))
        .filter(|brand| files.by_path.contains_key(brand.as_str()));
    answer(
        &files,
        brand.as_deref().unwrap_or(path),
        &headers,
        REVALIDATE,
    )
}

fn answer(files: &Files, path: &str, headers: &HeaderMap, cache: &'static str) -> Response {
    let Some(file) = files.by_path.get(path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tags| tags.as_bytes() == file.etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let accepted = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let takes = |coding: &str| {
            accepted.split(',').any(|part| {
                part.split(';')
                    .next()
                    .is_some_and(|name| name.trim() == coding)
            })
        };
        let (body, coding) = match (file.brotli, file.gzip) {
            (Some(brotli), _) if takes("br") => (brotli, Some("br")),
            (_, Some(gzip)) if takes("gzip") => (gzip, Some("gzip")),
            _ => (file.contents, None),
        };
        let mut response = Response::new(Body::from(body));
        let answer_headers = response.headers_mut();
        answer_headers.insert(header::CONTENT_TYPE, file.content_type.clone());
        if let Some(coding) = coding {
            answer_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    };
    let answer_headers = response.headers_mut();
    answer_headers.insert(header::ETAG, file.etag.clone());
    answer_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if file.brotli.is_some() || file.gzip.is_some() {
        answer_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::content_type;

    #[test]
    fn each_kind_of_site_file_has_its_type() {
        assert_eq!(content_type("pkg/portico.wasm"), "application/wasm");
        assert_eq!(
            content_type("pkg/portico.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("icons/slack.svg"), "image/svg+xml");
        assert_eq!(content_type("pkg/portico.d.ts"), "application/octet-stream");
    }
}
