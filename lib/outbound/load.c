/* campaign load (include/orgctl/campaign_load.h): sorting and merging, not looking up.
 *
 * Pass 1 reads the contacts (a large plain file in two halves at once, mapped, the second
 * on another thread; the input's SHA-256 on a third) and keeps per number its key
 * (orgctl_phone_key, normalised as suppress does: 8 bytes); only when an output file is
 * written, or the file has an attempts or client-id column, per contact its line and
 * first number (8 bytes), its attempts and client-id list (8), the numbers' phone columns
 * (1) and, for output from what is not a regular file (read once), the cells as written.
 * Pass 2 sorts the valid numbers with their places in the file (packed into one 64-bit
 * value when both fit, else keys carrying places) by the in-place radix sort of
 * lib/outbound/suppress.c, on two threads: a run of equal keys is one number, its lowest
 * place the first time the file has it, the others its duplicates; the distinct numbers
 * then walk each suppression list forward once, galloping
 * (orgctl_suppress_set_match_sorted), not a binary search per number, in two halves on two
 * threads. Counts alone are counted there (classify()); else each number gets a verdict
 * (first, duplicate of the number first seen, suppressed by a list) and pass 3 decides
 * every number in the file's order: invalid, duplicate ("the same number as line N"),
 * suppressed by client id or number, attempts exhausted, no calling time (the UTC windows
 * depend on the area code alone, computed once per area), else dialable, its rows built
 * in one buffer that a writer thread writes, with the cells of the record read again. Memory
 * follows the numbers (16 bytes each at the peak for counts alone, about 33 with the
 * contacts), not the file's size, nor what a mapped input has been read of. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
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
    bool known;
    atomic_bool ready; /* windows computed (the walk's two threads may both ask) */
    char region[16];   /* "NJ", or "NS,PE" for a code of two regions */
    int zones[4];
    int n_zones;
    char *windows; /* "START/END START/END ..." (ISO 8601 UTC), "" for none */
    char *tail;    /* the cells a dialable row ends with: region, tz, windows, newline */
    size_t tail_len;
};

/* An output file, written in large write(2)s: rows are made in one buffer while a writer
 * thread writes the one filled before (the kernel's copy of a large output into the page
 * cache costs as much as making it). */
struct output {
    int fd; /* -1: not written */
    const char *path;
    bool opened; /* so removed again if the load fails */
    strbuf buf;  /* the rows being made */
    strbuf full; /* the rows the writer writes */
    pthread_t writer;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    bool threaded, pending, stop;
    int write_errno; /* the first write's failure */
};

/* A contact of the file, as pass 1 leaves it for the decisions in the file's order. */
struct contact {
    uint32_t line;
    uint32_t first; /* its first number in the numbers' arrays */
};

/* What some files say of a contact besides (in an array of its own, only for them). */
struct contact_more {
    int32_t attempts;
    uint32_t client_list; /* suppressed by client id: the list (orgctl_suppress_set_list_name) */
};

/* A large array of the passes: anonymous memory in huge pages where the kernel gives them
 * (a page fault per 2 MB, not per 4 kB: faults are dear on a virtual machine), grown by
 * remapping, not copying. */
struct big {
    void *p;
    size_t bytes;
    bool mapped;
};

/* A number's verdict, from the sorted numbers: 0 the first time the file has it (and not
 * suppressed), SUPPRESSED_BY and the list (orgctl_suppress_set_list_name), or DUPLICATE_OF
 * and the number that was first. Once a first number is decided, its verdict becomes its
 * line, which its duplicates, after it in the file, name. */
#define SUPPRESSED_BY 0x80000000u
#define DUPLICATE_OF 0x40000000u
#define VERDICT_VALUE 0x3fffffffu
#define MAX_NUMBERS VERDICT_VALUE
#define MAX_LINE 0x7fffffffu

/* What pass 1 keeps of the contact list (or of a part of it): the contacts, and their
 * numbers in the file's order. Written for every record by the thread reading it: cache
 * lines of its own (a line shared with what the other thread reads costs it a miss a
 * record). */
struct part {
    _Alignas(64) struct contact *contacts;
    struct contact_more *more; /* with an attempts or client id column */
    size_t *cells;             /* where each contact's cells start in `text` */
    size_t n_contacts;
    uint64_t *keys;   /* orgctl_phone_key, 0: not a number */
    uint8_t *columns; /* the index of its phone column */
    size_t n_numbers;
    struct big contacts_mem, more_mem, cells_mem, keys_mem, columns_mem;
    strbuf text;    /* the contacts' cells, as written (only when an output file is) */
    strbuf invalid; /* for each invalid number in order: its code, its cell and a NUL */
    size_t line_base, number_base; /* the lines and numbers of the file before the part */
    size_t without_numbers;        /* contacts without a number, when `contacts` is not kept */
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
    pthread_mutex_t areas_lock;
    bool counted; /* counts alone, counted as the numbers were judged */
    /* the output rows' cells: read again from the file in pass 3 (a regular file: memory
     * follows the numbers, not the file), else kept from pass 1 (a pipe is read once) */
    bool reread;
    orgctl_csv *again;
    strbuf row_cells; /* the cells of the contact being decided, read again */
    orgctl_suppress_set *suppress;
    const orgctl_phone_region *region; /* of national numbers */
    struct part parts[2];              /* pass 1: the file, or its two halves */
    int n_parts;
    size_t n_contacts, n_numbers; /* in all parts */
    uint32_t *verdict;            /* pass 2: each number's (see SUPPRESSED_BY) */
    struct big verdict_mem;
    /* counts */
    size_t contacts_with_none, dialable, excluded[R_COUNT];
    cJSON *by_list; /* suppressed: list -> count */
    struct output dialable_out, excluded_out;
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
    atomic_store_explicit(&a->ready, true, memory_order_release);
    free(all.v);
    free(one.v);
    free(tmp.v);
}

