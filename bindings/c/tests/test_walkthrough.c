/*
 * The seed walkthrough (reference/authentication-service.rst), step by
 * step, against a fresh temporary HOME; then what the walkthrough says in
 * passing: saving refuses an existing key, another file and key can be
 * used, and a client's auth is shared live.
 */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "tests.h"

#define DATASTACK "minnie65_public"
#define SEED_FILE ".cloudvolume" TH_SEP "secrets" TH_SEP "chunkedgraph-secret.json"

void test_seed_walkthrough(void) {
    th_home h;
    fw_error *err = NULL;
    fw_client *client = NULL, *client2 = NULL, *client_direct = NULL;
    fw_auth *auth = NULL, *auth2 = NULL, *auth_direct = NULL;
    fw_options *o = NULL;
    char *s = NULL;
    char file[TH_PATH_MAX], dir[TH_PATH_MAX];
    if (!th_home_enter(&h)) {
        return;
    }
    th_join(file, sizeof file, h.dir, SEED_FILE);

    /* client = FrameworkClient(dataset_name); auth = client.auth */
    if (!CHECK_OK(fw_client_new(DATASTACK, NULL, &client, &err), err) ||
        !CHECK_RESULT(FW_OK, fw_client_auth(client, &auth, NULL))) {
        goto out;
    }
    /* print(f"My current token is: {auth.token}")  ->  None */
    CHECK_TOKEN(auth, NULL);
    CHECK_SOURCE(auth, FW_SOURCE_NONE, NULL, NULL);
    CHECK_OK(fw_auth_request_header(auth, &s, &err), err);
    CHECK_STR(s, NULL);
    CLEAR_STR(s);
    /* Creating a client reads files and creates nothing. */
    CHECK(!th_exists(th_join(dir, sizeof dir, h.dir, ".cloudvolume")));

    /* auth.get_new_token() */
    if (CHECK_OK(fw_auth_new_token_instructions(auth, &s, &err), err)) {
        CHECK_CONTAINS(s, "https://global.daf-apis.com/auth/api/v1/create_token");
        CHECK_CONTAINS(s, "fw_auth_save_token");
        CHECK_NOT_CONTAINS(s, "refresh_token");
    }
    CLEAR_STR(s);

    /* auth.save_token(token='fake_token_123'); print(f"My token is now: {auth.token}") */
    if (!CHECK_OK(fw_auth_save_token(auth, "fake_token_123", NULL, NULL, 0, &err), err)) {
        goto out;
    }
    CHECK_TOKEN(auth, "fake_token_123");
    CHECK_SOURCE(auth, FW_SOURCE_FILE, file, "token");
    /* "Try opening ~/.cloudvolume/secrets/chunkedgraph-secret.json" */
    CHECK_FILE(file, "{\"token\": \"fake_token_123\"}");
    CHECK_MODE(file, 0600);
    CHECK_MODE(h.secrets, 0700);
    CHECK_MODE(th_join(dir, sizeof dir, h.dir, ".cloudvolume"), 0700);
    /* Only the token file: no temporary or lock file left behind. */
    CHECK(th_count_entries(h.secrets) == 1);

    /* client = FrameworkClient(dataset_name); print(f"Now my basic token is: ...") */
    if (CHECK_OK(fw_client_new(DATASTACK, NULL, &client2, &err), err) &&
        CHECK_RESULT(FW_OK, fw_client_auth(client2, &auth2, NULL))) {
        CHECK_TOKEN(auth2, "fake_token_123");
        CHECK_SOURCE(auth2, FW_SOURCE_FILE, file, "token");
        CHECK_OK(fw_auth_request_header(auth2, &s, &err), err);
        CHECK_STR(s, "Bearer fake_token_123");
        CLEAR_STR(s);
    }

    /* client_direct = FrameworkClient(dataset_name, auth_token='another_fake_token_678') */
    if (CHECK_RESULT(FW_OK, fw_options_new(&o, NULL)) &&
        CHECK_RESULT(FW_OK, fw_options_set_token(o, "another_fake_token_678", NULL)) &&
        CHECK_OK(fw_client_new(DATASTACK, o, &client_direct, &err), err)) {
        /* The options may go as soon as the client exists. */
        fw_options_free(o);
        o = NULL;
        if (CHECK_RESULT(FW_OK, fw_client_auth(client_direct, &auth_direct, NULL))) {
            CHECK_TOKEN(auth_direct, "another_fake_token_678");
            CHECK_SOURCE(auth_direct, FW_SOURCE_EXPLICIT, NULL, NULL);
        }
    }
    /* The direct token touched neither the file nor the other clients. */
    CHECK_FILE(file, "{\"token\": \"fake_token_123\"}");
    CHECK_TOKEN(auth2, "fake_token_123");

out:
    fw_options_free(o);
    fw_auth_free(auth_direct);
    fw_client_free(client_direct);
    fw_auth_free(auth2);
    fw_client_free(client2);
    fw_auth_free(auth);
    fw_client_free(client);
    th_home_leave(&h);
}

