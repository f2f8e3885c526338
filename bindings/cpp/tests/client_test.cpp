// fw::Client and fw::Response against fw-devserver (default fixture):
// fake_token_123 is user 1 (not admin), another_fake_token_678 is unknown,
// admin_fake_token_456 is an admin, tos_fake_token_789 has a ToS to accept
// for flywire_fafb.
#include "support.hpp"

#include <atomic>
#include <mutex>
#include <thread>

using Client = fwtest::WithServer;

namespace {
bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}
}  // namespace

TEST_F(Client, DatastackInfoUsesTheSavedToken) {
  // The walkthrough: save the token, then a fresh client applies it.
  fw::Client first("minnie65_public", opts());
  first.auth().save_token("fake_token_123");
  fw::Client client("minnie65_public", opts());
  const std::string info = client.datastack_info();
  EXPECT_TRUE(has(info, "\"local_server\":\"" + server().url() + "\"")) << info;
  EXPECT_TRUE(has(info, "minnie65_phase3")) << info;
  EXPECT_EQ(client.local_server(), server().url());
  // Cached: the same text again.
  EXPECT_EQ(client.datastack_info(), info);
}

TEST_F(Client, WhoamiAndDatastacks) {
  fw::Client client(std::nullopt, opts("fake_token_123"));
  const std::string me = client.whoami();
  EXPECT_TRUE(has(me, "\"id\":1")) << me;
  EXPECT_TRUE(has(me, "Ada Lovelace")) << me;
  const std::string ds = client.datastacks();
  EXPECT_TRUE(has(ds, "\"minnie65_public\"")) << ds;
  EXPECT_TRUE(has(ds, "\"fanc_production\"")) << ds;
  EXPECT_FALSE(has(ds, "flywire_fafb")) << ds;
}

TEST_F(Client, CreateTokenAndTtl) {
  fw::Client client(std::nullopt, opts("fake_token_123"));
  EXPECT_EQ(client.token_ttl("fake_token_123"), -1);
  EXPECT_GT(client.token_ttl("expiring_fake_token_000"), 3500);

  const std::string fresh = client.create_token("made by the C++ tests");
  EXPECT_FALSE(fresh.empty());
  EXPECT_NE(fresh, "fake_token_123");
  EXPECT_EQ(client.token_ttl(fresh), -1);
  const std::string tokens = client.get_tokens();
  EXPECT_TRUE(has(tokens, fresh)) << tokens;
  EXPECT_TRUE(has(tokens, "made by the C++ tests")) << tokens;
  const std::string second = client.create_token();
  EXPECT_NE(second, fresh);

  // The new token works, and can be saved.
  auto auth = client.auth();
  auth.save_token(fresh);
  EXPECT_EQ(fwtest::read_file(secrets() / "chunkedgraph-secret.json"),
            "{\"token\": \"" + fresh + "\"}");
  EXPECT_TRUE(has(fw::Client(std::nullopt, opts()).whoami(), "\"id\":1"));

  // Another user's or an unknown token: the server's 404.
  try {
    client.token_ttl("admin_fake_token_456");
    FAIL() << "no exception";
  } catch (const fw::Error& e) {
    EXPECT_EQ(e.http_status(), 404);
  }
}

TEST_F(Client, NotAuthenticatedWithoutToken) {
  fw::Client client("minnie65_public", opts());
  EXPECT_EQ(client.auth().token(), std::nullopt);
  try {
    client.datastack_info();
    FAIL() << "no exception";
  } catch (const fw::NotAuthenticatedError& e) {
    EXPECT_EQ(e.code(), FW_ERR_NOT_AUTHENTICATED);
    EXPECT_EQ(e.name(), "FW_ERR_NOT_AUTHENTICATED");
    EXPECT_TRUE(e.url().has_value());
    EXPECT_STRNE(e.what(), "");
  }
  // Setting a token through the client's auth fixes it for the client.
  client.auth().set_token("fake_token_123");
  EXPECT_TRUE(has(client.datastack_info(), "minnie65_phase3"));
}

