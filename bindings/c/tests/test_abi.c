/*
 * The rules of ABI 0.2 seen from C: the GError rule for `*err`, messages
 * that name the header's parameters, clients sharing one auth live,
 * repeated headers, (NULL, 0) pairs, and the run-time version.
 */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devserver.h"
#include "helpers.h"
#include "tests.h"

/* The Authorization header the echo route saw, as a new string (NULL on failure). */
static char *echoed_authorization(const fw_client *c, const char *base) {
    char url[300];
    fw_error *err = NULL;
    fw_response *r = NULL;
    char *out = NULL;
    snprintf(url, sizeof url, "%s/echo", base);
    if (CHECK_OK(fw_client_get(c, url, &r, &err), err)) {
        size_t len = 0;
        const uint8_t *body = fw_response_body(r, &len);
        const char *key = "\"authorization\":";
        char *text = malloc(len + 1);
        memcpy(text, body, len);
        text[len] = '\0';
        char *at = strstr(text, key);
        if (CHECK(at != NULL)) {
            at += strlen(key);
            while (*at == ' ' || *at == '"') {
                at++;
            }
            size_t n = strcspn(at, "\"");
            out = malloc(n + 1);
            memcpy(out, at, n);
            out[n] = '\0';
        }
        free(text);
    }
    CLEAR_ERR(err);
    fw_response_free(r);
    return out;
}

void test_error_slot_rule(void) {
    fw_error *err = NULL;
    fw_options *o = NULL;
    if (!CHECK_OK(fw_options_new(&o, &err), err)) {
        return;
    }
    /* A first failure fills the slot. */
    if (CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_options_set_layout(o, 7, &err), err)) {
        fw_error *first = err;
        const char *message = fw_error_message(first);
        CHECK_CONTAINS(message, "`layout`");
        /* A second failure with the slot still full: the code is returned,
         * the new error is dropped and the first one left untouched. */
        CHECK(fw_options_set_max_body_bytes(o, 0, &err) == FW_ERR_INVALID_ARGUMENT);
        CHECK(err == first);
        CHECK(fw_error_message(err) == message);
        CHECK_CONTAINS(fw_error_message(err), "`layout`");
        /* A success leaves it alone too. */
        CHECK(fw_options_set_max_retries(o, 1, &err) == FW_OK);
        CHECK(err == first);
    }
    CLEAR_ERR(err);
    /* Freed and reset, the slot takes the next error. */
    if (CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_options_set_max_body_bytes(o, 0, &err), err)) {
        CHECK_CONTAINS(fw_error_message(err), "the body limit");
    }
    CLEAR_ERR(err);
    fw_options_free(o);
}

void test_messages_name_parameters(void) {
    fw_error *err = NULL;
    fw_options *o = NULL;
    fw_client *c = NULL;
    char *s = NULL;
    if (!CHECK_OK(fw_options_new(&o, &err), err)) {
        return;
    }
    struct {
        fw_result rc;
        const char *param;
    } cases[6];
    cases[0].rc = fw_options_new(NULL, &err), cases[0].param = "`out_opts`";
    CHECK_CONTAINS(fw_error_message(err), cases[0].param);
    CLEAR_ERR(err);
    cases[1].rc = fw_options_set_token_file(o, "", &err), cases[1].param = "the token file";
    CHECK_CONTAINS(fw_error_message(err), cases[1].param);
    CLEAR_ERR(err);
    cases[2].rc = fw_client_new("minnie65_public", NULL, NULL, &err), cases[2].param = "`out_client`";
    CHECK_CONTAINS(fw_error_message(err), cases[2].param);
    CLEAR_ERR(err);
    cases[3].rc = fw_client_new_with_auth(NULL, NULL, NULL, &c, &err), cases[3].param = "`auth`";
    CHECK_CONTAINS(fw_error_message(err), cases[3].param);
    CLEAR_ERR(err);
    cases[4].rc = fw_options_set_server_address(NULL, "https://example.org", &err), cases[4].param = "`opts`";
    CHECK_CONTAINS(fw_error_message(err), cases[4].param);
    CLEAR_ERR(err);
    cases[5].rc = fw_client_server_address(NULL, &s, &err), cases[5].param = "`client`";
    CHECK_CONTAINS(fw_error_message(err), cases[5].param);
    CLEAR_ERR(err);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(cases[i].rc == FW_ERR_INVALID_ARGUMENT);
    }
    /* A bad token through a setter: its own code, and a message. */
    if (CHECK_RC(FW_ERR_INVALID_TOKEN_FORMAT, fw_options_set_token(o, "has space", &err), err)) {
        CHECK(fw_error_message(err) != NULL && fw_error_message(err)[0] != '\0');
    }
    CLEAR_ERR(err);
    CHECK(c == NULL && s == NULL);
    fw_options_free(o);
}

