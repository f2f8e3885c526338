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
    let text = derive_lists(text, &out_dir);
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

/// The enums whose values are written once, in their Rust definition (the
/// table); the rest is derived here from the generated header: for each, the
/// X-macro the bindings build their lists from, and (OUT_DIR/<enum>_table.rs)
/// the Rust `ALL`, `from_u32` and `name`. `(enum, X-macro, skipped value)`.
const LISTS: [(&str, &str, &str, &str); 4] = [
    (
        "fw_result",
        "FW_ERRORS",
        "FW_OK",
        "\n * Every binding names its error type for a code after the stem: C++\n * \
         `fw::<Stem>Error`, Python `fwclient.<Stem>Error`, Go `Err<Stem>` with Go's\n * \
         initialisms upper-cased (IO, TLS, URL, TOS, HTTP): FW_ERR_HTTP_STATUS is\n * \
         fw::HttpStatusError, fwclient.HttpStatusError, fwclient.ErrHTTPStatus.",
    ),
    ("fw_remedy", "FW_REMEDIES", "", ""),
    ("fw_token_source", "FW_TOKEN_SOURCES", "", ""),
    ("fw_layout", "FW_LAYOUTS", "", ""),
];

/// `text` with the X-macros of `LISTS` before its include guard's end;
/// writes each enum's Rust table into `out_dir`.
fn derive_lists(text: String, out_dir: &Path) -> String {
    let mut macros = String::new();
    for (name, list, skipped, naming) in LISTS {
        let values = enum_values(&text, name);
        std::fs::write(
            out_dir.join(format!("{name}_table.rs")),
            rust_table(name, &values),
        )
        .expect("write an enum table");
        let listed: Vec<_> = values.into_iter().filter(|(v, _)| v != skipped).collect();
        let prefix = common_prefix(&listed);
        macros.push_str(&format!(
            "\n/**\n * Every {name} value{}, as X(NAME, Stem): the stem is NAME without\n * \
             `{prefix}`, in CamelCase. The bindings derive their lists from it.{naming}\n */\n#define {list}(X)",
            if skipped.is_empty() { String::new() } else { format!(" but {skipped}") },
        ));
        for (value, _) in &listed {
            macros.push_str(&format!(
                " \\\n  X({value}, {})",
                camel(&value[prefix.len()..])
            ));
        }
        macros.push('\n');
    }
    let end = text
        .rfind("\n#endif  /* FWCLIENT_H */")
        .expect("the header ends with its include guard");
    format!("{}{macros}{}", &text[..end], &text[end..])
}

/// The `NAME = number` values of `enum name` in the header, in order.
fn enum_values(text: &str, name: &str) -> Vec<(String, u32)> {
    let start = text
        .find(&format!("\nenum {name}\n"))
        .unwrap_or_else(|| panic!("enum {name} is in the header"));
    let body = &text[start..];
    let body = &body[..body.find("};").expect("the enum ends")];
    body.lines()
        .filter_map(|l| l.trim().strip_suffix(',')?.split_once(" = "))
        .map(|(v, n)| (v.to_owned(), n.parse().expect("an explicit number")))
        .collect()
}

/// The longest `FW_..._` prefix every value shares.
fn common_prefix(values: &[(String, u32)]) -> String {
    let first = &values[0].0;
    let mut end = 0;
    for (i, _) in first.match_indices('_') {
        if values.iter().all(|(v, _)| v.starts_with(&first[..=i])) {
            end = i + 1;
        }
    }
    first[..end].to_owned()
}

/// `HTTP_STATUS` → `HttpStatus`.
fn camel(words: &str) -> String {
    words
        .split('_')
        .map(|w| w[..1].to_owned() + &w[1..].to_ascii_lowercase())
        .collect()
}

/// `ALL`, `from_u32` and `name` of enum `name` with `values`.
fn rust_table(name: &str, values: &[(String, u32)]) -> String {
    let all: String = values
        .iter()
        .map(|(v, _)| format!("{name}::{v}, "))
        .collect();
    let names: String = values
        .iter()
        .map(|(v, _)| format!("{name}::{v} => c\"{v}\", "))
        .collect();
    format!(
        "impl {name} {{\n\
         /// Every value, in the header's order (derived from the header by build.rs).\n\
         pub const ALL: [{name}; {}] = [{all}];\n\
         /// The value with this number, if any.\n\
         pub fn from_u32(n: u32) -> Option<{name}> {{ {name}::ALL.into_iter().find(|v| *v as u32 == n) }}\n\
         /// The value's name in the header, e.g. `\"{}\"`.\n\
         pub fn name(self) -> &'static std::ffi::CStr {{ match self {{ {names} }} }}\n}}\n",
        values.len(),
        values[0].0,
    )
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
