/* Unit tests of the TZif reader (lib/util/tz.c) against the system's zone files
 * (/usr/share/zoneinfo, Debian's tzdata): known transitions, the footer rule past the
 * table, refused names and files, and a few thousand random instants against `date`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "orgctl/errors.h"
#include "tap.h"
#include "tz.h"

static orgctl_tz *load(const char *name)
{
    orgctl_tz *tz = NULL;
    int rc = orgctl_tz_load(&tz, NULL, name);
    ok(rc == 0 && tz, "%s loads", name);
    if (rc != 0)
        printf("#   %s\n", orgctl_error_last());
    return tz;
}

/* `utc` is the first instant of the local type (offset, dst, abbreviation) given, and the
 * second before it is not. */
static void check_change(const orgctl_tz *tz, int64_t utc, int32_t before, int32_t after,
                         int is_dst, const char *abbr, const char *what)
{
    orgctl_tz_info a, b;
    int64_t next = 0;

    orgctl_tz_at(&a, tz, utc - 1);
    orgctl_tz_at(&b, tz, utc);
    ok(a.utoff == before && b.utoff == after && b.is_dst == is_dst && strcmp(b.abbr, abbr) == 0,
       "%s %s: %d -> %d %s", orgctl_tz_name(tz), what, before, after, abbr);
    if (!(a.utoff == before && b.utoff == after && strcmp(b.abbr, abbr) == 0))
        printf("#   got %d -> %d (dst %d) %s\n", a.utoff, b.utoff, b.is_dst, b.abbr);
    ok(orgctl_tz_next_change(&next, tz, utc - 3600) == 0 && next == utc,
       "%s %s: the next change after an hour before is it", orgctl_tz_name(tz), what);
}

static void check_to_utc(const orgctl_tz *tz, int64_t local, int want_n, int64_t want_earlier,
                         int64_t want_later, const char *what)
{
    int64_t e = 0, l = 0;
    int n = orgctl_tz_to_utc(&e, &l, tz, local);
    ok(n == want_n && e == want_earlier && l == want_later, "%s %s: %d instant(s)",
       orgctl_tz_name(tz), what, want_n);
    if (!(n == want_n && e == want_earlier && l == want_later))
        printf("#   got %d: %lld %lld\n", n, (long long)e, (long long)l);
}

