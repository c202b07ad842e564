/* The suppression engines (suppress.h): edits of a list's shards through the change set,
 * imports in one pass (numbers packed with their expiry into one uint64, radix sorted in
 * place, written shard by shard, their memory given back as they go: 8 bytes a number at
 * the peak), and the derived cache the queries read. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "folder.h"
#include "internal.h"
#include "orgctl/csv.h"
#include "suppress.h"
#include "suppress_text.h"

/* --- values --- */

int orgctl_suppress_expiry(const char *what, const char *text, size_t len, int64_t now,
                           int64_t *out)
{
    if (!orgctl_expiry_parse(text, len, out))
        return orgctl_error_set(ORGCTL_EINVALID,
                                "%s \"%.*s\" is not a time yyyy-MM-ddTHH:mmZ (UTC)", what,
                                (int)(len > 40 ? 40 : len), text);
    if (*out <= now)
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%.*s\" is not in the future", what, (int)len,
                                text);
    if (*out > now + (int64_t)ORGCTL_SUPPRESS_EXPIRY_DAYS * 86400)
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%.*s\" is more than %d days ahead", what,
                                (int)len, text, ORGCTL_SUPPRESS_EXPIRY_DAYS);
    return 0;
}

int orgctl_suppress_number(const char *text, size_t len, const orgctl_phone_region *region,
                           uint64_t *key, size_t *bad_at)
{
    char e164[ORGCTL_E164_MAX];
    ptrdiff_t at = -1;
    int code = orgctl_phone_normalize(e164, &at, region, text, len);
    if (code == 0 && (*key = orgctl_phone_key(e164)) != 0)
        return 0;
    if (bad_at)
        *bad_at = at >= 0 ? (size_t)at : 0;
    if (len > 40)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "\"%.20s...\" (%zu bytes) is not a phone number: %s", text, len,
                                orgctl_phone_strerror(code));
    return orgctl_error_set(ORGCTL_EINVALID, "\"%.*s\" is not a phone number: %s", (int)len, text,
                            orgctl_phone_strerror(code));
}

/* A number with its expiry, packed: the key (< 10^15 < 2^50) above 14 bits of an index
 * into a table of the distinct expiries, sorted, NO_EXPIRY the highest: the same number
 * twice keeps its latest expiry, none counting as the latest. */
#define EXP_BITS ORGCTL_SUPPRESS_EXP_BITS /* suppress.h */
#define NO_EXPIRY ((1u << EXP_BITS) - 1)
#define PACK(key, e) (((key) << EXP_BITS) | (e))
#define KEY_OF(p) ((p) >> EXP_BITS)
#define EXP_OF(p) ((unsigned)((p)&NO_EXPIRY))

/* --- sorting in place: no second array, so an import holds 8 bytes a number --- */

/* The 5-digit prefix of a key, which names its shard. */
static unsigned key_prefix(uint64_t key)
{
    while (key >= 100000)
        key /= 10;
    return (unsigned)key;
}

/* The sorts carry, when `carry` is not NULL, a 32-bit value with each key (campaign load:
 * a number's place in its file); an import carries none. */
static void insertion_sort(uint64_t *v, uint32_t *carry, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t x = v[i];
        uint32_t cx = carry ? carry[i] : 0;
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--) {
            v[j] = v[j - 1];
            if (carry)
                carry[j] = carry[j - 1];
        }
        v[j] = x;
        if (carry)
            carry[j] = cx;
    }
}

/* One pass of the MSD radix sort, in place (American flag sort): v ordered by its byte at
 * `shift`; count and end say each byte's entries and where they end. False (nothing moved)
 * when all share that byte. */
static bool msd_partition(uint64_t *v, uint32_t *carry, size_t n, int shift, size_t count[256],
                          size_t end[256])
{
    size_t next[256];
    memset(count, 0, 256 * sizeof(*count));
    for (size_t i = 0; i < n; i++)
        count[(v[i] >> shift) & 0xff]++;
    if (count[(v[0] >> shift) & 0xff] == n)
        return false;
    for (size_t d = 0, sum = 0; d < 256; d++) {
        next[d] = sum;
        end[d] = sum += count[d];
    }
    for (unsigned d = 0; d < 256; d++)
        while (next[d] < end[d]) { /* carry what is there to its place, until one fits */
            uint64_t x = v[next[d]];
            uint32_t cx = carry ? carry[next[d]] : 0;
            for (unsigned b; (b = (x >> shift) & 0xff) != d;) {
                size_t to = next[b]++;
                uint64_t t = v[to];
                v[to] = x;
                x = t;
                if (carry) {
                    uint32_t ct = carry[to];
                    carry[to] = cx;
                    cx = ct;
                }
            }
            if (carry)
                carry[next[d]] = cx;
            v[next[d]++] = x;
        }
    return true;
}

/* The digit below `shift` (bits sorted already may be taken again, down to bit 0). */
static int next_shift(int shift)
{
    return shift > 8 ? shift - 8 : 0;
}

/* MSD radix sort in place by the 8 bits from `shift` up, then the next 8 below. */
static void msd_sort(uint64_t *v, uint32_t *carry, size_t n, int shift)
{
    size_t count[256], end[256];
    for (; n > 32; shift = next_shift(shift)) {
        if (!msd_partition(v, carry, n, shift, count, end)) { /* a byte they all share */
            if (shift == 0)
                return;
            continue;
        }
        for (unsigned d = 0; shift > 0 && d < 256; d++)
            if (count[d] > 1)
                msd_sort(v + end[d] - count[d], carry ? carry + end[d] - count[d] : NULL, count[d],
                         next_shift(shift));
        return;
    }
    insertion_sort(v, carry, n);
}

/* The buckets [from, to) of a first pass, sorted on a thread. */
struct msd_buckets {
    uint64_t *v;
    uint32_t *carry;
    const size_t *count, *end;
    unsigned from, to;
    int shift;
};

static void *msd_buckets_sort(void *arg)
{
    const struct msd_buckets *b = arg;
    for (unsigned d = b->from; d < b->to; d++)
        if (b->count[d] > 1)
            msd_sort(b->v + b->end[d] - b->count[d],
                     b->carry ? b->carry + b->end[d] - b->count[d] : NULL, b->count[d], b->shift);
    return NULL;
}

/* The shift of the first digit: the 8 bits below the highest in which the values differ
 * (numbers of one country share their top bits: a pass on those would split them in two). */
static int first_digit_shift(const uint64_t *v, size_t n)
{
    uint64_t differ = 0;
    for (size_t i = 1; i < n; i++)
        differ |= v[i] ^ v[0];
    int top = 63;
    while (top > 0 && !(differ >> top & 1))
        top--;
    return top > 7 ? top - 7 : 0;
}

/* Below this many entries, one thread sorts. */
#define SORT_THREADED 65536

void orgctl_suppress_sort_keys(uint64_t *keys, uint32_t *carry, size_t n)
{
    int shift = first_digit_shift(keys, n);
    if (n < SORT_THREADED) {
        msd_sort(keys, carry, n, shift);
        return;
    }
    /* the first pass here, then its buckets in two halves, the second on another thread */
    size_t count[256], end[256];
    while (!msd_partition(keys, carry, n, shift, count, end)) {
        if (shift == 0)
            return;
        shift = next_shift(shift);
    }
    if (shift == 0)
        return;
    unsigned mid = 0;
    for (size_t sum = 0; mid < 256 && sum + count[mid] <= n / 2; mid++)
        sum += count[mid];
    struct msd_buckets halves[2] = {{keys, carry, count, end, 0, mid, next_shift(shift)},
                                    {keys, carry, count, end, mid, 256, next_shift(shift)}};
    pthread_t thread;
    bool threaded = pthread_create(&thread, NULL, msd_buckets_sort, &halves[1]) == 0;
    msd_buckets_sort(&halves[0]);
    if (threaded)
        pthread_join(thread, NULL);
    else
        msd_buckets_sort(&halves[1]);
}

/* Keeps the last of each key's entries (the highest packed value); the new count. */
static size_t unique_keys(uint64_t *v, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (out && KEY_OF(v[out - 1]) == KEY_OF(v[i]))
            out--;
        v[out++] = v[i];
    }
    return out;
}

size_t orgctl_suppress_sort_values(uint64_t *v, size_t n)
{
    orgctl_suppress_sort_keys(v, NULL, n);
    return unique_keys(v, n);
}

/* 10^e (1 for e <= 0; e < 20). */
static uint64_t pow10_of(int e)
{
    static const uint64_t p[20] = {1u,
                                   10u,
                                   100u,
                                   1000u,
                                   10000u,
                                   100000u,
                                   1000000u,
                                   10000000u,
                                   100000000u,
                                   1000000000u,
                                   10000000000u,
                                   100000000000u,
                                   1000000000000u,
                                   10000000000000u,
                                   100000000000000u,
                                   1000000000000000u,
                                   10000000000000000u,
                                   100000000000000000u,
                                   1000000000000000000u,
                                   10000000000000000000u};
    return e <= 0 ? 1 : p[e];
}

/* The first of v[from..to) (sorted) not below `value`. */
static size_t lower_bound(const uint64_t *v, size_t from, size_t to, uint64_t value)
{
    while (from < to) {
        size_t mid = from + (to - from) / 2;
        if (v[mid] < value)
            from = mid + 1;
        else
            to = mid;
    }
    return from;
}

void orgctl_suppress_groups_start(orgctl_suppress_groups *g, uint64_t *v, size_t n)
{
    memset(g, 0, sizeof(*g));
    g->v = v;
    /* sorted by value, the keys of each number of digits are one run */
    size_t at = 0;
    for (int d = 1; d < ORGCTL_SUPPRESS_KEY_DIGITS; d++) {
        g->next[d] = g->released[d] = at;
        at = lower_bound(v, at, n, PACK(pow10_of(d), 0));
        g->end[d] = at;
    }
    g->next[ORGCTL_SUPPRESS_KEY_DIGITS] = g->released[ORGCTL_SUPPRESS_KEY_DIGITS] = at;
    g->end[ORGCTL_SUPPRESS_KEY_DIGITS] = n;
}

bool orgctl_suppress_groups_next(orgctl_suppress_groups *g, uint64_t **group, size_t *n)
{
    unsigned prefix = UINT32_MAX;
    for (int d = 1; d <= ORGCTL_SUPPRESS_KEY_DIGITS; d++)
        if (g->next[d] < g->end[d] && key_prefix(KEY_OF(g->v[g->next[d]])) < prefix)
            prefix = key_prefix(KEY_OF(g->v[g->next[d]]));
    if (prefix == UINT32_MAX)
        return false;
    /* the prefix's numbers of each run, shortest first: value order */
    size_t from = 0, len = 0;
    int runs = 0;
    for (int d = 1; d <= ORGCTL_SUPPRESS_KEY_DIGITS; d++) {
        if (g->next[d] >= g->end[d] || key_prefix(KEY_OF(g->v[g->next[d]])) != prefix)
            continue;
        uint64_t bound = PACK((prefix + 1) * pow10_of(d - 5), 0); /* d <= 5: the key itself */
        size_t start = g->next[d], stop = start;
        while (stop < g->end[d] && g->v[stop] < bound)
            stop++;
        g->next[d] = stop;
        if (runs++ == 0) {
            from = start;
            len = stop - start;
            continue;
        }
        if (runs == 2) { /* in more than one run: gathered (rare: a prefix of several lengths) */
            if (g->scratch_alloc < len)
                g->scratch = xrealloc(g->scratch, (g->scratch_alloc = len) * sizeof(uint64_t));
            memcpy(g->scratch, g->v + from, len * sizeof(uint64_t));
        }
        if (g->scratch_alloc < len + stop - start) {
            g->scratch_alloc = (len + stop - start) * 2;
            g->scratch = xrealloc(g->scratch, g->scratch_alloc * sizeof(uint64_t));
        }
        memcpy(g->scratch + len, g->v + start, (stop - start) * sizeof(uint64_t));
        len += stop - start;
    }
    *group = runs > 1 ? g->scratch : g->v + from;
    *n = len;
    return true;
}

void orgctl_suppress_groups_release(orgctl_suppress_groups *g)
{
#ifdef MADV_DONTNEED
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), base = (uintptr_t)g->v;
    for (int d = 1; d <= ORGCTL_SUPPRESS_KEY_DIGITS; d++) {
        /* whole pages of the entries passed, a megabyte or more at a time: few calls */
        uintptr_t from = (base + g->released[d] * 8 + page - 1) / page * page,
                  to = (base + g->next[d] * 8) / page * page;
        if (to >= from + ((uintptr_t)1 << 20) &&
            madvise((void *)from, to - from, MADV_DONTNEED) == 0)
            g->released[d] = (to - base) / 8;
    }
#else
    (void)g;
#endif
}

void orgctl_suppress_groups_free(orgctl_suppress_groups *g)
{
    free(g->scratch);
    g->scratch = NULL;
}

/* --- entries in memory --- */

struct expiries {
    int64_t *v; /* by index; sorted once all are in */
    size_t n, alloc;
};

struct numbers {
    uint64_t *v;
    size_t n, alloc;
};

