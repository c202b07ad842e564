/* The key of an attrs row of the index (internal): one text column, so that SQLite
 * compares two keys with one memcmp (five columns made the comparisons most of a bulk
 * run's index writes).
 *
 *   kind \x01 org \x01 field \x01 value \x01 name
 *
 * Each part but the name has its bytes \x01 and \x02 escaped (as \x02\x03 and \x02\x04),
 * so every prefix that ends in \x01 (a kind and org; a field; a value) holds exactly its
 * own rows, and they are one range: from the prefix to the prefix with its last byte
 * made \x02 (orgctl_index_key_end). Within one value the rows are in name order. */
#ifndef ORGCTL_INDEX_KEY_H
#define ORGCTL_INDEX_KEY_H
#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define ORGCTL_INDEX_KEY_SEP '\x01'

/* Appends `part`, escaped (case-folded if `lower`: orgctl_utf8_casefold), and the
 * separator. */
void orgctl_index_key_add(strbuf *sb, const char *part, bool lower);
/* The end of the range of keys that begin with `prefix` (which ends in the separator). */
void orgctl_index_key_end(strbuf *end, const char *prefix, size_t len);
/* The keys of the rows of kind in org, and of field and value when not NULL: those from
 * lo (inclusive) to hi (exclusive). */
typedef struct {
    strbuf lo, hi;
} orgctl_index_range;
void orgctl_index_key_range(orgctl_index_range *r, const char *kind, const char *org,
                            const char *field, const char *value);
void orgctl_index_range_release(orgctl_index_range *r);
/* Appends the value of `key`, unescaped: the part after its first `prefix_len` bytes,
 * before the separator and the name of `name_len` bytes. */
void orgctl_index_key_value(strbuf *out, const char *key, size_t key_len, size_t prefix_len,
                            size_t name_len);
#endif
