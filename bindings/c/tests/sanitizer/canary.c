/*
 * Proof that a sanitizer build really sanitizes: built with the same flags
 * as the sanitized C tests (mk/hardening.mk), `canary asan` reads freed
 * memory, `canary leak` loses a block and `canary ubsan` overflows a
 * signed int. Each must be stopped by its sanitizer (non-zero exit, its
 * report on stderr); if one runs to the end, the flags did not take and
 * the sanitized test run proves nothing. Not part of the C test runner (a separate program).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwclient.h"

/* Loses 64 blocks. LeakSanitizer scans stacks and registers
 * conservatively: a single block whose address survives in a stale stack
 * slot counts as reachable (seen once on a loaded machine), so several
 * blocks are lost in a function of their own and its stack is scrubbed. */
__attribute__((noinline)) static void lose_blocks(void) {
    for (int i = 0; i < 64; i++) {
        char *volatile p = malloc(99);
        p[0] = 'x';
        p = NULL;
    }
}

__attribute__((noinline)) static void scrub_stack(void) {
    volatile char junk[4096];
    memset((char *)junk, 0, sizeof junk);
}

int main(int argc, char **argv) {
    /* Linked against the library like the tests are. */
    printf("fwclient %s\n", fw_version());
    if (argc < 2) {
        return 2;
    }
    if (strcmp(argv[1], "asan") == 0) {
        char *volatile p = malloc(8);
        p[0] = 'x';
        free(p);
        char c = p[0]; /* heap-use-after-free */
        printf("not stopped (%d)\n", c);
        return 0;
    }
    if (strcmp(argv[1], "leak") == 0) {
        lose_blocks();
        scrub_stack();
        puts("leaked");
        return 0;
    }
    if (strcmp(argv[1], "ubsan") == 0) {
        volatile int big = INT_MAX;
        int r = big + argc; /* signed integer overflow */
        printf("not stopped (%d)\n", r);
        return 0;
    }
    return 2;
}
