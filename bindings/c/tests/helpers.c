#define _XOPEN_SOURCE 700 /* mkdtemp, setenv, nftw, strdup */

#include "helpers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef _WIN32
#include <io.h>
#else
#include <ftw.h>
#endif

#ifndef O_BINARY
#define O_BINARY 0 /* Unix has no text mode */
#endif

const char *th_join(char *buf, size_t size, const char *dir, const char *rel) {
    int n = snprintf(buf, size, "%s" TH_SEP "%s", dir, rel);
    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "th_join: path too long: %s/%s\n", dir, rel);
        abort();
    }
    return buf;
}

bool th_home_enter(th_home *h) {
    memset(h, 0, sizeof *h);
#ifdef _WIN32
    const char *tmp = getenv("TEMP");
    if (tmp == NULL || tmp[0] == '\0') {
        tmp = ".";
    }
    th_join(h->dir, sizeof h->dir, tmp, "fwclient-ctest.XXXXXX");
    bool made = _mktemp_s(h->dir, strlen(h->dir) + 1) == 0 && _mkdir(h->dir) == 0;
#else
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0') {
        tmp = "/tmp";
    }
    th_join(h->dir, sizeof h->dir, tmp, "fwclient-ctest.XXXXXX");
    bool made = mkdtemp(h->dir) != NULL;
#endif
    if (!made) {
        printf("%s:%d: mkdtemp(%s): %s\n", __FILE__, __LINE__, h->dir, strerror(errno));
        h->dir[0] = '\0';
        return th_check(__FILE__, __LINE__, false, "mkdtemp");
    }
    th_join(h->secrets, sizeof h->secrets, h->dir, ".cloudvolume" TH_SEP "secrets");
    const char *old = getenv(TH_HOME_VAR);
    h->old_home = old ? strdup(old) : NULL;
    bool ok = setenv(TH_HOME_VAR, h->dir, 1) == 0 && unsetenv("FW_AUTH_TOKEN") == 0 &&
              unsetenv("FW_SECRETS_DIR") == 0 && unsetenv("FW_SECRETS_LAYOUT") == 0 &&
              unsetenv("FW_SERVER_ADDRESS") == 0 && unsetenv("CAVE_TOKEN") == 0 &&
              unsetenv("FW_AUTH_TOKEN_FILE") == 0 && unsetenv("CAVE_TOKEN_FILE") == 0 &&
              unsetenv("CLOUD_VOLUME_DIR") == 0;
    return th_check(__FILE__, __LINE__, ok, "setenv HOME / unsetenv FW_*");
}

#ifdef _WIN32
/* rm -r: Windows has no nftw. */
static void remove_tree(const char *path) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        for (struct dirent *e = d ? readdir(d) : NULL; e != NULL; e = readdir(d)) {
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                char child[TH_PATH_MAX];
                remove_tree(th_join(child, sizeof child, path, e->d_name));
            }
        }
        if (d != NULL) {
            closedir(d);
        }
        if (_rmdir(path) != 0) {
            fprintf(stderr, "th_home_leave: cannot remove %s: %s\n", path, strerror(errno));
        }
    } else if (remove(path) != 0) {
        fprintf(stderr, "th_home_leave: cannot remove %s: %s\n", path, strerror(errno));
    }
}
#else
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    if (remove(path) != 0) {
        fprintf(stderr, "th_home_leave: cannot remove %s: %s\n", path, strerror(errno));
    }
    return 0;
}

static void remove_tree(const char *path) {
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
#endif

void th_home_leave(th_home *h) {
    if (h->dir[0] != '\0') {
        remove_tree(h->dir);
        h->dir[0] = '\0';
    }
    if (h->old_home != NULL) {
        setenv(TH_HOME_VAR, h->old_home, 1);
    } else {
        unsetenv(TH_HOME_VAR);
    }
    free(h->old_home);
    h->old_home = NULL;
}

char *th_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 256, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1) {
            break;
        }
        char *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
        }
        buf = bigger;
        cap *= 2;
    }
    bool failed = ferror(f);
    fclose(f);
    if (buf == NULL || failed) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len != NULL) {
        *len = n;
    }
    return buf;
}

bool th_write_file(const char *path, const char *bytes, mode_t mode) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_BINARY, mode);
    if (fd < 0) {
        return false;
    }
    size_t len = strlen(bytes);
    bool ok = write(fd, bytes, len) == (ssize_t)len;
    return close(fd) == 0 && ok;
}