TEST_F(Client, InvalidTokenWithTheWrongOne) {
  fw::Client client("minnie65_public", opts("another_fake_token_678"));
  try {
    client.datastack_info();
    FAIL() << "no exception";
  } catch (const fw::InvalidTokenError& e) {
    EXPECT_EQ(e.code(), FW_ERR_INVALID_TOKEN);
    EXPECT_EQ(e.http_status(), 401);
    EXPECT_EQ(e.server_id(), "invalid_token");
    EXPECT_EQ(e.url(), server().url() + "/info/api/v2/datastack/full/minnie65_public");
    EXPECT_TRUE(has(e.body(), "invalid_token")) << e.body();
    EXPECT_FALSE(has(e.what(), "another_fake_token_678")) << e.what();
  }
  EXPECT_THROW(client.whoami(), fw::InvalidTokenError);
}

TEST_F(Client, MissingTos) {
  fw::Client client("flywire_fafb", opts("tos_fake_token_789"));
  try {
    client.datastack_info();
    FAIL() << "no exception";
  } catch (const fw::MissingTosError& e) {
    EXPECT_EQ(e.http_status(), 403);
    EXPECT_EQ(e.server_id(), "missing_tos");
    EXPECT_EQ(e.tos_form_url(), server().url() + "/sticky_auth/api/v1/tos/7/accept");
  }
  // The same user may see minnie65.
  fw::Client minnie("minnie65_public", opts("tos_fake_token_789"));
  EXPECT_TRUE(has(minnie.datastack_info(), "minnie65_phase3"));
}

TEST_F(Client, ForbiddenForNonAdmin) {
  fw::Client client(std::nullopt, opts("fake_token_123"));
  try {
    client.get_user_information({1, 2});
    FAIL() << "no exception";
  } catch (const fw::ForbiddenError& e) {
    EXPECT_EQ(e.http_status(), 403);
    EXPECT_TRUE(has(e.body(), "admin")) << e.body();
  }
  EXPECT_THROW(client.get_group_users(1), fw::ForbiddenError);

  fw::Client admin(std::nullopt, opts("admin_fake_token_456"));
  const std::string users = admin.get_user_information({1, 2});
  EXPECT_TRUE(has(users, "Ada Lovelace")) << users;
  EXPECT_TRUE(has(users, "Grace Hopper")) << users;
  EXPECT_FALSE(has(admin.get_user_information({2}), "Ada Lovelace"));
  const std::string members = admin.get_group_users(1);
  EXPECT_TRUE(has(members, "Ada Lovelace")) << members;
  // An empty list crosses the ABI as a valid empty array (not NULL): the
  // library itself answers.
  try {
    admin.get_user_information({});
    FAIL() << "no exception";
  } catch (const fw::InvalidArgumentError& e) {
    EXPECT_STREQ(e.what(), "no user ids given");
  }
}

TEST_F(Client, ResponseStatusHeaderBody) {
  fw::Client client("minnie65_public", opts("fake_token_123"));
  fw::Response r = client.get(server().url() + "/echo?x=1");
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("x-not-there"), std::nullopt);
  const auto all = r.headers();
  EXPECT_FALSE(all.empty());
  bool seen = false;
  for (const auto& [name, value] : all) {
    if (name == "content-type") seen = value == "application/json";
  }
  EXPECT_TRUE(seen);
  const std::string_view body = r.body();
  EXPECT_TRUE(has(std::string(body), "\"authorization\":\"Bearer fake_token_123\"")) << body;
  EXPECT_TRUE(has(std::string(body), "\"query\":\"x=1\"")) << body;
  EXPECT_EQ(r.body_string(), body);
  EXPECT_EQ(r.body().data(), body.data());  // borrowed, not copied

  fw::Response p = client.request("POST", server().url() + "/echo", "abc", "text/plain");
  EXPECT_EQ(p.status(), 200);
  EXPECT_TRUE(has(p.body_string(), "\"method\":\"POST\"")) << p.body_string();
  EXPECT_TRUE(has(p.body_string(), "\"body_len\":3")) << p.body_string();
  fw::Response d = client.request("DELETE", server().url() + "/echo");
  EXPECT_TRUE(has(d.body_string(), "\"body_len\":0")) << d.body_string();

  // Binary bytes survive (body is bytes, not a C string).
  const std::string bin("a\0b", 3);
  fw::Response b = client.request("PUT", server().url() + "/echo", bin);
  EXPECT_TRUE(has(b.body_string(), "\"body_len\":3")) << b.body_string();

  // A moved Response keeps its body valid.
  fw::Response moved = std::move(r);
  EXPECT_EQ(moved.body().data(), body.data());
  EXPECT_EQ(r.status(), 0);  // NOLINT(bugprone-use-after-move): NULL response
}

