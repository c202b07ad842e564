/* Unit tests of the NANPA area-code report reader and its serialised form
 * (lib/util/nanpa.c). Usage: test-nanpa DATA_DIR (tests/data). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nanpa.h"
#include "orgctl/errors.h"
#include "tap.h"
#include "tz.h"

static char report[1024];
static char tmp_dir[] = "/tmp/orgctl-test-nanpa-XXXXXX";

struct collected {
    char lines[16][1200];
    size_t n;
};

static void collect(const char *message, void *payload)
{
    struct collected *c = payload;
    if (c->n < 16)
        snprintf(c->lines[c->n], sizeof(c->lines[0]), "%s", message);
    c->n++;
}

static void test_real_report(orgctl_nanpa **table_out)
{
    static const char *const want[] = {"171: 33 fields", "231: 33 fields", "272: 17 fields",
                                       "277: 33 fields", "775: 17 fields"};
    struct collected c = {{{0}}, 0};
    orgctl_nanpa *table = NULL;
    size_t problems = 99;
    int rc = orgctl_nanpa_read_report(&table, &problems, report, 0, collect, &c);
    int exact = c.n == 5 && problems == 5;

    ok(rc == ORGCTL_EINVALID && !table, "the real report, strictly: refused (%s)",
       orgctl_error_last());
    for (size_t i = 0; i < 5 && i < c.n; i++) {
        char line[1200];
        snprintf(line, sizeof(line), "%s:%s, the header has 32", report, want[i]);
        exact = exact && strcmp(c.lines[i], line) == 0;
        printf("# %s\n", c.lines[i]);
    }
    ok(exact, "exactly its 5 ragged rows are reported, FILE:LINE: N fields, the header has 32");
    ok(strstr(orgctl_error_last(), ":171: 33 fields, the header has 32 (and 4 more problems)") !=
           NULL,
       "the error names the first and counts the others");

    c.n = 0;
    rc = orgctl_nanpa_read_report(&table, &problems, report, ORGCTL_NANPA_SKIP_BAD_ROWS, collect,
                                  &c);
    ok(rc == 0 && table && problems == 5 && c.n == 5,
       "with ORGCTL_NANPA_SKIP_BAD_ROWS: a table, the same 5 problems reported");
    ok(table && orgctl_nanpa_count(table) == 795, "795 area codes (800 rows less 5)");
    ok(table && strcmp(orgctl_nanpa_file_date(table), "03/04/2020") == 0, "the file date");
    *table_out = table;
}

static void expect_entry(const orgctl_nanpa *t, int npa, const char *country, const char *regions,
                         const char *zones, int in_service)
{
    const orgctl_nanpa_entry *e = orgctl_nanpa_lookup(t, npa);
    char r[32] = "", z[200] = "";

    for (int i = 0; e && i < ORGCTL_NANPA_MAX_REGIONS && e->regions[i][0]; i++)
        snprintf(r + strlen(r), sizeof(r) - strlen(r), "%s%s", i ? "," : "", e->regions[i]);
    for (int i = 0; e && i < ORGCTL_NANPA_MAX_ZONES && e->zones[i][0]; i++)
        snprintf(z + strlen(z), sizeof(z) - strlen(z), "%s%s", i ? "," : "", e->zones[i]);
    ok(e && strcmp(e->country, country) == 0 && strcmp(r, regions) == 0 && strcmp(z, zones) == 0 &&
           e->in_service == in_service,
       "%d: %s %s %s %s", npa, country, regions, zones, in_service ? "in service" : "not");
    if (e)
        printf("#   got %s %s %s %d\n", e->country, r, z, e->in_service);
}

static void test_lookups(const orgctl_nanpa *t)
{
    expect_entry(t, 201, "US", "NJ", "America/New_York", 1);
    expect_entry(t, 317, "US", "IN", "America/New_York", 1);
    expect_entry(t, 219, "US", "IN", "America/New_York,America/Chicago", 1);
    expect_entry(t, 602, "US", "AZ", "America/Phoenix", 1);
    expect_entry(t, 808, "US", "HI", "Pacific/Honolulu", 1);
    expect_entry(t, 787, "US", "PR", "America/Puerto_Rico", 1);
    expect_entry(t, 902, "CA", "NS,PE", "America/Halifax", 1);
    expect_entry(t, 867, "CA", "YT,NT,NU",
                 "America/Rankin_Inlet,America/Edmonton,America/Whitehorse", 1);
    expect_entry(t, 306, "CA", "SK", "America/Regina", 1);
    expect_entry(t, 709, "CA", "NL", "America/St_Johns", 1);
    expect_entry(t, 876, "JM", "JM", "America/Jamaica", 1);
    expect_entry(t, 800, "", "", "", 1);
    ok(!orgctl_nanpa_lookup(t, 469) && !orgctl_nanpa_lookup(t, 972),
       "the truncated rows' area codes are not in the table");
    ok(orgctl_nanpa_lookup_number(t, "+12015550123") == orgctl_nanpa_lookup(t, 201) &&
           !orgctl_nanpa_lookup_number(t, "+442015550123") &&
           !orgctl_nanpa_lookup_number(t, "+1201555012") &&
           !orgctl_nanpa_lookup_number(t, "2015550123") && !orgctl_nanpa_lookup(t, 199) &&
           !orgctl_nanpa_lookup(t, 1000),
       "a number's area code is looked up; other numbers and codes are not");
    /* Every zone the mapping yields is one the zone reader knows. */
    int zones = 0, bad = 0;
    for (int npa = 200; npa < 1000; npa++) {
        const orgctl_nanpa_entry *e = orgctl_nanpa_lookup(t, npa);
        for (int i = 0; e && i < ORGCTL_NANPA_MAX_ZONES && e->zones[i][0]; i++) {
            orgctl_tz *tz = NULL;
            zones++;
            if (orgctl_tz_load(&tz, NULL, e->zones[i]) != 0)
                bad++, printf("# %d: %s\n", npa, orgctl_error_last());
            orgctl_tz_free(tz);
        }
    }
    ok(zones > 400 && bad == 0, "all %d zones of the table load from the zoneinfo", zones);
}

