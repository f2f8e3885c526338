// fwclient.hpp: header-only C++17 binding of the fwclient C ABI (fwclient.h).
//
// A thin layer: every member calls one C function and translates its result.
// Token lookup, save rules, HTTP handling and every error message come from
// the library; this header only
//   - owns handles (move-only RAII, `capi()` returns the raw pointer),
//   - copies library strings into std::string and frees them at once with
//     fw_string_free,
//   - turns a failed fw_result into an exception: fw::Error, or the subclass
//     that fw::detail::raise maps the code to (one per code).
//
// Errors. A call that fails throws the subclass of fw::Error for its code
// (fw::TokenExistsError, fw::InvalidTokenError, ...: fw::<Stem>Error for
// FW_ERR_<STEM>); what() is the library's statement of the problem
// (fw_error_problem), then what fixes it (remedy(), fw_error_remedy) in
// this header's words. An argument the C ABI cannot carry (a string
// holding a NUL byte, a negative timeout) throws fw::InvalidArgumentError
// with a message saying so, instead of being silently cut or wrapped.
//
// Moved-from objects hold NULL: destroying or assigning them is safe; any
// other call passes NULL to the library, which answers FW_ERR_INVALID_ARGUMENT
// (thrown as fw::InvalidArgumentError).
//
// Thread safety is the C library's: fw::Auth and fw::Client may be used from
// any number of threads at once (not while being destroyed or assigned);
// fw::Options is built on one thread; fw::Response and fw::Error are
// read-only.

#ifndef FWCLIENT_HPP
#define FWCLIENT_HPP

#include <fwclient.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

static_assert(FW_VERSION_NUMBER ==
                  ((FW_VERSION_MAJOR << 16) | (FW_VERSION_MINOR << 8) | FW_VERSION_PATCH),
              "fwclient.h: FW_VERSION_NUMBER disagrees with FW_VERSION_MAJOR/MINOR/PATCH");
static_assert(FW_OK == 0, "fwclient.h: FW_OK must be 0");

namespace fw {

/// The version of the C header this binding was compiled against.
inline constexpr std::string_view header_version = FW_VERSION_STRING;

/// The version of the library loaded at run time (fw_version()).
inline std::string_view version() { return fw_version(); }

/// The version of the library loaded at run time as a number, to compare
/// with FW_VERSION_NUMBER (fw_version_number()).
inline std::uint32_t version_number() { return fw_version_number(); }

/// The name of a result code (fw_result_name), e.g. "FW_ERR_IO".
inline std::string_view result_name(fw_result code) {
  return fw_result_name(static_cast<std::uint32_t>(code));
}

// ---------------------------------------------------------------------------
// Errors

/// A failed call: the detail of an fw_error, copied out of it. Cheap and
/// nothrow to copy (the detail is shared and immutable).
class Error : public std::runtime_error {
 public:
  /// Copies the detail of `err` (which may be NULL) and leaves it to the
  /// caller to free. The message is the problem (fw_error_problem) and
  /// its fix in C++'s words, or the code's name when there is no fw_error.
  Error(fw_result code, const fw_error* err)
      : std::runtime_error(message_of(code, err)), detail_(make_detail(code, err)) {}

  /// An error with no fw_error (code only; what() is the code's name).
  explicit Error(fw_result code) : Error(code, nullptr) {}

  /// An error raised by this binding before any C call (code and message).
  Error(fw_result code, std::string message)
      : std::runtime_error(std::move(message)), detail_(make_detail(code, nullptr)) {}

  /// The detail of an fw_error from a C call made through capi() (code from
  /// fw_error_code); the caller still frees `err`. Throw it as its subclass
  /// with fw::detail::raise.
  explicit Error(const fw_error* err) : Error(fw_error_code(err), err) {}

  /// The class of the error (FW_ERR_*).
  fw_result code() const noexcept { return detail_->code; }
  /// The name of code(), e.g. "FW_ERR_INVALID_TOKEN" (fw_result_name).
  std::string_view name() const noexcept {
    return fw_result_name(static_cast<std::uint32_t>(detail_->code));
  }
  /// The HTTP status of the server's answer; 0 when the error did not come
  /// from an answer.
  std::uint16_t http_status() const noexcept { return detail_->http_status; }
  /// The server's error id ("invalid_token", "missing_tos", ...).
  const std::optional<std::string>& server_id() const noexcept { return detail_->server_id; }
  /// The URL of the request that failed.
  const std::optional<std::string>& url() const noexcept { return detail_->url; }
  /// The Terms-of-Service form to accept (fw::MissingTosError).
  const std::optional<std::string>& tos_form_url() const noexcept { return detail_->tos_form_url; }
  /// The body of the server's answer, as bytes (empty when none).
  const std::string& body() const noexcept { return detail_->body; }
  /// The problem alone, as the library states it (what() adds the fix).
  const std::string& problem() const noexcept { return detail_->problem; }
  /// What fixes the error (FW_REMEDY_NONE when nothing specific does).
  fw_remedy remedy() const noexcept { return detail_->remedy; }
  /// The remedy's data: the file, origin, address, variable, URL or shell
  /// command it names (fw_error_remedy_data).
  const std::optional<std::string>& remedy_data() const noexcept { return detail_->remedy_data; }

 private:
  struct Detail {
    fw_result code;
    std::uint16_t http_status;
    std::optional<std::string> server_id, url, tos_form_url;
    std::string body;
    std::string problem;
    fw_remedy remedy;
    std::optional<std::string> remedy_data;
  };