/* The area of a number (its key): its NANP area code's, else elsewhere. */
static struct area *area_of(struct load *l, uint64_t key)
{
    struct area *a = &l->elsewhere;
    if (key >= 10000000000u && key < 20000000000u) { /* +1 and ten digits */
        unsigned code = (unsigned)(key / 10000000u % 1000u);
        if (l->areas[code].known)
            a = &l->areas[code];
    }
    if (!atomic_load_explicit(&a->ready, memory_order_acquire)) {
        pthread_mutex_lock(&l->areas_lock);
        if (!atomic_load_explicit(&a->ready, memory_order_relaxed))
            compute_windows(l, a);
        pthread_mutex_unlock(&l->areas_lock);
    }
    return a;
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

#define HUGE_PAGE ((size_t)2 << 20)

/* Room for `need` bytes in b (its contents kept); the array's new address. */
static void *big_reserve(struct big *b, size_t need)
{
    if (need <= b->bytes)
        return b->p;
    size_t bytes = b->bytes ? b->bytes : (size_t)64 << 10; /* a small file's stay small */
    while (bytes < need)
        bytes *= 2;
    void *p = MAP_FAILED;
    if (!b->p)
        p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    else if (b->mapped)
        p = mremap(b->p, b->bytes, bytes, MREMAP_MAYMOVE);
    if (p != MAP_FAILED) {
        if (bytes >= HUGE_PAGE)
            madvise(p, bytes, MADV_HUGEPAGE);
        b->mapped = true;
    } else if (b->mapped) { /* the allocator's memory from now on */
        p = xmalloc(bytes);
        memcpy(p, b->p, b->bytes);
        munmap(b->p, b->bytes);
        b->mapped = false;
    } else {
        p = xrealloc(b->p, bytes);
    }
    b->p = p;
    b->bytes = bytes;
    return p;
}

static void big_free(struct big *b)
{
    if (b->mapped)
        munmap(b->p, b->bytes);
    else
        free(b->p);
    *b = (struct big){0};
}

static int write_failed(const char *path)
{
    return orgctl_error_set(ORGCTL_ERROR, "%s: %s", path, strerror(errno));
}

/* Rows are gathered into a buffer this large before a write(2): the dialable rows are
 * long (their windows), and fewer, larger writes cost less. */
#define OUTPUT_FLUSH (4 << 20)

/* 0, or the errno of the failed write. */
static int write_all(int fd, const char *data, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EIO;
        done += (size_t)n;
    }
    return 0;
}

static void *writer_main(void *arg)
{
    struct output *o = arg;
    pthread_mutex_lock(&o->lock);
    for (;;) {
        while (!o->pending && !o->stop)
            pthread_cond_wait(&o->changed, &o->lock);
        if (!o->pending)
            break;
        pthread_mutex_unlock(&o->lock);
        int failed = o->write_errno ? 0 : write_all(o->fd, o->full.buf, o->full.len);
        pthread_mutex_lock(&o->lock);
        if (failed)
            o->write_errno = failed;
        o->pending = false;
        pthread_cond_broadcast(&o->changed);
    }
    pthread_mutex_unlock(&o->lock);
    return NULL;
}

/* Hands the rows made to the writer (written here when there is none). */
static int output_flush(struct output *o)
{
    int failed;
    if (!o->threaded) {
        failed = write_all(o->fd, o->buf.buf, o->buf.len);
    } else {
        pthread_mutex_lock(&o->lock);
        while (o->pending)
            pthread_cond_wait(&o->changed, &o->lock);
        if (!(failed = o->write_errno)) {
            strbuf swap = o->full;
            o->full = o->buf;
            o->buf = swap;
            o->pending = true;
            pthread_cond_broadcast(&o->changed);
        }
        pthread_mutex_unlock(&o->lock);
    }
    o->buf.len = 0;
    errno = failed;
    return failed ? write_failed(o->path) : 0;
}

/* Ends the writer once it has written what it was given; the first write's failure. */
static int output_stop(struct output *o)
{
    if (!o->threaded)
        return 0;
    pthread_mutex_lock(&o->lock);
    o->stop = true;
    pthread_cond_broadcast(&o->changed);
    pthread_mutex_unlock(&o->lock);
    pthread_join(o->writer, NULL);
    pthread_mutex_destroy(&o->lock);
    pthread_cond_destroy(&o->changed);
    o->threaded = false;
    errno = o->write_errno;
    return o->write_errno ? write_failed(o->path) : 0;
}

/* Ends the row built in o->buf (its last comma becomes the newline). */
static int output_end_row(struct output *o)
{
    o->buf.buf[o->buf.len - 1] = '\n';
    return o->buf.len >= OUTPUT_FLUSH ? output_flush(o) : 0;
}

/* Starts a row of contact `ci` of `in`: the input's cells. */
static strbuf *output_start_row(const struct load *l, struct output *o, const struct part *in,
                                size_t ci)
{
    if (l->reread) {
        strbuf_add(&o->buf, l->row_cells.buf, l->row_cells.len);
        return &o->buf;
    }
    size_t end = ci + 1 < in->n_contacts ? in->cells[ci + 1] : in->text.len;
    strbuf_add(&o->buf, in->text.buf + in->cells[ci], end - in->cells[ci]);
    return &o->buf;
}

static int exclude(struct load *l, const struct part *in, size_t ci, const char *column,
                   const char *number, enum reason r, const char *why)
{
    l->excluded[r]++;
    struct output *o = &l->excluded_out;
    if (o->fd < 0)
        return 0;
    strbuf *row = output_start_row(l, o, in, ci);
    cell(row, column);
    cell(row, number);
    cell(row, reason_keys[r]);
    cell(row, why);
    return output_end_row(o);
}

