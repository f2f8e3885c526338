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
        "\n/** Major version of this header (the library's is in fw_version()). */\n#define FW_VERSION_MAJOR {major}\n\
         /** Minor version of this header; while the major is 0, a new minor may break the ABI (new soname). */\n#define FW_VERSION_MINOR {minor}\n\
         /** Patch version of this header. */\n#define FW_VERSION_PATCH {patch}\n\
         /** (major << 16) | (minor << 8) | patch; compare with fw_version_number(). */\n#define FW_VERSION_NUMBER {}\n\
         /** The version of this header as text; compare with fw_version(). */\n#define FW_VERSION_STRING \"{version}\"\n",
        (major << 16) | (minor << 8) | patch
    ));
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen failed: {e}"));
    let header = out_dir.join("fwclient.h");
    let mut text = Vec::new();
    bindings.write(&mut text);
    let text = document_enum_typedefs(String::from_utf8(text).expect("the header is UTF-8"));
    std::fs::write(&header, text).expect("write the generated header");
    // OUT_DIR is <target>/<profile>/build/fwclient-<hash>/out.
    if let Some(profile_dir) = out_dir.ancestors().nth(3) {
        copy_beside_library(&header, profile_dir);
    }
}

/// The enums travel as uint32_t: cbindgen documents each enum but not the
/// `typedef uint32_t <name>;` it adds after it, so a line is added there.
fn document_enum_typedefs(text: String) -> String {
    let mut out = String::with_capacity(text.len() + 1024);
    for line in text.split_inclusive('\n') {
        if let Some(name) = line
            .strip_prefix("typedef uint32_t ")
            .and_then(|rest| rest.trim_end().strip_suffix(';'))
        {
            out.push_str(&format!(
                "/** A {name} value, as a fixed-width 32-bit number (see enum {name}). */\n"
            ));
        }
        out.push_str(line);
    }
    out
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