static void test_known(void)
{
    orgctl_tz *ny = load("America/New_York"), *london = load("Europe/London");
    orgctl_tz *lh = load("Australia/Lord_Howe"), *phx = load("America/Phoenix");
    int64_t next;
    orgctl_tz_info info;

    if (!ny || !london || !lh || !phx)
        return;
    /* 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z) */
    check_change(ny, orgctl_tz_civil(2026, 3, 8, 7, 0, 0), -18000, -14400, 1, "EDT", "2026-03-08");
    check_change(ny, orgctl_tz_civil(2026, 11, 1, 6, 0, 0), -14400, -18000, 0, "EST", "2026-11-01");
    check_to_utc(ny, orgctl_tz_civil(2026, 7, 1, 12, 0, 0), 1,
                 orgctl_tz_civil(2026, 7, 1, 16, 0, 0), orgctl_tz_civil(2026, 7, 1, 16, 0, 0),
                 "2026-07-01 12:00");
    check_to_utc(ny, orgctl_tz_civil(2026, 3, 8, 2, 30, 0), 0, orgctl_tz_civil(2026, 3, 8, 7, 0, 0),
                 orgctl_tz_civil(2026, 3, 8, 7, 0, 0), "2026-03-08 02:30 (in the gap)");
    check_to_utc(ny, orgctl_tz_civil(2026, 11, 1, 1, 30, 0), 2,
                 orgctl_tz_civil(2026, 11, 1, 5, 30, 0), orgctl_tz_civil(2026, 11, 1, 6, 30, 0),
                 "2026-11-01 01:30 (in the fold)");
    /* Past the table's end (2037): the footer rule EST5EDT,M3.2.0,M11.1.0. */
    check_change(ny, orgctl_tz_civil(2100, 3, 14, 7, 0, 0), -18000, -14400, 1, "EDT",
                 "2100-03-14 (footer)");
    check_change(ny, orgctl_tz_civil(2100, 11, 7, 6, 0, 0), -14400, -18000, 0, "EST",
                 "2100-11-07 (footer)");
    check_to_utc(ny, orgctl_tz_civil(2100, 11, 7, 1, 30, 0), 2,
                 orgctl_tz_civil(2100, 11, 7, 5, 30, 0), orgctl_tz_civil(2100, 11, 7, 6, 30, 0),
                 "2100-11-07 01:30 (a fold of the footer)");
    /* London: 2026-03-29 01:00Z GMT -> BST, 2026-10-25 01:00Z BST -> GMT. */
    check_change(london, orgctl_tz_civil(2026, 3, 29, 1, 0, 0), 0, 3600, 1, "BST", "2026-03-29");
    check_change(london, orgctl_tz_civil(2026, 10, 25, 1, 0, 0), 3600, 0, 0, "GMT", "2026-10-25");
    /* Lord Howe: +10:30, half an hour of DST. 2026-04-05 02:00 +11 -> 01:30 +1030 (04-04
     * 15:00Z); 2026-10-04 02:00 +1030 -> 02:30 +11 (10-03 15:30Z). */
    check_change(lh, orgctl_tz_civil(2026, 4, 4, 15, 0, 0), 39600, 37800, 0, "+1030", "2026-04-05");
    check_change(lh, orgctl_tz_civil(2026, 10, 3, 15, 30, 0), 37800, 39600, 1, "+11", "2026-10-04");
    check_to_utc(lh, orgctl_tz_civil(2026, 10, 4, 2, 15, 0), 0,
                 orgctl_tz_civil(2026, 10, 3, 15, 30, 0), orgctl_tz_civil(2026, 10, 3, 15, 30, 0),
                 "2026-10-04 02:15 (in the half-hour gap)");
    check_to_utc(lh, orgctl_tz_civil(2026, 4, 5, 1, 45, 0), 2,
                 orgctl_tz_civil(2026, 4, 4, 14, 45, 0), orgctl_tz_civil(2026, 4, 4, 15, 15, 0),
                 "2026-04-05 01:45 (in the half-hour fold)");
    /* Phoenix: MST all year, no change ever again. */
    orgctl_tz_at(&info, phx, orgctl_tz_civil(2026, 7, 1, 0, 0, 0));
    ok(info.utoff == -25200 && !info.is_dst && strcmp(info.abbr, "MST") == 0,
       "America/Phoenix in July 2026 is MST, -7");
    orgctl_tz_at(&info, phx, orgctl_tz_civil(2150, 7, 1, 0, 0, 0));
    ok(info.utoff == -25200 && !info.is_dst, "America/Phoenix in July 2150 (footer) too");
    ok(orgctl_tz_next_change(&next, phx, orgctl_tz_civil(2026, 1, 1, 0, 0, 0)) == ORGCTL_ENOTFOUND,
       "America/Phoenix has no change after 2026");
    orgctl_tz_free(ny);
    orgctl_tz_free(london);
    orgctl_tz_free(lh);
    orgctl_tz_free(phx);
}

