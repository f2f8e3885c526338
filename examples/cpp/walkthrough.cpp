// The "Authentication Service" walkthrough of annotationframeworkclient,
// in C++ with fwclient.hpp.
//
//   walkthrough [DATASTACK [SERVER_URL]]
//
// Without SERVER_URL it does what the notebook does, offline: it looks for
// a token, prints how to get one, saves the fake token
// ~/.cloudvolume/secrets/chunkedgraph-secret.json and reads it back. With
// SERVER_URL (e.g. fw-devserver's FW_DEVSERVER_URL) it then fetches the
// datastack's info with the saved token, and shows the errors the server
// gives with no token and with a wrong one.
//
// It writes to ~/.cloudvolume/secrets: run it with HOME set to a scratch
// directory (as `make demo-cpp` does) unless you mean to save the fake token.
//
// Build: c++ -std=c++17 -I include -I bindings/cpp/include
//          examples/cpp/walkthrough.cpp -L target/release -lfwclient
//          -Wl,-rpath,$PWD/target/release -o walkthrough
#include <fwclient.hpp>

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

namespace {

std::string show(const std::optional<std::string>& token) { return token.value_or("None"); }

void show_error(const char* what, const fw::Error& e) {
  std::cout << what << ": " << e.name() << " (HTTP " << e.http_status();
  if (e.server_id()) std::cout << ", " << *e.server_id();
  std::cout << "): " << e.what() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string datastack = argc > 1 ? argv[1] : "minnie65_public";
  const std::optional<std::string> server =
      argc > 2 ? std::optional<std::string>(argv[2]) : std::nullopt;

  // Every client below talks to SERVER_URL when one is given.
  auto options = [&server]() {
    fw::Options o;
    if (server) o.server_address(*server);
    return o;
  };

  try {
    fw::Client client(datastack, options());

    // auth = client.auth
    fw::Auth auth = client.auth();
    std::cout << "My current token is: " << show(auth.token()) << "\n";

    // auth.get_new_token()
    std::cout << auth.new_token_instructions() << "\n";

    // auth.save_token(token=new_token)
    const std::string new_token = "fake_token_123";
    auth.save_token(new_token);
    std::cout << "My token is now: " << show(auth.token()) << "\n";

    // A new client finds the saved token by itself...
    fw::Client client2(datastack, options());
    std::cout << "Now my basic token is: " << show(client2.auth().token()) << "\n";

    // ...unless one is given directly.
    fw::Client client_direct(datastack, options().token("another_fake_token_678"));
    std::cout << "A directly specified token is: " << show(client_direct.auth().token()) << "\n";

    if (!server) return 0;

    // The token is applied to every request of the client.
    std::cout << "\nDatastack info of " << datastack << " (with the saved token):\n"
              << client2.datastack_info() << "\n\n";

    // No token: a secrets directory that holds no file (and $FW_AUTH_TOKEN
    // unset, as `make demo-cpp` leaves it).
    const auto empty_dir = std::filesystem::path(auth.token_file()).parent_path() / "empty";
    fw::Client anonymous(datastack, options().secrets_dir(empty_dir.string()));
    try {
      anonymous.datastack_info();
      std::cout << "Without a token: no error?\n";
    } catch (const fw::NotAuthenticatedError& e) {
      show_error("Without a token", e);
    }

    // The wrong token.
    try {
      client_direct.datastack_info();
      std::cout << "With a wrong token: no error?\n";
    } catch (const fw::InvalidTokenError& e) {
      show_error("With a wrong token", e);
    }
    return 0;
  } catch (const fw::Error& e) {
    show_error("Error", e);
    return 1;
  }
}
