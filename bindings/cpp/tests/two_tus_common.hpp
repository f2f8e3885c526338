// Included by two_tus_a.cpp and two_tus_b.cpp: a function, private to each
// TU, that uses most of fwclient.hpp offline, so both TUs emit the inline
// functions. Needs no server: requests go to a closed port.
#include <fwclient.hpp>

#include <chrono>
#include <string>

namespace {

std::string exercise() {
  using namespace std::chrono_literals;
  fw::Options o;
  o.token("fake_token_123")
      .server_address("http://127.0.0.1:9")
      .secrets_dir("/nonexistent-fwcpp")
      .layout(fw::Layout::Framework)
      .timeout(1000ms, 2000ms)
      .max_retries(0)
      .max_body_bytes(1 << 20)
      .add_trusted_origin("https://example.org")
      .allow_insecure_http(false);
  fw::Client c(std::string_view("minnie65_public"), o);
  fw::Auth a = c.auth();
  std::string out = a.token().value_or("none");
  out += a.source().kind == fw::TokenSourceKind::Explicit ? "|explicit" : "|?";
  out += a.layout() == fw::Layout::Framework ? "|framework" : "|?";
  out += "|" + std::to_string(a.request_header().value_or("").size());
  out += a.new_token_instructions().empty() || a.new_token_url().empty() || a.token_page_url().empty() ||
                 a.token_file().empty() || c.server_address().empty()
             ? "|?"
             : "|urls";
  try {
    a.set_token("bad token");
  } catch (const fw::InvalidTokenFormatError& e) {
    out += "|" + std::string(e.name());
  }
  try {
    c.get("http://127.0.0.1:9/echo");
  } catch (const fw::Error& e) {
    out += "|" + std::string(e.name());
  }
  return out;
}

}  // namespace
