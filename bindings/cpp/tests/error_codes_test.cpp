// STYLE habit 13: every code of the C header's `enum fw_result` maps to an
// exception type of its own. The codes are read from include/fwclient.h at
// run time, so a code added to the library without a C++ mapping fails here
// (and at compile time through -Wswitch -Werror on fw::detail::raise).
#include "support.hpp"

#include <map>
#include <regex>
#include <set>
#include <typeindex>
#include <typeinfo>

namespace {

// Codes that deliberately map to the generic fw::Error. None today; a code
// listed here must be documented as such in fwclient.hpp and README.md.
const std::set<std::string> kGenericCodes = {};

std::map<std::string, std::uint32_t> header_codes() {
  const std::string text = fwtest::read_file(FW_C_HEADER_PATH);
  std::map<std::string, std::uint32_t> codes;
  const std::regex re(R"((FW_ERR_[A-Z_]*) = ([0-9]+))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    codes[(*it)[1].str()] = static_cast<std::uint32_t>(std::stoul((*it)[2].str()));
  }
  return codes;
}

// The dynamic type fw::detail::raise throws for `code`.
std::type_index thrown_type(std::uint32_t code, std::string* what = nullptr) {
  try {
    fw::detail::raise(fw::Error(static_cast<fw_result>(code)));
  } catch (const fw::Error& e) {
    if (what) *what = e.what();
    EXPECT_EQ(static_cast<std::uint32_t>(e.code()), code);
    return std::type_index(typeid(e));
  }
  ADD_FAILURE() << "raise returned";
  return std::type_index(typeid(void));
}

}  // namespace

TEST(ErrorCodes, HeaderHasCodes) {
  const auto codes = header_codes();
  // A sanity floor, so a broken regex cannot make the next test vacuous.
  EXPECT_GE(codes.size(), 18u);
  EXPECT_EQ(codes.count("FW_ERR_TOKEN_EXISTS"), 1u);
}

TEST(ErrorCodes, EveryHeaderCodeHasItsOwnType) {
  std::map<std::type_index, std::string> seen;
  for (const auto& [name, code] : header_codes()) {
    SCOPED_TRACE(name);
    // The library knows the code under the header's name.
    EXPECT_EQ(std::string(fw_result_name(code)), name);
    std::string what;
    const std::type_index t = thrown_type(code, &what);
    // Without an fw_error the message is the code's name.
    EXPECT_EQ(what, name);
    if (kGenericCodes.count(name)) {
      EXPECT_EQ(t, std::type_index(typeid(fw::Error)));
      continue;
    }
    EXPECT_NE(t, std::type_index(typeid(fw::Error))) << name << " has no subclass of fw::Error";
    const auto [it, fresh] = seen.emplace(t, name);
    EXPECT_TRUE(fresh) << name << " and " << it->second << " map to the same type";
  }
}

TEST(ErrorCodes, SpecificTypesCatchTheirCode) {
  auto catches = [](fw_result code, auto tag) {
    using T = decltype(tag);
    try {
      fw::detail::raise(fw::Error(code));
    } catch (const T& e) {
      return e.code() == code;
    } catch (...) {
      return false;
    }
  };
  EXPECT_TRUE(catches(FW_ERR_INVALID_ARGUMENT, fw::InvalidArgumentError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_INVALID_TOKEN_FORMAT, fw::InvalidTokenFormatError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_TOKEN_EXISTS, fw::TokenExistsError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_IO, fw::IoError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_SECRET_FILE, fw::SecretFileError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_NOT_AUTHENTICATED, fw::NotAuthenticatedError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_INVALID_TOKEN, fw::InvalidTokenError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_BAD_AUTH_HEADER, fw::BadAuthHeaderError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_MISSING_TOS, fw::MissingTosError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_FORBIDDEN, fw::ForbiddenError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_HTTP_STATUS, fw::HttpStatusError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_NETWORK, fw::NetworkError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_TIMEOUT, fw::TimeoutError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_TLS, fw::TlsError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_INSECURE_URL, fw::InsecureUrlError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_INVALID_URL, fw::InvalidUrlError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_BAD_RESPONSE, fw::BadResponseError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_UNTRUSTED_ORIGIN, fw::UntrustedOriginError(fw::Error(FW_OK))));
  EXPECT_TRUE(catches(FW_ERR_PANIC, fw::PanicError(fw::Error(FW_OK))));
  // Every one is also an fw::Error and a std::runtime_error.
  EXPECT_TRUE(catches(FW_ERR_TIMEOUT, fw::Error(FW_OK)));
  try {
    fw::detail::raise(fw::Error(FW_ERR_IO));
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "FW_ERR_IO");
  }
}

TEST(ErrorCodes, UnknownNumberIsTheGenericError) {
  // A number that is not a code (a newer library) is the documented generic
  // fw::Error, named by the library.
  std::string what;
  EXPECT_EQ(thrown_type(12345, &what), std::type_index(typeid(fw::Error)));
  EXPECT_EQ(what, "FW_UNKNOWN_RESULT");
}

TEST(ErrorCodes, ErrorIsCheapToCopy) {
  static_assert(std::is_nothrow_copy_constructible_v<fw::Error>);
  static_assert(std::is_nothrow_copy_constructible_v<fw::TokenExistsError>);
  const fw::Error e(FW_ERR_FORBIDDEN);
  const fw::Error copy = e;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(copy.code(), FW_ERR_FORBIDDEN);
  EXPECT_EQ(copy.name(), "FW_ERR_FORBIDDEN");
  EXPECT_EQ(copy.http_status(), 0);
  EXPECT_FALSE(copy.server_id());
  EXPECT_FALSE(copy.url());
  EXPECT_FALSE(copy.tos_form_url());
  EXPECT_TRUE(copy.body().empty());
}

TEST(Version, HeaderMatchesLibrary) {
  EXPECT_EQ(fw::version(), fw::header_version);
  EXPECT_EQ(fw::version(), FW_VERSION_STRING);
  EXPECT_EQ(fw::result_name(FW_OK), "FW_OK");
}

// Every function the C header declares is called by fwclient.hpp, so a
// function added to the C ABI cannot be forgotten by the binding.
TEST(HeaderCoverage, EveryCFunctionIsWrapped) {
  const std::string c_header = fwtest::read_file(FW_C_HEADER_PATH);
  const std::string cpp_header = fwtest::read_file(FW_CPP_HEADER_PATH);
  const std::regex decl(R"(\b(fw_[a-z_]+)\()");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(c_header.begin(), c_header.end(), decl);
       it != std::sregex_iterator(); ++it) {
    names.insert((*it)[1].str());
  }
  EXPECT_GE(names.size(), 50u);
  for (const auto& name : names) {
    EXPECT_TRUE(std::regex_search(cpp_header, std::regex("\\b" + name + "\\b")))
        << name << " is declared in fwclient.h but not used by fwclient.hpp";
  }
}
