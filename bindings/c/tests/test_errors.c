/*
 * Failures: malformed secret files, bad strings and tokens, the
 * environment, result names, the version, and error accessors.
 */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "tests.h"

/* Writes `bytes` as the default secret file of a fresh home. */
static bool write_secret(const th_home *h, const char *bytes, char *file, size_t size) {
    th_join(file, size, h->secrets, "chunkedgraph-secret.json");
    return CHECK(th_mkdirs(h->secrets, 0700)) && CHECK(th_write_file(file, bytes, 0644));
}

void test_malformed_secret_file(void) {
    static const struct {
        const char *bytes;
        bool object; /* a JSON object, only its value is wrong */
    } bad[] = {
        {"{not json", false},
        {"", false},
        {"[\"token\"]", false},
        {"{\"token\": 5}", true},
        {"{\"token\": \"a\\r\\nX-Evil: 1\"}", true}, /* a token that would break a header */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        th_home h;
        fw_error *err = NULL;
        fw_auth *a = NULL;
        fw_client *c = NULL;
        fw_options *o = NULL;
        char file[TH_PATH_MAX];
        if (!th_home_enter(&h)) {
            return;
        }
        if (!write_secret(&h, bad[i].bytes, file, sizeof file)) {
            th_home_leave(&h);
            continue;
        }
        printf("  secret file [%s]\n", bad[i].bytes);
        /* The auth and the client exist (so a token can be saved over the
         * file); the token's first use fails, naming the file and the fix,
         * and leaves its out-parameter as it was. */
        if (CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
            char *tok = (char *)&h; /* a sentinel: must stay as it is on failure */
            if (CHECK_RC(FW_ERR_SECRET_FILE, fw_auth_token(a, &tok, &err), err)) {
                CHECK_CONTAINS(fw_error_message(err), file);
                CHECK_CONTAINS(fw_error_message(err), "{\"token\": \"<your token>\"}");
                CHECK_CONTAINS(fw_error_message(err), "FW_SAVE_OVERWRITE");
                CHECK(fw_error_remedy(err) == FW_REMEDY_OVERWRITE ||
                      fw_error_remedy(err) == FW_REMEDY_REPLACE_INVALID);
                CHECK_NOT_CONTAINS(fw_error_problem(err), "FW_SAVE");
                CHECK_NOT_CONTAINS(fw_error_message(err), "X-Evil");
            }
            CLEAR_ERR(err);
            CHECK(tok == (char *)&h);
            CHECK_RC(FW_ERR_SECRET_FILE, fw_auth_request_header(a, &tok, &err), err);
            CLEAR_ERR(err);
            CHECK_SOURCE(a, FW_SOURCE_NONE, NULL, NULL);
        }
        fw_auth_free(a);
        a = NULL;
        CHECK_OK(fw_client_new("minnie65_public", NULL, &c, &err), err);
        fw_client_free(c);
        c = NULL;
        CHECK_FILE(file, bad[i].bytes);

        /* An explicit token reads no file, so the auth exists. Saving it
         * over a file that is not a JSON object is refused, even with
         * FW_SAVE_OVERWRITE, and leaves the file byte for byte. In an
         * object the key exists: refused without FW_SAVE_OVERWRITE (as
         * caveclient), replaced with it, keeping the file's mode. */
        if (CHECK_RESULT(FW_OK, fw_options_new(&o, NULL)) &&
            CHECK_RESULT(FW_OK, fw_options_set_token(o, "fake_token_123", NULL)) &&
            CHECK_OK(fw_auth_new(o, &a, &err), err)) {
            fw_result want = bad[i].object ? FW_ERR_TOKEN_EXISTS : FW_ERR_SECRET_FILE;
            if (CHECK_RC(want, fw_auth_save_token(a, NULL, NULL, NULL, 0, &err), err)) {
                CHECK_CONTAINS(fw_error_message(err), file);
            }
            CLEAR_ERR(err);
            CHECK_FILE(file, bad[i].bytes);
            if (bad[i].object) {
                CHECK_OK(fw_auth_save_token(a, NULL, NULL, NULL, FW_SAVE_OVERWRITE, &err), err);
                CHECK_FILE(file, "{\"token\": \"fake_token_123\"}");
                CHECK_SOURCE(a, FW_SOURCE_FILE, file, "token");
            } else {
                if (CHECK_RC(FW_ERR_SECRET_FILE,
                             fw_auth_save_token(a, NULL, NULL, NULL, FW_SAVE_OVERWRITE, &err), err)) {
                    CHECK_CONTAINS(fw_error_message(err), file);
                }
                CLEAR_ERR(err);
                CHECK_FILE(file, bad[i].bytes);
                CHECK_SOURCE(a, FW_SOURCE_EXPLICIT, NULL, NULL);
            }
            CHECK_MODE(file, 0644);
            CHECK(th_count_entries(h.secrets) == 1);
            CHECK_TOKEN(a, "fake_token_123");
        }
        fw_auth_free(a);
        fw_options_free(o);
        th_home_leave(&h);
    }
}

