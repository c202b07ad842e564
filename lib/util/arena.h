/* An arena of strings that all live as long as it does (internal). A big change set keeps
 * a million paths: one malloc per 64 KB instead of one per path keeps them from being
 * scattered among the short-lived blocks of every row, which made glibc's malloc, and
 * everything that touched the heap, slower and slower as a run went on. */
#ifndef ORGCTL_ARENA_H
#define ORGCTL_ARENA_H
#include <stddef.h>

struct arena_block;

typedef struct {
    struct arena_block *blocks;
    char *next;
    size_t left;
    size_t total; /* bytes of its blocks */
} arena;
#define ARENA_INIT                                                                                 \
    {                                                                                              \
        NULL, NULL, 0, 0                                                                           \
    }

/* A copy of s in the arena. */
char *arena_strdup(arena *a, const char *s);
/* Frees every string of the arena. */
void arena_free(arena *a);
#endif