  /// The fix for `remedy` in this binding's words; empty for FW_REMEDY_NONE
  /// or a remedy this header does not know (a newer library).
  static std::string fix_of(fw_remedy remedy, const std::string& data) {
    switch (remedy) {
      case FW_REMEDY_NONE: break;
      case FW_REMEDY_OVERWRITE:
        return "to replace it, call Auth::save_token with SaveOptions::overwrite = true";
      case FW_REMEDY_REPLACE_INVALID:
        return "fix it by hand, or call Auth::save_token with SaveOptions::overwrite and "
               "SaveOptions::replace_invalid = true, which keeps this file as \"" +
               data + ".invalid-<timestamp>\"";
      case FW_REMEDY_TRUST_ORIGIN: return "to trust it, call Options::add_trusted_origin(\"" + data + "\")";
      case FW_REMEDY_ALLOW_INSECURE_HTTP: return "to allow plain http, call Options::allow_insecure_http(true)";
      case FW_REMEDY_SET_SERVER: return "name the server with Options::server_address";
      case FW_REMEDY_USE_ADDRESS: return "use \"" + data + "\"";
      case FW_REMEDY_UNSET_VARIABLE: return "unset $" + data;
      case FW_REMEDY_LOG_IN: return "then save it with Auth::save_token (Auth::new_token_instructions gives the steps)";
      case FW_REMEDY_SAVE_TOKEN_BY_HAND:
        return "copy a token from the page Auth::new_token_url gives and save it with Auth::save_token";
      case FW_REMEDY_ACCEPT_TERMS: return "open " + data + " in a browser and accept them";
      case FW_REMEDY_RUN_COMMAND: return "run `" + data + "`";
      case FW_REMEDY_CHOOSE_PROXY:
        return "set NO_PROXY for this host, or choose the proxy with Options::proxy "
               "(\"none\" or an http:// proxy)";
    }
    return {};
  }

  static std::optional<std::string> opt(const char* s) {
    return s != nullptr ? std::optional<std::string>(s) : std::nullopt;
  }
  /// The problem, then the fix in this binding's words; for a remedy this
  /// header does not know (a newer library), the library's message, which
  /// says the fix in C's words (fw_error_message).
  static std::string message_of(fw_result code, const fw_error* err) {
    const char* m = err != nullptr ? fw_error_problem(err) : nullptr;
    if (m == nullptr) return std::string(fw_result_name(static_cast<std::uint32_t>(code)));
    const char* data = fw_error_remedy_data(err);
    const fw_remedy remedy = fw_error_remedy(err);
    std::string fix = fix_of(remedy, data != nullptr ? data : "");
    if (fix.empty() && remedy != FW_REMEDY_NONE) return fw_error_message(err);
    return fix.empty() ? std::string(m) : std::string(m) + "; " + fix;
  }
  static std::shared_ptr<const Detail> make_detail(fw_result code, const fw_error* err) {
    auto d = std::make_shared<Detail>();
    d->code = code;
    d->http_status = 0;
    d->remedy = FW_REMEDY_NONE;
    if (err != nullptr) {
      d->http_status = fw_error_http_status(err);
      d->server_id = opt(fw_error_server_id(err));
      d->url = opt(fw_error_url(err));
      d->tos_form_url = opt(fw_error_tos_form_url(err));
      d->problem = fw_error_problem(err);
      d->remedy = fw_error_remedy(err);
      d->remedy_data = opt(fw_error_remedy_data(err));
      std::size_t len = 0;
      const std::uint8_t* data = fw_error_body(err, &len);
      if (data != nullptr && len > 0) {
        d->body.assign(reinterpret_cast<const char*>(data), len);
      }
    }
    return d;
  }

  std::shared_ptr<const Detail> detail_;
};

// One subclass per code, to catch a class of error, each an fw::Error with
// nothing more, named after the code's stem (the header's naming rule, at
// FW_ERRORS): FW_ERR_HTTP_STATUS is fw::HttpStatusError. The list is the
// header's, so a code added to fwclient.h gets its class here.
#define FWCLIENT_HPP_ERROR_CLASS(code, Stem)                    \
  class Stem##Error : public Error {                            \
   public:                                                      \
    explicit Stem##Error(Error e) noexcept : Error(std::move(e)) {} \
  };
FW_ERRORS(FWCLIENT_HPP_ERROR_CLASS)
#undef FWCLIENT_HPP_ERROR_CLASS

namespace detail {

/// Throws `e` as the subclass for its code: the one mapping from codes to
/// types, from the header's list (FW_ERRORS). A number that is not a code
/// of this header (a newer library) is thrown as the generic fw::Error;
/// FW_OK never reaches here.
[[noreturn]] inline void raise(Error e) {
#define FWCLIENT_HPP_RAISE(code, Stem) \
  case code:                           \
    throw Stem##Error(std::move(e));
  switch (e.code()) {
    case FW_OK: break;
    FW_ERRORS(FWCLIENT_HPP_RAISE)
  }
#undef FWCLIENT_HPP_RAISE
  throw e;
}

/// Owns an fw_error written by a call and frees it.
struct ErrorHolder {
  fw_error* p = nullptr;
  ErrorHolder() = default;
  ErrorHolder(const ErrorHolder&) = delete;
  ErrorHolder& operator=(const ErrorHolder&) = delete;
  ~ErrorHolder() { fw_error_free(p); }
};

/// Throws for a failed call that wrote (or may have written) `err`.
inline void check(fw_result rc, const ErrorHolder& err) {
  if (rc != FW_OK) raise(Error(rc, err.p));
}

/// Owns a string the library returned and frees it with fw_string_free
/// (which zeroes it) as soon as it has been copied.
struct OwnedString {
  char* p = nullptr;
  OwnedString() = default;
  OwnedString(const OwnedString&) = delete;
  OwnedString& operator=(const OwnedString&) = delete;
  ~OwnedString() { fw_string_free(p); }
  std::optional<std::string> opt() const {
    return p != nullptr ? std::optional<std::string>(p) : std::nullopt;
  }
  std::string str() const { return p != nullptr ? std::string(p) : std::string(); }
};

/// A NUL-terminated copy of a string_view for a `const char*` parameter.
/// A NUL inside cannot cross the C ABI: it throws fw::InvalidArgumentError
/// rather than letting the library see a shorter string.
class CStr {
 public:
  explicit CStr(std::string_view s) : s_(s) {
    if (s_.find('\0') != std::string::npos) {
      raise(Error(FW_ERR_INVALID_ARGUMENT, "a string argument holds a NUL byte"));
    }
  }
  const char* get() const noexcept { return s_.c_str(); }

 private:
  std::string s_;
};

/// Same, for an optional parameter: NULL when absent.
class OptCStr {
 public:
  explicit OptCStr(std::optional<std::string_view> s) {
    if (s) s_.emplace(*s);
  }
  const char* get() const noexcept { return s_ ? s_->get() : nullptr; }

