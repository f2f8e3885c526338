/*
 * The browser login from C, against fw-devserver: fw_login_start gives the
 * URL, a scripted browser (tests/login/browser.py, run as a program would
 * run $BROWSER) follows it, fw_login_wait mints, checks and saves the key
 * through the auth. Then: a wait nobody answers ends in FW_ERR_TIMEOUT,
 * one canceled from another thread in FW_ERR_CANCELED.
 *
 * The Windows run (under Wine, which has no Python for the scripted
 * browser) checks the URL, the timeout and the cancel; the browser's
 * return is checked by the Linux run and by every binding's tests.
 */
#define _XOPEN_SOURCE 700

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devserver.h"
#include "helpers.h"
#include "tests.h"

#ifndef _WIN32
typedef struct browser_run {
    char command[2048];
    int status;
} browser_run;

static void *run_browser(void *arg) {
    browser_run *b = arg;
    b->status = system(b->command);
    return NULL;
}

#endif

void test_browser_login(void) {
    th_home home;
    th_devserver server;
    fw_options *opts = NULL;
    fw_auth *auth = NULL;
    fw_login *login = NULL;
    fw_cancel *cancel = NULL;
    fw_error *err = NULL;
    if (!th_home_and_server_enter(&home, &server)) {
        return;
    }
    if (!CHECK_OK(fw_options_new(&opts, &err), err) ||
        !CHECK_OK(fw_options_set_server_address(opts, server.url, &err), err) ||
        !CHECK_OK(fw_auth_new(opts, &auth, &err), err) ||
        !CHECK_OK(fw_login_start(auth, NULL, "C test", NULL, &login, &err), err)) {
        goto out;
    }
    const char *url = fw_login_url(login);
    char want[512];
    snprintf(want, sizeof want, "%s/sticky_auth/api/v1/authorize?redirect=http%%3A%%2F%%2F127.0.0.1%%3A",
             server.url);
    CHECK(url != NULL && strncmp(url, want, strlen(want)) == 0);

    /* A wait nobody answers, then one canceled: the login goes on after both. */
    CHECK_RC(FW_ERR_TIMEOUT, fw_login_wait(login, 50, NULL, NULL, NULL, NULL, &err), err);
    CHECK_CONTAINS(fw_error_message(err), "did not come back");
    CLEAR_ERR(err);
    if (CHECK_OK(fw_cancel_new(&cancel, &err), err)) {
        pthread_t t;
        if (CHECK(pthread_create(&t, NULL, th_cancel_now, cancel) == 0)) {
            CHECK_RC(FW_ERR_CANCELED, fw_login_wait(login, 60000, cancel, NULL, NULL, NULL, &err), err);
            pthread_join(t, NULL);
            CLEAR_ERR(err);
        }
    }

#ifndef _WIN32
    /* The scripted browser comes back: the key is saved and in use. */
    browser_run b = {{0}, -1};
    const char *script = getenv("FW_TEST_BROWSER");
    snprintf(b.command, sizeof b.command, "python3 '%s' '%s'",
             script != NULL ? script : "tests/login/browser.py", url);
    pthread_t t;
    if (CHECK(pthread_create(&t, NULL, run_browser, &b) == 0)) {
        fw_token_source source = FW_SOURCE_NONE;
        char *path = NULL, *user = NULL, *token = NULL, *file = NULL;
        CHECK_OK(fw_login_wait(login, 60000, NULL, &source, &path, &user, &err), err);
        pthread_join(t, NULL);
        CHECK(b.status == 0);
        CHECK(source == FW_SOURCE_FILE);
        CHECK_STR(user, "Ada Lovelace <ada@example.org>");
        if (CHECK_OK(fw_auth_token_file(auth, &file, &err), err)) {
            CHECK_STR(path, file);
        }
        if (CHECK_OK(fw_auth_token(auth, &token, &err), err) && CHECK(token != NULL)) {
            char *saved = th_read_file(path, NULL);
            CHECK(strlen(token) == 32);
            CHECK_CONTAINS(saved, token);
            CHECK_NOT_CONTAINS(user, token);
            free(saved);
        }
        /* Done: the listener answers no one any more; a later wait only times out. */
        CHECK_RC(FW_ERR_TIMEOUT, fw_login_wait(login, 10, NULL, NULL, NULL, NULL, &err), err);
        CLEAR_ERR(err);
        fw_string_free(path);
        fw_string_free(user);
        fw_string_free(token);
        fw_string_free(file);
    }
#endif
out:
    CLEAR_ERR(err);
    fw_cancel_free(cancel);
    fw_login_free(login);
    fw_auth_free(auth);
    fw_options_free(opts);
    th_devserver_stop(&server);
    th_home_leave(&home);
}