static void count_list(struct load *l, const char *list, size_t count)
{
    cJSON *n = cJSON_GetObjectItemCaseSensitive(l->by_list, list);
    if (n)
        cJSON_SetNumberValue(n, n->valuedouble + (double)count);
    else
        cJSON_AddNumberToObject(l->by_list, list, (double)count);
}

/* What becomes of a number that is not a duplicate: R_SUPPRESSED (by `list`, not 0),
 * R_ATTEMPTS, R_NO_TIME, or R_COUNT: dialable (*area its area). */
static enum reason classify(struct load *l, uint64_t key, uint32_t list,
                            const struct contact_more *more, struct area **area)
{
    if (list)
        return R_SUPPRESSED;
    if (l->max_attempts && more->attempts >= l->max_attempts)
        return R_ATTEMPTS;
    *area = area_of(l, key);
    return *(*area)->windows ? R_COUNT : R_NO_TIME;
}

static const struct contact_more no_more;

/* The cells every dialable row of the area ends with, made once. */
static void make_tail(struct load *l, struct area *a)
{
    strbuf sb = STRBUF_INIT;
    cell(&sb, a->region);
    cell(&sb, orgctl_tz_name(l->zones[a->n_zones ? a->zones[0] : l->campaign_zone]));
    cell(&sb, a->windows);
    a->tail = strbuf_detach(&sb, &a->tail_len);
}

/* A dialable row: the contact's cells, its number (E.164 starts with '+': a cell guarded
 * with an apostrophe, never quoted) and the area's cells. */
static int write_dialable(struct load *l, const struct part *in, size_t ci, const char *e164,
                          struct area *a)
{
    struct output *o = &l->dialable_out;
    if (!a->tail)
        make_tail(l, a);
    size_t len = strlen(e164);
    strbuf *row = output_start_row(l, o, in, ci);
    strbuf_grow(row, len + 2 + a->tail_len);
    char *p = row->buf + row->len;
    *p++ = '\'';
    memcpy(p, e164, len);
    p[len] = ',';
    memcpy(p + len + 1, a->tail, a->tail_len);
    row->len += len + 2 + a->tail_len;
    return output_end_row(o);
}

/* Decides number `j` of `in` (of its contact `ci`), in the file's order; `invalid` the next
 * of in->invalid. */
static int decide_number(struct load *l, const struct part *in, size_t ci, size_t j,
                         const char *column, size_t *invalid)
{
    uint64_t key = in->keys[j];
    uint32_t verdict = l->verdict[in->number_base + j];
    char why[160], e164[ORGCTL_E164_MAX];
    why[0] = e164[0] = '\0';
    if (!key) {
        if (l->excluded_out.fd < 0)
            return exclude(l, in, ci, column, "", R_INVALID, "");
        const char *at = in->invalid.buf + *invalid;
        *invalid += strlen(at + 1) + 2;
        return exclude(l, in, ci, column, at + 1, R_INVALID,
                       orgctl_phone_strerror((signed char)*at));
    }
    if (l->dialable_out.fd >= 0 || l->excluded_out.fd >= 0)
        orgctl_phone_from_key(e164, key);
    bool writing = l->excluded_out.fd >= 0; /* the details, else only counted */
    if (verdict & DUPLICATE_OF) {
        if (writing)
            snprintf(why, sizeof(why), "the same number as line %u",
                     l->verdict[verdict & VERDICT_VALUE]);
        return exclude(l, in, ci, column, e164, R_DUPLICATE, why);
    }
    const struct contact_more *more = in->more ? &in->more[ci] : &no_more;
    bool by_client = more->client_list != 0;
    uint32_t list = by_client ? more->client_list : verdict & VERDICT_VALUE;
    struct area *a = NULL;
    enum reason r = classify(l, key, list, more, &a);
    if (r == R_SUPPRESSED) {
        const char *name = orgctl_suppress_set_list_name(l->suppress, list);
        count_list(l, name, 1);
        if (writing)
            snprintf(why, sizeof(why), "suppressed by list %.100s (%s)", name,
                     by_client ? "client id" : "number");
        return exclude(l, in, ci, column, e164, R_SUPPRESSED, why);
    }
    if (r == R_ATTEMPTS) {
        if (writing)
            snprintf(why, sizeof(why), "%ld attempts, at most %d", (long)more->attempts,
                     l->max_attempts);
        return exclude(l, in, ci, column, e164, R_ATTEMPTS, why);
    }
    if (r == R_NO_TIME)
        return exclude(l, in, ci, column, e164, R_NO_TIME,
                       "no allowed calling time in the sub-campaign's dates");
    l->dialable++;
    return l->dialable_out.fd < 0 ? 0 : write_dialable(l, in, ci, e164, a);
}

/* Decides number `j` of `in`; a number seen first then keeps its line for its duplicates. */
static int decide(struct load *l, const struct part *in, size_t ci, size_t j, const char *column,
                  size_t *invalid)
{
    int error = decide_number(l, in, ci, j, column, invalid);
    uint32_t *verdict = &l->verdict[in->number_base + j];
    if (in->keys[j] && !(*verdict & DUPLICATE_OF))
        *verdict = (uint32_t)(in->line_base + in->contacts[ci].line);
    return error;
}

/* Pass 3: every number decided and written in the file's order. */
/* The cells of contact `ci` of `in`, read again (the next record) into l->row_cells; a file
 * that is not what pass 1 read is an error. */
