/*
 * Issue 23's benchmarks: many GETs at once against a delaying server,
 * fwclient's batch (fw_client_get_many) next to libcurl's multi interface,
 * each run in its own process so that CPU time and peak RSS are its own.
 * Prints "key value" lines for the driver (benches/rust/src/batch.rs).
 *
 * Built twice, so that each process holds only its own library: without
 * BENCH_CURL as bench_batch_fw (libfwclient alone), with it as
 * bench_batch_curl (libcurl alone).
 *
 *   bench_batch_fw|bench_batch_curl BASE N IN_FLIGHT MS LIMIT_EVERY [CA_FILE]
 *       N GETs of BASE/fault/stall?ms=MS (fw-devserver), IN_FLIGHT at once;
 *       when LIMIT_EVERY > 0, every LIMIT_EVERY-th item is instead
 *       BASE/fault/ratelimit?key=K&first=1, whose first answer is 429
 *       Retry-After: 1 (fwclient retries it; libcurl has no retry, so that
 *       scenario is run with fw only). CA_FILE: the server's CA (https).
 *       Prints failures, requests, seconds, cpu_us, peak_rss_kib and
 *       connections (those the server accepted during the batch).
 */
#define _GNU_SOURCE
#ifdef BENCH_CURL
#include <curl/curl.h>
#else
#include "fwclient.h"
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define TOKEN "0123456789abcdef0123456789abcdef"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long cpu_us(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (long)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000L + u.ru_utime.tv_usec +
           u.ru_stime.tv_usec;
}

/* This process's peak RSS (VmHWM). */
static long peak_rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmHWM:", 6) == 0) {
            kib = strtol(line + 6, NULL, 10);
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    return kib;
}

static void die(const char *what) {
    fprintf(stderr, "bench_batch: %s\n", what);
    exit(1);
}

/* Item i's URL. */
static char *item_url(const char *base, size_t i, int ms, int limit_every) {
    char *url = NULL;
    int len = limit_every > 0 && i % (size_t)limit_every == 0
                  ? asprintf(&url, "%s/fault/ratelimit?key=b%ld-%zu&first=1", base, (long)getpid(), i)
                  : asprintf(&url, "%s/fault/stall?ms=%d", base, ms);
    if (len < 0) {
        die("out of memory");
    }
    return url;
}

#ifndef BENCH_CURL
/* ------------------------------------------------------------- fwclient */

static fw_client *new_client(const char *base, const char *ca) {
    fw_options *o = NULL;
    fw_client *c = NULL;
    fw_error *err = NULL;
    if (fw_options_new(&o, &err) != FW_OK || fw_options_set_server_address(o, base, &err) != FW_OK ||
        fw_options_set_token(o, TOKEN, &err) != FW_OK ||
        (ca != NULL && fw_options_set_ca_file(o, ca, &err) != FW_OK) ||
        fw_client_new(NULL, o, &c, &err) != FW_OK) {
        die(err ? fw_error_message(err) : "client");
    }
    fw_options_free(o);
    return c;
}

/* The connections the server accepted so far (this query's included: a
 * client of its own, so a new connection). */
static long server_connections(const char *base, const char *ca) {
    char url[512];
    snprintf(url, sizeof url, "%s/fault/connections", base);
    fw_client *c = new_client(base, ca);
    fw_response *r = NULL;
    fw_error *err = NULL;
    if (fw_client_get(c, url, &r, &err) != FW_OK) {
        die(fw_error_message(err));
    }
    size_t len = 0;
    const uint8_t *body = fw_response_body(r, &len);
    char buf[256] = "";
    memcpy(buf, body, len < 255 ? len : 255);
    fw_response_free(r);
    fw_client_free(c);
    const char *n = strstr(buf, "\"connections\":");
    return n ? strtol(n + 14, NULL, 10) : -1;
}

typedef struct tally {
    size_t done, failures;
} tally;

static int on_done(void *user_data, size_t index, fw_result result, const fw_response *response,
                   const fw_error *error) {
    (void)index;
    (void)response;
    tally *t = user_data;
    t->done++;
    if (result != FW_OK) {
        if (t->failures++ == 0) {
            fprintf(stderr, "bench_batch: %s\n", fw_error_message(error));
        }
    }
    return 0;
}

