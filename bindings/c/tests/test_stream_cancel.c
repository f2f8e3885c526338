/*
 * A cancel ends a body being read (issue 20, item 3): fw-devserver sends
 * half a body, then stalls for 10 s; a stream opened on a view with a
 * cancel object has its fw_stream_read, blocked on the stall, ended with
 * FW_ERR_CANCELED when another thread triggers the cancel, long before the
 * rest comes. And a per-request timeout that ends a read names its own
 * limit, not the client's. (Latencies are printed, not asserted: "before
 * the rest of the body comes" is the bound.)
 */
#define _XOPEN_SOURCE 700

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "devserver.h"
#include "helpers.h"
#include "tests.h"

/* Reads `s` until the end or an error; the bytes read. */
static size_t read_all(fw_stream *s, fw_result *rc, fw_error **err) {
    uint8_t buf[256];
    size_t n = 0, got = 0;
    while ((*rc = fw_stream_read(s, buf, sizeof buf, &n, err)) == FW_OK && n > 0) {
        got += n;
    }
    return got;
}

/* A view of `client` with `ro`, and a stream of `url` opened on it. */
static bool open_on_view(fw_client *client, fw_request_options *ro, const char *url,
                         fw_client **view, fw_stream **s, fw_error **err) {
    return CHECK_OK(fw_client_with_request_options(client, ro, view, err), *err) &&
           CHECK_OK(fw_client_open(*view, "GET", url, NULL, 0, NULL, s, err), *err);
}

void test_stream_read_ends_on_cancel_and_names_its_limit(void) {
    th_home home;
    th_devserver server;
    fw_options *opts = NULL;
    fw_client *client = NULL, *view = NULL;
    fw_cancel *cancel = NULL;
    fw_request_options *ro = NULL;
    fw_stream *s = NULL;
    fw_error *err = NULL;
    char url[512];
    if (!th_home_and_server_enter(&home, &server)) {
        return;
    }
    snprintf(url, sizeof url, "%s/fault/stall-body?ms=10000", server.url);
    opts = th_server_options(&server, "fake_token_123");
    if (opts == NULL || !CHECK_OK(fw_options_set_timeout_ms(opts, 1000, 30000, &err), err) ||
        !CHECK_OK(fw_client_new(NULL, opts, &client, &err), err) ||
        !CHECK_OK(fw_cancel_new(&cancel, &err), err) ||
        !CHECK_OK(fw_request_options_new(&ro, &err), err) ||
        !CHECK_OK(fw_request_options_set_cancel(ro, cancel, &err), err) ||
        !open_on_view(client, ro, url, &view, &s, &err)) {
        goto out;
    }
    {
        uint8_t buf[256];
        size_t n = 0;
        /* The first half arrives at once. */
        CHECK_OK(fw_stream_read(s, buf, sizeof buf, &n, &err), err);
        CHECK(n > 0);
        pthread_t thread;
        if (CHECK(pthread_create(&thread, NULL, th_cancel_now, cancel) == 0)) {
            fw_result rc;
            size_t more = read_all(s, &rc, &err);
            pthread_join(thread, NULL);
            CHECK(rc == FW_ERR_CANCELED);
            CHECK(more == 0); /* the second half was 10 s away */
            CHECK_CONTAINS(err ? fw_error_message(err) : NULL, "canceled");
            CLEAR_ERR(err);
            /* At its end now: 0 bytes, no error. */
            CHECK_OK(fw_stream_read(s, buf, sizeof buf, &n, &err), err);
            CHECK(n == 0);
        }
    }
    fw_stream_free(s);
    s = NULL;
    fw_client_free(view);
    view = NULL;

    /* A 700 ms per-request timeout ends the read, and says 700 ms. */
    if (CHECK_OK(fw_request_options_set_cancel(ro, NULL, &err), err) &&
        CHECK_OK(fw_request_options_set_timeout_ms(ro, 700, &err), err) &&
        open_on_view(client, ro, url, &view, &s, &err)) {
        fw_result rc;
        size_t got = read_all(s, &rc, &err);
        CHECK(got > 0);
        CHECK(rc == FW_ERR_TIMEOUT);
        CHECK_CONTAINS(err ? fw_error_message(err) : NULL, "(overall limit 700 ms)");
        CHECK(err == NULL || strstr(fw_error_message(err), "30000") == NULL);
        CLEAR_ERR(err);
    }
out:
    fw_stream_free(s);
    fw_client_free(view);
    fw_request_options_free(ro);
    fw_cancel_free(cancel);
    fw_client_free(client);
    fw_options_free(opts);
    th_devserver_stop(&server);
    th_home_leave(&home);
}
