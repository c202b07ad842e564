/* IANA time zones from compiled zone files (TZif): see tz.h. */
#include "tz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "orgctl/errors.h"

/* Zone files are a few KB; anything much larger is no zone file. */
#define TZ_MAX_FILE (1 << 20)
#define TZ_NAME_MAX 255

typedef struct {
    int32_t utoff;
    bool is_dst;
    uint8_t abbr_at; /* index into abbrs */
} tz_type;

/* One rule of a POSIX TZ footer: when DST starts or ends in a year. */
typedef struct {
    char kind;    /* 'J': Julian day 1-365, no Feb 29; 'D': day 0-365; 'M': month.week.day */
    int day;      /* J, D: the day; M: the weekday 0-6 (Sunday 0) */
    int month;    /* M: 1-12 */
    int week;     /* M: 1-5, 5 the last */
    int32_t time; /* local seconds after midnight, -167h to 167h */
} tz_rule;

typedef struct {
    bool present; /* a footer with a rule to follow */
    bool has_dst;
    int32_t std_off, dst_off; /* seconds east of UTC */
    char std_abbr[8], dst_abbr[8];
    tz_rule start, end;
} tz_footer;

struct orgctl_tz {
    char *name;
    size_t timecnt, typecnt;
    int64_t *times; /* transition instants, ascending */
    uint8_t *idx;   /* the type each transition starts */
    tz_type *types;
    char *abbrs; /* NUL-terminated abbreviations, charcnt bytes and a NUL */
    size_t charcnt;
    tz_footer footer;
};

/* ---- civil dates ------------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t *y, int *m, int *d, int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t orgctl_tz_civil(int year, int month, int day, int hour, int minute, int second)
{
    /* Months out of 1-12 carry into the year first. */
    int64_t m0 = (int64_t)month - 1;
    int64_t y = year + floor_div(m0, 12);
    m0 -= floor_div(m0, 12) * 12;
    return days_from_civil(y, m0 + 1, 1) * 86400 + ((int64_t)day - 1) * 86400 +
           (int64_t)hour * 3600 + (int64_t)minute * 60 + second;
}

void orgctl_tz_from_civil(int *year, int *month, int *day, int *hour, int *minute, int *second,
                          int *weekday, int64_t t)
{
    int64_t days = floor_div(t, 86400), secs = t - days * 86400, y;
    int m, d;

    civil_from_days(&y, &m, &d, days);
    if (year)
        *year = (int)y;
    if (month)
        *month = m;
    if (day)
        *day = d;
    if (hour)
        *hour = (int)(secs / 3600);
    if (minute)
        *minute = (int)(secs / 60 % 60);
    if (second)
        *second = (int)(secs % 60);
    if (weekday)
        *weekday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
}

/* ---- the POSIX TZ footer ----------------------------------------------------------- */

/* An abbreviation: 3 or more letters, or <...> of letters, digits, '+' and '-'. */
static const char *parse_abbr(const char *s, char out[8])
{
    size_t n = 0;
    if (*s == '<') {
        s++;
        while (s[n] && s[n] != '>') {
            char c = s[n];
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '-'))
                return NULL;
            n++;
        }
        if (s[n] != '>' || n < 3)
            return NULL;
        snprintf(out, 8, "%.*s", (int)n, s);
        return s + n + 1;
    }
    while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z'))
        n++;
    if (n < 3)
        return NULL;
    snprintf(out, 8, "%.*s", (int)n, s);
    return s + n;
}

