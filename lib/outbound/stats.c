/* The campaign statistics engine: one pass over a file of call result records, keeping
 * the figures of each campaign, sub-campaign and of the whole, and a count per scope and
 * clock hour. Memory follows the scopes and hours, never the records. The figures are
 * defined in orgctl-campaign(1), STATISTICS; the comments here say how they are kept. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "options_version.h"
#include "orgctl/campaign_stats.h"
#include "orgctl/csv.h"
#include "orgctl/errors.h"
#include "orgctl/kind.h"
#include "orgctl/object.h"
#include "orgctl/perm.h"
#include "stats.h"
#include "strbuf.h"
#include "strmap.h"

#define PERM_VIEW "outbound:campaign:view"
/* A record is a few dozen bytes: one far longer is no record but a hostile or broken file
 * (an unclosed quote), refused where it starts instead of read into memory. */
#define MAX_RECORD (64 * 1024)
/* A name (campaign, sub-campaign, agent) or number longer than this is no name. */
#define MAX_CELL 1024
/* A call longer than a week is no call; it also keeps every sum of seconds exact. */
#define MAX_DURATION 604800
/* What a commit can record (lib/util/timeparse.c): the last second of 2106-02-07. */
#define TIME_MAX 4294967295LL

const char *const stats_result_names[RESULT_COUNT] = {
    "connected", "busy",    "no-answer",      "answering-machine",
    "fax",       "dropped", "invalid-number", "in-progress",
};

const char *const stats_figure_keys[] = {
    "start",      "end",         "records", "success",     "failure",      "dc_success",
    "dc_fail",    "hold",        "connect", "busy_agents", "max_per_hour", "current_hourly_rate",
    "avg_length", "in_progress", NULL,
};

enum column { COL_TIME, COL_CAMPAIGN, COL_SUB, COL_NUMBER, COL_RESULT, COL_DURATION, COL_AGENT };
static const char *const column_names[] = {
    "time", "campaign", "sub-campaign", "number", "result", "duration", "agent",
};
#define NCOLUMNS (sizeof(column_names) / sizeof(*column_names))

/* What is counted of a scope (a campaign, a sub-campaign, the whole). */
struct figures {
    int64_t start, end; /* earliest call, latest end of one (INT64_MAX, -1: none) */
    uint64_t results[RESULT_COUNT];
    uint64_t dc_success;          /* connected to an agent */
    uint64_t hold, connect;       /* seconds of dropped and of connected calls */
    uint64_t current;             /* calls placed in the hour before now */
    uint64_t busy_agents;         /* distinct agents of its in-progress calls */
    uint64_t max_per_hour;        /* filled at the end from the hour counts */
    uint32_t last_hour;           /* the hour the last record counted here fell in... */
    size_t last_slot, last_epoch; /* ...and its slot in the hour map, while valid */
};

struct scope {
    const char *campaign, *sub; /* sub NULL: a campaign's own scope; both NULL: the total */
    size_t parent;              /* a sub-campaign's campaign scope */
    struct figures f;
};

/* (scope, hour) -> calls, open addressing; keys are scope << 32 | hour + 1 (0: free). */
struct hour_slot {
    uint64_t key, calls;
};
struct hour_map {
    struct hour_slot *slots;
    size_t cap, len, epoch; /* epoch: grows with each rehash, which moves every slot */
};

struct stats {
    const orgctl_campaign_stats_options *opts;
    int64_t from, to; /* the bounds, INT64_MIN / INT64_MAX when none */
    struct scope *scopes;
    size_t nscopes, cap;
    strmap campaigns, subs; /* "campaign" and "campaign\x1fsub" -> scope */
    strmap busy;            /* "scope\x1fagent" of in-progress calls with an agent */
    arena names;
    strbuf key;
    struct hour_map hours;
    bool campaign_seen; /* the --campaign filter named a campaign of the file */
    /* the scopes of the last record, found again without a lookup */
    strbuf last_campaign, last_sub;
    size_t last_scope;
    /* the date of the last record's time and its midnight */
    char last_date[10];
    int64_t last_midnight;
    /* the file and the position for errors */
    const char *file;
    size_t line;
};

