/*
 * fwclient benchmarks measured from C. Run by the driver (benches/rust);
 * every mode prints "key value" lines the driver reads. Nothing here asserts
 * a time: a failed call (not a slow one) exits non-zero.
 *
 *   bench_c auth-calls SECRETS_DIR N ROUNDS
 *       fw_auth_token + fw_string_free, fw_auth_request_header +
 *       fw_string_free, and the bare alternative (strdup + free of the
 *       token), N calls per round: ns per call, one line per round.
 *   bench_c get URL SERVER N ROUNDS
 *       fw_client_get + fw_response_body + fw_response_free on one client,
 *       N calls per round after a warm-up: ns per call, one line per round.
 *   bench_c mem-requests URL SERVER N
 *       N requests on one client: resident size after the first 1,000, at
 *       every tenth of the run, and after the last.
 *   bench_c mem-clients N
 *       fw_client_new + fw_client_free N times: resident size likewise.
 */
#define _POSIX_C_SOURCE 200809L
#include <fwclient.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A token of the form the auth server issues (32 hex characters). */
static const char TOKEN[] = "0123456789abcdef0123456789abcdef";

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what, fw_result rc, fw_error *err) {
    fprintf(stderr, "bench_c: %s failed: %s: %s\n", what, fw_result_name(rc),
            err ? fw_error_message(err) : "(no detail)");
    fw_error_free(err);
    exit(1);
}

#define CHECK(what, call)                   \
    do {                                    \
        fw_error *err_ = NULL;              \
        fw_result rc_ = (call);             \
        if (rc_ != FW_OK) die(what, rc_, err_); \
    } while (0)

