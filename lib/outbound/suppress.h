/* Internal: the suppression (do-not-call) engines (lib/outbound/suppress.c): entries added
 * and removed through the core's change set as the list's text shards
 * (lib/schema/suppress_text.h), imports of millions of numbers in one pass, and queries
 * answered from a derived cache of sorted arrays (lib/store/folder.h), never by parsing
 * the shards. The verbs are lib/kinds/suppress.c. */
#ifndef ORGCTL_OUTBOUND_SUPPRESS_H
#define ORGCTL_OUTBOUND_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "orgctl/changeset.h"
#include "orgctl/repo.h"
#include "phone.h"
#include "strbuf.h"

/* The most days ahead an expiry may be. */
#define ORGCTL_SUPPRESS_EXPIRY_DAYS 180

/* The expiry text `text` ("yyyy-MM-ddTHH:mmZ", UTC, after `now` and at most 180 days
 * ahead) as seconds: 0, or ORGCTL_EINVALID saying what is wrong (`what` names it). */
int orgctl_suppress_expiry(const char *what, const char *text, size_t len, int64_t now,
                           int64_t *out);

/* A number as given (E.164, or national in `region`: lib/util/phone.h) as its key
 * (orgctl_phone_key): 0, or ORGCTL_EINVALID naming it and why, with the offset of the byte
 * at fault in *bad_at (0-based; 0 when none is; bad_at may be NULL). */
int orgctl_suppress_number(const char *text, size_t len, const orgctl_phone_region *region,
                           uint64_t *key, size_t *bad_at);

/* Entries in memory are packed: a number's key (orgctl_phone_key) above this many bits of
 * its expiry's rank among the distinct expiries (the highest rank: none). */
#define ORGCTL_SUPPRESS_EXP_BITS 14
/* Sorts packed entries by value in place (no second array: 8 bytes an entry at 100M) and
 * keeps one per key, the highest (the latest expiry, none counting as the latest); returns
 * how many are left. */
size_t orgctl_suppress_sort_values(uint64_t *v, size_t n);
/* Sorts keys in place by value (no second array; not stable; a large array on two threads),
 * moving carry[i] (NULL: none) with keys[i]: campaign load's numbers with their places. */
void orgctl_suppress_sort_keys(uint64_t *keys, uint32_t *carry, size_t n);

/* The numbers of sorted entries by the 5-digit prefix naming their shard, in prefix order,
 * each group in value order: where keys of several lengths share a prefix, gathered into a
 * scratch array (valid until the next call), else in place. */
#define ORGCTL_SUPPRESS_KEY_DIGITS 16 /* keys have fewer (E.164: 15 at most) */
typedef struct orgctl_suppress_groups {
    uint64_t *v;
    /* by the keys' number of digits: the next entry, the end, the first not released */
    size_t next[ORGCTL_SUPPRESS_KEY_DIGITS + 1], end[ORGCTL_SUPPRESS_KEY_DIGITS + 1],
        released[ORGCTL_SUPPRESS_KEY_DIGITS + 1];
    uint64_t *scratch;
    size_t scratch_alloc;
} orgctl_suppress_groups;
void orgctl_suppress_groups_start(orgctl_suppress_groups *g, uint64_t *v, size_t n);
bool orgctl_suppress_groups_next(orgctl_suppress_groups *g, uint64_t **group, size_t *n);
/* Gives back to the system the memory of the entries of groups already walked (they are
 * read no more: their values are lost), so that a walk that writes 100M numbers frees them
 * as it goes. */
void orgctl_suppress_groups_release(orgctl_suppress_groups *g);
void orgctl_suppress_groups_free(orgctl_suppress_groups *g);

/* Adds (expires: 0 none) or, with `remove`, removes numbers (keys) and client ids to or
 * from the list `list` of `org` in the change set: each shard they fall in rewritten once.
 * *changed: how many entries came or went (or changed expiry). */
int orgctl_suppress_edit(orgctl_changeset *cs, const char *org, const char *list,
                         const uint64_t *keys, size_t n_keys, const char *const *clients,
                         size_t n_clients, int64_t expires, bool remove, size_t *changed);

typedef struct orgctl_suppress_import_options {
    const char *column;                /* the phone column (NULL: the only column, or "number") */
    const char *expires_column;        /* NULL: none */
    const char *client_column;         /* NULL: none */
    const orgctl_phone_region *region; /* of national numbers */
    bool replace;                      /* the list becomes the file's content */
    bool skip_invalid;                 /* skip bad lines, reporting them, instead of failing */
    int64_t now;
    size_t max_input_size; /* what a .gz or .zip may inflate to (0: 4 GiB) */
} orgctl_suppress_import_options;