/* [+-]hh[:mm[:ss]] with hh at most max_hours, into *out seconds. */
static const char *parse_hms(const char *s, int max_hours, int32_t *out)
{
    int sign = 1, h = 0, m = 0, sec = 0, nd = 0;

    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    while (*s >= '0' && *s <= '9' && nd < 3)
        h = h * 10 + (*s++ - '0'), nd++;
    if (nd == 0 || h > max_hours)
        return NULL;
    if (*s == ':') {
        if (!(s[1] >= '0' && s[1] <= '5' && s[2] >= '0' && s[2] <= '9'))
            return NULL;
        m = (s[1] - '0') * 10 + (s[2] - '0');
        s += 3;
        if (*s == ':') {
            if (!(s[1] >= '0' && s[1] <= '5' && s[2] >= '0' && s[2] <= '9'))
                return NULL;
            sec = (s[1] - '0') * 10 + (s[2] - '0');
            s += 3;
        }
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return s;
}

static const char *parse_number(const char *s, int lo, int hi, int *out)
{
    int v = 0, nd = 0;
    while (*s >= '0' && *s <= '9' && nd < 4)
        v = v * 10 + (*s++ - '0'), nd++;
    if (nd == 0 || v < lo || v > hi)
        return NULL;
    *out = v;
    return s;
}

/* ",Jn", ",n" or ",Mm.w.d", then an optional "/time" (default 02:00). */
static const char *parse_rule(const char *s, tz_rule *r)
{
    if (*s++ != ',')
        return NULL;
    if (*s == 'J') {
        r->kind = 'J';
        s = parse_number(s + 1, 1, 365, &r->day);
    } else if (*s == 'M') {
        r->kind = 'M';
        s = parse_number(s + 1, 1, 12, &r->month);
        if (s && *s++ == '.')
            s = parse_number(s, 1, 5, &r->week);
        else
            s = NULL;
        if (s && *s++ == '.')
            s = parse_number(s, 0, 6, &r->day);
        else
            s = NULL;
    } else {
        r->kind = 'D';
        s = parse_number(s, 0, 365, &r->day);
    }
    if (!s)
        return NULL;
    r->time = 7200;
    if (*s == '/')
        s = parse_hms(s + 1, 167, &r->time); /* version 3: -167 to 167 hours */
    return s;
}

/* Parses a POSIX TZ string: std offset [dst [offset] [,start[/time],end[/time]]]. */
static int parse_footer(tz_footer *f, const char *s)
{
    int32_t off;

    memset(f, 0, sizeof(*f));
    if (!*s)
        return 0; /* no footer: the last transition's type holds on */
    if (!(s = parse_abbr(s, f->std_abbr)) || !(s = parse_hms(s, 24, &off)))
        return -1;
    f->std_off = -off; /* POSIX offsets are west of UTC */
    f->present = true;
    if (!*s)
        return 0;
    if (!(s = parse_abbr(s, f->dst_abbr)))
        return -1;
    f->has_dst = true;
    f->dst_off = f->std_off + 3600;
    if (*s && *s != ',') {
        if (!(s = parse_hms(s, 24, &off)))
            return -1;
        f->dst_off = -off;
    }
    if (!*s) { /* no rule: the US rule, as POSIX implementations assume */
        f->start = (tz_rule){'M', 0, 3, 2, 7200};
        f->end = (tz_rule){'M', 0, 11, 1, 7200};
        return 0;
    }
    if (!(s = parse_rule(s, &f->start)) || !(s = parse_rule(s, &f->end)) || *s)
        return -1;
    return 0;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Local seconds at which rule r happens in year y (the wall clock then in effect). */
static int64_t rule_local(const tz_rule *r, int64_t y)
{
    int64_t day0 = days_from_civil(y, 1, 1), day;

    if (r->kind == 'J')
        day = day0 + r->day - 1 + (is_leap(y) && r->day >= 60);
    else if (r->kind == 'D')
        day = day0 + r->day;
    else {
        int64_t first = days_from_civil(y, r->month, 1);
        int wday_first = (int)(((first % 7) + 11) % 7);
        int mdays = r->month == 12 ? 31 : (int)(days_from_civil(y, r->month + 1, 1) - first);
        int d = (r->day - wday_first + 7) % 7 + (r->week - 1) * 7;
        while (d >= mdays)
            d -= 7;
        day = first + d;
    }
    return day * 86400 + r->time;
}

/* The footer's transitions of years y-1 to y+1, as UTC instants with whether DST starts,
 * ascending (6 of them). */
static void footer_transitions(const tz_footer *f, int64_t y, int64_t at[6], bool dst[6])
{
    int n = 0;
    for (int64_t yy = y - 1; yy <= y + 1; yy++) {
        /* DST starts at a time of the standard clock and ends at one of the DST clock. */
        at[n] = rule_local(&f->start, yy) - f->std_off, dst[n++] = true;
        at[n] = rule_local(&f->end, yy) - f->dst_off, dst[n++] = false;
    }
    for (int i = 1; i < 6; i++) /* insertion sort of six */
        for (int j = i; j > 0 && at[j] < at[j - 1]; j--) {
            int64_t t = at[j];
            bool b = dst[j];
            at[j] = at[j - 1], dst[j] = dst[j - 1];
            at[j - 1] = t, dst[j - 1] = b;
        }
}

static int64_t year_of(int64_t utc, int32_t off)
{
    int64_t y;
    int m, d;
    civil_from_days(&y, &m, &d, floor_div(utc + off, 86400));
    return y;
}

static void footer_at(orgctl_tz_info *out, const tz_footer *f, int64_t utc)
{
    bool dst = false;

    if (f->has_dst) {
        int64_t at[6];
        bool starts[6];
        footer_transitions(f, year_of(utc, f->std_off), at, starts);
        dst = !starts[0]; /* before the first of them, the opposite of what it starts */
        for (int i = 0; i < 6 && at[i] <= utc; i++)
            dst = starts[i];
    }
    out->utoff = dst ? f->dst_off : f->std_off;
    out->is_dst = dst;
    snprintf(out->abbr, sizeof(out->abbr), "%s", dst ? f->dst_abbr : f->std_abbr);
}

/* ---- reading a zone file ----------------------------------------------------------- */

static bool valid_name(const char *name)
{
    size_t len = strlen(name), comp = 0;

    if (len == 0 || len > TZ_NAME_MAX || name[0] == '/')
        return false;
    for (size_t i = 0; i <= len; i++) {
        char c = name[i];
        if (c == '/' || c == '\0') {
            if (comp == 0 || (comp == 1 && name[i - 1] == '.') ||
                (comp == 2 && name[i - 1] == '.' && name[i - 2] == '.'))
                return false;
            comp = 0;
            continue;
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '+' || c == '-' || c == '.'))
            return false;
        comp++;
    }
    return true;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_header {
    int version;
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int read_header(struct tzif_header *h, const unsigned char *p, size_t len)
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return -1;
    h->version = p[4] == 0 ? 1 : p[4] - '0';
    if (h->version < 1 || h->version > 9)
        return -1;
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    if (h->typecnt == 0 || h->typecnt > 256 || h->charcnt == 0 || h->charcnt > 256 ||
        h->timecnt > 100000 || h->leapcnt > 10000 || (h->isutcnt && h->isutcnt != h->typecnt) ||
        (h->isstdcnt && h->isstdcnt != h->typecnt))
        return -1;
    return 0;
}

static size_t data_size(const struct tzif_header *h, size_t time_size)
{
    return h->timecnt * time_size + h->timecnt + h->typecnt * 6 + h->charcnt +
           h->leapcnt * (time_size + 4) + h->isstdcnt + h->isutcnt;
}

/* Parses the zone file p[0..len) into tz; a message for what is wrong, or NULL. */
static const char *parse_tzif(orgctl_tz *tz, const unsigned char *p, size_t len)
{
    struct tzif_header h;
    size_t time_size = 4, at;
    const unsigned char *d;
    char footer[256];

    if (read_header(&h, p, len) != 0)
        return "not a TZif zone file";
    at = 44 + data_size(&h, 4);
    if (at > len)
        return "truncated";
    if (h.version >= 2) { /* skip the 32-bit block: the 64-bit one follows */
        if (read_header(&h, p + at, len - at) != 0)
            return "bad second header";
        p += at;
        len -= at;
        time_size = 8;
        at = 44 + data_size(&h, 8);
        if (at > len)
            return "truncated";
    }
    if (h.leapcnt)
        return "a zone with leap seconds (\"right/\" zones are not supported)";
    d = p + 44;
    tz->timecnt = h.timecnt;
    tz->typecnt = h.typecnt;
    tz->charcnt = h.charcnt;
    tz->times = calloc(h.timecnt + 1, sizeof(*tz->times));
    tz->idx = calloc(h.timecnt + 1, 1);
    tz->types = calloc(h.typecnt, sizeof(*tz->types));
    tz->abbrs = calloc(h.charcnt + 1, 1);
    if (!tz->times || !tz->idx || !tz->types || !tz->abbrs)
        return "out of memory";
    for (size_t i = 0; i < h.timecnt; i++) {
        tz->times[i] = time_size == 8 ? be64(d + i * 8) : (int32_t)be32(d + i * 4);
        if (i > 0 && tz->times[i] <= tz->times[i - 1])
            return "transitions out of order";
    }
    d += h.timecnt * time_size;
    for (size_t i = 0; i < h.timecnt; i++)
        if ((tz->idx[i] = d[i]) >= h.typecnt)
            return "a transition to a type that does not exist";
    d += h.timecnt;
    for (size_t i = 0; i < h.typecnt; i++, d += 6) {
        int32_t off = (int32_t)be32(d);
        if (off < -89999 || off > 93599 || d[4] > 1 || d[5] >= h.charcnt)
            return "a bad local time type";
        tz->types[i] = (tz_type){off, d[4] == 1, d[5]};
    }
    memcpy(tz->abbrs, d, h.charcnt);
    d += h.charcnt + h.isstdcnt + h.isutcnt;
    if (h.version >= 2) {
        size_t rest = len - (size_t)(d - p), n = 0;
        if (rest < 2 || d[0] != '\n')
            return "no footer";
        while (1 + n < rest && d[1 + n] != '\n' && n < sizeof(footer) - 1)
            footer[n] = (char)d[1 + n], n++;
        if (1 + n >= rest || d[1 + n] != '\n')
            return "bad footer";
        footer[n] = '\0';
        if (parse_footer(&tz->footer, footer) != 0)
            return "a footer that is no POSIX TZ rule";
    }
    return NULL;
}

int orgctl_tz_load(orgctl_tz **out, const char *zoneinfo_dir, const char *name)
{
    char path[4096];
    unsigned char *buf = NULL;
    struct stat st;
    orgctl_tz *tz;
    const char *why;
    ssize_t got;
    size_t len = 0;
    int fd, err;

    *out = NULL;
    if (!name || !valid_name(name))
        return orgctl_error_set(ORGCTL_EINVALID, "time zone \"%s\": not a zone name",
                                name ? name : "");
    if (!zoneinfo_dir)
        zoneinfo_dir = ORGCTL_TZ_DEFAULT_DIR;
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", zoneinfo_dir, name) >= sizeof(path))
        return orgctl_error_set(ORGCTL_EINVALID, "time zone \"%s\": path too long", name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = errno;
        if (err == ENOENT || err == ENOTDIR)
            return orgctl_error_set(ORGCTL_ENOTFOUND, "time zone \"%s\": unknown zone", name);
        return orgctl_error_set(ORGCTL_ERROR, "%s: %s", path, strerror(err));
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > TZ_MAX_FILE) {
        close(fd);
        return orgctl_error_set(ORGCTL_ENOTFOUND, "time zone \"%s\": unknown zone", name);
    }
    buf = malloc((size_t)st.st_size + 1);
    while (buf && (got = read(fd, buf + len, (size_t)st.st_size + 1 - len)) > 0)
        len += (size_t)got;
    close(fd);
    tz = calloc(1, sizeof(*tz));
    if (!buf || !tz || !(tz->name = strdup(name))) {
        free(buf);
        orgctl_tz_free(tz);
        return orgctl_error_set(ORGCTL_ERROR, "time zone \"%s\": out of memory", name);
    }
    why = parse_tzif(tz, buf, len);
    free(buf);
    if (why) {
        orgctl_tz_free(tz);
        return orgctl_error_set(ORGCTL_EINVALID, "time zone \"%s\" (%s): %s", name, path, why);
    }
    *out = tz;
    return 0;
}

void orgctl_tz_free(orgctl_tz *tz)
{
    if (!tz)
        return;
    free(tz->name);
    free(tz->times);
    free(tz->idx);
    free(tz->types);
    free(tz->abbrs);
    free(tz);
}

const char *orgctl_tz_name(const orgctl_tz *tz)
{
    return tz->name;
}

/* ---- conversions ------------------------------------------------------------------- */

static void type_info(orgctl_tz_info *out, const orgctl_tz *tz, const tz_type *t)
{
    out->utoff = t->utoff;
    out->is_dst = t->is_dst;
    snprintf(out->abbr, sizeof(out->abbr), "%s", tz->abbrs + t->abbr_at);
}

/* The number of transitions at or before utc. */
static size_t transitions_upto(const orgctl_tz *tz, int64_t utc)
{
    size_t lo = 0, hi = tz->timecnt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->times[mid] <= utc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void orgctl_tz_at(orgctl_tz_info *out, const orgctl_tz *tz, int64_t utc)
{
    size_t n = transitions_upto(tz, utc);

    if (n == tz->timecnt && tz->footer.present && (tz->timecnt == 0 || utc >= tz->times[n - 1]))
        footer_at(out, &tz->footer, utc);
    else
        type_info(out, tz, &tz->types[n == 0 ? 0 : tz->idx[n - 1]]);
}

int64_t orgctl_tz_to_local(const orgctl_tz *tz, int64_t utc)
{
    orgctl_tz_info info;
    orgctl_tz_at(&info, tz, utc);
    return utc + info.utoff;
}

int orgctl_tz_next_change(int64_t *next, const orgctl_tz *tz, int64_t utc)
{
    orgctl_tz_info now, then;
    size_t n = transitions_upto(tz, utc);

    orgctl_tz_at(&now, tz, utc);
    /* Table transitions that change nothing (a new abbreviation only) are passed over. */
    for (; n < tz->timecnt; n++) {
        orgctl_tz_at(&then, tz, tz->times[n]);
        if (then.utoff != now.utoff || then.is_dst != now.is_dst) {
            *next = tz->times[n];
            return 0;
        }
    }
    /* Past the table, the footer's rule: the next change is within the next two years. */
    if (tz->footer.present && tz->footer.has_dst && tz->footer.dst_off != tz->footer.std_off) {
        int64_t last = tz->timecnt ? tz->times[tz->timecnt - 1] : INT64_MIN;
        int64_t y0 = year_of(utc > last ? utc : last, tz->footer.std_off);
        for (int64_t y = y0; y <= y0 + 3; y += 3) {
            int64_t at[6];
            bool starts[6];
            footer_transitions(&tz->footer, y, at, starts);
            for (int i = 0; i < 6; i++) {
                if (at[i] <= utc || at[i] < last)
                    continue;
                orgctl_tz_at(&then, tz, at[i]);
                if (then.utoff != now.utoff || then.is_dst != now.is_dst) {
                    *next = at[i];
                    return 0;
                }
            }
        }
    }
    return ORGCTL_ENOTFOUND;
}

int orgctl_tz_to_utc(int64_t *earlier, int64_t *later, const orgctl_tz *tz, int64_t local)
{
    /* Offsets in effect around `local`: two days either side covers every offset change
     * (at most 26 hours, as when Samoa skipped a day). */
    orgctl_tz_info a, b, c;
    int32_t offs[3];
    int64_t found[3];
    int n = 0, nf = 0;

    orgctl_tz_at(&a, tz, local - 2 * 86400);
    orgctl_tz_at(&b, tz, local);
    orgctl_tz_at(&c, tz, local + 2 * 86400);
    offs[n++] = a.utoff;
    if (b.utoff != a.utoff)
        offs[n++] = b.utoff;
    if (c.utoff != a.utoff && c.utoff != b.utoff)
        offs[n++] = c.utoff;
    for (int i = 0; i < n; i++) {
        orgctl_tz_info at;
        int64_t u = local - offs[i];
        orgctl_tz_at(&at, tz, u);
        if (at.utoff == offs[i]) {
            int j = nf;
            while (j > 0 && found[j - 1] > u) /* keep them ascending */
                found[j] = found[j - 1], j--;
            found[j] = u;
            nf++;
        }
    }
    if (nf > 0) {
        *earlier = found[0];
        *later = found[nf - 1];
        return nf >= 2 ? 2 : 1;
    }
    /* A gap: the jump is the first change after local read with the larger offset. */
    {
        int32_t big = offs[0];
        int64_t jump;
        for (int i = 1; i < n; i++)
            if (offs[i] > big)
                big = offs[i];
        if (orgctl_tz_next_change(&jump, tz, local - big) != 0)
            jump = local - big;
        *earlier = *later = jump;
    }
    return 0;
}
