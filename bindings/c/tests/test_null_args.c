/*
 * NULL where a pointer is required: every function of the header returns
 * FW_ERR_INVALID_ARGUMENT (or its documented default), does not crash, and
 * writes no out-parameter. Each fallible call is made twice: with an error
 * slot (which must receive an FW_ERR_INVALID_ARGUMENT error) and without.
 * Then the parameters documented as nullable are given NULL and must work.
 *
 * check-coverage.sh fails when a function of the header is missing here.
 */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "tests.h"

/* `call` uses ERRP as its error slot: first &e, then NULL. */
#define EXPECT_INVALID(call)                                                                       \
    do {                                                                                           \
        fw_error *e_ = NULL;                                                                       \
        fw_error **ERRP = &e_;                                                                     \
        if (CHECK_RC(FW_ERR_INVALID_ARGUMENT, (call), e_)) {                                       \
            CHECK(e_ != NULL && fw_error_code(e_) == FW_ERR_INVALID_ARGUMENT &&                    \
                  fw_error_message(e_) != NULL);                                                   \
        }                                                                                          \
        CLEAR_ERR(e_);                                                                             \
        ERRP = NULL;                                                                               \
        CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, (call));                                             \
    } while (0)

/* Out-parameters start as these and must still be these after a refusal. */
static char sentinel_byte;
#define STR_SENTINEL (&sentinel_byte)

/* A client whose every request would fail fast, were one made: NULL checks
 * must come before any I/O. */
/* A batch callback for calls refused before any request. */
static int batch_never_called(void *user_data, size_t index, fw_result result,
                              const fw_response *response, const fw_error *error) {
    (void)user_data;
    (void)index;
    (void)result;
    (void)response;
    (void)error;
    fprintf(stderr, "a refused batch called its callback\n");
    return 1;
}

static fw_client *offline_client(void) {
    fw_options *o = NULL;
    fw_client *c = NULL;
    fw_error *err = NULL;
    if (CHECK_RESULT(FW_OK, fw_options_new(&o, NULL)) &&
        CHECK_RESULT(FW_OK, fw_options_set_server_address(o, "http://127.0.0.1:9", NULL)) &&
        CHECK_RESULT(FW_OK, fw_options_set_timeout_ms(o, 2000, 2000, NULL)) &&
        CHECK_RESULT(FW_OK, fw_options_set_max_retries(o, 0, NULL)) &&
        CHECK_RESULT(FW_OK, fw_options_set_token(o, "fake_token_123", NULL))) {
        CHECK_OK(fw_client_new("minnie65_public", o, &c, &err), err);
    }
    fw_options_free(o);
    return c;
}