void test_invalid_utf8(void) {
    static const char bad[] = "tok\xff\xfe";
    th_home h;
    fw_error *err = NULL;
    fw_options *o = NULL;
    fw_auth *a = NULL;
    fw_client *c = NULL;
    if (!th_home_enter(&h)) {
        return;
    }
    if (!CHECK_RESULT(FW_OK, fw_options_new(&o, NULL)) || !CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        goto out;
    }
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_token(o, bad, NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_token_file(o, bad, NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_token_key(o, bad, NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_server_address(o, bad, NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_secrets_dir(o, bad, NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_ca_file(o, bad, NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_add_trusted_origin(o, bad, NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_proxy(o, bad, NULL));
    if (CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_client_new(bad, NULL, &c, &err), err)) {
        CHECK_CONTAINS(fw_error_message(err), "UTF-8");
    }
    CLEAR_ERR(err);
    CHECK(c == NULL);
    CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_auth_set_token(a, bad, &err), err);
    CLEAR_ERR(err);
    CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_auth_save_token(a, bad, NULL, NULL, 0, &err), err);
    CLEAR_ERR(err);
    CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_auth_save_token(a, "fake_token_123", bad, NULL, 0, &err), err);
    CLEAR_ERR(err);
    CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_auth_save_token(a, "fake_token_123", NULL, bad, 0, &err), err);
    CLEAR_ERR(err);
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_auth_save_token(a, "fake_token_123", NULL, bad, 0, NULL));
    /* Nothing was saved or set. */
    CHECK_TOKEN(a, NULL);
    CHECK(!th_exists(h.secrets));
    /* The options were left as they were: defaults. */
    fw_auth_free(a);
    a = NULL;
    if (CHECK_OK(fw_auth_new(o, &a, &err), err)) {
        CHECK_TOKEN(a, NULL);
        CHECK_SOURCE(a, FW_SOURCE_NONE, NULL, NULL);
    }

out:
    fw_auth_free(a);
    fw_options_free(o);
    th_home_leave(&h);
}

void test_invalid_token_format(void) {
    /* Each would break a header line or is not a token; none may be
     * quoted back in an error message. */
    static const char *const bad[] = {"secret_a\r\nX-Evil: 1", "secret_b\n", "secret c", "",
                                      "secret_d\t", "secret_\xc3\xa9"};
    th_home h;
    fw_error *err = NULL;
    fw_options *o = NULL;
    fw_auth *a = NULL;
    char file[TH_PATH_MAX];
    if (!th_home_enter(&h)) {
        return;
    }
    th_join(file, sizeof file, h.secrets, "chunkedgraph-secret.json");
    if (!CHECK_RESULT(FW_OK, fw_options_new(&o, NULL)) || !CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        goto out;
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_RESULT(FW_ERR_INVALID_TOKEN_FORMAT, fw_options_set_token(o, bad[i], NULL));
        if (CHECK_RC(FW_ERR_INVALID_TOKEN_FORMAT, fw_auth_set_token(a, bad[i], &err), err)) {
            CHECK_NOT_CONTAINS(fw_error_message(err), "secret");
            CHECK_NOT_CONTAINS(fw_error_message(err), "X-Evil");
        }
        CLEAR_ERR(err);
        if (CHECK_RC(FW_ERR_INVALID_TOKEN_FORMAT, fw_auth_save_token(a, bad[i], NULL, NULL, 0, &err), err)) {
            CHECK_NOT_CONTAINS(fw_error_message(err), "secret");
        }
        CLEAR_ERR(err);
    }
    CHECK(!th_exists(file));
    CHECK_TOKEN(a, NULL);

    /* A token from the environment is checked the same way. */
    fw_auth_free(a);
    a = NULL;
    if (CHECK(setenv("FW_AUTH_TOKEN", "secret_e\r\nX-Evil: 1", 1) == 0)) {
        if (CHECK_RC(FW_ERR_INVALID_TOKEN_FORMAT, fw_auth_new(NULL, &a, &err), err)) {
            CHECK_CONTAINS(fw_error_message(err), "FW_AUTH_TOKEN");
            CHECK_NOT_CONTAINS(fw_error_message(err), "secret");
        }
        CLEAR_ERR(err);
        CHECK(a == NULL);
        unsetenv("FW_AUTH_TOKEN");
    }

out:
    fw_auth_free(a);
    fw_options_free(o);
    th_home_leave(&h);
}

