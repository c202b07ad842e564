/* NANPA's area-code report and its serialised form: see nanpa.h. */
#include "nanpa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orgctl/csv.h"
#include "orgctl/errors.h"

struct orgctl_nanpa {
    bool present[1000];
    orgctl_nanpa_entry by_npa[1000];
    size_t count;
    char file_date[16];
};

/* ---- the mapping ------------------------------------------------------------------- */

static const char *const us_states[] = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV",
    "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN",
    "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "AS", "GU", "MP", "PR", "VI"};

/* LOCATION values that are no two-letter code, and the regions they stand for. */
static const struct {
    const char *country, *location, *regions;
} named_locations[] = {
    {"US", "PUERTO RICO", "PR"},
    {"US", "USVI", "VI"},
    {"US", "CNMI", "MP"},
    {"CA", "ALBERTA", "AB"},
    {"CA", "BRITISH COLUMBIA", "BC"},
    {"CA", "MANITOBA", "MB"},
    {"CA", "NEW BRUNSWICK", "NB"},
    {"CA", "NEWFOUNDLAND AND LABRADOR", "NL"},
    {"CA", "NOVA SCOTIA - PRINCE EDWARD ISLAND", "NS,PE"},
    {"CA", "ONTARIO", "ON"},
    {"CA", "QUEBEC", "QC"},
    {"CA", "SASKATCHEWAN", "SK"},
    {"CA", "YUKON-NW TERR. - NUNAVUT", "YT,NT,NU"},
    {"CA", "CANADA", ""},
};

/* COUNTRY values, their ISO codes, another spelling LOCATION uses, and the one zone of
 * the countries that have one. */
static const struct {
    const char *name, *iso, *alias, *zone;
} countries[] = {
    {"US", "US", NULL, NULL},
    {"CANADA", "CA", NULL, NULL},
    {"ANGUILLA", "AI", NULL, "America/Anguilla"},
    {"ANTIGUA/BARBUDA", "AG", NULL, "America/Antigua"},
    {"BAHAMAS", "BS", NULL, "America/Nassau"},
    {"BARBADOS", "BB", NULL, "America/Barbados"},
    {"BERMUDA", "BM", NULL, "Atlantic/Bermuda"},
    {"BRITISH VIRGIN ISLANDS", "VG", NULL, "America/Tortola"},
    {"CAYMAN ISLANDS", "KY", NULL, "America/Cayman"},
    {"DOMINICA", "DM", NULL, "America/Dominica"},
    {"DOMINICAN REPUBLIC", "DO", NULL, "America/Santo_Domingo"},
    {"GRENADA", "GD", NULL, "America/Grenada"},
    {"JAMAICA", "JM", NULL, "America/Jamaica"},
    {"MONTSERRAT", "MS", NULL, "America/Montserrat"},
    {"SINT MAARTEN", "SX", NULL, "America/Lower_Princes"},
    {"ST. KITTS AND NEVIS", "KN", "ST. KITTS & NEVIS", "America/St_Kitts"},
    {"ST. LUCIA", "LC", NULL, "America/St_Lucia"},
    {"ST. VINCENT & GRENADINES", "VC", NULL, "America/St_Vincent"},
    {"TRINIDAD AND TOBAGO", "TT", "TRINIDAD & TOBAGO", "America/Port_of_Spain"},
    {"TURKS & CAICOS ISLANDS", "TC", NULL, "America/Grand_Turk"},
};

/* Regions of the US and Canada that keep one clock, whatever TIME_ZONE says. */
static const struct {
    const char *country, *region, *zone;
} region_zones[] = {
    {"US", "AZ", "America/Phoenix"},     {"US", "HI", "Pacific/Honolulu"},
    {"US", "AK", "America/Anchorage"},   {"US", "AS", "Pacific/Pago_Pago"},
    {"US", "GU", "Pacific/Guam"},        {"US", "MP", "Pacific/Saipan"},
    {"US", "PR", "America/Puerto_Rico"}, {"US", "VI", "America/St_Thomas"},
    {"CA", "SK", "America/Regina"},      {"CA", "NL", "America/St_Johns"},
    {"CA", "NB", "America/Moncton"},
};

