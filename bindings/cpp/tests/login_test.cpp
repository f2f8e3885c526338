// fw::Login against fw-devserver, with the scripted browser of tests/login
// run as a program runs $BROWSER: the key is saved through the auth and in
// use; a browser that never comes back ends in fw::TimeoutError, a triggered
// Cancel in fw::CanceledError; the RAII object frees its listener.
#include <fwclient.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "support.hpp"

using namespace std::chrono_literals;

class LoginTest : public fwtest::WithServer {};

TEST_F(LoginTest, ScriptedBrowserSavesAMintedKey) {
  fw::Auth auth(opts());
  ASSERT_FALSE(auth.token().has_value());
  fw::Login login(auth, fw::LoginSettings{std::string("C++ test"), std::nullopt});
  const std::string url(login.url());
  EXPECT_EQ(url.rfind(server().url() + "/sticky_auth/api/v1/authorize?redirect=http%3A%2F%2F127.0.0.1%3A", 0), 0u)
      << url;
  int status = -1;
  std::thread browser([&] {
    std::string command = std::string("python3 '") + FW_LOGIN_BROWSER + "' '" + url + "'";
    status = std::system(command.c_str());
  });
  fw::LoginResult done = login.wait(60s);
  browser.join();
  EXPECT_EQ(status, 0);
  EXPECT_EQ(done.source, fw::TokenSourceKind::File);
  EXPECT_EQ(done.user, "Ada Lovelace <ada@example.org>");
  EXPECT_EQ(done.saved_path, auth.token_file());
  const auto key = auth.token();
  ASSERT_TRUE(key.has_value());
  EXPECT_NE(fwtest::read_file(done.saved_path).find(*key), std::string::npos);
  EXPECT_EQ(done.user.find(*key), std::string::npos);
}

TEST_F(LoginTest, NoBrowserTimesOutAndCancelEndsTheWait) {
  fw::Auth auth(opts());
  fw::Login login(auth);
  try {
    login.wait(20ms);
    FAIL() << "no timeout";
  } catch (const fw::TimeoutError& e) {
    EXPECT_NE(std::string(e.what()).find("did not come back"), std::string::npos) << e.what();
  }
  fw::Cancel cancel;
  cancel.trigger();
  EXPECT_THROW(login.wait(60s, cancel), fw::CanceledError);
  EXPECT_FALSE(auth.token().has_value());
}