typedef struct orgctl_suppress_import_result {
    size_t lines;          /* entries read */
    size_t added, removed; /* what came and went (an expiry changed counts as added) */
    size_t total;          /* numbers and client ids in the list after */
    size_t skipped;        /* lines skipped (skip_invalid) */
    strbuf skipped_report; /* "FILE:LINE:COLUMN: reason" of the first few, a line each */
} orgctl_suppress_import_result;

/* Imports `file` (CSV with a header, or one number a line; plain, .gz or .zip) into the
 * list: all or nothing unless skip_invalid; the first bad line is ORGCTL_EINVALID
 * "FILE:LINE:COLUMN: reason". */
int orgctl_suppress_import(orgctl_changeset *cs, const char *org, const char *list,
                           const char *file, const orgctl_suppress_import_options *opts,
                           orgctl_suppress_import_result *res);

/* Removes the expired entries (at `now`) of the list; *removed how many. */
int orgctl_suppress_prune(orgctl_changeset *cs, const char *org, const char *list, int64_t now,
                          size_t *removed);

/* Removes every payload file of the list (before the list itself goes). */
int orgctl_suppress_clear(orgctl_changeset *cs, const char *org, const char *list);

/* The entries of the list at HEAD, sorted (numbers by value, then client ids), as CSV
 * "number,expires" (a client id in the column "client_id") into `file` ("-": the standard
 * output, streamed; NULL: appended to *rows as JSON objects); *count how many. */
int orgctl_suppress_export(orgctl_repo *repo, const char *org, const char *list, const char *file,
                           cJSON *rows, size_t *count);

/* The numbers and client ids of the list (at HEAD) and how many have expired at now. */
int orgctl_suppress_size(orgctl_repo *repo, const char *org, const char *list, int64_t now,
                         size_t *numbers, size_t *clients, size_t *expired);

/* --- for campaign load --- */
typedef struct orgctl_suppress_set orgctl_suppress_set;
/* The enabled lists that apply to `org`'s campaigns: the required enterprise lists, plus
 * `lists` (names; an enterprise list or one of the org's). */
int orgctl_suppress_set_open(orgctl_suppress_set **out, orgctl_repo *repo, const char *org,
                             const char *const *lists, size_t n_lists);
/* 1 and the list's name (and expiry, 0 = none) if `key` (orgctl_phone_key) is suppressed
 * at `now`, else 0. */
int orgctl_suppress_set_match_number(const char **list, int64_t *expires,
                                     const orgctl_suppress_set *set, uint64_t key, int64_t now);
/* Many numbers at once, for campaign load: keys (orgctl_phone_key) sorted ascending, equal
 * ones allowed. lists[i]: 1 + the index of the first list of the set that suppresses keys[i]
 * at `now` (as orgctl_suppress_set_match_number, expiry and all), 0 none. Each list is
 * walked forward once, not searched from its start for each key. */
void orgctl_suppress_set_match_sorted(uint32_t *lists, const orgctl_suppress_set *set,
                                      const uint64_t *keys, size_t n, int64_t now);
/* How many lists the set has; the name of list `list` (1-based, as
 * orgctl_suppress_set_match_sorted gives it). */
size_t orgctl_suppress_set_lists(const orgctl_suppress_set *set);
const char *orgctl_suppress_set_list_name(const orgctl_suppress_set *set, uint32_t list);
/* The walk of one list (sorted keys; minutes: their expiries in minutes, 0 none, or NULL
 * for none): marks[i] = mark where keys[i] is in the list and in force at `now` and
 * marks[i] is still 0 (an earlier list's mark stays). */
void orgctl_suppress_match_sorted(uint32_t *marks, uint32_t mark, const uint64_t *list,
                                  const uint32_t *minutes, size_t list_n, const uint64_t *keys,
                                  size_t n, int64_t now);
int orgctl_suppress_set_match_client(const char **list, int64_t *expires,
                                     const orgctl_suppress_set *set, const char *client_id,
                                     int64_t now);
/* 1 + the index of the first list of the set that suppresses the client id at `now` (and
 * its expiry in *expires, 0 = none), 0 none: the list as orgctl_suppress_set_list_name names
 * it. */
uint32_t orgctl_suppress_set_client_list(const orgctl_suppress_set *set, const char *client_id,
                                         int64_t now, int64_t *expires);
/* The hex id of the commit read. */
const char *orgctl_suppress_set_commit(const orgctl_suppress_set *set);
void orgctl_suppress_set_free(orgctl_suppress_set *set);
/* Every enabled list `org` sees (its own and the enterprise's), for check --all; with
 * `only` (a list name), that list alone, enabled or not. */
int orgctl_suppress_set_open_all(orgctl_suppress_set **out, orgctl_repo *repo, const char *org,
                                 const char *only);

#endif