bool th_mkdirs(const char *path, mode_t mode) {
    char buf[TH_PATH_MAX];
    if (strlen(path) >= sizeof buf) {
        return false;
    }
    strcpy(buf, path);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p == '/' || *p == '\\') {
            char sep = *p;
            *p = '\0';
            /* (On Windows, "C:" fails with EACCES; the last mkdir tells.) */
            if (th_mkdir(buf, mode) != 0 && errno != EEXIST && errno != EACCES) {
                return false;
            }
            *p = sep;
        }
    }
    (void)mode;
    return th_mkdir(buf, mode) == 0 || errno == EEXIST;
}

int th_mode(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

bool th_exists(const char *path) {
    struct stat st;
#ifdef _WIN32
    return stat(path, &st) == 0;
#else
    return lstat(path, &st) == 0;
#endif
}

int th_count_entries(const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        return -1;
    }
    int n = 0;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            n++;
        }
    }
    closedir(d);
    return n;
}

bool th_check_file(const char *file, int line, const char *path, const char *want) {
    size_t len = 0;
    char *got = th_read_file(path, &len);
    int read_errno = errno;
    bool ok = got != NULL && len == strlen(want) && memcmp(got, want, len) == 0;
    if (!ok) {
        if (got == NULL) {
            printf("%s:%d: cannot read %s: %s\n", file, line, path, strerror(read_errno));
        } else {
            printf("%s:%d: %s holds %zu bytes [%s], expected %zu bytes [%s]\n", file, line, path,
                   len, got, strlen(want), want);
        }
    }
    free(got);
    return th_record(ok);
}

bool th_check_mode(const char *file, int line, const char *path, int want) {
#ifdef _WIN32
    (void)want;
    if (!th_exists(path)) {
        printf("%s:%d: %s does not exist\n", file, line, path);
    }
    return th_record(th_exists(path));
#else
    int got = th_mode(path);
    if (got != want) {
        printf("%s:%d: %s has mode %04o, expected %04o\n", file, line, path, (unsigned)got,
               (unsigned)want);
    }
    return th_record(got == want);
#endif
}

bool th_check_token(const char *file, int line, const fw_auth *a, const char *want) {
    fw_error *err = NULL;
    char *got = NULL;
    bool ok = th_check_rc(file, line, "fw_auth_token", fw_auth_token(a, &got, &err), FW_OK, &err, true) &&
              th_check_str(file, line, "fw_auth_token", got, want);
    fw_string_free(got);
    return ok;
}

bool th_check_source(const char *file, int line, const fw_auth *a, uint32_t kind,
                     const char *path, const char *key) {
    fw_error *err = NULL;
    uint32_t got = 99;
    char *got_path = NULL, *got_key = NULL;
    bool ok = th_check_rc(file, line, "fw_auth_token_source",
                          fw_auth_token_source(a, &got, &got_path, &got_key, &err), FW_OK, &err, true);
    if (ok) {
        if (got != kind) {
            printf("%s:%d: token source is %u, expected %u\n", file, line, (unsigned)got, (unsigned)kind);
        }
        ok = th_record(got == kind);
        ok = th_check_str(file, line, "token source path", got_path, path) && ok;
        ok = th_check_str(file, line, "token source key", got_key, key) && ok;
    }
    fw_string_free(got_path);
    fw_string_free(got_key);
    return ok;
}

fw_auth *th_auth_for_file(const char *token_file, const char *token_key) {
    fw_options *o = NULL;
    fw_auth *a = NULL;
    fw_error *err = NULL;
    if (th_check_rc(__FILE__, __LINE__, "fw_options_new", fw_options_new(&o, NULL), FW_OK, NULL, false) &&
        (token_file == NULL ||
         th_check_rc(__FILE__, __LINE__, "fw_options_set_token_file",
                     fw_options_set_token_file(o, token_file, NULL), FW_OK, NULL, false)) &&
        (token_key == NULL ||
         th_check_rc(__FILE__, __LINE__, "fw_options_set_token_key",
                     fw_options_set_token_key(o, token_key, NULL), FW_OK, NULL, false))) {
        th_check_rc(__FILE__, __LINE__, "fw_auth_new", fw_auth_new(o, &a, &err), FW_OK, &err, true);
    }
    fw_options_free(o);
    return a;
}

void *th_cancel_now(void *cancel) {
    fw_cancel_trigger(cancel, NULL);
    return NULL;
}
