// The binding's header compiles alone: it is the first and only include of
// this translation unit. The program checks the loaded library is the one
// the header describes.
#include <fwclient.hpp>

int main() {
  if (fw::version() != fw::header_version) return 1;
  if (fw::result_name(FW_ERR_TOKEN_EXISTS) != "FW_ERR_TOKEN_EXISTS") return 1;
  return 0;
}