 private:
  std::optional<CStr> s_;
};

/// Deleters for the handles (each _free accepts NULL).
struct Deleter {
  void operator()(fw_options* p) const noexcept { fw_options_free(p); }
  void operator()(fw_auth* p) const noexcept { fw_auth_free(p); }
  void operator()(fw_client* p) const noexcept { fw_client_free(p); }
  void operator()(fw_response* p) const noexcept { fw_response_free(p); }
  void operator()(fw_cancel* p) const noexcept { fw_cancel_free(p); }
  void operator()(fw_request_options* p) const noexcept { fw_request_options_free(p); }
  void operator()(fw_stream* p) const noexcept { fw_stream_free(p); }
};

template <typename T>
using Handle = std::unique_ptr<T, Deleter>;

/// The value of header `name` of a response or stream `h`, read with
/// `get` (fw_response_header or fw_stream_header), if present.
template <typename H, typename Get>
std::optional<std::string> header_value(const H* h, std::string_view name, Get get) {
  ErrorHolder err;
  OwnedString s;
  check(get(h, CStr(name).get(), &s.p, &err.p), err);
  return s.opt();
}

/// Every header of a response or stream `h` as (name, value): `count(h)`
/// entries, each read with `at` (fw_response_header_at, fw_stream_header_at).
template <typename H, typename Count, typename At>
std::vector<std::pair<std::string, std::string>> all_headers(const H* h, Count count, At at) {
  const std::size_t n = count(h);
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    ErrorHolder err;
    OwnedString name, value;
    check(at(h, i, &name.p, &value.p, &err.p), err);
    out.emplace_back(name.str(), value.str());
  }
  return out;
}

}  // namespace detail

// ---------------------------------------------------------------------------
// Options

/// The layout of the secrets directory.
enum class Layout : std::uint32_t {
  /// annotationframeworkclient 3.1 (`chunkedgraph-secret.json`), the default.
  Framework = FW_LAYOUT_FRAMEWORK,
  /// caveclient 8.x (`cave-secret.json`).
  Cave = FW_LAYOUT_CAVE,
};

/// Where the token in use came from (FW_SOURCE_*).
enum class TokenSourceKind : std::uint32_t {
  None = FW_SOURCE_NONE,
  Explicit = FW_SOURCE_EXPLICIT,
  Env = FW_SOURCE_ENV,
  File = FW_SOURCE_FILE,
  EnvCaveToken = FW_SOURCE_ENV_CAVE_TOKEN,
  EnvTokenFile = FW_SOURCE_ENV_TOKEN_FILE,
  EnvCaveTokenFile = FW_SOURCE_ENV_CAVE_TOKEN_FILE,
};

/// The C name of a token source (fw_token_source_name), e.g.
/// "FW_SOURCE_ENV"; "FW_UNKNOWN_SOURCE" for a number that is not one.
inline std::string_view token_source_name(TokenSourceKind kind) {
  return fw_token_source_name(static_cast<fw_token_source>(kind));
}

/// Settings for fw::Auth and fw::Client (fw_options). Each setter calls the
/// C setter at once and throws if it refuses the value. Not thread-safe;
/// move-only; may be destroyed as soon as the Auth or Client exists.
class Options {
 public:
  /// The Python clients' defaults (fw_options_new).
  Options() {
    detail::ErrorHolder err;
    fw_options* raw = nullptr;
    detail::check(fw_options_new(&raw, &err.p), err);
    h_.reset(raw);
  }

  /// Use this token directly; no secret file is read.
  Options& token(std::string_view t) {
    detail::ErrorHolder err;
    detail::check(fw_options_set_token(h_.get(), detail::CStr(t).get(), &err.p), err);
    return *this;
  }
  /// Read the token from this secret file (`~` expanded).
  Options& token_file(std::string_view path) {
    detail::ErrorHolder err;
    detail::check(fw_options_set_token_file(h_.get(), detail::CStr(path).get(), &err.p), err);
    return *this;
  }
  /// Read the token under this key (default "token").
  Options& token_key(std::string_view key) {
    detail::ErrorHolder err;
    detail::check(fw_options_set_token_key(h_.get(), detail::CStr(key).get(), &err.p), err);
    return *this;
  }
  /// The global server (default "https://global.daf-apis.com").
  Options& server_address(std::string_view url) {
    detail::ErrorHolder err;
    detail::check(fw_options_set_server_address(h_.get(), detail::CStr(url).get(), &err.p), err);
    return *this;
  }
  /// The secrets directory (default $FW_SECRETS_DIR, else
  /// $CLOUD_VOLUME_DIR/secrets, else ~/.cloudvolume/secrets).
  Options& secrets_dir(std::string_view dir) {
    detail::ErrorHolder err;
    detail::check(fw_options_set_secrets_dir(h_.get(), detail::CStr(dir).get(), &err.p), err);
    return *this;
  }
  /// The layout (default $FW_SECRETS_LAYOUT, else chosen from the files present).
  Options& layout(Layout l) {
    detail::ErrorHolder err;
    detail::check(fw_options_set_layout(h_.get(), static_cast<std::uint32_t>(l), &err.p), err);
    return *this;
  }
  /// Connect and overall timeouts of requests, in whole milliseconds (0:
  /// the library keeps that timeout as it is). A negative duration has no C
  /// value: it throws fw::InvalidArgumentError rather than becoming a huge
  /// unsigned number.
  Options& timeout(std::chrono::milliseconds connect, std::chrono::milliseconds total) {
    if (connect.count() < 0 || total.count() < 0) {
      detail::raise(Error(FW_ERR_INVALID_ARGUMENT, "a timeout must not be negative"));
    }
    detail::ErrorHolder err;
    detail::check(fw_options_set_timeout_ms(h_.get(), static_cast<std::uint64_t>(connect.count()),
                                            static_cast<std::uint64_t>(total.count()), &err.p), err);
    return *this;
  }
  /// Retries of an idempotent request after 429, 502, 503, 504 or a
  /// connection reset before any byte of the answer.
  Options& max_retries(std::uint32_t n) {
    detail::ErrorHolder err;
    detail::check(fw_options_set_max_retries(h_.get(), n, &err.p), err);
    return *this;
  }
  /// The base of the backoff between tries (full jitter; Retry-After honoured).
  Options& retry_base_delay(std::chrono::milliseconds base) {
    detail::ErrorHolder err;
    detail::check(fw_options_set_retry_base_delay_ms(h_.get(), static_cast<std::uint32_t>(base.count()),
                                                     &err.p),
                  err);
    return *this;
  }
  /// The largest response body accepted, in bytes.
  Options& max_body_bytes(std::uint64_t n) {
    detail::ErrorHolder err;
    detail::check(fw_options_set_max_body_bytes(h_.get(), n, &err.p), err);
    return *this;
  }
  /// A PEM file of CA certificates trusted in addition to the system's.
  Options& ca_file(std::string_view path) {
    detail::ErrorHolder err;
    detail::check(fw_options_set_ca_file(h_.get(), detail::CStr(path).get(), &err.p), err);
    return *this;
  }
  /// Also send the token to this origin ("https://host[:port]").
  Options& add_trusted_origin(std::string_view origin) {
    detail::ErrorHolder err;
    detail::check(fw_options_add_trusted_origin(h_.get(), detail::CStr(origin).get(), &err.p), err);
    return *this;
  }
  /// Allow sending the token over plain http to hosts other than loopback.
  Options& allow_insecure_http(bool allow) {
    detail::ErrorHolder err;
    detail::check(fw_options_set_allow_insecure_http(h_.get(), allow, &err.p), err);
    return *this;
  }
  /// The proxy: "none", or an http:// or https:// proxy URL for every
  /// non-loopback request (fw_options_set_proxy). Without it the
  /// environment decides (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY).
  Options& proxy(std::string_view proxy) {
    detail::ErrorHolder err;
    detail::check(fw_options_set_proxy(h_.get(), detail::CStr(proxy).get(), &err.p), err);
    return *this;
  }