void test_instructions_and_urls(void) {
    fw_error *err = NULL;
    fw_auth *a = NULL;
    fw_options *o = NULL;
    char *s = NULL;
    th_home h;
    if (!th_home_enter(&h)) {
        return;
    }
    if (CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        CHECK_OK(fw_auth_new_token_url(a, &s, &err), err);
        CHECK_STR(s, "https://global.daf-apis.com/auth/api/v1/create_token");
        CLEAR_STR(s);
        CHECK_OK(fw_auth_token_page_url(a, &s, &err), err);
        CHECK_STR(s, "https://global.daf-apis.com/sticky_auth/settings/tokens");
        CLEAR_STR(s);
        if (CHECK_OK(fw_auth_new_token_instructions(a, &s, &err), err)) {
            CHECK_CONTAINS(s, "https://global.daf-apis.com/auth/api/v1/create_token");
            CHECK_CONTAINS(s, "https://global.daf-apis.com/sticky_auth/settings/tokens");
            CHECK_CONTAINS(s, "fw_auth_save_token(auth, \"PASTE_YOUR_TOKEN_HERE\"");
            CHECK_CONTAINS(s, "fw_auth_set_token(auth, \"PASTE_YOUR_TOKEN_HERE\"");
            CHECK_NOT_CONTAINS(s, "refresh_token");
        }
        CLEAR_STR(s);
    }
    fw_auth_free(a);
    a = NULL;

    /* Another server is used verbatim, as by the Python clients. */
    if (CHECK_RESULT(FW_OK, fw_options_new(&o, NULL)) &&
        CHECK_RESULT(FW_OK, fw_options_set_server_address(o, "https://auth.example.org", NULL)) &&
        CHECK_OK(fw_auth_new(o, &a, &err), err)) {
        CHECK_OK(fw_auth_new_token_url(a, &s, &err), err);
        CHECK_STR(s, "https://auth.example.org/auth/api/v1/create_token");
        CLEAR_STR(s);
        CHECK_OK(fw_auth_token_page_url(a, &s, &err), err);
        CHECK_STR(s, "https://auth.example.org/sticky_auth/settings/tokens");
        CLEAR_STR(s);
    }
    fw_auth_free(a);
    fw_options_free(o);
    th_home_leave(&h);
}