static int read_cells_again(struct load *l, const struct part *in, size_t ci,
                            const struct columns *cols)
{
    orgctl_csv_record *rec;
    int error = 0;
    if (!l->again) {
        orgctl_csv_options copts = ORGCTL_CSV_OPTIONS_INIT;
        copts.max_record_size = 4 * ORGCTL_LOAD_CELL_MAX + (1 << 20);
        if ((error = orgctl_csv_open(&l->again, l->opts->contacts, &copts)) < 0 ||
            (error = orgctl_csv_next(&rec, l->again)) < 0) /* the header */
            return error;
    }
    if ((error = orgctl_csv_next(&rec, l->again)) < 0 && error != ORGCTL_ITEROVER)
        return error;
    if (error || orgctl_csv_record_line(rec) != in->line_base + in->contacts[ci].line ||
        orgctl_csv_record_count(rec) != cols->n)
        return orgctl_error_set(ORGCTL_ERROR, "%s: changed while it was loaded", l->opts->contacts);
    l->row_cells.len = 0;
    for (size_t i = 0; i < cols->n; i++) {
        size_t len;
        const char *v = orgctl_csv_record_field(rec, i, &len);
        cell_n(&l->row_cells, v, len);
    }
    return 0;
}

static int decide_all(struct load *l, const struct columns *cols)
{
    int error = 0;
    for (const struct part *in = l->parts; in < l->parts + l->n_parts && !error; in++) {
        size_t invalid = 0;
        if (!in->contacts) { /* counts alone: counted in the walk */
            for (size_t j = 0; j < in->n_numbers && !error && !l->counted; j++)
                error = decide_number(l, in, 0, j, "", &invalid);
            l->contacts_with_none += in->without_numbers;
            l->excluded[R_INVALID] += in->without_numbers;
            continue;
        }
        for (size_t ci = 0; ci < in->n_contacts && !error; ci++) {
            if (l->reread && (error = read_cells_again(l, in, ci, cols)) < 0)
                break;
            size_t end = ci + 1 < in->n_contacts ? in->contacts[ci + 1].first : in->n_numbers;
            for (size_t j = in->contacts[ci].first; j < end && !error; j++)
                error =
                    decide(l, in, ci, j,
                           in->columns ? cols->names[cols->phone[in->columns[j]]] : "", &invalid);
            if (!error && in->contacts[ci].first == end) {
                l->contacts_with_none++;
                error = exclude(l, in, ci, "", "", R_INVALID, "no phone number");
            }
        }
    }
    return error;
}

/* How many distinct numbers are looked up in the suppression lists at a time. */
#define MATCH_BATCH 4096

/* The valid numbers sorted by key, each with its place in the file: packed into one value,
 * (key - base) above place_bits of place, when the two fit in 64 bits (the numbers of a
 * country or two do: a NANP list's keys span 34 bits), else keys with a second array of
 * places. Sorted in place (no second array: fresh memory is dear, on a virtual machine most
 * of all), on two threads. */
struct sorted_numbers {
    const uint64_t *v;
    const uint32_t *place; /* NULL: packed */
    int place_bits;
    uint64_t base;
};

static uint64_t sorted_key(const struct sorted_numbers *s, size_t i)
{
    return s->place ? s->v[i] : (s->v[i] >> s->place_bits) + s->base;
}

static uint32_t sorted_place(const struct sorted_numbers *s, size_t i)
{
    return s->place ? s->place[i] : (uint32_t)(s->v[i] & (((uint64_t)1 << s->place_bits) - 1));
}

/* A part of the sorted numbers, judged on a thread of its own: from `begin` (the start of a
 * run of equal keys) to `end`. */
struct judge_part {
    struct load *l;
    const struct sorted_numbers *s;
    size_t begin, end;
    /* counts alone (nothing written, no column of a contact): the numbers are counted here,
     * in sorted order, and get no verdict */
    bool count;
    size_t dialable, excluded[R_COUNT];
    size_t *by_list;       /* by the list's index (1-based): numbers suppressed */
    uint32_t *first_place; /* and the place of the first of them (the file's order) */
};

/* Counts a number that is not a duplicate, at `place`, suppressed by `list` (0 none). */
static void count_first(struct judge_part *p, uint64_t key, uint32_t list, uint32_t place)
{
    struct area *a;
    enum reason r = classify(p->l, key, list, &no_more, &a);
    if (r == R_SUPPRESSED && (!p->by_list[list]++ || place < p->first_place[list]))
        p->first_place[list] = place;
    if (r == R_COUNT)
        p->dialable++;
    else
        p->excluded[r]++;
}

/* A run of equal keys is one number: its lowest place the first time the file has it, the
 * others its duplicates; the distinct numbers go through the suppression lists a batch at
 * a time. */
static void *judge_part(void *arg)
{
    struct judge_part *p = arg;
    const struct sorted_numbers *s = p->s;
    uint32_t *verdict = p->l->verdict;
    uint64_t batch[MATCH_BATCH];
    uint32_t first[MATCH_BATCH], lists[MATCH_BATCH];
    for (size_t i = p->begin; i < p->end;) {
        size_t m = 0;
        for (; i < p->end && m < MATCH_BATCH; m++) {
            uint64_t key = sorted_key(s, i);
            uint32_t lowest = sorted_place(s, i);
            size_t end = i + 1;
            for (; end < p->end && sorted_key(s, end) == key; end++)
                lowest = sorted_place(s, end) < lowest ? sorted_place(s, end) : lowest;
            for (size_t k = i; !p->count && end - i > 1 && k < end; k++)
                if (sorted_place(s, k) != lowest)
                    verdict[sorted_place(s, k)] = DUPLICATE_OF | lowest;
            p->excluded[R_DUPLICATE] += end - i - 1;
            batch[m] = key;
            first[m] = lowest;
            i = end;
        }
        if (p->l->suppress)
            orgctl_suppress_set_match_sorted(lists, p->l->suppress, batch, m,
                                             (int64_t)p->l->opts->now);
        else
            memset(lists, 0, m * sizeof(*lists));
        for (size_t k = 0; k < m; k++)
            if (p->count)
                count_first(p, batch[k], lists[k], first[k]);
            else if (lists[k])
                verdict[first[k]] = SUPPRESSED_BY | lists[k];
    }
    return NULL;
}

/* The counts of the walk's two halves, and the numbers that are not numbers: the lists in
 * the order the file first has them suppress a number, as deciding in the file's order
 * adds them. */