void test_null_arguments(void) {
    th_home h;
    fw_error *err = NULL;
    fw_options *o = NULL;
    fw_auth *a = NULL;
    fw_client *c = NULL;
    fw_error *live_err = NULL;
    char *s = STR_SENTINEL;
    uint32_t u32 = 77;
    int64_t i64 = 77;
    fw_auth *auth_out = (fw_auth *)STR_SENTINEL;
    fw_client *client_out = (fw_client *)STR_SENTINEL;
    fw_response *resp_out = (fw_response *)STR_SENTINEL;
    size_t len = 77;
    const uint64_t ids[] = {1};
    if (!th_home_enter(&h)) {
        return;
    }
    if (!CHECK_RESULT(FW_OK, fw_options_new(&o, NULL)) || !CHECK_OK(fw_auth_new(NULL, &a, &err), err) ||
        (c = offline_client()) == NULL) {
        goto out;
    }

    /* fw_auth_* */
    EXPECT_INVALID(fw_auth_new(o, NULL, ERRP));
    EXPECT_INVALID(fw_auth_token(NULL, &s, ERRP));
    EXPECT_INVALID(fw_auth_token(a, NULL, ERRP));
    EXPECT_INVALID(fw_auth_token_source(NULL, &u32, &s, &s, ERRP));
    EXPECT_INVALID(fw_auth_token_source(a, NULL, &s, &s, ERRP));
    EXPECT_INVALID(fw_auth_layout(NULL, &u32, ERRP));
    EXPECT_INVALID(fw_auth_layout(a, NULL, ERRP));
    EXPECT_INVALID(fw_auth_token_file(NULL, &s, ERRP));
    EXPECT_INVALID(fw_auth_token_file(a, NULL, ERRP));
    EXPECT_INVALID(fw_auth_set_token(NULL, "fake_token_123", ERRP));
    EXPECT_INVALID(fw_auth_set_token(a, NULL, ERRP));
    EXPECT_INVALID(fw_auth_reload(NULL, ERRP));
    EXPECT_INVALID(fw_auth_save_token(NULL, "fake_token_123", NULL, NULL, 0, ERRP));
    EXPECT_INVALID(fw_auth_get_new_token(NULL, &s, ERRP));
    EXPECT_INVALID(fw_auth_get_new_token(a, NULL, ERRP));
    EXPECT_INVALID(fw_auth_new_token_url(NULL, &s, ERRP));
    EXPECT_INVALID(fw_auth_new_token_url(a, NULL, ERRP));
    EXPECT_INVALID(fw_auth_diagnose(NULL, &s, ERRP));
    EXPECT_INVALID(fw_auth_diagnose(a, NULL, ERRP));
    EXPECT_INVALID(fw_auth_token_page_url(NULL, &s, ERRP));
    EXPECT_INVALID(fw_auth_token_page_url(a, NULL, ERRP));
    EXPECT_INVALID(fw_auth_request_header(NULL, &s, ERRP));
    EXPECT_INVALID(fw_auth_request_header(a, NULL, ERRP));
    fw_auth_free(NULL);

    /* fw_client_* */
    EXPECT_INVALID(fw_client_new("minnie65_public", o, NULL, ERRP));
    EXPECT_INVALID(fw_client_new_with_auth("minnie65_public", o, NULL, &client_out, ERRP));
    EXPECT_INVALID(fw_client_new_with_auth("minnie65_public", o, a, NULL, ERRP));
    EXPECT_INVALID(fw_client_auth(NULL, &auth_out, ERRP));
    EXPECT_INVALID(fw_client_auth(c, NULL, ERRP));
    EXPECT_INVALID(fw_client_server_address(NULL, &s, ERRP));
    EXPECT_INVALID(fw_client_server_address(c, NULL, ERRP));
    EXPECT_INVALID(fw_client_get(NULL, "http://127.0.0.1:9/x", &resp_out, ERRP));
    EXPECT_INVALID(fw_client_get(c, NULL, &resp_out, ERRP));
    EXPECT_INVALID(fw_client_get(c, "http://127.0.0.1:9/x", NULL, ERRP));
    EXPECT_INVALID(fw_client_request(NULL, "GET", "http://127.0.0.1:9/x", NULL, 0, NULL, &resp_out, ERRP));
    EXPECT_INVALID(fw_client_request(c, NULL, "http://127.0.0.1:9/x", NULL, 0, NULL, &resp_out, ERRP));
    EXPECT_INVALID(fw_client_request(c, "GET", NULL, NULL, 0, NULL, &resp_out, ERRP));
    EXPECT_INVALID(fw_client_request(c, "POST", "http://127.0.0.1:9/x", NULL, 5, NULL, &resp_out, ERRP));
    EXPECT_INVALID(fw_client_request(c, "GET", "http://127.0.0.1:9/x", NULL, 0, NULL, NULL, ERRP));
    EXPECT_INVALID(fw_client_request_with(NULL, "GET", "http://127.0.0.1:9/x", NULL, 0, NULL, NULL, &resp_out, ERRP));
    EXPECT_INVALID(fw_client_request_with(c, NULL, "http://127.0.0.1:9/x", NULL, 0, NULL, NULL, &resp_out, ERRP));
    EXPECT_INVALID(fw_client_request_with(c, "GET", NULL, NULL, 0, NULL, NULL, &resp_out, ERRP));
    EXPECT_INVALID(fw_client_request_with(c, "GET", "http://127.0.0.1:9/x", NULL, 0, NULL, NULL, NULL, ERRP));
    {
        const char *urls[1] = {"http://127.0.0.1:9/x"};
        fw_batch_request reqs[1] = {{"GET", "http://127.0.0.1:9/x", NULL, 0, NULL}};
        EXPECT_INVALID(fw_client_get_many(NULL, urls, 1, 1, batch_never_called, NULL, ERRP));
        EXPECT_INVALID(fw_client_get_many(c, NULL, 1, 1, batch_never_called, NULL, ERRP));
        EXPECT_INVALID(fw_client_get_many(c, urls, 1, 1, NULL, NULL, ERRP));
        EXPECT_INVALID(fw_client_get_many(c, urls, 1, 0, batch_never_called, NULL, ERRP));
        EXPECT_INVALID(fw_client_send_many(NULL, reqs, 1, 1, batch_never_called, NULL, ERRP));
        EXPECT_INVALID(fw_client_send_many(c, NULL, 1, 1, batch_never_called, NULL, ERRP));
        EXPECT_INVALID(fw_client_send_many(c, reqs, 1, 1, NULL, NULL, ERRP));
    }

    /* fw_cancel_*, fw_request_options_* */
    EXPECT_INVALID(fw_client_with_request_options(NULL, NULL, &client_out, ERRP));
    EXPECT_INVALID(fw_client_with_request_options(c, NULL, &client_out, ERRP));
    EXPECT_INVALID(fw_cancel_new(NULL, ERRP));
    EXPECT_INVALID(fw_cancel_trigger(NULL, ERRP));
    EXPECT_INVALID(fw_request_options_new(NULL, ERRP));
    EXPECT_INVALID(fw_request_options_set_timeout_ms(NULL, 10, ERRP));
    EXPECT_INVALID(fw_request_options_set_cancel(NULL, NULL, ERRP));
    fw_cancel_free(NULL);
    fw_request_options_free(NULL);
    {
        fw_stream *stream_out = NULL;
        EXPECT_INVALID(fw_client_open(NULL, "GET", "http://127.0.0.1:9/x", NULL, 0, NULL, &stream_out, ERRP));
        EXPECT_INVALID(fw_client_open(c, NULL, "http://127.0.0.1:9/x", NULL, 0, NULL, &stream_out, ERRP));
        EXPECT_INVALID(fw_client_open(c, "GET", NULL, NULL, 0, NULL, &stream_out, ERRP));
        EXPECT_INVALID(fw_client_open(c, "POST", "http://127.0.0.1:9/x", NULL, 5, NULL, &stream_out, ERRP));
        EXPECT_INVALID(fw_client_open(c, "GET", "http://127.0.0.1:9/x", NULL, 0, NULL, NULL, ERRP));
        CHECK(stream_out == NULL);
    }
    EXPECT_INVALID(fw_client_local_server(NULL, &s, ERRP));
    EXPECT_INVALID(fw_client_local_server(c, NULL, ERRP));
    EXPECT_INVALID(fw_client_datastack_info(NULL, &s, ERRP));
    EXPECT_INVALID(fw_client_datastack_info(c, NULL, ERRP));
    EXPECT_INVALID(fw_client_datastacks(NULL, &s, ERRP));
    EXPECT_INVALID(fw_client_datastacks(c, NULL, ERRP));
    EXPECT_INVALID(fw_client_whoami(NULL, &s, ERRP));
    EXPECT_INVALID(fw_client_whoami(c, NULL, ERRP));
    EXPECT_INVALID(fw_client_get_tokens(NULL, &s, ERRP));
    EXPECT_INVALID(fw_client_get_tokens(c, NULL, ERRP));
    EXPECT_INVALID(fw_client_create_token(NULL, "a description", &s, ERRP));
    EXPECT_INVALID(fw_client_create_token(c, "a description", NULL, ERRP));
    EXPECT_INVALID(fw_client_token_ttl(NULL, "fake_token_123", &i64, ERRP));
    EXPECT_INVALID(fw_client_token_ttl(c, NULL, &i64, ERRP));
    EXPECT_INVALID(fw_client_token_ttl(c, "fake_token_123", NULL, ERRP));
    EXPECT_INVALID(fw_client_get_user_information(NULL, ids, 1, &s, ERRP));
    EXPECT_INVALID(fw_client_get_user_information(c, NULL, 1, &s, ERRP));
    EXPECT_INVALID(fw_client_get_user_information(c, ids, 1, NULL, ERRP));
    EXPECT_INVALID(fw_client_get_group_users(NULL, 1, &s, ERRP));
    EXPECT_INVALID(fw_client_get_group_users(c, 1, NULL, ERRP));
    fw_client_free(NULL);

    /* fw_response_* (a live response needs a server: see the devserver tests) */
    CHECK(fw_response_status(NULL) == 0);
    CHECK(fw_response_body(NULL, &len) == NULL && len == 0);
    CHECK(fw_response_body(NULL, NULL) == NULL);
    len = 77;
    EXPECT_INVALID(fw_response_header(NULL, "content-type", &s, ERRP));
    CHECK(fw_response_header_count(NULL) == 0);
    EXPECT_INVALID(fw_response_header_at(NULL, 0, &s, &s, ERRP));
    fw_response_free(NULL);

    /* fw_stream_* (a live stream needs a server: see test_streaming.c) */
    {
        uint8_t byte = 0;
        size_t got = 77;
        CHECK(fw_stream_status(NULL) == 0);
        CHECK(fw_stream_header_count(NULL) == 0);
        EXPECT_INVALID(fw_stream_header(NULL, "content-type", &s, ERRP));
        EXPECT_INVALID(fw_stream_header_at(NULL, 0, &s, &s, ERRP));
        EXPECT_INVALID(fw_stream_read(NULL, &byte, 1, &got, ERRP));
        CHECK(got == 77);
        fw_stream_free(NULL);
    }

    /* fw_error_* on NULL: see test_error_accessors; with a live error: */
    if (CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_auth_token(NULL, &s, &live_err), live_err)) {
        size_t n = 77;
        CHECK(fw_error_body(NULL, &n) == NULL && n == 0);
        CHECK(fw_error_body(NULL, NULL) == NULL);
        CHECK(fw_error_body(live_err, NULL) == NULL); /* a local error has no body */
        CHECK(fw_error_message(NULL) == NULL);
        CHECK(fw_error_code(NULL) == FW_ERR_INVALID_ARGUMENT);
        CHECK(fw_error_http_status(NULL) == 0);
        CHECK(fw_error_server_id(NULL) == NULL);
        CHECK(fw_error_url(NULL) == NULL);
        CHECK(fw_error_tos_form_url(NULL) == NULL);
    }
    CLEAR_ERR(live_err);
    fw_error_free(NULL);

    /* fw_options_* */
    EXPECT_INVALID(fw_options_new(NULL, ERRP));
    EXPECT_INVALID(fw_options_set_token(NULL, "fake_token_123", ERRP));
    EXPECT_INVALID(fw_options_set_token(o, NULL, ERRP));
    EXPECT_INVALID(fw_options_set_token_file(NULL, "tok.json", ERRP));
    EXPECT_INVALID(fw_options_set_token_file(o, NULL, ERRP));
    EXPECT_INVALID(fw_options_set_token_key(NULL, "token", ERRP));
    EXPECT_INVALID(fw_options_set_token_key(o, NULL, ERRP));
    EXPECT_INVALID(fw_options_set_server_address(NULL, "https://global.daf-apis.com", ERRP));
    EXPECT_INVALID(fw_options_set_server_address(o, NULL, ERRP));
    EXPECT_INVALID(fw_options_set_secrets_dir(NULL, "/tmp", ERRP));
    EXPECT_INVALID(fw_options_set_secrets_dir(o, NULL, ERRP));
    EXPECT_INVALID(fw_options_set_layout(NULL, FW_LAYOUT_CAVE, ERRP));
    EXPECT_INVALID(fw_options_set_timeout_ms(NULL, 1000, 1000, ERRP));
    EXPECT_INVALID(fw_options_set_max_retries(NULL, 1, ERRP));
    EXPECT_INVALID(fw_options_set_retry_base_delay_ms(NULL, 100, ERRP));
    EXPECT_INVALID(fw_options_set_max_body_bytes(NULL, 1, ERRP));
    EXPECT_INVALID(fw_options_set_ca_file(NULL, "ca.pem", ERRP));
    EXPECT_INVALID(fw_options_set_ca_file(o, NULL, ERRP));
    EXPECT_INVALID(fw_options_add_trusted_origin(NULL, "https://example.org", ERRP));
    EXPECT_INVALID(fw_options_add_trusted_origin(o, NULL, ERRP));
    EXPECT_INVALID(fw_options_set_allow_insecure_http(NULL, true, ERRP));
    EXPECT_INVALID(fw_options_set_proxy(NULL, "none", ERRP));
    EXPECT_INVALID(fw_options_set_proxy(o, NULL, ERRP));
    fw_options_free(NULL);

    /* Strings */
    fw_string_free(NULL);
    CHECK(fw_result_name(FW_OK) != NULL);
    CHECK(fw_version() != NULL);
    CHECK(fw_version_number() == FW_VERSION_NUMBER);

    /* No out-parameter was written by a refused call. */
    CHECK(s == STR_SENTINEL);
    CHECK(u32 == 77);
    CHECK(i64 == 77);
    CHECK(auth_out == (fw_auth *)STR_SENTINEL);
    CHECK(client_out == (fw_client *)STR_SENTINEL);
    CHECK(resp_out == (fw_response *)STR_SENTINEL);
    CHECK(len == 77);
    /* And nothing was written to disk. */
    CHECK(!th_exists(h.secrets));