/* Resident set size in KiB, from /proc/self/statm. */
static long rss_kib(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (f == NULL || fscanf(f, "%ld %ld", &size, &resident) != 2) {
        fprintf(stderr, "bench_c: cannot read /proc/self/statm\n");
        exit(1);
    }
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Options for a client of the responder: the token given, the responder as
 * the global server (so its origin is trusted and the token is sent). */
static fw_options *http_options(const char *server) {
    fw_options *o = NULL;
    CHECK("fw_options_new", fw_options_new(&o, NULL));
    CHECK("fw_options_set_token", fw_options_set_token(o, TOKEN, NULL));
    CHECK("fw_options_set_server_address", fw_options_set_server_address(o, server, NULL));
    return o;
}

static void get_once(fw_client *c, const char *url) {
    fw_response *r = NULL;
    fw_error *err = NULL;
    fw_result rc = fw_client_get(c, url, &r, &err);
    if (rc != FW_OK) die("fw_client_get", rc, err);
    size_t len = 0;
    const uint8_t *data = fw_response_body(r, &len);
    if (data == NULL || len == 0 || data[0] != '{') {
        fprintf(stderr, "bench_c: unexpected body\n");
        exit(1);
    }
    fw_response_free(r);
}

static int auth_calls(const char *dir, long n, int rounds) {
    fw_options *o = NULL;
    CHECK("fw_options_new", fw_options_new(&o, NULL));
    CHECK("fw_options_set_secrets_dir", fw_options_set_secrets_dir(o, dir, NULL));
    fw_auth *a = NULL;
    fw_error *err = NULL;
    fw_result rc = fw_auth_new(o, &a, &err);
    if (rc != FW_OK) die("fw_auth_new", rc, err);
    fw_options_free(o);
    char *t = NULL;
    CHECK("fw_auth_token", fw_auth_token(a, &t, &err_));
    if (t == NULL || strcmp(t, TOKEN) != 0) {
        fprintf(stderr, "bench_c: the secret file's token was not found\n");
        return 1;
    }
    /* The bare alternative: a program that holds the token hands out a copy. */
    const char *held = t;
    volatile size_t sink = 0;
    for (int round = -1; round < rounds; round++) { /* round -1 warms up */
        double t0 = now_ns();
        for (long i = 0; i < n; i++) {
            char *s = NULL;
            CHECK("fw_auth_token", fw_auth_token(a, &s, &err_));
            sink += (size_t)s[0];
            fw_string_free(s);
        }
        double t1 = now_ns();
        for (long i = 0; i < n; i++) {
            char *s = NULL;
            CHECK("fw_auth_request_header", fw_auth_request_header(a, &s, &err_));
            sink += (size_t)s[0];
            fw_string_free(s);
        }
        double t2 = now_ns();
        for (long i = 0; i < n; i++) {
            char *s = strdup(held);
            sink += (size_t)s[0];
            free(s);
        }
        double t3 = now_ns();
        if (round >= 0) {
            printf("auth_token_ns %.2f\n", (t1 - t0) / (double)n);
            printf("request_header_ns %.2f\n", (t2 - t1) / (double)n);
            printf("strdup_free_ns %.2f\n", (t3 - t2) / (double)n);
        }
    }
    fw_string_free(t);
    fw_auth_free(a);
    (void)sink;
    return 0;
}

static int get(const char *url, const char *server, long n, int rounds) {
    fw_options *o = http_options(server);
    fw_client *c = NULL;
    CHECK("fw_client_new", fw_client_new(NULL, o, &c, &err_));
    fw_options_free(o);
    for (long i = 0; i < n / 4 + 100; i++) get_once(c, url); /* warm-up */
    for (int round = 0; round < rounds; round++) {
        double t0 = now_ns();
        for (long i = 0; i < n; i++) get_once(c, url);
        printf("get_ns %.1f\n", (now_ns() - t0) / (double)n);
        fflush(stdout);
    }
    fw_client_free(c);
    return 0;
}

static int mem_requests(const char *url, const char *server, long n) {
    fw_options *o = http_options(server);
    fw_client *c = NULL;
    CHECK("fw_client_new", fw_client_new(NULL, o, &c, &err_));
    fw_options_free(o);
    printf("rss_start_kib %ld\n", rss_kib());
    for (long i = 1; i <= n; i++) {
        get_once(c, url);
        if (i == 1000) printf("rss_after_1000_kib %ld\n", rss_kib());
        if (i % (n / 10) == 0) printf("rss_at %ld %ld\n", i, rss_kib());
    }
    printf("rss_after_last_kib %ld\n", rss_kib());
    fw_client_free(c);
    return 0;
}

static int mem_clients(long n) {
    /* A token given: no secret file is read, only the client is built. */
    fw_options *o = http_options("http://127.0.0.1:9");
    printf("rss_start_kib %ld\n", rss_kib());
    double t0 = now_ns();
    for (long i = 1; i <= n; i++) {
        fw_client *c = NULL;
        CHECK("fw_client_new", fw_client_new("bench_datastack", o, &c, &err_));
        fw_client_free(c);
        if (i == 1000) printf("rss_after_1000_kib %ld\n", rss_kib());
        if (i % (n / 10) == 0) printf("rss_at %ld %ld\n", i, rss_kib());
    }
    printf("client_new_free_ns %.1f\n", (now_ns() - t0) / (double)n);
    printf("rss_after_last_kib %ld\n", rss_kib());
    fw_options_free(o);
    return 0;
}

static long arg_long(const char *s) {
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v <= 0) {
        fprintf(stderr, "bench_c: bad number \"%s\"\n", s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 5 && strcmp(argv[1], "auth-calls") == 0) {
        return auth_calls(argv[2], arg_long(argv[3]), (int)arg_long(argv[4]));
    }
    if (argc == 6 && strcmp(argv[1], "get") == 0) {
        return get(argv[2], argv[3], arg_long(argv[4]), (int)arg_long(argv[5]));
    }
    if (argc == 5 && strcmp(argv[1], "mem-requests") == 0) {
        return mem_requests(argv[2], argv[3], arg_long(argv[4]));
    }
    if (argc == 3 && strcmp(argv[1], "mem-clients") == 0) {
        return mem_clients(arg_long(argv[2]));
    }
    fprintf(stderr,
            "usage: bench_c auth-calls SECRETS_DIR N ROUNDS | get URL SERVER N ROUNDS |\n"
            "       mem-requests URL SERVER N | mem-clients N\n");
    return 2;
}
