#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "strbuf.h"

#define BLOCK_SIZE (64 * 1024)
/* A big arena's blocks grow to this: mapped apart from the heap (glibc maps blocks of
 * 128 KB and more), they no longer sit among the rows' short-lived blocks. */
#define BIG_BLOCK_SIZE (2 * 1024 * 1024)

struct arena_block {
    struct arena_block *prev;
    char data[];
};

char *arena_strdup(arena *a, const char *s)
{
    size_t len = strlen(s) + 1;
    if (len > a->left) {
        size_t block = a->total >= 2 * BIG_BLOCK_SIZE ? BIG_BLOCK_SIZE : BLOCK_SIZE;
        size_t size = len > block ? len : block;
        a->total += size;
        struct arena_block *b = xmalloc(sizeof(*b) + size);
        b->prev = a->blocks;
        a->blocks = b;
        a->next = b->data;
        a->left = size;
    }
    char *p = a->next;
    memcpy(p, s, len);
    a->next += len;
    a->left -= len;
    return p;
}

void arena_free(arena *a)
{
    while (a->blocks) {
        struct arena_block *prev = a->blocks->prev;
        free(a->blocks);
        a->blocks = prev;
    }
    a->next = NULL;
    a->left = a->total = 0;
}