/* TIME_ZONE letters by country (and the northern territories apart). */
static const struct {
    const char *country, *region, letter, *zone;
} letter_zones[] = {
    {"US", NULL, 'E', "America/New_York"},     {"US", NULL, 'C', "America/Chicago"},
    {"US", NULL, 'M', "America/Denver"},       {"US", NULL, 'P', "America/Los_Angeles"},
    {"CA", "YT", 'C', "America/Rankin_Inlet"}, {"CA", "YT", 'M', "America/Edmonton"},
    {"CA", "YT", 'P', "America/Whitehorse"},   {"CA", NULL, 'E', "America/Toronto"},
    {"CA", NULL, 'C', "America/Winnipeg"},     {"CA", NULL, 'M', "America/Edmonton"},
    {"CA", NULL, 'P', "America/Vancouver"},    {"CA", NULL, 'A', "America/Halifax"},
};

/* TIME_ZONE values that are no letters: fixed offsets, kept only by regions of one clock. */
static const char *const offset_values[] = {"(UTC+10)", "UTC-11", "(UTC-10)", "(UTC-9)"};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool add_zone(orgctl_nanpa_entry *e, const char *zone)
{
    for (int i = 0; i < ORGCTL_NANPA_MAX_ZONES; i++) {
        if (strcmp(e->zones[i], zone) == 0)
            return true;
        if (!e->zones[i][0]) {
            snprintf(e->zones[i], sizeof(e->zones[i]), "%s", zone);
            return true;
        }
    }
    return false;
}

/* Splits "NS,PE" into e->regions. */
static void set_regions(orgctl_nanpa_entry *e, const char *list)
{
    int n = 0;
    for (const char *p = list; *p && n < ORGCTL_NANPA_MAX_REGIONS; p += *p == ',') {
        snprintf(e->regions[n++], 3, "%.2s", p);
        p += strcspn(p, ",");
    }
}

/* Fills country, regions and zones of e from a row's values; a problem's description into
 * why (and false) when a value is not known. */
static bool map_row(orgctl_nanpa_entry *e, const char *country, const char *location,
                    const char *tzv, char *why, size_t why_size)
{
    const char *one_zone = NULL;
    size_t i;

    if (country[0]) {
        for (i = 0; i < ARRAY_SIZE(countries) && strcmp(countries[i].name, country) != 0; i++)
            ;
        if (i == ARRAY_SIZE(countries)) {
            snprintf(why, why_size, "COUNTRY \"%s\" is not known", country);
            return false;
        }
        snprintf(e->country, sizeof(e->country), "%s", countries[i].iso);
        one_zone = countries[i].zone;
        if (one_zone) { /* another NANP country: its region is itself */
            if (strcmp(location, country) != 0 &&
                !(countries[i].alias && strcmp(location, countries[i].alias) == 0)) {
                snprintf(why, why_size, "LOCATION \"%s\" is not in COUNTRY \"%s\"", location,
                         country);
                return false;
            }
            set_regions(e, countries[i].iso);
        }
    } else if (location[0] && strcmp(location, "NANP AREA") != 0) {
        snprintf(why, why_size, "LOCATION \"%s\" has no COUNTRY", location);
        return false;
    }
    if (!one_zone && e->country[0] && location[0]) {
        bool known = false;
        if (strcmp(e->country, "US") == 0)
            for (i = 0; i < ARRAY_SIZE(us_states); i++)
                if (strcmp(us_states[i], location) == 0) {
                    set_regions(e, location);
                    known = true;
                }
        for (i = 0; i < ARRAY_SIZE(named_locations); i++)
            if (strcmp(named_locations[i].country, e->country) == 0 &&
                strcmp(named_locations[i].location, location) == 0) {
                set_regions(e, named_locations[i].regions);
                known = true;
            }
        if (!known) {
            snprintf(why, why_size, "LOCATION \"%s\" is not known in COUNTRY \"%s\"", location,
                     country);
            return false;
        }
        for (i = 0; i < ARRAY_SIZE(region_zones); i++)
            if (strcmp(region_zones[i].country, e->country) == 0 &&
                strcmp(region_zones[i].region, e->regions[0]) == 0)
                one_zone = region_zones[i].zone;
    }
    /* TIME_ZONE: letters, a fixed offset, "NA" or nothing. */
    bool offset = false;
    for (i = 0; i < ARRAY_SIZE(offset_values); i++)
        offset = offset || strcmp(tzv, offset_values[i]) == 0;
    if (offset && !one_zone) {
        snprintf(why, why_size, "TIME_ZONE \"%s\" outside a region of one zone", tzv);
        return false;
    }
    if (!offset && strcmp(tzv, "NA") != 0) {
        for (const char *l = tzv; *l; l++) {
            const char *zone = NULL;
            for (i = 0; i < ARRAY_SIZE(letter_zones) && !zone; i++)
                if (letter_zones[i].letter == *l &&
                    (!letter_zones[i].region ||
                     strcmp(letter_zones[i].region, e->regions[0]) == 0) &&
                    strcmp(letter_zones[i].country, e->country) == 0)
                    zone = letter_zones[i].zone;
            if (!strchr("ECMPA", *l) || l - tzv >= ORGCTL_NANPA_MAX_ZONES) {
                snprintf(why, why_size, "TIME_ZONE \"%s\" is not known", tzv);
                return false;
            }
            if (!zone && !one_zone && e->country[0]) {
                snprintf(why, why_size, "TIME_ZONE \"%s\" has no zone in %s", tzv, country);
                return false;
            }
            if (zone && !one_zone)
                add_zone(e, zone);
        }
    }
    if (one_zone)
        add_zone(e, one_zone);
    return true;
}

