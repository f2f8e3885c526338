/*
 * Requests against fw-devserver: the token applied automatically, the
 * headers a server receives, and the error a caller gets for each answer.
 */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devserver.h"
#include "helpers.h"
#include "tests.h"

/* A fresh home, a running server, and a client with `token` (NULL: none). */
typedef struct fixture {
    th_home home;
    th_devserver server;
    fw_options *opts;
    fw_client *client;
} fixture;

static bool setup(fixture *f, const char *datastack, const char *token) {
    memset(f, 0, sizeof *f);
    fw_error *err = NULL;
    if (!th_home_enter(&f->home)) {
        return false;
    }
    if (!th_devserver_start(&f->server)) {
        th_home_leave(&f->home);
        return false;
    }
    f->opts = th_server_options(&f->server, token);
    return f->opts != NULL && CHECK_OK(fw_client_new(datastack, f->opts, &f->client, &err), err);
}

static void teardown(fixture *f) {
    fw_client_free(f->client);
    fw_options_free(f->opts);
    th_devserver_stop(&f->server);
    th_home_leave(&f->home);
}

/* GET url; returns the body as a malloc'd string (NULL on failure). */
static char *get_body(fw_client *c, const char *url) {
    fw_error *err = NULL;
    fw_response *r = NULL;
    size_t len = 0;
    char *copy = NULL;
    if (CHECK_OK(fw_client_get(c, url, &r, &err), err)) {
        const uint8_t *data = fw_response_body(r, &len);
        copy = malloc(len + 1);
        if (len > 0) {
            memcpy(copy, data, len);
        }
        copy[len] = '\0';
    }
    fw_response_free(r);
    return copy;
}

void test_requests_use_the_saved_token(void) {
    th_home home;
    th_devserver server;
    fw_error *err = NULL;
    fw_options *o = NULL;
    fw_client *c = NULL;
    fw_auth *a = NULL;
    char *json = NULL, *local = NULL;
    if (!th_home_and_server_enter(&home, &server)) {
        return;
    }
    /* The seed's flow: save a token, then a new client uses it untold. */
    if (CHECK_RESULT(FW_OK, fw_options_new(&o, NULL)) &&
        CHECK_RESULT(FW_OK, fw_options_set_server_address(o, server.url, NULL)) &&
        CHECK_OK(fw_client_new("minnie65_public", o, &c, &err), err) &&
        CHECK_RESULT(FW_OK, fw_client_auth(c, &a, NULL)) &&
        CHECK_OK(fw_auth_save_token(a, "fake_token_123", NULL, NULL, 0, &err), err)) {
        fw_auth_free(a);
        a = NULL;
        fw_client_free(c);
        c = NULL;
        if (CHECK_OK(fw_client_new("minnie65_public", o, &c, &err), err) &&
            CHECK_OK(fw_client_datastack_info(c, &json, &err), err)) {
            CHECK_CONTAINS(json, "\"local_server\"");
            CHECK_CONTAINS(json, server.url);
            CHECK_OK(fw_client_local_server(c, &local, &err), err);
            CHECK_STR(local, server.url);
        }
    }
    CLEAR_STR(json);
    CLEAR_STR(local);
    fw_auth_free(a);
    fw_client_free(c);
    fw_options_free(o);
    th_devserver_stop(&server);
    th_home_leave(&home);
}

void test_request_headers_received(void) {
    fixture f;
    char url[512];
    if (setup(&f, NULL, "fake_token_123")) {
        char *body = get_body(f.client, (snprintf(url, sizeof url, "%s/echo?a=1", f.server.url), url));
        CHECK_CONTAINS(body, "Bearer fake_token_123");
        CHECK_CONTAINS(body, "middle_auth_token=fake_token_123");
        free(body);
        /* Another origin is not trusted: it gets nothing. */
        body = get_body(f.client, (snprintf(url, sizeof url, "%s/echo", f.server.other_url), url));
        CHECK(body != NULL);
        CHECK_NOT_CONTAINS(body, "fake_token_123");
        free(body);
        /* Nor does it after a redirect from the trusted origin. */
        body = get_body(f.client,
                        (snprintf(url, sizeof url, "%s/redirect/other?to=/echo", f.server.url), url));
        CHECK_CONTAINS(body, f.server.other_url);
        CHECK_NOT_CONTAINS(body, "fake_token_123");
        free(body);
    }
    teardown(&f);
}