  /// The C handle (owned by this object; NULL once moved from).
  const fw_options* capi() const noexcept { return h_.get(); }
  fw_options* capi() noexcept { return h_.get(); }

 private:
  detail::Handle<fw_options> h_;
};

// ---------------------------------------------------------------------------
// Auth

/// Where the token in use came from: `path` is set for File, EnvTokenFile
/// and EnvCaveTokenFile (the file read), `key` for File.
struct TokenSource {
  TokenSourceKind kind = TokenSourceKind::None;
  std::optional<std::string> path;
  std::optional<std::string> key;
};

/// caveclient's save_token keyword arguments, mapped to the FW_SAVE_* flags.
/// Empty optionals mean the library's defaults (key "token", the auth's
/// token file).
struct SaveOptions {
  std::optional<std::string> token_key;
  std::optional<std::string> token_file;
  bool overwrite = false;            // FW_SAVE_OVERWRITE when true
  bool switch_token = true;          // FW_SAVE_NO_SWITCH when false
  bool write_to_server_file = true;  // FW_SAVE_NO_SERVER_FILE when false
  bool local_server = true;          // FW_SAVE_NO_LOCAL_SERVER when false
  bool ignore_readonly = true;       // FW_SAVE_STRICT_READONLY when false
  bool replace_invalid = false;      // FW_SAVE_REPLACE_INVALID when true: keep a file that
                                     // is not a JSON object as <name>.invalid-<timestamp>

  /// The FW_SAVE_* flags these options stand for.
  std::uint32_t flags() const noexcept {
    std::uint32_t f = 0;
    if (overwrite) f |= FW_SAVE_OVERWRITE;
    if (!switch_token) f |= FW_SAVE_NO_SWITCH;
    if (!write_to_server_file) f |= FW_SAVE_NO_SERVER_FILE;
    if (!local_server) f |= FW_SAVE_NO_LOCAL_SERVER;
    if (!ignore_readonly) f |= FW_SAVE_STRICT_READONLY;
    if (replace_invalid) f |= FW_SAVE_REPLACE_INVALID;
    return f;
  }
};

class Client;

/// A user's token and where it lives (fw_auth). Shared live with every
/// client made from it (fw::Client(datastack, auth, opts)) and with the auth
/// a client returns: a token set or saved through any of them is the one
/// they all send. Move-only; thread-safe.
class Auth {
 public:
  /// Finds the token with the default options (fw_auth_new(NULL)).
  Auth() : Auth(nullptr) {}
  /// Finds the token with these options.
  explicit Auth(const Options& opts) : Auth(opts.capi()) {}

  /// The token in use, if any.
  std::optional<std::string> token() const {
    detail::ErrorHolder err;
    detail::OwnedString s;
    detail::check(fw_auth_token(h_.get(), &s.p, &err.p), err);
    return s.opt();
  }
  /// Where the token came from.
  TokenSource source() const {
    detail::ErrorHolder err;
    detail::OwnedString path, key;
    fw_token_source kind = FW_SOURCE_NONE;
    detail::check(fw_auth_token_source(h_.get(), &kind, &path.p, &key.p, &err.p), err);
    return TokenSource{static_cast<TokenSourceKind>(kind), path.opt(), key.opt()};
  }
  /// The layout in use.
  Layout layout() const {
    detail::ErrorHolder err;
    fw_layout l = FW_LAYOUT_FRAMEWORK;
    detail::check(fw_auth_layout(h_.get(), &l, &err.p), err);
    return static_cast<Layout>(l);
  }
  /// The file a save without an explicit file writes to.
  std::string token_file() const {
    detail::ErrorHolder err;
    detail::OwnedString s;
    detail::check(fw_auth_token_file(h_.get(), &s.p, &err.p), err);
    return s.str();
  }
  /// Re-reads the token file when the token came from a file that changed
  /// since (size, time or inode); an explicit or environment token never
  /// reloads. Requests do it themselves after a 401 with a token from a file.
  void reload() const {
    detail::ErrorHolder err;
    detail::check(fw_auth_reload(h_.get(), &err.p), err);
  }
  /// Uses `token` from now on, for this session only (no file is written).
  void set_token(std::string_view token) const {
    detail::ErrorHolder err;
    detail::check(fw_auth_set_token(h_.get(), detail::CStr(token).get(), &err.p), err);
  }
  /// Saves `token` as caveclient's save_token does (and switches to it
  /// unless opts.switch_token is false).
  void save_token(std::string_view token, const SaveOptions& opts = {}) const {
    save(detail::OptCStr(token), opts);
  }
  /// Saves the token in use with these options.
  void save_token(const SaveOptions& opts) const { save(detail::OptCStr(std::nullopt), opts); }
  /// Saves the token in use with the defaults.
  void save_token() const { save_token(SaveOptions{}); }
  /// The steps to get a new token and save it, with the URL to open
  /// (caveclient's get_new_token text).
  std::string new_token_instructions() const {
    detail::ErrorHolder err;
    detail::OwnedString s;
    detail::check(fw_auth_new_token_instructions(h_.get(), &s.p, &err.p), err);
    return s.str();
  }
  /// Where a user creates a token.
  std::string new_token_url() const {
    detail::ErrorHolder err;
    detail::OwnedString s;
    detail::check(fw_auth_new_token_url(h_.get(), &s.p, &err.p), err);
    return s.str();
  }
  /// The page listing the user's tokens.
  std::string token_page_url() const {
    detail::ErrorHolder err;
    detail::OwnedString s;
    detail::check(fw_auth_token_page_url(h_.get(), &s.p, &err.p), err);
    return s.str();
  }
  /// The diagnosis (fw_auth_diagnose), as JSON: every place a token can
  /// come from in precedence order with what it holds (masked), which wins,
  /// the file each Python tool reads, and every disagreement with its fix.
  std::string diagnose() const {
    detail::ErrorHolder err;
    detail::OwnedString s;
    detail::check(fw_auth_diagnose(h_.get(), &s.p, &err.p), err);
    return s.str();
  }
  /// The Authorization header value ("Bearer <token>"), if there is a token.
  std::optional<std::string> request_header() const {
    detail::ErrorHolder err;
    detail::OwnedString s;
    detail::check(fw_auth_request_header(h_.get(), &s.p, &err.p), err);
    return s.opt();
  }

