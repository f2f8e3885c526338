/*
 * Per-request options from C: a cancel object triggered from another
 * thread ends a request to a stalled fw-devserver route with
 * FW_ERR_CANCELED, long before the server would answer; a 200 ms timeout
 * ends one with FW_ERR_TIMEOUT. (Latencies are printed, not asserted
 * tightly: speed is checked by benchmarks; here "before the server
 * answers" is the bound.)
 */
#define _XOPEN_SOURCE 700

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "devserver.h"
#include "helpers.h"
#include "tests.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

typedef struct trigger_later {
    fw_cancel *cancel;
    double at_ms;
} trigger_later;

static void *trigger_after_100ms(void *arg) {
    trigger_later *t = arg;
    struct timespec d = {0, 100 * 1000 * 1000};
    nanosleep(&d, NULL);
    t->at_ms = now_ms();
    fw_cancel_trigger(t->cancel, NULL);
    return NULL;
}

/* One request with per-request options, through a view of the client (the
 * one per-request mechanism): the view copies the options when made. */
static fw_result request_on_view(const fw_client *client, const fw_request_options *ro, const char *url,
                                 fw_response **out, fw_error **err) {
    fw_client *view = NULL;
    fw_result rc = fw_client_with_request_options(client, ro, &view, err);
    if (rc == FW_OK) {
        rc = fw_client_request(view, "GET", url, NULL, 0, NULL, out, err);
    }
    fw_client_free(view);
    return rc;
}

void test_cancel_and_request_timeout(void) {
    th_home home;
    th_devserver server;
    fw_options *opts = NULL;
    fw_client *client = NULL;
    fw_cancel *cancel = NULL;
    fw_request_options *ro = NULL;
    fw_response *r = NULL;
    fw_error *err = NULL;
    char url[512];
    if (!th_home_and_server_enter(&home, &server)) {
        return;
    }
    /* The server answers after 10 s; the client would wait 60 s. */
    snprintf(url, sizeof url, "%s/fault/stall?ms=10000", server.url);
    opts = th_server_options(&server, "fake_token_123");
    if (opts == NULL || !CHECK_OK(fw_client_new(NULL, opts, &client, &err), err) ||
        !CHECK_OK(fw_cancel_new(&cancel, &err), err) ||
        !CHECK_OK(fw_request_options_new(&ro, &err), err) ||
        !CHECK_OK(fw_request_options_set_cancel(ro, cancel, &err), err)) {
        goto out;
    }
    /* The options keep their own reference: the caller's may go first. */
    {
        trigger_later t = {cancel, 0};
        pthread_t thread;
        if (CHECK(pthread_create(&thread, NULL, trigger_after_100ms, &t) == 0)) {
            double start = now_ms();
            CHECK_RC(FW_ERR_CANCELED,
                     request_on_view(client, ro, url, &r, &err), err);
            double end = now_ms();
            pthread_join(thread, NULL);
            CHECK_CONTAINS(fw_error_message(err), "canceled");
            CHECK_CONTAINS(fw_error_message(err), "/fault/stall");
            CHECK(r == NULL);
            CHECK(end - start < 5000); /* long before the server answers */
            printf("     canceled %.1f ms after fw_cancel_trigger\n", end - t.at_ms);
            CLEAR_ERR(err);
        }
    }
    /* Triggered already: the next request ends at once, without I/O. */
    fw_cancel_free(cancel);
    cancel = NULL;
    CHECK_RC(FW_ERR_CANCELED, request_on_view(client, ro, url, &r, &err),
             err);
    CLEAR_ERR(err);

    /* A 200 ms timeout, no cancel object: FW_ERR_TIMEOUT. */
    if (CHECK_OK(fw_request_options_set_cancel(ro, NULL, &err), err) &&
        CHECK_OK(fw_request_options_set_timeout_ms(ro, 200, &err), err)) {
        double start = now_ms();
        CHECK_RC(FW_ERR_TIMEOUT, request_on_view(client, ro, url, &r, &err),
                 err);
        double took = now_ms() - start;
        CHECK(took >= 200 && took < 5000);
        printf("     timed out after %.1f ms (timeout 200 ms)\n", took);
        CLEAR_ERR(err);
    }
    /* A view carries the options into every call: a service call times out. */
    {
        fw_client *view = NULL;
        snprintf(url, sizeof url, "%s/fault/stall?ms=10000", server.url);
        if (CHECK_OK(fw_client_with_request_options(client, ro, &view, &err), err)) {
            CHECK_RC(FW_ERR_TIMEOUT, fw_client_get(view, url, &r, &err), err);
            CLEAR_ERR(err);
        }
        fw_client_free(view);
    }
    /* A stream opened on a view: the view's timeout bounds the opening. */
    {
        fw_client *view = NULL;
        fw_stream *stream = NULL;
        if (CHECK_OK(fw_client_with_request_options(client, ro, &view, &err), err)) {
            CHECK_RC(FW_ERR_TIMEOUT, fw_client_open(view, "GET", url, NULL, 0, NULL, &stream, &err), err);
            CHECK(stream == NULL);
            CLEAR_ERR(err);
        }
        fw_client_free(view);
    }
    /* A stream opened on a view whose cancel object is triggered: canceled. */
    {
        fw_cancel *done = NULL;
        fw_client *view = NULL;
        fw_stream *stream = NULL;
        if (CHECK_OK(fw_cancel_new(&done, &err), err) && CHECK_OK(fw_cancel_trigger(done, &err), err) &&
            CHECK_OK(fw_request_options_set_cancel(ro, done, &err), err) &&
            CHECK_OK(fw_client_with_request_options(client, ro, &view, &err), err)) {
            CHECK_RC(FW_ERR_CANCELED, fw_client_open(view, "GET", url, NULL, 0, NULL, &stream, &err), err);
            CHECK(stream == NULL);
            CLEAR_ERR(err);
        }
        fw_client_free(view);
        fw_cancel_free(done);
    }
    /* Options with no timeout and no cancel: the client's settings; a quick route answers. */
    snprintf(url, sizeof url, "%s/fault/stall?ms=1", server.url);
    if (CHECK_OK(fw_request_options_set_cancel(ro, NULL, &err), err) &&
        CHECK_OK(fw_request_options_set_timeout_ms(ro, 0, &err), err) &&
        CHECK_OK(request_on_view(client, ro, url, &r, &err), err)) {
        CHECK(fw_response_status(r) == 200);
    }
    fw_response_free(r);
out:
    fw_request_options_free(ro);
    fw_cancel_free(cancel);
    fw_client_free(client);
    fw_options_free(opts);
    th_devserver_stop(&server);
    th_home_leave(&home);
}