static int bad(struct stats *s, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(struct stats *s, size_t column, const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    return orgctl_error_set(ORGCTL_EINVALID, "%s:%zu:%zu: %s", s->file, s->line, column, reason);
}

/* --- scopes and hours --- */

static size_t scope_new(struct stats *s, const char *campaign, const char *sub, size_t parent)
{
    if (s->nscopes == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->scopes = xrealloc(s->scopes, s->cap * sizeof(*s->scopes));
    }
    struct scope *sc = &s->scopes[s->nscopes];
    memset(sc, 0, sizeof(*sc));
    sc->campaign = campaign;
    sc->sub = sub;
    sc->parent = parent;
    sc->f.start = INT64_MAX;
    sc->f.end = -1;
    sc->f.last_epoch = SIZE_MAX;
    return s->nscopes++;
}

/* The slot of `key`, or the free one where it goes. */
static size_t hour_slot(const struct hour_map *m, uint64_t key)
{
    size_t j = (size_t)(key * 0x9e3779b97f4a7c15ull >> 20) & (m->cap - 1);
    while (m->slots[j].key && m->slots[j].key != key)
        j = (j + 1) & (m->cap - 1);
    return j;
}

static void hours_grow(struct hour_map *m)
{
    struct hour_slot *old = m->slots;
    size_t old_cap = m->cap;
    m->cap = m->cap ? m->cap * 2 : 1024;
    m->slots = xcalloc(m->cap, sizeof(*m->slots));
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key)
            m->slots[hour_slot(m, old[i].key)] = old[i];
    free(old);
    m->epoch++; /* every slot moved: the scopes' last slots are stale */
}

/* `calls` more calls in `hour` for scope `i`: the slot of the last record's hour when the
 * same (records come mostly in time order), else a lookup. */
static void hour_count(struct stats *s, size_t i, uint32_t hour, uint64_t calls)
{
    struct figures *f = &s->scopes[i].f;
    struct hour_map *m = &s->hours;
    if (f->last_hour == hour && f->last_epoch == m->epoch) {
        m->slots[f->last_slot].calls += calls;
        return;
    }
    if ((m->len + 1) * 2 > m->cap)
        hours_grow(m);
    uint64_t key = (uint64_t)i << 32 | ((uint64_t)hour + 1);
    size_t j = hour_slot(m, key);
    if (!m->slots[j].key) {
        m->slots[j].key = key;
        m->len++;
    }
    m->slots[j].calls += calls;
    f->last_hour = hour;
    f->last_slot = j;
    f->last_epoch = m->epoch;
}

/* --- one record --- */

static bool has_control(const char *v, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return true;
    return false;
}

/* A name cell: not empty (unless `may_be_empty`), no control character. */
static int check_name(struct stats *s, size_t column, const char *what, const char *v, size_t len,
                      bool may_be_empty)
{
    if (!len && !may_be_empty)
        return bad(s, column, "empty %s", what);
    if (has_control(v, len))
        return bad(s, column, "%s \"%s\" holds a control character", what, v);
    return 0;
}

