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
    struct strmap_slot *slots = xcalloc(cap, sizeof(*slots));
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t j = m->slots[i].hash & (cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

/* The slot of key, or the free slot where it would go. */
static struct strmap_slot *slot(const strmap *m, const char *key, size_t h)
{
    size_t j = h & (m->cap - 1);
    while (m->slots[j].key && (m->slots[j].hash != h || strcmp(m->slots[j].key, key) != 0))
        j = (j + 1) & (m->cap - 1);
    return &m->slots[j];
}

void strmap_set(strmap *m, const char *key, size_t value)
{
    if ((m->len + 1) * 2 > m->cap)
        grow(m);
    size_t h = strmap_hash(key);
    struct strmap_slot *s = slot(m, key, h);
    if (!s->key) {
        s->key = key;
        s->hash = h;
        m->len++;
    }
    s->value = value;
}

bool strmap_get(const strmap *m, const char *key, size_t *value)
{
    if (!m->cap)
        return false;
    const struct strmap_slot *s = slot(m, key, strmap_hash(key));
    if (!s->key)
        return false;
    *value = s->value;
    return true;
}

bool strmap_del(strmap *m, const char *key)
{
    if (!m->cap)
        return false;
    size_t mask = m->cap - 1;
    struct strmap_slot *s = slot(m, key, strmap_hash(key));
    if (!s->key)
        return false;
    size_t hole = (size_t)(s - m->slots);
    /* Each slot of the run after the hole moves into it when the hole lies between the
     * slot's home and the slot: a probe from there still finds it. */
    for (size_t j = (hole + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
        size_t home = m->slots[j].hash & mask;
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
    }
    m->slots[hole] = (struct strmap_slot){NULL, 0, 0};
    m->len--;
    return true;
}

void strmap_clear(strmap *m)
{
    if (m->cap)
        memset(m->slots, 0, m->cap * sizeof(*m->slots));
    m->len = 0;
}

void strmap_free(strmap *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->len = 0;
}
