// The panic boundary seen from C++: fw_test_panic (a library built with the
// test-panic feature only; declared here) panics inside the boundary, and
// the wrapper's error mapping throws fw::PanicError with the library's message.
// Built and run by `make test-panic` against target/panic-test.
#include <fwclient.hpp>

#include <cstdio>
#include <string>

extern "C" fw_result fw_test_panic(fw_error** err);

int main() {
  int failures = 0;
  auto check = [&](bool ok, const char* what) {
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok) ++failures;
  };
  try {
    fw::detail::ErrorHolder err;
    fw::detail::check(fw_test_panic(&err.p), err);
    check(false, "fw_test_panic throws");
  } catch (const fw::PanicError& e) {
    check(e.code() == FW_ERR_PANIC, "fw::PanicError with FW_ERR_PANIC");
    check(e.name() == "FW_ERR_PANIC", "named FW_ERR_PANIC");
    check(std::string(e.what()).find("panic was caught") != std::string::npos,
          "what() is the library's message");
    std::printf("     what(): %s\n", e.what());
  } catch (const std::exception& e) {
    std::printf("     threw %s\n", e.what());
    check(false, "fw_test_panic throws fw::PanicError");
  }
  // The library still works afterwards.
  try {
    fw::Options opts;
    opts.max_retries(1);
    check(true, "a call after the panic works");
  } catch (const std::exception& e) {
    check(false, e.what());
  }
  std::printf("%d failed\n", failures);
  return failures == 0 ? 0 : 1;
}