static void add_counts(struct load *l, const struct judge_part *parts, size_t lists, size_t invalid)
{
    l->excluded[R_INVALID] += invalid;
    for (int i = 0; i < 2; i++) {
        l->dialable += parts[i].dialable;
        for (int r = 0; r < R_COUNT; r++)
            l->excluded[r] += parts[i].excluded[r];
    }
    for (;;) {
        uint32_t next = 0, first = UINT32_MAX; /* the list first seen of those left */
        for (uint32_t list = 1; list < lists; list++)
            for (int i = 0; i < 2; i++)
                if (parts[i].by_list[list] && parts[i].first_place[list] < first) {
                    first = parts[i].first_place[list];
                    next = list;
                }
        if (!next)
            break;
        count_list(l, orgctl_suppress_set_list_name(l->suppress, next),
                   parts[0].by_list[next] + parts[1].by_list[next]);
        parts[0].by_list[next] = parts[1].by_list[next] = 0;
    }
}

/* The bits `x` takes. */
static int bits_of(uint64_t x)
{
    int b = 0;
    for (; x; x >>= 1)
        b++;
    return b;
}

/* Pass 2: the numbers sorted (the packed values, else keys carrying places: in place, by
 * the radix sort of lib/outbound/suppress.c), then judged in two halves, one on another
 * thread. Gives each number its verdict. */
static void judge_numbers(struct load *l)
{
    size_t n = l->n_numbers, valid = 0;
    uint64_t low = UINT64_MAX, high = 0;
    for (const struct part *in = l->parts; in < l->parts + l->n_parts; in++)
        for (size_t i = 0; i < in->n_numbers; i++)
            if (in->keys[i]) {
                valid++;
                low = in->keys[i] < low ? in->keys[i] : low;
                high = in->keys[i] > high ? in->keys[i] : high;
            }
    /* no contact kept (counts alone): counted in the walk, no verdicts */
    l->counted = true;
    for (const struct part *in = l->parts; in < l->parts + l->n_parts; in++)
        l->counted &= !in->contacts;
    if (!l->counted) {
        l->verdict = big_reserve(&l->verdict_mem, (n ? n : 1) * sizeof(*l->verdict));
        memset(l->verdict, 0, n * sizeof(*l->verdict));
    }
    struct big values_mem = {0}, places_mem = {0};
    uint64_t *values = big_reserve(&values_mem, (valid ? valid : 1) * sizeof(*values));
    struct sorted_numbers s = {.v = values, .place_bits = bits_of(n), .base = low};
    int key_bits = valid ? bits_of(high - low) : 0;
    if (key_bits + s.place_bits <= 64) {
        size_t m = 0;
        for (const struct part *in = l->parts; in < l->parts + l->n_parts; in++)
            for (size_t i = 0; i < in->n_numbers; i++)
                if (in->keys[i])
                    values[m++] = (in->keys[i] - low) << s.place_bits | (in->number_base + i);
        orgctl_suppress_sort_keys(values, NULL, valid); /* the whole values: keys, then places */
    } else {
        uint32_t *place = big_reserve(&places_mem, (valid ? valid : 1) * sizeof(*place));
        size_t m = 0;
        for (const struct part *in = l->parts; in < l->parts + l->n_parts; in++)
            for (size_t i = 0; i < in->n_numbers; i++)
                if (in->keys[i]) {
                    values[m] = in->keys[i];
                    place[m++] = (uint32_t)(in->number_base + i);
                }
        orgctl_suppress_sort_keys(values, place, valid);
        s.place = place;
    }
    /* two halves, split where a run of equal keys starts */
    size_t half = valid / 2;
    while (half > 0 && half < valid && sorted_key(&s, half) == sorted_key(&s, half - 1))
        half++;
    size_t lists = l->suppress ? orgctl_suppress_set_lists(l->suppress) + 1 : 1;
    struct judge_part parts[2] = {{l, &s, 0, half}, {l, &s, half, valid}};
    for (int i = 0; i < 2; i++) {
        parts[i].count = l->counted;
        parts[i].by_list = xcalloc(lists, sizeof(*parts[i].by_list));
        parts[i].first_place = xcalloc(lists, sizeof(*parts[i].first_place));
    }
    pthread_t thread;
    bool threaded = valid > 65536 && pthread_create(&thread, NULL, judge_part, &parts[1]) == 0;
    judge_part(&parts[0]);
    if (threaded)
        pthread_join(thread, NULL);
    else
        judge_part(&parts[1]);
    if (l->counted)
        add_counts(l, parts, lists, n - valid);
    for (int i = 0; i < 2; i++) {
        free(parts[i].by_list);
        free(parts[i].first_place);
    }
    big_free(&values_mem);
    big_free(&places_mem);
}

/* Pass 1, a contact: checked, its cells kept as they are written (when an output file is
 * asked for), its numbers normalised and added to `in`. */