/* Fetches the datastack info and checks the error: code, status, server id. */
static void expect_info_error(const char *datastack, const char *token, fw_result want,
                              unsigned status, const char *server_id) {
    fixture f;
    fw_error *err = NULL;
    char *json = NULL;
    if (setup(&f, datastack, token) &&
        CHECK_RC(want, fw_client_datastack_info(f.client, &json, &err), err)) {
        CHECK(fw_error_code(err) == want);
        CHECK(fw_error_http_status(err) == status);
        CHECK_STR(fw_error_server_id(err), server_id);
        CHECK_CONTAINS(fw_error_url(err), "/info/api/v2/datastack/full/");
        CHECK(json == NULL);
        if (token != NULL) {
            CHECK_NOT_CONTAINS(fw_error_message(err), token);
        }
    }
    CLEAR_ERR(err);
    teardown(&f);
}

void test_request_errors(void) {
    expect_info_error("minnie65_public", NULL, FW_ERR_NOT_AUTHENTICATED, 401, "no_token");
    expect_info_error("minnie65_public", "another_fake_token_678", FW_ERR_INVALID_TOKEN, 401,
                      "invalid_token");
    expect_info_error("flywire_fafb", "tos_fake_token_789", FW_ERR_MISSING_TOS, 403, "missing_tos");

    fixture f;
    fw_error *err = NULL;
    fw_response *r = NULL;
    char url[512];
    if (setup(&f, NULL, "fake_token_123")) {
        /* Not authenticated: the message says how to get a token. */
        fixture g;
        char *json = NULL;
        if (setup(&g, NULL, NULL) &&
            CHECK_RC(FW_ERR_NOT_AUTHENTICATED, fw_client_whoami(g.client, &json, &err), err)) {
            CHECK_CONTAINS(fw_error_message(err), "/auth/api/v1/create_token");
            CHECK_CONTAINS(fw_error_message(err), "fw_auth_save_token");
        }
        CLEAR_ERR(err);
        teardown(&g);

        /* Missing ToS carries the form to accept. */
        fixture t;
        if (setup(&t, "flywire_fafb", "tos_fake_token_789") &&
            CHECK_RC(FW_ERR_MISSING_TOS, fw_client_datastack_info(t.client, &json, &err), err)) {
            char form[512];
            snprintf(form, sizeof form, "%s/sticky_auth/api/v1/tos/7/accept", t.server.url);
            CHECK_STR(fw_error_tos_form_url(err), form);
        }
        CLEAR_ERR(err);
        teardown(&t);

        snprintf(url, sizeof url, "%s/protected/flywire/edit", f.server.url);
        if (CHECK_RC(FW_ERR_FORBIDDEN, fw_client_get(f.client, url, &r, &err), err)) {
            CHECK_STR(fw_error_server_id(err), "missing_permission");
            CHECK_CONTAINS(fw_error_message(err), "\"edit\"");
            CHECK_CONTAINS(fw_error_message(err), "\"flywire\"");
        }
        CLEAR_ERR(err);
        CHECK(r == NULL);

        uint64_t ids[2] = {1, 2};
        if (CHECK_RC(FW_ERR_FORBIDDEN, fw_client_get_user_information(f.client, ids, 2, &json, &err),
                     err)) {
            size_t len = 0;
            CHECK(fw_error_http_status(err) == 403);
            const uint8_t *data = fw_error_body(err, &len);
            CHECK(len == strlen("Requires admin privilege.") &&
                  memcmp(data, "Requires admin privilege.", len) == 0);
        }
        CLEAR_ERR(err);

        snprintf(url, sizeof url, "%s/fault/status?code=500", f.server.url);
        if (CHECK_RC(FW_ERR_HTTP_STATUS, fw_client_get(f.client, url, &r, &err), err)) {
            size_t len = 0;
            CHECK(fw_error_http_status(err) == 500);
            CHECK_STR(fw_error_server_id(err), "test_error");
            CHECK_STR(fw_error_url(err), url);
            CHECK(fw_error_body(err, &len) != NULL);
            CHECK(len > 0);
        }
        CLEAR_ERR(err);
    }
    teardown(&f);
}

