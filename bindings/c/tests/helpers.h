/*
 * Helpers of the C tests: a temporary HOME per test, and small file
 * utilities (exact bytes, modes, directory listings).
 */
#ifndef FW_TEST_HELPERS_H
#define FW_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "harness.h"
#include "portable.h"

#define TH_PATH_MAX 4096

/* A fresh HOME for one test. */
typedef struct th_home {
    char dir[TH_PATH_MAX];     /* the temporary home, from mkdtemp */
    char secrets[TH_PATH_MAX]; /* dir/.cloudvolume/secrets (not created) */
    char *old_home;            /* HOME before th_home_enter (malloc'd), or NULL */
} th_home;

/* Creates a temporary directory, points HOME (USERPROFILE on Windows) at it and unsets
 * FW_AUTH_TOKEN, FW_SECRETS_DIR and FW_SECRETS_LAYOUT. Counts as a check. */
bool th_home_enter(th_home *h);
/* Removes the directory tree and restores HOME. */
void th_home_leave(th_home *h);

/* `dir/rel` into buf (always NUL-terminated); returns buf. */
const char *th_join(char *buf, size_t size, const char *dir, const char *rel);

/* The whole file, NUL-terminated (malloc'd; free with free()); NULL when
 * it cannot be read. *len (when len is not NULL) gets its size. */
char *th_read_file(const char *path, size_t *len);
/* Writes `bytes` to path (created with `mode`, truncated if present). */
bool th_write_file(const char *path, const char *bytes, mode_t mode);
/* mkdir -p with `mode` for each directory created. */
bool th_mkdirs(const char *path, mode_t mode);
/* The permission bits of path (st_mode & 07777), -1 when it does not exist. */
int th_mode(const char *path);
bool th_exists(const char *path);
/* The number of entries of a directory (without . and ..), -1 on error. */
int th_count_entries(const char *dir);

/* Checks that `path` holds exactly `want` (no more bytes, no fewer). */
bool th_check_file(const char *file, int line, const char *path, const char *want);
#define CHECK_FILE(path, want) th_check_file(__FILE__, __LINE__, (path), (want))

/* Checks the permission bits of `path`. On Windows, which has none, only
 * that `path` exists (its ACL is the library's Rust tests' business). */
bool th_check_mode(const char *file, int line, const char *path, int want);
#define CHECK_MODE(path, want) th_check_mode(__FILE__, __LINE__, (path), (want))

/* Checks fw_auth_token(a): the token in use is `want` (NULL: none). */
bool th_check_token(const char *file, int line, const fw_auth *a, const char *want);
#define CHECK_TOKEN(a, want) th_check_token(__FILE__, __LINE__, (a), (want))

/* Checks fw_auth_token_source(a): the kind, and the path and key (both
 * NULL unless the kind is FW_SOURCE_FILE). */
bool th_check_source(const char *file, int line, const fw_auth *a, uint32_t kind,
                     const char *path, const char *key);
#define CHECK_SOURCE(a, kind, path, key) th_check_source(__FILE__, __LINE__, (a), (kind), (path), (key))

/* fw_auth_new with default options, or with a token file and key when
 * they are not NULL; NULL (after a failed check) when that fails. */
fw_auth *th_auth_for_file(const char *token_file, const char *token_key);

/* A thread's start routine that triggers the fw_cancel `cancel` at once
 * (the thread is started while a request, a read or a login waits). */
void *th_cancel_now(void *cancel);

#endif /* FW_TEST_HELPERS_H */
