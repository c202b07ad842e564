/* Unit tests of the suppression list's text format (lib/schema/suppress_text.c): the shard
 * of a number and of a client id, the expiry, and what the shard reader refuses (each
 * refusal names line and column), so that a hand-made shard is never believed; and of the
 * import's in-place sorts (lib/outbound/suppress.c) against qsort; and campaign load's
 * sorts and its walk of sorted numbers through the lists, against qsort and bsearch. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "orgctl/errors.h"
#include "suppress.h"
#include "suppress_text.h"
#include "tap.h"

#define NONE ((1u << ORGCTL_SUPPRESS_EXP_BITS) - 1) /* the rank of no expiry */
#define PACKED(key, rank) (((uint64_t)(key) << ORGCTL_SUPPRESS_EXP_BITS) | (rank))

static uint64_t rng = 88172645463325252ull;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned prefix5(uint64_t packed)
{
    uint64_t key = packed >> ORGCTL_SUPPRESS_EXP_BITS;
    while (key >= 100000)
        key /= 10;
    return (unsigned)key;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int by_shard(const void *a, const void *b)
{
    unsigned pa = prefix5(*(const uint64_t *)a), pb = prefix5(*(const uint64_t *)b);
    return pa != pb ? (pa < pb ? -1 : 1) : by_value(a, b);
}

/* What the sorts must give: qsort, then the last of each key. */
static size_t reference(uint64_t *v, size_t n, int (*cmp)(const void *, const void *))
{
    qsort(v, n, sizeof(*v), cmp);
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (out && v[out - 1] >> ORGCTL_SUPPRESS_EXP_BITS == v[i] >> ORGCTL_SUPPRESS_EXP_BITS)
            out--;
        v[out++] = v[i];
    }
    return out;
}

/* Sorts a copy of v[0..n) both ways and compares with the reference. */
static void check_sorts(const uint64_t *v, size_t n, const char *what)
{
    uint64_t *got = malloc((n + 1) * sizeof(*got)), *want = malloc((n + 1) * sizeof(*want));
    memcpy(got, v, n * sizeof(*v));
    memcpy(want, v, n * sizeof(*v));
    size_t g = orgctl_suppress_sort_values(got, n), w = reference(want, n, by_value);
    ok(g == w && memcmp(got, want, w * sizeof(*got)) == 0, "%s: value order (%zu of %zu)", what, g,
       n);
    /* the groups by shard, one prefix each, concatenated: the shard order */
    uint64_t *in_groups = malloc((g + 1) * sizeof(*in_groups)), *group;
    size_t at = 0, len, groups = 0, mixed = 0;
    bool one_prefix = true;
    orgctl_suppress_groups it;
    orgctl_suppress_groups_start(&it, got, g);
    while (orgctl_suppress_groups_next(&it, &group, &len) && at + len <= g) {
        for (size_t i = 0; i < len; i++)
            one_prefix = one_prefix && prefix5(group[i]) == prefix5(group[0]);
        mixed += group != got + at;
        memcpy(in_groups + at, group, len * sizeof(*group));
        at += len;
        groups++;
        orgctl_suppress_groups_release(&it); /* the entries walked: never read again */
    }
    orgctl_suppress_groups_free(&it);
    memcpy(want, v, n * sizeof(*v));
    w = reference(want, n, by_shard);
    ok(at == w && one_prefix && memcmp(in_groups, want, w * sizeof(*want)) == 0,
       "%s: by shard (%zu groups, %zu not where they lie)", what, groups, mixed);
    free(in_groups);
    free(got);
    free(want);
}

static uint64_t pow10u(int e)
{
    uint64_t p = 1;
    while (e-- > 0)
        p *= 10;
    return p;
}

