/*
 * A minimal keep-alive HTTP/1.1 responder for the throughput benchmarks.
 *
 * One thread, one epoll loop, 127.0.0.1 only. Every request (whatever its
 * method and path) is answered with the same small JSON body; a GET of
 * /__stats answers the number of requests served so far and the CPU time
 * this process has used (user + system, in microseconds), so the benchmark
 * can tell the server's cost per request from the client's, and how many
 * requests carried an "Authorization: Bearer" header (so it can tell that
 * the authenticated requests really were authenticated).
 *
 * It is built for speed: no allocation per request, one read and one write
 * per request (fewer when requests arrive together), nothing parsed beyond
 * the end of the headers and Content-Length.
 *
 * Usage: responder [--max-seconds N]
 *   Prints "PORT=<port>" on stdout once listening, then serves until
 *   SIGTERM/SIGINT or N seconds (default 900) have passed: it always stops
 *   by itself.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FD 65536
#define BUF_SIZE 16384

static const char BODY[] = "{\"id\":42,\"name\":\"bench\",\"ok\":true,\"values\":[1,2,3]}";

struct conn {
    char *buf;
    size_t len;
    size_t skip; /* body bytes of the current request still to discard */
};

static struct conn conns[MAX_FD];
static unsigned long long served;
static unsigned long long with_token; /* requests that carried an Authorization header */
static volatile sig_atomic_t stop;

static void on_signal(int sig) {
    (void)sig;
    stop = 1;
}

static void close_conn(int ep, int fd) {
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
    free(conns[fd].buf);
    conns[fd].buf = NULL;
    conns[fd].len = 0;
    conns[fd].skip = 0;
}

/* Content-Length of the request whose headers are [start, end), 0 if none. */
static size_t content_length(const char *start, const char *end) {
    static const char name[] = "\r\ncontent-length:";
    size_t n = sizeof name - 1;
    for (const char *p = start; p + n <= end; p++) {
        if (p[0] == '\r' && strncasecmp(p, name, n) == 0) {
            return (size_t)strtoull(p + n, NULL, 10);
        }
    }
    return 0;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                /* Answers are tiny: wait briefly for room rather than buffer. */
                struct timespec ts = {0, 50000};
                nanosleep(&ts, NULL);
                continue;
            }
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Answers every complete request in the connection's buffer. */
static int serve(int fd, const char *resp, size_t resp_len) {
    struct conn *c = &conns[fd];
    char out[8192];
    size_t out_len = 0;
    size_t pos = 0;
    for (;;) {
        if (c->skip > 0) {
            size_t k = c->len - pos < c->skip ? c->len - pos : c->skip;
            pos += k;
            c->skip -= k;
            if (c->skip > 0) break;
        }
        char *head = c->buf + pos;
        char *end = memmem(head, c->len - pos, "\r\n\r\n", 4);
        if (end == NULL) break;
        end += 4;
        c->skip = content_length(head, end);
        pos = (size_t)(end - c->buf);
        served++;
        if (memmem(head, (size_t)(end - head), "\r\nauthorization: Bearer ", 24) != NULL ||
            memmem(head, (size_t)(end - head), "\r\nAuthorization: Bearer ", 24) != NULL) {
            with_token++;
        }
        const char *r = resp;
        size_t rl = resp_len;
        char stats[512];
        if (strncmp(head, "GET /__stats ", 13) == 0) {
            struct rusage ru;
            getrusage(RUSAGE_SELF, &ru);
            unsigned long long cpu =
                (unsigned long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000ULL +
                (unsigned long long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
            char body[256];
            int bl = snprintf(body, sizeof body,
                              "{\"requests\":%llu,\"with_token\":%llu,\"cpu_us\":%llu}", served,
                              with_token, cpu);
            rl = (size_t)snprintf(stats, sizeof stats,
                                  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                  "Content-Length: %d\r\n\r\n%s",
                                  bl, body);
            r = stats;
        }
        if (out_len + rl > sizeof out) {
            if (write_all(fd, out, out_len) < 0) return -1;
            out_len = 0;
        }
        memcpy(out + out_len, r, rl);
        out_len += rl;
    }
    if (out_len > 0 && write_all(fd, out, out_len) < 0) return -1;
    memmove(c->buf, c->buf + pos, c->len - pos);
    c->len -= pos;
    return 0;
}

int main(int argc, char **argv) {
    long max_seconds = 900;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--max-seconds") == 0 && i + 1 < argc) {
            max_seconds = strtol(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: responder [--max-seconds N]\n");
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    alarm((unsigned)max_seconds);

    char resp[512];
    size_t resp_len = (size_t)snprintf(resp, sizeof resp,
                                       "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                       "Content-Length: %zu\r\n\r\n%s",
                                       sizeof BODY - 1, BODY);

    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(ls, 1024) < 0) {
        perror("responder: bind/listen");
        return 1;
    }
    socklen_t alen = sizeof addr;
    getsockname(ls, (struct sockaddr *)&addr, &alen);
    printf("PORT=%d\n", ntohs(addr.sin_port));
    fflush(stdout);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    struct epoll_event events[256];
    while (!stop) {
        int n = epoll_wait(ep, events, 256, 1000);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("responder: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == ls) {
                for (;;) {
                    int cfd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (cfd < 0) break;
                    if (cfd >= MAX_FD) {
                        close(cfd);
                        continue;
                    }
                    setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conns[cfd].buf = malloc(BUF_SIZE);
                    conns[cfd].len = 0;
                    conns[cfd].skip = 0;
                    struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = cfd};
                    epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &cev);
                }
                continue;
            }
            struct conn *c = &conns[fd];
            ssize_t r = read(fd, c->buf + c->len, BUF_SIZE - c->len);
            if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (r > 0) c->len += (size_t)r;
            if (r <= 0 || serve(fd, resp, resp_len) < 0 || c->len == BUF_SIZE) {
                /* closed, failed, or a request with headers over 16 KiB */
                close_conn(ep, fd);
            }
        }
    }
    return 0;
}
