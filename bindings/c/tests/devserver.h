/*
 * fw-devserver for the C request tests: started by the test itself on
 * 127.0.0.1 with a free port, stopped by its PID.
 */
#ifndef FW_TEST_DEVSERVER_H
#define FW_TEST_DEVSERVER_H

#include <stdbool.h>
#include <sys/types.h>

#include "fwclient.h"
#include "helpers.h"

typedef struct th_devserver {
    pid_t pid;           /* 0 on Windows, where the server is shared */
    char url[256];       /* FW_DEVSERVER_URL */
    char other_url[256]; /* FW_DEVSERVER_OTHER_URL: a second, untrusted origin */
} th_devserver;

/* Starts $FW_DEVSERVER_BIN (the Makefile sets it) with --port 0 and reads
 * its two URL lines. Counts as a check. */
bool th_devserver_start(th_devserver *s);
/* Kills the server and waits for it. */
void th_devserver_stop(th_devserver *s);

/* th_home_enter, then th_devserver_start; false (with the home left again)
 * when either fails. Counts as checks. */
bool th_home_and_server_enter(th_home *home, th_devserver *s);

/* The server's count of accepted connections (GET /fault/connections
 * through `c`), -1 on failure. */
long th_devserver_connections(fw_client *c, const th_devserver *s);

/* Options with the server address (and the token, when not NULL) and an
 * empty secrets directory below HOME, so no saved token is found. */
fw_options *th_server_options(const th_devserver *s, const char *token);

#endif /* FW_TEST_DEVSERVER_H */
