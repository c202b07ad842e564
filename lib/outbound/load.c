/* campaign load (include/orgctl/campaign_load.h): one pass over a contact list.
 *
 * Each contact's numbers are normalised as suppress does (lib/util/phone.h), looked up in
 * a hash set of the numbers seen so far (a duplicate is excluded, the first one kept), in
 * the suppression set of the campaign's lists (sorted arrays, lib/outbound/suppress.h) by
 * number and by client id, and given the UTC windows in which they may be called: those
 * depend on the number's area code alone (its region and time zones, from the compliance
 * rules' NANPA table), so they are computed once per area code, not per contact. Memory
 * follows the number of distinct numbers (12 bytes each), never the file's size. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "campaign.h"
#include "internal.h"
#include "orgctl/campaign_load.h"
#include "orgctl/csv.h"
#include "orgctl/perm.h"
#include "phone.h"
#include "sha1.h"
#include "suppress.h"
#include "tz.h"

/* The reasons a number is excluded, as counted and written. */
enum reason {
    R_INVALID,   /* invalid number */
    R_DUPLICATE, /* duplicate in the file */
    R_SUPPRESSED,
    R_NO_TIME,  /* no allowed calling time in the sub-campaign's dates */
    R_ATTEMPTS, /* attempts exhausted */
    R_COUNT,
};
static const char *const reason_keys[R_COUNT] = {"invalid-number", "duplicate", "suppressed",
                                                 "no-calling-time", "attempts-exhausted"};

/* --- UTC intervals --- */

typedef struct {
    int64_t *v; /* start, end, start, end, ... sorted, disjoint */
    size_t n, alloc;
} spans;

static void spans_add(spans *s, int64_t a, int64_t b)
{
    if (b <= a)
        return;
    if (s->n + 2 > s->alloc) {
        s->alloc = s->alloc ? s->alloc * 2 : 64;
        s->v = xrealloc(s->v, s->alloc * sizeof(*s->v));
    }
    if (s->n && s->v[s->n - 1] >= a) { /* touches the last one: one span */
        if (b > s->v[s->n - 1])
            s->v[s->n - 1] = b;
        return;
    }
    s->v[s->n++] = a;
    s->v[s->n++] = b;
}

/* out = a ∩ b */
static void spans_intersect(spans *out, const spans *a, const spans *b)
{
    out->n = 0;
    for (size_t i = 0, j = 0; i < a->n && j < b->n;) {
        int64_t lo = a->v[i] > b->v[j] ? a->v[i] : b->v[j];
        int64_t hi = a->v[i + 1] < b->v[j + 1] ? a->v[i + 1] : b->v[j + 1];
        spans_add(out, lo, hi);
        if (a->v[i + 1] < b->v[j + 1])
            i += 2;
        else
            j += 2;
    }
}

/* --- the load --- */

/* An area code's region and time zones (from the compliance rules), and its windows once
 * computed. */
struct area {
    bool known, computed;
    char region[16]; /* "NJ", or "NS,PE" for a code of two regions */
    int zones[4];
    int n_zones;
    char *windows; /* "START/END START/END ..." (ISO 8601 UTC), "" for none */
    char *tail;    /* the cells a dialable row ends with: region, tz, windows, newline */
    size_t tail_len;
};

/* An output file, written through one large buffer. */
struct output {
    FILE *f;
    const char *path;
    bool opened; /* so removed again if the load fails */
    strbuf buf;
};

/* A block of contacts read but not yet decided: their numbers are looked up together (the
 * suppression set and the numbers seen, memory reads that overlap), then each contact is
 * decided in the file's order. */
#define BLOCK_CONTACTS 4096

struct block_contact {
    size_t cells, cells_len; /* the input's cells as written, in `text` */
    uint32_t line;
    long attempts;
    const char *client_list; /* suppressed by client id in this list, or NULL */
    size_t first, n;         /* its numbers, in `numbers` */
};

struct block_number {
    uint64_t key;   /* 0: not a number (`code` says why) */
    int code;       /* orgctl_phone_normalize's */
    size_t column;  /* the index of its phone column */
    size_t raw;     /* the cell as given, in `text` (invalid numbers only) */
    uint32_t first; /* the line the number was first seen on, 0: never before */
    char e164[ORGCTL_E164_MAX];
};

struct block {
    struct block_contact *contacts;
    size_t n_contacts;
    struct block_number *numbers;
    size_t n_numbers, alloc_numbers;
    uint64_t *keys;     /* the valid numbers' keys, in order */
    const char **lists; /* the list suppressing each of `keys`, or NULL */
    size_t n_keys;
    strbuf text;
    size_t numbers_read; /* the non-empty phone cells */
    bool last;           /* the file ends with this block (or `error` stopped it) */
    int error;           /* the error that stopped the reading, and its message */
    char message[1024];
};

#define MAX_ZONES 64

struct load {
    const orgctl_load_options *opts;
    orgctl_repo *repo;
    const char *org, *sub_name;
    cJSON *sub, *campaign, *strategy, *rules;
    int64_t start, end;
    unsigned campaign_days, rule_days;
    int campaign_a, campaign_b; /* the campaign's window, minutes, in its zone */
    int rule_a, rule_b;         /* compliance's window, minutes, the contact's local time */
    int max_attempts;           /* 0: no limit */
    orgctl_tz *zones[MAX_ZONES];
    int n_zones, campaign_zone;
    struct area areas[1000];
    struct area elsewhere; /* no area code of the table: the campaign's zone, no region */
    orgctl_suppress_set *suppress;
    /* the numbers seen: open addressing, a slot = key (two words, 0 empty) and line, one
     * cache line read per number */
    uint32_t *seen;
    size_t seen_n, seen_cap;
    bool seen_mapped;
    /* counts */
    size_t contacts, numbers, dialable, excluded[R_COUNT];
    cJSON *by_list; /* suppressed: list -> count */
    struct output dialable_out, excluded_out;
    /* two blocks: one read (a thread of its own) while the other is decided */
    struct block blocks[2];
    const struct block *deciding;
};