static void test_refusals(void)
{
    static const char *const bad_names[] = {"",
                                            "/etc/passwd",
                                            "../../etc/passwd",
                                            "America/../../../etc/passwd",
                                            "America/..",
                                            "./America/New_York",
                                            "America//New_York",
                                            "America/New York",
                                            "America/New_York\n",
                                            "America/New_York/",
                                            "Amérique/Montréal"};
    char dir[] = "/tmp/orgctl-test-tz-XXXXXX", path[512];
    orgctl_tz *tz = NULL;
    FILE *f;

    for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
        char label[64];
        size_t n = 0;
        for (const char *c = bad_names[i]; *c && n < sizeof(label) - 1; c++)
            label[n++] = *c == '\n' ? '|' : *c; /* a newline would break the TAP line */
        label[n] = '\0';
        tz = NULL;
        ok(orgctl_tz_load(&tz, NULL, bad_names[i]) == ORGCTL_EINVALID && !tz,
           "\"%s\" is no zone name", label);
    }
    ok(orgctl_tz_load(&tz, NULL, NULL) == ORGCTL_EINVALID, "no name is no zone name");
    ok(orgctl_tz_load(&tz, NULL, "Mars/Olympus_Mons") == ORGCTL_ENOTFOUND &&
           strstr(orgctl_error_last(), "unknown zone"),
       "an unknown zone is not found (%s)", orgctl_error_last());
    ok(orgctl_tz_load(&tz, NULL, "America") == ORGCTL_ENOTFOUND, "a directory is no zone");
    ok(orgctl_tz_load(&tz, NULL, "zone.tab") == ORGCTL_EINVALID &&
           strstr(orgctl_error_last(), "not a TZif"),
       "zone.tab is not a zone file (%s)", orgctl_error_last());
    if (access("/usr/share/zoneinfo/right/America/New_York", R_OK) == 0)
        ok(orgctl_tz_load(&tz, NULL, "right/America/New_York") == ORGCTL_EINVALID &&
               strstr(orgctl_error_last(), "leap seconds"),
           "a zone with leap seconds is refused (%s)", orgctl_error_last());
    /* Hostile files in a zoneinfo directory of our own. */
    ok(mkdtemp(dir) != NULL, "a zoneinfo directory of our own");
    snprintf(path, sizeof(path), "%s/Trunc", dir);
    f = fopen(path, "wb");
    fwrite("TZif2\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\xff\0\0\0\x01\0\0"
           "\0\x04",
           1, 44, f);
    fclose(f);
    ok(orgctl_tz_load(&tz, dir, "Trunc") == ORGCTL_EINVALID && !tz,
       "a truncated zone file is refused (%s)", orgctl_error_last());
    ok(orgctl_tz_load(&tz, dir, "America/New_York") == ORGCTL_ENOTFOUND,
       "the directory given is the one read");
    unlink(path);
    rmdir(dir);
}

/* Random instants in random zones against `date` (the C library's reading of the same
 * files): local time and offset. */