/* The scope of the record's sub-campaign, made with its campaign's when new. */
static int find_scope(struct stats *s, const char *campaign, size_t clen, const char *sub,
                      size_t slen, size_t ccol, size_t scol, size_t *out)
{
    if (s->last_scope && s->last_campaign.len == clen && s->last_sub.len == slen &&
        memcmp(s->last_campaign.buf, campaign, clen) == 0 &&
        memcmp(s->last_sub.buf, sub, slen) == 0) {
        *out = s->last_scope;
        return 0;
    }
    strbuf_reset(&s->key);
    strbuf_add(&s->key, campaign, clen);
    strbuf_addch(&s->key, '\x1f');
    strbuf_add(&s->key, sub, slen);
    size_t i, c;
    if (!strmap_get(&s->subs, s->key.buf, &i)) {
        int error;
        if ((error = check_name(s, ccol, "campaign", campaign, clen, false)) < 0 ||
            (error = check_name(s, scol, "sub-campaign", sub, slen, false)) < 0)
            return error;
        if (!strmap_get(&s->campaigns, campaign, &c)) {
            c = scope_new(s, arena_strdup(&s->names, campaign), NULL, 0);
            strmap_set(&s->campaigns, s->scopes[c].campaign, c);
        }
        i = scope_new(s, s->scopes[c].campaign, arena_strdup(&s->names, sub), c);
        strmap_set(&s->subs, arena_strdup(&s->names, s->key.buf), i);
    }
    strbuf_reset(&s->last_campaign);
    strbuf_add(&s->last_campaign, campaign, clen);
    strbuf_reset(&s->last_sub);
    strbuf_add(&s->last_sub, sub, slen);
    s->last_scope = i;
    *out = i;
    return 0;
}

static int two_digits(const char *p, int max)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return -1;
    int v = (p[0] - '0') * 10 + (p[1] - '0');
    return v > max ? -1 : v;
}

/* The call's time. Records of one day share its date: the time of day is read here and
 * added to the date's midnight, found once by orgctl_time_parse, which reads the rest. */
static int parse_time(struct stats *s, size_t column, const char *v, size_t len, int64_t *out)
{
    if ((len == 19 || (len == 20 && v[19] == 'Z')) && v[10] == 'T' && v[13] == ':' &&
        v[16] == ':' && memcmp(v, s->last_date, 10) == 0) {
        int h = two_digits(v + 11, 23), m = two_digits(v + 14, 59), sec = two_digits(v + 17, 59);
        int64_t t = s->last_midnight + h * 3600 + m * 60 + sec;
        if (h >= 0 && m >= 0 && sec >= 0 && t <= TIME_MAX) {
            *out = t;
            return 0;
        }
    }
    time_t t;
    bool date_only;
    if (orgctl_time_parse(&t, &date_only, "time", v) < 0)
        return bad(s, column, "%s", orgctl_error_last());
    if (date_only)
        return bad(s, column, "time \"%s\" has no time of day (YYYY-MM-DDTHH:MM:SSZ)", v);
    memcpy(s->last_date, v, 10);
    s->last_midnight = (int64_t)t - (int64_t)t % 86400;
    *out = t;
    return 0;
}

static int parse_result(struct stats *s, size_t column, const char *v, size_t len)
{
    for (int r = 0; r < RESULT_COUNT; r++)
        if (strlen(stats_result_names[r]) == len && memcmp(stats_result_names[r], v, len) == 0)
            return r;
    return bad(s, column,
               "unknown result \"%s\" (connected, busy, no-answer, answering-machine, fax, "
               "dropped, invalid-number or in-progress)",
               v);
}

static int parse_duration(struct stats *s, size_t column, const char *v, size_t len, uint64_t *out)
{
    if (len && v[0] == '-')
        return bad(s, column, "duration \"%s\" is negative", v);
    uint64_t d = 0;
    for (size_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9')
            return bad(s, column, "duration \"%s\" is not a whole number of seconds", v);
        if ((d = d * 10 + (uint64_t)(v[i] - '0')) > MAX_DURATION)
            return bad(s, column, "duration \"%s\" is more than a week (%d seconds)", v,
                       MAX_DURATION);
    }
    if (!len)
        return bad(s, column, "empty duration (a whole number of seconds)");
    *out = d;
    return 0;
}

/* An agent on an in-progress call of scope `i`: counted once per scope. */
static void busy_agent(struct stats *s, size_t i, const char *agent)
{
    strbuf_reset(&s->key);
    strbuf_addf(&s->key, "%zu\x1f%s", i, agent);
    size_t ignored;
    if (strmap_get(&s->busy, s->key.buf, &ignored))
        return;
    strmap_set(&s->busy, arena_strdup(&s->names, s->key.buf), 1);
    s->scopes[i].f.busy_agents++;
}

