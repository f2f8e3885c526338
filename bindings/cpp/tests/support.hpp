// Test fixtures: a temporary HOME, and fw-devserver run as a child process.
#ifndef FWCLIENT_CPP_TESTS_SUPPORT_HPP
#define FWCLIENT_CPP_TESTS_SUPPORT_HPP

#include <fwclient.hpp>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fwtest {

namespace fs = std::filesystem;

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

/// Saves an environment variable and restores it on destruction.
class EnvGuard {
 public:
  explicit EnvGuard(std::string name) : name_(std::move(name)) {
    if (const char* v = std::getenv(name_.c_str())) old_ = v;
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;
  ~EnvGuard() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

/// A test with HOME set to a fresh temporary directory and the library's
/// environment variables unset; everything is restored and removed after.
class TempHome : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "fwcpp-home-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    ASSERT_NE(mkdtemp(buf.data()), nullptr) << std::strerror(errno);
    home_ = fs::path(buf.data());
    setenv("HOME", home_.c_str(), 1);
    for (const char* v :
         {"FW_AUTH_TOKEN", "FW_SECRETS_DIR", "FW_SECRETS_LAYOUT", "FW_CA_BUNDLE", "FW_SERVER_ADDRESS"}) {
      unsetenv(v);
    }
  }
  void TearDown() override {
    std::error_code ec;
    if (!home_.empty()) fs::remove_all(home_, ec);
  }

  const fs::path& home() const { return home_; }
  fs::path secrets() const { return home_ / ".cloudvolume" / "secrets"; }

 private:
  EnvGuard g_home_{"HOME"}, g_token_{"FW_AUTH_TOKEN"}, g_dir_{"FW_SECRETS_DIR"},
      g_layout_{"FW_SECRETS_LAYOUT"}, g_ca_{"FW_CA_BUNDLE"}, g_server_{"FW_SERVER_ADDRESS"};
  fs::path home_;
};

/// fw-devserver on free ports of 127.0.0.1, stopped (kill + waitpid) by the
/// destructor, and killed by the kernel if the test process dies first.
class DevServer {
 public:
  /// `extra`: more arguments, e.g. {"--tls-self-signed", dir}.
  explicit DevServer(const std::vector<std::string>& extra = {}) {
    const char* bin = FW_DEVSERVER_PATH;
    if (access(bin, X_OK) != 0) {
      throw std::runtime_error(std::string("fw-devserver not found at ") + bin +
                               ": run `cargo build --release -p fw-devserver`");
    }
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> args = {bin, "--port", "0", "--other-port", "0", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
      // Only async-signal-safe calls until exec. The server dies with the
      // test process, even when ctest kills that on a timeout.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      execv(bin, argv.data());
      _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
      close(fds[0]);
      throw std::runtime_error(std::string("cannot start fw-devserver: ") + std::strerror(errno));
    }
    pid_ = pid;
    out_ = fds[0];
    // The first two lines name the two origins.
    while (!url_ || !other_url_) {
      std::string line = read_line();
      if (line.empty()) {
        stop();
        throw std::runtime_error("fw-devserver exited before printing its URLs");
      }
      const std::string a = "FW_DEVSERVER_URL=", b = "FW_DEVSERVER_OTHER_URL=";
      if (line.rfind(a, 0) == 0) url_ = line.substr(a.size());
      if (line.rfind(b, 0) == 0) other_url_ = line.substr(b.size());
    }
  }
  DevServer(const DevServer&) = delete;
  DevServer& operator=(const DevServer&) = delete;
  ~DevServer() { stop(); }

  const std::string& url() const { return *url_; }
  const std::string& other_url() const { return *other_url_; }

 private:
  std::string read_line() {
    std::string line;
    char c;
    while (read(out_, &c, 1) == 1) {
      if (c == '\n') return line;
      line.push_back(c);
    }
    return line;
  }
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
    }
    if (out_ >= 0) {
      close(out_);
      out_ = -1;
    }
  }

  pid_t pid_ = -1;
  int out_ = -1;
  std::optional<std::string> url_, other_url_;
};

/// A temporary HOME plus a devserver shared by the tests of one suite (one
/// process per test under ctest, so usually one server per test).
class WithServer : public TempHome {
 protected:
  static void SetUpTestSuite() {
    try {
      server_ = new DevServer();
    } catch (const std::exception& e) {
      start_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    TempHome::SetUp();
    ASSERT_NE(server_, nullptr) << start_error_;
  }
  static const DevServer& server() { return *server_; }

  /// Options pointing at the devserver, optionally with a token.
  static fw::Options opts(std::optional<std::string_view> token = std::nullopt) {
    fw::Options o;
    o.server_address(server().url());
    if (token) o.token(*token);
    return o;
  }

 private:
  static inline DevServer* server_ = nullptr;
  static inline std::string start_error_;
};

}  // namespace fwtest

#endif
