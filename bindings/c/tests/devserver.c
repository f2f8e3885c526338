#define _XOPEN_SOURCE 700 /* fdopen, kill */

#include "devserver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "helpers.h"

#ifdef _WIN32
/* Under Wine the tests use the one fw-devserver that `make test-windows`
 * runs natively for them (tools/with-devserver.sh exports its URLs); a
 * Linux process started from Wine cannot be stopped from inside it. */
bool th_devserver_start(th_devserver *s) {
    memset(s, 0, sizeof *s);
    const char *url = getenv("FW_DEVSERVER_URL"), *other = getenv("FW_DEVSERVER_OTHER_URL");
    if (!CHECK(url != NULL && other != NULL)) {
        fprintf(stderr, "  set FW_DEVSERVER_URL and FW_DEVSERVER_OTHER_URL (make test-windows does)\n");
        return false;
    }
    snprintf(s->url, sizeof s->url, "%s", url);
    snprintf(s->other_url, sizeof s->other_url, "%s", other);
    return true;
}

void th_devserver_stop(th_devserver *s) {
    (void)s;
}
#else
/* Reads "NAME=value" from f into out. */
static bool read_var(FILE *f, const char *name, char *out, size_t size) {
    char line[512];
    size_t n = strlen(name);
    if (fgets(line, sizeof line, f) == NULL || strncmp(line, name, n) != 0 || line[n] != '=') {
        return false;
    }
    line[strcspn(line, "\r\n")] = '\0';
    snprintf(out, size, "%s", line + n + 1);
    return true;
}

bool th_devserver_start(th_devserver *s) {
    memset(s, 0, sizeof *s);
    const char *bin = getenv("FW_DEVSERVER_BIN");
    if (!CHECK(bin != NULL && bin[0] != '\0')) {
        fprintf(stderr, "  set FW_DEVSERVER_BIN to the fw-devserver binary (make test-c does)\n");
        return false;
    }
    int fds[2];
    if (!CHECK(pipe(fds) == 0)) {
        return false;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(bin, bin, "--port", "0", "--quiet", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    if (!CHECK(pid > 0)) {
        close(fds[0]);
        return false;
    }
    s->pid = pid;
    FILE *out = fdopen(fds[0], "r");
    bool ok = out != NULL && read_var(out, "FW_DEVSERVER_URL", s->url, sizeof s->url) &&
              read_var(out, "FW_DEVSERVER_OTHER_URL", s->other_url, sizeof s->other_url);
    if (out != NULL) {
        fclose(out); /* the server's later output (none with --quiet) is not needed */
    } else {
        close(fds[0]);
    }
    if (!CHECK(ok)) {
        th_devserver_stop(s);
        return false;
    }
    return true;
}

void th_devserver_stop(th_devserver *s) {
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
}

#endif

fw_options *th_server_options(const th_devserver *s, const char *token) {
    fw_options *o = NULL;
    char dir[TH_PATH_MAX];
    const char *home = getenv(TH_HOME_VAR);
    th_join(dir, sizeof dir, home != NULL ? home : ".", "no-secrets");
    if (!CHECK_RESULT(FW_OK, fw_options_new(&o, NULL)) ||
        !CHECK_RESULT(FW_OK, fw_options_set_server_address(o, s->url, NULL)) ||
        !CHECK_RESULT(FW_OK, fw_options_set_secrets_dir(o, dir, NULL)) ||
        (token != NULL && !CHECK_RESULT(FW_OK, fw_options_set_token(o, token, NULL)))) {
        fw_options_free(o);
        return NULL;
    }
    return o;
}

bool th_home_and_server_enter(th_home *home, th_devserver *s) {
    if (!th_home_enter(home)) {
        return false;
    }
    if (!th_devserver_start(s)) {
        th_home_leave(home);
        return false;
    }
    return true;
}

long th_devserver_connections(fw_client *c, const th_devserver *s) {
    char url[400];
    snprintf(url, sizeof url, "%s/fault/connections", s->url);
    fw_error *err = NULL;
    fw_response *r = NULL;
    long n = -1;
    if (CHECK_OK(fw_client_get(c, url, &r, &err), err)) {
        size_t len = 0;
        const uint8_t *body = fw_response_body(r, &len);
        char text[64] = {0};
        memcpy(text, body, len < sizeof text - 1 ? len : sizeof text - 1);
        const char *at = strstr(text, "\"connections\":");
        n = at ? strtol(at + strlen("\"connections\":"), NULL, 10) : -1;
    }
    fw_response_free(r);
    return n;
}
