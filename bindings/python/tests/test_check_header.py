"""tools/check_header.py refuses what a generator cannot read."""

import pytest

import check_header

FINE = """
#include <stdint.h>
#define FW_FLAG_A 1
#define FW_LIMIT 0x20u
typedef struct fw_thing fw_thing;
enum fw_result { FW_OK = 0, FW_ERR_X = 1 };
typedef uint32_t fw_result;
fw_result fw_thing_new(fw_thing **out_thing);
"""


@pytest.mark.parametrize(
    "construct, complaint",
    [
        ("static inline int fw_twice(int x) { return 2 * x; }", "cdef() refused"),
        ("int fw_check(const char *s) __attribute__((nonnull));", "cdef() refused"),
        ("__int128 fw_wide(void);", "cdef() refused"),
        ("#define FW_MAX(a, b) ((a) > (b) ? (a) : (b))", "function-like macro"),
        ("#define FW_LIMIT_BYTES (8 * 1024)", "not a plain integer"),
    ],
)
def test_what_a_generator_cannot_read_fails(tmp_path, cc, construct, complaint):
    header = tmp_path / "bad.h"
    header.write_text(FINE + construct + "\n")
    problems, _ = check_header.check(str(header), cc=cc)
    assert len(problems) == 1 and complaint in problems[0], problems


def test_plain_declarations_and_integer_macros_pass(tmp_path, cc):
    header = tmp_path / "fine.h"
    header.write_text(FINE)
    problems, notes = check_header.check(str(header), cc=cc)
    assert problems == []
    assert notes[0].startswith("1 functions and 2 integer macros accepted")
    assert check_header.integer_macros(str(header), cc) == {"FW_FLAG_A": 1, "FW_LIMIT": 32}
