/*
 * Issue 15's benchmarks, fwclient through its C ABI next to libcurl (what
 * a C user would pick instead), each run in its own process so that CPU
 * time and peak RSS are its own. Prints "key value" lines for the driver
 * (benches/rust/src/scale.rs).
 *
 *   bench_curl get fw|curl THREADS SECONDS URL
 *       keep-alive GETs of URL for SECONDS from THREADS threads (fwclient:
 *       one shared client; libcurl: one easy handle per thread, as libcurl
 *       requires): requests, seconds, cpu_us.
 *   bench_curl stream fw|curl URL
 *       one GET of URL read to a sink through 64 KiB reads: bytes, seconds,
 *       cpu_us, peak_rss_kib.
 *   bench_curl workers BASE CLIENTS THREADS RATE REQUESTS
 *       CLIENTS fwclient clients spread over THREADS threads, each making
 *       REQUESTS GETs of BASE/fault/ratelimit?rate=RATE (the server answers
 *       429 with Retry-After above RATE a second): failures, requests,
 *       seconds, then the server's admitted-per-second counts.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "fwclient.h"

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

/* This process's peak RSS (VmHWM: getrusage's ru_maxrss keeps the value
 * of the process that exec'd it, the benchmark driver). */
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
    fprintf(stderr, "bench_curl: %s\n", what);
    exit(1);
}

static fw_client *new_client(const char *server) {
    fw_options *o = NULL;
    fw_client *c = NULL;
    fw_error *err = NULL;
    if (fw_options_new(&o, &err) != FW_OK || fw_options_set_server_address(o, server, &err) != FW_OK ||
        fw_options_set_token(o, "0123456789abcdef0123456789abcdef", &err) != FW_OK ||
        fw_options_set_timeout_ms(o, 10000, 120000, &err) != FW_OK ||
        fw_options_set_max_retries(o, 20, &err) != FW_OK ||
        fw_client_new(NULL, o, &c, &err) != FW_OK) {
        die(err ? fw_error_message(err) : "client");
    }
    fw_options_free(o);
    return c;
}

/* The origin of url (scheme://host:port), for the client's server address. */
static void origin_of(const char *url, char *out, size_t size) {
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    size_t n = p ? (size_t)(p - url) : strlen(url);
    snprintf(out, size, "%.*s", (int)n, url);
}

static size_t sink(char *data, size_t size, size_t n, void *total) {
    (void)data;
    *(unsigned long long *)total += size * n;
    return size * n;
}

/* ------------------------------------------------------------------ get */

typedef struct get_job {
    int curl;
    fw_client *client;
    const char *url;
    double until;
    unsigned long requests;
} get_job;

static void *get_thread(void *arg) {
    get_job *j = arg;
    if (j->curl) {
        CURL *h = curl_easy_init();
        unsigned long long total = 0;
        curl_easy_setopt(h, CURLOPT_URL, j->url);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &total);
        struct curl_slist *hdr = curl_slist_append(NULL, "Authorization: Bearer 0123456789abcdef0123456789abcdef");
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        while (now_s() < j->until) {
            long status = 0;
            if (curl_easy_perform(h) != CURLE_OK) die("curl GET failed");
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
            if (status != 200) die("curl GET: not 200");
            j->requests++;
        }
        curl_slist_free_all(hdr);
        curl_easy_cleanup(h);
    } else {
        while (now_s() < j->until) {
            fw_response *r = NULL;
            fw_error *err = NULL;
            if (fw_client_get(j->client, j->url, &r, &err) != FW_OK) die(fw_error_message(err));
            fw_response_free(r);
            j->requests++;
        }
    }
    return NULL;
}

static int run_get(int curl, int threads, double seconds, const char *url) {
    char server[256];
    origin_of(url, server, sizeof server);
    fw_client *c = curl ? NULL : new_client(server);
    get_job jobs[64];
    pthread_t tids[64];
    if (threads < 1 || threads > 64) die("threads: 1..64");
    /* Warm-up: one request per thread's handle happens inside the run. */
    long cpu0 = cpu_us();
    double t0 = now_s();
    for (int i = 0; i < threads; i++) {
        jobs[i] = (get_job){curl, c, url, t0 + seconds, 0};
        pthread_create(&tids[i], NULL, get_thread, &jobs[i]);
    }
    unsigned long total = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(tids[i], NULL);
        total += jobs[i].requests;
    }
    double took = now_s() - t0;
    printf("requests %lu\nseconds %.6f\ncpu_us %ld\n", total, took, cpu_us() - cpu0);
    fw_client_free(c);
    return 0;
}