static int zone_index(struct load *l, const char *name, size_t len)
{
    char buf[80];
    if (len >= sizeof(buf))
        return orgctl_error_set(ORGCTL_EINVALID, "time zone \"%.60s...\" is too long", name);
    memcpy(buf, name, len);
    buf[len] = '\0';
    for (int i = 0; i < l->n_zones; i++)
        if (strcmp(orgctl_tz_name(l->zones[i]), buf) == 0)
            return i;
    if (l->n_zones == MAX_ZONES)
        return orgctl_error_set(ORGCTL_EINVALID, "more than %d time zones", MAX_ZONES);
    int error = orgctl_tz_load(&l->zones[l->n_zones], l->opts->zoneinfo, buf);
    if (error < 0)
        return orgctl_error_set(ORGCTL_EINVALID, "time zone \"%s\": %s", buf, orgctl_error_last());
    return l->n_zones++;
}

/* The compliance rules' area codes: "CODE": "REGION ZONE[ ZONE...]". */
static int read_area_codes(struct load *l)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(l->rules, "area_code_table"))
    {
        const char *v = cJSON_GetStringValue(c);
        int code = atoi(c->string);
        if (!v || code < 200 || code > 999)
            continue;
        struct area *a = &l->areas[code];
        size_t rl = strcspn(v, " ");
        if (rl >= sizeof(a->region))
            return orgctl_error_set(ORGCTL_EINVALID, "compliance: area code %s: region \"%.20s\"",
                                    c->string, v);
        memcpy(a->region, v, rl);
        a->region[rl] = '\0';
        for (const char *p = v + rl; *p;) {
            p += strspn(p, " ,");
            size_t zl = strcspn(p, " ,");
            if (!zl)
                break;
            int z = zone_index(l, p, zl);
            if (z < 0)
                return z;
            if (a->n_zones < 4)
                a->zones[a->n_zones++] = z;
            p += zl;
        }
        a->known = true;
        if (!a->n_zones)
            a->zones[a->n_zones++] = l->campaign_zone;
    }
    return 0;
}

static bool is_no_contact_date(struct load *l, int y, int m, int d)
{
    char date[16];
    snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
    const cJSON *i;
    cJSON_ArrayForEach(i, cJSON_GetObjectItemCaseSensitive(l->rules, "no_contact_dates"))
    {
        if (cJSON_IsString(i) && strcmp(i->valuestring, date) == 0)
            return true;
    }
    return false;
}

static const char *const day_abbr[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

/* The window [*a, *b) in minutes that the rules allow in `regions` ("NJ", "NS,PE": each
 * region's) on weekday `wd` (0 = Sunday): compliance's window narrowed by each region's
 * (its day's, when it has one). */
static void rule_window(struct load *l, const char *regions, int wd, int *a, int *b)
{
    *a = l->rule_a;
    *b = l->rule_b;
    const cJSON *windows = cJSON_GetObjectItemCaseSensitive(l->rules, "regions");
    for (const char *r = regions; *r;) {
        size_t n = strcspn(r, ",");
        char key[24];
        snprintf(key, sizeof(key), "%.*s:%s", (int)n, r, day_abbr[wd]);
        const char *w = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(windows, key));
        key[n] = '\0';
        if (!w)
            w = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(windows, key));
        int ra, rb;
        if (w && orgctl_window_parse("region", w, &ra, &rb) == 0) {
            *a = ra > *a ? ra : *a;
            *b = rb < *b ? rb : *b;
        }
        r += n + (r[n] == ',');
    }
}

/* The UTC span of local minutes [a, b) of the local day `day` (local seconds of its
 * midnight) in zone tz. */
static void add_local(spans *s, const orgctl_tz *tz, int64_t day, int a, int b)
{
    int64_t e1, l1, e2, l2;
    orgctl_tz_to_utc(&e1, &l1, tz, day + a * 60);
    orgctl_tz_to_utc(&e2, &l2, tz, day + b * 60);
    spans_add(s, l1, e2); /* in a fold, only the time that is inside on both readings */
}

/* The days around the sub-campaign, as local midnights of zone tz: from a day before its
 * start to a day after its end (zones are at most 14 hours from UTC). */
static void each_day(struct load *l, const orgctl_tz *tz, spans *out, const char *region,
                     bool campaign)
{
    int64_t first = orgctl_tz_to_local(tz, l->start) / 86400 - 1;
    int64_t last = orgctl_tz_to_local(tz, l->end) / 86400 + 1;
    for (int64_t d = first; d <= last; d++) {
        int y, m, dd, wd;
        orgctl_tz_from_civil(&y, &m, &dd, NULL, NULL, NULL, &wd, d * 86400);
        unsigned bit = 1u << ((wd + 6) % 7); /* the mask counts from Monday */
        int a, b;
        if (campaign) {
            if (!(l->campaign_days & bit))
                continue;
            a = l->campaign_a, b = l->campaign_b;
        } else {
            if (!(l->rule_days & bit) || is_no_contact_date(l, y, m, dd))
                continue;
            rule_window(l, region, wd, &a, &b);
        }
        if (a < b)
            add_local(out, tz, d * 86400, a, b);
    }
}

/* The windows of an area: the campaign's window and days in its zone, the rules' in each
 * of the area's zones (a number of an area code over two zones may be in either), within
 * the sub-campaign's start and end. */
