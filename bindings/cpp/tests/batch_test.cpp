// fw::get_many and fw::send_many against fw-devserver: every item once, on
// the calling thread; the server sees no more connections than
// max_in_flight; an item's error is its own; returning false, or throwing,
// stops the batch (the in-flight items abandoned).
#include "support.hpp"

#include <algorithm>
#include <thread>

using Batch = fwtest::WithServer;

namespace {

/// How many connections the server accepted so far.
long connections(const fw::Client& client, const std::string& base) {
  const std::string body = client.get(base + "/fault/connections").body_string();
  const auto at = body.find("\"connections\":");
  return std::stol(body.substr(at + 14));
}

}  // namespace

TEST_F(Batch, EveryItemOnceOnTheCallingThreadWithinMaxInFlightConnections) {
  fw::Client client(std::nullopt, opts("fake_token_123"));
  std::vector<std::string> urls;
  for (int i = 0; i < 40; i++) urls.push_back(server().url() + "/echo?item=" + std::to_string(i));
  const long before = connections(client, server().url());
  std::vector<std::size_t> seen;
  const auto me = std::this_thread::get_id();
  fw::get_many(client, urls, 5, [&](const fw::BatchItem& item) {
    EXPECT_EQ(std::this_thread::get_id(), me);
    ASSERT_TRUE(item.ok()) << item.error().what();
    EXPECT_EQ(item.status(), 200);
    const std::string want = "\"query\":\"item=" + std::to_string(item.index()) + "\"";
    EXPECT_NE(item.body().find(want), std::string::npos) << item.body();
    EXPECT_NE(item.body().find("Bearer fake_token_123"), std::string::npos);
    seen.push_back(item.index());
  });
  EXPECT_LE(connections(client, server().url()) - before, 5);
  std::sort(seen.begin(), seen.end());
  ASSERT_EQ(seen.size(), 40u);
  for (std::size_t i = 0; i < seen.size(); i++) EXPECT_EQ(seen[i], i);
}

TEST_F(Batch, AnItemsErrorIsItsOwn) {
  fw::Client client(std::nullopt, opts("fake_token_123"));
  std::vector<std::string> urls = {server().url() + "/fault/status?code=404",
                                   server().url() + "/echo"};
  std::vector<std::pair<std::size_t, fw_result>> got;
  fw::get_many(client, urls, 2, [&](const fw::BatchItem& item) {
    got.emplace_back(item.index(), item.code());
    if (item.index() == 0) {
      EXPECT_EQ(item.error().http_status(), 404);
      EXPECT_THROW(item.rethrow(), fw::HttpStatusError);
    }
  });
  std::sort(got.begin(), got.end());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].second, FW_ERR_HTTP_STATUS);
  EXPECT_EQ(got[1].second, FW_OK);
}

TEST_F(Batch, FalseStopsTheBatchAndAbandonsTheStalledItem) {
  fw::Client client(std::nullopt, opts("fake_token_123"));
  std::vector<std::string> urls = {server().url() + "/fault/stall?ms=600000",
                                   server().url() + "/echo?a", server().url() + "/echo?b"};
  std::vector<std::size_t> seen;
  EXPECT_THROW(fw::get_many(client, urls, 3,
                            [&](const fw::BatchItem& item) {
                              seen.push_back(item.index());
                              return false;
                            }),
               fw::CanceledError);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_NE(seen[0], 0u);
}

TEST_F(Batch, AnExceptionFromTheCallbackStopsTheBatchAndComesBack) {
  fw::Client client(std::nullopt, opts("fake_token_123"));
  std::vector<std::string> urls = {server().url() + "/fault/stall?ms=600000",
                                   server().url() + "/echo"};
  EXPECT_THROW(fw::get_many(client, urls, 2,
                            [&](const fw::BatchItem&) { throw std::logic_error("mine"); }),
               std::logic_error);
}

TEST_F(Batch, SendManySendsEachMethodAndBody) {
  fw::Client client(std::nullopt, opts("fake_token_123"));
  std::vector<fw::BatchRequest> reqs;
  for (std::size_t i = 0; i < 4; i++) {
    reqs.push_back({i % 2 ? "PUT" : "POST", server().url() + "/echo", std::string(i * 7, 'x'),
                    "application/octet-stream"});
  }
  int done = 0;
  fw::send_many(client, reqs, 2, [&](const fw::BatchItem& item) {
    ASSERT_TRUE(item.ok()) << item.error().what();
    const std::string method = item.index() % 2 ? "PUT" : "POST";
    EXPECT_NE(item.body().find("\"method\":\"" + method + "\""), std::string::npos);
    EXPECT_NE(item.body().find("\"body_len\":" + std::to_string(item.index() * 7)),
              std::string::npos);
    done++;
  });
  EXPECT_EQ(done, 4);
}

TEST_F(Batch, ZeroInFlightIsAnInvalidArgument) {
  fw::Client client(std::nullopt, opts("fake_token_123"));
  EXPECT_THROW(fw::get_many(client, {server().url() + "/echo"}, 0, [](const fw::BatchItem&) {}),
               fw::InvalidArgumentError);
}
