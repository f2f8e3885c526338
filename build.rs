//! Writes include/fwclient.h from the crate with cbindgen (configuration in
//! cbindgen.toml). The header is committed; `make test` fails when it drifts.

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    // cbindgen reads the whole crate (a `pub const` anywhere in it becomes
    // a macro), so all of src/ is watched.
    for watched in ["src", "cbindgen.toml", "Cargo.toml"] {
        println!("cargo:rerun-if-changed={watched}");
    }
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
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
    let mut config = config;
    config.after_includes = Some(format!(
        "\n#define FW_VERSION_MAJOR {major}\n#define FW_VERSION_MINOR {minor}\n#define FW_VERSION_PATCH {patch}\n\
         /* (major << 16) | (minor << 8) | patch */\n#define FW_VERSION_NUMBER {}\n#define FW_VERSION_STRING \"{version}\"\n",
        (major << 16) | (minor << 8) | patch
    ));
    match cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
    {
        Ok(bindings) => {
            bindings.write_to_file(crate_dir.join("include/fwclient.h"));
        }
        Err(e) => panic!("cbindgen failed: {e}"),
    }
}