/* ---- reading the report ------------------------------------------------------------ */

static int column(const orgctl_csv_record *header, const char *name)
{
    for (size_t i = 0; i < orgctl_csv_record_count(header); i++)
        if (strcmp(orgctl_csv_record_field(header, i, NULL), name) == 0)
            return (int)i;
    return -1;
}

struct problems {
    size_t count;
    char first[512];
    orgctl_nanpa_problem_fn fn;
    void *payload;
};

static void problem(struct problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct problems *p, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (p->count++ == 0)
        snprintf(p->first, sizeof(p->first), "%s", msg);
    if (p->fn)
        p->fn(msg, p->payload);
}

static int fail_problems(struct problems *p, orgctl_nanpa **out, orgctl_nanpa *table)
{
    free(table);
    *out = NULL;
    if (p->count > 1)
        return orgctl_error_set(ORGCTL_EINVALID, "%s (and %zu more problems)", p->first,
                                p->count - 1);
    return orgctl_error_set(ORGCTL_EINVALID, "%s", p->first);
}

int orgctl_nanpa_read_report(orgctl_nanpa **out, size_t *problems_out, const char *path,
                             unsigned flags, orgctl_nanpa_problem_fn fn, void *payload)
{
    static const char *const required[] = {"NPA_ID", "LOCATION", "COUNTRY", "IN_SERVICE",
                                           "TIME_ZONE"};
    struct problems p = {0, "", fn, payload};
    orgctl_nanpa *table = NULL;
    orgctl_csv_record *rec;
    orgctl_csv *csv = NULL;
    int col[ARRAY_SIZE(required)], rc;
    size_t width;
    const char *name;

    *out = NULL;
    if (problems_out)
        *problems_out = 0;
    if ((rc = orgctl_csv_open(&csv, path, NULL)) != 0)
        return rc;
    name = orgctl_csv_name(csv);
    table = xcalloc(1, sizeof(*table));
    /* The preamble: "File Date,MM/DD/YYYY". */
    if ((rc = orgctl_csv_next(&rec, csv)) != 0 || orgctl_csv_record_count(rec) != 2 ||
        strcmp(orgctl_csv_record_field(rec, 0, NULL), "File Date") != 0) {
        if (rc == 0 || rc == ORGCTL_ITEROVER)
            problem(&p, "%s:1: no preamble \"File Date,MM/DD/YYYY\"", name);
        else
            problem(&p, "%s", orgctl_error_last());
        goto fatal;
    }
    snprintf(table->file_date, sizeof(table->file_date), "%s",
             orgctl_csv_record_field(rec, 1, NULL));
    /* The header, by name. */
    if ((rc = orgctl_csv_next(&rec, csv)) != 0) {
        if (rc == ORGCTL_ITEROVER)
            problem(&p, "%s:2: no header", name);
        else
            problem(&p, "%s", orgctl_error_last());
        goto fatal;
    }
    width = orgctl_csv_record_count(rec);
    for (size_t i = 0; i < width; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(orgctl_csv_record_field(rec, i, NULL),
                       orgctl_csv_record_field(rec, j, NULL)) == 0) {
                problem(&p, "%s:%zu: column %s is named twice", name, orgctl_csv_record_line(rec),
                        orgctl_csv_record_field(rec, i, NULL));
                goto fatal;
            }
    for (size_t i = 0; i < ARRAY_SIZE(required); i++)
        if ((col[i] = column(rec, required[i])) < 0) {
            problem(&p, "%s:%zu: no column %s", name, orgctl_csv_record_line(rec), required[i]);
            goto fatal;
        }
    /* The rows. */
    while ((rc = orgctl_csv_next(&rec, csv)) == 0) {
        size_t line = orgctl_csv_record_line(rec), n = orgctl_csv_record_count(rec);
        const char *npa_s, *in_service;
        orgctl_nanpa_entry e;
        char why[256];
        int npa;

        if (n != width) {
            problem(&p, "%s:%zu: %zu fields, the header has %zu", name, line, n, width);
            continue;
        }
        npa_s = orgctl_csv_record_field(rec, (size_t)col[0], NULL);
        in_service = orgctl_csv_record_field(rec, (size_t)col[3], NULL);
        if (strlen(npa_s) != 3 || npa_s[0] < '2' || npa_s[0] > '9' || npa_s[1] < '0' ||
            npa_s[1] > '9' || npa_s[2] < '0' || npa_s[2] > '9') {
            problem(&p, "%s:%zu: NPA_ID \"%s\" is no area code (200-999)", name, line, npa_s);
            continue;
        }
        npa = atoi(npa_s);
        if (table->present[npa]) {
            problem(&p, "%s:%zu: area code %d comes twice", name, line, npa);
            continue;
        }
        if (strcmp(in_service, "Y") != 0 && strcmp(in_service, "N") != 0) {
            problem(&p, "%s:%zu: IN_SERVICE \"%s\" is neither Y nor N", name, line, in_service);
            continue;
        }
        memset(&e, 0, sizeof(e));
        e.npa = (uint16_t)npa;
        e.in_service = in_service[0] == 'Y';
        if (!map_row(&e, orgctl_csv_record_field(rec, (size_t)col[2], NULL),
                     orgctl_csv_record_field(rec, (size_t)col[1], NULL),
                     orgctl_csv_record_field(rec, (size_t)col[4], NULL), why, sizeof(why))) {
            problem(&p, "%s:%zu: %s", name, line, why);
            continue;
        }
        table->present[npa] = true;
        table->by_npa[npa] = e;
        table->count++;
    }
    if (rc != ORGCTL_ITEROVER) {
        problem(&p, "%s", orgctl_error_last());
        goto fatal;
    }
    orgctl_csv_free(csv);
    if (problems_out)
        *problems_out = p.count;
    if (p.count && !(flags & ORGCTL_NANPA_SKIP_BAD_ROWS))
        return fail_problems(&p, out, table);
    *out = table;
    return 0;
fatal:
    orgctl_csv_free(csv);
    if (problems_out)
        *problems_out = p.count;
    return fail_problems(&p, out, table);
}