static void count(struct stats *s, size_t i, int result, int64_t t, uint64_t duration,
                  const char *agent, size_t agent_len)
{
    struct figures *f = &s->scopes[i].f;
    f->results[result]++;
    if (t < f->start)
        f->start = t;
    if (t + (int64_t)duration > f->end)
        f->end = t + (int64_t)duration;
    if (result == RESULT_CONNECTED) {
        f->connect += duration;
        f->dc_success += agent_len > 0;
    } else if (result == RESULT_DROPPED) {
        f->hold += duration;
    } else if (result == RESULT_IN_PROGRESS && agent_len) {
        busy_agent(s, i, agent);
    }
    if (t > s->opts->now - 3600 && t <= s->opts->now)
        f->current++;
    hour_count(s, i, (uint32_t)(t / 3600), 1);
}

static int record(struct stats *s, const orgctl_csv_record *rec, const size_t *col, size_t ncols)
{
    size_t n = orgctl_csv_record_count(rec);
    if (n != ncols)
        return bad(s, n < ncols ? n + 1 : ncols + 1, "%zu fields, the header has %zu", n, ncols);
    const char *v[NCOLUMNS];
    size_t len[NCOLUMNS];
    for (size_t c = 0; c < NCOLUMNS; c++) {
        v[c] = orgctl_csv_record_field(rec, col[c], &len[c]);
        if (len[c] > MAX_CELL)
            return bad(s, col[c] + 1, "%s longer than %d bytes", column_names[c], MAX_CELL);
    }
    int64_t t = 0;
    uint64_t duration = 0;
    int error, result = parse_result(s, col[COL_RESULT] + 1, v[COL_RESULT], len[COL_RESULT]);
    if (result < 0)
        return result;
    if ((error = parse_time(s, col[COL_TIME] + 1, v[COL_TIME], len[COL_TIME], &t)) < 0 ||
        (error = parse_duration(s, col[COL_DURATION] + 1, v[COL_DURATION], len[COL_DURATION],
                                &duration)) < 0 ||
        (error = check_name(s, col[COL_AGENT] + 1, "agent", v[COL_AGENT], len[COL_AGENT], true)) <
            0)
        return error;
    if (s->opts->campaign) {
        if (strcmp(v[COL_CAMPAIGN], s->opts->campaign) != 0) { /* passed over, but checked */
            if ((error = check_name(s, col[COL_CAMPAIGN] + 1, "campaign", v[COL_CAMPAIGN],
                                    len[COL_CAMPAIGN], false)) < 0)
                return error;
            return check_name(s, col[COL_SUB] + 1, "sub-campaign", v[COL_SUB], len[COL_SUB], false);
        }
        s->campaign_seen = true;
    }
    size_t sub;
    if ((error = find_scope(s, v[COL_CAMPAIGN], len[COL_CAMPAIGN], v[COL_SUB], len[COL_SUB],
                            col[COL_CAMPAIGN] + 1, col[COL_SUB] + 1, &sub)) < 0)
        return error;
    if (t < s->from || t >= s->to)
        return 0;
    count(s, sub, result, t, duration, v[COL_AGENT], len[COL_AGENT]);
    return 0;
}

/* The header: each of the seven columns once, found by name; others are passed over. */
static int header(struct stats *s, const orgctl_csv_record *rec, size_t *col)
{
    size_t n = orgctl_csv_record_count(rec);
    for (size_t c = 0; c < NCOLUMNS; c++)
        col[c] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const char *name = orgctl_csv_record_field(rec, i, NULL);
        for (size_t c = 0; c < NCOLUMNS; c++) {
            if (strcmp(name, column_names[c]) != 0)
                continue;
            if (col[c] != SIZE_MAX)
                return bad(s, i + 1, "column \"%s\" named twice (columns %zu and %zu)", name,
                           col[c] + 1, i + 1);
            col[c] = i;
        }
    }
    for (size_t c = 0; c < NCOLUMNS; c++)
        if (col[c] == SIZE_MAX)
            return bad(s, n + 1,
                       "no column \"%s\" (the header names time, campaign, sub-campaign, "
                       "number, result, duration and agent)",
                       column_names[c]);
    return 0;
}

