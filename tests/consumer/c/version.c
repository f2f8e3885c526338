/* The version macros of the installed fwclient.h and fw_version() against
 * Cargo.toml: tests/consumer/run.sh reads the version there and passes it as
 * -DEXPECT_MAJOR=.. -DEXPECT_MINOR=.. -DEXPECT_PATCH=.. -DEXPECT_STRING="..".
 * Every macro is checked, the combined number included. */
#include <fwclient.h>

#include <stdio.h>
#include <string.h>

#if !defined(EXPECT_MAJOR) || !defined(EXPECT_MINOR) || !defined(EXPECT_PATCH) || !defined(EXPECT_STRING)
#error "build with -DEXPECT_MAJOR, -DEXPECT_MINOR, -DEXPECT_PATCH and -DEXPECT_STRING from Cargo.toml"
#endif

#if !defined(FW_VERSION_MAJOR) || !defined(FW_VERSION_MINOR) || !defined(FW_VERSION_PATCH) || \
    !defined(FW_VERSION_NUMBER) || !defined(FW_VERSION_STRING)
#error "fwclient.h lacks a FW_VERSION_* macro"
#endif

/* Usable in the preprocessor, as users compare versions there. */
#if FW_VERSION_NUMBER != ((FW_VERSION_MAJOR << 16) | (FW_VERSION_MINOR << 8) | FW_VERSION_PATCH)
#error "FW_VERSION_NUMBER disagrees with FW_VERSION_MAJOR/MINOR/PATCH"
#endif

static int failures = 0;

static void check_num(const char *name, long got, long want) {
    printf("%-18s %ld (Cargo.toml: %ld)\n", name, got, want);
    if (got != want) failures++;
}

static void check_str(const char *name, const char *got, const char *want) {
    printf("%-18s \"%s\" (Cargo.toml: \"%s\")\n", name, got, want);
    if (strcmp(got, want) != 0) failures++;
}

int main(void) {
    check_num("FW_VERSION_MAJOR", FW_VERSION_MAJOR, EXPECT_MAJOR);
    check_num("FW_VERSION_MINOR", FW_VERSION_MINOR, EXPECT_MINOR);
    check_num("FW_VERSION_PATCH", FW_VERSION_PATCH, EXPECT_PATCH);
    check_num("FW_VERSION_NUMBER", FW_VERSION_NUMBER,
              ((long)EXPECT_MAJOR << 16) | ((long)EXPECT_MINOR << 8) | (long)EXPECT_PATCH);
    check_str("FW_VERSION_STRING", FW_VERSION_STRING, EXPECT_STRING);
    check_str("fw_version()", fw_version(), EXPECT_STRING);
    if (failures) {
        printf("version: %d mismatch(es)\n", failures);
        return 1;
    }
    return 0;
}
