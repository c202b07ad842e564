#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "strbuf.h"

#define BLOCK_SIZE (64 * 1024)

struct arena_block {
    struct arena_block *prev;
    char data[];
};

char *arena_strdup(arena *a, const char *s)
{
    size_t len = strlen(s) + 1;
    if (len > a->left) {
        size_t size = len > BLOCK_SIZE ? len : BLOCK_SIZE;
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
    a->left = 0;
}