TEST_F(Client, RepeatedHeaders) {
  const fw::Client client(std::nullopt, opts());
  const fw::Response r = client.get(server().url() + "/fault/headers");
  // Joined with ", " by header(); every value its own entry in headers().
  EXPECT_EQ(r.header("X-Fw-Repeat"), "one, two");
  std::vector<std::string> repeat;
  for (const auto& [name, value] : r.headers()) {
    if (name == "x-fw-repeat") {
      repeat.push_back(value);
    } else if (name == "x-fw-single") {
      EXPECT_EQ(value, "alone");
    }
  }
  EXPECT_EQ(repeat, (std::vector<std::string>{"one", "two"}));
}

TEST_F(Client, ClientsShareAnAuthLive) {
  fw::Options o = opts("fake_shared_token_1");
  fw::Auth auth(o);
  const fw::Client a("minnie65_public", auth, o);
  const fw::Client b(std::nullopt, auth);
  const auto sent = [&](const fw::Client& c) { return c.get(server().url() + "/echo").body_string(); };
  EXPECT_TRUE(has(sent(a), "\"authorization\":\"Bearer fake_shared_token_1\"")) << sent(a);
  // A token set on the auth is what both clients send from now on...
  auth.set_token("fake_shared_token_2");
  EXPECT_TRUE(has(sent(a), "Bearer fake_shared_token_2")) << sent(a);
  EXPECT_TRUE(has(sent(b), "Bearer fake_shared_token_2")) << sent(b);
  // ...and a save through one client's auth reaches the other, after the
  // first Auth object is gone.
  { fw::Auth gone = std::move(auth); }
  b.auth().save_token("fake_shared_token_3");
  EXPECT_TRUE(has(sent(a), "Bearer fake_shared_token_3")) << sent(a);
}

TEST_F(Client, TokenGoesOnlyToTrustedOrigins) {
  fw::Client client("minnie65_public", opts("fake_token_123"));
  const std::string other = client.get(server().other_url() + "/echo").body_string();
  EXPECT_TRUE(has(other, "\"authorization\":null")) << other;

  fw::Options o = opts("fake_token_123");
  o.add_trusted_origin(server().other_url());
  fw::Client trusting("minnie65_public", o);
  const std::string now = trusting.get(server().other_url() + "/echo").body_string();
  EXPECT_TRUE(has(now, "\"authorization\":\"Bearer fake_token_123\"")) << now;
}

TEST_F(Client, GenericHttpError) {
  fw::Client client(std::nullopt, opts("fake_token_123").max_retries(0));
  const std::string url = server().url() + "/fault/status?code=500";
  try {
    client.get(url);
    FAIL() << "no exception";
  } catch (const fw::HttpStatusError& e) {
    EXPECT_EQ(e.code(), FW_ERR_HTTP_STATUS);
    EXPECT_EQ(e.http_status(), 500);
    EXPECT_EQ(e.body(), "{\"error\":\"test_error\",\"message\":\"status 500\"}\n");
    EXPECT_EQ(e.url(), url);
    EXPECT_EQ(e.tos_form_url(), std::nullopt);
  }
  try {
    client.request("POST", server().url() + "/fault/status?code=418", "{}", "application/json");
    FAIL() << "no exception";
  } catch (const fw::Error& e) {
    EXPECT_EQ(typeid(e), typeid(fw::HttpStatusError));
    EXPECT_EQ(e.http_status(), 418);
  }
}