static void compute_windows(struct load *l, struct area *a)
{
    spans all = {0}, one = {0}, tmp = {0};
    spans_add(&all, l->start, l->end);
    for (int z = -1; z < a->n_zones; z++) {
        one.n = 0;
        each_day(l, l->zones[z < 0 ? l->campaign_zone : a->zones[z]], &one, a->region, z < 0);
        spans_intersect(&tmp, &all, &one);
        spans swap = all;
        all = tmp;
        tmp = swap;
    }
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < all.n; i += 2) {
        char s[32], e[32];
        orgctl_time_format((time_t)all.v[i], s, sizeof(s));
        orgctl_time_format((time_t)all.v[i + 1], e, sizeof(e));
        strbuf_addf(&sb, "%s%s/%s", i ? " " : "", s, e);
    }
    a->windows = strbuf_detach(&sb, NULL);
    a->computed = true;
    free(all.v);
    free(one.v);
    free(tmp.v);
}

/* The area of an E.164 number: its NANP area code's, else elsewhere. */
static struct area *area_of(struct load *l, const char *e164)
{
    struct area *a = &l->elsewhere;
    if (e164[1] == '1' && strlen(e164) == 12) {
        int code = (e164[2] - '0') * 100 + (e164[3] - '0') * 10 + (e164[4] - '0');
        if (l->areas[code].known)
            a = &l->areas[code];
    }
    if (!a->computed)
        compute_windows(l, a);
    return a;
}

/* --- the numbers seen --- */

static uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

static uint32_t *seen_slot(const struct load *l, size_t i)
{
    return l->seen + 3 * i;
}

static uint64_t slot_key(const uint32_t *slot)
{
    return slot[0] | (uint64_t)slot[1] << 32;
}

/* The line a number was first seen on, or 0 (and it is now seen, on `line`); room for it
 * was made (seen_reserve). */
static uint32_t seen_before(struct load *l, uint64_t key, uint32_t line)
{
    size_t mask = l->seen_cap - 1;
    for (size_t i = mix(key) & mask;; i = (i + 1) & mask) {
        uint32_t *slot = seen_slot(l, i);
        uint64_t k = slot_key(slot);
        if (k == key)
            return slot[2];
        if (!k) {
            slot[0] = (uint32_t)key;
            slot[1] = (uint32_t)(key >> 32);
            slot[2] = line;
            l->seen_n++;
            return 0;
        }
    }
}

/* The seen table's bytes: mapped anonymous memory (zeroed by the kernel, nothing to clear
 * again), in huge pages where the kernel has them: its reads are random, and a miss of
 * the page table too costs as much as the read. */
static size_t table_size(size_t cap)
{
    const size_t huge = (size_t)2 << 20;
    return (cap * 3 * sizeof(uint32_t) + huge - 1) / huge * huge;
}

/* *mapped: whether it was mapped (else allocated, when no mapping could be made). */
static uint32_t *table_alloc(size_t cap, bool *mapped)
{
    void *p =
        mmap(NULL, table_size(cap), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ((*mapped = p != MAP_FAILED))
        madvise(p, table_size(cap), MADV_HUGEPAGE);
    return *mapped ? p : xcalloc(1, table_size(cap));
}

static void table_free(uint32_t *table, size_t cap, bool mapped)
{
    if (mapped)
        munmap(table, table_size(cap));
    else
        free(table);
}

/* How many numbers ahead a slot is fetched: enough to cover a read from memory, few enough
 * to stay in the first-level cache. */
#define SEEN_AHEAD 32

static void seen_prefetch(const struct load *l, uint64_t key)
{
    __builtin_prefetch(seen_slot(l, mix(key) & (l->seen_cap - 1)), 1);
}

/* Room for `more` numbers at a load of at most 3/4. */
static void seen_reserve(struct load *l, size_t more)
{
    if ((l->seen_n + more) * 4 < l->seen_cap * 3)
        return;
    size_t old_cap = l->seen_cap;
    uint32_t *old = l->seen;
    bool old_mapped = l->seen_mapped;
    while ((l->seen_n + more) * 4 >= l->seen_cap * 3)
        l->seen_cap = l->seen_cap ? l->seen_cap * 2 : 1 << 16;
    l->seen = table_alloc(l->seen_cap, &l->seen_mapped);
    l->seen_n = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if (i + SEEN_AHEAD < old_cap && slot_key(old + 3 * (i + SEEN_AHEAD)))
            seen_prefetch(l, slot_key(old + 3 * (i + SEEN_AHEAD)));
        if (slot_key(old + 3 * i))
            seen_before(l, slot_key(old + 3 * i), old[3 * i + 2]);
    }
    table_free(old, old_cap, old_mapped);
}

/* --- reading the contact list --- */

struct columns {
    char **names;     /* the header's names (the reader reuses its record) */
    size_t n;         /* the header's columns */
    size_t phone[64]; /* the phone columns */
    size_t n_phone;
    ptrdiff_t id, attempts; /* -1: none */
};

static bool has_phone(const char *name)
{
    for (const char *p = name; *p; p++)
        if (strncasecmp(p, "phone", 5) == 0)
            return true;
    return false;
}

/* The column named `name` in the header, or -1; a name there twice is an error. */
static int find_column(const char *file, size_t line, const struct columns *c, const char *name,
                       ptrdiff_t *at)
{
    *at = -1;
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->names[i], name) != 0)
            continue;
        if (*at >= 0)
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "%s:%zu:%zu: column \"%.100s\" is named twice (columns %zu "
                                    "and %zu)",
                                    file, line, i + 1, name, (size_t)*at + 1, i + 1);
        *at = (ptrdiff_t)i;
    }
    return 0;
}