/* A token withheld from an origin that is not trusted: its own code, the
 * origin and the fix in the message; trusting it sends the token. Loopback
 * is never proxied, whatever proxy is set. */
void test_untrusted_origin_withheld(void) {
    fixture f;
    fw_error *err = NULL;
    fw_response *r = NULL;
    char url[512];
    if (setup(&f, NULL, "fake_token_123")) {
        snprintf(url, sizeof url, "%s/auth/api/v1/user/me", f.server.other_url);
        if (CHECK_RC(FW_ERR_UNTRUSTED_ORIGIN, fw_client_get(f.client, url, &r, &err), err)) {
            CHECK(fw_error_code(err) == FW_ERR_UNTRUSTED_ORIGIN);
            CHECK(fw_error_http_status(err) == 401);
            CHECK_CONTAINS(fw_error_message(err), f.server.other_url);
            CHECK_CONTAINS(fw_error_message(err), "withheld");
            CHECK_CONTAINS(fw_error_message(err), "fw_options_add_trusted_origin");
            CHECK_NOT_CONTAINS(fw_error_message(err), "none was sent");
            /* The remedy, for a program to act on; the problem without C's words. */
            CHECK(fw_error_remedy(err) == FW_REMEDY_TRUST_ORIGIN);
            CHECK_STR(fw_error_remedy_data(err), f.server.other_url);
            CHECK_CONTAINS(fw_error_problem(err), "withheld");
            CHECK_NOT_CONTAINS(fw_error_problem(err), "fw_");
        }
        CLEAR_ERR(err);
        CHECK(r == NULL);
    }
    teardown(&f);

    fixture t;
    if (setup(&t, NULL, NULL)) {
        fw_client *c = NULL;
        /* Trusted, through a proxy nobody listens on: loopback goes direct. */
        if (CHECK_RESULT(FW_OK, fw_options_set_token(t.opts, "fake_token_123", NULL)) &&
            CHECK_RESULT(FW_OK, fw_options_add_trusted_origin(t.opts, t.server.other_url, NULL)) &&
            CHECK_RESULT(FW_OK, fw_options_set_proxy(t.opts, "http://127.0.0.1:9", NULL)) &&
            CHECK_OK(fw_client_new(NULL, t.opts, &c, &err), err)) {
            char body_url[512];
            snprintf(body_url, sizeof body_url, "%s/echo", t.server.other_url);
            char *body = get_body(c, body_url);
            CHECK_CONTAINS(body, "Bearer fake_token_123");
            free(body);
        }
        fw_client_free(c);
    }
    teardown(&t);
}

void test_insecure_url_refused(void) {
    th_home h;
    fw_error *err = NULL;
    fw_options *o = NULL;
    fw_client *c = NULL;
    fw_response *r = NULL;
    if (!th_home_enter(&h)) {
        return;
    }
    /* .invalid never resolves: the refusal comes before any connection. */
    if (CHECK_RESULT(FW_OK, fw_options_new(&o, NULL)) &&
        CHECK_RESULT(FW_OK, fw_options_set_server_address(o, "http://fwclient-test.invalid", NULL)) &&
        CHECK_RESULT(FW_OK, fw_options_set_token(o, "fake_token_123", NULL)) &&
        CHECK_OK(fw_client_new(NULL, o, &c, &err), err) &&
        CHECK_RC(FW_ERR_INSECURE_URL,
                 fw_client_get(c, "http://fwclient-test.invalid/info/api/v2/datastacks", &r, &err),
                 err)) {
        CHECK_NOT_CONTAINS(fw_error_message(err), "fake_token_123");
    }
    CLEAR_ERR(err);
    fw_client_free(c);
    fw_options_free(o);
    th_home_leave(&h);
}