  /// The C handle (owned by this object; NULL once moved from).
  const fw_auth* capi() const noexcept { return h_.get(); }
  fw_auth* capi() noexcept { return h_.get(); }

 private:
  friend class Client;
  struct Adopt {};
  Auth(Adopt, fw_auth* raw) noexcept : h_(raw) {}

  explicit Auth(const fw_options* opts) {
    detail::ErrorHolder err;
    fw_auth* raw = nullptr;
    detail::check(fw_auth_new(opts, &raw, &err.p), err);
    h_.reset(raw);
  }

  void save(const detail::OptCStr& token, const SaveOptions& opts) const {
    detail::OptCStr key(opts.token_key), file(opts.token_file);
    detail::ErrorHolder err;
    detail::check(fw_auth_save_token(h_.get(), token.get(), key.get(), file.get(), opts.flags(), &err.p),
                  err);
  }

  detail::Handle<fw_auth> h_;
};

// ---------------------------------------------------------------------------
// Response

/// A 2xx answer (fw_response). Move-only; read-only.
class Response {
 public:
  /// The HTTP status.
  std::uint16_t status() const noexcept { return fw_response_status(h_.get()); }
  /// The body's bytes, borrowed while this Response lives.
  std::string_view body() const {
    std::size_t len = 0;
    const std::uint8_t* data = fw_response_body(h_.get(), &len);
    if (data == nullptr || len == 0) return {};
    return std::string_view(reinterpret_cast<const char*>(data), len);
  }
  /// A copy of the body.
  std::string body_string() const { return std::string(body()); }
  /// The value of header `name` (any case), if present; the values of a
  /// header received more than once are joined with ", " (RFC 9110).
  std::optional<std::string> header(std::string_view name) const {
    return detail::header_value(h_.get(), name, fw_response_header);
  }

  /// Every header as (name in lower case, value), each value of a repeated
  /// header its own entry, in the order of fw_response_header_at.
  std::vector<std::pair<std::string, std::string>> headers() const {
    return detail::all_headers(h_.get(), fw_response_header_count, fw_response_header_at);
  }

  /// The C handle (owned by this object; NULL once moved from).
  const fw_response* capi() const noexcept { return h_.get(); }
  fw_response* capi() noexcept { return h_.get(); }

 private:
  friend class Client;
  explicit Response(fw_response* raw) noexcept : h_(raw) {}

  detail::Handle<fw_response> h_;
};

// ---------------------------------------------------------------------------
// Per-request options

/// A cancel object (fw_cancel): trigger() from any thread ends the
/// requests made with it (fw::CanceledError), one in flight within about 20 ms.
/// Move-only; RequestOptions keep their own reference.
class Cancel {
 public:
  Cancel() {
    detail::ErrorHolder err;
    fw_cancel* raw = nullptr;
    detail::check(fw_cancel_new(&raw, &err.p), err);
    h_.reset(raw);
  }
  /// Ends the requests using this object; it stays triggered.
  void trigger() const {
    detail::ErrorHolder err;
    detail::check(fw_cancel_trigger(h_.get(), &err.p), err);
  }
  const fw_cancel* capi() const noexcept { return h_.get(); }

 private:
  detail::Handle<fw_cancel> h_;
};

/// What one request may set beyond the client's Options
/// (fw_request_options): a total timeout replacing the client's, and a
/// Cancel. Taken first by the overloads of every Client I/O call.
class RequestOptions {
 public:
  RequestOptions() {
    detail::ErrorHolder err;
    fw_request_options* raw = nullptr;
    detail::check(fw_request_options_new(&raw, &err.p), err);
    h_.reset(raw);
  }
  /// The request's total time (rounded up to whole milliseconds); it ends
  /// with fw::TimeoutError.
  RequestOptions& timeout(std::chrono::nanoseconds total) & {
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(total).count();
    detail::ErrorHolder err;
    detail::check(fw_request_options_set_timeout_ms(
                      h_.get(), static_cast<std::uint64_t>(ms > 0 ? ms : 1), &err.p),
                  err);
    return *this;
  }
  RequestOptions&& timeout(std::chrono::nanoseconds total) && { return std::move(timeout(total)); }
  /// Ends the request when `cancel` is triggered.
  RequestOptions& cancel(const Cancel& cancel) & {
    detail::ErrorHolder err;
    detail::check(fw_request_options_set_cancel(h_.get(), cancel.capi(), &err.p), err);
    return *this;
  }
  RequestOptions&& cancel(const Cancel& c) && { return std::move(cancel(c)); }
  const fw_request_options* capi() const noexcept { return h_.get(); }

 private:
  detail::Handle<fw_request_options> h_;
};