static int read_header(struct load *l, const char *file, orgctl_csv_record *header,
                       struct columns *c)
{
    const orgctl_load_options *o = l->opts;
    size_t line = orgctl_csv_record_line(header);
    int error;
    c->n = orgctl_csv_record_count(header);
    c->names = xcalloc(c->n, sizeof(*c->names));
    for (size_t i = 0; i < c->n; i++)
        c->names[i] = xstrdup(orgctl_csv_record_field(header, i, NULL));
    c->n_phone = 0;
    for (size_t i = 0; i < o->n_phone_columns; i++) {
        ptrdiff_t at;
        for (size_t j = 0; j < i; j++)
            if (strcmp(o->phone_columns[j], o->phone_columns[i]) == 0)
                return orgctl_error_set(ORGCTL_EINVALID, "--phone-column \"%.100s\" is given twice",
                                        o->phone_columns[i]);
        if ((error = find_column(file, line, c, o->phone_columns[i], &at)) < 0)
            return error;
        if (at < 0)
            return orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: no column \"%.100s\" in the header",
                                    file, line, o->phone_columns[i]);
        if (c->n_phone == 64)
            return orgctl_error_set(ORGCTL_EINVALID, "more than 64 phone columns");
        c->phone[c->n_phone++] = (size_t)at;
    }
    for (size_t i = 0; !o->n_phone_columns && i < c->n; i++) {
        ptrdiff_t at;
        if (!has_phone(c->names[i]))
            continue;
        if ((error = find_column(file, line, c, c->names[i], &at)) < 0)
            return error;
        if (c->n_phone < 64 && (size_t)at == i)
            c->phone[c->n_phone++] = i;
    }
    if (!c->n_phone)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "%s:%zu: no phone column (none is named like \"phone\"; give "
                                "--phone-column)",
                                file, line);
    c->id = c->attempts = -1;
    if (o->id_column && (error = find_column(file, line, c, o->id_column, &c->id)) < 0)
        return error;
    if (o->id_column && c->id < 0)
        return orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: no column \"%.100s\" in the header", file,
                                line, o->id_column);
    const char *attempts = o->attempts_column ? o->attempts_column : "attempts";
    if ((error = find_column(file, line, c, attempts, &c->attempts)) < 0)
        return error;
    if (o->attempts_column && c->attempts < 0)
        return orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: no column \"%.100s\" in the header", file,
                                line, attempts);
    return 0;
}

/* Appends `value` (len bytes) as a CSV cell and a comma: orgctl_csv_cell's bytes, copied as
 * they are when there is nothing to quote or guard (most cells). */
static void cell_n(strbuf *sb, const char *value, size_t len)
{
    size_t i = 0;
    while (i < len && value[i] != ',' && value[i] != '"' && value[i] != '\r' && value[i] != '\n')
        i++;
    if (i == len && !orgctl_csv_guarded(value)) {
        strbuf_grow(sb, len + 1);
        memcpy(sb->buf + sb->len, value, len);
        sb->buf[sb->len + len] = ',';
        sb->len += len + 1;
        return;
    }
    size_t n = orgctl_csv_cell(NULL, 0, value);
    strbuf_grow(sb, n + 2);
    orgctl_csv_cell(sb->buf + sb->len, n + 1, value);
    sb->len += n;
    sb->buf[sb->len++] = ',';
}

static void cell(strbuf *sb, const char *value)
{
    cell_n(sb, value, strlen(value));
}

static int write_failed(const char *path)
{
    return orgctl_error_set(ORGCTL_ERROR, "%s: %s", path, strerror(errno));
}

#define OUTPUT_FLUSH (1 << 20)

static int output_flush(struct output *o)
{
    if (o->buf.len && fwrite(o->buf.buf, 1, o->buf.len, o->f) != o->buf.len)
        return write_failed(o->path);
    o->buf.len = 0;
    return 0;
}

/* Ends the row built in o->buf (its last comma becomes the newline). */
static int output_end_row(struct output *o)
{
    o->buf.buf[o->buf.len - 1] = '\n';
    return o->buf.len >= OUTPUT_FLUSH ? output_flush(o) : 0;
}

/* Starts a row of contact `c` of the block: the input's cells. */
static strbuf *output_start_row(struct output *o, const struct block *b,
                                const struct block_contact *c)
{
    strbuf_add(&o->buf, b->text.buf + c->cells, c->cells_len);
    return &o->buf;
}

static int exclude(struct load *l, const struct block_contact *c, const char *column,
                   const char *number, enum reason r, const char *why)
{
    l->excluded[r]++;
    struct output *o = &l->excluded_out;
    if (!o->f)
        return 0;
    strbuf *row = output_start_row(o, l->deciding, c);
    cell(row, column);
    cell(row, number);
    cell(row, reason_keys[r]);
    cell(row, why);
    return output_end_row(o);
}

static void count_list(struct load *l, const char *list)
{
    cJSON *n = cJSON_GetObjectItemCaseSensitive(l->by_list, list);
    if (n)
        cJSON_SetNumberValue(n, n->valuedouble + 1);
    else
        cJSON_AddNumberToObject(l->by_list, list, 1);
}

/* The cells every dialable row of the area ends with, made once. */
static void make_tail(struct load *l, struct area *a)
{
    strbuf sb = STRBUF_INIT;
    cell(&sb, a->region);
    cell(&sb, orgctl_tz_name(l->zones[a->n_zones ? a->zones[0] : l->campaign_zone]));
    cell(&sb, a->windows);
    a->tail = strbuf_detach(&sb, &a->tail_len);
}