static int read_contact(const struct load *l, struct part *in, orgctl_csv *csv,
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
    if (line > UINT32_MAX || in->n_numbers + c->n_phone > MAX_NUMBERS)
        return orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: more contacts than one load takes", file,
                                line);
    /* the contacts and the numbers' columns serve the output files' rows and the columns
     * of a contact; counts alone need neither */
    bool writing = l->dialable_out.fd >= 0 || l->excluded_out.fd >= 0;
    size_t first = in->n_numbers;
    if (writing || c->attempts >= 0 || c->id >= 0) {
        in->contacts = big_reserve(&in->contacts_mem, (in->n_contacts + 1) * sizeof(*in->contacts));
        in->contacts[in->n_contacts] =
            (struct contact){.line = (uint32_t)line, .first = (uint32_t)first};
    }
    struct contact_more *more = NULL;
    if (c->attempts >= 0 || c->id >= 0) {
        in->more = big_reserve(&in->more_mem, (in->n_contacts + 1) * sizeof(*in->more));
        more = &in->more[in->n_contacts];
        *more = (struct contact_more){0};
    }
    const char *client = c->id >= 0 ? orgctl_csv_record_field(rec, (size_t)c->id, NULL) : "";
    if (*client && l->suppress)
        more->client_list = orgctl_suppress_set_client_list(l->suppress, client,
                                                            (int64_t)l->opts->now, &(int64_t){0});
    if (c->attempts >= 0) {
        const char *s = orgctl_csv_record_field(rec, (size_t)c->attempts, NULL);
        char *end;
        long attempts = *s ? strtol(s, &end, 10) : 0;
        if (*s && (*end || attempts < 0 || attempts > 1000000))
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "%s:%zu:%zu: attempts \"%.40s\" is not a whole number", file,
                                    line, (size_t)c->attempts + 1, s);
        more->attempts = (int32_t)attempts;
    }
    if (writing && !l->reread) {
        in->cells = big_reserve(&in->cells_mem, (in->n_contacts + 1) * sizeof(*in->cells));
        in->cells[in->n_contacts] = in->text.len;
        for (size_t i = 0; i < n; i++) {
            size_t len;
            const char *v = orgctl_csv_record_field(rec, i, &len);
            cell_n(&in->text, v, len);
        }
    }
    in->n_contacts++;
    in->keys = big_reserve(&in->keys_mem, (in->n_numbers + c->n_phone) * sizeof(*in->keys));
    if (writing)
        in->columns = big_reserve(&in->columns_mem, in->n_numbers + c->n_phone);
    for (size_t k = 0; k < c->n_phone; k++) {
        size_t len;
        const char *raw = orgctl_csv_record_field(rec, c->phone[k], &len);
        if (!len)
            continue;
        char e164[ORGCTL_E164_MAX];
        ptrdiff_t bad_at;
        int code = orgctl_phone_normalize(e164, &bad_at, l->region, raw, len);
        uint64_t key = code < 0 ? 0 : orgctl_phone_key(e164);
        if (writing)
            in->columns[in->n_numbers] = (uint8_t)k;
        in->keys[in->n_numbers++] = key;
        if (!key && l->excluded_out.fd >= 0) {
            strbuf_addch(&in->invalid, (char)code);
            strbuf_add(&in->invalid, raw, len + 1); /* with its NUL */
        }
    }
    in->without_numbers += !in->contacts && in->n_numbers == first;
    return 0;
}

/* Gives back the pages of a mapped input read already, [*released, read) from `start`: a
 * mapped file's pages count in the memory of the process until unmapped. */
static void release_read(const char *start, size_t *released, size_t read)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = ((uintptr_t)start + *released + page - 1) / page * page;
    uintptr_t to = ((uintptr_t)start + read) / page * page;
    if (to > from)
        madvise((void *)from, to - from, MADV_DONTNEED);
    *released = read;
}

/* Pass 1 over the records after the header; `mapped` (NULL: none) the start of the mapped
 * bytes the reader reads, given back as it goes. */
static int read_all(const struct load *l, struct part *in, orgctl_csv *csv, const struct columns *c,
                    const char *mapped)
{
    orgctl_csv_record *rec;
    int error;
    size_t released = 0;
    while ((error = orgctl_csv_next(&rec, csv)) == 0) {
        if ((error = read_contact(l, in, csv, rec, c)) < 0)
            return error;
        if (mapped && in->n_contacts % 16384 == 0)
            release_read(mapped, &released, orgctl_csv_bytes_read(csv));
    }
    return error == ORGCTL_ITEROVER ? 0 : error;
}

static void part_free(struct part *in)
{
    struct big *arrays[] = {&in->contacts_mem, &in->more_mem, &in->cells_mem, &in->keys_mem,
                            &in->columns_mem};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(*arrays); i++)
        big_free(arrays[i]);
    strbuf_release(&in->text);
    strbuf_release(&in->invalid);
    memset(in, 0, sizeof(*in));
}

/* The lines before byte `end` of the data: line ends counted a word at a time (a memchr
 * per line costs a call per line), each byte lane of `found` one where a byte is '\n'. */
static size_t lines_before(const char *data, size_t end)
{
    const uint64_t ones = 0x0101010101010101u, lows = 0x7f7f7f7f7f7f7f7fu;
    size_t lines = 0, i = 0;
    while (i + 8 <= end) {
        uint64_t found = 0; /* at most 255 a lane, then summed */
        for (int k = 0; k < 255 && i + 8 <= end; k++, i += 8) {
            uint64_t w;
            memcpy(&w, data + i, sizeof(w));
            w ^= ones * '\n';                                /* a zero byte: a '\n' */
            found += ~(((w & lows) + lows) | w) >> 7 & ones; /* exact: no carry between bytes */
        }
        const uint64_t pairs = 0x00ff00ff00ff00ffu; /* lanes of 16 bits: up to 510 each */
        uint64_t sum = (found & pairs) + (found >> 8 & pairs);
        lines += (size_t)((sum * 0x0001000100010001u) >> 48);
    }
    for (; i < end; i++)
        lines += data[i] == '\n';
    return lines;
}

/* The second half of a plain file, read on a thread of its own while the caller reads the
 * first. Its lines count from its start; an error in it only says that the file is read
 * again in one piece, which reports it at its place. */
struct half {
    const struct load *l;
    const struct columns *cols;
    const char *name, *file, *data; /* the half is data[0..len), after file[0..data) */
    size_t len, lines;              /* the lines before it, counted here */
    struct part in;
    int error;
};