static int read_records(struct stats *s, const char *path)
{
    orgctl_csv_options o = ORGCTL_CSV_OPTIONS_INIT;
    o.max_record_size = MAX_RECORD;
    orgctl_csv *csv = NULL;
    orgctl_csv_record *rec;
    int error = orgctl_csv_open(&csv, path, &o);
    if (error < 0)
        return error;
    s->file = orgctl_csv_name(csv);
    size_t col[NCOLUMNS], ncols = 0;
    for (bool first = true; (error = orgctl_csv_next(&rec, csv)) == 0; first = false) {
        s->line = orgctl_csv_record_line(rec);
        if (first) {
            ncols = orgctl_csv_record_count(rec);
            error = header(s, rec, col);
        } else {
            error = record(s, rec, col, ncols);
        }
        if (error < 0)
            break;
    }
    if (error == ORGCTL_ITEROVER)
        error = 0;
    if (!error && s->opts->campaign && !s->campaign_seen)
        error = orgctl_error_set(ORGCTL_ENOTFOUND, "%s: no record of campaign \"%s\"", path,
                                 s->opts->campaign);
    orgctl_csv_free(csv);
    return error;
}

/* --- the result --- */

static cJSON *time_or_null(int64_t t)
{
    char buf[32];
    if (t < 0 || t == INT64_MAX)
        return cJSON_CreateNull();
    orgctl_time_format((time_t)t, buf, sizeof(buf));
    return cJSON_CreateString(buf);
}

/* What a sub-campaign counted, added to scope `to` (its campaign, the total). */
static void add_figures(struct figures *to, const struct figures *from)
{
    for (int r = 0; r < RESULT_COUNT; r++)
        to->results[r] += from->results[r];
    to->dc_success += from->dc_success;
    to->hold += from->hold;
    to->connect += from->connect;
    to->current += from->current;
    if (from->start < to->start)
        to->start = from->start;
    if (from->end > to->end)
        to->end = from->end;
}

/* A record counts in its sub-campaign only (a third of the work of counting it in its
 * campaign and the total too); campaigns and the total are made of their sub-campaigns
 * here: sums, the hour counts, the distinct busy agents. */
static void sum_up(struct stats *s)
{
    for (size_t i = 1; i < s->nscopes; i++)
        if (s->scopes[i].sub) {
            add_figures(&s->scopes[s->scopes[i].parent].f, &s->scopes[i].f);
            add_figures(&s->scopes[0].f, &s->scopes[i].f);
        }
    struct hour_slot *subs = xcalloc(s->hours.len + 1, sizeof(*subs));
    size_t n = 0;
    for (size_t j = 0; j < s->hours.cap; j++)
        if (s->hours.slots[j].key)
            subs[n++] = s->hours.slots[j];
    for (size_t j = 0; j < n; j++) {
        uint32_t hour = (uint32_t)(subs[j].key - 1);
        hour_count(s, s->scopes[subs[j].key >> 32].parent, hour, subs[j].calls);
        hour_count(s, 0, hour, subs[j].calls);
    }
    free(subs);
    const char **busy = xcalloc(s->busy.len + 1, sizeof(*busy));
    n = 0;
    for (size_t j = 0; j < s->busy.cap; j++)
        if (s->busy.slots[j].key)
            busy[n++] = s->busy.slots[j].key;
    for (size_t j = 0; j < n; j++) { /* "SCOPE\x1fAGENT" */
        char *agent;
        size_t sub = strtoul(busy[j], &agent, 10);
        busy_agent(s, s->scopes[sub].parent, agent + 1);
        busy_agent(s, 0, agent + 1);
    }
    free(busy);
}