/* Decides one number of a contact of the block; `list` the list suppressing it. */
static int decide(struct load *l, const struct block_contact *c, const struct block_number *num,
                  const char *column, const char *list)
{
    char why[160];
    if (!num->key)
        return exclude(l, c, column, l->deciding->text.buf + num->raw, R_INVALID,
                       orgctl_phone_strerror(num->code));
    if (num->first) {
        snprintf(why, sizeof(why), "the same number as line %u", num->first);
        return exclude(l, c, column, num->e164, R_DUPLICATE, why);
    }
    bool by_client = c->client_list != NULL;
    if (by_client)
        list = c->client_list;
    if (list) {
        count_list(l, list);
        snprintf(why, sizeof(why), "suppressed by list %.100s (%s)", list,
                 by_client ? "client id" : "number");
        return exclude(l, c, column, num->e164, R_SUPPRESSED, why);
    }
    if (l->max_attempts && c->attempts >= l->max_attempts) {
        snprintf(why, sizeof(why), "%ld attempts, at most %d", c->attempts, l->max_attempts);
        return exclude(l, c, column, num->e164, R_ATTEMPTS, why);
    }
    struct area *a = area_of(l, num->e164);
    if (!*a->windows)
        return exclude(l, c, column, num->e164, R_NO_TIME,
                       "no allowed calling time in the sub-campaign's dates");
    l->dialable++;
    struct output *o = &l->dialable_out;
    if (!o->f)
        return 0;
    if (!a->tail)
        make_tail(l, a);
    strbuf *row = output_start_row(o, l->deciding, c);
    cell_n(row, num->e164, strlen(num->e164));
    strbuf_add(row, a->tail, a->tail_len);
    return output_end_row(o);
}

/* Decides the contacts of the block, in order, and empties it. */
static int decide_block(struct load *l, struct block *b, const struct columns *cols)
{
    int error = 0;
    l->deciding = b;
    l->contacts += b->n_contacts;
    l->numbers += b->numbers_read;
    size_t k = 0; /* the next of `keys` */
    for (size_t i = 0; i < b->n_contacts && !error; i++) {
        const struct block_contact *c = &b->contacts[i];
        for (size_t j = c->first; j < c->first + c->n && !error; j++) {
            const struct block_number *num = &b->numbers[j];
            const char *list = num->key ? b->lists[k++] : NULL;
            error = decide(l, c, num, cols->names[cols->phone[num->column]], list);
        }
        if (!error && !c->n) {
            l->numbers++;
            error = exclude(l, c, "", "", R_INVALID, "no phone number");
        }
    }
    b->n_contacts = b->n_numbers = b->n_keys = b->numbers_read = 0;
    b->text.len = 0;
    return error;
}

/* Checks one contact and adds it to the block: its cells kept as they are written, its
 * numbers normalised. */
static int read_contact(const struct load *l, struct block *b, orgctl_csv *csv,
                        orgctl_csv_record *rec, const struct columns *c)
{
    const char *file = orgctl_csv_name(csv);
    size_t n = orgctl_csv_record_count(rec), line = orgctl_csv_record_line(rec);
    if (n != c->n)
        return orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: %zu fields, the header has %zu", file,
                                line, n, c->n);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        orgctl_csv_record_field(rec, i, &len);
        if (len > ORGCTL_LOAD_CELL_MAX)
            return orgctl_error_set(ORGCTL_EINVALID, "%s:%zu:%zu: a cell of %zu bytes (at most %d)",
                                    file, orgctl_csv_record_field_line(rec, i), i + 1, len,
                                    ORGCTL_LOAD_CELL_MAX);
    }
    struct block_contact *bc = &b->contacts[b->n_contacts];
    *bc = (struct block_contact){.line = (uint32_t)line, .first = b->n_numbers};
    const char *client = c->id >= 0 ? orgctl_csv_record_field(rec, (size_t)c->id, NULL) : "";
    if (*client && l->suppress &&
        orgctl_suppress_set_match_client(&bc->client_list, &(int64_t){0}, l->suppress, client,
                                         (int64_t)l->opts->now) != 1)
        bc->client_list = NULL;
    if (c->attempts >= 0) {
        const char *s = orgctl_csv_record_field(rec, (size_t)c->attempts, NULL);
        char *end;
        bc->attempts = *s ? strtol(s, &end, 10) : 0;
        if (*s && (*end || bc->attempts < 0 || bc->attempts > 1000000))
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "%s:%zu:%zu: attempts \"%.40s\" is not a whole number", file,
                                    line, (size_t)c->attempts + 1, s);
    }
    bc->cells = b->text.len;
    if (l->dialable_out.f || l->excluded_out.f)
        for (size_t i = 0; i < n; i++) {
            size_t len;
            const char *v = orgctl_csv_record_field(rec, i, &len);
            cell_n(&b->text, v, len);
        }
    bc->cells_len = b->text.len - bc->cells;
    const orgctl_phone_region *us = orgctl_phone_region_lookup("US");
    for (size_t k = 0; k < c->n_phone; k++) {
        size_t len;
        const char *raw = orgctl_csv_record_field(rec, c->phone[k], &len);
        if (!len)
            continue;
        b->numbers_read++;
        if (b->n_numbers == b->alloc_numbers) {
            b->alloc_numbers *= 2;
            b->numbers = xrealloc(b->numbers, b->alloc_numbers * sizeof(*b->numbers));
            b->keys = xrealloc(b->keys, b->alloc_numbers * sizeof(*b->keys));
            b->lists = xrealloc(b->lists, b->alloc_numbers * sizeof(*b->lists));
        }
        struct block_number *num = &b->numbers[b->n_numbers++];
        ptrdiff_t bad_at;
        num->column = k;
        num->code = orgctl_phone_normalize(num->e164, &bad_at, us, raw, len);
        num->key = num->code < 0 ? 0 : orgctl_phone_key(num->e164);
        if (num->key) {
            b->keys[b->n_keys++] = num->key;
        } else {
            num->raw = b->text.len;
            strbuf_add(&b->text, raw, len + 1); /* with its NUL */
        }
        bc->n++;
    }
    b->n_contacts++;
    return 0;
}