static void *half_main(void *arg)
{
    struct half *h = arg;
    orgctl_csv_options copts = ORGCTL_CSV_OPTIONS_INIT;
    copts.max_record_size = 4 * ORGCTL_LOAD_CELL_MAX + (1 << 20);
    orgctl_csv *csv = NULL;
    h->lines = lines_before(h->file, (size_t)(h->data - h->file));
    h->error = orgctl_csv_open_buffer(&csv, h->name, h->data, h->len, &copts);
    if (!h->error)
        h->error = read_all(h->l, &h->in, csv, h->cols, h->data);
    orgctl_csv_free(csv);
    return NULL;
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

/* --- the input's SHA-256, on a thread of its own while pass 1 reads --- */

struct hasher {
    const char *path;
    char hex[65];
    int error;
    char message[1024];
    atomic_bool stop; /* the load failed: the hash is not wanted */
    pthread_t thread;
    bool running;
};

/* The SHA-256 of the file as it is on disk (a .gz as compressed), in hex. */
static int hash_file(struct hasher *h)
{
    FILE *f = fopen(h->path, "rb");
    if (!f)
        return orgctl_error_set(errno == ENOENT ? ORGCTL_ENOTFOUND : ORGCTL_ERROR, "%s: %s",
                                h->path, strerror(errno));
    orgctl_sha1 c;
    orgctl_sha256_init(&c);
    static _Thread_local char buf[1 << 16];
    size_t n;
    while (!atomic_load_explicit(&h->stop, memory_order_relaxed) &&
           (n = fread(buf, 1, sizeof(buf), f)) > 0)
        orgctl_sha1_update(&c, buf, n);
    int failed = ferror(f);
    fclose(f);
    unsigned char digest[32];
    orgctl_sha1_final(&c, digest);
    if (failed)
        return orgctl_error_set(ORGCTL_ERROR, "%s: read error", h->path);
    for (int i = 0; i < 32; i++)
        snprintf(h->hex + 2 * i, 3, "%02x", digest[i]);
    return 0;
}

static void *hasher_main(void *arg)
{
    struct hasher *h = arg;
    if ((h->error = hash_file(h)) < 0)
        snprintf(h->message, sizeof(h->message), "%s", orgctl_error_last());
    return NULL;
}

/* Starts hashing: on another thread for a regular file (read again, from the page cache,
 * while pass 1 reads it); anything else (a pipe can be read once) and a machine without
 * threads hash first, here. */
static int hasher_start(struct hasher *h, const char *path)
{
    struct stat st;
    h->path = path;
    atomic_init(&h->stop, false);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
        pthread_create(&h->thread, NULL, hasher_main, h) == 0) {
        h->running = true;
        return 0;
    }
    return hash_file(h);
}

/* The hash: waits for the thread; `wanted` false stops it first. */
static int hasher_finish(struct hasher *h, bool wanted)
{
    if (!h->running)
        return 0;
    if (!wanted)
        atomic_store(&h->stop, true);
    pthread_join(h->thread, NULL);
    h->running = false;
    return h->error < 0 ? orgctl_error_set(h->error, "%s", h->message) : 0;
}

static int open_output(struct output *o, const char *path, const char *header_tail,
                       const struct columns *c)
{
    if (!path)
        return 0;
    o->path = path;
    o->opened = true;
    if ((o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
        return write_failed(path);
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->changed, NULL);
    if (!(o->threaded = pthread_create(&o->writer, NULL, writer_main, o) == 0)) {
        pthread_mutex_destroy(&o->lock);
        pthread_cond_destroy(&o->changed);
    }
    for (size_t i = 0; i < c->n; i++)
        cell(&o->buf, c->names[i]);
    strbuf_adds(&o->buf, header_tail);
    strbuf_addch(&o->buf, ',');
    return output_end_row(o);
}

static int close_output(struct output *o)
{
    if (o->fd < 0)
        return 0;
    int error = output_flush(o), stopped = output_stop(o);
    if (!error)
        error = stopped;
    if (close(o->fd) != 0 && !error)
        error = write_failed(o->path);
    o->fd = -1;
    return error;
}

/* A plain file is read in two halves at once when it is this large. */
#define SPLIT_MIN (4 << 20)

/* A plain contact list mapped, to be read in two halves: the second starts after the line
 * end nearest the middle. */
struct mapped {
    char *data;
    size_t len, split;
};

static bool has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    return n >= k && strcasecmp(path + n - k, suffix) == 0;
}

/* Maps the file when it is a large plain one (not .gz or .zip, which orgctl_csv_open
 * inflates) and finds where its second half starts; false: read it in one piece. */
static bool map_halves(const char *path, struct mapped *m)
{
    struct stat st;
    if (has_suffix(path, ".gz") || has_suffix(path, ".zip") || sysconf(_SC_NPROCESSORS_ONLN) < 2)
        return false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    void *p = MAP_FAILED;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= SPLIT_MIN)
        p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return false;
    m->data = p;
    m->len = (size_t)st.st_size;
    const char *nl = memchr(m->data + m->len / 2, '\n', m->len - m->len / 2);
    m->split = nl ? (size_t)(nl + 1 - m->data) : m->len;
    /* a reader skips a byte order mark at its start: a half must not start with those bytes */
    if (m->split >= m->len ||
        (m->len - m->split >= 3 && memcmp(m->data + m->split, "\xef\xbb\xbf", 3) == 0)) {
        munmap(m->data, m->len);
        return false;
    }
    madvise(m->data, m->len, MADV_SEQUENTIAL);
    return true;
}

/* Pass 1 over the records after the header: of a large plain file, the second half on
 * another thread (read again in one piece if either half fails: the first may have ended
 * within a quoted cell, and an error is then reported at its place). */
