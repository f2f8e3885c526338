// A C++ program of a user of the installed library, through fwclient.hpp and
// CMake's find_package(fwclient):  consumer_cpp SERVER_URL SECRETS_DIR
// Saves the seed token into the empty SECRETS_DIR, then reads a datastack's
// info and the user with it, and checks the exception a wrong token gives.
#include <fwclient.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: consumer_cpp SERVER_URL SECRETS_DIR\n";
    return 2;
  }
  const std::string server = argv[1], secrets = argv[2];
  try {
    if (fw::version() != fw::header_version) {
      std::cerr << "consumer_cpp: library " << fw::version() << ", header " << fw::header_version << "\n";
      return 1;
    }
    fw::Client client("minnie65_public", fw::Options().server_address(server).secrets_dir(secrets));
    fw::Auth auth = client.auth();
    if (auth.token()) {
      std::cerr << "consumer_cpp: a token was found in an empty directory\n";
      return 1;
    }
    auth.save_token("fake_token_123");
    if (client.datastack_info().find("\"local_server\"") == std::string::npos ||
        client.whoami().find("Ada Lovelace") == std::string::npos) {
      std::cerr << "consumer_cpp: unexpected answers\n";
      return 1;
    }
    fw::Client wrong(std::nullopt, fw::Options().server_address(server).secrets_dir(secrets).token(
                                       "another_fake_token_678"));
    try {
      wrong.whoami();
      std::cerr << "consumer_cpp: a wrong token was accepted\n";
      return 1;
    } catch (const fw::InvalidTokenError& e) {
      if (e.http_status() != 401) {
        std::cerr << "consumer_cpp: wrong status " << e.http_status() << "\n";
        return 1;
      }
    }
  } catch (const fw::Error& e) {
    std::cerr << "consumer_cpp: " << e.name() << ": " << e.what() << "\n";
    return 1;
  }
  std::cout << "consumer_cpp: ok (libfwclient " << fw::version() << ")\n";
  return 0;
}