static void sort_tests(void)
{
    size_t n = 300000, m = 0;
    uint64_t *v = malloc(n * sizeof(*v));
    check_sorts(v, 0, "nothing");
    /* keys of 8 to 15 digits, at the ends of every 5-digit prefix's range */
    for (unsigned p = 10000; p < 100000 && m + 4 <= n; p += 7) {
        int digits = 8 + (int)(p % 8);
        uint64_t scale = pow10u(digits - 5);
        v[m++] = PACKED(p * scale, NONE);
        v[m++] = PACKED(p * scale + scale - 1, p % 5);
        v[m++] = PACKED(p * scale + scale - 1, (p + 1) % 5); /* the same number twice */
        v[m++] = PACKED((uint64_t)(p + 1 > 99999 ? 99999 : p + 1) * scale, p % 3);
    }
    size_t boundaries = m;
    /* random numbers, some given again with another expiry or none */
    while (m < n) {
        uint64_t r = next_random();
        int digits = 8 + (int)(r % 8);
        uint64_t key = pow10u(digits - 1) + (r >> 8) % (9 * pow10u(digits - 1));
        unsigned rank = (unsigned)(r >> 3) % 6 == 0 ? NONE : (unsigned)(r >> 40) % 50;
        v[m++] = PACKED(key, rank);
        if (m < n && r % 4 == 0)
            v[m++] = PACKED(key, rank == NONE ? 7 : NONE);
    }
    check_sorts(v, boundaries, "every prefix's first and last numbers");
    check_sorts(v, m, "300k numbers of 8 to 15 digits, a third given twice");
    check_sorts(v, 1000, "a few (an edit's)");
    check_sorts(v + 5000, 30, "fewer than an MSD pass sorts");
    /* one prefix only, numbers apart only in their last bits and expiries */
    for (size_t i = 0; i < 5000; i++)
        v[i] = PACKED(13175550000ull + next_random() % 300, (unsigned)(next_random() % 20));
    check_sorts(v, 5000, "5000 entries of 300 numbers of one prefix");
    /* the rule: the latest expiry wins, none counting as the latest */
    for (size_t i = 0; i < 2000; i++)
        v[i] = PACKED(13175550000ull + i % 2, i == 500 ? NONE : (unsigned)(i % 40));
    size_t kept = orgctl_suppress_sort_values(v, 2000);
    ok(kept == 2 && v[0] == PACKED(13175550000ull, NONE) && v[1] == PACKED(13175550001ull, 39),
       "a number given many times keeps its latest expiry, or none if once none");
    free(v);
}

/* The reference for the sorted matcher: a search per key (bsearch), as
 * orgctl_suppress_set_match_number does. */
static bool in_list(const uint64_t *list, const uint32_t *minutes, size_t n, uint64_t key,
                    int64_t now)
{
    const uint64_t *at = n ? bsearch(&key, list, n, sizeof(*list), by_value) : NULL;
    if (!at)
        return false;
    int64_t expires = minutes ? (int64_t)minutes[at - list] * 60 : 0;
    return !expires || expires > now;
}

/* The campaign load's walk of sorted keys through sorted lists (orgctl_suppress_match_sorted,
 * galloping) against a binary search per key: lists dense and sparse, with expiries before
 * and after now, two lists where the first to hold a key names it. */
static void match_tests(void)
{
    const int64_t now = 1800000000;
    size_t n_list = 200000, n_keys = 50000;
    uint64_t *lists[2], *keys = malloc(n_keys * sizeof(*keys));
    uint32_t *minutes[2], *marks = malloc(n_keys * sizeof(*marks));
    for (int t = 0; t < 2; t++) {
        lists[t] = malloc(n_list * sizeof(**lists));
        minutes[t] = malloc(n_list * sizeof(**minutes));
    }
    for (int round = 0; round < 4; round++) {
        /* round 0, 1: keys in the lists' range; 2: a sparse list (a key in 1000); 3: keys
         * far apart */
        uint64_t span = round == 2 ? 1000000000ull : 10000000ull;
        size_t n[2];
        for (int t = 0; t < 2; t++) {
            for (size_t i = 0; i < n_list; i++)
                lists[t][i] = 12000000000ull + next_random() % (round == 2 ? span * 1000 : span);
            qsort(lists[t], n_list, sizeof(**lists), by_value);
            n[t] = 0;
            for (size_t i = 0; i < n_list; i++)
                if (!n[t] || lists[t][n[t] - 1] != lists[t][i])
                    lists[t][n[t]++] = lists[t][i];
            for (size_t i = 0; i < n[t]; i++) /* a third expire: some before now, some after */
                minutes[t][i] =
                    next_random() % 3
                        ? 0
                        : (uint32_t)((now + (int64_t)(next_random() % 7200) - 3600) / 60);
        }
        for (size_t i = 0; i < n_keys; i++) {
            uint64_t r = next_random();
            keys[i] = round == 3 ? 12000000000ull + r % (span * 1000)
                      : r % 2    ? lists[r % 4 < 2][(r >> 8) % n[r % 4 < 2]] /* listed */
                                 : 12000000000ull + (r >> 8) % span;
        }
        qsort(keys, n_keys, sizeof(*keys), by_value);
        memset(marks, 0, n_keys * sizeof(*marks));
        for (int t = 0; t < 2; t++)
            orgctl_suppress_match_sorted(marks, (uint32_t)t + 1, lists[t],
                                         round ? minutes[t] : NULL, n[t], keys, n_keys, now);
        size_t wrong = 0, marked = 0;
        for (size_t i = 0; i < n_keys; i++) {
            uint32_t want = 0;
            for (int t = 1; t >= 0; t--)
                if (in_list(lists[t], round ? minutes[t] : NULL, n[t], keys[i], now))
                    want = (uint32_t)t + 1;
            wrong += marks[i] != want;
            marked += want != 0;
        }
        ok(wrong == 0 && marked > 0,
           "sorted walk = binary search, round %d: %zu keys marked, %zu wrong", round, marked,
           wrong);
    }
    memset(marks, 0, n_keys * sizeof(*marks));
    orgctl_suppress_match_sorted(marks, 1, lists[0], NULL, 0, keys, n_keys, now);
    orgctl_suppress_match_sorted(marks, 1, lists[0], NULL, 10, keys, 0, now);
    ok(marks[0] == 0 && marks[n_keys - 1] == 0, "an empty list or no keys: nothing marked");
    for (int t = 0; t < 2; t++) {
        free(lists[t]);
        free(minutes[t]);
    }
    free(keys);
    free(marks);
}