static int read_records(struct load *l, orgctl_csv **csv, const struct columns *c, struct mapped *m,
                        orgctl_csv_options *copts)
{
    int error;
    l->n_parts = 1;
    if (m->data) {
        struct half h = {.l = l,
                         .cols = c,
                         .name = l->opts->contacts,
                         .file = m->data,
                         .data = m->data + m->split,
                         .len = m->len - m->split};
        pthread_t thread;
        bool threaded = pthread_create(&thread, NULL, half_main, &h) == 0;
        error = read_all(l, &l->parts[0], *csv, c, m->data);
        if (threaded)
            pthread_join(thread, NULL);
        struct part *a = &l->parts[0];
        size_t lines = h.lines;
        if (threaded && !error && !h.error && a->n_numbers + h.in.n_numbers <= MAX_NUMBERS &&
            (!h.in.contacts || h.in.contacts[h.in.n_contacts - 1].line + lines <= UINT32_MAX)) {
            l->parts[1] = h.in;
            l->parts[1].line_base = lines;
            l->parts[1].number_base = a->n_numbers;
            l->n_parts = 2;
        } else { /* again, in one piece, from after the header */
            orgctl_csv_record *rec;
            part_free(&h.in);
            part_free(&l->parts[0]);
            orgctl_csv_free(*csv);
            *csv = NULL;
            if ((error = orgctl_csv_open_buffer(csv, l->opts->contacts, m->data, m->len, copts)) <
                    0 ||
                (error = orgctl_csv_next(&rec, *csv)) < 0 ||
                (error = read_all(l, &l->parts[0], *csv, c, m->data)) < 0)
                return error;
        }
    } else if ((error = read_all(l, &l->parts[0], *csv, c, NULL)) < 0) {
        return error;
    }
    for (int i = 0; i < l->n_parts; i++) {
        l->n_contacts += l->parts[i].n_contacts;
        l->n_numbers += l->parts[i].n_numbers;
    }
    return 0;
}

/* The three passes over the contacts: read (the hash alongside), judge, decide. */
static int read_contacts(struct load *l, struct hasher *h)
{
    orgctl_csv_options copts = ORGCTL_CSV_OPTIONS_INIT;
    copts.max_record_size = 4 * ORGCTL_LOAD_CELL_MAX + (1 << 20);
    orgctl_csv *csv = NULL;
    orgctl_csv_record *rec = NULL;
    struct columns c = {0};
    struct mapped m = {0};
    struct stat st;
    l->reread = (l->opts->dialable || l->opts->excluded) && stat(l->opts->contacts, &st) == 0 &&
                S_ISREG(st.st_mode);
    int error = map_halves(l->opts->contacts, &m)
                    ? orgctl_csv_open_buffer(&csv, l->opts->contacts, m.data, m.split, &copts)
                    : orgctl_csv_open(&csv, l->opts->contacts, &copts);
    if (!error && (error = orgctl_csv_next(&rec, csv)) == ORGCTL_ITEROVER)
        error = orgctl_error_set(ORGCTL_EINVALID, "%s: no header", orgctl_csv_name(csv));
    if (!error)
        error = read_header(l, orgctl_csv_name(csv), rec, &c);
    if (!error)
        error = open_output(&l->dialable_out, l->opts->dialable, "e164,region,tz,windows", &c);
    if (!error)
        error = open_output(&l->excluded_out, l->opts->excluded,
                            "phone_column,number,reason,detail", &c);
    if (!error)
        error = read_records(l, &csv, &c, &m, &copts);
    orgctl_csv_free(csv);
    if (m.data)
        munmap(m.data, m.len);
    int hashed = hasher_finish(h, !error);
    if (!error)
        error = hashed;
    if (!error) {
        judge_numbers(l);
        error = decide_all(l, &c);
    }
    if (!error)
        error = close_output(&l->dialable_out);
    if (!error)
        error = close_output(&l->excluded_out);
    for (size_t i = 0; i < c.n; i++)
        free(c.names[i]);
    free(c.names);
    return error;
}

static cJSON *counts(struct load *l, const char *sha, const char *commit)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "sub", l->sub_name);
    cJSON_AddStringToObject(r, "campaign", orgctl_campaign_str(l->sub, "campaign"));
    cJSON_AddStringToObject(r, "input_sha256", sha);
    cJSON_AddStringToObject(r, "rules_commit", commit);
    cJSON_AddNumberToObject(r, "contacts", (double)l->n_contacts);
    cJSON_AddNumberToObject(r, "numbers", (double)(l->n_numbers + l->contacts_with_none));
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
    cJSON_AddNumberToObject(m, "contacts", (double)l->n_contacts);
    cJSON_AddNumberToObject(m, "numbers", (double)(l->n_numbers + l->contacts_with_none));
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
    struct output *outputs[] = {&l->dialable_out, &l->excluded_out};
    for (int i = 0; i < 2; i++) {
        output_stop(outputs[i]);
        if (outputs[i]->fd >= 0)
            close(outputs[i]->fd);
        strbuf_release(&outputs[i]->buf);
        strbuf_release(&outputs[i]->full);
    }
    for (int i = 0; i < 2; i++)
        part_free(&l->parts[i]);
    orgctl_csv_free(l->again);
    strbuf_release(&l->row_cells);
    big_free(&l->verdict_mem);
    pthread_mutex_destroy(&l->areas_lock);
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
    l->region = orgctl_phone_region_lookup("US");
    l->dialable_out.fd = l->excluded_out.fd = -1;
    pthread_mutex_init(&l->areas_lock, NULL);
    struct hasher hasher = {0};
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
        error = hasher_start(&hasher, opts->contacts);
    if (!error)
        error = read_contacts(l, &hasher);
    if (!error) {
        const char *sha = hasher.hex;
        char head[41];
        orgctl_store_head_hex(repo, head);
        *result = counts(l, sha, head);
        cJSON_DeleteItemFromObjectCaseSensitive(l->sub, "last_load");
        cJSON_AddItemToObject(l->sub, "last_load", last_load(l, *result));
        error = orgctl_changeset_put(cs, &orgctl_kind_subcampaign, org, l->sub);
        orgctl_changeset_add_trailer(cs, "Load-Input-SHA256", sha);
        orgctl_changeset_add_trailer(cs, "Load-Rules-Commit", head);
    }
    hasher_finish(&hasher, false);
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
