/*
 * The panic boundary seen from C: fw_test_panic (exported by a library built
 * with the test-panic feature only, and so declared here) panics inside the
 * boundary. The call returns FW_ERR_PANIC with an error saying so, the error
 * slot rule holds, and the library keeps working afterwards.
 *
 * Built and run by `make test-panic` against target/panic-test.
 */
#include <fwclient.h>

#include <stdio.h>
#include <string.h>

fw_result fw_test_panic(fw_error **err);

static int failures = 0;

static void check(int ok, const char *what) {
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok) failures++;
}

int main(void) {
    fw_error *err = NULL;
    check(fw_test_panic(&err) == FW_ERR_PANIC, "fw_test_panic returns FW_ERR_PANIC");
    check(err != NULL && fw_error_code(err) == FW_ERR_PANIC, "the error holds FW_ERR_PANIC");
    const char *m = err != NULL ? fw_error_message(err) : NULL;
    check(m != NULL && strstr(m, "panic was caught") != NULL, "the message says a panic was caught");
    printf("     message: %s\n", m != NULL ? m : "(none)");
    check(strcmp(fw_result_name(FW_ERR_PANIC), "FW_ERR_PANIC") == 0, "fw_result_name names it");

    /* With the slot still full, the new error is dropped (GError rule). */
    fw_error *first = err;
    check(fw_test_panic(&err) == FW_ERR_PANIC && err == first, "a full slot is left untouched");
    fw_error_free(err);
    err = NULL;
    /* Without a slot. */
    check(fw_test_panic(NULL) == FW_ERR_PANIC, "err NULL: the code alone");

    /* The library still works after the panics. */
    fw_options *o = NULL;
    check(fw_options_new(&o, &err) == FW_OK && err == NULL, "a call after the panics works");
    fw_options_free(o);

    printf("%d failed\n", failures);
    return failures == 0 ? 0 : 1;
}