/* The most calls of any one hour, for every scope, from the hour map. */
static void fill_max_per_hour(struct stats *s)
{
    for (size_t j = 0; j < s->hours.cap; j++) {
        const struct hour_slot *h = &s->hours.slots[j];
        struct figures *f = h->key ? &s->scopes[h->key >> 32].f : NULL;
        if (f && h->calls > f->max_per_hour)
            f->max_per_hour = h->calls;
    }
}

static cJSON *figures_json(const struct scope *sc)
{
    const struct figures *f = &sc->f;
    cJSON *o = cJSON_CreateObject();
    uint64_t failure = 0, records = 0;
    for (int r = 0; r < RESULT_COUNT; r++)
        records += f->results[r];
    for (int r = RESULT_BUSY; r <= RESULT_INVALID_NUMBER; r++)
        failure += f->results[r];
    uint64_t success = f->results[RESULT_CONNECTED];
    if (sc->campaign)
        cJSON_AddStringToObject(o, "campaign", sc->campaign);
    if (sc->sub)
        cJSON_AddStringToObject(o, "sub_campaign", sc->sub);
    cJSON_AddItemToObject(o, "start", time_or_null(f->start));
    cJSON_AddItemToObject(o, "end", time_or_null(f->end));
    cJSON_AddNumberToObject(o, "records", (double)records);
    cJSON_AddNumberToObject(o, "success", (double)success);
    cJSON_AddNumberToObject(o, "failure", (double)failure);
    cJSON_AddNumberToObject(o, "dc_success", (double)f->dc_success);
    cJSON_AddNumberToObject(o, "dc_fail", (double)f->results[RESULT_DROPPED]);
    cJSON_AddNumberToObject(o, "hold", (double)f->hold);
    cJSON_AddNumberToObject(o, "connect", (double)f->connect);
    cJSON_AddNumberToObject(o, "busy_agents", (double)f->busy_agents);
    cJSON_AddNumberToObject(o, "max_per_hour", (double)f->max_per_hour);
    cJSON_AddNumberToObject(o, "current_hourly_rate", (double)f->current);
    /* whole seconds, rounded half up: exact, in integers (awk finds the same) */
    cJSON_AddNumberToObject(o, "avg_length",
                            success ? (double)((f->connect + success / 2) / success) : 0);
    cJSON_AddNumberToObject(o, "in_progress", (double)f->results[RESULT_IN_PROGRESS]);
    cJSON *results = cJSON_AddObjectToObject(o, "results");
    for (int r = 0; r < RESULT_COUNT; r++)
        cJSON_AddNumberToObject(results, stats_result_names[r], (double)f->results[r]);
    return o;
}

static int scope_cmp(const void *a, const void *b, void *arg)
{
    const struct scope *sa = &((struct stats *)arg)->scopes[*(const size_t *)a];
    const struct scope *sb = &((struct stats *)arg)->scopes[*(const size_t *)b];
    int c = strcmp(sa->campaign, sb->campaign);
    if (c || !sa->sub || !sb->sub)
        return c ? c : sa->sub ? 1 : sb->sub ? -1 : 0;
    return strcmp(sa->sub, sb->sub);
}

static int hour_cmp(const void *a, const void *b)
{
    uint64_t x = ((const struct hour_slot *)a)->key, y = ((const struct hour_slot *)b)->key;
    return x < y ? -1 : x > y;
}

/* The total's calls per hour, in time order. */
static cJSON *hours_json(const struct stats *s)
{
    struct hour_slot *total = xcalloc(s->hours.len + 1, sizeof(*total));
    size_t n = 0;
    for (size_t j = 0; j < s->hours.cap; j++)
        if (s->hours.slots[j].key && s->hours.slots[j].key >> 32 == 0)
            total[n++] = s->hours.slots[j];
    qsort(total, n, sizeof(*total), hour_cmp);
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *h = cJSON_CreateObject();
        cJSON_AddItemToObject(h, "hour", time_or_null((int64_t)(total[i].key - 1) * 3600));
        cJSON_AddNumberToObject(h, "calls", (double)total[i].calls);
        cJSON_AddItemToArray(list, h);
    }
    free(total);
    return list;
}