void test_environment(void) {
    th_home h;
    fw_error *err = NULL;
    fw_auth *a = NULL;
    uint32_t layout = 99;
    char file[TH_PATH_MAX], dir[TH_PATH_MAX];
    if (!th_home_enter(&h)) {
        return;
    }
    th_join(file, sizeof file, h.dir, ".cloudvolume" TH_SEP "secrets" TH_SEP "chunkedgraph-secret.json");
    if (!CHECK(th_mkdirs(h.secrets, 0700)) ||
        !CHECK(th_write_file(file, "{\"token\": \"file_fake_token\"}", 0600))) {
        goto out;
    }
    /* $FW_AUTH_TOKEN beats the file. */
    setenv("FW_AUTH_TOKEN", "env_fake_token", 1);
    if (CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        CHECK_TOKEN(a, "env_fake_token");
        CHECK_SOURCE(a, FW_SOURCE_ENV, NULL, NULL);
    }
    fw_auth_free(a);
    a = NULL;
    unsetenv("FW_AUTH_TOKEN");

    /* $FW_SECRETS_DIR moves the secrets directory. */
    th_join(dir, sizeof dir, h.dir, "elsewhere");
    setenv("FW_SECRETS_DIR", dir, 1);
    if (CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        CHECK_TOKEN(a, NULL);
        if (CHECK_OK(fw_auth_save_token(a, "dir_fake_token", NULL, NULL, 0, &err), err)) {
            CHECK_FILE(th_join(file, sizeof file, dir, "chunkedgraph-secret.json"),
                       "{\"token\": \"dir_fake_token\"}");
            CHECK_MODE(dir, 0700);
        }
    }
    fw_auth_free(a);
    a = NULL;
    unsetenv("FW_SECRETS_DIR");

    /* $FW_SECRETS_LAYOUT chooses the layout; a wrong value is refused. */
    setenv("FW_SECRETS_LAYOUT", "cave", 1);
    if (CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        CHECK_RESULT(FW_OK, fw_auth_layout(a, &layout, NULL));
        CHECK(layout == FW_LAYOUT_CAVE);
    }
    fw_auth_free(a);
    a = NULL;
    setenv("FW_SECRETS_LAYOUT", "Cave", 1);
    CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_auth_new(NULL, &a, &err), err);
    CLEAR_ERR(err);
    unsetenv("FW_SECRETS_LAYOUT");

out:
    fw_auth_free(a);
    th_home_leave(&h);
}