/* The sort carrying a value, and a large one (on two threads): against qsort. */
static void carry_sort_tests(void)
{
    size_t n = 300000;
    uint64_t *v = malloc(n * sizeof(*v)), *want = malloc(n * sizeof(*v));
    uint32_t *carry = malloc(n * sizeof(*carry));
    /* keys of 34 bits above a place of 19 bits, as campaign load packs them */
    for (size_t i = 0; i < n; i++)
        v[i] = want[i] = (next_random() % (1ull << 34)) % 5000000 << 19 | i;
    qsort(want, n, sizeof(*want), by_value);
    orgctl_suppress_sort_keys(v, NULL, n);
    ok(memcmp(v, want, n * sizeof(*want)) == 0, "300k packed values sorted, on two threads");
    for (size_t i = 0; i < n; i++) {
        v[i] = 100000000000000ull + next_random() % 900000000000000ull;
        carry[i] = (uint32_t)(v[i] % 1000003);
    }
    memcpy(want, v, n * sizeof(*v));
    qsort(want, n, sizeof(*want), by_value);
    orgctl_suppress_sort_keys(v, carry, n);
    bool carried = true;
    for (size_t i = 0; i < n; i++)
        carried &= carry[i] == (uint32_t)(v[i] % 1000003);
    ok(memcmp(v, want, n * sizeof(*v)) == 0 && carried,
       "keys of 15 digits sorted in place, each carrying its value");
    free(v);
    free(want);
    free(carry);
}

static int parse(const char *rel, const char *text)
{
    return orgctl_suppress_shard_parse(rel, text, strlen(text), NULL, NULL);
}

static void refused(const char *rel, const char *text, const char *want, const char *what)
{
    int rc = parse(rel, text);
    ok(rc == ORGCTL_EINVALID && strstr(orgctl_error_last(), want), "%s: refused, \"%s\"", what,
       want);
    if (rc != ORGCTL_EINVALID || !strstr(orgctl_error_last(), want))
        printf("#   got %d: %s\n", rc, orgctl_error_last());
    orgctl_error_clear();
}

static int count_line(const orgctl_suppress_line *l, void *payload)
{
    int *n = payload;
    (*n)++;
    return 0;
}

