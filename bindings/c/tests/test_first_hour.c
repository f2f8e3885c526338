/*
 * The dead ends of a new user's first hour (issue 13), each as the user met
 * it, through the C calls of the README: a broken secret file, instructions
 * that must work when followed, and server addresses typed as people type
 * them.
 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devserver.h"
#include "helpers.h"
#include "tests.h"

/* The name of the one entry of `dir` that starts with `prefix`, into buf. */
static bool find_entry(const char *dir, const char *prefix, char *buf, size_t size) {
    DIR *d = opendir(dir);
    bool found = false;
    if (d == NULL) {
        return false;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
            th_join(buf, size, dir, e->d_name);
            found = true;
        }
    }
    closedir(d);
    return found;
}

/* A token pasted into the file as it is, or JSON with a trailing comma:
 * fw_client_new works, the token's use says what the file should hold and
 * how to replace it, and the save it names moves the file aside and writes
 * a fresh one. */
void test_broken_secret_file_has_a_way_out(void) {
    static const char *const broken[] = {"fake_token_123\n", "{\"token\": \"fake_token_123\",}"};
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        th_home h;
        fw_error *err = NULL;
        fw_client *c = NULL;
        fw_auth *a = NULL;
        char *tok = NULL;
        char file[TH_PATH_MAX], kept[TH_PATH_MAX], prefix[TH_PATH_MAX];
        if (!th_home_enter(&h)) {
            return;
        }
        th_join(file, sizeof file, h.secrets, "chunkedgraph-secret.json");
        if (!CHECK(th_mkdirs(h.secrets, 0700)) || !CHECK(th_write_file(file, broken[i], 0640))) {
            th_home_leave(&h);
            continue;
        }
        if (CHECK_OK(fw_client_new("minnie65_public", NULL, &c, &err), err) &&
            CHECK_OK(fw_client_auth(c, &a, &err), err)) {
            if (CHECK_RC(FW_ERR_SECRET_FILE, fw_auth_token(a, &tok, &err), err)) {
                const char *m = fw_error_message(err);
                CHECK_CONTAINS(m, file);
                CHECK_CONTAINS(m, "is not valid JSON");
                /* A token pasted alone is called that, in plain words. */
                CHECK_CONTAINS(m, i == 0 ? "it holds a bare token, without the JSON object around it"
                                         : "expecting a property name in double quotes at line 1");
                CHECK_CONTAINS(m, "It should hold a JSON object such as {\"token\": \"<your token>\"}");
                CHECK_CONTAINS(m, "FW_SAVE_OVERWRITE | FW_SAVE_REPLACE_INVALID");
                CHECK_CONTAINS(m, ".invalid-<timestamp>");
                CHECK_NOT_CONTAINS(m, "fake_token_123");
            }
            CLEAR_ERR(err);
            /* Without the flag the save is refused and the file untouched. */
            CHECK_RC(FW_ERR_SECRET_FILE,
                     fw_auth_save_token(a, "fake_token_123", NULL, NULL, FW_SAVE_OVERWRITE, &err), err);
            CLEAR_ERR(err);
            CHECK_FILE(file, broken[i]);
            /* With it: kept beside, byte for byte and mode unchanged; a fresh file. */
            CHECK_OK(fw_auth_save_token(a, "fake_token_123", NULL, NULL,
                                        FW_SAVE_OVERWRITE | FW_SAVE_REPLACE_INVALID, &err),
                     err);
            CHECK_FILE(file, "{\"token\": \"fake_token_123\"}");
            CHECK_MODE(file, 0600);
            CHECK(th_count_entries(h.secrets) == 2);
            snprintf(prefix, sizeof prefix, "chunkedgraph-secret.json.invalid-");
            if (CHECK(find_entry(h.secrets, prefix, kept, sizeof kept))) {
                CHECK_FILE(kept, broken[i]);
                CHECK_MODE(kept, 0640);
            }
            CHECK_TOKEN(a, "fake_token_123");
        }
        fw_auth_free(a);
        fw_client_free(c);
        th_home_leave(&h);
    }
}

/* After a token is saved, get_new_token's C line carries FW_SAVE_OVERWRITE,
 * and doing exactly what it says succeeds. */