/* --------------------------------------------------------------- stream */

static int run_stream(int curl, const char *url) {
    unsigned long long total = 0;
    long cpu0 = cpu_us();
    double t0 = now_s();
    if (curl) {
        CURL *h = curl_easy_init();
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &total);
        curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 65536L);
        if (curl_easy_perform(h) != CURLE_OK) die("curl stream failed");
        curl_easy_cleanup(h);
    } else {
        char server[256];
        origin_of(url, server, sizeof server);
        fw_client *c = new_client(server);
        fw_stream *s = NULL;
        fw_error *err = NULL;
        static uint8_t buf[65536];
        size_t n = 0;
        if (fw_client_open(c, "GET", url, NULL, 0, NULL, &s, &err) != FW_OK) die(fw_error_message(err));
        do {
            if (fw_stream_read(s, buf, sizeof buf, &n, &err) != FW_OK) die(fw_error_message(err));
            total += n;
        } while (n > 0);
        fw_stream_free(s);
        fw_client_free(c);
    }
    double took = now_s() - t0;
    printf("bytes %llu\nseconds %.6f\ncpu_us %ld\npeak_rss_kib %ld\n", total, took, cpu_us() - cpu0,
           peak_rss_kib());
    return 0;
}

/* -------------------------------------------------------------- workers */

typedef struct worker_job {
    fw_client **clients;
    int count;
    int first;
    const char *base;
    int rate;
    int requests;
    unsigned long failures, done;
} worker_job;

static void *worker_thread(void *arg) {
    worker_job *j = arg;
    char url[512];
    for (int r = 0; r < j->requests; r++) {
        for (int i = 0; i < j->count; i++) {
            snprintf(url, sizeof url, "%s/fault/ratelimit?key=w%d&rate=%d", j->base, j->first + i, j->rate);
            fw_response *resp = NULL;
            fw_error *err = NULL;
            if (fw_client_get(j->clients[i], url, &resp, &err) != FW_OK) {
                j->failures++;
                fprintf(stderr, "worker: %s\n", fw_error_message(err));
                fw_error_free(err);
            }
            fw_response_free(resp);
            j->done++;
        }
    }
    return NULL;
}

static int run_workers(const char *base, int clients, int threads, int rate, int requests) {
    fw_client **all = calloc((size_t)clients, sizeof *all);
    for (int i = 0; i < clients; i++) all[i] = new_client(base);
    worker_job jobs[64];
    pthread_t tids[64];
    if (threads < 1 || threads > 64) die("threads: 1..64");
    int per = clients / threads;
    double t0 = now_s();
    for (int t = 0; t < threads; t++) {
        int first = t * per, count = t == threads - 1 ? clients - first : per;
        jobs[t] = (worker_job){all + first, count, first, base, rate, requests, 0, 0};
        pthread_create(&tids[t], NULL, worker_thread, &jobs[t]);
    }
    unsigned long failures = 0, done = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tids[t], NULL);
        failures += jobs[t].failures;
        done += jobs[t].done;
    }
    printf("failures %lu\nrequests %lu\nseconds %.6f\n", failures, done, now_s() - t0);
    char url[512];
    snprintf(url, sizeof url, "%s/fault/ratelimit-stats", base);
    fw_response *r = NULL;
    fw_error *err = NULL;
    if (fw_client_get(all[0], url, &r, &err) != FW_OK) die(fw_error_message(err));
    size_t len = 0;
    const uint8_t *body = fw_response_body(r, &len);
    printf("stats %.*s\n", (int)len, (const char *)body);
    fw_response_free(r);
    for (int i = 0; i < clients; i++) fw_client_free(all[i]);
    free(all);
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = 2;
    if (argc == 6 && strcmp(argv[1], "get") == 0) {
        rc = run_get(strcmp(argv[2], "curl") == 0, atoi(argv[3]), atof(argv[4]), argv[5]);
    } else if (argc == 4 && strcmp(argv[1], "stream") == 0) {
        rc = run_stream(strcmp(argv[2], "curl") == 0, argv[3]);
    } else if (argc == 7 && strcmp(argv[1], "workers") == 0) {
        rc = run_workers(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
    } else {
        fprintf(stderr, "usage: see the comment at the top of bench_curl.c\n");
    }
    curl_global_cleanup();
    return rc;
}