/* ---- the serialised form ----------------------------------------------------------- */

#define NANPA_MAGIC "# orgctl nanpa 1"

static void write_list(strbuf *out, const char *items, size_t stride, int n)
{
    if (!items[0]) {
        strbuf_addch(out, '-');
        return;
    }
    for (int i = 0; i < n && items[(size_t)i * stride]; i++) {
        if (i)
            strbuf_addch(out, ',');
        strbuf_adds(out, items + (size_t)i * stride);
    }
}

void orgctl_nanpa_write(strbuf *out, const orgctl_nanpa *table)
{
    strbuf_adds(out, NANPA_MAGIC "\n");
    for (int npa = 200; npa < 1000; npa++) {
        const orgctl_nanpa_entry *e = &table->by_npa[npa];
        if (!table->present[npa])
            continue;
        strbuf_addf(out, "%d\t%s\t", npa, e->country[0] ? e->country : "-");
        write_list(out, e->regions[0], sizeof(e->regions[0]), ORGCTL_NANPA_MAX_REGIONS);
        strbuf_addf(out, "\t%c\t", e->in_service ? 'Y' : 'N');
        write_list(out, e->zones[0], sizeof(e->zones[0]), ORGCTL_NANPA_MAX_ZONES);
        strbuf_addch(out, '\n');
    }
}

static bool upper2(const char *s, size_t len)
{
    return len == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

static bool zone_name(const char *s, size_t len)
{
    if (len == 0 || len >= ORGCTL_NANPA_ZONE_MAX || s[0] == '/' || s[len - 1] == '/')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || strchr("/_+-", s[i])) ||
            (s[i] == '/' && s[i + 1] == '/'))
            return false;
    return true;
}

/* Parses the list field f[0..len) ("-" or items joined by ',') into `max` slots of `stride`
 * bytes at dst, each checked by valid. */
static bool parse_list(char *dst, size_t stride, int max, const char *f, size_t len,
                       bool (*valid)(const char *, size_t))
{
    int n = 0;
    if (len == 1 && f[0] == '-')
        return true;
    for (size_t at = 0; at <= len; n++) {
        size_t item = 0;
        while (at + item < len && f[at + item] != ',')
            item++;
        if (n == max || !valid(f + at, item))
            return false;
        memcpy(dst + (size_t)n * stride, f + at, item);
        dst[(size_t)n * stride + item] = '\0';
        at += item + 1;
    }
    return true;
}