static void numbers_push(struct numbers *a, uint64_t p)
{
    if (a->n == a->alloc) {
        a->alloc = a->alloc ? a->alloc * 2 : 1024;
        a->v = xrealloc(a->v, a->alloc * sizeof(*a->v));
    }
    a->v[a->n++] = p;
}

/* The index of expiry t (0: none) in the table; -1 when the table is full. */
static int expiry_index(struct expiries *x, int64_t t)
{
    if (!t)
        return NO_EXPIRY;
    for (size_t i = x->n; i-- > 0;) /* few distinct values, the last one most often */
        if (x->v[i] == t)
            return (int)i;
    if (x->n + 1 >= NO_EXPIRY)
        return -1;
    if (x->n == x->alloc) {
        x->alloc = x->alloc ? x->alloc * 2 : 16;
        x->v = xrealloc(x->v, x->alloc * sizeof(*x->v));
    }
    x->v[x->n] = t;
    return (int)x->n++;
}

static int64_t expiry_at(const struct expiries *x, unsigned e)
{
    return e == NO_EXPIRY ? 0 : x->v[e];
}

/* Sorts the table and renumbers the packed values to match, so that within one key the
 * order of packed values is the order of expiries. */
static void expiries_sort(struct expiries *x, struct numbers *a)
{
    if (x->n < 2)
        return;
    size_t *order = xmalloc(x->n * sizeof(*order));
    for (size_t i = 0; i < x->n; i++)
        order[i] = i;
    for (size_t i = 1; i < x->n; i++) /* insertion sort: a few hundred values at most */
        for (size_t j = i; j > 0 && x->v[order[j - 1]] > x->v[order[j]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    unsigned *rank = xmalloc(x->n * sizeof(*rank));
    int64_t *sorted = xmalloc(x->n * sizeof(*sorted));
    for (size_t i = 0; i < x->n; i++) {
        rank[order[i]] = (unsigned)i;
        sorted[i] = x->v[order[i]];
    }
    for (size_t i = 0; i < a->n; i++)
        if (EXP_OF(a->v[i]) != NO_EXPIRY)
            a->v[i] = PACK(KEY_OF(a->v[i]), rank[EXP_OF(a->v[i])]);
    if (x->n)
        memcpy(x->v, sorted, x->n * sizeof(*sorted));
    free(sorted);
    free(rank);
    free(order);
}

struct client {
    char *id;
    int64_t expires;
};

struct clients {
    struct client *v;
    size_t n, alloc;
};

static void clients_push(struct clients *c, const char *id, size_t len, int64_t expires)
{
    if (c->n == c->alloc) {
        c->alloc = c->alloc ? c->alloc * 2 : 64;
        c->v = xrealloc(c->v, c->alloc * sizeof(*c->v));
    }
    c->v[c->n].id = xmalloc(len + 1);
    memcpy(c->v[c->n].id, id, len);
    c->v[c->n].id[len] = '\0';
    c->v[c->n++].expires = expires;
}

static void clients_free(struct clients *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].id);
    free(c->v);
    memset(c, 0, sizeof(*c));
}

/* Latest expiry wins, none counting as the latest. */
static int64_t later(int64_t a, int64_t b)
{
    return !a || !b ? 0 : a > b ? a : b;
}

static int client_cmp(const void *a, const void *b)
{
    const struct client *x = a, *y = b;
    return strcmp(x->id, y->id);
}

static void clients_sort_unique(struct clients *c)
{
    if (c->n == 0)
        return; /* c->v may be NULL: qsort must not see it */
    qsort(c->v, c->n, sizeof(*c->v), client_cmp);
    size_t out = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (out && strcmp(c->v[out - 1].id, c->v[i].id) == 0) {
            c->v[out - 1].expires = later(c->v[out - 1].expires, c->v[i].expires);
            free(c->v[i].id);
            continue;
        }
        c->v[out++] = c->v[i];
    }
    c->n = out;
}

/* --- shards --- */

static void add_expiry(strbuf *out, int64_t t)
{
    if (!t)
        return;
    char text[ORGCTL_SUPPRESS_EXPIRY_LEN + 1];
    orgctl_expiry_format(text, t);
    strbuf_addch(out, ' ');
    strbuf_add(out, text, ORGCTL_SUPPRESS_EXPIRY_LEN);
}

/* One number's line. */
static void add_number_line(strbuf *out, uint64_t key, int64_t expires)
{
    char text[ORGCTL_E164_MAX];
    orgctl_phone_from_key(text, key);
    strbuf_adds(out, text);
    add_expiry(out, expires);
    strbuf_addch(out, '\n');
}

/* The list's folder ("orgs/o/suppress/L/"), malloc'd. */
static char *list_folder(const char *org, const char *list)
{
    char *path = orgctl_kind_path(&orgctl_kind_suppress, org, list);
    path[strlen(path) - strlen(orgctl_kind_suppress.payload->object_file)] = '\0';
    return path;
}

static int list_must_exist(orgctl_repo *repo, const char *org, const char *list)
{
    if (!orgctl_object_exists(repo, &orgctl_kind_suppress, org, list))
        return orgctl_error_set(ORGCTL_ENOTFOUND, "suppression list \"%s\" not found in org \"%s\"",
                                list, org);
    return 0;
}

/* The current text of a shard as the change set sees it (empty: none). */
static int read_shard(orgctl_changeset *cs, const char *folder, const char *rel, strbuf *out)
{
    strbuf path = STRBUF_INIT;
    strbuf_adds(&path, folder);
    strbuf_adds(&path, rel);
    int error =
        orgctl_changeset_read_current(orgctl_changeset_repo(cs), strbuf_str(&path), false, out);
    strbuf_release(&path);
    return error < 0 ? error : 0;
}

struct shard_lines {
    struct numbers nums; /* packed with expiries in `x` */
    struct expiries *x;
    struct clients clients;
    int error;
};

static int collect_line(const orgctl_suppress_line *l, void *payload)
{
    struct shard_lines *s = payload;
    if (l->key) {
        int e = expiry_index(s->x, l->expires);
        if (e < 0)
            return orgctl_error_set(ORGCTL_EINVALID, "more than %u distinct expiries",
                                    NO_EXPIRY - 1);
        numbers_push(&s->nums, PACK(l->key, (unsigned)e));
    } else {
        clients_push(&s->clients, l->entry, l->len, l->expires);
    }
    return 0;
}

/* Stages `text` as the shard `rel` of the list (removed when empty), when it differs from
 * `before`. */
static int stage_shard(orgctl_changeset *cs, const char *org, const char *list, const char *rel,
                       const strbuf *before, const strbuf *text)
{
    if (before->len == text->len &&
        (text->len == 0 || memcmp(before->buf, text->buf, text->len) == 0))
        return 0;
    return orgctl_changeset_put_payload(cs, &orgctl_kind_suppress, org, list, rel,
                                        text->len ? text->buf : NULL, text->len);
}

/* --- edits: numbers (sorted, unique, packed) merged into their shards --- */

struct counts {
    size_t added, removed, total;
};

/* How one entry of a shard merge ends: `cmp` < 0 only in the shard, > 0 only given, 0 in
 * both (`changed`: with another expiry). Returns what the shard keeps: 0 nothing, 1 the
 * shard's line, 2 the given one; and counts. With `replace` the shard becomes what is
 * given; else what is given is added, or removed (`remove`). */
static int merge_step(int cmp, bool changed, bool replace, bool remove, struct counts *c)
{
    int keep;
    if (cmp < 0) {
        keep = replace ? 0 : 1;
        c->removed += replace;
    } else if (cmp > 0) {
        keep = remove ? 0 : 2;
        c->added += !remove;
    } else {
        keep = remove ? 0 : 2;
        c->removed += remove;
        c->added += !remove && changed;
    }
    c->total += keep != 0;
    return keep;
}

/* The shard's entries as they are now (`before`, parsed into cur), or none. */
static int parse_before(const char *rel, const strbuf *before, struct shard_lines *cur)
{
    return before->len
               ? orgctl_suppress_shard_parse(rel, before->buf, before->len, collect_line, cur)
               : 0;
}

static void shard_lines_free(struct shard_lines *cur)
{
    free(cur->nums.v);
    free(cur->x->v);
    clients_free(&cur->clients);
}

/* The digit of `key` at `pos` (0: its first). */
static unsigned key_digit(uint64_t key, int pos)
{
    int ndigits = 1;
    while (ndigits < 20 && key >= pow10_of(ndigits))
        ndigits++;
    return (unsigned)(key / pow10_of(ndigits - 1 - pos) % 10);
}

/* Stages the entries keys/exps[0..n) (sorted) as the shard `rel` of the prefix of `digits`
 * digits, whose text was `before`: one shard, or past ORGCTL_SUPPRESS_SHARD_SPLIT lines
 * (and short of the longest prefix) the shards of the next digit, the shard itself
 * removed. Those are new: no shard's prefix is a prefix of another's. */
static int stage_number_shards(orgctl_changeset *cs, const char *org, const char *list,
                               const char *rel, const strbuf *before, const uint64_t *keys,
                               const int64_t *exps, size_t n, int digits)
{
    strbuf text = STRBUF_INIT;
    int error = 0;
    if (n <= ORGCTL_SUPPRESS_SHARD_SPLIT || digits >= ORGCTL_SUPPRESS_PREFIX_MAX) {
        for (size_t i = 0; i < n; i++)
            add_number_line(&text, keys[i], exps[i]);
        error = stage_shard(cs, org, list, rel, before, &text);
        strbuf_release(&text);
        return error;
    }
    error = stage_shard(cs, org, list, rel, before, &text); /* removed: split below */
    /* each number's next digit, once: a stable counting sort into the ten children */
    unsigned char *digit = xmalloc(n);
    size_t start[11] = {0}, at[10];
    for (size_t i = 0; i < n; i++) {
        digit[i] = (unsigned char)key_digit(keys[i], digits);
        start[digit[i] + 1]++;
    }
    for (unsigned d = 0; d < 10; d++) {
        at[d] = start[d];
        start[d + 1] += start[d];
    }
    uint64_t *ck = xmalloc(n * sizeof(*ck));
    int64_t *ce = xmalloc(n * sizeof(*ce));
    for (size_t i = 0; i < n; i++) {
        size_t k = at[digit[i]]++;
        ck[k] = keys[i];
        ce[k] = exps[i];
    }
    free(digit);
    for (unsigned d = 0; !error && d < 10; d++) {
        size_t m = start[d + 1] - start[d];
        if (!m)
            continue;
        char child[ORGCTL_SUPPRESS_SHARD_MAX];
        orgctl_suppress_number_shard_at(child, ck[start[d]], digits + 1);
        error = stage_number_shards(cs, org, list, child, &text /* empty: new */, ck + start[d],
                                    ce + start[d], m, digits + 1);
    }
    free(ck);
    free(ce);
    strbuf_release(&text);
    return error;
}

/* Rewrites the shard `rel` (its prefix of `digits` digits) of the numbers in[0..n) from
 * its content `before`. */
static int merge_number_shard(orgctl_changeset *cs, const char *org, const char *list,
                              const char *rel, int digits, const strbuf *before, const uint64_t *in,
                              size_t n, const struct expiries *x, bool replace, bool remove,
                              struct counts *c)
{
    struct expiries bx = {0};
    struct shard_lines cur = {{0}, &bx, {0}, 0};
    int error = parse_before(rel, before, &cur);
    size_t cap = cur.nums.n + n, m = 0;
    uint64_t *keys = xmalloc((cap + 1) * sizeof(*keys));
    int64_t *exps = xmalloc((cap + 1) * sizeof(*exps));
    /* the shard's lines are sorted by value, as the keys are */
    for (size_t i = 0, j = 0; !error && (i < cur.nums.n || j < n);) {
        uint64_t ck = i < cur.nums.n ? KEY_OF(cur.nums.v[i]) : UINT64_MAX;
        uint64_t nk = j < n ? KEY_OF(in[j]) : UINT64_MAX;
        int64_t ce = i < cur.nums.n ? expiry_at(&bx, EXP_OF(cur.nums.v[i])) : 0;
        int64_t ne = j < n ? expiry_at(x, EXP_OF(in[j])) : 0;
        int cmp = ck < nk ? -1 : ck > nk;
        int keep = merge_step(cmp, ce != ne, replace, remove, c);
        if (keep) {
            keys[m] = keep == 1 ? ck : nk;
            exps[m++] = keep == 1 ? ce : ne;
        }
        i += cmp <= 0;
        j += cmp >= 0;
    }
    if (!error)
        error = stage_number_shards(cs, org, list, rel, before, keys, exps, m, digits);
    free(keys);
    free(exps);
    shard_lines_free(&cur);
    return error;
}

/* The same for client ids of one shard. */
static int merge_client_shard(orgctl_changeset *cs, const char *org, const char *list,
                              const char *rel, const strbuf *before, const struct client *in,
                              size_t n, bool replace, bool remove, struct counts *c)
{
    struct expiries bx = {0};
    struct shard_lines cur = {{0}, &bx, {0}, 0};
    int error = parse_before(rel, before, &cur);
    strbuf text = STRBUF_INIT;
    for (size_t i = 0, j = 0; !error && (i < cur.clients.n || j < n);) {
        int cmp = i >= cur.clients.n ? 1 : j >= n ? -1 : strcmp(cur.clients.v[i].id, in[j].id);
        bool changed = cmp == 0 && cur.clients.v[i].expires != in[j].expires;
        int keep = merge_step(cmp, changed, replace, remove, c);
        if (keep) {
            const struct client *k = keep == 1 ? &cur.clients.v[i] : &in[j];
            strbuf_adds(&text, k->id);
            add_expiry(&text, k->expires);
            strbuf_addch(&text, '\n');
        }
        i += cmp <= 0;
        j += cmp >= 0;
    }
    if (!error)
        error = stage_shard(cs, org, list, rel, before, &text);
    strbuf_release(&text);
    shard_lines_free(&cur);
    return error;
}

