//! Embeds the built site (the wasm bundle, its JS and CSS, icons, `portico.js`) in the
//! `portico` binary, so the one file is all a server needs. The site is what `cargo leptos
//! build` leaves in `target/site`; a build without one (lints, unit tests) embeds nothing and
//! serves the site from disk.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let site = manifest.join("../target/site");
    // Cargo looks at every file under the directory, so a rebuilt site is embedded anew. A
    // site not built yet is an empty directory, watched for the build that fills it.
    std::fs::create_dir_all(&site).expect("the target directory is writable");
    println!("cargo::rerun-if-changed={}", site.display());
    let embedded = if site.join("pkg").is_dir() {
        site
    } else {
        let empty = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("no-site");
        std::fs::create_dir_all(&empty).expect("OUT_DIR is writable");
        empty
    };
    println!("cargo::rerun-if-changed=build.rs");
    println!(
        "cargo::rustc-env=PORTICO_EMBEDDED_SITE={}",
        embedded
            .canonicalize()
            .expect("the site path resolves")
            .display()
    );
}
