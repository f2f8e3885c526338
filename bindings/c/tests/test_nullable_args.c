/*
 * The parameters documented as nullable, given NULL, do what their
 * documentation says. (NULL where a pointer is required is the generated
 * test's: gen-null-tests.py writes it from the header, for every function,
 * and `make test-c` runs it.)
 */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "tests.h"

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