static int client_shard_cmp(const void *a, const void *b)
{
    const struct client *x = a, *y = b;
    char sa[ORGCTL_SUPPRESS_SHARD_MAX], sb[ORGCTL_SUPPRESS_SHARD_MAX];
    orgctl_suppress_client_shard(sa, x->id, strlen(x->id));
    orgctl_suppress_client_shard(sb, y->id, strlen(y->id));
    int c = strcmp(sa, sb);
    return c ? c : strcmp(x->id, y->id);
}

struct base_shards {
    char **rel;
    size_t n, alloc;
};

static int note_base_shard(const char *rel, const char *data, size_t len, void *payload)
{
    struct base_shards *b = payload;
    (void)data;
    (void)len;
    if (strcmp(rel, orgctl_kind_suppress.payload->object_file) == 0)
        return 0;
    if (b->n == b->alloc) {
        b->alloc = b->alloc ? b->alloc * 2 : 64;
        b->rel = xrealloc(b->rel, b->alloc * sizeof(*b->rel));
    }
    b->rel[b->n++] = xstrdup(rel);
    return 0;
}

static void base_shards_free(struct base_shards *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->rel[i]);
    free(b->rel);
}

static int rel_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Marks the base shard `rel` (when there is one) as given something. */
static void mark_base(const struct base_shards *base, bool *touched, const char *rel)
{
    const char *key = rel;
    char **at = base->n ? bsearch(&key, base->rel, base->n, sizeof(*base->rel), rel_cmp) : NULL;
    if (at)
        touched[at - base->rel] = true;
}

/* --- the layout: which shard a number is in --- */

/* The number shards of one 3-digit folder as the change set sees them: the prefixes at
 * its base (sorted), and what it staged (asked path by path). */
struct layout {
    orgctl_changeset *cs;
    const char *folder; /* the list's */
    char dir[4];        /* the 3-digit folder read, "" none yet */
    char **base;
    size_t n_base, alloc;
    strbuf path;
    char memo_key[ORGCTL_SUPPRESS_PREFIX_MAX + 1]; /* the last 7-digit prefix resolved */
    int memo_digits;
    bool staged_before; /* the change set staged something before this edit */
};

static int note_prefix(const char *rel, const char *data, size_t len, void *payload)
{
    struct layout *lay = payload;
    char prefix[ORGCTL_SUPPRESS_PREFIX_MAX + 1];
    (void)data;
    (void)len;
    char full[ORGCTL_SUPPRESS_SHARD_MAX + 8];
    snprintf(full, sizeof(full), "numbers/%s/%s", lay->dir, rel);
    if (!orgctl_suppress_shard_prefix(full, prefix))
        return 0;
    if (lay->n_base == lay->alloc) {
        lay->alloc = lay->alloc ? lay->alloc * 2 : 64;
        lay->base = xrealloc(lay->base, lay->alloc * sizeof(*lay->base));
    }
    lay->base[lay->n_base++] = xstrdup(prefix);
    return 0;
}

static void layout_clear(struct layout *lay)
{
    for (size_t i = 0; i < lay->n_base; i++)
        free(lay->base[i]);
    lay->n_base = 0;
    lay->memo_key[0] = '\0';
}

/* Reads the base's shards of the folder of `digits` (a key's text) unless read already. */
static int layout_load(struct layout *lay, const char *digits)
{
    if (memcmp(lay->dir, digits, 3) == 0)
        return 0;
    layout_clear(lay);
    memcpy(lay->dir, digits, 3);
    lay->dir[3] = '\0';
    strbuf_reset(&lay->path);
    strbuf_addf(&lay->path, "%snumbers/%s", lay->folder, lay->dir);
    int error = orgctl_store_folder_files(orgctl_changeset_repo(lay->cs), strbuf_str(&lay->path), 0,
                                          note_prefix, lay);
    if (error == 0 && lay->n_base)
        qsort(lay->base, lay->n_base, sizeof(*lay->base), rel_cmp);
    return error;
}

static void layout_free(struct layout *lay)
{
    layout_clear(lay);
    free(lay->base);
    strbuf_release(&lay->path);
}

/* Whether the change set staged the shard of `prefix`: 1 written, 0 removed, -1 not. */
static int layout_staged(struct layout *lay, const char *prefix)
{
    strbuf_reset(&lay->path);
    strbuf_addf(&lay->path, "%snumbers/%.3s/%s.txt", lay->folder, prefix, prefix);
    return orgctl_changeset_staged(lay->cs, strbuf_str(&lay->path));
}

/* The first base prefix not below `prefix` (an index into base). */
static size_t base_lower(const struct layout *lay, const char *prefix)
{
    size_t lo = 0, hi = lay->n_base;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(lay->base[mid], prefix) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool shard_exists(struct layout *lay, const char *prefix)
{
    int staged = layout_staged(lay, prefix);
    if (staged >= 0)
        return staged == 1;
    size_t at = base_lower(lay, prefix);
    return at < lay->n_base && strcmp(lay->base[at], prefix) == 0;
}

/* Whether the shard of `prefix` was split: there are shards of longer prefixes under it
 * (at the base, or staged by the change set). */
static bool shard_split(struct layout *lay, const char *prefix)
{
    size_t len = strlen(prefix), at = base_lower(lay, prefix);
    for (; at < lay->n_base && strncmp(lay->base[at], prefix, len) == 0; at++)
        if (strlen(lay->base[at]) > len)
            return true;
    /* shards staged by what this change set did before (a bulk set's earlier rows): a
     * shard they made and split at once was never staged itself, so ask for its children */
    if (len >= ORGCTL_SUPPRESS_PREFIX_MAX || !lay->staged_before)
        return false;
    char child[ORGCTL_SUPPRESS_PREFIX_MAX + 1];
    memcpy(child, prefix, len);
    child[len + 1] = '\0';
    for (char d = '0'; d <= '9'; d++) {
        child[len] = d;
        if (shard_exists(lay, child) || shard_split(lay, child))
            return true;
    }
    return false;
}

/* The number of digits of the prefix naming the shard of the number `digits` (its text,
 * no '+'): the longest prefix with a shard, else the first that was not split. */
static int shard_digits(struct layout *lay, const char *digits, int *out)
{
    int error = layout_load(lay, digits);
    if (error < 0)
        return error;
    if (strncmp(lay->memo_key, digits, ORGCTL_SUPPRESS_PREFIX_MAX) == 0) {
        *out = lay->memo_digits;
        return 0;
    }
    char prefix[ORGCTL_SUPPRESS_PREFIX_MAX + 1];
    int len = ORGCTL_SUPPRESS_PREFIX_MIN;
    for (;; len++) {
        memcpy(prefix, digits, (size_t)len);
        prefix[len] = '\0';
        if (len == ORGCTL_SUPPRESS_PREFIX_MAX || shard_exists(lay, prefix) ||
            !shard_split(lay, prefix))
            break;
    }
    memcpy(lay->memo_key, digits, ORGCTL_SUPPRESS_PREFIX_MAX);
    lay->memo_key[ORGCTL_SUPPRESS_PREFIX_MAX] = '\0';
    lay->memo_digits = *out = len;
    return 0;
}

struct targeted {
    uint64_t packed;
    uint32_t at;    /* its place in the input, which is sorted */
    uint8_t digits; /* of its shard's prefix */
    char prefix[ORGCTL_SUPPRESS_PREFIX_MAX + 1];
};

static int targeted_cmp(const void *a, const void *b)
{
    const struct targeted *x = a, *y = b;
    int c = strcmp(x->prefix, y->prefix);
    return c ? c : x->at < y->at ? -1 : x->at > y->at;
}

/* Merges the numbers v[0..n) (sorted, one 5-digit prefix) into their shards: one shard
 * as a rule; where that prefix was split, each number's shard by the layout. */
static int apply_prefix_group(orgctl_changeset *cs, const char *org, const char *list,
                              const char *folder, struct layout *lay, uint64_t *v, size_t n,
                              const struct expiries *x, bool replace, bool remove,
                              const struct base_shards *base, bool *touched, strbuf *before,
                              struct counts *c)
{
    char text[ORGCTL_E164_MAX], rel[ORGCTL_SUPPRESS_SHARD_MAX];
    orgctl_phone_from_key(text, KEY_OF(v[0]));
    int error = layout_load(lay, text + 1);
    text[1 + ORGCTL_SUPPRESS_PREFIX_MIN] = '\0';
    if (error < 0)
        return error;
    if (shard_exists(lay, text + 1) || !shard_split(lay, text + 1)) { /* the rule */
        orgctl_suppress_number_shard(rel, KEY_OF(v[0]));
        mark_base(base, touched, rel);
        if ((error = read_shard(cs, folder, rel, before)) == 0)
            error = merge_number_shard(cs, org, list, rel, ORGCTL_SUPPRESS_PREFIX_MIN, before, v, n,
                                       x, replace, remove, c);
        return error;
    }
    struct targeted *t = xmalloc(n * sizeof(*t));
    bool one = true;
    for (size_t i = 0; !error && i < n; i++) {
        int digits;
        orgctl_phone_from_key(text, KEY_OF(v[i]));
        if ((error = shard_digits(lay, text + 1, &digits)) < 0)
            break;
        t[i].packed = v[i];
        t[i].at = (uint32_t)i;
        t[i].digits = (uint8_t)digits;
        memcpy(t[i].prefix, text + 1, (size_t)digits);
        t[i].prefix[digits] = '\0';
        one = one && strcmp(t[i].prefix, t[0].prefix) == 0;
    }
    if (!error && !one) {
        qsort(t, n, sizeof(*t), targeted_cmp);
        for (size_t i = 0; i < n; i++)
            v[i] = t[i].packed;
    }
    for (size_t i = 0; !error && i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(t[j].prefix, t[i].prefix) == 0)
            j++;
        orgctl_suppress_number_shard_at(rel, KEY_OF(v[i]), t[i].digits);
        mark_base(base, touched, rel);
        if ((error = read_shard(cs, folder, rel, before)) == 0)
            error = merge_number_shard(cs, org, list, rel, t[i].digits, before, v + i, j - i, x,
                                       replace, remove, c);
        i = j;
    }
    free(t);
    return error;
}

/* Applies numbers (packed, expiries in x; sorted, unique: orgctl_suppress_sort_values)
 * and unique client ids to the list: added,
 * removed, or (replace) the list's whole content. Each shard is read and staged once. */
static int apply(orgctl_changeset *cs, const char *org, const char *list, struct numbers *nums,
                 const struct expiries *x, struct clients *clients, bool replace, bool remove,
                 struct counts *c)
{
    orgctl_repo *repo = orgctl_changeset_repo(cs);
    int error = list_must_exist(repo, org, list);
    if (error < 0)
        return error;
    char *folder = list_folder(org, list);
    struct base_shards base = {0};
    /* the shards there are now: all are rewritten by a replace; and their number says
     * how big the change may be */
    if (replace &&
        (error = orgctl_store_folder_files(repo, folder, 0, note_base_shard, &base)) == 0 && base.n)
        qsort(base.rel, base.n, sizeof(*base.rel), rel_cmp);
    if (!error && clients->n)
        qsort(clients->v, clients->n, sizeof(*clients->v), client_shard_cmp);
    /* and the shards a split makes: up to ten for each SHARD_SPLIT lines given */
    size_t shards = base.n + clients->n + nums->n / ORGCTL_SUPPRESS_SHARD_SPLIT * 10, len;
    orgctl_suppress_groups groups;
    uint64_t *group;
    orgctl_suppress_groups_start(&groups, nums->v, nums->n);
    while (orgctl_suppress_groups_next(&groups, &group, &len))
        shards++;
    orgctl_suppress_groups_free(&groups);
    if (!error && shards > ORGCTL_CHANGESET_LARGE &&
        (error = orgctl_changeset_large(cs, shards, orgctl_repo_dry_run(repo))) < 0)
        goto done;
    orgctl_perm_cache_start(repo);
    strbuf before = STRBUF_INIT;
    bool *touched = xcalloc(base.n + 1, sizeof(*touched)); /* base shards given something */
    char rel[ORGCTL_SUPPRESS_SHARD_MAX];
    struct layout lay = {cs, folder, "", NULL, 0, 0, STRBUF_INIT, "", 0, false};
    lay.staged_before = orgctl_changeset_count(cs) > 0;
    orgctl_suppress_groups_start(&groups, nums->v, nums->n);
    while (!error && orgctl_suppress_groups_next(&groups, &group, &len)) {
        error = apply_prefix_group(cs, org, list, folder, &lay, group, len, x, replace, remove,
                                   &base, touched, &before, c);
        orgctl_suppress_groups_release(&groups); /* what the change set keeps grows meanwhile */
    }
    orgctl_suppress_groups_free(&groups);
    layout_free(&lay);
    for (size_t i = 0; !error && i < clients->n;) {
        size_t j = i;
        char next[ORGCTL_SUPPRESS_SHARD_MAX];
        orgctl_suppress_client_shard(rel, clients->v[i].id, strlen(clients->v[i].id));
        do {
            j++;
            if (j < clients->n)
                orgctl_suppress_client_shard(next, clients->v[j].id, strlen(clients->v[j].id));
        } while (j < clients->n && strcmp(next, rel) == 0);
        mark_base(&base, touched, rel);
        if ((error = read_shard(cs, folder, rel, &before)) == 0)
            error = merge_client_shard(cs, org, list, rel, &before, clients->v + i, j - i, replace,
                                       remove, c);
        i = j;
    }
    /* what the replace gives nothing to: emptied */
    for (size_t b = 0; !error && b < base.n; b++) {
        if (touched[b])
            continue;
        if ((error = read_shard(cs, folder, base.rel[b], &before)) < 0)
            break;
        if (strncmp(base.rel[b], "numbers/", 8) == 0)
            error = merge_number_shard(cs, org, list, base.rel[b], (int)strlen(base.rel[b]) - 16,
                                       &before, NULL, 0, x, true, false, c);
        else
            error =
                merge_client_shard(cs, org, list, base.rel[b], &before, NULL, 0, true, false, c);
    }
    free(touched);
    strbuf_release(&before);
    orgctl_perm_cache_stop(repo);
done:
    base_shards_free(&base);
    free(folder);
    return error;
}

