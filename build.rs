//! Generates the C header from this crate (the ABI crate) with cbindgen
//! (configuration in cbindgen.toml) into OUT_DIR, and copies it next to the
//! library as `<target>/<profile>/include/fwclient.h`. The source tree is
//! never written: `make header` copies it to the committed include/fwclient.h
//! and `make header-check` fails when the two differ.

use std::path::{Path, PathBuf};

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    for watched in ["src", "cbindgen.toml", "Cargo.toml"] {
        println!("cargo:rerun-if-changed={watched}");
    }
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap();
    let mut parts = version
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor, patch) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    config.after_includes = Some(format!(
        "\n#define FW_VERSION_MAJOR {major}\n#define FW_VERSION_MINOR {minor}\n#define FW_VERSION_PATCH {patch}\n\
         /** (major << 16) | (minor << 8) | patch; compare with fw_version_number(). */\n#define FW_VERSION_NUMBER {}\n#define FW_VERSION_STRING \"{version}\"\n",
        (major << 16) | (minor << 8) | patch
    ));
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen failed: {e}"));
    let header = out_dir.join("fwclient.h");
    bindings.write_to_file(&header);
    // OUT_DIR is <target>/<profile>/build/fwclient-<hash>/out.
    if let Some(profile_dir) = out_dir.ancestors().nth(3) {
        copy_beside_library(&header, profile_dir);
    }
}

/// Copies the header to `<profile_dir>/include/fwclient.h`.
fn copy_beside_library(header: &Path, profile_dir: &Path) {
    let dir = profile_dir.join("include");
    std::fs::create_dir_all(&dir).expect("create <target>/<profile>/include");
    let dest = dir.join("fwclient.h");
    let new = std::fs::read(header).expect("read the generated header");
    if std::fs::read(&dest).ok().as_deref() != Some(&new[..]) {
        std::fs::write(&dest, new).expect("write <target>/<profile>/include/fwclient.h");
    }
}