static cJSON *result_json(struct stats *s, const char *path)
{
    sum_up(s);
    fill_max_per_hour(s);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", path);
    cJSON_AddItemToObject(o, "now", time_or_null(s->opts->now));
    cJSON_AddItemToObject(o, "from", s->opts->from ? time_or_null(s->from) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "to", s->opts->to ? time_or_null(s->to) : cJSON_CreateNull());
    /* campaigns, each followed by its sub-campaigns, by name */
    size_t n = s->nscopes - 1, *order = xcalloc(n + 1, sizeof(*order));
    for (size_t i = 0; i < n; i++)
        order[i] = i + 1;
    qsort_r(order, n, sizeof(*order), scope_cmp, s);
    cJSON *campaigns = cJSON_AddArrayToObject(o, "campaigns"), *campaign = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct scope *sc = &s->scopes[order[i]];
        if (!sc->sub) {
            campaign = figures_json(sc);
            cJSON_AddItemToArray(campaigns, campaign);
            cJSON_AddArrayToObject(campaign, "sub_campaigns");
        } else {
            cJSON_AddItemToArray(cJSON_GetObjectItem(campaign, "sub_campaigns"), figures_json(sc));
        }
    }
    free(order);
    cJSON *total = figures_json(&s->scopes[0]);
    cJSON_AddNumberToObject(total, "total_current_hourly_rate", (double)s->scopes[0].f.current);
    cJSON_AddNumberToObject(total, "total_calls_in_progress",
                            (double)s->scopes[0].f.results[RESULT_IN_PROGRESS]);
    cJSON_AddItemToObject(o, "total", total);
    cJSON_AddItemToObject(o, "hours", hours_json(s));
    return o;
}

static int bound(const char *what, const char *text, int64_t none, int64_t *out)
{
    time_t t;
    *out = none;
    if (!text)
        return 0;
    int error = orgctl_time_parse(&t, NULL, what, text);
    *out = t;
    return error;
}

/* ORGCTL_ENOTFOUND unless `org` is an org of the repository: an actor holding a wildcard
 * everywhere holds it in an org that is not there too. */
static int org_exists(orgctl_repo *repo, const char *org)
{
    cJSON *obj = NULL;
    int error = orgctl_object_get(&obj, repo, orgctl_kind_lookup("org"), org, org);
    cJSON_Delete(obj);
    return error;
}

int orgctl_campaign_stats(orgctl_repo *repo, const char *path,
                          const orgctl_campaign_stats_options *opts, cJSON **out)
{
    int error;
    *out = NULL;
    if ((error = orgctl_options_version_check("campaign stats", opts->version,
                                              ORGCTL_CAMPAIGN_STATS_OPTIONS_VERSION)) < 0)
        return error;
    struct stats s = {.opts = opts, .file = path};
    if ((error = bound("--from", opts->from, INT64_MIN, &s.from)) < 0 ||
        (error = bound("--to", opts->to, INT64_MAX, &s.to)) < 0)
        return error;
    if (s.from >= s.to)
        return orgctl_error_set(ORGCTL_EINVALID, "--from %s is not before --to %s", opts->from,
                                opts->to);
    if (repo && opts->org &&
        ((error = org_exists(repo, opts->org)) < 0 ||
         (error = orgctl_perm_check(repo, opts->org, PERM_VIEW)) < 0))
        return error;
    scope_new(&s, NULL, NULL, 0); /* the total, scope 0 */
    if ((error = read_records(&s, path)) == 0)
        *out = result_json(&s, path);
    free(s.scopes);
    free(s.hours.slots);
    strmap_free(&s.campaigns);
    strmap_free(&s.subs);
    strmap_free(&s.busy);
    arena_free(&s.names);
    strbuf_release(&s.key);
    strbuf_release(&s.last_campaign);
    strbuf_release(&s.last_sub);
    return error;
}