/* --- setting up --- */

static int load_objects(struct load *l)
{
    int error = orgctl_object_load(l->repo, &orgctl_kind_subcampaign, l->org, l->sub_name, &l->sub);
    if (error < 0)
        return error;
    const char *campaign = orgctl_campaign_str(l->sub, "campaign");
    if ((error = orgctl_object_load(l->repo, &orgctl_kind_campaign, l->org, campaign,
                                    &l->campaign)) < 0)
        return error;
    const char *status = orgctl_campaign_str(l->campaign, "status");
    if (status && strcmp(status, "invalid") == 0)
        return orgctl_error_set(ORGCTL_EINVALID, "campaign \"%s\" is invalid: %s", campaign,
                                orgctl_campaign_str(l->campaign, "invalid_reason"));
    const char *strategy = orgctl_campaign_str(l->campaign, "strategy");
    if ((error = orgctl_object_load(l->repo, &orgctl_kind_strategy, "", strategy, &l->strategy)) <
        0)
        return error;
    if (orgctl_object_exists(l->repo, &orgctl_kind_compliance, "", ORGCTL_COMPLIANCE_NAME)) {
        if ((error = orgctl_object_load(l->repo, &orgctl_kind_compliance, "",
                                        ORGCTL_COMPLIANCE_NAME, &l->rules)) < 0)
            return error;
    } else {
        l->rules = cJSON_CreateObject();
    }
    time_t t;
    if ((error = orgctl_time_parse(&t, NULL, "start", orgctl_campaign_str(l->sub, "start"))) < 0)
        return error;
    l->start = t;
    if ((error = orgctl_time_parse(&t, NULL, "end", orgctl_campaign_str(l->sub, "end"))) < 0)
        return error;
    l->end = t;
    return 0;
}

static int read_rules(struct load *l)
{
    int error;
    const char *days = orgctl_campaign_str(l->rules, "days");
    const char *window = orgctl_campaign_str(l->rules, "window");
    l->rule_days = 0x7f;
    l->rule_a = 0, l->rule_b = 24 * 60;
    if ((days && (error = orgctl_days_parse("compliance days", days, &l->rule_days)) < 0) ||
        (window &&
         (error = orgctl_window_parse("compliance window", window, &l->rule_a, &l->rule_b)) < 0) ||
        (error = orgctl_days_parse("campaign days", orgctl_campaign_str(l->campaign, "days"),
                                   &l->campaign_days)) < 0 ||
        (error = orgctl_window_parse("campaign window", orgctl_campaign_str(l->campaign, "window"),
                                     &l->campaign_a, &l->campaign_b)) < 0)
        return error;
    const char *tz = orgctl_campaign_str(l->campaign, "tz");
    if ((l->campaign_zone = zone_index(l, tz, strlen(tz))) < 0)
        return l->campaign_zone;
    l->elsewhere.zones[0] = l->campaign_zone;
    l->elsewhere.n_zones = 1;
    /* the fewest attempts any rule allows */
    const cJSON *limits[] = {cJSON_GetObjectItemCaseSensitive(l->campaign, "max_attempts"),
                             cJSON_GetObjectItemCaseSensitive(l->strategy, "max_attempts"),
                             cJSON_GetObjectItemCaseSensitive(l->rules, "max_attempts")};
    for (int i = 0; i < 3; i++)
        if (cJSON_IsNumber(limits[i]) &&
            (!l->max_attempts || limits[i]->valueint < l->max_attempts))
            l->max_attempts = limits[i]->valueint;
    return read_area_codes(l);
}

/* The lists the campaign names; orgctl_suppress_set_open adds the enterprise lists marked
 * required (campaign compliance set --require-list, suppress create --required). */
static int open_suppression(struct load *l)
{
    const char *names[256];
    size_t n = 0;
    const cJSON *i;
    cJSON_ArrayForEach(i, cJSON_GetObjectItemCaseSensitive(l->campaign, "suppress"))
    {
        if (cJSON_IsString(i) && n < 256)
            names[n++] = i->valuestring;
    }
    return orgctl_suppress_set_open(&l->suppress, l->repo, l->org, names, n);
}

/* The SHA-256 of the file as it is on disk (a .gz as compressed), in hex. */
static int hash_file(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return orgctl_error_set(errno == ENOENT ? ORGCTL_ENOTFOUND : ORGCTL_ERROR, "%s: %s", path,
                                strerror(errno));
    orgctl_sha1 c;
    orgctl_sha256_init(&c);
    static _Thread_local char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        orgctl_sha1_update(&c, buf, n);
    int failed = ferror(f);
    fclose(f);
    unsigned char digest[32];
    orgctl_sha1_final(&c, digest);
    if (failed)
        return orgctl_error_set(ORGCTL_ERROR, "%s: read error", path);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return 0;
}

static int open_output(struct output *o, const char *path, const char *header_tail,
                       const struct columns *c)
{
    if (!path)
        return 0;
    o->path = path;
    o->opened = true;
    if (!(o->f = fopen(path, "w")))
        return write_failed(path);
    for (size_t i = 0; i < c->n; i++)
        cell(&o->buf, c->names[i]);
    strbuf_adds(&o->buf, header_tail);
    strbuf_addch(&o->buf, ',');
    return output_end_row(o);
}

