/* A string -> size_t hash map (internal), open addressing (linear probing). */
#ifndef ORGCTL_STRMAP_H
#define ORGCTL_STRMAP_H
#include <stdbool.h>
#include <stddef.h>

struct strmap_slot {
    const char *key; /* borrowed: the caller keeps it alive; NULL: free */
    size_t hash;     /* of the key: most probes are passed over without a look at it */
    size_t value;
};

/* The slots in one array: a probe is one cache line, not three (a change set of a million
 * paths misses the cache on every lookup). */
typedef struct {
    struct strmap_slot *slots;
    size_t cap, len;
} strmap;
#define STRMAP_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* The hash the map uses (FNV-1a). */
size_t strmap_hash(const char *s);

void strmap_set(strmap *m, const char *key, size_t value);
bool strmap_get(const strmap *m, const char *key, size_t *value);
/* Removes key (false: it was not there); the slots after it move back, no tombstone. */
bool strmap_del(strmap *m, const char *key);
void strmap_clear(strmap *m);
void strmap_free(strmap *m);
#endif
