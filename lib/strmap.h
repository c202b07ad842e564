/* A string -> size_t hash map (internal), open addressing, no deletion. */
#ifndef ORGCTL_STRMAP_H
#define ORGCTL_STRMAP_H
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char **keys; /* borrowed: the caller keeps them alive */
    size_t *values;
    size_t *hashes; /* of the keys */
    size_t cap, len;
} strmap;
#define STRMAP_INIT {NULL, NULL, NULL, 0, 0}

/* The hash the map uses (FNV-1a). */
size_t strmap_hash(const char *s);

void strmap_set(strmap *m, const char *key, size_t value);
bool strmap_get(const strmap *m, const char *key, size_t *value);
void strmap_clear(strmap *m);
void strmap_free(strmap *m);
#endif