// A Cancel triggered from another thread ends a request to a route that
// answers after 10 s with fw::CanceledError, long before the answer; a 200 ms
// RequestOptions timeout ends one with fw::TimeoutError (service calls too).
TEST_F(Client, PerRequestCancelAndTimeout) {
  using namespace std::chrono_literals;
  fw::Client c(std::nullopt, opts("fake_token_123"));
  const std::string stall = server().url() + "/fault/stall?ms=10000";
  fw::Cancel cancel;
  fw::RequestOptions ro;
  ro.cancel(cancel);
  auto start = std::chrono::steady_clock::now();
  std::thread later([&] {
    std::this_thread::sleep_for(100ms);
    cancel.trigger();
  });
  EXPECT_THROW(c.get(ro, stall), fw::CanceledError);
  later.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_THROW(c.whoami(ro), fw::CanceledError);  // triggered already: no I/O

  auto timed = fw::RequestOptions().timeout(200ms);
  start = std::chrono::steady_clock::now();
  EXPECT_THROW(c.request(timed, "GET", stall), fw::TimeoutError);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 5s);
  EXPECT_NO_THROW(c.whoami(timed));  // a quick call is unaffected

  // Streams too: the opening has the options' timeout and cancel object.
  EXPECT_THROW(c.open(timed, "GET", stall), fw::TimeoutError);
  EXPECT_THROW(c.open(ro, "GET", stall), fw::CanceledError);
}

TEST_F(Client, TransportErrors) {
  using namespace std::chrono_literals;
  fw::Client slow(std::nullopt, opts("fake_token_123").timeout(1000ms, 300ms).max_retries(0));
  EXPECT_THROW(slow.get(server().url() + "/fault/stall?ms=3000"), fw::TimeoutError);

  fw::Client small(std::nullopt, opts("fake_token_123").max_body_bytes(100));
  EXPECT_THROW(small.get(server().url() + "/fault/big?bytes=100000"), fw::BadResponseError);

  fw::Client client(std::nullopt, opts("fake_token_123").max_retries(0));
  EXPECT_THROW(client.get("not a url"), fw::InvalidUrlError);
  // Port 9 (discard) on loopback: nothing listens there.
  EXPECT_THROW(client.get("http://127.0.0.1:9/echo"), fw::NetworkError);
}

TEST_F(Client, InsecureUrlAndAllowInsecureHttp) {
  // 0.0.0.0 reaches the devserver but is not loopback: a token would go over
  // plain http to it, which is refused before any connection...
  const std::string url = server().url();
  const std::string wildcard = "http://0.0.0.0" + url.substr(url.rfind(':'));
  fw::Client insecure(std::nullopt, fw::Options().token("fake_token_123").server_address(wildcard));
  try {
    insecure.whoami();
    FAIL() << "no exception";
  } catch (const fw::InsecureUrlError& e) {
    EXPECT_FALSE(has(e.what(), "fake_token_123")) << e.what();
  }
  // ...unless explicitly allowed.
  fw::Client allowed(std::nullopt, fw::Options()
                                       .token("fake_token_123")
                                       .server_address(wildcard)
                                       .allow_insecure_http(true));
  EXPECT_TRUE(has(allowed.whoami(), "Ada Lovelace"));
}

TEST_F(Client, ProxyOptionAndUntrustedOrigin) {
  // A SOCKS proxy is refused, never bypassed.
  EXPECT_THROW(fw::Options().proxy("socks5://127.0.0.1:1080"), fw::InvalidArgumentError);
  // Loopback never goes through a proxy (nothing listens on port 9).
  fw::Client client(std::nullopt, opts("fake_token_123").proxy("http://127.0.0.1:9"));
  EXPECT_TRUE(has(client.whoami(), "Ada Lovelace"));
  // A request the token was withheld from says so, and how to trust the origin.
  try {
    client.get(server().other_url() + "/auth/api/v1/user/me");
    FAIL() << "no exception";
  } catch (const fw::UntrustedOriginError& e) {
    EXPECT_TRUE(has(e.what(), server().other_url())) << e.what();
    EXPECT_TRUE(has(e.what(), "; to trust it, call Options::add_trusted_origin(\"" +
                                  server().other_url() + "\")"))
        << e.what();
    EXPECT_FALSE(has(e.what(), "fw_")) << e.what();
    EXPECT_EQ(e.remedy(), FW_REMEDY_TRUST_ORIGIN);
    EXPECT_EQ(e.remedy_data(), std::optional<std::string>(server().other_url()));
  }
}

TEST_F(Client, SharedByThreads) {
  // Bounded, so that a request the server never answers fails in seconds
  // (as fw::TimeoutError) instead of hanging the test.
  using namespace std::chrono_literals;
  fw::Client client("minnie65_public", opts("fake_token_123").timeout(2000ms, 10000ms));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  std::mutex mu;
  std::vector<std::string> errors;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 10; ++j) {
        try {
          if (has(client.whoami(), "\"id\":1") && has(client.datastack_info(), "minnie65_phase3")) ++ok;
        } catch (const fw::Error& e) {
          std::lock_guard<std::mutex> lock(mu);
          errors.push_back(std::string(e.name()) + ": " + e.what());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 80);
  for (const auto& e : errors) ADD_FAILURE() << e;
}