void test_bad_values(void) {
    th_home h;
    fw_error *err = NULL;
    fw_options *o = NULL;
    fw_auth *a = NULL;
    if (!th_home_enter(&h)) {
        return;
    }
    if (!CHECK_RESULT(FW_OK, fw_options_new(&o, NULL)) || !CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        goto out;
    }
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_layout(o, 2, NULL));
    /* 0 in a timeout or delay: the default. */
    CHECK_RESULT(FW_OK, fw_options_set_timeout_ms(o, 0, 1000, NULL));
    CHECK_RESULT(FW_OK, fw_options_set_timeout_ms(o, 1000, 0, NULL));
    CHECK_RESULT(FW_OK, fw_options_set_retry_base_delay_ms(o, 0, NULL));
    /* A trusted origin is checked at its setter, as the server address is. */
    CHECK_RESULT(FW_OK, fw_options_add_trusted_origin(o, "https://other.example:8443", NULL));
    CHECK_RESULT(FW_OK, fw_options_add_trusted_origin(o, "other.example", NULL));
    CHECK_RESULT(FW_ERR_INVALID_URL, fw_options_add_trusted_origin(o, "ftp://other.example", NULL));
    CHECK_RESULT(FW_ERR_INVALID_URL, fw_options_add_trusted_origin(o, "https://", NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_add_trusted_origin(o, "", NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_max_body_bytes(o, 0, NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_token_file(o, "", NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_token_key(o, "", NULL));
    CHECK_RESULT(FW_OK, fw_options_set_max_retries(o, 0, NULL));
    CHECK_RESULT(FW_OK, fw_options_set_allow_insecure_http(o, false, NULL));
    /* A proxy is "none" or an http(s) URL; SOCKS and the rest are refused. */
    CHECK_RESULT(FW_OK, fw_options_set_proxy(o, "none", NULL));
    CHECK_RESULT(FW_OK, fw_options_set_proxy(o, "NONE", NULL));
    CHECK_RESULT(FW_OK, fw_options_set_proxy(o, "http://user:pw@127.0.0.1:3128", NULL));
    CHECK_RESULT(FW_OK, fw_options_set_proxy(o, "https://proxy.example:443", NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_proxy(o, "", NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_proxy(o, "socks5://127.0.0.1:1080", NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_proxy(o, "ftp://proxy.example", NULL));
    CHECK_RESULT(FW_ERR_INVALID_ARGUMENT, fw_options_set_proxy(o, "proxy.example:3128", NULL));
    /* An unknown save flag is refused before anything is written. */
    CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_auth_save_token(a, "fake_token_123", NULL, NULL, 1u << 10, &err), err);
    CLEAR_ERR(err);
    /* Nothing to save: no token given and none in use. */
    CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_auth_save_token(a, NULL, NULL, NULL, 0, &err), err);
    CLEAR_ERR(err);
    CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_auth_save_token(a, "fake_token_123", "", NULL, 0, &err), err);
    CLEAR_ERR(err);
    CHECK(!th_exists(h.secrets));

out:
    fw_auth_free(a);
    fw_options_free(o);
    th_home_leave(&h);
}

/* Every code of the enum: FW_OK and the header's own list (FW_ERRORS). */
void test_result_names(void) {
    uint32_t known[] = {
        FW_OK,
#define AS_CODE(code, stem) code,
        FW_ERRORS(AS_CODE)
#undef AS_CODE
    };
    CHECK_STR(fw_result_name(FW_OK), "FW_OK");
#define CHECK_NAME(code, stem) CHECK_STR(fw_result_name(code), #code);
    FW_ERRORS(CHECK_NAME)
#undef CHECK_NAME
    /* Every other number in 0..1000 is unknown. */
    size_t unknown_ok = 0, unknown = 0;
    for (uint32_t n = 0; n <= 1000; n++) {
        bool is_known = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
            is_known = is_known || known[i] == n;
        }
        if (!is_known) {
            unknown++;
            const char *name = fw_result_name(n);
            unknown_ok += name != NULL && strcmp(name, "FW_UNKNOWN_RESULT") == 0;
        }
    }
    CHECK(unknown_ok == unknown);
    CHECK_STR(fw_result_name(UINT32_MAX), "FW_UNKNOWN_RESULT");
    CHECK(FW_OK == 0);
}

/* Every token source of the header, by name (enum fw_token_source). */
#define FW_ALL_SOURCES(X)                                                                          \
    X(FW_SOURCE_NONE)                                                                              \
    X(FW_SOURCE_EXPLICIT)                                                                          \
    X(FW_SOURCE_ENV)                                                                               \
    X(FW_SOURCE_FILE)                                                                              \
    X(FW_SOURCE_ENV_CAVE_TOKEN)                                                                    \
    X(FW_SOURCE_ENV_TOKEN_FILE)                                                                    \
    X(FW_SOURCE_ENV_CAVE_TOKEN_FILE)

void test_token_source_names(void) {
    fw_token_source known[] = {
#define AS_SOURCE(source) source,
        FW_ALL_SOURCES(AS_SOURCE)
#undef AS_SOURCE
    };
#define CHECK_SOURCE_NAME(source) CHECK_STR(fw_token_source_name(source), #source);
    FW_ALL_SOURCES(CHECK_SOURCE_NAME)
#undef CHECK_SOURCE_NAME
    size_t count = sizeof known / sizeof known[0];
    /* Every number past the last one is unknown, and the string is static. */
    for (uint32_t n = (uint32_t)count; n <= 1000; n++) {
        CHECK_STR(fw_token_source_name(n), "FW_UNKNOWN_SOURCE");
    }
    CHECK_STR(fw_token_source_name(UINT32_MAX), "FW_UNKNOWN_SOURCE");
    CHECK(fw_token_source_name(FW_SOURCE_ENV) == fw_token_source_name(FW_SOURCE_ENV));

    /* What a program prints for the token in use. */
    th_home h;
    fw_auth *a = NULL;
    fw_error *err = NULL;
    fw_token_source kind = 99;
    if (!th_home_enter(&h)) {
        return;
    }
    setenv("FW_AUTH_TOKEN", "fake_token_123", 1);
    if (CHECK_OK(fw_auth_new(NULL, &a, &err), err) &&
        CHECK_OK(fw_auth_token_source(a, &kind, NULL, NULL, &err), err)) {
        CHECK_STR(fw_token_source_name(kind), "FW_SOURCE_ENV");
    }
    unsetenv("FW_AUTH_TOKEN");
    fw_auth_free(a);
    th_home_leave(&h);
}

void test_version(void) {
    char want[64];
    const char *v = fw_version();
    CHECK(v != NULL && v[0] != '\0');
    CHECK_STR(v, FW_VERSION_STRING);
    snprintf(want, sizeof want, "%d.%d.%d", FW_VERSION_MAJOR, FW_VERSION_MINOR, FW_VERSION_PATCH);
    CHECK_STR(FW_VERSION_STRING, want);
    CHECK(FW_VERSION_NUMBER == ((FW_VERSION_MAJOR << 16) | (FW_VERSION_MINOR << 8) | FW_VERSION_PATCH));
    CHECK(fw_version() == v); /* static */
}

void test_error_accessors(void) {
    size_t len = 7;
    fw_error *err = NULL;
    fw_options *o = NULL;

    /* On NULL: documented defaults, no crash. */
    CHECK(fw_error_message(NULL) == NULL);
    CHECK(fw_error_code(NULL) == FW_ERR_INVALID_ARGUMENT);
    CHECK(fw_error_http_status(NULL) == 0);
    CHECK(fw_error_server_id(NULL) == NULL);
    CHECK(fw_error_url(NULL) == NULL);
    CHECK(fw_error_tos_form_url(NULL) == NULL);
    CHECK(fw_error_body(NULL, &len) == NULL);
    CHECK(len == 0);
    fw_error_free(NULL);

    /* A local (not HTTP) error: code and message, no server detail. */
    if (CHECK_RESULT(FW_OK, fw_options_new(&o, NULL)) &&
        CHECK_RC(FW_ERR_INVALID_ARGUMENT, fw_auth_new(o, NULL, &err), err)) {
        CHECK(fw_error_code(err) == FW_ERR_INVALID_ARGUMENT);
        CHECK(fw_error_message(err) != NULL && fw_error_message(err)[0] != '\0');
        CHECK(fw_error_message(err) == fw_error_message(err)); /* borrowed, stable */
        CHECK(fw_error_http_status(err) == 0);
        CHECK(fw_error_server_id(err) == NULL);
        CHECK(fw_error_url(err) == NULL);
        CHECK(fw_error_tos_form_url(err) == NULL);
        len = 7;
        CHECK(fw_error_body(err, &len) == NULL); /* no answer, no body */
        CHECK(len == 0);
        CHECK(fw_error_body(err, NULL) == NULL);
    }
    CLEAR_ERR(err);
    fw_options_free(o);
}