// Stream

/// A 2xx answer whose body is read in chunks (fw_stream), from
/// Client::open. Move-only; one thread at a time. Destroying it before the
/// end of the body closes its connection; read to the end, the connection
/// goes back to the pool.
class Stream {
 public:
  /// The HTTP status.
  std::uint16_t status() const noexcept { return fw_stream_status(h_.get()); }
  /// The value of header `name` (any case), if present.
  std::optional<std::string> header(std::string_view name) const {
    return detail::header_value(h_.get(), name, fw_stream_header);
  }
  /// Every header as (name in lower case, value), as Response::headers.
  std::vector<std::pair<std::string, std::string>> headers() const {
    return detail::all_headers(h_.get(), fw_stream_header_count, fw_stream_header_at);
  }
  /// Reads up to `cap` bytes of the body into `buf`; 0 at the end. Throws
  /// (fw::TimeoutError, fw::NetworkError, ...) when the body cannot be read.
  std::size_t read(void* buf, std::size_t cap) {
    detail::ErrorHolder err;
    std::size_t n = 0;
    detail::check(fw_stream_read(h_.get(), static_cast<std::uint8_t*>(buf), cap, &n, &err.p), err);
    return n;
  }

  /// The C handle (owned by this object; NULL once moved from).
  const fw_stream* capi() const noexcept { return h_.get(); }
  fw_stream* capi() noexcept { return h_.get(); }

 private:
  friend class Client;
  explicit Stream(fw_stream* raw) noexcept : h_(raw) {}

  detail::Handle<fw_stream> h_;
};

// ---------------------------------------------------------------------------
// Client

/// A client for a datastack, or for the global services only (fw_client).
/// Creating one does no network I/O. Move-only; thread-safe: its const
/// members may be called from many threads at once. JSON results are
/// returned as text.
class Client {
 public:
  /// A client for `datastack` (none: the global services only), with the
  /// token found as fw::Auth finds it.
  explicit Client(std::optional<std::string_view> datastack = std::nullopt,
                  const Options& opts = Options()) {
    detail::OptCStr ds(datastack);
    detail::ErrorHolder err;
    fw_client* raw = nullptr;
    detail::check(fw_client_new(ds.get(), opts.capi(), &raw, &err.p), err);
    h_.reset(raw);
  }

  /// A client for `datastack` (none: the global services only) sharing
  /// `auth` live: a token set or saved through `auth`, or through any client
  /// sharing it, is the one this client sends. The server address is the
  /// auth's; `opts` gives the HTTP settings. `auth` may be destroyed first.
  Client(std::optional<std::string_view> datastack, const Auth& auth,
         const Options& opts = Options()) {
    detail::OptCStr ds(datastack);
    detail::ErrorHolder err;
    fw_client* raw = nullptr;
    detail::check(fw_client_new_with_auth(ds.get(), opts.capi(), auth.capi(), &raw, &err.p), err);
    h_.reset(raw);
  }

  /// The auth this client shares: a token set or saved through it is used
  /// by this client.
  Auth auth() const {
    detail::ErrorHolder err;
    fw_auth* raw = nullptr;
    detail::check(fw_client_auth(h_.get(), &raw, &err.p), err);
    return Auth(Auth::Adopt{}, raw);
  }
  /// The global server address.
  std::string server_address() const {
    detail::ErrorHolder err;
    detail::OwnedString s;
    detail::check(fw_client_server_address(h_.get(), &s.p, &err.p), err);
    return s.str();
  }
  /// The datastack's local server (from its info, fetched on first need).
  std::string local_server() const {
    detail::ErrorHolder err;
    detail::OwnedString s;
    detail::check(fw_client_local_server(h_.get(), &s.p, &err.p), err);
    return s.str();
  }
  /// `GET url`, with the token when `url`'s origin is trusted. Only a 2xx
  /// answer returns; any other throws.
  Response get(std::string_view url) const {
    detail::ErrorHolder err;
    fw_response* raw = nullptr;
    detail::check(fw_client_get(h_.get(), detail::CStr(url).get(), &raw, &err.p), err);
    return Response(raw);
  }
  /// A request with any method and an optional body.
  Response request(std::string_view method, std::string_view url, std::string_view body = {},
                   std::optional<std::string_view> content_type = std::nullopt) const {
    detail::CStr m(method), u(url);
    detail::OptCStr ct(content_type);
    detail::ErrorHolder err;
    fw_response* raw = nullptr;
    const auto* data = reinterpret_cast<const std::uint8_t*>(body.data());
    detail::check(fw_client_request(h_.get(), m.get(), u.get(), body.empty() ? nullptr : data,
                                    body.size(), ct.get(), &raw, &err.p),
                  err);
    return Response(raw);
  }
  /// Opens a request (the same rules as request()) and returns its 2xx
  /// answer with the body left to read from the Stream.
  Stream open(std::string_view method, std::string_view url, std::string_view body = {},
              std::optional<std::string_view> content_type = std::nullopt) const {
    detail::CStr m(method), u(url);
    detail::OptCStr ct(content_type);
    detail::ErrorHolder err;
    fw_stream* raw = nullptr;
    const auto* data = reinterpret_cast<const std::uint8_t*>(body.data());
    detail::check(fw_client_open(h_.get(), m.get(), u.get(), body.empty() ? nullptr : data,
                                 body.size(), ct.get(), &raw, &err.p),
                  err);
    return Stream(raw);
  }
  /// The datastack's info (JSON), fetched once and cached.
  std::string datastack_info() const { return json(fw_client_datastack_info); }
  /// The datastacks the user may see (JSON).
  std::string datastacks() const { return json(fw_client_datastacks); }
  /// The user's profile (JSON).
  std::string whoami() const { return json(fw_client_whoami); }
  /// The user's API keys (JSON).
  std::string get_tokens() const { return json(fw_client_get_tokens); }
  /// Creates a new API key and returns it (not saved: see Auth::save_token).
  std::string create_token(std::optional<std::string_view> description = std::nullopt) const {
    detail::OptCStr d(description);
    detail::ErrorHolder err;
    detail::OwnedString s;
    detail::check(fw_client_create_token(h_.get(), d.get(), &s.p, &err.p), err);
    return s.str();
  }
  /// Seconds `token` stays valid; -1 means it never expires.
  std::int64_t token_ttl(std::string_view token) const {
    detail::ErrorHolder err;
    std::int64_t seconds = 0;
    detail::check(fw_client_token_ttl(h_.get(), detail::CStr(token).get(), &seconds, &err.p), err);
    return seconds;
  }
  /// Profiles of these users (JSON; admin only on current servers).
  std::string get_user_information(const std::vector<std::uint64_t>& ids) const {
    // An empty vector's data() may be NULL: (NULL, 0) is an empty list.
    detail::ErrorHolder err;
    detail::OwnedString s;
    detail::check(fw_client_get_user_information(h_.get(), ids.data(), ids.size(), &s.p, &err.p),
                  err);
    return s.str();
  }
  /// Members of a group (JSON).
  std::string get_group_users(std::uint64_t group_id) const {
    detail::ErrorHolder err;
    detail::OwnedString s;
    detail::check(fw_client_get_group_users(h_.get(), group_id, &s.p, &err.p), err);
    return s.str();
  }

