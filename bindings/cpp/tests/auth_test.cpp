// fw::Auth, fw::Options and the offline parts of fw::Client, against a
// temporary HOME: the seed walkthrough and the save_token variants.
#include "support.hpp"

#include <sys/stat.h>

using fwtest::read_file;
using fwtest::write_file;

namespace {

class Auth : public fwtest::TempHome {
 protected:
  fwtest::fs::path framework_file() const { return secrets() / "chunkedgraph-secret.json"; }
};

}  // namespace

// The authentication-service walkthrough, step by step.
TEST_F(Auth, SeedWalkthrough) {
  fw::Client client("minnie65_public");
  fw::Auth auth = client.auth();
  EXPECT_EQ(auth.token(), std::nullopt);  // "My current token is: None"
  EXPECT_EQ(auth.source().kind, fw::TokenSourceKind::None);
  EXPECT_EQ(auth.request_header(), std::nullopt);

  const std::string text = auth.new_token_instructions();
  EXPECT_NE(text.find("auth.save_token(\"PASTE_YOUR_TOKEN_HERE\");"), std::string::npos) << text;
  EXPECT_NE(text.find("auth.set_token(\"PASTE_YOUR_TOKEN_HERE\");"), std::string::npos) << text;
  EXPECT_NE(text.find(auth.new_token_url()), std::string::npos);
  EXPECT_NE(text.find(auth.token_page_url()), std::string::npos);
  EXPECT_EQ(auth.new_token_url(), "https://global.daf-apis.com/auth/api/v1/create_token");
  EXPECT_EQ(auth.token_page_url(), "https://global.daf-apis.com/sticky_auth/settings/tokens");
  EXPECT_EQ(auth.token_file(), framework_file().string());

  auth.save_token("fake_token_123");
  EXPECT_EQ(auth.token(), "fake_token_123");  // "My token is now: fake_token_123"
  EXPECT_EQ(read_file(framework_file()), R"({"token": "fake_token_123"})");
  // The client shares the auth: it uses the token just saved.
  EXPECT_EQ(client.auth().token(), "fake_token_123");
  struct stat st {};
  ASSERT_EQ(stat(framework_file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  fw::Client fresh("minnie65_public");
  EXPECT_EQ(fresh.auth().token(), "fake_token_123");  // "Now my basic token is: ..."
  const fw::TokenSource src = fresh.auth().source();
  EXPECT_EQ(src.kind, fw::TokenSourceKind::File);
  EXPECT_EQ(src.path, framework_file().string());
  EXPECT_EQ(src.key, "token");
  EXPECT_EQ(fresh.auth().request_header(), "Bearer fake_token_123");

  fw::Client direct("minnie65_public", fw::Options().token("another_fake_token_678"));
  EXPECT_EQ(direct.auth().token(), "another_fake_token_678");  // "A directly specified token is: ..."
  EXPECT_EQ(direct.auth().source().kind, fw::TokenSourceKind::Explicit);
  EXPECT_EQ(direct.auth().source().path, std::nullopt);
  // The file is untouched by the direct token.
  EXPECT_EQ(read_file(framework_file()), R"({"token": "fake_token_123"})");
}

TEST_F(Auth, TokenExistsIsThrownAndFileKept) {
  fw::Auth auth;
  auth.save_token("fake_token_123");
  try {
    auth.save_token("another_fake_token_678");
    FAIL() << "no exception";
  } catch (const fw::TokenExistsError& e) {
    // caveclient's words for the problem, then the fix in C++'s.
    const std::string problem =
        "Key \"token\" already exists in token file \"" + framework_file().string() + "\"";
    EXPECT_EQ(e.problem(), problem);
    EXPECT_EQ(std::string(e.what()),
              problem + "; to replace it, call Auth::save_token with SaveOptions::overwrite = true");
    EXPECT_EQ(e.remedy(), FW_REMEDY_OVERWRITE);
    EXPECT_EQ(e.remedy_data(), std::nullopt);
    EXPECT_EQ(e.code(), FW_ERR_TOKEN_EXISTS);
    EXPECT_EQ(e.name(), "FW_ERR_TOKEN_EXISTS");
    EXPECT_EQ(e.http_status(), 0);
    EXPECT_EQ(e.server_id(), std::nullopt);
  }
  EXPECT_EQ(read_file(framework_file()), R"({"token": "fake_token_123"})");
  EXPECT_EQ(auth.token(), "fake_token_123");

  fw::SaveOptions o;
  o.overwrite = true;
  auth.save_token("another_fake_token_678", o);
  EXPECT_EQ(read_file(framework_file()), R"({"token": "another_fake_token_678"})");
  EXPECT_EQ(auth.token(), "another_fake_token_678");
}

TEST_F(Auth, CustomFileAndKey) {
  const std::string file = (home() / "tokens" / "mine.json").string();
  fw::Auth auth;
  fw::SaveOptions o;
  o.token_file = file;
  o.token_key = "work";
  auth.save_token("fake_token_123", o);
  EXPECT_EQ(read_file(file), R"({"work": "fake_token_123"})");
  EXPECT_FALSE(fwtest::fs::exists(framework_file()));
  EXPECT_EQ(auth.token(), "fake_token_123");
  EXPECT_EQ(auth.source().path, file);
  EXPECT_EQ(auth.source().key, "work");

  // A second key in the same file keeps the first; without switching, the
  // token in use stays.
  fw::SaveOptions o2 = o;
  o2.token_key = "play";
  o2.switch_token = false;
  auth.save_token("another_fake_token_678", o2);
  EXPECT_EQ(read_file(file), R"({"work": "fake_token_123", "play": "another_fake_token_678"})");
  EXPECT_EQ(auth.token(), "fake_token_123");

  // Reading it back through the options.
  fw::Auth play(fw::Options().token_file(file).token_key("play"));
  EXPECT_EQ(play.token(), "another_fake_token_678");
  fw::Auth tilde(fw::Options().token_file("~/tokens/mine.json").token_key("work"));
  EXPECT_EQ(tilde.token(), "fake_token_123");
  EXPECT_EQ(tilde.source().path, file);
}

TEST_F(Auth, SaveCurrentToken) {
  fw::Auth auth(fw::Options().token("fake_token_123"));
  auth.save_token();
  EXPECT_EQ(read_file(framework_file()), R"({"token": "fake_token_123"})");

  fw::SaveOptions o;
  o.token_key = "backup";
  auth.save_token(o);
  EXPECT_EQ(read_file(framework_file()), R"({"token": "fake_token_123", "backup": "fake_token_123"})");

  // No token at all: the library's error.
  fw::Auth none(fw::Options().secrets_dir((home() / "empty").string()));
  EXPECT_EQ(none.token(), std::nullopt);
  EXPECT_THROW(none.save_token(), fw::InvalidArgumentError);
}

TEST_F(Auth, SetTokenWritesNoFile) {
  fw::Auth auth;
  auth.set_token("fake_token_123");
  EXPECT_EQ(auth.token(), "fake_token_123");
  EXPECT_EQ(auth.source().kind, fw::TokenSourceKind::Explicit);
  EXPECT_FALSE(fwtest::fs::exists(secrets()));
}

TEST_F(Auth, EnvironmentToken) {
  setenv("FW_AUTH_TOKEN", "fake_token_123", 1);
  fw::Auth auth;
  EXPECT_EQ(auth.token(), "fake_token_123");
  EXPECT_EQ(auth.source().kind, fw::TokenSourceKind::Env);
  EXPECT_EQ(fw::token_source_name(auth.source().kind), "FW_SOURCE_ENV");
  EXPECT_EQ(fw::token_source_name(static_cast<fw::TokenSourceKind>(99)), "FW_UNKNOWN_SOURCE");
}

TEST_F(Auth, CaveLayout) {
  fw::Auth auth(fw::Options().layout(fw::Layout::Cave));
  EXPECT_EQ(auth.layout(), fw::Layout::Cave);
  EXPECT_EQ(auth.token_file(), (secrets() / "cave-secret.json").string());
  auth.save_token("fake_token_123");
  EXPECT_EQ(read_file(secrets() / "cave-secret.json"), R"({"token": "fake_token_123"})");
  EXPECT_EQ(read_file(secrets() / "global.daf-apis.com-cave-secret.json"),
            R"({"token": "fake_token_123"})");
  EXPECT_FALSE(fwtest::fs::exists(framework_file()));

  // write_to_server_file = false: only the cave file.
  fw::Auth other(fw::Options()
                     .layout(fw::Layout::Cave)
                     .server_address("https://other.example.org")
                     .secrets_dir((home() / "s2").string()));
  fw::SaveOptions o;
  o.write_to_server_file = false;
  o.local_server = false;
  o.ignore_readonly = false;
  other.save_token("fake_token_123", o);
  EXPECT_TRUE(fwtest::fs::exists(home() / "s2" / "cave-secret.json"));
  EXPECT_FALSE(fwtest::fs::exists(home() / "s2" / "other.example.org-cave-secret.json"));

  // The layout is chosen from the files present: only cave-secret.json.
  fw::Auth chosen;
  EXPECT_EQ(chosen.layout(), fw::Layout::Cave);
  EXPECT_EQ(chosen.token(), "fake_token_123");

  setenv("FW_SECRETS_LAYOUT", "framework", 1);
  EXPECT_EQ(fw::Auth().layout(), fw::Layout::Framework);
}

TEST_F(Auth, InvalidTokenFormat) {
  // From the options setter: the library's message, like every other call.
  try {
    fw::Options().token("has space");
    FAIL() << "no exception";
  } catch (const fw::InvalidTokenFormatError& e) {
    EXPECT_EQ(e.code(), FW_ERR_INVALID_TOKEN_FORMAT);
    EXPECT_STRNE(e.what(), "FW_ERR_INVALID_TOKEN_FORMAT");
    EXPECT_STRNE(e.what(), "");
    EXPECT_EQ(std::string(e.what()).find("has space"), std::string::npos) << e.what();
  }
  // A refused option says which value, in the core's words.
  try {
    fw::Options().max_body_bytes(0);
    FAIL() << "no exception";
  } catch (const fw::InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("the body limit"), std::string::npos) << e.what();
  }
  EXPECT_THROW(fw::Options().token(""), fw::InvalidTokenFormatError);
  EXPECT_THROW(fw::Options().token("t\xc3\xa9st"), fw::InvalidTokenFormatError);

  // From set_token and save_token (the library's message).
  fw::Auth auth;
  try {
    auth.set_token("bad\ttoken");
    FAIL() << "no exception";
  } catch (const fw::InvalidTokenFormatError& e) {
    EXPECT_EQ(e.code(), FW_ERR_INVALID_TOKEN_FORMAT);
    EXPECT_STRNE(e.what(), "");
    // The message never holds the token.
    EXPECT_EQ(std::string(e.what()).find("bad\ttoken"), std::string::npos);
  }
  EXPECT_THROW(auth.save_token("bad token"), fw::InvalidTokenFormatError);
  EXPECT_FALSE(fwtest::fs::exists(framework_file()));
  EXPECT_EQ(auth.token(), std::nullopt);

  // A NUL cannot cross the C ABI: refused, not cut short.
  EXPECT_THROW(auth.set_token(std::string_view("fake_token_123\0x", 16)), fw::InvalidArgumentError);
  EXPECT_EQ(auth.token(), std::nullopt);
}

TEST_F(Auth, MalformedSecretFile) {
  write_file(framework_file(), "[1, 2]");
  // The auth exists, so that a token can be saved over the file; using the
  // token throws, naming the file, the form it should have and the fix.
  fw::Auth auth;
  try {
    (void)auth.token();
    FAIL() << "no exception";
  } catch (const fw::SecretFileError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(framework_file().string()), std::string::npos) << what;
    EXPECT_NE(what.find("{\"token\": \"<your token>\"}"), std::string::npos) << what;
    // The fix in C++'s words, never a C flag.
    EXPECT_NE(what.find("SaveOptions::replace_invalid = true"), std::string::npos) << what;
    EXPECT_EQ(what.find("FW_SAVE"), std::string::npos) << what;
    EXPECT_EQ(e.remedy(), FW_REMEDY_REPLACE_INVALID);
    EXPECT_EQ(e.remedy_data(), std::optional<std::string>(framework_file().string()));
  }
  fw::SaveOptions opts;
  opts.overwrite = true;
  EXPECT_THROW(auth.save_token("fake_token_123", opts), fw::SecretFileError);
  opts.replace_invalid = true;
  auth.save_token("fake_token_123", opts);
  EXPECT_EQ(read_file(framework_file()), R"({"token": "fake_token_123"})");
  EXPECT_EQ(auth.token(), std::optional<std::string>("fake_token_123"));
  int kept = 0;
  for (const auto& entry : std::filesystem::directory_iterator(framework_file().parent_path())) {
    if (entry.path().filename().string().rfind("chunkedgraph-secret.json.invalid-", 0) == 0) {
      EXPECT_EQ(read_file(entry.path()), "[1, 2]");
      kept++;
    }
  }
  EXPECT_EQ(kept, 1);
}

