/*
 * A tiny test harness for the fwclient C tests: no framework, no globals
 * beyond two counters.
 *
 * Every CHECK* macro counts one pass or one fail, prints `file:line: ...`
 * on failure (with the fw_error's code name and message when there is
 * one), and evaluates to true when the check passed, so a test can stop
 * early with `if (!CHECK(...)) goto out;`.
 *
 *   CHECK(cond)                       any condition
 *   CHECK_OK(call, err)               call returned FW_OK and left err NULL;
 *                                     on failure the error is printed and freed
 *   CHECK_RC(want, call, err)         call returned `want`; the error (if
 *                                     any) is left in err for the test to
 *                                     inspect, then released with CLEAR_ERR
 *   CHECK_RESULT(want, call)          for the few functions without `err`
 *   CHECK_STR(got, want)              strings equal (either may be NULL)
 *   CHECK_CONTAINS(hay, needle)       substring present (hay may be NULL)
 *   CHECK_NOT_CONTAINS(hay, needle)   substring absent
 *
 * The runner (main.c) prints one line per test and, last, the summary
 * `N passed, M failed` (N and M count checks).
 */
#ifndef FW_TEST_HARNESS_H
#define FW_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#include "fwclient.h"

extern unsigned long th_passed;
extern unsigned long th_failed;

/* Counts one check that already reported its own failure. */
bool th_record(bool ok);
bool th_check(const char *file, int line, bool ok, const char *what);
bool th_check_rc(const char *file, int line, const char *call, fw_result got, fw_result want,
                 fw_error **err, bool free_err);
bool th_check_str(const char *file, int line, const char *expr, const char *got, const char *want);
bool th_check_contains(const char *file, int line, const char *expr, const char *hay,
                       const char *needle, bool want_present);

#define CHECK(cond) th_check(__FILE__, __LINE__, (cond) ? true : false, #cond)
#define CHECK_OK(call, err) th_check_rc(__FILE__, __LINE__, #call, (call), FW_OK, &(err), true)
#define CHECK_RC(want, call, err) th_check_rc(__FILE__, __LINE__, #call, (call), (want), &(err), false)
#define CHECK_RESULT(want, call) th_check_rc(__FILE__, __LINE__, #call, (call), (want), NULL, false)
#define CHECK_STR(got, want) th_check_str(__FILE__, __LINE__, #got, (got), (want))
#define CHECK_CONTAINS(hay, needle) th_check_contains(__FILE__, __LINE__, #hay, (hay), (needle), true)
#define CHECK_NOT_CONTAINS(hay, needle) \
    th_check_contains(__FILE__, __LINE__, #hay, (hay), (needle), false)

/* Frees an error (NULL is fine) and resets the variable. */
#define CLEAR_ERR(err) (fw_error_free(err), (err) = NULL)
/* Frees a library string (NULL is fine) and resets the variable. */
#define CLEAR_STR(s) (fw_string_free(s), (s) = NULL)

/* A test: a function that runs its checks. */
typedef void (*th_test_fn)(void);

#endif /* FW_TEST_HARNESS_H */