void test_save_refuses_existing_key(void) {
    th_home h;
    fw_error *err = NULL;
    fw_auth *a = NULL;
    char file[TH_PATH_MAX], want[2 * TH_PATH_MAX];
    if (!th_home_enter(&h)) {
        return;
    }
    th_join(file, sizeof file, h.dir, SEED_FILE);
    if (!CHECK_OK(fw_auth_new(NULL, &a, &err), err) ||
        !CHECK_OK(fw_auth_save_token(a, "fake_token_123", NULL, NULL, 0, &err), err)) {
        goto out;
    }
    snprintf(want, sizeof want, "Key \"token\" already exists in token file \"%s\"", file);

    /* Another token, and even the same one (as caveclient), are refused. */
    const char *again[] = {"fake_token_456", "fake_token_123"};
    for (size_t i = 0; i < sizeof again / sizeof again[0]; i++) {
        if (CHECK_RC(FW_ERR_TOKEN_EXISTS, fw_auth_save_token(a, again[i], NULL, NULL, 0, &err), err)) {
            CHECK(fw_error_code(err) == FW_ERR_TOKEN_EXISTS);
            /* caveclient's words for the problem, then the fix in C's. */
            CHECK_STR(fw_error_problem(err), want);
            CHECK(strncmp(fw_error_message(err), want, strlen(want)) == 0);
            CHECK_STR(fw_error_message(err) + strlen(want),
                      "; to replace it, call fw_auth_save_token with FW_SAVE_OVERWRITE");
            CHECK(fw_error_remedy(err) == FW_REMEDY_OVERWRITE);
            CHECK(fw_error_remedy_data(err) == NULL);
            CHECK(fw_error_http_status(err) == 0);
        }
        CLEAR_ERR(err);
        CHECK_FILE(file, "{\"token\": \"fake_token_123\"}");
        CHECK_TOKEN(a, "fake_token_123");
    }
    /* Without an error slot the refusal is the same. */
    CHECK_RESULT(FW_ERR_TOKEN_EXISTS, fw_auth_save_token(a, "fake_token_456", NULL, NULL, 0, NULL));
    CHECK_FILE(file, "{\"token\": \"fake_token_123\"}");

    /* caveclient's overwrite=True */
    CHECK_OK(fw_auth_save_token(a, "fake_token_456", NULL, NULL, FW_SAVE_OVERWRITE, &err), err);
    CHECK_FILE(file, "{\"token\": \"fake_token_456\"}");
    CHECK_MODE(file, 0600);
    CHECK_TOKEN(a, "fake_token_456");
    CHECK_SOURCE(a, FW_SOURCE_FILE, file, "token");
    CHECK(th_count_entries(h.secrets) == 1);

out:
    fw_auth_free(a);
    th_home_leave(&h);
}

void test_custom_file_and_key(void) {
    th_home h;
    fw_error *err = NULL;
    fw_auth *a = NULL, *b = NULL, *tilde = NULL;
    char file[TH_PATH_MAX], dir[TH_PATH_MAX];
    if (!th_home_enter(&h)) {
        return;
    }
    th_join(file, sizeof file, h.dir, "custom" TH_SEP "tok.json");
    if (!CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        goto out;
    }
    if (CHECK_OK(fw_auth_save_token(a, "custom_fake_token_1", "mykey", file, 0, &err), err)) {
        CHECK_FILE(file, "{\"mykey\": \"custom_fake_token_1\"}");
        CHECK_MODE(file, 0600);
        CHECK_MODE(th_join(dir, sizeof dir, h.dir, "custom"), 0700);
        /* The default file is not written. */
        CHECK(!th_exists(th_join(dir, sizeof dir, h.dir, ".cloudvolume")));
        CHECK_TOKEN(a, "custom_fake_token_1");
        CHECK_SOURCE(a, FW_SOURCE_FILE, file, "mykey");
    }

    /* Read back with the same file and key. */
    b = th_auth_for_file(file, "mykey");
    if (CHECK(b != NULL)) {
        CHECK_TOKEN(b, "custom_fake_token_1");
        CHECK_SOURCE(b, FW_SOURCE_FILE, file, "mykey");
    }
    /* `~` is expanded. */
    tilde = th_auth_for_file("~" TH_SEP "custom" TH_SEP "tok.json", "mykey");
    if (CHECK(tilde != NULL)) {
        CHECK_TOKEN(tilde, "custom_fake_token_1");
        CHECK_SOURCE(tilde, FW_SOURCE_FILE, file, "mykey");
    }
    fw_auth_free(b);
    b = NULL;
    /* The same file under the default key holds nothing. */
    b = th_auth_for_file(file, NULL);
    if (CHECK(b != NULL)) {
        CHECK_TOKEN(b, NULL);
        CHECK_SOURCE(b, FW_SOURCE_NONE, NULL, NULL);
    }

    /* A second key is added after the first, which keeps its place. */
    if (CHECK_OK(fw_auth_save_token(a, "custom_fake_token_2", "token", file, 0, &err), err)) {
        CHECK_FILE(file, "{\"mykey\": \"custom_fake_token_1\", \"token\": \"custom_fake_token_2\"}");
    }

out:
    fw_auth_free(tilde);
    fw_auth_free(b);
    fw_auth_free(a);
    th_home_leave(&h);
}