static size_t run_batch(const char *base, char **urls, size_t n, unsigned in_flight,
                        const char *ca) {
    fw_client *c = new_client(base, ca);
    fw_error *err = NULL;
    tally t = {0, 0};
    if (fw_client_get_many(c, (const char *const *)urls, n, in_flight, on_done, &t, &err) != FW_OK) {
        die(fw_error_message(err));
    }
    if (t.done != n) {
        die("not every item was done");
    }
    fw_client_free(c);
    return t.failures;
}

#else
/* -------------------------------------------------------------- libcurl */

static size_t keep(char *data, size_t size, size_t n, void *buf) {
    size_t len = strlen(buf), add = size * n;
    if (len + add < 256) {
        memcpy((char *)buf + len, data, add);
        ((char *)buf)[len + add] = '\0';
    }
    return size * n;
}

static size_t sink(char *data, size_t size, size_t n, void *total) {
    (void)data;
    *(size_t *)total += size * n;
    return size * n;
}

/* The connections the server accepted so far (this query's included). */
static long server_connections(const char *base, const char *ca) {
    char url[512], buf[256] = "";
    snprintf(url, sizeof url, "%s/fault/connections", base);
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, buf);
    if (ca != NULL) {
        curl_easy_setopt(h, CURLOPT_CAINFO, ca);
    }
    if (curl_easy_perform(h) != CURLE_OK) {
        die("cannot read the server's connection count");
    }
    curl_easy_cleanup(h);
    const char *n = strstr(buf, "\"connections\":");
    return n ? strtol(n + 14, NULL, 10) : -1;
}

static size_t run_batch(const char *base, char **urls, size_t n, unsigned in_flight,
                        const char *ca) {
    (void)base;
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)in_flight);
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)in_flight);
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)in_flight);
    struct curl_slist *headers = curl_slist_append(NULL, "Authorization: Bearer " TOKEN);
    size_t next = 0, done = 0, failures = 0, total = 0;
    /* One easy handle per slot, reused for the slot's next URL. */
    for (unsigned s = 0; s < in_flight && next < n; s++, next++) {
        CURL *h = curl_easy_init();
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &total);
        if (ca != NULL) {
            curl_easy_setopt(h, CURLOPT_CAINFO, ca);
        }
        curl_easy_setopt(h, CURLOPT_URL, urls[next]);
        curl_multi_add_handle(m, h);
    }
    while (done < n) {
        int running = 0, left = 0;
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE) {
                continue;
            }
            CURL *h = msg->easy_handle;
            long status = 0;
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
            if (msg->data.result != CURLE_OK || status != 200) {
                failures++;
            }
            done++;
            curl_multi_remove_handle(m, h);
            if (next < n) {
                curl_easy_setopt(h, CURLOPT_URL, urls[next++]);
                curl_multi_add_handle(m, h);
            } else {
                curl_easy_cleanup(h);
            }
        }
        if (done < n) {
            curl_multi_poll(m, NULL, 0, 1000, NULL);
        }
    }
    curl_multi_cleanup(m);
    curl_slist_free_all(headers);
    return failures;
}
#endif

int main(int argc, char **argv) {
    if (argc < 6 || argc > 7) {
        die("usage: bench_batch_fw|bench_batch_curl BASE N IN_FLIGHT MS LIMIT_EVERY [CA_FILE]");
    }
    const char *base = argv[1], *ca = argc == 7 ? argv[6] : NULL;
    size_t n = strtoul(argv[2], NULL, 10);
    unsigned in_flight = (unsigned)strtoul(argv[3], NULL, 10);
    int ms = atoi(argv[4]), limit_every = atoi(argv[5]);
#ifdef BENCH_CURL
    curl_global_init(CURL_GLOBAL_DEFAULT);
#endif
    /* The caller's array: what fwclient may keep no copy of. */
    char **urls = malloc(n * sizeof *urls);
    for (size_t i = 0; i < n; i++) {
        urls[i] = item_url(base, i, ms, limit_every);
    }
    long before = server_connections(base, ca);
    long cpu0 = cpu_us();
    double t0 = now_s();
    size_t failures = run_batch(base, urls, n, in_flight, ca);
    double seconds = now_s() - t0;
    long cpu = cpu_us() - cpu0;
    long after = server_connections(base, ca);
    printf("failures %zu\nrequests %zu\nseconds %.6f\ncpu_us %ld\npeak_rss_kib %ld\nconnections %ld\n",
           failures, n, seconds, cpu, peak_rss_kib(), after - before - 1);
    for (size_t i = 0; i < n; i++) {
        free(urls[i]);
    }
    free(urls);
#ifdef BENCH_CURL
    curl_global_cleanup();
#endif
    return 0;
}