out:
    fw_client_free(c);
    fw_auth_free(a);
    fw_options_free(o);
    th_home_leave(&h);
}

/* The parameters documented as nullable, given NULL. */
void test_nullable_arguments(void) {
    th_home h;
    fw_error *err = NULL;
    fw_auth *a = NULL;
    fw_client *c = NULL;
    uint32_t kind = 99;
    char *s = NULL;
    char file[TH_PATH_MAX];
    if (!th_home_enter(&h)) {
        return;
    }
    th_join(file, sizeof file, h.secrets, "chunkedgraph-secret.json");

    /* fw_auth_new: opts NULL means defaults. */
    if (!CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        goto out;
    }
    CHECK_OK(fw_auth_token_file(a, &s, &err), err);
    CHECK_STR(s, file);
    CLEAR_STR(s);

    /* fw_client_new: datastack NULL (the global services) and opts NULL. */
    if (CHECK_OK(fw_client_new(NULL, NULL, &c, &err), err)) {
        CHECK_RESULT(FW_OK, fw_client_server_address(c, &s, NULL));
        CHECK_STR(s, "https://global.daf-apis.com");
        CLEAR_STR(s);
    }

    /* fw_auth_save_token: NULL token saves the token in use; NULL key is
     * "token"; NULL file is the auth's token file. */
    CHECK_OK(fw_auth_set_token(a, "nullable_fake_token", &err), err);
    if (CHECK_OK(fw_auth_save_token(a, NULL, NULL, NULL, 0, &err), err)) {
        CHECK_FILE(file, "{\"token\": \"nullable_fake_token\"}");
    }

    /* fw_auth_token_source: path and key NULL when not wanted (the strings
     * made for them are freed inside: valgrind checks). */
    CHECK_OK(fw_auth_token_source(a, &kind, NULL, NULL, &err), err);
    CHECK(kind == FW_SOURCE_FILE);
    kind = 99;
    CHECK_OK(fw_auth_token_source(a, &kind, &s, NULL, &err), err);
    CHECK(kind == FW_SOURCE_FILE);
    CHECK_STR(s, file);
    CLEAR_STR(s);
    CHECK_OK(fw_auth_token_source(a, &kind, NULL, &s, &err), err);
    CHECK_STR(s, "token");
    CLEAR_STR(s);

    /* err NULL on success. */
    CHECK_RESULT(FW_OK, fw_auth_token(a, &s, NULL));
    CHECK_STR(s, "nullable_fake_token");
    CLEAR_STR(s);

out:
    fw_client_free(c);
    fw_auth_free(a);
    th_home_leave(&h);
}