void test_cave_layout(void) {
    th_home h;
    fw_error *err = NULL;
    fw_options *o = NULL;
    fw_auth *a = NULL, *b = NULL;
    uint32_t layout = 99;
    char *s = NULL;
    char server_file[TH_PATH_MAX], cave_file[TH_PATH_MAX], path[TH_PATH_MAX];
    if (!th_home_enter(&h)) {
        return;
    }
    th_join(server_file, sizeof server_file, h.secrets, "global.daf-apis.com-cave-secret.json");
    th_join(cave_file, sizeof cave_file, h.secrets, "cave-secret.json");
    if (!CHECK_RESULT(FW_OK, fw_options_new(&o, NULL)) ||
        !CHECK_RESULT(FW_OK, fw_options_set_layout(o, FW_LAYOUT_CAVE, NULL)) ||
        !CHECK_OK(fw_auth_new(o, &a, &err), err)) {
        goto out;
    }
    CHECK_RESULT(FW_OK, fw_auth_layout(a, &layout, NULL));
    CHECK(layout == FW_LAYOUT_CAVE);
    CHECK_OK(fw_auth_token_file(a, &s, &err), err);
    CHECK_STR(s, cave_file);
    CLEAR_STR(s);
    CHECK_TOKEN(a, NULL);

    if (CHECK_OK(fw_auth_save_token(a, "cave_fake_token_1", NULL, NULL, 0, &err), err)) {
        CHECK_FILE(server_file, "{\"token\": \"cave_fake_token_1\"}");
        CHECK_FILE(cave_file, "{\"token\": \"cave_fake_token_1\"}");
        CHECK_MODE(server_file, 0600);
        CHECK_MODE(cave_file, 0600);
        CHECK(!th_exists(th_join(path, sizeof path, h.secrets, "chunkedgraph-secret.json")));
        CHECK(th_count_entries(h.secrets) == 2);
        CHECK_TOKEN(a, "cave_fake_token_1");
        CHECK_SOURCE(a, FW_SOURCE_FILE, cave_file, "token");
    }

    /* With no layout chosen, a directory holding only caveclient's files
     * is read the caveclient way: the server file first. */
    if (CHECK_OK(fw_auth_new(NULL, &b, &err), err)) {
        CHECK_RESULT(FW_OK, fw_auth_layout(b, &layout, NULL));
        CHECK(layout == FW_LAYOUT_CAVE);
        CHECK_TOKEN(b, "cave_fake_token_1");
        CHECK_SOURCE(b, FW_SOURCE_FILE, server_file, "token");
    }

out:
    fw_auth_free(b);
    fw_auth_free(a);
    fw_options_free(o);
    th_home_leave(&h);
}

void test_token_shared_live(void) {
    th_home h;
    fw_error *err = NULL;
    fw_client *c = NULL;
    fw_auth *a1 = NULL, *a2 = NULL;
    char file[TH_PATH_MAX];
    if (!th_home_enter(&h)) {
        return;
    }
    th_join(file, sizeof file, h.dir, SEED_FILE);
    if (!CHECK_OK(fw_client_new(DATASTACK, NULL, &c, &err), err) ||
        !CHECK_RESULT(FW_OK, fw_client_auth(c, &a1, NULL)) ||
        !CHECK_RESULT(FW_OK, fw_client_auth(c, &a2, NULL))) {
        goto out;
    }
    CHECK_TOKEN(a2, NULL);
    if (CHECK_OK(fw_auth_set_token(a1, "live_fake_token_1", &err), err)) {
        CHECK_TOKEN(a2, "live_fake_token_1");
        CHECK_SOURCE(a2, FW_SOURCE_EXPLICIT, NULL, NULL);
        /* set_token writes no file. */
        CHECK(!th_exists(file));
    }
    /* A save through one reference is seen through the other... */
    if (CHECK_OK(fw_auth_save_token(a2, "live_fake_token_2", NULL, NULL, 0, &err), err)) {
        CHECK_TOKEN(a1, "live_fake_token_2");
        CHECK_SOURCE(a1, FW_SOURCE_FILE, file, "token");
    }
    /* ...and the auth outlives the client and the other reference. */
    fw_auth_free(a1);
    a1 = NULL;
    fw_client_free(c);
    c = NULL;
    CHECK_TOKEN(a2, "live_fake_token_2");
    CHECK_OK(fw_auth_set_token(a2, "live_fake_token_3", &err), err);
    CHECK_TOKEN(a2, "live_fake_token_3");

out:
    fw_auth_free(a2);
    fw_auth_free(a1);
    fw_client_free(c);
    th_home_leave(&h);
}