int orgctl_suppress_edit(orgctl_changeset *cs, const char *org, const char *list,
                         const uint64_t *keys, size_t n_keys, const char *const *client_ids,
                         size_t n_clients, int64_t expires, bool remove, size_t *changed)
{
    struct expiries x = {0};
    struct numbers nums = {0};
    struct clients clients = {0};
    int e = expiry_index(&x, expires);
    for (size_t i = 0; i < n_keys; i++)
        numbers_push(&nums, PACK(keys[i], (unsigned)e));
    for (size_t i = 0; i < n_clients; i++)
        clients_push(&clients, client_ids[i], strlen(client_ids[i]), expires);
    nums.n = orgctl_suppress_sort_values(nums.v, nums.n);
    clients_sort_unique(&clients);
    struct counts c = {0};
    int error = apply(cs, org, list, &nums, &x, &clients, false, remove, &c);
    *changed = remove ? c.removed : c.added;
    free(nums.v);
    free(x.v);
    clients_free(&clients);
    return error;
}

/* --- import --- */

/* How many skipped lines an import names; the rest are counted. */
#define SKIPPED_NAMED 20

struct import {
    const orgctl_suppress_import_options *opts;
    orgctl_suppress_import_result *res;
    const char *file;
    long number_col, expires_col, client_col; /* -1: none */
    struct numbers nums;
    struct expiries x;
    struct clients clients;
};

/* A bad line: the import fails, or with skip_invalid it is skipped and named. */
static int bad_entry(struct import *im, size_t line, size_t column, const char *reason)
{
    strbuf why = STRBUF_INIT; /* the reason may be the last error, which the next one overwrites */
    strbuf_adds(&why, reason);
    int error = 0;
    if (!im->opts->skip_invalid)
        error = orgctl_error_set(ORGCTL_EINVALID, "%s:%zu:%zu: %s", im->file, line, column,
                                 strbuf_str(&why));
    else if (im->res->skipped++ < SKIPPED_NAMED)
        strbuf_addf(&im->res->skipped_report, "%s:%zu:%zu: %s\n", im->file, line, column,
                    strbuf_str(&why));
    if (!error)
        orgctl_error_clear();
    strbuf_release(&why);
    return error;
}

static const char *field(const orgctl_csv_record *rec, long col, size_t *len)
{
    *len = 0;
    if (col < 0 || (size_t)col >= orgctl_csv_record_count(rec))
        return NULL;
    const char *f = orgctl_csv_record_field(rec, (size_t)col, len);
    /* what orgctl's CSV writers guarded against spreadsheets ("'+1317...") reads back */
    const char *u = orgctl_csv_unguard(f);
    *len -= (size_t)(u - f);
    return u;
}

static int import_record(struct import *im, const orgctl_csv_record *rec)
{
    size_t line = orgctl_csv_record_line(rec), nlen, elen, clen;
    const char *number = field(rec, im->number_col, &nlen);
    const char *exp = field(rec, im->expires_col, &elen);
    const char *client = field(rec, im->client_col, &clen);
    int64_t expires = 0;
    if (exp && elen && orgctl_suppress_expiry("expiry", exp, elen, im->opts->now, &expires) < 0)
        return bad_entry(im, line, (size_t)im->expires_col + 1, orgctl_error_last());
    if (client && clen) {
        if (!orgctl_suppress_client_valid(client, clen))
            return bad_entry(im, line, (size_t)im->client_col + 1,
                             "not a client id (1 to 255 bytes, no space or control byte)");
        clients_push(&im->clients, client, clen, expires);
    }
    if (im->number_col < 0)
        return 0;
    if (!number || !nlen) {
        if (client && clen)
            return 0;
        return bad_entry(im, line, (size_t)im->number_col + 1, "no phone number");
    }
    uint64_t key;
    size_t at;
    if (orgctl_suppress_number(number, nlen, im->opts->region, &key, &at) < 0) {
        /* one column: the place in the line; several: the field */
        size_t column = orgctl_csv_record_count(rec) == 1 ? at + 1 : (size_t)im->number_col + 1;
        return bad_entry(im, line, column, orgctl_error_last());
    }
    int e = expiry_index(&im->x, expires);
    if (e < 0)
        return orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: more than %u distinct expiries", im->file,
                                line, NO_EXPIRY - 1);
    numbers_push(&im->nums, PACK(key, (unsigned)e));
    return 0;
}

/* The column named `name` in the header, -1 when none; twice is an error. */
static int find_column(struct import *im, const orgctl_csv_record *header, const char *name,
                       long *out)
{
    *out = -1;
    for (size_t i = 0; i < orgctl_csv_record_count(header); i++) {
        size_t len;
        const char *f = orgctl_csv_record_field(header, i, &len);
        if (len != strlen(name) || memcmp(f, name, len) != 0)
            continue;
        if (*out >= 0)
            return orgctl_error_set(ORGCTL_EINVALID, "%s:%zu:%zu: column \"%s\" is named twice",
                                    im->file, orgctl_csv_record_line(header), i + 1, name);
        *out = (long)i;
    }
    return 0;
}

/* Reads the first record: a header naming the columns, or (one column holding a number,
 * no column option) the first entry of a plain list. *entry says which. */
static int read_header(struct import *im, const orgctl_csv_record *first, bool *entry)
{
    const orgctl_suppress_import_options *o = im->opts;
    size_t n = orgctl_csv_record_count(first), len;
    const char *f0 = orgctl_csv_record_field(first, 0, &len);
    *entry = false;
    /* a header names columns; a first line that looks like a number is none, even a bad one */
    if (!o->column && !o->expires_column && !o->client_column && n == 1 && len &&
        (f0[0] == '+' || f0[0] == '(' || (f0[0] >= '0' && f0[0] <= '9'))) {
        *entry = true;
        im->number_col = 0;
        return 0;
    }
    int error;
    if ((error = find_column(im, first, o->column ? o->column : "number", &im->number_col)) < 0 ||
        (o->expires_column &&
         (error = find_column(im, first, o->expires_column, &im->expires_col)) < 0) ||
        (o->client_column &&
         (error = find_column(im, first, o->client_column, &im->client_col)) < 0))
        return error;
    if (im->number_col < 0 && !o->column && n == 1 && !o->client_column)
        im->number_col = 0; /* the only column, whatever its name */
    if (o->column && im->number_col < 0)
        return orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: no column \"%s\" in the header", im->file,
                                orgctl_csv_record_line(first), o->column);
    if (o->expires_column && im->expires_col < 0)
        return orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: no column \"%s\" in the header", im->file,
                                orgctl_csv_record_line(first), o->expires_column);
    if (o->client_column && im->client_col < 0)
        return orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: no column \"%s\" in the header", im->file,
                                orgctl_csv_record_line(first), o->client_column);
    if (im->number_col < 0 && im->client_col < 0)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "%s:%zu: no phone column (name it with --column, or give a "
                                "file of one column)",
                                im->file, orgctl_csv_record_line(first));
    return 0;
}

struct made_cache;
static struct made_cache *cache_from_import(orgctl_changeset *cs, const char *org, const char *list,
                                            bool replace, const struct numbers *nums,
                                            const struct expiries *x,
                                            const struct clients *clients);
static void cache_after_commit(orgctl_changeset *cs, struct made_cache *m, bool whole);

int orgctl_suppress_import(orgctl_changeset *cs, const char *org, const char *list,
                           const char *file, const orgctl_suppress_import_options *opts,
                           orgctl_suppress_import_result *res)
{
    struct import im = {opts, res, file, -1, -1, -1, {0}, {0}, {0}};
    orgctl_csv_options co = ORGCTL_CSV_OPTIONS_INIT;
    co.max_input_size = opts->max_input_size;
    orgctl_csv *csv = NULL;
    orgctl_csv_record *rec;
    int error = list_must_exist(orgctl_changeset_repo(cs), org, list);
    if (!error)
        error = orgctl_csv_open(&csv, file, &co);
    if (!error && (error = orgctl_csv_next(&rec, csv)) == 0) {
        bool entry;
        if ((error = read_header(&im, rec, &entry)) == 0 && entry)
            error = import_record(&im, rec);
    }
    while (!error && (error = orgctl_csv_next(&rec, csv)) == 0)
        error = import_record(&im, rec);
    if (error == ORGCTL_ITEROVER)
        error = 0;
    orgctl_csv_free(csv);
    res->lines = im.nums.n + im.clients.n;
    if (!error && res->lines == 0)
        error = orgctl_error_set(ORGCTL_EINVALID, "%s: no entry to import%s", file,
                                 res->skipped ? " (every line was skipped)" : "");
    if (!error) {
        expiries_sort(&im.x, &im.nums);
        im.nums.n = orgctl_suppress_sort_values(im.nums.v, im.nums.n);
        clients_sort_unique(&im.clients);
        struct counts c = {0};
        /* the list's new cache, made while the entries are in memory (before apply gives
         * their pages back) when they are the whole list */
        struct made_cache *made =
            cache_from_import(cs, org, list, opts->replace, &im.nums, &im.x, &im.clients);
        error = apply(cs, org, list, &im.nums, &im.x, &im.clients, opts->replace, false, &c);
        res->added = c.added;
        res->removed = c.removed;
        res->total = c.total;
        cache_after_commit(cs, made, !error && c.total == im.nums.n + im.clients.n);
    }
    free(im.nums.v);
    free(im.x.v);
    clients_free(&im.clients);
    return error;
}

/* --- prune and clear: every shard of the list --- */

struct prune {
    orgctl_changeset *cs;
    const char *org, *list;
    int64_t now;
    size_t removed;
};

static int prune_shard(const char *rel, const char *data, size_t len, void *payload)
{
    struct prune *p = payload;
    if (strcmp(rel, orgctl_kind_suppress.payload->object_file) == 0)
        return 0;
    struct expiries x = {0};
    struct shard_lines cur = {{0}, &x, {0}, 0};
    int error = orgctl_suppress_shard_parse(rel, data, len, collect_line, &cur);
    strbuf text = STRBUF_INIT, before = STRBUF_INIT;
    for (size_t i = 0; !error && i < cur.nums.n; i++) {
        int64_t e = expiry_at(&x, EXP_OF(cur.nums.v[i]));
        if (e && e <= p->now)
            p->removed++;
        else
            add_number_line(&text, KEY_OF(cur.nums.v[i]), e);
    }
    for (size_t i = 0; !error && i < cur.clients.n; i++) {
        int64_t e = cur.clients.v[i].expires;
        if (e && e <= p->now) {
            p->removed++;
            continue;
        }
        strbuf_adds(&text, cur.clients.v[i].id);
        add_expiry(&text, e);
        strbuf_addch(&text, '\n');
    }
    strbuf_add(&before, data, len);
    if (!error)
        error = stage_shard(p->cs, p->org, p->list, rel, &before, &text);
    strbuf_release(&text);
    strbuf_release(&before);
    free(cur.nums.v);
    free(x.v);
    clients_free(&cur.clients);
    return error;
}

int orgctl_suppress_prune(orgctl_changeset *cs, const char *org, const char *list, int64_t now,
                          size_t *removed)
{
    orgctl_repo *repo = orgctl_changeset_repo(cs);
    int error = list_must_exist(repo, org, list);
    if (error < 0)
        return error;
    char *folder = list_folder(org, list);
    struct base_shards base = {0};
    struct prune p = {cs, org, list, now, 0};
    if ((error = orgctl_store_folder_files(repo, folder, 0, note_base_shard, &base)) == 0 &&
        base.n > ORGCTL_CHANGESET_LARGE)
        error = orgctl_changeset_large(cs, base.n, orgctl_repo_dry_run(repo));
    orgctl_perm_cache_start(repo);
    if (!error)
        error = orgctl_store_folder_files(repo, folder, 1, prune_shard, &p);
    orgctl_perm_cache_stop(repo);
    /* nothing expired: refused all the same to whoever may not prune it */
    if (!error && !p.removed)
        error = orgctl_changeset_check_edit(cs, &orgctl_kind_suppress, org, list);
    *removed = p.removed;
    base_shards_free(&base);
    free(folder);
    return error;
}