int orgctl_nanpa_parse(orgctl_nanpa **out, const char *name, const char *data, size_t len)
{
    orgctl_nanpa *table = xcalloc(1, sizeof(*table));
    size_t at = 0, line = 0;
    int last = 0;

    *out = NULL;
    while (at < len) {
        const char *s = data + at, *nl = memchr(s, '\n', len - at), *f[5];
        size_t n = nl ? (size_t)(nl - s) : len - at, flen[5];
        orgctl_nanpa_entry e;
        int nf = 0, npa;

        line++;
        at += n + 1;
        if (!nl)
            return free(table),
                   orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: no line end", name, line);
        if (memchr(s, '\0', n) || memchr(s, '\r', n))
            return free(table),
                   orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: a NUL or CR byte", name, line);
        if (line == 1) {
            if (n != strlen(NANPA_MAGIC) || memcmp(s, NANPA_MAGIC, n) != 0)
                return free(table),
                       orgctl_error_set(ORGCTL_EINVALID, "%s:1: not \"" NANPA_MAGIC "\"", name);
            continue;
        }
        for (size_t i = 0; i <= n && nf <= 5; nf++) {
            size_t j = i;
            while (j < n && s[j] != '\t')
                j++;
            if (nf < 5)
                f[nf] = s + i, flen[nf] = j - i;
            i = j + 1;
        }
        if (nf != 5)
            return free(table),
                   orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: %d fields, want 5", name, line, nf);
        memset(&e, 0, sizeof(e));
        npa = flen[0] == 3 ? atoi(f[0]) : 0;
        if (npa < 200 || npa > 999 || f[0][0] < '2' || f[0][1] < '0' || f[0][1] > '9' ||
            f[0][2] < '0' || f[0][2] > '9')
            return free(table),
                   orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: no area code (200-999)", name, line);
        if (npa <= last)
            return free(table),
                   orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: area code %d after %d: not sorted",
                                    name, line, npa, last);
        last = npa;
        e.npa = (uint16_t)npa;
        if (!(flen[1] == 1 && f[1][0] == '-') && !upper2(f[1], flen[1]))
            return free(table),
                   orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: bad country", name, line);
        if (f[1][0] != '-')
            memcpy(e.country, f[1], 2);
        if (!parse_list(e.regions[0], sizeof(e.regions[0]), ORGCTL_NANPA_MAX_REGIONS, f[2], flen[2],
                        upper2))
            return free(table),
                   orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: bad regions", name, line);
        if (flen[3] != 1 || (f[3][0] != 'Y' && f[3][0] != 'N'))
            return free(table),
                   orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: in service is Y or N", name, line);
        e.in_service = f[3][0] == 'Y';
        if (!parse_list(e.zones[0], sizeof(e.zones[0]), ORGCTL_NANPA_MAX_ZONES, f[4], flen[4],
                        zone_name))
            return free(table),
                   orgctl_error_set(ORGCTL_EINVALID, "%s:%zu: bad time zones", name, line);
        table->present[npa] = true;
        table->by_npa[npa] = e;
        table->count++;
    }
    if (line == 0)
        return free(table), orgctl_error_set(ORGCTL_EINVALID, "%s: empty", name);
    *out = table;
    return 0;
}

void orgctl_nanpa_free(orgctl_nanpa *table)
{
    free(table);
}

size_t orgctl_nanpa_count(const orgctl_nanpa *table)
{
    return table->count;
}

const char *orgctl_nanpa_file_date(const orgctl_nanpa *table)
{
    return table->file_date;
}

const orgctl_nanpa_entry *orgctl_nanpa_lookup(const orgctl_nanpa *table, int npa)
{
    if (!table || npa < 200 || npa > 999 || !table->present[npa])
        return NULL;
    return &table->by_npa[npa];
}

const orgctl_nanpa_entry *orgctl_nanpa_lookup_number(const orgctl_nanpa *table, const char *e164)
{
    if (!e164 || e164[0] != '+' || e164[1] != '1' || strlen(e164) != 12)
        return NULL;
    for (int i = 2; i < 12; i++)
        if (e164[i] < '0' || e164[i] > '9')
            return NULL;
    return orgctl_nanpa_lookup(table,
                               (e164[2] - '0') * 100 + (e164[3] - '0') * 10 + (e164[4] - '0'));
}