  /// A view of this client (the same auth, connections, trusted origins
  /// and datastack info) whose every call has `ro`'s timeout and cancel
  /// object (fw_client_with_request_options). No I/O.
  Client with(const RequestOptions& ro) const {
    detail::ErrorHolder err;
    fw_client* raw = nullptr;
    detail::check(fw_client_with_request_options(h_.get(), ro.capi(), &raw, &err.p), err);
    return Client(raw);
  }

  /// Every I/O call, with per-request options first (as Go's context).
  std::string local_server(const RequestOptions& ro) const { return with(ro).local_server(); }
  Response get(const RequestOptions& ro, std::string_view url) const {
    return request(ro, "GET", url);
  }
  Response request(const RequestOptions& ro, std::string_view method, std::string_view url,
                   std::string_view body = {},
                   std::optional<std::string_view> content_type = std::nullopt) const {
    return with(ro).request(method, url, body, content_type);
  }
  /// A stream whose opening has `ro`'s timeout and cancel object (a view's
  /// open: reads are bounded by the timeout alone).
  Stream open(const RequestOptions& ro, std::string_view method, std::string_view url,
              std::string_view body = {},
              std::optional<std::string_view> content_type = std::nullopt) const {
    return with(ro).open(method, url, body, content_type);
  }
  std::string datastack_info(const RequestOptions& ro) const { return with(ro).datastack_info(); }
  std::string datastacks(const RequestOptions& ro) const { return with(ro).datastacks(); }
  std::string whoami(const RequestOptions& ro) const { return with(ro).whoami(); }
  std::string get_tokens(const RequestOptions& ro) const { return with(ro).get_tokens(); }
  std::string create_token(const RequestOptions& ro,
                           std::optional<std::string_view> description = std::nullopt) const {
    return with(ro).create_token(description);
  }
  std::int64_t token_ttl(const RequestOptions& ro, std::string_view token) const {
    return with(ro).token_ttl(token);
  }
  std::string get_user_information(const RequestOptions& ro,
                                   const std::vector<std::uint64_t>& ids) const {
    return with(ro).get_user_information(ids);
  }
  std::string get_group_users(const RequestOptions& ro, std::uint64_t group_id) const {
    return with(ro).get_group_users(group_id);
  }

  /// The C handle (owned by this object; NULL once moved from).
  const fw_client* capi() const noexcept { return h_.get(); }
  fw_client* capi() noexcept { return h_.get(); }

 private:
  explicit Client(fw_client* view) noexcept { h_.reset(view); }

  std::string json(fw_result (*fn)(const fw_client*, char**, fw_error**)) const {
    detail::ErrorHolder err;
    detail::OwnedString s;
    detail::check(fn(h_.get(), &s.p, &err.p), err);
    return s.str();
  }

  detail::Handle<fw_client> h_;
};

// ---------------------------------------------------------------------------
// Browser login

/// What a Login may set: the new key's description (default "fwclient on
/// <host>") and the login page (default the server's; e.g. the realm of a
/// 401's WWW-Authenticate).
struct LoginSettings {
  std::optional<std::string> description;
  std::optional<std::string> authorize_url;
};

/// What a finished login gives: where the auth's token now comes from
/// (File: the auth uses the key; a later Auth still finds $FW_AUTH_TOKEN
/// first when it is set), the file the key was
/// saved in, and who is logged in ("Name <e-mail>"). Never the key itself.
struct LoginResult {
  TokenSourceKind source = TokenSourceKind::None;
  std::string saved_path;
  std::string user;
};

/// A browser login (fw_login): listens on 127.0.0.1 under a path no other
/// program can guess; url() is the page to open (the library opens no
/// browser); wait() returns once the browser came back and the new key is
/// minted, checked and saved through the auth (which uses it from then
/// on), the login token revoked. Move-only; url() from any thread, one
/// wait() at a time.
class Login {
 public:
  /// Starts a login for `auth` (kept alive by the login). `http`: options
  /// whose HTTP settings (timeouts, CA file, proxy, ...) the login's
  /// requests use, or nullptr for the defaults.
  explicit Login(const Auth& auth, const LoginSettings& settings = {}, const Options* http = nullptr) {
    detail::OptCStr description(settings.description), authorize(settings.authorize_url);
    detail::ErrorHolder err;
    fw_login* raw = nullptr;
    detail::check(fw_login_start(auth.capi(), http != nullptr ? http->capi() : nullptr, description.get(),
                                 authorize.get(), &raw, &err.p),
                  err);
    h_.reset(raw);
  }

  /// The URL to open or show; it holds no secret.
  std::string_view url() const noexcept {
    const char* u = fw_login_url(h_.get());
    return u != nullptr ? std::string_view(u) : std::string_view();
  }