int main(void)
{
    char shard[ORGCTL_SUPPRESS_SHARD_MAX];
    orgctl_suppress_number_shard(shard, 13175551212ull);
    is_str(shard, "numbers/131/13175.txt", "a NANP number's shard");
    orgctl_suppress_number_shard(shard, 4930123456ull);
    is_str(shard, "numbers/493/49301.txt", "a German number's shard");
    orgctl_suppress_client_shard(shard, "alice", 5);
    ok(strncmp(shard, "clients/", 8) == 0 && strlen(shard) == 14, "a client id's shard: %s", shard);

    ok(orgctl_e164_key("+13175551212", 12) == 13175551212ull, "E.164 key");
    ok(orgctl_e164_key("+1317555121", 11) == 1317555121ull, "10 digits");
    ok(orgctl_e164_key("+1234567", 8) == 0, "7 digits: none");
    ok(orgctl_e164_key("+1234567890123456", 17) == 0, "16 digits: none");
    ok(orgctl_e164_key("+0317555121", 11) == 0, "a leading 0: none");
    ok(orgctl_e164_key("13175551212", 11) == 0, "no '+': none");

    int64_t t;
    ok(orgctl_expiry_parse("2027-01-31T23:59Z", 17, &t) && t == 1801439940,
       "expiry 2027-01-31T23:59Z");
    char text[ORGCTL_SUPPRESS_EXPIRY_LEN + 1];
    orgctl_expiry_format(text, t);
    is_str(text, "2027-01-31T23:59Z", "expiry formatted back");
    ok(orgctl_expiry_parse("2028-02-29T00:00Z", 17, &t), "a leap day");
    ok(!orgctl_expiry_parse("2027-02-29T00:00Z", 17, &t), "no 29 February in 2027");
    ok(!orgctl_expiry_parse("2027-01-31T24:00Z", 17, &t), "no hour 24");
    ok(!orgctl_expiry_parse("2027-01-31T23:59", 16, &t), "no Z");
    ok(!orgctl_expiry_parse("2027-01-31 23:59Z", 17, &t), "no T");
    ok(!orgctl_expiry_parse("2027-01-31T23:59:00Z", 20, &t), "no seconds");

    int n = 0;
    const char *good = "+13175551212\n+13175551213 2027-01-31T00:00Z\n+131755512100\n";
    ok(orgctl_suppress_shard_parse("numbers/131/13175.txt", good, strlen(good), count_line, &n) ==
               0 &&
           n == 3,
       "a shard of three lines, a longer number last");
    refused("numbers/131/13175.txt", "+13175551213\n+13175551212\n", ":2:1: out of order",
            "lines out of order");
    refused("numbers/131/13175.txt", "+13175551212\n+13175551212\n", ":2:1: a second line",
            "a line twice");
    refused("numbers/131/13175.txt", "+13185551212\n", ":1:2: a number of another shard",
            "a number of another shard");
    refused("numbers/131/13175.txt", "+1317555121x\n", ":1:1: not a number", "a letter");
    refused("numbers/131/13175.txt", "+13175551212 2027-13-01T00:00Z\n", ":1:14: not an expiry",
            "a bad expiry, its column");
    refused("numbers/131/13175.txt", "+13175551212", "no newline", "no final newline");
    refused("numbers/131/13175.txt", "", "an empty shard", "an empty shard");
    refused("numbers/131/13275.txt", "+13275551212\n", "no shard", "a folder of another prefix");
    refused("numbers/131/../x.txt", "+13175551212\n", "no shard", "a path with ..");
    refused("evil.txt", "x\n", "no shard", "a file of no shard's name");
    /* split shards: prefixes of 5 to 7 digits */
    orgctl_suppress_number_shard_at(shard, 13175551212ull, 7);
    is_str(shard, "numbers/131/1317555.txt", "a number's shard of seven digits");
    ok(parse("numbers/131/131755.txt", "+13175551212\n+131755512100\n") == 0,
       "a shard of six digits");
    ok(parse("numbers/131/1317555.txt", "+13175551212\n") == 0, "a shard of seven digits");
    refused("numbers/131/131755.txt", "+13175651212\n", ":1:2: a number of another shard",
            "a number of the shard's parent prefix, not its own");
    refused("numbers/131/13175551.txt", "+13175551212\n", "no shard", "a prefix of eight digits");
    refused("numbers/131/1317.txt", "+13175551212\n", "no shard", "a prefix of four digits");
    refused("numbers/131/13175x.txt", "+13175551212\n", "no shard", "a prefix with a letter");
    char prefix[ORGCTL_SUPPRESS_PREFIX_MAX + 1];
    ok(orgctl_suppress_shard_prefix("numbers/131/131755.txt", prefix) == 6 &&
           strcmp(prefix, "131755") == 0,
       "a shard's prefix");
    ok(orgctl_suppress_shard_prefix("clients/a7.txt", prefix) == 0, "a client shard has none");
    orgctl_suppress_client_shard(shard, "alice", 5);
    ok(parse(shard, "alice\n") == 0, "a client shard");
    refused(shard, "bob\n", "a client id of another shard", "a client id of another shard");
    refused(shard, "alice x\n", "not an expiry", "a client id followed by no expiry");
    sort_tests();
    match_tests();
    carry_sort_tests();
    return done_testing();
}