int orgctl_suppress_clear(orgctl_changeset *cs, const char *org, const char *list)
{
    orgctl_repo *repo = orgctl_changeset_repo(cs);
    char *folder = list_folder(org, list);
    struct base_shards base = {0};
    int error = orgctl_store_folder_files(repo, folder, 0, note_base_shard, &base);
    if (!error && base.n > ORGCTL_CHANGESET_LARGE)
        error = orgctl_changeset_large(cs, base.n + 1, orgctl_repo_dry_run(repo));
    orgctl_perm_cache_start(repo);
    for (size_t i = 0; !error && i < base.n; i++)
        error = orgctl_changeset_put_payload(cs, &orgctl_kind_suppress, org, list, base.rel[i],
                                             NULL, 0);
    orgctl_perm_cache_stop(repo);
    base_shards_free(&base);
    free(folder);
    return error;
}

/* --- the derived cache: one file per list, for the tree of the list's folder ---
 *
 *     header | uint64 keys[numbers] | uint32 minutes[numbers] (when any expires)
 *            | uint32 client_offsets[clients + 1] | uint32 client_minutes[clients]
 *            | client id bytes
 *
 * keys sorted; an expiry in minutes since the epoch, 0 none. It is used only when its
 * header names the folder's tree at HEAD and the list, its check matches, and its size is
 * what the header says; else it is built again from the shards. */

struct cache_header {
    char magic[8];
    char tree[40];
    uint64_t numbers, expiring, clients, client_bytes;
    uint64_t check;
};

_Static_assert(sizeof(struct cache_header) % 8 == 0, "the keys after the header are aligned");

static const char cache_magic[8] = {'O', 'R', 'G', 'S', 'U', 'P', '0', '1'};

static uint64_t fnv64(uint64_t h, const void *data, size_t len)
{
    for (const unsigned char *p = data, *end = p + len; p < end; p++)
        h = (h ^ *p) * 1099511628211u;
    return h;
}

static uint64_t header_check(const struct cache_header *h, const char *org, const char *list)
{
    uint64_t c = fnv64(14695981039346656037u, h, offsetof(struct cache_header, check));
    c = fnv64(c, org, strlen(org) + 1);
    return fnv64(c, list, strlen(list) + 1);
}

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* The size a cache with this header has, or 0 when it cannot be one. */
static size_t cache_size(const struct cache_header *h)
{
    if (h->numbers > ((size_t)1 << 40) || h->clients > ((size_t)1 << 32) ||
        h->client_bytes > ((size_t)1 << 40) || (h->expiring && h->expiring > h->numbers))
        return 0;
    size_t n = sizeof(*h) + h->numbers * 8;
    if (h->expiring)
        n += align8(h->numbers * 4);
    return n + align8((h->clients + 1) * 4 + h->clients * 4) + h->client_bytes;
}

struct list_data {
    char *org, *name;
    int64_t state; /* 1 enabled, 0 disabled */
    bool required;
    const char *img; /* the cache image: mapped, or built here (owned) */
    size_t img_len;
    bool mapped;
    const uint64_t *keys;
    const uint32_t *minutes; /* NULL: none expires */
    size_t n;
    const uint32_t *client_off, *client_minutes;
    const char *client_bytes;
    size_t n_clients;
    /* an overlay (see "bringing a cache forward"): the entries of the shards changed since
     * the image's tree, which answer for the keys of `ranges` and the client ids of
     * `client_shards` */
    struct list_data *over;
    const uint64_t *ranges; /* [lo, hi) pairs, sorted, disjoint */
    size_t n_ranges;
    const char (*client_shards)[ORGCTL_SUPPRESS_SHARD_MAX];
    size_t n_client_shards;
    const char *over_file; /* the overlay's bytes: mapped, or made here (owned) */
    size_t over_len;
    bool over_mapped;
};

static void point_into(struct list_data *l)
{
    const struct cache_header *h = (const void *)l->img;
    const char *p = l->img + sizeof(*h);
    l->n = h->numbers;
    l->keys = (const uint64_t *)p;
    p += h->numbers * 8;
    l->minutes = NULL;
    if (h->expiring) {
        l->minutes = (const uint32_t *)p;
        p += align8(h->numbers * 4);
    }
    l->n_clients = h->clients;
    l->client_off = (const uint32_t *)p;
    l->client_minutes = l->client_off + h->clients + 1;
    p += align8((h->clients + 1) * 4 + h->clients * 4);
    l->client_bytes = p;
}

/* Whether the mapped image is the cache of the list at `tree` (NULL: at any tree). */
static bool cache_good(const char *img, size_t len, const char *tree, const char *org,
                       const char *list)
{
    const struct cache_header *h = (const void *)img;
    if (len < sizeof(*h) || memcmp(h->magic, cache_magic, 8) != 0 ||
        (tree && memcmp(h->tree, tree, 40) != 0) || h->check != header_check(h, org, list) ||
        cache_size(h) != len)
        return false;
    /* the ends of the arrays, cheaply: sorted keys, offsets within the bytes */
    const uint64_t *keys = (const void *)(img + sizeof(*h));
    if (h->numbers > 1 && keys[0] >= keys[h->numbers - 1])
        return false;
    struct list_data l = {.img = img};
    point_into(&l);
    return l.client_off[0] == 0 && l.client_off[h->clients] == h->client_bytes;
}

struct build {
    struct numbers nums;
    struct expiries x;
    struct clients clients;
    int error;
    char prev[ORGCTL_SUPPRESS_SHARD_MAX]; /* the number shard before, "" none */
};

/* Shards come in path order, where the shards under a prefix follow its own: one that
 * overlaps another (a hand-made commit) overlaps the one just before it, `prev` ("" none),
 * which becomes `rel`. */
static int shard_in_order(char prev[ORGCTL_SUPPRESS_SHARD_MAX], const char *rel)
{
    char prefix[ORGCTL_SUPPRESS_PREFIX_MAX + 1], before[ORGCTL_SUPPRESS_PREFIX_MAX + 1];
    if (orgctl_suppress_shard_prefix(rel, prefix)) {
        if (orgctl_suppress_shard_prefix(prev, before) &&
            strncmp(prefix, before, strlen(before)) == 0)
            return orgctl_error_set(ORGCTL_EINVALID, "%s: its numbers are those of the shard %s",
                                    rel, prev);
        snprintf(prev, ORGCTL_SUPPRESS_SHARD_MAX, "%s", rel);
    }
    return 0;
}

static int build_shard(const char *rel, const char *data, size_t len, void *payload)
{
    struct build *b = payload;
    if (strcmp(rel, orgctl_kind_suppress.payload->object_file) == 0)
        return 0;
    int error = shard_in_order(b->prev, rel);
    if (error < 0)
        return error;
    struct shard_lines cur = {b->nums, &b->x, b->clients, 0};
    error = orgctl_suppress_shard_parse(rel, data, len, collect_line, &cur);
    b->nums = cur.nums;
    b->clients = cur.clients;
    return error;
}

static void cache_name(char out[32], const char *org, const char *list)
{
    uint64_t h = fnv64(14695981039346656037u, org, strlen(org) + 1);
    h = fnv64(h, list, strlen(list) + 1);
    snprintf(out, 32, "suppress-%016llx", (unsigned long long)h);
}

/* The client ids of an image (its view `l`, pointing into room of the right size), sorted
 * and unique. */
static void fill_clients(const struct list_data *l, const struct clients *c)
{
    uint32_t *off = (uint32_t *)l->client_off, *cmin = (uint32_t *)l->client_minutes;
    char *bytes = (char *)l->client_bytes;
    size_t at = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t len = strlen(c->v[i].id);
        off[i] = (uint32_t)at;
        cmin[i] = (uint32_t)(c->v[i].expires / 60);
        memcpy(bytes + at, c->v[i].id, len);
        at += len;
    }
    off[c->n] = (uint32_t)at;
}

static void header_start(struct cache_header *h, const char *tree)
{
    memset(h, 0, sizeof(*h));
    memcpy(h->magic, cache_magic, 8);
    memcpy(h->tree, tree, 40);
}

static void header_clients(struct cache_header *h, const struct clients *c)
{
    h->clients = c->n;
    for (size_t i = 0; i < c->n; i++)
        h->client_bytes += strlen(c->v[i].id);
}

/* Builds the cache image of the list from its shards at HEAD, and keeps it. */
static int build_cache(orgctl_repo *repo, struct list_data *l, const char *folder, const char *tree)
{
    struct build b = {{0}, {0}, {0}, 0, ""};
    int error = orgctl_store_folder_files(repo, folder, 1, build_shard, &b);
    if (error < 0)
        goto done;
    /* Shards come in path order, their lines in value order: numbers of one length (a list
     * of one country) arrive sorted already, and the sort (a sixth of the build) is spared. */
    bool sorted = true;
    for (size_t i = 1; i < b.nums.n && sorted; i++)
        sorted = b.nums.v[i - 1] < b.nums.v[i];
    if (!sorted)
        b.nums.n = orgctl_suppress_sort_values(b.nums.v, b.nums.n); /* unique already */
    clients_sort_unique(&b.clients);
    struct cache_header h;
    header_start(&h, tree);
    h.numbers = b.nums.n;
    for (size_t i = 0; i < b.nums.n; i++)
        h.expiring += EXP_OF(b.nums.v[i]) != NO_EXPIRY;
    header_clients(&h, &b.clients);
    h.check = header_check(&h, l->org, l->name);
    /* The image is made in the array of packed entries itself, grown (no second copy of
     * 100M numbers): from the last entry down, each key goes 8 * KEYS_AT bytes up and its
     * expiry past all the keys, so an entry is read before a key or the header overwrites
     * it. */
    enum { KEYS_AT = sizeof(h) / 8 };
    size_t size = cache_size(&h);
    char *img = xrealloc(b.nums.v, size);
    uint64_t *packed = (uint64_t *)img;
    b.nums.v = NULL;
    memset(img + (KEYS_AT + b.nums.n) * 8, 0, size - (KEYS_AT + b.nums.n) * 8);
    uint64_t first[KEYS_AT]; /* the entries the header overwrites */
    memcpy(first, packed, (b.nums.n < KEYS_AT ? b.nums.n : KEYS_AT) * 8);
    memcpy(img, &h, sizeof(h));
    struct list_data view = {.img = img};
    point_into(&view);
    uint64_t *keys = (uint64_t *)view.keys;
    uint32_t *minutes = (uint32_t *)view.minutes;
    for (size_t i = b.nums.n; i-- > 0;) {
        uint64_t p = i < KEYS_AT ? first[i] : packed[i];
        if (minutes)
            minutes[i] = (uint32_t)(expiry_at(&b.x, EXP_OF(p)) / 60);
        keys[i] = KEY_OF(p);
    }
    fill_clients(&view, &b.clients);
    char name[32];
    cache_name(name, l->org, l->name);
    const void *parts[] = {img};
    size_t lens[] = {size};
    orgctl_derived_write(repo, name, parts, lens, 1); /* else built again next time */
    orgctl_error_clear();
    l->img = img;
    l->img_len = size;
    l->mapped = false;
    point_into(l);
done:
    free(b.nums.v);
    free(b.x.v);
    clients_free(&b.clients);
    return error;
}

/* --- bringing a cache forward ---
 *
 * After an add or a remove, the list's tree differs from the one its cache image was built
 * for in a shard or two, and building the image again read every entry (1.8 s at 10M).
 * Instead the shards that differ between the two trees are read, and their entries kept in
 * an overlay beside the image: a small file that answers for the keys and client ids those
 * shards hold (the ranges of keys of their prefixes, the names of the client shards), the
 * image answering for the rest. The next change is read against the same image, so the
 * overlay holds every change since it; once it holds more than a sixteenth of the list, a
 * whole image is written instead, in runs from the old one's mapping and the overlay (no
 * copy of the whole in memory). An image made so is the one build_cache would make, byte
 * for byte (tests/cli/t8020 compares them). */

struct overlay_header {
    char magic[8];
    char base[40], tree[40]; /* the image's tree, and the one the overlay brings it to */
    uint64_t ranges;         /* pairs [lo, hi) of keys */
    uint64_t client_shards;  /* names, ORGCTL_SUPPRESS_SHARD_MAX bytes each */
    uint64_t image;          /* the bytes of the image of the changed shards' entries */
    uint64_t check;
};

_Static_assert(sizeof(struct overlay_header) % 8 == 0, "the ranges after the header are aligned");

static const char overlay_magic[8] = {'O', 'R', 'G', 'S', 'O', 'V', '0', '1'};

struct patch {
    struct expiries x;
    struct shard_lines changed; /* the entries of the changed shards in the new tree */
    uint64_t *ranges;           /* [lo, hi) pairs: the keys a changed number shard holds */
    size_t n_ranges, alloc_ranges;
    char (*client_shards)[ORGCTL_SUPPRESS_SHARD_MAX]; /* the changed client shards */
    size_t n_client_shards, alloc_client_shards;
    bool shard_added; /* a number shard the base's tree lacks: it may overlap another */
};

