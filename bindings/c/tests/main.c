/*
 * The C test runner: runs every test of tests.h (or those whose name
 * contains one of the arguments), one line per test, and last the summary
 * `N passed, M failed` (checks). Exits 1 when a check failed.
 *
 *   fwclient-ctests [NAME_PART...]
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "tests.h"

static const struct {
    const char *name;
    th_test_fn fn;
} tests[] = {
#define FW_TEST_ENTRY(name) {#name, name},
    FW_TEST_LIST(FW_TEST_ENTRY)
#undef FW_TEST_ENTRY
};

static int selected(const char *name, int argc, char **argv) {
    if (argc < 2) {
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (strstr(name, argv[i]) != NULL) {
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("fwclient %s C tests\n", fw_version());
    size_t ran = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (!selected(tests[i].name, argc, argv)) {
            continue;
        }
        unsigned long passed = th_passed, failed = th_failed;
        tests[i].fn();
        ran++;
        printf("%s %s (%lu checks)\n", th_failed == failed ? "ok  " : "FAIL", tests[i].name,
               (th_passed - passed) + (th_failed - failed));
    }
    if (ran == 0) {
        printf("no test matches the arguments\n");
        return 2;
    }
    printf("%lu passed, %lu failed\n", th_passed, th_failed);
    return th_failed == 0 ? 0 : 1;
}
