// A staticlib that links the fwclient rlib built by cargo: rustc prints, for
// it, the native libraries a static link of libfwclient.a needs
// (`--print native-static-libs`), without rebuilding the crate graph.
// tests/consumer/run.sh compares them with fwclient.pc's Libs.private.
pub use fwclient;
