/*
 * The token lookup conventions of other tools, seen from C: $CAVE_TOKEN,
 * $FW_AUTH_TOKEN_FILE / $CAVE_TOKEN_FILE (fw_auth_token_source says which),
 * $CLOUD_VOLUME_DIR, and the fw_auth_diagnose report.
 */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "tests.h"

void test_token_lookup_conventions(void) {
    th_home h;
    fw_error *err = NULL;
    fw_auth *a = NULL;
    char file[TH_PATH_MAX], fw_file[TH_PATH_MAX], cave_file[TH_PATH_MAX], cv[TH_PATH_MAX];
    if (!th_home_enter(&h)) {
        return;
    }
    th_join(file, sizeof file, h.secrets, "chunkedgraph-secret.json");
    th_join(fw_file, sizeof fw_file, h.dir, "fw-token");
    th_join(cave_file, sizeof cave_file, h.dir, "cave-token");
    if (!CHECK(th_mkdirs(h.secrets, 0700)) ||
        !CHECK(th_write_file(file, "{\"token\": \"file_fake_token\"}", 0600)) ||
        !CHECK(th_write_file(fw_file, "fw_file_fake_token\n", 0600)) ||
        !CHECK(th_write_file(cave_file, "cave_file_fake_token\r\n", 0600))) {
        goto out;
    }

    /* $CAVE_TOKEN beats both token file variables and the secret files. */
    setenv("CAVE_TOKEN", "cave_env_fake_token", 1);
    setenv("FW_AUTH_TOKEN_FILE", fw_file, 1);
    setenv("CAVE_TOKEN_FILE", cave_file, 1);
    if (CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        CHECK_TOKEN(a, "cave_env_fake_token");
        CHECK_SOURCE(a, FW_SOURCE_ENV_CAVE_TOKEN, NULL, NULL);
    }
    fw_auth_free(a);
    a = NULL;
    unsetenv("CAVE_TOKEN");

    /* $FW_AUTH_TOKEN_FILE beats $CAVE_TOKEN_FILE; the newline is stripped. */
    if (CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        CHECK_TOKEN(a, "fw_file_fake_token");
        CHECK_SOURCE(a, FW_SOURCE_ENV_TOKEN_FILE, fw_file, NULL);
    }
    fw_auth_free(a);
    a = NULL;
    unsetenv("FW_AUTH_TOKEN_FILE");

    if (CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        CHECK_TOKEN(a, "cave_file_fake_token");
        CHECK_SOURCE(a, FW_SOURCE_ENV_CAVE_TOKEN_FILE, cave_file, NULL);
        /* The report names the winner and never shows a token. */
        char *json = NULL;
        if (CHECK_OK(fw_auth_diagnose(a, &json, &err), err)) {
            CHECK_CONTAINS(json, "\"place\":\"$CAVE_TOKEN_FILE\"");
            CHECK_CONTAINS(json, "\"wins\":true");
            CHECK_CONTAINS(json, "\"tool\":\"caveclient\"");
            CHECK(strstr(json, "fake_token") == NULL);
        }
        fw_string_free(json);
    }
    fw_auth_free(a);
    a = NULL;

    /* A token file that is not there: the error names the variable, at use. */
    unlink(cave_file);
    if (CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        char *tok = NULL;
        if (CHECK_RC(FW_ERR_SECRET_FILE, fw_auth_token(a, &tok, &err), err)) {
            CHECK_CONTAINS(fw_error_message(err), "$CAVE_TOKEN_FILE");
            CHECK_CONTAINS(fw_error_message(err), "does not exist");
        }
        CLEAR_ERR(err);
        fw_string_free(tok);
    }
    fw_auth_free(a);
    a = NULL;
    unsetenv("CAVE_TOKEN_FILE");

    /* $CLOUD_VOLUME_DIR/secrets is cloud-volume's secrets directory. */
    th_join(cv, sizeof cv, h.dir, "cv");
    setenv("CLOUD_VOLUME_DIR", cv, 1);
    if (CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        CHECK_TOKEN(a, NULL);
        if (CHECK_OK(fw_auth_save_token(a, "cv_fake_token", NULL, NULL, 0, &err), err)) {
            CHECK_FILE(th_join(file, sizeof file, cv, "secrets/chunkedgraph-secret.json"),
                       "{\"token\": \"cv_fake_token\"}");
        }
    }
    fw_auth_free(a);
    a = NULL;
    unsetenv("CLOUD_VOLUME_DIR");
out:
    th_home_leave(&h);
}