  /// Waits up to `timeout` (whole milliseconds, at least 1) for the browser;
  /// throws fw::TimeoutError when it does not come back (the way out: save a
  /// token by hand, e.g. `fwauth setup-token`), fw::CanceledError when `cancel`
  /// is triggered, or the error of minting, checking or saving the key.
  LoginResult wait(std::chrono::milliseconds timeout = std::chrono::minutes(5),
                   const Cancel* cancel = nullptr) {
    auto ms = timeout.count();
    const auto most = static_cast<long long>(0xFFFFFFFFu);
    const auto clamped = static_cast<std::uint32_t>(ms < 1 ? 1 : (ms > most ? most : ms));
    detail::ErrorHolder err;
    detail::OwnedString path, user;
    fw_token_source source = FW_SOURCE_NONE;
    detail::check(fw_login_wait(h_.get(), clamped, cancel != nullptr ? cancel->capi() : nullptr, &source,
                                &path.p, &user.p, &err.p),
                  err);
    return LoginResult{static_cast<TokenSourceKind>(source), path.str(), user.str()};
  }
  /// The same, ended early by `cancel` (triggered from any thread).
  LoginResult wait(std::chrono::milliseconds timeout, const Cancel& cancel) { return wait(timeout, &cancel); }

  const fw_login* capi() const noexcept { return h_.get(); }
  fw_login* capi() noexcept { return h_.get(); }

 private:
  struct Free {
    void operator()(fw_login* p) const noexcept { fw_login_free(p); }
  };
  std::unique_ptr<fw_login, Free> h_;
};


// Batches (fw_client_get_many, fw_client_send_many)

namespace detail {
template <class F>
struct BatchCall;
}  // namespace detail

/// One finished request of a batch, as the callback sees it: borrowed for
/// the call (copy what you keep). ok() tells a 2xx answer from an error.
class BatchItem {
 public:
  /// The request's position in the batch.
  std::size_t index() const noexcept { return index_; }
  /// Whether the request succeeded (a 2xx answer).
  bool ok() const noexcept { return code_ == FW_OK; }
  /// FW_OK, or the request's error code.
  fw_result code() const noexcept { return code_; }
  /// The answer's status (0 for an error).
  std::uint16_t status() const noexcept { return ok() ? fw_response_status(response_) : 0; }
  /// The answer's body (empty for an error), borrowed for the call.
  std::string_view body() const {
    if (!ok()) return {};
    std::size_t len = 0;
    const std::uint8_t* data = fw_response_body(response_, &len);
    if (data == nullptr || len == 0) return {};
    return std::string_view(reinterpret_cast<const char*>(data), len);
  }
  /// The value of the answer's header `name` (none for an error).
  std::optional<std::string> header(std::string_view name) const {
    if (!ok()) return std::nullopt;
    return detail::header_value(response_, name, fw_response_header);
  }
  /// The request's error, copied (code FW_OK when it succeeded).
  Error error() const { return Error(code_, error_); }
  /// Throws the request's error as its fw::Error subclass; nothing when ok().
  void rethrow() const {
    if (!ok()) detail::raise(error());
  }

  /// The borrowed C handles (NULL for the other outcome).
  const fw_response* response_capi() const noexcept { return response_; }
  const fw_error* error_capi() const noexcept { return error_; }

 private:
  template <class F>
  friend struct detail::BatchCall;
  BatchItem(std::size_t index, fw_result code, const fw_response* response,
            const fw_error* error) noexcept
      : index_(index), code_(code), response_(response), error_(error) {}

  std::size_t index_;
  fw_result code_;
  const fw_response* response_;
  const fw_error* error_;
};

/// One request of fw::send_many.
struct BatchRequest {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::optional<std::string> content_type;
};

namespace detail {

/// The callback trampoline of a batch: calls `on_done` with each item and
/// keeps an exception it throws (the batch stops, and the exception is
/// rethrown from get_many / send_many).
template <class F>
struct BatchCall {
  F& on_done;
  std::exception_ptr thrown;

  static int call(void* self, std::size_t index, fw_result code, const fw_response* response,
                  const fw_error* error) noexcept {
    auto* me = static_cast<BatchCall*>(self);
    try {
      const BatchItem item(index, code, response, error);
      if constexpr (std::is_same_v<std::invoke_result_t<F&, const BatchItem&>, bool>) {
        return me->on_done(item) ? 0 : 1;
      } else {
        me->on_done(item);
        return 0;
      }
    } catch (...) {
      me->thrown = std::current_exception();
      return 1;
    }
  }

  template <class Run>
  void run(Run&& c_call) {
    detail::ErrorHolder err;
    const fw_result rc = c_call(&BatchCall::call, static_cast<void*>(this), &err.p);
    if (thrown) std::rethrow_exception(thrown);
    check(rc, err);
  }
};

}  // namespace detail

/// GETs every URL of `urls` through `client` (its whole policy: trust,
/// redirects, retries, Retry-After, timeouts; a view's options, see
/// Client::with), at most `max_in_flight` (1 to 1024) at once, and calls
/// `on_done(const fw::BatchItem&)` for each on this thread, one at a time,
/// in completion order. `on_done` returns void, or bool (false stops the
/// batch: fw::CanceledError is thrown); an exception it throws stops the batch
/// and is rethrown here. Returns once every item was handed over, whatever
/// each outcome (an item's error is its own: item.ok(), item.rethrow()).
template <class F>
void get_many(const Client& client, const std::vector<std::string>& urls,
              std::uint32_t max_in_flight, F&& on_done) {
  std::vector<const char*> ptrs;
  ptrs.reserve(urls.size());
  for (const auto& u : urls) ptrs.push_back(u.c_str());
  detail::BatchCall<F> call{on_done, nullptr};
  call.run([&](fw_batch_callback cb, void* self, fw_error** err) {
    return fw_client_get_many(client.capi(), ptrs.data(), ptrs.size(), max_in_flight, cb, self,
                              err);
  });
}

/// get_many for requests of any method, with bodies (fw_client_send_many).
template <class F>
void send_many(const Client& client, const std::vector<BatchRequest>& requests,
               std::uint32_t max_in_flight, F&& on_done) {
  std::vector<fw_batch_request> c;
  c.reserve(requests.size());
  for (const auto& r : requests) {
    c.push_back(fw_batch_request{r.method.c_str(), r.url.c_str(),
                                 reinterpret_cast<const std::uint8_t*>(r.body.data()),
                                 r.body.size(),
                                 r.content_type ? r.content_type->c_str() : nullptr});
  }
  detail::BatchCall<F> call{on_done, nullptr};
  call.run([&](fw_batch_callback cb, void* self, fw_error** err) {
    return fw_client_send_many(client.capi(), c.data(), c.size(), max_in_flight, cb, self, err);
  });
}

}  // namespace fw

#endif  // FWCLIENT_HPP
