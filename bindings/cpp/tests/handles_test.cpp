// Move-only RAII handles: moves transfer ownership, moved-from objects are
// safe to destroy and to assign to, and any other use is the library's
// NULL-argument error.
#include "support.hpp"

#include <type_traits>

template <typename T>
constexpr bool move_only = std::is_nothrow_move_constructible_v<T> &&
                           std::is_nothrow_move_assignable_v<T> &&
                           !std::is_copy_constructible_v<T> && !std::is_copy_assignable_v<T>;

static_assert(move_only<fw::Options>);
static_assert(move_only<fw::Auth>);
static_assert(move_only<fw::Client>);
static_assert(move_only<fw::Response>);
static_assert(std::is_copy_constructible_v<fw::SaveOptions>);
static_assert(std::is_copy_constructible_v<fw::TokenSource>);
// Not implicitly made from a string (explicit constructors).
static_assert(!std::is_convertible_v<const char*, fw::Client>);
static_assert(!std::is_convertible_v<const fw::Options&, fw::Auth>);

using Handles = fwtest::TempHome;

TEST_F(Handles, AuthMove) {
  fw::Auth a(fw::Options().token("fake_token_123"));
  fw_auth* raw = a.capi();
  ASSERT_NE(raw, nullptr);
  fw::Auth b(std::move(a));
  EXPECT_EQ(b.capi(), raw);
  EXPECT_EQ(a.capi(), nullptr);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(b.token(), "fake_token_123");
  // Using the moved-from object: the library's NULL-argument error.
  EXPECT_THROW(a.token(), fw::InvalidArgumentError);     // NOLINT(bugprone-use-after-move)
  EXPECT_THROW(a.layout(), fw::InvalidArgumentError);    // NOLINT(bugprone-use-after-move)
  EXPECT_THROW(a.set_token("x"), fw::InvalidArgumentError);  // NOLINT(bugprone-use-after-move)
  // Assigning to it revives it.
  a = std::move(b);
  EXPECT_EQ(a.token(), "fake_token_123");
  // Self-move leaves a valid state in practice for unique_ptr (not required).
  // Both are destroyed here: b is NULL, a owns the handle.
}

TEST_F(Handles, ClientMove) {
  fw::Client c("minnie65_public", fw::Options().token("fake_token_123"));
  fw::Client d = std::move(c);
  EXPECT_EQ(c.capi(), nullptr);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(d.auth().token(), "fake_token_123");
  EXPECT_THROW(c.auth(), fw::InvalidArgumentError);            // NOLINT(bugprone-use-after-move)
  EXPECT_THROW(c.server_address(), fw::InvalidArgumentError);  // NOLINT(bugprone-use-after-move)
  EXPECT_THROW(c.whoami(), fw::InvalidArgumentError);          // NOLINT(bugprone-use-after-move)
  std::vector<fw::Client> v;
  v.push_back(std::move(d));
  v.emplace_back("minnie65_public");
  EXPECT_EQ(v.front().auth().token(), "fake_token_123");
}

TEST_F(Handles, OptionsMove) {
  fw::Options o;
  o.token("fake_token_123");
  fw::Options p = std::move(o);
  EXPECT_EQ(o.capi(), nullptr);  // NOLINT(bugprone-use-after-move)
  EXPECT_THROW(o.token("x"), fw::InvalidArgumentError);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(fw::Auth(p).token(), "fake_token_123");
  // A moved-from Options passes NULL, which means "defaults" to the library.
  EXPECT_EQ(fw::Auth(o).token(), std::nullopt);  // NOLINT(bugprone-use-after-move)
}

TEST_F(Handles, OptionsMayDieBeforeTheirAuth) {
  std::optional<fw::Auth> a;
  {
    fw::Options o;
    o.token("fake_token_123");
    a.emplace(o);
  }
  EXPECT_EQ(a->token(), "fake_token_123");
}

TEST_F(Handles, CapiInterop) {
  fw::Client c("minnie65_public", fw::Options().token("fake_token_123"));
  // The raw handle works with the C functions directly.
  fw_auth* raw = nullptr;
  ASSERT_EQ(fw_client_auth(c.capi(), &raw, nullptr), FW_OK);
  char* tok = nullptr;
  ASSERT_EQ(fw_auth_token(raw, &tok, nullptr), FW_OK);
  EXPECT_STREQ(tok, "fake_token_123");
  fw_string_free(tok);
  // An fw_error from a direct C call becomes the same exception.
  fw_error* err = nullptr;
  ASSERT_EQ(fw_auth_set_token(raw, "bad token", &err), FW_ERR_INVALID_TOKEN_FORMAT);
  const fw::Error e(err);
  EXPECT_EQ(e.code(), FW_ERR_INVALID_TOKEN_FORMAT);
  EXPECT_STREQ(e.what(), fw_error_message(err));
  fw_error_free(err);
  EXPECT_THROW(fw::detail::raise(e), fw::InvalidTokenFormatError);
  fw_auth_free(raw);
  const fw::Client& cc = c;
  EXPECT_EQ(cc.capi(), c.capi());
}
