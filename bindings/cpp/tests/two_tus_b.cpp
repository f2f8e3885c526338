// See two_tus_a.cpp.
#include "two_tus_common.hpp"

std::string use_in_b() { return exercise(); }
