//! Links the driver against libfwclient in $FWCLIENT_LIBDIR (default
//! ../../target/release), with an rpath so it runs without LD_LIBRARY_PATH.

fn main() {
    let libdir = std::env::var("FWCLIENT_LIBDIR").unwrap_or_else(|_| {
        let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
        format!("{manifest}/../../target/release")
    });
    let libdir = std::fs::canonicalize(&libdir)
        .unwrap_or_else(|e| panic!("FWCLIENT_LIBDIR {libdir}: {e} (build the library first)"));
    println!("cargo:rerun-if-env-changed=FWCLIENT_LIBDIR");
    println!("cargo:rustc-link-search=native={}", libdir.display());
    println!("cargo:rustc-link-lib=dylib=fwclient");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", libdir.display());
}