void test_instructions_work_when_a_token_is_saved(void) {
    th_home h;
    fw_error *err = NULL;
    fw_auth *a = NULL;
    char *how = NULL;
    char file[TH_PATH_MAX];
    if (!th_home_enter(&h)) {
        return;
    }
    if (CHECK_OK(fw_auth_new(NULL, &a, &err), err)) {
        if (CHECK_OK(fw_auth_new_token_instructions(a, &how, &err), err)) {
            CHECK_CONTAINS(how, "fw_auth_save_token(auth, \"PASTE_YOUR_TOKEN_HERE\", NULL, NULL, 0, &err);");
            CHECK_CONTAINS(how, "auth.SaveToken(\"PASTE_YOUR_TOKEN_HERE\", nil)");
            CHECK_CONTAINS(how, "Node:   fw_auth_save_token(auth, 'PASTE_YOUR_TOKEN_HERE', null, null, 0, null)");
        }
        CLEAR_STR(how);
        CHECK_OK(fw_auth_save_token(a, "fake_token_123", NULL, NULL, 0, &err), err);
        if (CHECK_OK(fw_auth_new_token_instructions(a, &how, &err), err)) {
            CHECK_CONTAINS(how, "fw_auth_save_token(auth, \"PASTE_YOUR_TOKEN_HERE\", NULL, NULL, "
                                "FW_SAVE_OVERWRITE, &err);");
            CHECK_CONTAINS(how, "o.overwrite = true; auth.save_token(\"PASTE_YOUR_TOKEN_HERE\", o);");
            CHECK_CONTAINS(how, "auth.SaveToken(\"PASTE_YOUR_TOKEN_HERE\", &fwclient.SaveOptions{Overwrite: true})");
            CHECK_CONTAINS(how, "Node:   fw_auth_save_token(auth, 'PASTE_YOUR_TOKEN_HERE', null, null, "
                                "1 /* FW_SAVE_OVERWRITE */, null)");
        }
        CLEAR_STR(how);
        /* As the instructions say, with the new token pasted in. */
        CHECK_RC(FW_ERR_TOKEN_EXISTS,
                 fw_auth_save_token(a, "another_fake_token_678", NULL, NULL, 0, &err), err);
        CLEAR_ERR(err);
        CHECK_OK(fw_auth_save_token(a, "another_fake_token_678", NULL, NULL, FW_SAVE_OVERWRITE, &err),
                 err);
        th_join(file, sizeof file, h.secrets, "chunkedgraph-secret.json");
        CHECK_FILE(file, "{\"token\": \"another_fake_token_678\"}");
    }
    fw_auth_free(a);
    th_home_leave(&h);
}

static char *server_of(const char *given, fw_result want) {
    fw_options *o = NULL;
    fw_client *c = NULL;
    fw_error *err = NULL;
    char *url = NULL;
    if (!CHECK_RESULT(FW_OK, fw_options_new(&o, NULL))) {
        return NULL;
    }
    if (want != FW_OK) {
        /* The setter's error names the address as given. */
        if (CHECK_RC(want, fw_options_set_server_address(o, given, &err), err)) {
            CHECK_CONTAINS(fw_error_message(err), "server address");
            CHECK_CONTAINS(fw_error_message(err), given);
        }
        CLEAR_ERR(err);
    } else if (CHECK_OK(fw_options_set_server_address(o, given, &err), err) &&
               CHECK_OK(fw_client_new(NULL, o, &c, &err), err)) {
        CHECK_OK(fw_client_server_address(c, &url, &err), err);
    }
    fw_client_free(c);
    fw_options_free(o);
    return url;
}

/* Addresses as typed: no scheme gets https:// (loopback too), a trailing
 * slash goes; a scheme that is not http(s) or a query is refused, and
 * $FW_SERVER_ADDRESS says the form to use. A trailing slash reaches the
 * server's routes, not `//info/...`. */
void test_server_addresses_as_typed(void) {
    static const struct {
        const char *given, *normal;
    } ok[] = {
        {"global.daf-apis.com", "https://global.daf-apis.com"},
        {"localhost:40481", "https://localhost:40481"},
        {"https://global.daf-apis.com/", "https://global.daf-apis.com"},
        {"http://127.0.0.1:8080/", "http://127.0.0.1:8080"},
    };
    static const char *const refused[] = {"ftp://h.org", "https://h.org/?x=1", "http:/h.org"};
    th_home h;
    th_devserver s;
    fw_error *err = NULL;
    fw_client *c = NULL;
    fw_options *o = NULL;
    char *json = NULL;
    char slash[300];
    if (!th_home_enter(&h)) {
        return;
    }
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char *url = server_of(ok[i].given, FW_OK);
        CHECK_STR(url, ok[i].normal);
        fw_string_free(url);
    }
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        fw_string_free(server_of(refused[i], FW_ERR_INVALID_URL));
    }
    setenv("FW_SERVER_ADDRESS", "ftp://h.org", 1);
    if (CHECK_RC(FW_ERR_INVALID_URL, fw_client_new(NULL, NULL, &c, &err), err)) {
        CHECK_CONTAINS(fw_error_message(err), "$FW_SERVER_ADDRESS");
        CHECK_CONTAINS(fw_error_message(err), "use \"https://h.org\"");
    }
    CLEAR_ERR(err);
    setenv("FW_SERVER_ADDRESS", "global.daf-apis.com/", 1);
    if (CHECK_OK(fw_client_new(NULL, NULL, &c, &err), err)) {
        char *url = NULL;
        CHECK_OK(fw_client_server_address(c, &url, &err), err);
        CHECK_STR(url, "https://global.daf-apis.com");
        fw_string_free(url);
    }
    fw_client_free(c);
    c = NULL;
    unsetenv("FW_SERVER_ADDRESS");
    if (th_devserver_start(&s)) {
        o = th_server_options(&s, "fake_token_123");
        snprintf(slash, sizeof slash, "%s/", s.url);
        if (o != NULL && CHECK_OK(fw_options_set_server_address(o, slash, &err), err) &&
            CHECK_OK(fw_client_new(NULL, o, &c, &err), err)) {
            if (CHECK_OK(fw_client_datastacks(c, &json, &err), err)) {
                CHECK_CONTAINS(json, "minnie65_public");
            }
            CLEAR_STR(json);
        }
        fw_client_free(c);
        fw_options_free(o);
        th_devserver_stop(&s);
    }
    th_home_leave(&h);
}