static int close_output(struct output *o)
{
    if (!o->f)
        return 0;
    int failed = output_flush(o) < 0 || fflush(o->f) != 0 || ferror(o->f);
    failed |= fclose(o->f) != 0;
    o->f = NULL;
    return failed ? write_failed(o->path) : 0;
}

/* The numbers of the block in the file's order: the line each was first seen on (the
 * seen table is the reading thread's alone). */
static void mark_seen(struct load *l, struct block *b)
{
    seen_reserve(l, b->n_keys);
    for (size_t i = 0; i < b->n_keys && i < SEEN_AHEAD; i++)
        seen_prefetch(l, b->keys[i]);
    size_t k = 0; /* the next of `keys` */
    for (size_t i = 0; i < b->n_contacts; i++) {
        const struct block_contact *c = &b->contacts[i];
        for (size_t j = c->first; j < c->first + c->n; j++) {
            struct block_number *num = &b->numbers[j];
            if (!num->key)
                continue;
            if (k + SEEN_AHEAD < b->n_keys)
                seen_prefetch(l, b->keys[k + SEEN_AHEAD]);
            k++;
            num->first = seen_before(l, num->key, c->line);
        }
    }
}

/* Reads the next block of contacts (up to BLOCK_CONTACTS) and looks its numbers up in the
 * suppression set; b->last at the end of the file or at an error (b->error, b->message). */
static void fill_block(struct load *l, struct block *b, orgctl_csv *csv, const struct columns *cols)
{
    orgctl_csv_record *rec;
    int error = 0;
    while (!error && b->n_contacts < BLOCK_CONTACTS && (error = orgctl_csv_next(&rec, csv)) == 0)
        error = read_contact(l, b, csv, rec, cols);
    b->last = error != 0;
    b->error = error == ORGCTL_ITEROVER ? 0 : error;
    if (b->error)
        snprintf(b->message, sizeof(b->message), "%s", orgctl_error_last());
    mark_seen(l, b);
    if (l->suppress)
        orgctl_suppress_set_match_numbers(b->lists, l->suppress, b->keys, b->n_keys,
                                          (int64_t)l->opts->now);
    else
        memset(b->lists, 0, b->n_keys * sizeof(*b->lists));
}

/* The reading thread and the deciding one (the caller) hand the two blocks to each
 * other. */
struct reader {
    struct load *l;
    orgctl_csv *csv;
    const struct columns *cols;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    bool full[2], stop;
};

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    for (int i = 0;; i ^= 1) {
        pthread_mutex_lock(&r->lock);
        while (r->full[i] && !r->stop)
            pthread_cond_wait(&r->changed, &r->lock);
        bool stop = r->stop;
        pthread_mutex_unlock(&r->lock);
        if (stop)
            break;
        fill_block(r->l, &r->l->blocks[i], r->csv, r->cols);
        bool last = r->l->blocks[i].last;
        pthread_mutex_lock(&r->lock);
        r->full[i] = true;
        pthread_cond_broadcast(&r->changed);
        pthread_mutex_unlock(&r->lock);
        if (last)
            break;
    }
    return NULL;
}

/* Decides a block read; at its reading's error, that error. */
static int decide_filled(struct load *l, struct block *b, const struct columns *cols)
{
    if (b->error)
        return orgctl_error_set(b->error, "%s", b->message);
    return decide_block(l, b, cols);
}

/* The contacts after the header: read a block ahead on a second thread when there is one. */
static int read_and_decide(struct load *l, orgctl_csv *csv, const struct columns *cols)
{
    struct reader r = {.l = l, .csv = csv, .cols = cols};
    pthread_t thread;
    int error = 0;
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.changed, NULL);
    if (pthread_create(&thread, NULL, reader_main, &r) != 0) { /* one thread, in turn */
        do {
            fill_block(l, &l->blocks[0], csv, cols);
            error = decide_filled(l, &l->blocks[0], cols);
        } while (!error && !l->blocks[0].last);
    } else {
        for (int i = 0;; i ^= 1) {
            pthread_mutex_lock(&r.lock);
            while (!r.full[i])
                pthread_cond_wait(&r.changed, &r.lock);
            pthread_mutex_unlock(&r.lock);
            error = decide_filled(l, &l->blocks[i], cols);
            bool last = l->blocks[i].last;
            pthread_mutex_lock(&r.lock);
            r.full[i] = false;
            r.stop = error != 0;
            pthread_cond_broadcast(&r.changed);
            pthread_mutex_unlock(&r.lock);
            if (error || last)
                break;
        }
        pthread_join(thread, NULL);
    }
    pthread_mutex_destroy(&r.lock);
    pthread_cond_destroy(&r.changed);
    return error;
}

static int read_contacts(struct load *l)
{
    orgctl_csv_options copts = ORGCTL_CSV_OPTIONS_INIT;
    copts.max_record_size = 4 * ORGCTL_LOAD_CELL_MAX + (1 << 20);
    orgctl_csv *csv = NULL;
    orgctl_csv_record *rec = NULL;
    struct columns c = {0};
    int error = orgctl_csv_open(&csv, l->opts->contacts, &copts);
    if (error < 0)
        return error;
    if ((error = orgctl_csv_next(&rec, csv)) == ORGCTL_ITEROVER)
        error = orgctl_error_set(ORGCTL_EINVALID, "%s: no header", orgctl_csv_name(csv));
    if (!error)
        error = read_header(l, orgctl_csv_name(csv), rec, &c);
    if (!error)
        error = open_output(&l->dialable_out, l->opts->dialable, "e164,region,tz,windows", &c);
    if (!error)
        error = open_output(&l->excluded_out, l->opts->excluded,
                            "phone_column,number,reason,detail", &c);
    if (!error)
        error = read_and_decide(l, csv, &c);
    if (!error)
        error = close_output(&l->dialable_out);
    if (!error)
        error = close_output(&l->excluded_out);
    for (size_t i = 0; i < c.n; i++)
        free(c.names[i]);
    free(c.names);
    orgctl_csv_free(csv);
    return error;
}

