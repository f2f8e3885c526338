/*
 * Streams, polite retries and a token that follows its file, against
 * fw-devserver: a body read to its end (connection reused) or abandoned
 * (connection closed, counted by the server), a body above the buffered
 * cap, a slow drip cut by the total timeout, 429 with Retry-After in both
 * forms, the number of tries in errors, and a token rotated by another
 * process.
 */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "devserver.h"
#include "helpers.h"
#include "tests.h"

/* Reads the rest of `s`; returns the bytes read, (size_t)-1 on an error
 * (left in *err), and counts bytes that are not 'a' in *other. */
static size_t drain(fw_stream *s, size_t *other, fw_error **err) {
    uint8_t buf[65536];
    size_t total = 0, n = 0;
    *other = 0;
    for (;;) {
        fw_result rc = fw_stream_read(s, buf, sizeof buf, &n, err);
        if (rc != FW_OK) {
            return (size_t)-1;
        }
        if (n == 0) {
            return total;
        }
        for (size_t i = 0; i < n; i++) {
            *other += buf[i] != 'a';
        }
        total += n;
    }
}

void test_stream_to_the_end_and_abandoned(void) {
    th_home home;
    th_devserver server;
    fw_error *err = NULL;
    fw_client *c = NULL;
    fw_stream *s = NULL;
    char *value = NULL, *name = NULL;
    if (!th_home_and_server_enter(&home, &server)) {
        return;
    }
    fw_options *o = th_server_options(&server, "fake_token_123");
    char url[400];
    snprintf(url, sizeof url, "%s/fault/big?bytes=3145728", server.url);
    /* A buffered cap of 1 MiB: the 3 MiB body only fits through a stream. */
    if (!(o && CHECK_OK(fw_options_set_max_body_bytes(o, 1 << 20, &err), err) &&
          CHECK_OK(fw_client_new(NULL, o, &c, &err), err))) {
        goto out;
    }
    fw_response *whole = NULL;
    CHECK_RC(FW_ERR_BAD_RESPONSE, fw_client_get(c, url, &whole, &err), err);
    CLEAR_ERR(err);
    long before = th_devserver_connections(c, &server);
    if (!CHECK_OK(fw_client_open(c, "GET", url, NULL, 0, NULL, &s, &err), err)) {
        goto out;
    }
    CHECK(fw_stream_status(s) == 200);
    CHECK_OK(fw_stream_header(s, "Content-Length", &value, &err), err);
    CHECK_STR(value, "3145728");
    CLEAR_STR(value);
    CHECK(fw_stream_header_count(s) >= 2);
    CHECK_OK(fw_stream_header_at(s, 0, &name, &value, &err), err);
    CHECK(name != NULL && value != NULL);
    CLEAR_STR(name);
    CLEAR_STR(value);
    CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_stream_header_at(s, 999, &name, &value, &err), err);
    CLEAR_ERR(err);
    size_t other = 0;
    CHECK(drain(s, &other, &err) == 3145728 && other == 0);
    size_t n = 7;
    uint8_t byte;
    CHECK_OK(fw_stream_read(s, &byte, 1, &n, &err), err);
    CHECK(n == 0);
    fw_stream_free(s);
    s = NULL;
    /* Read to the end: the connection went back to the pool. */
    CHECK(th_devserver_connections(c, &server) == before);
    /* Abandoned after 10 bytes: closed, so the next request opens one. */
    if (CHECK_OK(fw_client_open(c, "GET", url, NULL, 0, NULL, &s, &err), err)) {
        uint8_t ten[10];
        CHECK_OK(fw_stream_read(s, ten, sizeof ten, &n, &err), err);
        CHECK(n > 0 && n <= 10 && ten[0] == 'a');
    }
    fw_stream_free(s);
    s = NULL;
    CHECK(th_devserver_connections(c, &server) == before + 1);
out:
    fw_client_free(c);
    fw_options_free(o);
    th_devserver_stop(&server);
    th_home_leave(&home);
}

void test_stream_slow_drip_times_out(void) {
    th_home home;
    th_devserver server;
    fw_error *err = NULL;
    fw_client *c = NULL;
    fw_stream *s = NULL;
    if (!th_home_and_server_enter(&home, &server)) {
        return;
    }
    fw_options *o = th_server_options(&server, "fake_token_123");
    char url[400];
    snprintf(url, sizeof url, "%s/fault/stall-body?ms=3000", server.url);
    if (o && CHECK_OK(fw_options_set_timeout_ms(o, 1000, 400, &err), err) &&
        CHECK_OK(fw_client_new(NULL, o, &c, &err), err) &&
        CHECK_OK(fw_client_open(c, "GET", url, NULL, 0, NULL, &s, &err), err)) {
        uint8_t buf[256];
        size_t n = 0, got = 0;
        fw_result rc;
        for (;;) {
            n = 12345; /* a failed read leaves it untouched */
            rc = fw_stream_read(s, buf, sizeof buf, &n, &err);
            if (rc != FW_OK || n == 0) {
                break;
            }
            got += n;
        }
        /* Half the body arrived, then the total timeout ended the stream. */
        CHECK(got > 0);
        CHECK(rc == FW_ERR_TIMEOUT);
        CHECK(n == 12345);
        CHECK_CONTAINS(err ? fw_error_message(err) : NULL, "timed out");
        CLEAR_ERR(err);
        CHECK_OK(fw_stream_read(s, buf, sizeof buf, &n, &err), err);
        CHECK(n == 0);
    }
    fw_stream_free(s);
    fw_client_free(c);
    fw_options_free(o);
    th_devserver_stop(&server);
    th_home_leave(&home);
}

