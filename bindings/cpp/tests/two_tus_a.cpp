// Two translation units of one program include fwclient.hpp and use it (so
// its inline functions are emitted in both): the program must link without
// multiple definitions and both copies must agree.
#include "two_tus_common.hpp"

#include <cstdio>

std::string use_in_b();

int main() {
  const std::string a = exercise(), b = use_in_b();
  std::printf("a=%s\nb=%s\n", a.c_str(), b.c_str());
  const std::string want =
      "fake_token_123|explicit|framework|21|urls|FW_ERR_INVALID_TOKEN_FORMAT|FW_ERR_NETWORK";
  return a == b && a == want ? 0 : 1;
}
