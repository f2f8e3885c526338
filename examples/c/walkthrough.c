/*
 * The "Authentication Service" walkthrough of the annotation-framework
 * client, in C: see whether a token is saved, read how to get one, save
 * one, and see a new client pick it up or use a token given directly.
 *
 *   walkthrough [DATASTACK [SERVER]]   (default: minnie65_public, and
 *                                       $FW_DEVSERVER_URL if set)
 *
 * Given a server (such as fw-devserver), every client talks to it, and the
 * walkthrough goes on to what the seed's last sentence promises: the token
 * is applied to the services' requests without further work. It then shows
 * what a program sees with no token and with a wrong one.
 *
 * It writes ~/.cloudvolume/secrets/chunkedgraph-secret.json, as the Python
 * walkthrough does: run it with HOME pointing at a scratch directory
 * (`make demo` does) unless you mean to save the fake token for real.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwclient.h"

/* Reports a failed call with its fw_error, and frees the error. */
static int failed(const char *what, fw_result rc, fw_error *err) {
    fprintf(stderr, "walkthrough: %s failed: %s: %s\n", what, fw_result_name(rc),
            err != NULL && fw_error_message(err) != NULL ? fw_error_message(err) : "(no detail)");
    fw_error_free(err);
    return 0;
}

/* Runs `call`, which takes `&err` last; on failure reports it and jumps out. */
#define TRY(call)                                                                                  \
    do {                                                                                           \
        fw_error *err = NULL;                                                                      \
        fw_result rc_ = (call);                                                                    \
        if (rc_ != FW_OK) {                                                                        \
            failed(#call, rc_, err);                                                               \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)

/* Prints `label` and the token of `auth` ("None" when there is none, as
 * Python prints it). */
static int print_token(const char *label, const fw_auth *auth) {
    fw_error *err = NULL;
    char *token = NULL;
    fw_result rc = fw_auth_token(auth, &token, &err);
    if (rc != FW_OK) {
        return failed("fw_auth_token", rc, err);
    }
    printf("%s%s\n", label, token != NULL ? token : "None");
    fw_string_free(token);
    return 1;
}

/* Options for a client: the server, when one is given. */
static fw_result server_options(const char *server, fw_options **out) {
    fw_result rc = fw_options_new(out, NULL);
    if (rc == FW_OK && server != NULL) {
        rc = fw_options_set_server_address(*out, server, NULL);
    }
    return rc;
}

/* Fetches the datastack's info and says what came back: the local server,
 * or the error a program would act on. */
static void show_info(const char *label, fw_client *client) {
    fw_error *err = NULL;
    char *json = NULL;
    fw_result rc = fw_client_datastack_info(client, &json, &err);
    if (rc == FW_OK) {
        char *local = NULL;
        if (fw_client_local_server(client, &local, NULL) == FW_OK) {
            printf("%s: datastack info fetched (%zu bytes of JSON), local server %s\n", label,
                   strlen(json), local);
        }
        fw_string_free(local);
        fw_string_free(json);
        return;
    }
    printf("%s: %s (HTTP %u, server says \"%s\")\n    %s\n", label, fw_result_name(rc),
           (unsigned)fw_error_http_status(err),
           fw_error_server_id(err) != NULL ? fw_error_server_id(err) : "-", fw_error_message(err));
    fw_error_free(err);
}

int main(int argc, char **argv) {
    const char *datastack = argc > 1 ? argv[1] : "minnie65_public";
    const char *server = argc > 2 ? argv[2] : getenv("FW_DEVSERVER_URL");
    if (server != NULL && server[0] == '\0') {
        server = NULL;
    }
    int status = EXIT_FAILURE;
    fw_client *client = NULL, *client_direct = NULL, *client_none = NULL;
    fw_auth *auth = NULL, *basic_auth = NULL, *direct_auth = NULL;
    fw_options *opts = NULL, *direct_opts = NULL, *none_opts = NULL;
    char *text = NULL;
    char empty_dir[4096];

    /* client = FrameworkClient(dataset_name) */
    TRY(server_options(server, &opts));
    TRY(fw_client_new(datastack, opts, &client, &err));

    /* auth = client.auth
     * print(f"My current token is: {auth.token}") */
    TRY(fw_client_auth(client, &auth, &err));
    if (!print_token("My current token is: ", auth)) {
        goto out;
    }

    /* auth.get_new_token() */
    TRY(fw_auth_new_token_instructions(auth, &text, &err));
    fputs(text, stdout);
    fw_string_free(text);
    text = NULL;

    /* new_token = 'fake_token_123'
     * auth.save_token(token=new_token)
     * print(f"My token is now: {auth.token}") */
    TRY(fw_auth_save_token(auth, "fake_token_123", NULL, NULL, 0, &err));
    if (!print_token("My token is now: ", auth)) {
        goto out;
    }
    TRY(fw_auth_token_file(auth, &text, &err));
    printf("(saved to %s)\n", text);
    fw_string_free(text);
    text = NULL;

    /* client = FrameworkClient(dataset_name)
     * print(f"Now my basic token is: {client.auth.token}") */
    fw_client_free(client);
    client = NULL;
    TRY(fw_client_new(datastack, opts, &client, &err));
    TRY(fw_client_auth(client, &basic_auth, &err));
    if (!print_token("Now my basic token is: ", basic_auth)) {
        goto out;
    }

    /* client_direct = FrameworkClient(dataset_name, auth_token='another_fake_token_678')
     * print(f"A directly specified token is: {client_direct.auth.token}") */
    TRY(server_options(server, &direct_opts));
    TRY(fw_options_set_token(direct_opts, "another_fake_token_678", &err));
    TRY(fw_client_new(datastack, direct_opts, &client_direct, &err));
    TRY(fw_client_auth(client_direct, &direct_auth, &err));
    if (!print_token("A directly specified token is: ", direct_auth)) {
        goto out;
    }

    if (server != NULL) {
        /* "If you use a FrameworkClient, the AuthClient and its token will be
         * automatically applied to any other services without further use." */
        printf("\nAgainst %s:\n", server);
        show_info("With the saved token", client);
        show_info("With another_fake_token_678", client_direct);
        /* A client that finds no token at all (an empty secrets directory). */
        snprintf(empty_dir, sizeof empty_dir, "%s/no-secrets-here",
                 getenv("HOME") != NULL ? getenv("HOME") : ".");
        TRY(server_options(server, &none_opts));
        TRY(fw_options_set_secrets_dir(none_opts, empty_dir, &err));
        TRY(fw_client_new(datastack, none_opts, &client_none, &err));
        show_info("With no token", client_none);
    }
    status = EXIT_SUCCESS;

out:
    fw_client_free(client_none);
    fw_options_free(none_opts);
    fw_options_free(opts);
    fw_string_free(text);
    fw_auth_free(direct_auth);
    fw_client_free(client_direct);
    fw_options_free(direct_opts);
    fw_auth_free(basic_auth);
    fw_auth_free(auth);
    fw_client_free(client);
    return status;
}