static cJSON *counts(struct load *l, const char *sha, const char *commit)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "sub", l->sub_name);
    cJSON_AddStringToObject(r, "campaign", orgctl_campaign_str(l->sub, "campaign"));
    cJSON_AddStringToObject(r, "input_sha256", sha);
    cJSON_AddStringToObject(r, "rules_commit", commit);
    cJSON_AddNumberToObject(r, "contacts", (double)l->contacts);
    cJSON_AddNumberToObject(r, "numbers", (double)l->numbers);
    cJSON_AddNumberToObject(r, "dialable", (double)l->dialable);
    cJSON *ex = cJSON_AddObjectToObject(r, "excluded");
    for (int i = 0; i < R_COUNT; i++)
        cJSON_AddNumberToObject(ex, reason_keys[i], (double)l->excluded[i]);
    cJSON_AddItemToObject(r, "suppressed_by", cJSON_Duplicate(l->by_list, true));
    return r;
}

/* The load as the sub-campaign records it: a flat map (the kind's last_load). */
static cJSON *last_load(struct load *l, const cJSON *result)
{
    cJSON *m = cJSON_CreateObject();
    for (const char *const *k = (const char *const[]){"input_sha256", "rules_commit", NULL}; *k;
         k++)
        cJSON_AddStringToObject(m, *k, cJSON_GetStringValue(cJSON_GetObjectItem(result, *k)));
    char when[32];
    orgctl_time_format(l->opts->now, when, sizeof(when));
    cJSON_AddStringToObject(m, "time", when);
    cJSON_AddNumberToObject(m, "contacts", (double)l->contacts);
    cJSON_AddNumberToObject(m, "numbers", (double)l->numbers);
    cJSON_AddNumberToObject(m, "dialable", (double)l->dialable);
    for (int i = 0; i < R_COUNT; i++)
        cJSON_AddNumberToObject(m, reason_keys[i], (double)l->excluded[i]);
    return m;
}

static void load_release(struct load *l)
{
    cJSON_Delete(l->sub);
    cJSON_Delete(l->campaign);
    cJSON_Delete(l->strategy);
    cJSON_Delete(l->rules);
    cJSON_Delete(l->by_list);
    for (int i = 0; i < l->n_zones; i++)
        orgctl_tz_free(l->zones[i]);
    for (int i = 0; i < 1000; i++) {
        free(l->areas[i].windows);
        free(l->areas[i].tail);
    }
    free(l->elsewhere.windows);
    free(l->elsewhere.tail);
    orgctl_suppress_set_free(l->suppress);
    table_free(l->seen, l->seen_cap, l->seen_mapped);
    struct output *outputs[] = {&l->dialable_out, &l->excluded_out};
    for (int i = 0; i < 2; i++) {
        if (outputs[i]->f)
            fclose(outputs[i]->f);
        strbuf_release(&outputs[i]->buf);
    }
    for (int i = 0; i < 2; i++) {
        free(l->blocks[i].contacts);
        free(l->blocks[i].numbers);
        free(l->blocks[i].keys);
        free(l->blocks[i].lists);
        strbuf_release(&l->blocks[i].text);
    }
}

int orgctl_campaign_load(orgctl_changeset *cs, orgctl_repo *repo, const char *org, const char *sub,
                         const orgctl_load_options *opts, cJSON **result)
{
    *result = NULL;
    struct load *l = xcalloc(1, sizeof(*l));
    l->opts = opts;
    l->repo = repo;
    l->org = org;
    l->sub_name = sub;
    l->by_list = cJSON_CreateObject();
    for (struct block *b = l->blocks; b < l->blocks + 2; b++) {
        b->contacts = xmalloc(BLOCK_CONTACTS * sizeof(*b->contacts));
        b->alloc_numbers = 2 * BLOCK_CONTACTS;
        b->numbers = xmalloc(b->alloc_numbers * sizeof(*b->numbers));
        b->keys = xmalloc(b->alloc_numbers * sizeof(*b->keys));
        b->lists = xmalloc(b->alloc_numbers * sizeof(*b->lists));
    }
    char sha[65] = "";
    int error = orgctl_perm_check(repo, org, "outbound:campaign:edit");
    if (!error)
        error = orgctl_perm_check(repo, org, "outbound:contactList:view");
    if (!error)
        error = orgctl_name_validate("sub-campaign", sub);
    if (!error)
        error = load_objects(l);
    if (!error)
        error = read_rules(l);
    if (!error)
        error = open_suppression(l);
    if (!error)
        error = hash_file(opts->contacts, sha);
    if (!error)
        error = read_contacts(l);
    if (!error) {
        char head[41];
        orgctl_store_head_hex(repo, head);
        *result = counts(l, sha, head);
        cJSON_DeleteItemFromObjectCaseSensitive(l->sub, "last_load");
        cJSON_AddItemToObject(l->sub, "last_load", last_load(l, *result));
        error = orgctl_changeset_put(cs, &orgctl_kind_subcampaign, org, l->sub);
        orgctl_changeset_add_trailer(cs, "Load-Input-SHA256", sha);
        orgctl_changeset_add_trailer(cs, "Load-Rules-Commit", head);
    }
    if (error < 0) {
        cJSON_Delete(*result);
        *result = NULL;
        /* no partial output: files of a failed load would look like a good one */
        if (l->dialable_out.opened)
            unlink(opts->dialable);
        if (l->excluded_out.opened)
            unlink(opts->excluded);
    }
    load_release(l);
    free(l);
    return error;
}