void test_service_calls(void) {
    fixture f, admin;
    fw_error *err = NULL;
    char *json = NULL, *token = NULL;
    int64_t ttl = 0;
    if (setup(&f, NULL, "fake_token_123")) {
        if (CHECK_OK(fw_client_whoami(f.client, &json, &err), err)) {
            CHECK_CONTAINS(json, "Ada Lovelace");
        }
        CLEAR_STR(json);
        if (CHECK_OK(fw_client_datastacks(f.client, &json, &err), err)) {
            CHECK_CONTAINS(json, "minnie65_public");
        }
        CLEAR_STR(json);
        if (CHECK_OK(fw_client_get_tokens(f.client, &json, &err), err)) {
            CHECK_CONTAINS(json, "seed token");
        }
        CLEAR_STR(json);
        if (CHECK_OK(fw_client_token_ttl(f.client, "fake_token_123", &ttl, &err), err)) {
            CHECK(ttl == -1);
        }
        if (CHECK_OK(fw_client_create_token(f.client, "made in C", &token, &err), err)) {
            CHECK(token != NULL && strlen(token) == 32);
            CHECK_OK(fw_client_token_ttl(f.client, token, &ttl, &err), err);
        }
        CLEAR_STR(token);
        /* Group members are for admins on current servers. */
        CHECK_RC(FW_ERR_FORBIDDEN, fw_client_get_group_users(f.client, 1, &json, &err), err);
        CHECK(json == NULL);
        CLEAR_ERR(err);
    }
    teardown(&f);
    if (setup(&admin, NULL, "admin_fake_token_456")) {
        uint64_t ids[2] = {1, 2};
        if (CHECK_OK(fw_client_get_user_information(admin.client, ids, 2, &json, &err), err)) {
            CHECK_CONTAINS(json, "Grace Hopper");
        }
        CLEAR_STR(json);
        if (CHECK_OK(fw_client_get_group_users(admin.client, 1, &json, &err), err)) {
            CHECK_CONTAINS(json, "Ada Lovelace");
        }
        CLEAR_STR(json);
    }
    teardown(&admin);
}

void test_response_accessors(void) {
    fixture f;
    fw_error *err = NULL;
    fw_response *r = NULL;
    char url[512], *value = NULL;
    static const char body[] = "{\"hello\": \"world\"}";
    if (setup(&f, NULL, "fake_token_123")) {
        snprintf(url, sizeof url, "%s/echo/post", f.server.url);
        if (CHECK_OK(fw_client_request(f.client, "POST", url, (const uint8_t *)body, strlen(body),
                                       "application/json", &r, &err),
                     err)) {
            size_t len = 0;
            CHECK(fw_response_status(r) == 200);
            const uint8_t *data = fw_response_body(r, &len);
            CHECK(data != NULL && len > 0 && memchr(data, '{', len) != NULL);
            CHECK_OK(fw_response_header(r, "Content-Type", &value, &err), err);
            CHECK_CONTAINS(value, "application/json");
            CLEAR_STR(value);
            CHECK_OK(fw_response_header(r, "x-not-there", &value, &err), err);
            CHECK(value == NULL);
            /* Every header, in order, names in lower case. */
            size_t count = 0;
            bool saw_type = false;
            count = fw_response_header_count(r);
            CHECK(count >= 2);
            for (size_t i = 0; i < count; i++) {
                char *name = NULL;
                if (CHECK_OK(fw_response_header_at(r, i, &name, &value, &err), err)) {
                    saw_type = saw_type || strcmp(name, "content-type") == 0;
                    CHECK(value != NULL);
                }
                CLEAR_STR(name);
                CLEAR_STR(value);
            }
            CHECK(saw_type);
            char *name = NULL;
            if (CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_response_header_at(r, count, &name, &value, &err),
                         err)) {
                /* The message names the parameter as the header does. */
                CHECK_CONTAINS(fw_error_message(err), "`index`");
            }
            CLEAR_ERR(err);
            CHECK(name == NULL && value == NULL);
            /* NULL out-parameters with a live response. */
            CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_response_header_at(r, 0, NULL, &value, NULL));
            CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_response_header_at(r, 0, &name, NULL, NULL));
        }
        fw_response_free(r);
    }
    teardown(&f);
}
