// fwclient benchmarks measured from C++ through the header-only binding
// (bindings/cpp/include/fwclient.hpp), the same measurements as bench_c's
// so the driver can set them side by side. Prints "key value" lines.
//
//   bench_cpp get URL SERVER N ROUNDS     fw::Client::get + body(), N per round,
//                                         alternating with the same GET through
//                                         the C ABI on the same client
//   bench_cpp auth-calls SECRETS_DIR N ROUNDS
//                                         fw::Auth::token() and request_header()
#include <fwclient.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

const char kToken[] = "0123456789abcdef0123456789abcdef";

double now_ns() {
  return std::chrono::duration<double, std::nano>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

long arg_long(const char* s) {
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v <= 0) {
    std::fprintf(stderr, "bench_cpp: bad number \"%s\"\n", s);
    std::exit(2);
  }
  return v;
}

void get_once(fw::Client& c, const std::string& url) {
  fw::Response r = c.get(url);
  std::string_view body = r.body();
  if (body.empty() || body[0] != '{') {
    std::fprintf(stderr, "bench_cpp: unexpected body\n");
    std::exit(1);
  }
}

// The same GET through the C ABI directly, from this process: the
// binding's own cost is the difference, paired round by round.
void raw_get_once(fw_client* c, const char* url) {
  fw_response* r = nullptr;
  fw_error* err = nullptr;
  if (fw_client_get(c, url, &r, &err) != FW_OK) {
    std::fprintf(stderr, "bench_cpp: fw_client_get failed: %s\n", fw_error_message(err));
    std::exit(1);
  }
  std::size_t len = 0;
  const std::uint8_t* data = fw_response_body(r, &len);
  if (data == nullptr || len == 0 || data[0] != '{') {
    std::fprintf(stderr, "bench_cpp: unexpected body\n");
    std::exit(1);
  }
  fw_response_free(r);
}

int get(const std::string& url, const std::string& server, long n, long rounds) {
  fw::Client c(std::nullopt, fw::Options().token(kToken).server_address(server));
  for (long i = 0; i < n / 4 + 100; i++) get_once(c, url);  // warm-up
  for (long i = 0; i < n / 4 + 100; i++) raw_get_once(c.capi(), url.c_str());
  for (long round = 0; round < rounds; round++) {
    double binding = 0, raw = 0;
    for (int half = 0; half < 2; half++) {
      // The order alternates, so drift hits both alike.
      bool binding_now = (half == 0) == (round % 2 == 0);
      double t0 = now_ns();
      if (binding_now) {
        for (long i = 0; i < n; i++) get_once(c, url);
        binding = (now_ns() - t0) / static_cast<double>(n);
      } else {
        for (long i = 0; i < n; i++) raw_get_once(c.capi(), url.c_str());
        raw = (now_ns() - t0) / static_cast<double>(n);
      }
    }
    std::printf("get_ns %.1f\nraw_get_ns %.1f\n", binding, raw);
    std::fflush(stdout);
  }
  return 0;
}

int auth_calls(const std::string& dir, long n, long rounds) {
  fw::Auth a(fw::Options().secrets_dir(dir));
  if (a.token() != std::optional<std::string>(kToken)) {
    std::fprintf(stderr, "bench_cpp: the secret file's token was not found\n");
    return 1;
  }
  volatile std::size_t sink = 0;
  for (long round = -1; round < rounds; round++) {  // round -1 warms up
    double t0 = now_ns();
    for (long i = 0; i < n; i++) sink += a.token()->size();
    double t1 = now_ns();
    for (long i = 0; i < n; i++) sink += a.request_header()->size();
    double t2 = now_ns();
    if (round >= 0) {
      std::printf("auth_token_ns %.2f\n", (t1 - t0) / static_cast<double>(n));
      std::printf("request_header_ns %.2f\n", (t2 - t1) / static_cast<double>(n));
    }
  }
  (void)sink;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string mode = argc > 1 ? argv[1] : "";
    if (argc == 6 && mode == "get") return get(argv[2], argv[3], arg_long(argv[4]), arg_long(argv[5]));
    if (argc == 5 && mode == "auth-calls") return auth_calls(argv[2], arg_long(argv[3]), arg_long(argv[4]));
  } catch (const fw::Error& e) {
    std::fprintf(stderr, "bench_cpp: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr,
               "usage: bench_cpp get URL SERVER N ROUNDS | auth-calls SECRETS_DIR N ROUNDS\n");
  return 2;
}
