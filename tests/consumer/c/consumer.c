/* A program of a user of the installed library: built with
 *   cc consumer.c $(pkg-config --cflags --libs fwclient)            (shared)
 *   cc consumer.c $(pkg-config --cflags fwclient) ... libfwclient.a  (static)
 * by tests/consumer/run.sh, and run as
 *   consumer SERVER_URL SECRETS_DIR
 * against fw-devserver: saves the seed token into the empty SECRETS_DIR,
 * reads a datastack's info and the user with it, and checks the error a
 * wrong token gives. Prints one line and exits 0 when all went as expected. */
#include <fwclient.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

static void expect(int cond, const char *what) {
    if (!cond) {
        fprintf(stderr, "consumer: FAILED: %s\n", what);
        failures++;
    }
}

static void expect_ok(fw_result rc, fw_error *err, const char *what) {
    if (rc != FW_OK) {
        fprintf(stderr, "consumer: FAILED: %s: %s: %s\n", what, fw_result_name(rc),
                err ? fw_error_message(err) : "(no error detail)");
        failures++;
    }
    fw_error_free(err);
}

static fw_options *options(const char *server, const char *secrets, const char *token) {
    fw_options *o = NULL;
    if (fw_options_new(&o, NULL) != FW_OK) {
        fprintf(stderr, "consumer: fw_options_new failed\n");
        exit(1);
    }
    expect(fw_options_set_server_address(o, server, NULL) == FW_OK, "set server");
    expect(fw_options_set_secrets_dir(o, secrets, NULL) == FW_OK, "set secrets dir");
    if (token) expect(fw_options_set_token(o, token, NULL) == FW_OK, "set token");
    return o;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: consumer SERVER_URL SECRETS_DIR\n");
        return 2;
    }
    const char *server = argv[1], *secrets = argv[2];
    fw_error *err = NULL;

    expect(strcmp(fw_version(), FW_VERSION_STRING) == 0, "library version == header version");

    fw_options *o = options(server, secrets, NULL);
    fw_client *client = NULL;
    expect_ok(fw_client_new("minnie65_public", o, &client, &err), err, "fw_client_new");
    err = NULL;
    fw_options_free(o);
    if (!client) return 1;

    fw_auth *auth = NULL;
    expect_ok(fw_client_auth(client, &auth, NULL), NULL, "fw_client_auth");
    char *token = NULL;
    expect_ok(fw_auth_token(auth, &token, &err), err, "fw_auth_token");
    err = NULL;
    expect(token == NULL, "no token in an empty secrets directory");
    fw_string_free(token);

    expect_ok(fw_auth_save_token(auth, "fake_token_123", NULL, NULL, 0, &err), err, "save");
    err = NULL;

    char *json = NULL;
    expect_ok(fw_client_datastack_info(client, &json, &err), err, "datastack info");
    err = NULL;
    expect(json && strstr(json, "\"local_server\"") != NULL, "datastack info has local_server");
    fw_string_free(json);
    json = NULL;
    expect_ok(fw_client_whoami(client, &json, &err), err, "whoami");
    err = NULL;
    expect(json && strstr(json, "Ada Lovelace") != NULL, "whoami names the seed user");
    fw_string_free(json);
    fw_auth_free(auth);
    fw_client_free(client);

    /* A wrong token: the server's answer becomes FW_ERR_INVALID_TOKEN. */
    o = options(server, secrets, "another_fake_token_678");
    client = NULL;
    expect_ok(fw_client_new(NULL, o, &client, &err), err, "fw_client_new (wrong token)");
    err = NULL;
    fw_options_free(o);
    json = NULL;
    fw_result rc = fw_client_whoami(client, &json, &err);
    expect(rc == FW_ERR_INVALID_TOKEN, "a wrong token gives FW_ERR_INVALID_TOKEN");
    expect(json == NULL, "no output on failure");
    expect(err != NULL && fw_error_http_status(err) == 401, "the error keeps HTTP 401");
    expect(err != NULL && strstr(fw_error_message(err), "another_fake_token_678") == NULL,
           "the token is not in the error message");
    fw_error_free(err);
    fw_client_free(client);

    if (failures) {
        fprintf(stderr, "consumer: %d check(s) failed\n", failures);
        return 1;
    }
    printf("consumer: ok (libfwclient %s)\n", fw_version());
    return 0;
}
