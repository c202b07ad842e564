/* Internal: the suppression list (lib/schema/suppress_text.c), a kind whose object is a
 * folder: orgs/<org>/suppress/<list>/list.json (name, description, state, required) and
 * its entries as sorted text shards beside it (orgctl(5)):
 *
 *     numbers/<first 3 digits>/<first 5 to 7 digits>.txt  "+13175551212[ 2027-01-31T00:00Z]"
 *     clients/<2 hex digits of a hash of the id>.txt      "<client id>[ 2027-01-31T00:00Z]"
 *
 * one entry a line, unique, numbers sorted by value (a shorter number first, as `sort -n`
 * would), client ids by bytes. A number shard is named by a prefix of 5 digits, until it
 * grows past ORGCTL_SUPPRESS_SHARD_SPLIT lines: then it is split into the shards of its
 * 6-digit prefixes (and those, likewise, into 7). No shard's prefix is a prefix of
 * another's, so a number has one shard: the one of the longest prefix there is (a new one
 * beside its siblings when there is none). A number has 8 digits or more, so every prefix
 * is shorter than any number. Lists written before shards split (all of 5 digits) are of
 * this layout already. At 10M numbers a shard holds at most ~1000 lines (~14 KB); adding
 * one number rewrites one shard, and a small import rewrites a small part of a big list. */
#ifndef ORGCTL_SUPPRESS_TEXT_H
#define ORGCTL_SUPPRESS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "orgctl/kind.h"

extern const orgctl_kind orgctl_kind_suppress;

/* The longest line of a shard: an entry, a space, an expiry, a newline. */
#define ORGCTL_SUPPRESS_CLIENT_MAX 255
#define ORGCTL_SUPPRESS_EXPIRY_LEN 17 /* "yyyy-MM-ddTHH:mmZ" */
/* The longest a shard path under the list's folder is, with its NUL. */
#define ORGCTL_SUPPRESS_SHARD_MAX 32

/* The canonical E.164 text "+<8 to 15 digits>" (no leading 0) at s, len bytes (a line of
 * a shard, not NUL-terminated): its digits as an integer (orgctl_phone_key's), or 0 when it
 * is none. */
uint64_t orgctl_e164_key(const char *s, size_t len);

/* "yyyy-MM-ddTHH:mmZ" (UTC) at s: seconds since the epoch; false when it is not one. */
bool orgctl_expiry_parse(const char *s, size_t len, int64_t *out);
/* The text of an expiry (17 bytes and a NUL). */
void orgctl_expiry_format(char out[ORGCTL_SUPPRESS_EXPIRY_LEN + 1], int64_t t);

/* The shortest and longest prefix naming a number shard; the lines past which a shard is
 * split into the shards of the next digit. */
#define ORGCTL_SUPPRESS_PREFIX_MIN 5
#define ORGCTL_SUPPRESS_PREFIX_MAX 7
#define ORGCTL_SUPPRESS_SHARD_SPLIT 1024

/* The shard of a number's key named by its first `digits` digits
 * ("numbers/131/131755.txt"; without _at: 5, "numbers/131/13175.txt"), and of a client id
 * ("clients/a7.txt"), paths under the list's folder. */
void orgctl_suppress_number_shard_at(char out[ORGCTL_SUPPRESS_SHARD_MAX], uint64_t key, int digits);
void orgctl_suppress_number_shard(char out[ORGCTL_SUPPRESS_SHARD_MAX], uint64_t key);
/* The prefix (its digits, NUL-terminated) of the number shard `rel` and its length, or 0
 * when `rel` is not the path of one. */
int orgctl_suppress_shard_prefix(const char *rel, char prefix[ORGCTL_SUPPRESS_PREFIX_MAX + 1]);
void orgctl_suppress_client_shard(char out[ORGCTL_SUPPRESS_SHARD_MAX], const char *id, size_t len);
/* Whether a client id can be one: 1 to 255 bytes of UTF-8, no space, no control byte. */
bool orgctl_suppress_client_valid(const char *id, size_t len);

/* One line of a shard, as orgctl_suppress_shard_parse reads it. */
typedef struct orgctl_suppress_line {
    const char *entry; /* the number or client id (not NUL-terminated) */
    size_t len;
    uint64_t key;    /* a number's key, 0 for a client id */
    int64_t expires; /* 0: none */
    size_t line;     /* 1-based */
} orgctl_suppress_line;
typedef int (*orgctl_suppress_line_cb)(const orgctl_suppress_line *l, void *payload);
/* Reads the shard `rel` (a path under a list's folder) of `len` bytes: each line to cb
 * (may be NULL: only checked) until cb returns non-zero, which it returns. A shard that
 * breaks the format (a line that is no entry, an entry of another shard, lines out of
 * order or twice, no final newline, an empty shard, a path that is no shard) is
 * ORGCTL_EINVALID naming line and column. */
int orgctl_suppress_shard_parse(const char *rel, const char *data, size_t len,
                                orgctl_suppress_line_cb cb, void *payload);

#endif
