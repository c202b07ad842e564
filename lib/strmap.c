#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "strmap.h"

static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

static void grow(strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    const char **keys = xcalloc(cap, sizeof(*keys));
    size_t *values = xcalloc(cap, sizeof(*values));
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = hash(m->keys[i]) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        values[j] = m->values[i];
    }
    free(m->keys);
    free(m->values);
    m->keys = keys;
    m->values = values;
    m->cap = cap;
}

void strmap_set(strmap *m, const char *key, size_t value)
{
    if ((m->len + 1) * 2 > m->cap)
        grow(m);
    size_t j = hash(key) & (m->cap - 1);
    while (m->keys[j] && strcmp(m->keys[j], key) != 0)
        j = (j + 1) & (m->cap - 1);
    if (!m->keys[j]) {
        m->keys[j] = key;
        m->len++;
    }
    m->values[j] = value;
}

bool strmap_get(const strmap *m, const char *key, size_t *value)
{
    if (!m->cap)
        return false;
    size_t j = hash(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) {
            *value = m->values[j];
            return true;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return false;
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
    m->keys = NULL;
    m->values = NULL;
    m->cap = m->len = 0;
}