// fw-devserver over HTTPS with a throw-away CA: untrusted without ca_file,
// trusted with it.
class ClientTls : public fwtest::TempHome {};

TEST_F(ClientTls, CaFile) {
  const std::string dir = (home() / "tls").string();
  fwtest::DevServer tls({"--tls-self-signed", dir});
  ASSERT_EQ(tls.url().rfind("https://127.0.0.1:", 0), 0u) << tls.url();

  fw::Client untrusting(std::nullopt,
                        fw::Options().server_address(tls.url()).token("fake_token_123").max_retries(0));
  try {
    untrusting.whoami();
    FAIL() << "no exception";
  } catch (const fw::TlsError& e) {
    EXPECT_EQ(e.code(), FW_ERR_TLS);
    EXPECT_EQ(e.http_status(), 0);
  }

  fw::Client trusting(std::nullopt, fw::Options()
                                        .server_address(tls.url())
                                        .token("fake_token_123")
                                        .ca_file(dir + "/ca.pem"));
  EXPECT_TRUE(has(trusting.whoami(), "Ada Lovelace"));
}

TEST_F(Client, StreamReadsABodyAboveTheBufferedCap) {
  fw::Options o = opts("fake_token_123");
  o.max_body_bytes(1 << 20);
  const fw::Client client(std::nullopt, o);
  const std::string url = server().url() + "/fault/big?bytes=3145728";
  EXPECT_THROW(client.get(url), fw::BadResponseError);
  fw::Stream s = client.open("GET", url);
  EXPECT_EQ(s.status(), 200);
  EXPECT_EQ(s.header("content-length"), "3145728");
  EXPECT_FALSE(s.headers().empty());
  char buf[65536];
  std::size_t total = 0, other = 0;
  for (std::size_t n; (n = s.read(buf, sizeof buf)) > 0;) {
    for (std::size_t i = 0; i < n; ++i) other += buf[i] != 'a';
    total += n;
  }
  EXPECT_EQ(total, 3145728u);
  EXPECT_EQ(other, 0u);
  EXPECT_EQ(s.read(buf, sizeof buf), 0u);
}

TEST_F(Client, StreamSlowDripTimesOut) {
  fw::Options o = opts("fake_token_123");
  o.timeout(std::chrono::milliseconds(1000), std::chrono::milliseconds(400));
  const fw::Client client(std::nullopt, o);
  fw::Stream s = client.open("GET", server().url() + "/fault/stall-body?ms=3000");
  char buf[256];
  std::size_t got = 0;
  EXPECT_THROW(
      {
        for (std::size_t n; (n = s.read(buf, sizeof buf)) > 0;) got += n;
      },
      fw::TimeoutError);
  EXPECT_GT(got, 0u);
}

TEST_F(Client, RetriesHonourRetryAfter) {
  fw::Options o = opts("fake_token_123");
  o.max_retries(2).retry_base_delay(std::chrono::milliseconds(1));
  const fw::Client client(std::nullopt, o);
  EXPECT_EQ(client.get(server().url() + "/fault/ratelimit?key=cpp&first=1&form=date").status(), 200);
  try {
    client.get(server().url() + "/fault/flaky?key=cpp-storm&fail=10&status=503");
    ADD_FAILURE() << "a 503 storm must fail";
  } catch (const fw::Error& e) {
    EXPECT_EQ(e.http_status(), 503);
    EXPECT_TRUE(has(e.what(), "(after 3 tries)")) << e.what();
  }
}

TEST_F(Client, ReloadFollowsTheTokenFile) {
  fw::Auth saver(opts());
  saver.save_token("fake_token_123");
  fw::Auth auth(opts());
  auth.reload();  // unchanged: nothing to do
  EXPECT_EQ(auth.token(), "fake_token_123");
  fw::SaveOptions replace;
  replace.overwrite = true;
  saver.save_token("admin_fake_token_456", replace);
  auth.reload();
  EXPECT_EQ(auth.token(), "admin_fake_token_456");
}