static void test_against_date(void)
{
    static const char *const zones[] = {
        "America/New_York",  "America/Chicago",   "America/Denver",      "America/Los_Angeles",
        "America/Phoenix",   "America/Anchorage", "Pacific/Honolulu",    "America/St_Johns",
        "America/Halifax",   "Europe/London",     "Europe/Berlin",       "Europe/Moscow",
        "Asia/Kolkata",      "Asia/Kathmandu",    "Australia/Lord_Howe", "Australia/Sydney",
        "Pacific/Chatham",   "America/Santiago",  "Africa/Casablanca",   "Pacific/Apia",
        "America/Sao_Paulo", "Asia/Tehran",       "Europe/Dublin",       "Antarctica/Troll"};
    const size_t per_zone = 150;
    uint64_t rng = 17;
    int bad = 0, checked = 0, round_trips = 0, bad_back = 0, checked_back = 0;

    for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
        char in_path[] = "/tmp/orgctl-test-tz-in-XXXXXX", cmd[512], line[128];
        int64_t instants[150], locals[150];
        int zy[6];
        orgctl_tz *tz = NULL;
        FILE *f, *p;
        int fd = mkstemp(in_path);
        size_t i = 0;

        if (orgctl_tz_load(&tz, NULL, zones[z]) != 0 || fd < 0) {
            bad++, printf("# %s: %s\n", zones[z], orgctl_error_last());
            continue;
        }
        f = fdopen(fd, "w");
        for (i = 0; i < per_zone; i++) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            /* 1950 to 2100, past the table's end (2037) into the footer rule */
            instants[i] = -631152000LL + (int64_t)((rng >> 11) % 4733510400ULL);
            fprintf(f, "@%lld\n", (long long)instants[i]);
        }
        fclose(f);
        snprintf(cmd, sizeof(cmd), "TZ='%s' date -f '%s' '+%%Y %%m %%d %%H %%M %%S %%z'", zones[z],
                 in_path);
        p = popen(cmd, "r");
        for (i = 0; p && i < per_zone && fgets(line, sizeof(line), p); i++) {
            int y, mo, d, h, mi, s, zy, zmo, zd, zh, zmi, zs;
            char off[16], mine[16];
            orgctl_tz_info info;
            int64_t e, l;
            orgctl_tz_at(&info, tz, instants[i]);
            orgctl_tz_from_civil(&zy, &zmo, &zd, &zh, &zmi, &zs, NULL,
                                 orgctl_tz_to_local(tz, instants[i]));
            /* "-00" (Antarctica/Troll before 2005: no local time) is "-0000" to date. */
            snprintf(mine, sizeof(mine), "%c%02d%02d",
                     info.utoff < 0 || strcmp(info.abbr, "-00") == 0 ? '-' : '+',
                     abs(info.utoff) / 3600, abs(info.utoff) / 60 % 60);
            if (sscanf(line, "%d %d %d %d %d %d %15s", &y, &mo, &d, &h, &mi, &s, off) != 7 ||
                y != zy || mo != zmo || d != zd || h != zh || mi != zmi || s != zs ||
                strcmp(off, mine) != 0) {
                if (bad++ < 20)
                    printf("# %s @%lld: date %s          here %04d-%02d-%02d %02d:%02d:%02d %s\n",
                           zones[z], (long long)instants[i], line, zy, zmo, zd, zh, zmi, zs, mine);
            }
            checked++;
            /* And back: the instant is among those the local time names. */
            if (orgctl_tz_to_utc(&e, &l, tz, orgctl_tz_to_local(tz, instants[i])) >= 1 &&
                (e == instants[i] || l == instants[i]))
                round_trips++;
        }
        if (p)
            pclose(p);
        /* Local times to UTC: date's mktime names one of the instants here (in a fold,
         * either); times in a gap, which date reads its own way, are left out. */
        f = fopen(in_path, "w");
        for (i = 0; f && i < per_zone; i++) {
            int64_t e, l;
            do {
                rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
                locals[i] = -631152000LL + (int64_t)((rng >> 11) % 4733510400ULL);
            } while (orgctl_tz_to_utc(&e, &l, tz, locals[i]) == 0);
            orgctl_tz_from_civil(&zy[0], &zy[1], &zy[2], &zy[3], &zy[4], &zy[5], NULL, locals[i]);
            fprintf(f, "%04d-%02d-%02d %02d:%02d:%02d\n", zy[0], zy[1], zy[2], zy[3], zy[4], zy[5]);
        }
        if (f)
            fclose(f);
        snprintf(cmd, sizeof(cmd), "TZ='%s' date -f '%s' +%%s", zones[z], in_path);
        p = popen(cmd, "r");
        for (i = 0; p && i < per_zone && fgets(line, sizeof(line), p); i++) {
            int64_t e = 0, l = 0;
            long long theirs = atoll(line);
            int n = orgctl_tz_to_utc(&e, &l, tz, locals[i]);
            if (!(n >= 1 && (theirs == e || theirs == l)) && bad_back++ < 20)
                printf("# %s local %lld: date %lld, here %d: %lld %lld\n", zones[z],
                       (long long)locals[i], theirs, n, (long long)e, (long long)l);
            checked_back++;
        }
        if (p)
            pclose(p);
        unlink(in_path);
        orgctl_tz_free(tz);
    }
    ok(checked >= 3000, "%d random instants checked against date(1)", checked);
    ok(bad == 0, "local time and offset agree with date(1) at each (%d differ)", bad);
    ok(checked_back >= 3000 && bad_back == 0,
       "%d random local times to UTC agree with date(1) (%d differ)", checked_back, bad_back);
    ok(round_trips == checked, "each comes back from its local time (%d of %d)", round_trips,
       checked);
}

static void test_civil(void)
{
    int y, m, d, h, mi, s, wd;
    ok(orgctl_tz_civil(1970, 1, 1, 0, 0, 0) == 0 &&
           orgctl_tz_civil(2026, 3, 8, 7, 0, 0) == 1772953200LL,
       "civil dates to seconds");
    orgctl_tz_from_civil(&y, &m, &d, &h, &mi, &s, &wd, 1772953200LL);
    ok(y == 2026 && m == 3 && d == 8 && h == 7 && mi == 0 && s == 0 && wd == 0,
       "and back (2026-03-08 was a Sunday)");
    orgctl_tz_from_civil(&y, &m, &d, &h, &mi, &s, &wd, -1);
    ok(y == 1969 && m == 12 && d == 31 && h == 23 && mi == 59 && s == 59 && wd == 3,
       "a second before 1970 (a Wednesday)");
    ok(orgctl_tz_civil(2026, 13, 1, 24, 0, 0) == orgctl_tz_civil(2027, 1, 2, 0, 0, 0),
       "month 13 and hour 24 carry over");
}

int main(void)
{
    test_civil();
    test_known();
    test_refusals();
    test_against_date();
    return done_testing();
}
