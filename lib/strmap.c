#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "strmap.h"

/* Eight bytes at a time (a byte at a time was 3% of a bulk run), then mixed so that the
 * low bits, which pick the slot, depend on every byte. */
size_t strmap_hash(const char *s)
{
    const uint64_t k = 0x9e3779b97f4a7c15ull;
    size_t len = strlen(s);
    uint64_t h = len * k, w;
    for (; len >= 8; s += 8, len -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    w = 0;
    memcpy(&w, s, len);
    h = (h ^ w) * k;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (size_t)h;
}

static void grow(strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    const char **keys = xcalloc(cap, sizeof(*keys));
    size_t *values = xmalloc(cap * sizeof(*values));
    size_t *hashes = xmalloc(cap * sizeof(*hashes));
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = m->hashes[i] & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        values[j] = m->values[i];
        hashes[j] = m->hashes[i];
    }
    free(m->keys);
    free(m->values);
    free(m->hashes);
    m->keys = keys;
    m->values = values;
    m->hashes = hashes;
    m->cap = cap;
}

/* The slot of key, or the free slot where it would go. The stored hashes spare most
 * probes a look at their key (a cache miss each in a map of a million paths). */
static size_t slot(const strmap *m, const char *key, size_t h)
{
    size_t j = h & (m->cap - 1);
    while (m->keys[j] && (m->hashes[j] != h || strcmp(m->keys[j], key) != 0))
        j = (j + 1) & (m->cap - 1);
    return j;
}

void strmap_set(strmap *m, const char *key, size_t value)
{
    if ((m->len + 1) * 2 > m->cap)
        grow(m);
    size_t h = strmap_hash(key), j = slot(m, key, h);
    if (!m->keys[j]) {
        m->keys[j] = key;
        m->hashes[j] = h;
        m->len++;
    }
    m->values[j] = value;
}

bool strmap_get(const strmap *m, const char *key, size_t *value)
{
    if (!m->cap)
        return false;
    size_t j = slot(m, key, strmap_hash(key));
    if (!m->keys[j])
        return false;
    *value = m->values[j];
    return true;
}

void strmap_clear(strmap *m)
{
    if (m->cap)
        memset(m->keys, 0, m->cap * sizeof(*m->keys));
    m->len = 0;
}

void strmap_free(strmap *m)
{
    free(m->keys);
    free(m->values);
    free(m->hashes);
    m->keys = NULL;
    m->values = NULL;
    m->hashes = NULL;
    m->cap = m->len = 0;
}
