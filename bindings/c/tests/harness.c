/* The harness's counters and the reporting behind the CHECK* macros. */
#include "harness.h"

#include <stdio.h>
#include <string.h>

unsigned long th_passed;
unsigned long th_failed;

bool th_record(bool ok) {
    if (ok) {
        th_passed++;
    } else {
        th_failed++;
    }
    return ok;
}

static const char *or_null(const char *s) { return s ? s : "(null)"; }

bool th_check(const char *file, int line, bool ok, const char *what) {
    if (!ok) {
        printf("%s:%d: CHECK(%s) failed\n", file, line, what);
    }
    return th_record(ok);
}

bool th_check_rc(const char *file, int line, const char *call, fw_result got, fw_result want,
                 fw_error **err, bool free_err) {
    /* A success must leave *err alone (it was NULL before the call). */
    fw_error *none = NULL;
    if (err == NULL) {
        err = &none;
    }
    bool ok = got == want && (want != FW_OK || *err == NULL);
    if (!ok) {
        printf("%s:%d: %s returned %s, expected %s\n", file, line, call, fw_result_name(got),
               fw_result_name(want));
        if (*err != NULL) {
            printf("%s:%d:   fw_error %s: %s\n", file, line, fw_result_name(fw_error_code(*err)),
                   or_null(fw_error_message(*err)));
        }
    }
    if (free_err) {
        fw_error_free(*err);
        *err = NULL;
    }
    return th_record(ok);
}

bool th_check_str(const char *file, int line, const char *expr, const char *got, const char *want) {
    bool ok = (got == NULL && want == NULL) || (got != NULL && want != NULL && strcmp(got, want) == 0);
    if (!ok) {
        printf("%s:%d: %s is \"%s\", expected \"%s\"\n", file, line, expr, or_null(got),
               or_null(want));
    }
    return th_record(ok);
}

bool th_check_contains(const char *file, int line, const char *expr, const char *hay,
                       const char *needle, bool want_present) {
    bool present = hay != NULL && strstr(hay, needle) != NULL;
    bool ok = hay != NULL && present == want_present;
    if (!ok) {
        printf("%s:%d: %s %s \"%s\"; it is:\n%s\n", file, line, expr,
               want_present ? "does not contain" : "contains", needle, or_null(hay));
    }
    return th_record(ok);
}