static void patch_range(struct patch *p, uint64_t lo, uint64_t hi)
{
    if (p->n_ranges + 2 > p->alloc_ranges) {
        p->alloc_ranges = p->alloc_ranges ? p->alloc_ranges * 2 : 64;
        p->ranges = xrealloc(p->ranges, p->alloc_ranges * sizeof(*p->ranges));
    }
    p->ranges[p->n_ranges++] = lo;
    p->ranges[p->n_ranges++] = hi;
}

/* A shard that differs: what it held (its prefix's keys, or its client ids) is answered by
 * what it holds now (nothing when it is gone). */
static int patch_shard(const char *rel, bool before, const char *data, size_t len, void *payload)
{
    struct patch *p = payload;
    if (strcmp(rel, orgctl_kind_suppress.payload->object_file) == 0)
        return 0;
    char prefix[ORGCTL_SUPPRESS_PREFIX_MAX + 1];
    int digits = orgctl_suppress_shard_prefix(rel, prefix);
    if (digits) {
        /* the keys of up to 15 digits that begin with the prefix, for each length */
        uint64_t v = strtoull(prefix, NULL, 10);
        for (int d = digits + 1; d < ORGCTL_SUPPRESS_KEY_DIGITS; d++)
            patch_range(p, v * pow10_of(d - digits), (v + 1) * pow10_of(d - digits));
        p->shard_added |= !before;
    } else if (strncmp(rel, "clients/", 8) == 0 && strlen(rel) < ORGCTL_SUPPRESS_SHARD_MAX) {
        if (p->n_client_shards == p->alloc_client_shards) {
            p->alloc_client_shards = p->alloc_client_shards ? p->alloc_client_shards * 2 : 16;
            p->client_shards =
                xrealloc(p->client_shards, p->alloc_client_shards * sizeof(*p->client_shards));
        }
        memset(p->client_shards[p->n_client_shards], 0, ORGCTL_SUPPRESS_SHARD_MAX);
        strcpy(p->client_shards[p->n_client_shards++], rel);
    } else {
        return orgctl_error_set(ORGCTL_EINVALID, "%s: not a shard", rel);
    }
    return data ? orgctl_suppress_shard_parse(rel, data, len, collect_line, &p->changed) : 0;
}

static int note_order(const char *rel, const char *data, size_t len, void *payload)
{
    (void)data;
    (void)len;
    return shard_in_order(payload, rel);
}

static int range_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int shard_name_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void patch_free(struct patch *p)
{
    free(p->changed.nums.v);
    free(p->x.v);
    clients_free(&p->changed.clients);
    free(p->ranges);
    free(p->client_shards);
}

/* Reads the shards that differ between the list's trees `base_tree` and `tree` (HEAD's). */
static int patch_read(orgctl_repo *repo, struct patch *p, const char *folder, const char *base_tree,
                      const char *tree)
{
    memset(p, 0, sizeof(*p));
    p->changed.x = &p->x;
    int error = orgctl_store_tree_changes(repo, base_tree, tree, patch_shard, p);
    char prev[ORGCTL_SUPPRESS_SHARD_MAX] = "";
    if (!error && p->shard_added) /* no shard overlaps another, as build_cache checks */
        error = orgctl_store_folder_files(repo, folder, 0, note_order, prev);
    if (error < 0)
        return error;
    p->changed.nums.n = orgctl_suppress_sort_values(p->changed.nums.v, p->changed.nums.n);
    clients_sort_unique(&p->changed.clients);
    /* the ranges sorted and merged: a split shard's children lie inside its own */
    if (p->n_ranges) /* NULL when no number shard changed: qsort must not see it */
        qsort(p->ranges, p->n_ranges / 2, 2 * sizeof(*p->ranges), range_cmp);
    size_t out = 0;
    for (size_t r = 0; r < p->n_ranges; r += 2) {
        if (out && p->ranges[r] < p->ranges[out - 1]) {
            if (p->ranges[r + 1] > p->ranges[out - 1])
                p->ranges[out - 1] = p->ranges[r + 1];
            continue;
        }
        p->ranges[out++] = p->ranges[r];
        p->ranges[out++] = p->ranges[r + 1];
    }
    p->n_ranges = out;
    if (p->n_client_shards)
        qsort(p->client_shards, p->n_client_shards, sizeof(*p->client_shards), shard_name_cmp);
    return 0;
}

/* The image of the entries of the patch's changed shards (for `tree`), malloc'd. */
static char *changed_image(const struct patch *p, const char *tree, const char *org,
                           const char *list, size_t *len)
{
    const struct numbers *nums = &p->changed.nums;
    struct cache_header h;
    header_start(&h, tree);
    h.numbers = nums->n;
    for (size_t i = 0; i < nums->n; i++)
        h.expiring += EXP_OF(nums->v[i]) != NO_EXPIRY;
    header_clients(&h, &p->changed.clients);
    h.check = header_check(&h, org, list);
    *len = cache_size(&h);
    char *img = xcalloc(1, *len);
    memcpy(img, &h, sizeof(h));
    struct list_data view = {.img = img};
    point_into(&view);
    for (size_t i = 0; i < nums->n; i++) {
        ((uint64_t *)view.keys)[i] = KEY_OF(nums->v[i]);
        if (view.minutes)
            ((uint32_t *)view.minutes)[i] = (uint32_t)(expiry_at(&p->x, EXP_OF(nums->v[i])) / 60);
    }
    fill_clients(&view, &p->changed.clients);
    return img;
}

static uint64_t overlay_check(const struct overlay_header *h, const char *org, const char *list)
{
    uint64_t c = fnv64(14695981039346656037u, h, offsetof(struct overlay_header, check));
    c = fnv64(c, org, strlen(org) + 1);
    return fnv64(c, list, strlen(list) + 1);
}

/* The overlay file of a patch, malloc'd. */
static char *overlay_make(const struct patch *p, const char *base_tree, const char *tree,
                          const char *org, const char *list, size_t *len)
{
    size_t image_len;
    char *image = changed_image(p, tree, org, list, &image_len);
    struct overlay_header h = {{0}};
    memcpy(h.magic, overlay_magic, 8);
    memcpy(h.base, base_tree, 40);
    memcpy(h.tree, tree, 40);
    h.ranges = p->n_ranges / 2;
    h.client_shards = p->n_client_shards;
    h.image = image_len;
    h.check = overlay_check(&h, org, list);
    size_t ranges_len = p->n_ranges * 8,
           shards_len = p->n_client_shards * ORGCTL_SUPPRESS_SHARD_MAX;
    *len = sizeof(h) + ranges_len + shards_len + image_len;
    char *file = xmalloc(*len), *at = file;
    memcpy(at, &h, sizeof(h));
    at += sizeof(h);
    if (ranges_len)
        memcpy(at, p->ranges, ranges_len);
    at += ranges_len;
    if (shards_len)
        memcpy(at, p->client_shards, shards_len);
    memcpy(at + shards_len, image, image_len);
    free(image);
    return file;
}

/* Attaches the overlay `file` to l when it brings l's image (of `base_tree`) to `tree`. */
static bool overlay_attach(struct list_data *l, const char *file, size_t len, const char *base_tree,
                           const char *tree)
{
    const struct overlay_header *h = (const void *)file;
    if (len < sizeof(*h) || memcmp(h->magic, overlay_magic, 8) != 0 ||
        memcmp(h->base, base_tree, 40) != 0 || memcmp(h->tree, tree, 40) != 0 ||
        h->check != overlay_check(h, l->org, l->name) || h->ranges > len / 16 ||
        h->client_shards > len / ORGCTL_SUPPRESS_SHARD_MAX ||
        len !=
            sizeof(*h) + h->ranges * 16 + h->client_shards * ORGCTL_SUPPRESS_SHARD_MAX + h->image)
        return false;
    const char *image = file + len - h->image;
    if (!cache_good(image, h->image, tree, l->org, l->name))
        return false;
    l->over = xcalloc(1, sizeof(*l->over));
    l->over->img = image;
    l->over->img_len = h->image;
    point_into(l->over);
    l->ranges = (const uint64_t *)(file + sizeof(*h));
    l->n_ranges = h->ranges * 2;
    l->client_shards = (const void *)(file + sizeof(*h) + h->ranges * 16);
    l->n_client_shards = h->client_shards;
    l->over_file = file;
    l->over_len = len;
    return true;
}

/* Whether the overlay answers for `key`. */
static bool over_key(const struct list_data *l, uint64_t key)
{
    size_t lo = 0, hi = l->n_ranges / 2; /* the first range whose end is past key */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->ranges[2 * mid + 1] <= key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->n_ranges / 2 && l->ranges[2 * lo] <= key;
}

/* Whether the overlay answers for the client id. */
static bool over_client(const struct list_data *l, const char *id, size_t len)
{
    char shard[ORGCTL_SUPPRESS_SHARD_MAX];
    orgctl_suppress_client_shard(shard, id, len);
    return l->n_client_shards && bsearch(shard, l->client_shards, l->n_client_shards,
                                         ORGCTL_SUPPRESS_SHARD_MAX, shard_name_cmp) != NULL;
}

/* The parts of a file, written in turn. */
struct parts {
    const void **v;
    size_t *len, n, alloc, total;
};

static void parts_add(struct parts *p, const void *data, size_t len)
{
    static const char zeros[1 << 16];
    while (len) {
        if (p->n == p->alloc) {
            p->alloc = p->alloc ? p->alloc * 2 : 64;
            p->v = xrealloc(p->v, p->alloc * sizeof(*p->v));
            p->len = xrealloc(p->len, p->alloc * sizeof(*p->len));
        }
        /* NULL: zeros (the minutes of entries that never expire), a block at a time */
        size_t part = data || len < sizeof(zeros) ? len : sizeof(zeros);
        p->v[p->n] = data ? data : zeros;
        p->len[p->n++] = part;
        p->total += part;
        len -= part;
    }
}

static void parts_free(struct parts *p)
{
    free(p->v);
    free(p->len);
}

/* The whole image of l with its overlay, as parts of `all` written in turn: `h`, the
 * image's runs outside the ranges and the overlay's entries within them, and the client
 * ids, made in *clients (the caller frees it). */
static void merged_parts(const struct list_data *l, struct cache_header *h, const char *tree,
                         struct parts *all, char **clients)
{
    const struct list_data *o = l->over;
    struct parts keys = {0}, minutes = {0};
    header_start(h, tree);
    size_t at = 0, j = 0;
    for (size_t r = 0; r <= l->n_ranges; r += 2) {
        bool last = r == l->n_ranges; /* the run after the last range */
        size_t a = last ? l->n : lower_bound(l->keys, at, l->n, l->ranges[r]);
        size_t b = last ? l->n : lower_bound(l->keys, a, l->n, l->ranges[r + 1]);
        size_t from = j;
        while (!last && j < o->n && o->keys[j] < l->ranges[r + 1])
            j++;
        parts_add(&keys, l->keys + at, (a - at) * 8);
        parts_add(&keys, o->keys + from, (j - from) * 8);
        parts_add(&minutes, l->minutes ? l->minutes + at : NULL, (a - at) * 4);
        parts_add(&minutes, o->minutes ? o->minutes + from : NULL, (j - from) * 4);
        for (size_t i = at; l->minutes && i < a; i++)
            h->expiring += l->minutes[i] != 0;
        h->numbers += (a - at) + (j - from);
        at = b;
    }
    h->expiring += ((const struct cache_header *)o->img)->expiring;
    /* the client ids: the image's outside the changed shards, and the overlay's */
    struct clients c = {0};
    for (int side = 0; side < 2; side++) {
        const struct list_data *from = side ? o : l;
        for (size_t i = 0; i < from->n_clients; i++) {
            const char *id = from->client_bytes + from->client_off[i];
            size_t len = from->client_off[i + 1] - from->client_off[i];
            if (side || !over_client(l, id, len))
                clients_push(&c, id, len, (int64_t)from->client_minutes[i] * 60);
        }
    }
    clients_sort_unique(&c);
    header_clients(h, &c);
    h->check = header_check(h, l->org, l->name);
    size_t tables = align8((c.n + 1) * 4 + c.n * 4), client_len = tables + h->client_bytes;
    *clients = xcalloc(1, client_len);
    struct list_data cv = {.client_off = (const uint32_t *)*clients};
    cv.client_minutes = cv.client_off + c.n + 1;
    cv.client_bytes = *clients + tables;
    fill_clients(&cv, &c);
    clients_free(&c);
    /* header | keys | minutes (when any expires) | client ids */
    parts_add(all, h, sizeof(*h));
    for (size_t i = 0; i < keys.n; i++)
        parts_add(all, keys.v[i], keys.len[i]);
    if (h->expiring) {
        for (size_t i = 0; i < minutes.n; i++)
            parts_add(all, minutes.v[i], minutes.len[i]);
        parts_add(all, NULL, align8(h->numbers * 4) - h->numbers * 4);
    }
    parts_add(all, *clients, client_len);
    parts_free(&keys);
    parts_free(&minutes);
}