static void test_serialised(const orgctl_nanpa *t)
{
    strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    orgctl_nanpa *back = NULL;
    size_t lines = 0;

    orgctl_nanpa_write(&a, t);
    for (size_t i = 0; i < a.len; i++)
        lines += a.buf[i] == '\n';
    ok(lines == 796 && strncmp(a.buf, "# orgctl nanpa 1\n200\t-\t-\tN\t-\n", 29) == 0,
       "serialised: a first line and one line an area code, ascending");
    ok(strstr(a.buf, "\n902\tCA\tNS,PE\tY\tAmerica/Halifax\n") != NULL,
       "a line reads: 902 CA NS,PE Y America/Halifax");
    ok(orgctl_nanpa_parse(&back, "npa.txt", a.buf, a.len) == 0 && back,
       "the serialised form reads back (%s)", orgctl_error_last());
    if (back)
        orgctl_nanpa_write(&b, back);
    ok(back && a.len == b.len && memcmp(a.buf, b.buf, a.len) == 0 &&
           orgctl_nanpa_count(back) == 795,
       "and writes the same again");
    orgctl_nanpa_free(back);
    strbuf_release(&a);
    strbuf_release(&b);

    static const struct {
        const char *text, *error;
    } bad[] = {
        {"", "npa.txt: empty"},
        {"# orgctl nanpa 2\n", "npa.txt:1: not"},
        {"# orgctl nanpa 1\n201\tUS\tNJ\tY\tAmerica/New_York", "npa.txt:2: no line end"},
        {"# orgctl nanpa 1\n202\tUS\tDC\tY\t-\n201\tUS\tNJ\tY\t-\n",
         "npa.txt:3: area code 201 after 202"},
        {"# orgctl nanpa 1\n201\tUS\tNJ\tY\t-\n201\tUS\tNJ\tY\t-\n",
         "npa.txt:3: area code 201 after 201"},
        {"# orgctl nanpa 1\n201\tUS\tNJ\tY\n", "npa.txt:2: 4 fields"},
        {"# orgctl nanpa 1\n201\tUS\tNJ\tY\t-\tx\n", "npa.txt:2: 6 fields"},
        {"# orgctl nanpa 1\n199\tUS\tNJ\tY\t-\n", "npa.txt:2: no area code"},
        {"# orgctl nanpa 1\n201\tus\tNJ\tY\t-\n", "npa.txt:2: bad country"},
        {"# orgctl nanpa 1\n201\tUS\tNJ,\tY\t-\n", "npa.txt:2: bad regions"},
        {"# orgctl nanpa 1\n201\tUS\tA,B,C,D\tY\t-\n", "npa.txt:2: bad regions"},
        {"# orgctl nanpa 1\n201\tUS\tNJ\ty\t-\n", "npa.txt:2: in service"},
        {"# orgctl nanpa 1\n201\tUS\tNJ\tY\t../etc\n", "npa.txt:2: bad time zones"},
        {"# orgctl nanpa 1\n201\tUS\tNJ\tY\t/etc/passwd\n", "npa.txt:2: bad time zones"},
        {"# orgctl nanpa 1\r\n", "npa.txt:1: a NUL or CR"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        back = NULL;
        int rc = orgctl_nanpa_parse(&back, "npa.txt", bad[i].text, strlen(bad[i].text));
        ok(rc == ORGCTL_EINVALID && !back && strstr(orgctl_error_last(), bad[i].error),
           "refused: %s (%s)", bad[i].error, orgctl_error_last());
    }
}

/* Hand-made reports: the header is found by name, and each fault is named. */
static void test_hostile_reports(void)
{
    static const char *const header =
        "File Date,01/01/2026\nTIME_ZONE,COUNTRY,NPA_ID,IN_SERVICE,EXTRA,LOCATION\n";
    static const struct {
        const char *body, *problem;
    } cases[] = {
        {"E,US,201,Y,x,NJ\n", NULL},
        {"E,US,201,Y,x,ZZ\n", ":3: LOCATION \"ZZ\" is not known in COUNTRY \"US\""},
        {"X,US,201,Y,x,NJ\n", ":3: TIME_ZONE \"X\" is not known"},
        {"E,MARS,201,Y,x,NJ\n", ":3: COUNTRY \"MARS\" is not known"},
        {"E,US,123,Y,x,NJ\n", ":3: NPA_ID \"123\" is no area code"},
        {"E,US,201,maybe,x,NJ\n", ":3: IN_SERVICE \"maybe\" is neither Y nor N"},
        {"E,US,201,Y,x,NJ\nE,US,201,Y,x,NJ\n", ":4: area code 201 comes twice"},
        {"E,US,201,Y,x\n", ":3: 5 fields, the header has 6"},
        {"(UTC+10),US,201,Y,x,NJ\n", ":3: TIME_ZONE \"(UTC+10)\" outside a region of one zone"},
        {"A,JAMAICA,876,Y,x,BERMUDA\n", ":3: LOCATION \"BERMUDA\" is not in COUNTRY"},
    };
    char path[512];

    snprintf(path, sizeof(path), "%s/report.csv", tmp_dir);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        FILE *f = fopen(path, "w");
        struct collected c = {{{0}}, 0};
        orgctl_nanpa *t = NULL;
        int rc;
        fprintf(f, "%s%s", header, cases[i].body);
        fclose(f);
        rc = orgctl_nanpa_read_report(&t, NULL, path, 0, collect, &c);
        if (!cases[i].problem) {
            const orgctl_nanpa_entry *e = t ? orgctl_nanpa_lookup(t, 201) : NULL;
            ok(rc == 0 && e && strcmp(e->regions[0], "NJ") == 0 &&
                   strcmp(e->zones[0], "America/New_York") == 0,
               "columns are found by name, in any order");
        } else {
            ok(rc == ORGCTL_EINVALID && !t && c.n == 1 && strstr(c.lines[0], path) &&
                   strstr(c.lines[0], cases[i].problem),
               "reported: %s", cases[i].problem);
            if (c.n)
                printf("#   %s\n", c.lines[0]);
        }
        orgctl_nanpa_free(t);
    }
    static const struct {
        const char *text, *problem;
    } fatal[] = {
        {"NPA_ID,LOCATION,COUNTRY,IN_SERVICE,TIME_ZONE\n201,NJ,US,Y,E\n", ":1: no preamble"},
        {"File Date,01/01/2026\nNPA_ID,LOCATION,COUNTRY,IN_SERVICE\n", ":2: no column TIME_ZONE"},
        {"File Date,01/01/2026\nNPA_ID,LOCATION,COUNTRY,IN_SERVICE,TIME_ZONE,COUNTRY\n",
         ":2: column COUNTRY is named twice"},
        {"File Date,01/01/2026\n", ":2: no header"},
        {"File Date,01/01/2026\nNPA_ID,LOCATION,COUNTRY,IN_SERVICE,TIME_ZONE\n201,\"NJ,US,Y,E\n",
         ":3:"},
    };
    for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
        FILE *f = fopen(path, "w");
        orgctl_nanpa *t = NULL;
        int rc;
        fputs(fatal[i].text, f);
        fclose(f);
        rc = orgctl_nanpa_read_report(&t, NULL, path, ORGCTL_NANPA_SKIP_BAD_ROWS, NULL, NULL);
        ok(rc == ORGCTL_EINVALID && !t && strstr(orgctl_error_last(), fatal[i].problem),
           "refused even when skipping bad rows: %s (%s)", fatal[i].problem, orgctl_error_last());
    }
    unlink(path);
}

int main(int argc, char **argv)
{
    orgctl_nanpa *table = NULL;

    if (argc != 2 || !mkdtemp(tmp_dir)) {
        fprintf(stderr, "usage: test-nanpa DATA_DIR\n");
        return 2;
    }
    snprintf(report, sizeof(report), "%s/nanpa/npa_report.csv", argv[1]);
    test_real_report(&table);
    if (table) {
        test_lookups(table);
        test_serialised(table);
    }
    orgctl_nanpa_free(table);
    test_hostile_reports();
    rmdir(tmp_dir);
    return done_testing();
}