void test_clients_share_an_auth(void) {
    th_home home;
    th_devserver server;
    fw_error *err = NULL;
    fw_options *o = NULL;
    fw_auth *a = NULL, *back = NULL;
    fw_client *c1 = NULL, *c2 = NULL;
    char *seen = NULL;
    if (!th_home_and_server_enter(&home, &server)) {
        return;
    }
    o = th_server_options(&server, "fake_shared_token_1");
    if (o != NULL && CHECK_OK(fw_auth_new(o, &a, &err), err) &&
        CHECK_OK(fw_client_new_with_auth("minnie65_public", o, a, &c1, &err), err) &&
        CHECK_OK(fw_client_new_with_auth(NULL, NULL, a, &c2, &err), err)) {
        seen = echoed_authorization(c1, server.url);
        CHECK_STR(seen, "Bearer fake_shared_token_1");
        CLEAR_STR(seen);
        /* A token set on the auth is what both clients send from now on. */
        CHECK_OK(fw_auth_set_token(a, "fake_shared_token_2", &err), err);
        seen = echoed_authorization(c1, server.url);
        CHECK_STR(seen, "Bearer fake_shared_token_2");
        CLEAR_STR(seen);
        seen = echoed_authorization(c2, server.url);
        CHECK_STR(seen, "Bearer fake_shared_token_2");
        CLEAR_STR(seen);
        /* A save through one client's auth is seen by the other client,
         * after the caller's own reference is gone. */
        fw_auth_free(a);
        a = NULL;
        if (CHECK_OK(fw_client_auth(c2, &back, &err), err) &&
            CHECK_OK(fw_auth_save_token(back, "fake_shared_token_3", NULL, NULL, 0, &err), err)) {
            seen = echoed_authorization(c1, server.url);
            CHECK_STR(seen, "Bearer fake_shared_token_3");
            CLEAR_STR(seen);
        }
    }
    CLEAR_ERR(err);
    fw_auth_free(back);
    fw_auth_free(a);
    fw_client_free(c1);
    fw_client_free(c2);
    fw_options_free(o);
    th_devserver_stop(&server);
    th_home_leave(&home);
}

void test_repeated_headers(void) {
    th_home home;
    th_devserver server;
    fw_error *err = NULL;
    fw_client *c = NULL;
    fw_response *r = NULL;
    char url[300], *value = NULL;
    if (!th_home_and_server_enter(&home, &server)) {
        return;
    }
    fw_options *o = th_server_options(&server, NULL);
    snprintf(url, sizeof url, "%s/fault/headers", server.url);
    if (o != NULL && CHECK_OK(fw_client_new(NULL, o, &c, &err), err) &&
        CHECK_OK(fw_client_get(c, url, &r, &err), err)) {
        /* Joined with ", " by fw_response_header, any case of the name. */
        CHECK_OK(fw_response_header(r, "X-FW-REPEAT", &value, &err), err);
        CHECK_STR(value, "one, two");
        CLEAR_STR(value);
        /* Listed as separate entries, in the order received. */
        size_t count = fw_response_header_count(r);
        long one = -1, two = -1, single = -1;
        for (size_t i = 0; i < count; i++) {
            char *name = NULL;
            if (CHECK_OK(fw_response_header_at(r, i, &name, &value, &err), err)) {
                if (strcmp(name, "x-fw-repeat") == 0 && strcmp(value, "one") == 0) {
                    one = (long)i;
                } else if (strcmp(name, "x-fw-repeat") == 0 && strcmp(value, "two") == 0) {
                    two = (long)i;
                } else if (strcmp(name, "x-fw-single") == 0) {
                    single = (long)i;
                    CHECK_STR(value, "alone");
                }
            }
            CLEAR_STR(name);
            CLEAR_STR(value);
        }
        CHECK(one >= 0 && two > one && single >= 0);
    }
    CLEAR_ERR(err);
    fw_response_free(r);
    fw_client_free(c);
    fw_options_free(o);
    th_devserver_stop(&server);
    th_home_leave(&home);
}

void test_empty_pairs(void) {
    th_home home;
    th_devserver server;
    fw_error *err = NULL;
    fw_client *c = NULL;
    fw_response *r = NULL;
    char url[300], *json = NULL;
    if (!th_home_and_server_enter(&home, &server)) {
        return;
    }
    fw_options *o = th_server_options(&server, "fake_token_123");
    snprintf(url, sizeof url, "%s/echo/post", server.url);
    if (o != NULL && CHECK_OK(fw_client_new(NULL, o, &c, &err), err)) {
        /* (NULL, 0) is an empty body... */
        if (CHECK_OK(fw_client_request(c, "POST", url, NULL, 0, NULL, &r, &err), err)) {
            CHECK(fw_response_status(r) == 200);
        }
        /* ...and an empty id list, the same as a real pointer with 0: the
         * core's rule refuses an empty list, never a NULL pointer. */
        const uint64_t one = 1;
        if (CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_client_get_user_information(c, NULL, 0, &json, &err),
                     err)) {
            CHECK_CONTAINS(fw_error_message(err), "no user ids");
        }
        CLEAR_ERR(err);
        if (CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_client_get_user_information(c, &one, 0, &json, &err),
                     err)) {
            CHECK_CONTAINS(fw_error_message(err), "no user ids");
        }
        /* NULL with a length is still refused. */
        CLEAR_ERR(err);
        CLEAR_STR(json);
        if (CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_client_get_user_information(c, NULL, 2, &json, &err),
                     err)) {
            CHECK_CONTAINS(fw_error_message(err), "`ids`");
        }
    }
    CLEAR_ERR(err);
    CLEAR_STR(json);
    fw_response_free(r);
    fw_client_free(c);
    fw_options_free(o);
    th_devserver_stop(&server);
    th_home_leave(&home);
}

void test_version_number(void) {
    CHECK(fw_version_number() == FW_VERSION_NUMBER);
    CHECK(FW_VERSION_NUMBER == ((FW_VERSION_MAJOR << 16) | (FW_VERSION_MINOR << 8) | FW_VERSION_PATCH));
    CHECK_STR(fw_version(), FW_VERSION_STRING);
}