TEST_F(Auth, OptionSettersRefuseBadValues) {
  using namespace std::chrono_literals;
  // A negative timeout cannot cross the ABI (it would wrap to ~forever).
  EXPECT_THROW(fw::Options().timeout(-5ms, 1000ms), fw::InvalidArgumentError);
  EXPECT_THROW(fw::Options().timeout(1000ms, -1ms), fw::InvalidArgumentError);
  EXPECT_THROW(fw::Options().layout(static_cast<fw::Layout>(7)), fw::InvalidArgumentError);
  EXPECT_THROW(fw::Options().token_key(std::string_view("a\0b", 3)), fw::InvalidArgumentError);
  // The rest accept ordinary values and chain.
  fw::Options o;
  fw::Options& same = o.token_file("~/x.json")
                          .token_key("k")
                          .server_address("https://global.daf-apis.com")
                          .secrets_dir("~/s")
                          .layout(fw::Layout::Framework)
                          .timeout(1s, 2s)
                          .max_retries(0)
                          .max_body_bytes(1024)
                          .add_trusted_origin("https://example.org:8443")
                          .allow_insecure_http(true);
  EXPECT_EQ(&same, &o);
  EXPECT_NE(o.capi(), nullptr);
}

TEST_F(Auth, CaFileMustExist) {
  // The CA file is read when the client is made: a missing one is an error.
  fw::Options o;
  o.ca_file((home() / "missing.pem").string());
  try {
    fw::Client c(std::nullopt, o);
    FAIL() << "no exception";
  } catch (const fw::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.pem"), std::string::npos) << e.what();
  }
}