static void overlay_detach(struct list_data *l)
{
    if (l->over_mapped)
        orgctl_derived_unmap(l->over_file, l->over_len);
    else
        free((void *)l->over_file);
    free(l->over);
    l->over = NULL;
    l->over_file = NULL;
    l->n_ranges = l->n_client_shards = 0;
}

/* Replaces l's image and overlay by the one image they make, for `tree`: kept as the
 * list's cache when `keep` (else, and when it cannot be kept, in memory). */
static void overlay_merge(orgctl_repo *repo, struct list_data *l, const char *tree, bool keep)
{
    struct cache_header h;
    struct parts all = {0};
    char *clients, name[32];
    merged_parts(l, &h, tree, &all, &clients);
    const void *img = NULL;
    size_t len = 0;
    cache_name(name, l->org, l->name);
    if (keep && orgctl_derived_write(repo, name, all.v, all.len, all.n) == 0 &&
        orgctl_derived_map(repo, name, &img, &len) == 0 &&
        !cache_good(img, len, tree, l->org, l->name)) {
        orgctl_derived_unmap(img, len);
        img = NULL;
    }
    orgctl_error_clear();
    bool mapped = img != NULL;
    if (!mapped) {
        char *mem = xmalloc(all.total);
        for (size_t i = 0, off = 0; i < all.n; off += all.len[i++])
            memcpy(mem + off, all.v[i], all.len[i]);
        img = mem;
        len = all.total;
    }
    free(clients);
    parts_free(&all);
    overlay_detach(l);
    if (l->mapped)
        orgctl_derived_unmap(l->img, l->img_len);
    else
        free((void *)l->img);
    l->img = img;
    l->img_len = len;
    l->mapped = mapped;
    point_into(l);
}

/* Brings l's image (good, of an earlier tree of the list) to `tree` with an overlay: the
 * one kept beside it when it is for these trees, else one read and kept now; `whole`: as
 * one image (for those who read every entry). An error leaves l as it was. */
static int bring_forward(orgctl_repo *repo, struct list_data *l, const char *folder,
                         const char *tree, bool whole)
{
    char base_tree[41], name[48];
    memcpy(base_tree, ((const struct cache_header *)l->img)->tree, 40);
    base_tree[40] = '\0';
    cache_name(name, l->org, l->name);
    strcat(name, ".overlay");
    const void *file;
    size_t len;
    if (orgctl_derived_map(repo, name, &file, &len) == 0) {
        if (overlay_attach(l, file, len, base_tree, tree))
            l->over_mapped = true;
        else
            orgctl_derived_unmap(file, len);
    }
    if (!l->over) {
        struct patch p;
        int error = patch_read(repo, &p, folder, base_tree, tree);
        if (error < 0) {
            patch_free(&p);
            return error;
        }
        char *made = overlay_make(&p, base_tree, tree, l->org, l->name, &len);
        size_t changed = p.changed.nums.n + p.changed.clients.n;
        patch_free(&p);
        if (!overlay_attach(l, made, len, base_tree, tree)) { /* made here: never */
            free(made);
            return orgctl_error_set(ORGCTL_ERROR, "%s: no overlay", folder);
        }
        if (changed > 4096 && changed > l->n / 16) {
            overlay_merge(repo, l, tree, true); /* too much beside: one image again */
            return 0;
        }
        const void *parts[] = {made};
        orgctl_derived_write(repo, name, parts, &len, 1); /* else read again next time */
        orgctl_error_clear();
    }
    if (whole)
        overlay_merge(repo, l, tree, false);
    return 0;
}

/* Stamps the cache `cname`: the list's folder has tree `tree` at commit `head`. */
static void write_stamp(orgctl_repo *repo, const char *cname, const char *head, const char *tree)
{
    char text[83], stamp_name[40];
    snprintf(stamp_name, sizeof(stamp_name), "%s.head", cname);
    snprintf(text, sizeof(text), "%s %s\n", head, tree);
    const void *parts[] = {text};
    size_t lens[] = {82};
    orgctl_derived_write(repo, stamp_name, parts, lens, 1); /* else read from git next time */
    orgctl_error_clear();
}

/* --- a cache made by an import ---
 *
 * An import that replaces a list, or fills an empty one, holds the list's whole content,
 * sorted, before it writes the shards: the cache is written from it then (a 100M-number
 * list's first check no longer reads 1.1 GB of shards again: 19.5 s), its header last,
 * once the commit names the list's tree. Byte for byte the image build_cache makes
 * (tests/cli/t8030 compares them). */

struct made_cache {
    orgctl_derived_writer *w;
    struct cache_header h; /* all but the tree and the check */
    char *org, *list;
    size_t changes; /* the change set's entries when the import ended */
};

static int first_shard(const char *rel, const char *data, size_t len, void *payload)
{
    (void)data;
    (void)len;
    (void)payload;
    return strcmp(rel, orgctl_kind_suppress.payload->object_file) != 0; /* 1 stops the walk */
}

static struct made_cache *cache_from_import(orgctl_changeset *cs, const char *org, const char *list,
                                            bool replace, const struct numbers *nums,
                                            const struct expiries *x, const struct clients *clients)
{
    orgctl_repo *repo = orgctl_changeset_repo(cs);
    char *folder = list_folder(org, list), name[32];
    bool whole = replace || orgctl_store_folder_files(repo, folder, 0, first_shard, NULL) == 0;
    free(folder);
    orgctl_error_clear();
    cache_name(name, org, list);
    orgctl_derived_writer *w;
    if (!whole || orgctl_repo_dry_run(repo) || orgctl_derived_begin(&w, repo, name) < 0) {
        orgctl_error_clear();
        return NULL;
    }
    struct made_cache *m = xcalloc(1, sizeof(*m));
    m->w = w;
    header_start(&m->h, "0000000000000000000000000000000000000000");
    m->h.numbers = nums->n;
    for (size_t i = 0; i < nums->n; i++)
        m->h.expiring += EXP_OF(nums->v[i]) != NO_EXPIRY;
    header_clients(&m->h, clients);
    /* header (written last) | keys | minutes (when any expires) | client ids */
    union {
        uint64_t keys[4096];
        uint32_t minutes[8192];
    } chunk;
    orgctl_derived_append(w, &m->h, sizeof(m->h));
    for (size_t i = 0; i < nums->n; i += 4096) {
        size_t k = nums->n - i < 4096 ? nums->n - i : 4096;
        for (size_t j = 0; j < k; j++)
            chunk.keys[j] = KEY_OF(nums->v[i + j]);
        orgctl_derived_append(w, chunk.keys, k * 8);
    }
    for (size_t i = 0; m->h.expiring && i < nums->n; i += 8192) {
        size_t k = nums->n - i < 8192 ? nums->n - i : 8192;
        for (size_t j = 0; j < k; j++)
            chunk.minutes[j] = (uint32_t)(expiry_at(x, EXP_OF(nums->v[i + j])) / 60);
        orgctl_derived_append(w, chunk.minutes, k * 4);
    }
    if (m->h.expiring && nums->n % 2)
        orgctl_derived_append(w, &(uint32_t){0}, 4);
    size_t tables = align8((clients->n + 1) * 4 + clients->n * 4);
    char *room = xcalloc(1, tables + m->h.client_bytes);
    struct list_data cv = {.client_off = (const uint32_t *)room};
    cv.client_minutes = cv.client_off + clients->n + 1;
    cv.client_bytes = room + tables;
    fill_clients(&cv, clients);
    int error = orgctl_derived_append(w, room, tables + m->h.client_bytes);
    free(room);
    if (error < 0) {
        orgctl_derived_abandon(w);
        free(m);
        orgctl_error_clear();
        return NULL;
    }
    m->org = xstrdup(org);
    m->list = xstrdup(list);
    return m;
}

static void made_cache_commit(orgctl_repo *repo, size_t changes, void *payload)
{
    struct made_cache *m = payload;
    char *folder = list_folder(m->org, m->list), tree[41], head[41], name[32];
    /* something staged after the import: the list may not be what it wrote */
    if (changes == m->changes && orgctl_store_folder_id(repo, folder, tree) == 0 &&
        orgctl_store_head_id(repo, head) == 0) {
        memcpy(m->h.tree, tree, 40);
        m->h.check = header_check(&m->h, m->org, m->list);
        int error = orgctl_derived_finish(m->w, &m->h, sizeof(m->h));
        m->w = NULL;
        cache_name(name, m->org, m->list);
        if (error == 0)
            write_stamp(repo, name, head, tree);
    }
    free(folder);
}

static void made_cache_done(void *payload)
{
    struct made_cache *m = payload;
    orgctl_derived_abandon(m->w);
    free(m->org);
    free(m->list);
    free(m);
}

/* Hands the cache made to the change set when the import made the whole list (`whole`),
 * else drops it. */
static void cache_after_commit(orgctl_changeset *cs, struct made_cache *m, bool whole)
{
    if (!m)
        return;
    if (!whole) {
        made_cache_done(m);
        return;
    }
    m->changes = orgctl_changeset_count(cs);
    orgctl_changeset_on_commit(cs, made_cache_commit, made_cache_done, m);
}

static int first_invalid(const char *path, const char *problem, bool damaged, void *payload)
{
    (void)damaged;
    strbuf_addf(payload, "%s: %s", path, problem);
    return 1;
}

/* The id of the tree of the list's folder at HEAD. A stamp beside the cache
 * ("<commit> <tree>\n", named for the cache) says which tree a commit has: when it names
 * HEAD, the tree is known without opening libgit2, whose start-up costs more than a whole
 * check. Any other commit (one of orgctl's or a hand-made one) reads the tree from git and
 * stamps it: a commit id names one tree forever, so a stamp is never wrong, only stale. */
static int list_tree(orgctl_repo *repo, const char *cname, const char *folder, char tree[41])
{
    char head[41], stamp_name[40];
    const void *stamp;
    size_t len;
    int error = orgctl_store_head_id(repo, head);
    if (error < 0)
        return error;
    snprintf(stamp_name, sizeof(stamp_name), "%s.head", cname);
    if (orgctl_derived_map(repo, stamp_name, &stamp, &len) == 0) {
        const char *s = stamp;
        bool fresh = len == 82 && memcmp(s, head, 40) == 0 && s[40] == ' ' && s[81] == '\n';
        for (size_t i = 41; fresh && i < 81; i++)
            fresh = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');
        if (fresh) {
            memcpy(tree, s + 41, 40);
            tree[40] = '\0';
        }
        orgctl_derived_unmap(stamp, len);
        if (fresh)
            return 0;
    }
    if ((error = orgctl_store_folder_id(repo, folder, tree)) < 0)
        return error;
    write_stamp(repo, cname, head, tree);
    return 0;
}

/* Reads the list `name` of `org` (its object, then its entries from the cache); `whole`:
 * as one image, no overlay (for those who read every entry). */
static int list_open(orgctl_repo *repo, struct list_data *l, const char *org, const char *name,
                     bool whole)
{
    memset(l, 0, sizeof(*l));
    l->org = xstrdup(org);
    l->name = xstrdup(name);
    cJSON *obj = NULL;
    int error = orgctl_object_load(repo, &orgctl_kind_suppress, org, name, &obj);
    if (error < 0)
        return error;
    const char *state = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "state"));
    l->state = state && strcmp(state, "enabled") == 0;
    l->required = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "required"));
    cJSON_Delete(obj);
    /* a shard that breaks the format is not believed: the list answers nothing */
    strbuf problem = STRBUF_INIT;
    int bad = orgctl_index_invalid(repo, &orgctl_kind_suppress, org, name, first_invalid, &problem);
    if (bad != 0) {
        error = bad < 0 ? bad
                        : orgctl_error_set(ORGCTL_EINVALID,
                                           "suppression list \"%s\" of org \"%s\" cannot be read: "
                                           "%s (see orgctl check)",
                                           name, org, strbuf_str(&problem));
        strbuf_release(&problem);
        return error;
    }
    strbuf_release(&problem);
    char *folder = list_folder(org, name), tree[41], cname[32];
    cache_name(cname, org, name);
    error = list_tree(repo, cname, folder, tree);
    if (error == 0) {
        const void *img;
        size_t len;
        if (orgctl_derived_map(repo, cname, &img, &len) == 0) {
            if (cache_good(img, len, NULL, org, name)) {
                l->img = img;
                l->img_len = len;
                l->mapped = true;
                point_into(l);
                /* the cache of an earlier tree: brought forward, else built again below */
                if (memcmp(((const struct cache_header *)img)->tree, tree, 40) != 0 &&
                    bring_forward(repo, l, folder, tree, whole) < 0) {
                    orgctl_error_clear();
                    orgctl_derived_unmap(img, len);
                    l->img = NULL;
                    l->mapped = false;
                }
            } else {
                orgctl_derived_unmap(img, len);
            }
        }
        if (!l->img && (error = build_cache(repo, l, folder, tree)) == ORGCTL_EINVALID) {
            char *why = xstrdup(orgctl_error_last());
            error = orgctl_error_set(ORGCTL_EINVALID,
                                     "suppression list \"%s\" of org \"%s\" cannot be read: %s",
                                     name, org, why);
            free(why);
        }
    } else if (error == ORGCTL_ENOTFOUND) {
        error = 0; /* a list object never written? nothing in it */
    }
    free(folder);
    return error;
}

