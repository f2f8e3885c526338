/*
 * fw_client_get_many against fw-devserver: every item's callback once, on
 * the calling thread, with its own outcome; no more connections than
 * max_in_flight; a nonzero return stops the batch (FW_ERR_CANCELED) and
 * abandons the item stalled in flight.
 */
#define _XOPEN_SOURCE 700

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devserver.h"
#include "helpers.h"
#include "tests.h"

#define ITEMS 24

typedef struct seen {
    int calls[ITEMS];
    int ok, failed, stop_after, total;
    pthread_t caller;
    int other_thread;
} seen;

static int on_done(void *user_data, size_t index, fw_result result, const fw_response *response,
                   const fw_error *error) {
    seen *s = user_data;
    if (!pthread_equal(pthread_self(), s->caller)) {
        s->other_thread++;
    }
    if (index < ITEMS) {
        s->calls[index]++;
    }
    s->total++;
    if (result == FW_OK && response != NULL && error == NULL && fw_response_status(response) == 200) {
        s->ok++;
    } else if (result != FW_OK && response == NULL && error != NULL && fw_error_code(error) == result) {
        s->failed++;
    }
    return s->stop_after != 0 && s->total == s->stop_after;
}

void test_batch_get_many(void) {
    th_home home;
    th_devserver server;
    fw_error *err = NULL;
    fw_client *c = NULL;
    char urls[ITEMS][400];
    const char *list[ITEMS];
    if (!th_home_and_server_enter(&home, &server)) {
        return;
    }
    fw_options *o = th_server_options(&server, "fake_token_123");
    if (!(o && CHECK_OK(fw_client_new(NULL, o, &c, &err), err))) {
        goto out;
    }
    for (int i = 0; i < ITEMS; i++) {
        if (i == 5) {
            snprintf(urls[i], sizeof urls[i], "%s/fault/status?code=404", server.url);
        } else {
            snprintf(urls[i], sizeof urls[i], "%s/echo?item=%d", server.url, i);
        }
        list[i] = urls[i];
    }
    long before = th_devserver_connections(c, &server);
    seen s = {.caller = pthread_self()};
    CHECK_OK(fw_client_get_many(c, list, ITEMS, 4, on_done, &s, &err), err);
    CHECK(th_devserver_connections(c, &server) - before <= 4);
    CHECK(s.total == ITEMS && s.ok == ITEMS - 1 && s.failed == 1 && s.other_thread == 0);
    for (int i = 0; i < ITEMS; i++) {
        CHECK(s.calls[i] == 1);
    }

    /* A stop while item 0 stalls for ten minutes: returned at once. */
    snprintf(urls[0], sizeof urls[0], "%s/fault/stall?ms=600000", server.url);
    seen stop = {.caller = pthread_self(), .stop_after = 2};
    CHECK_RC(FW_ERR_CANCELED, fw_client_get_many(c, list, 4, 4, on_done, &stop, &err), err);
    CLEAR_ERR(err);
    CHECK(stop.total == 2 && stop.calls[0] == 0);
out:
    fw_client_free(c);
    fw_options_free(o);
    th_devserver_stop(&server);
    th_home_leave(&home);
}