TEST_F(Auth, GlobalClientAndServerAddress) {
  fw::Client global;
  EXPECT_EQ(global.server_address(), "https://global.daf-apis.com");
  fw::Client other(std::nullopt, fw::Options().server_address("https://example.org"));
  EXPECT_EQ(other.server_address(), "https://example.org");
  EXPECT_EQ(other.auth().new_token_url(), "https://example.org/auth/api/v1/create_token");
}

// Two handles to one auth: what one sets, the other sees.
TEST_F(Auth, SharedAuth) {
  fw::Client client("minnie65_public");
  fw::Auth a = client.auth();
  fw::Auth b = client.auth();
  EXPECT_NE(a.capi(), nullptr);
  a.set_token("fake_token_123");
  EXPECT_EQ(b.token(), "fake_token_123");
  EXPECT_EQ(client.auth().request_header(), "Bearer fake_token_123");
  b.save_token("another_fake_token_678");
  EXPECT_EQ(a.token(), "another_fake_token_678");
  // The auth outlives the client that handed it out.
  {
    fw::Client temp("minnie65_public", fw::Options().token("fake_token_123"));
    a = temp.auth();
  }
  EXPECT_EQ(a.token(), "fake_token_123");
  EXPECT_EQ(b.token(), "another_fake_token_678");
}

TEST(SaveOptions, Flags) {
  EXPECT_EQ(fw::SaveOptions{}.flags(), 0u);  // caveclient's defaults
  fw::SaveOptions o;
  o.overwrite = true;
  EXPECT_EQ(o.flags(), static_cast<std::uint32_t>(FW_SAVE_OVERWRITE));
  o = {};
  o.switch_token = false;
  EXPECT_EQ(o.flags(), static_cast<std::uint32_t>(FW_SAVE_NO_SWITCH));
  o = {};
  o.write_to_server_file = false;
  EXPECT_EQ(o.flags(), static_cast<std::uint32_t>(FW_SAVE_NO_SERVER_FILE));
  o = {};
  o.local_server = false;
  EXPECT_EQ(o.flags(), static_cast<std::uint32_t>(FW_SAVE_NO_LOCAL_SERVER));
  o = {};
  o.ignore_readonly = false;
  EXPECT_EQ(o.flags(), static_cast<std::uint32_t>(FW_SAVE_STRICT_READONLY));
  o.overwrite = true;
  o.switch_token = false;
  o.write_to_server_file = false;
  o.local_server = false;
  EXPECT_EQ(o.flags(), 31u);
}