static void list_close(struct list_data *l)
{
    overlay_detach(l);
    if (l->mapped)
        orgctl_derived_unmap(l->img, l->img_len);
    else
        free((void *)l->img);
    free(l->org);
    free(l->name);
}

/* Whether `key` is in the list: 1 and its expiry (seconds, 0 none), whatever the time. */
static int list_find_number(const struct list_data *l, uint64_t key, int64_t *expires)
{
    if (l->over && over_key(l, key))
        return list_find_number(l->over, key, expires);
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= l->n || l->keys[lo] != key)
        return 0;
    *expires = l->minutes ? (int64_t)l->minutes[lo] * 60 : 0;
    return 1;
}

static int list_find_client(const struct list_data *l, const char *id, int64_t *expires)
{
    size_t lo = 0, hi = l->n_clients, len = strlen(id);
    if (l->over && over_client(l, id, len))
        return list_find_client(l->over, id, expires);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *s = l->client_bytes + l->client_off[mid];
        size_t slen = l->client_off[mid + 1] - l->client_off[mid];
        int c = memcmp(s, id, slen < len ? slen : len);
        if (c == 0)
            c = slen < len ? -1 : slen > len;
        if (c < 0)
            lo = mid + 1;
        else if (c > 0)
            hi = mid;
        else {
            *expires = (int64_t)l->client_minutes[mid] * 60;
            return 1;
        }
    }
    return 0;
}

static bool in_force(int64_t expires, int64_t now)
{
    return !expires || expires > now;
}

int orgctl_suppress_size(orgctl_repo *repo, const char *org, const char *list, int64_t now,
                         size_t *numbers, size_t *clients, size_t *expired)
{
    struct list_data l;
    int error = list_open(repo, &l, org, list, true);
    *numbers = l.n;
    *clients = l.n_clients;
    *expired = 0;
    for (size_t i = 0; l.minutes && i < l.n; i++)
        *expired += l.minutes[i] && (int64_t)l.minutes[i] * 60 <= now;
    for (size_t i = 0; i < l.n_clients; i++)
        *expired += l.client_minutes[i] && (int64_t)l.client_minutes[i] * 60 <= now;
    list_close(&l);
    return error;
}

int orgctl_suppress_export(orgctl_repo *repo, const char *org, const char *list, const char *file,
                           cJSON *rows, size_t *count)
{
    struct list_data l;
    int error = list_open(repo, &l, org, list, true);
    FILE *out = NULL;
    *count = 0;
    /* "-": the caller's standard output, through a copy of its descriptor (sharing its
     * offset: reopening /dev/stdout would truncate or overwrite a file the shell opened) */
    bool stream = file && strcmp(file, "-") == 0;
    int fd = stream && !error ? dup(STDOUT_FILENO) : -1;
    if (stream && !error && (fd < 0 || !(out = fdopen(fd, "w")))) {
        error = orgctl_errno_error(errno, "standard output");
        if (fd >= 0)
            close(fd);
    } else if (!error && file && !stream && !(out = fopen(file, "w")))
        error = orgctl_errno_error(errno, "%s", file);
    if (out)
        fputs("number,expires,client_id\n", out);
    char num[ORGCTL_E164_MAX], exp[ORGCTL_SUPPRESS_EXPIRY_LEN + 1];
    for (size_t i = 0; !error && i < l.n + l.n_clients; i++) {
        bool is_number = i < l.n;
        size_t k = is_number ? i : i - l.n;
        int64_t e = is_number ? (l.minutes ? (int64_t)l.minutes[k] * 60 : 0)
                              : (int64_t)l.client_minutes[k] * 60;
        exp[0] = '\0';
        if (e)
            orgctl_expiry_format(exp, e);
        if (is_number)
            orgctl_phone_from_key(num, l.keys[k]);
        const char *id = is_number ? "" : l.client_bytes + l.client_off[k];
        int id_len = is_number ? 0 : (int)(l.client_off[k + 1] - l.client_off[k]);
        if (out) {
            /* cells as every CSV orgctl writes: guarded against spreadsheet formulas */
            char *client = xmalloc((size_t)id_len + 1), cell[2 * 256 + 4];
            memcpy(client, id, (size_t)id_len);
            client[id_len] = '\0';
            const char *cells[] = {is_number ? num : "", exp, client};
            for (int c = 0; c < 3; c++) {
                orgctl_csv_cell(cell, sizeof(cell), cells[c]);
                fputs(cell, out);
                fputc(c < 2 ? ',' : '\n', out);
            }
            free(client);
        } else {
            cJSON *row = cJSON_CreateObject();
            cJSON_AddItemToObject(row, "number",
                                  is_number ? cJSON_CreateString(num) : cJSON_CreateNull());
            cJSON_AddItemToObject(row, "expires", e ? cJSON_CreateString(exp) : cJSON_CreateNull());
            if (is_number) {
                cJSON_AddNullToObject(row, "client_id");
            } else {
                char *s = xmalloc((size_t)id_len + 1);
                memcpy(s, id, (size_t)id_len);
                s[id_len] = '\0';
                cJSON_AddStringToObject(row, "client_id", s);
                free(s);
            }
            cJSON_AddItemToArray(rows, row);
        }
        ++*count;
    }
    if (out && (fclose(out) != 0) && !error)
        error = orgctl_errno_error(errno, "%s", file);
    list_close(&l);
    return error;
}

/* --- sets of lists, for check and campaign load --- */

struct orgctl_suppress_set {
    struct list_data *v;
    size_t n, alloc;
    char commit[41];
    bool whole; /* its lists read as whole images (a load walks them all) */
};

static bool set_has(const orgctl_suppress_set *s, const char *org, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].org, org) == 0 && strcmp(s->v[i].name, name) == 0)
            return true;
    return false;
}

/* Adds the list; a disabled one only when `disabled_too`. */
static int set_add(orgctl_suppress_set *s, orgctl_repo *repo, const char *org, const char *name,
                   bool disabled_too)
{
    if (set_has(s, org, name))
        return 0;
    if (s->n == s->alloc) {
        s->alloc = s->alloc ? s->alloc * 2 : 8;
        s->v = xrealloc(s->v, s->alloc * sizeof(*s->v));
    }
    int error = list_open(repo, &s->v[s->n], org, name, s->whole);
    if (error < 0) {
        list_close(&s->v[s->n]);
        return error;
    }
    if (!s->v[s->n].state && !disabled_too) {
        list_close(&s->v[s->n]);
        return 0;
    }
    s->n++;
    return 0;
}

/* The names of the lists of `org`, a JSON array (caller frees). */
static int lists_of(orgctl_repo *repo, const char *org, cJSON **out)
{
    return orgctl_index_referrers(repo, false, &orgctl_kind_suppress, org, "state", NULL, 0, out);
}

static int add_org_lists(orgctl_suppress_set *s, orgctl_repo *repo, const char *org,
                         bool required_only)
{
    cJSON *names = NULL, *n;
    int error = lists_of(repo, org, &names);
    cJSON *walk = error ? NULL : names;
    cJSON_ArrayForEach(n, walk)
    {
        const char *name = cJSON_GetStringValue(n);
        if (!name)
            continue;
        size_t before = s->n;
        if ((error = set_add(s, repo, org, name, false)) < 0)
            break;
        if (required_only && s->n > before && !s->v[s->n - 1].required) {
            list_close(&s->v[--s->n]);
        }
    }
    cJSON_Delete(names);
    return error;
}

static orgctl_suppress_set *set_new(orgctl_repo *repo, bool whole)
{
    orgctl_suppress_set *s = xcalloc(1, sizeof(*s));
    s->whole = whole;
    if (orgctl_store_head_id(repo, s->commit) < 0)
        s->commit[0] = '\0';
    return s;
}

int orgctl_suppress_set_open(orgctl_suppress_set **out, orgctl_repo *repo, const char *org,
                             const char *const *lists, size_t n_lists)
{
    orgctl_suppress_set *s = set_new(repo, true);
    const char *ent = orgctl_repo_enterprise_org(repo);
    int error = ent ? add_org_lists(s, repo, ent, true) : 0;
    for (size_t i = 0; !error && i < n_lists; i++) {
        /* the org's own list of that name, else the enterprise's */
        const char *where = orgctl_object_exists(repo, &orgctl_kind_suppress, org, lists[i]) ? org
                            : ent                                                            ? ent
                                                                                             : org;
        error = set_add(s, repo, where, lists[i], false);
    }
#ifdef MADV_POPULATE_READ
    /* campaign load walks every list whole: its pages mapped in one call, not fault by
     * fault (each dear on a virtual machine); where the kernel cannot, they fault in */
    for (size_t i = 0; !error && i < s->n; i++)
        if (s->v[i].mapped)
            madvise((void *)s->v[i].img, s->v[i].img_len, MADV_POPULATE_READ);
#endif
    if (error < 0) {
        orgctl_suppress_set_free(s);
        s = NULL;
    }
    *out = s;
    return error;
}

int orgctl_suppress_set_open_all(orgctl_suppress_set **out, orgctl_repo *repo, const char *org,
                                 const char *only)
{
    orgctl_suppress_set *s = set_new(repo, false);
    const char *ent = orgctl_repo_enterprise_org(repo);
    int error = 0;
    if (only) {
        const char *where =
            orgctl_object_exists(repo, &orgctl_kind_suppress, org, only) || !ent ? org : ent;
        error = set_add(s, repo, where, only, true);
    } else {
        error = add_org_lists(s, repo, org, false);
        if (!error && ent && strcmp(ent, org) != 0)
            error = add_org_lists(s, repo, ent, false);
    }
    if (error < 0) {
        orgctl_suppress_set_free(s);
        s = NULL;
    }
    *out = s;
    return error;
}

int orgctl_suppress_set_match_number(const char **list, int64_t *expires,
                                     const orgctl_suppress_set *set, uint64_t key, int64_t now)
{
    for (size_t i = 0; i < set->n; i++) {
        int64_t e;
        if (list_find_number(&set->v[i], key, &e) && in_force(e, now)) {
            *list = set->v[i].name;
            *expires = e;
            return 1;
        }
    }
    return 0;
}

/* The first of v[from..n) not below `key`, when the keys asked for come in order: the next
 * few counted without a branch (keys as dense as the list's: reads the prefetcher follows,
 * no jump mispredicted), else galloping (1, 2, 4... ahead) and a binary search within the
 * last step, so that a sparse batch costs the log of the distance, not of n. */
#define MERGE_STEPS 8

static size_t gallop(const uint64_t *v, size_t from, size_t n, uint64_t key)
{
    if (from + MERGE_STEPS <= n) {
        size_t below = 0;
        for (size_t k = 0; k < MERGE_STEPS; k++)
            below += v[from + k] < key;
        if (below < MERGE_STEPS)
            return from + below;
        from += MERGE_STEPS;
    }
    if (from >= n || v[from] >= key)
        return from;
    size_t below = from, step = 1; /* v[below] < key */
    while (below + step < n && v[below + step] < key) {
        below += step;
        step *= 2;
    }
    return lower_bound(v, below + 1, below + step < n ? below + step : n, key);
}

void orgctl_suppress_match_sorted(uint32_t *marks, uint32_t mark, const uint64_t *list,
                                  const uint32_t *minutes, size_t list_n, const uint64_t *keys,
                                  size_t n, int64_t now)
{
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if ((at = gallop(list, at, list_n, keys[i])) == list_n)
            break;
        if (!marks[i] && list[at] == keys[i] &&
            in_force(minutes ? (int64_t)minutes[at] * 60 : 0, now))
            marks[i] = mark;
    }
}

void orgctl_suppress_set_match_sorted(uint32_t *lists, const orgctl_suppress_set *set,
                                      const uint64_t *keys, size_t n, int64_t now)
{
    memset(lists, 0, n * sizeof(*lists));
    for (size_t s = 0; s < set->n; s++)
        orgctl_suppress_match_sorted(lists, (uint32_t)s + 1, set->v[s].keys, set->v[s].minutes,
                                     set->v[s].n, keys, n, now);
}

size_t orgctl_suppress_set_lists(const orgctl_suppress_set *set)
{
    return set->n;
}

const char *orgctl_suppress_set_list_name(const orgctl_suppress_set *set, uint32_t list)
{
    return set->v[list - 1].name;
}

uint32_t orgctl_suppress_set_client_list(const orgctl_suppress_set *set, const char *client_id,
                                         int64_t now, int64_t *expires)
{
    for (size_t i = 0; i < set->n; i++)
        if (list_find_client(&set->v[i], client_id, expires) && in_force(*expires, now))
            return (uint32_t)i + 1;
    return 0;
}

int orgctl_suppress_set_match_client(const char **list, int64_t *expires,
                                     const orgctl_suppress_set *set, const char *client_id,
                                     int64_t now)
{
    uint32_t i = orgctl_suppress_set_client_list(set, client_id, now, expires);
    if (i)
        *list = orgctl_suppress_set_list_name(set, i);
    return i != 0;
}

const char *orgctl_suppress_set_commit(const orgctl_suppress_set *set)
{
    return set->commit;
}

void orgctl_suppress_set_free(orgctl_suppress_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        list_close(&set->v[i]);
    free(set->v);
    free(set);
}