void test_polite_retries(void) {
    th_home home;
    th_devserver server;
    fw_error *err = NULL;
    fw_client *c = NULL;
    fw_response *r = NULL;
    if (!th_home_and_server_enter(&home, &server)) {
        return;
    }
    fw_options *o = th_server_options(&server, "fake_token_123");
    char url[400];
    if (o && CHECK_OK(fw_options_set_max_retries(o, 2, &err), err) &&
        CHECK_OK(fw_options_set_retry_base_delay_ms(o, 1, &err), err) &&
        CHECK_OK(fw_client_new(NULL, o, &c, &err), err)) {
        /* 429 with Retry-After: 1, then 200. */
        snprintf(url, sizeof url, "%s/fault/ratelimit?key=c-seconds&first=1", server.url);
        CHECK_OK(fw_client_get(c, url, &r, &err), err);
        CHECK(fw_response_status(r) == 200);
        fw_response_free(r);
        r = NULL;
        /* Retry-After as an HTTP date. */
        snprintf(url, sizeof url, "%s/fault/ratelimit?key=c-date&first=1&form=date", server.url);
        CHECK_OK(fw_client_get(c, url, &r, &err), err);
        fw_response_free(r);
        r = NULL;
        /* A storm of 503: the error says how many tries were made. */
        snprintf(url, sizeof url, "%s/fault/flaky?key=c-storm&fail=10&status=503", server.url);
        CHECK_RC(FW_ERR_HTTP_STATUS, fw_client_get(c, url, &r, &err), err);
        CHECK(err != NULL && fw_error_http_status(err) == 503);
        CHECK_CONTAINS(err ? fw_error_message(err) : NULL, "(after 3 tries)");
        CLEAR_ERR(err);
    }
    fw_client_free(c);
    fw_options_free(o);
    th_devserver_stop(&server);
    th_home_leave(&home);
}

/* Saves `token` over the user's token with an auth of its own: the save
 * of another program. */
static bool save_elsewhere(const th_devserver *server, const char *token) {
    fw_options *o = th_server_options(server, NULL);
    fw_auth *a = NULL;
    bool ok = o != NULL && fw_auth_new(o, &a, NULL) == FW_OK &&
              fw_auth_save_token(a, token, NULL, NULL, FW_SAVE_OVERWRITE, NULL) == FW_OK;
    fw_auth_free(a);
    fw_options_free(o);
    return ok;
}

/* Saves `token` over the user's token in a child process (on Windows,
 * which has no fork, with another auth in this process). */
static bool rotate_in_another_process(const th_devserver *server, const char *token) {
#ifdef _WIN32
    return CHECK(save_elsewhere(server, token));
#else
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        /* The same secrets directory as the test's clients; what the child
         * made is freed before it leaves (valgrind follows children). */
        _exit(save_elsewhere(server, token) ? 0 : 1);
    }
    int status = 0;
    return CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
                 WEXITSTATUS(status) == 0);
#endif
}

void test_token_follows_its_file(void) {
    th_home home;
    th_devserver server;
    fw_error *err = NULL;
    fw_client *c = NULL;
    fw_auth *a = NULL;
    char *json = NULL, *token = NULL;
    if (!th_home_and_server_enter(&home, &server)) {
        return;
    }
    fw_options *o = th_server_options(&server, NULL);
    if (!(o && rotate_in_another_process(&server, "revoked_fake_token_1") &&
          CHECK_OK(fw_client_new(NULL, o, &c, &err), err) &&
          CHECK_OK(fw_client_auth(c, &a, &err), err))) {
        goto out;
    }
    CHECK_RC(FW_ERR_INVALID_TOKEN, fw_client_whoami(c, &json, &err), err);
    CLEAR_ERR(err);
    /* Rotated while the client lives: refused, re-read, retried once. */
    if (rotate_in_another_process(&server, "fake_token_123") &&
        CHECK_OK(fw_client_whoami(c, &json, &err), err)) {
        CHECK_CONTAINS(json, "\"id\":1");
    }
    CLEAR_STR(json);
    /* On demand. */
    if (rotate_in_another_process(&server, "admin_fake_token_456")) {
        CHECK_OK(fw_auth_reload(a, &err), err);
        CHECK_OK(fw_auth_token(a, &token, &err), err);
        CHECK_STR(token, "admin_fake_token_456");
        CLEAR_STR(token);
    }
    /* An explicit token never follows the file. */
    CHECK_OK(fw_auth_set_token(a, "revoked_fake_token_2", &err), err);
    rotate_in_another_process(&server, "fake_token_123");
    CHECK_OK(fw_auth_reload(a, &err), err);
    CHECK_OK(fw_auth_token(a, &token, &err), err);
    CHECK_STR(token, "revoked_fake_token_2");
    CLEAR_STR(token);
out:
    fw_auth_free(a);
    fw_client_free(c);
    fw_options_free(o);
    th_devserver_stop(&server);
    th_home_leave(&home);
}
