/* Unit tests of the E.164 normaliser (lib/util/phone.c). Usage: test-phone DATA_DIR
 * (tests/data). Checks libphonenumber's example number of every region in three forms,
 * its parse vectors (naming each deliberate difference), the error cases of issue 16, and
 * the integer keys. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orgctl/csv.h"
#include "phone.h"
#include "tap.h"

static const char *data_dir;

/* ---- reading the vectors ---------------------------------------------------------- */

struct table {
    orgctl_csv *csv;
    orgctl_csv_record *header;
    size_t columns;
    char names[32][64];
};

static int table_open(struct table *t, const char *name)
{
    char path[1024];
    orgctl_csv_record *rec;

    snprintf(path, sizeof(path), "%s/libphonenumber/%s", data_dir, name);
    if (orgctl_csv_open(&t->csv, path, NULL) != 0 || orgctl_csv_next(&rec, t->csv) != 0)
        return -1;
    t->columns = orgctl_csv_record_count(rec);
    for (size_t i = 0; i < t->columns && i < 32; i++)
        snprintf(t->names[i], sizeof(t->names[i]), "%s", orgctl_csv_record_field(rec, i, NULL));
    return 0;
}

/* Field `name` of rec, "" when the table has no such column. */
static const char *field(const struct table *t, const orgctl_csv_record *rec, const char *name)
{
    for (size_t i = 0; i < t->columns; i++)
        if (strcmp(t->names[i], name) == 0) {
            const char *v = orgctl_csv_record_field(rec, i, NULL);
            return v ? v : "";
        }
    return "";
}

static int normalize(char out[ORGCTL_E164_MAX], const char *region, const char *in)
{
    return orgctl_phone_normalize(out, NULL, orgctl_phone_region_lookup(region), in, strlen(in));
}

/* ---- example numbers: every region, three forms ------------------------------------ */

/* digits with punctuation between groups: "(0) 20-8765 4321"-like. */
static void punctuate(char *out, size_t size, const char *trunk, const char *digits)
{
    static const char seps[] = "- ./";
    size_t o = 0, n = strlen(digits);

    if (*trunk)
        o += (size_t)snprintf(out + o, size - o, "(%s) ", trunk);
    for (size_t i = 0; i < n && o + 3 < size; i++) {
        if (i > 0 && i % 3 == 0)
            out[o++] = seps[(i / 3) % 4];
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

/* Example numbers whose national form is not the trunk prefix and the number, or that the
 * length rules here place otherwise. */
static const struct {
    const char *region, *nsn_prefix, *why;
} national_differences[] = {
    {"IL", "15",
     "\"015\" is an IDD prefix in IL: libphonenumber too reads \"0 15...\" as "
     "international (IL's 1-numbers are dialled without the 0)"},
    {"IL", "19", "\"019\" is an IDD prefix in IL, as above"},
    {"UY", "21123",
     "a 5-digit number dialled without the 0 (libphonenumber reads \"021123\" "
     "as 6 digits too)"},
    {NULL, NULL, NULL},
};

static const char *national_difference(const char *region, const char *nsn)
{
    for (size_t i = 0; national_differences[i].region; i++)
        if (strcmp(national_differences[i].region, region) == 0 &&
            strncmp(nsn, national_differences[i].nsn_prefix,
                    strlen(national_differences[i].nsn_prefix)) == 0)
            return national_differences[i].why;
    return NULL;
}

/* Checks that `in` normalises to e164 in region, or is refused when `refuse`. */
static int example_form(const char *region, const char *in, const char *e164, bool refuse)
{
    char out[ORGCTL_E164_MAX];
    int rc = normalize(out, region, in);

    if (refuse ? rc != 0 : rc == 0 && strcmp(out, e164) == 0)
        return 0;
    printf("# %s %s: \"%s\" -> %s\n", region, e164, in, rc == 0 ? out : orgctl_phone_strerror(rc));
    return 1;
}

static void test_example_numbers(void)
{
    struct table t;
    orgctl_csv_record *rec;
    int rows = 0, national = 0, short_ones = 0, excluded = 0, bad = 0;

    ok(table_open(&t, "example_numbers_by_region.csv") == 0, "example_numbers_by_region.csv opens");
    while (orgctl_csv_next(&rec, t.csv) == 0) {
        const char *region = field(&t, rec, "region");
        const char *nsn = field(&t, rec, "national_significant_number");
        const char *e164 = field(&t, rec, "e164"), *cc = field(&t, rec, "country_calling_code");
        const orgctl_phone_region *r = orgctl_phone_region_lookup(region);
        /* Fewer than 8 digits in all (short UAN and service numbers), or a NANP number
         * without 10 national digits: refused by the rules of issue 16. */
        bool refuse = strlen(e164) < 9 || (strcmp(cc, "1") == 0 && strlen(nsn) != 10);
        const char *why;
        char in[128];

        rows++;
        if (refuse)
            short_ones++, printf("# refused by rule: %s %s\n", region, e164);
        /* E.164 itself, and with its country code apart and the rest punctuated. */
        bad += example_form(region, e164, e164, refuse);
        snprintf(in, sizeof(in), "+%s ", cc);
        punctuate(in + strlen(in), sizeof(in) - strlen(in), "", nsn);
        bad += example_form(region, in, e164, refuse);
        /* The national form: the region's trunk prefix, then the number, punctuated.
         * Non-geographic entities ("001") have no national form. */
        if (!r)
            continue;
        punctuate(in, sizeof(in), orgctl_phone_region_trunk(r), nsn);
        if ((why = national_difference(region, nsn))) {
            char out[ORGCTL_E164_MAX];
            excluded++;
            printf("# national form differs: %s %s: %s\n", region, e164, why);
            if (normalize(out, region, in) == 0 && strcmp(out, e164) == 0)
                bad++, printf("# ... but \"%s\" agrees: drop it from the list\n", in);
            continue;
        }
        national++;
        bad += example_form(region, in, e164, refuse);
    }
    orgctl_csv_free(t.csv);
    printf("# %d rows, %d refused by rule, %d national forms checked, %d not\n", rows, short_ones,
           national, excluded);
    ok(rows == 1148, "all 1148 example numbers read (%d)", rows);
    ok(national > 1100 && short_ones < 12 && excluded < 8,
       "%d of them in their region's national form too", national);
    ok(bad == 0, "every example number normalises to its E.164 in each form (%d wrong)", bad);
}

/* ---- libphonenumber's parse vectors ------------------------------------------------ */

/* Inputs libphonenumber parses as a possible number where this normaliser answers otherwise
 * on purpose, and why (lib/util/phone.c says the rules). Inputs with letters, non-ASCII
 * characters or other punctuation are refused by rule and need no entry. */
static const struct {
    const char *input, *region, *why;
} vector_differences[] = {
    {"2530000", "US", "a NANP number needs its area code (7-digit local dialling)"},
    {"123-456-7890", "US", "a NANP area code starts with 2-9"},
    {"012 3121286979", "BR", "BR drops a carrier code (here 12) by a rewriting rule, not followed"},
    {"0343 15 555 1212", "AR", "AR rewrites a mobile's '15' to '9': a rule not followed"},
    {"03715 15 65 4320", "AR", "AR rewrites a mobile's '15' to '9': a rule not followed"},
    {NULL, NULL, NULL},
};

static const char *difference(const char *input, const char *region)
{
    for (size_t i = 0; vector_differences[i].input; i++)
        if (strcmp(vector_differences[i].input, input) == 0 &&
            strcmp(vector_differences[i].region, region) == 0)
            return vector_differences[i].why;
    return NULL;
}

/* Whether input holds a byte that is neither an ASCII digit, formatting nor '+': refused by
 * rule (letters, extensions, URIs, Unicode digits and punctuation, '*', '~', '#'). */
static bool refused_by_rule(const char *input)
{
    for (const unsigned char *p = (const unsigned char *)input; *p; p++)
        if (!strchr("0123456789 \t-.()/+", *p))
            return true;
    return strstr(input, "++") != NULL;
}

static void test_parse_vectors(void)
{
    struct table t;
    orgctl_csv_record *rec;
    int possible = 0, agree = 0, refused = 0, named = 0, bad = 0;

    ok(table_open(&t, "parse_vectors_real_metadata.csv") == 0,
       "parse_vectors_real_metadata.csv opens");
    while (orgctl_csv_next(&rec, t.csv) == 0) {
        const char *input = field(&t, rec, "input"), *region = field(&t, rec, "default_region");
        const char *e164 = field(&t, rec, "e164"), *why;
        char out[ORGCTL_E164_MAX];
        int rc;

        if (strcmp(field(&t, rec, "parse_ok"), "true") != 0 ||
            strcmp(field(&t, rec, "is_possible"), "true") != 0)
            continue;
        possible++;
        rc = normalize(out, region, input);
        why = difference(input, region);
        if (why) {
            named++;
            if (rc == 0 && strcmp(out, e164) == 0)
                bad++, printf("# \"%s\" %s: listed as a difference (%s) but agrees\n", input,
                              region, why);
        } else if (refused_by_rule(input)) {
            refused++;
            if (rc == 0)
                bad++, printf("# \"%s\" %s: should be refused, gave %s\n", input, region, out);
        } else if (rc == 0 && strcmp(out, e164) == 0) {
            agree++;
        } else {
            bad++;
            printf("# \"%s\" %s: libphonenumber %s, here %s (%s)\n", input, region, e164,
                   rc == 0 ? out : "refused", rc == 0 ? "" : orgctl_phone_strerror(rc));
        }
    }
    orgctl_csv_free(t.csv);
    printf("# %d possible: %d agree, %d refused by rule, %d named differences\n", possible, agree,
           refused, named);
    ok(possible > 100 && agree > 50, "parse vectors read (%d possible, %d agree)", possible, agree);
    ok(bad == 0, "every possible parse vector agrees, is refused by rule or is a named difference");
}

/* ---- errors ------------------------------------------------------------------------ */

static void expect_error(const char *region, const char *in, size_t len, int code, ptrdiff_t at,
                         const char *what)
{
    char out[ORGCTL_E164_MAX];
    ptrdiff_t bad_at = 1234;
    int rc = orgctl_phone_normalize(out, &bad_at, orgctl_phone_region_lookup(region), in, len);
    ok(rc == code && bad_at == at, "%s: %s at %td", what, orgctl_phone_strerror(code), at);
    if (rc != code || bad_at != at)
        printf("#   got %d (%s) at %td\n", rc, orgctl_phone_strerror(rc), bad_at);
}

static void test_errors(void)
{
    static char thousand[1000];

    memset(thousand, '7', sizeof(thousand));
    expect_error("US", "", 0, ORGCTL_PHONE_EEMPTY, -1, "empty");
    expect_error("US", " ( ) - ", 7, ORGCTL_PHONE_EEMPTY, -1, "formatting only");
    expect_error("US", "+", 1, ORGCTL_PHONE_EEMPTY, -1, "lone '+'");
    expect_error("US", "1-800-FLOWERS", 13, ORGCTL_PHONE_ELETTER, 6, "vanity letters");
    expect_error("US", "phone 317 555 1212", 18, ORGCTL_PHONE_ELETTER, 0, "a word before");
    expect_error("US", "317 555 1212 x12", 16, ORGCTL_PHONE_EEXTENSION, 13, "extension x");
    expect_error("US", "317 555 1212 ext. 12", 20, ORGCTL_PHONE_EEXTENSION, 13, "extension ext.");
    expect_error("US", "3175551212#12", 13, ORGCTL_PHONE_EEXTENSION, 10, "extension #");
    expect_error("US", "3175551212;ext=12", 17, ORGCTL_PHONE_EEXTENSION, 10, "extension ;ext=");
    expect_error("US", "tel:+1-317-555-1212", 19, ORGCTL_PHONE_EURI, 0, "tel: URI");
    expect_error("US", thousand, sizeof(thousand), ORGCTL_PHONE_ELONG, 28, "1,000 digits");
    expect_error("US",
                 "317\0"
                 "555 1212",
                 12, ORGCTL_PHONE_ENUL, 3, "NUL byte");
    expect_error("US", "317 555 1212\0", 13, ORGCTL_PHONE_ENUL, 12, "trailing NUL byte");
    expect_error("US", "317 \xff\xfe 555 1212", 15, ORGCTL_PHONE_EUTF8, 4, "invalid UTF-8");
    expect_error("US", "317 555 12\xc3", 11, ORGCTL_PHONE_EUTF8, 10, "truncated UTF-8");
    expect_error("US", "\xc0\xb1 317 555 1212", 15, ORGCTL_PHONE_EUTF8, 0, "overlong UTF-8");
    expect_error("US", "\xef\xbc\x93\xef\xbc\x91\xef\xbc\x97 555 1212", 18, ORGCTL_PHONE_ECHAR, 0,
                 "full-width digits");
    expect_error("US", "317*555*1212", 12, ORGCTL_PHONE_ECHAR, 3, "'*'");
    expect_error("US", "++1 317 555 1212", 16, ORGCTL_PHONE_EPLUS, 1, "'++'");
    expect_error("US", "317 555 +1212", 13, ORGCTL_PHONE_EPLUS, 8, "'+' inside");
    expect_error("DE", "+49 12345", 9, ORGCTL_PHONE_ESHORT, -1, "7 digits with '+'");
    expect_error("DE", "030 123", 7, ORGCTL_PHONE_ESHORT, -1, "7 digits national");
    expect_error("DE", "+49 1234567890123 4", 19, ORGCTL_PHONE_ELONG, 18, "16 digits with '+'");
    expect_error("GB", "020 1234 5678 9012", 18, ORGCTL_PHONE_ELONG, 17, "16 digits national");
    expect_error("US", "+1 317 555 121", 14, ORGCTL_PHONE_ENANP_LENGTH, -1, "NANP, 9 digits");
    expect_error("US", "+1 317 555 12123", 16, ORGCTL_PHONE_ENANP_LENGTH, 15, "NANP, 11 digits");
    expect_error("US", "555 1212", 8, ORGCTL_PHONE_ENANP_LENGTH, -1, "NANP, no area code");
    expect_error("US", "(017) 555-1212", 14, ORGCTL_PHONE_ENANP_AREA, 1, "area code 0xx");
    expect_error("US", "+1 117 555 1212", 15, ORGCTL_PHONE_ENANP_AREA, 3, "area code 1xx");
    expect_error("CA", "416 055 1212", 12, ORGCTL_PHONE_ENANP_EXCHANGE, 4, "exchange 0xx");
    expect_error("US", "+1 317 155 1212", 15, ORGCTL_PHONE_ENANP_EXCHANGE, 7, "exchange 1xx");
    expect_error("US", "+0 317 555 1212", 15, ORGCTL_PHONE_ECOUNTRY, 1, "country code 0");
    expect_error("US", "+999 1234 5678", 14, ORGCTL_PHONE_ECOUNTRY, 1, "no country code 999");
    expect_error("US", "011 0 1234 5678", 15, ORGCTL_PHONE_ENANP_LENGTH, 13,
                 "IDD then 0 is no IDD");
    expect_error(NULL, "020 8765 4321", 13, ORGCTL_PHONE_ENOREGION, -1, "no region");
    ok(orgctl_phone_region_lookup("gb") == orgctl_phone_region_lookup("GB") &&
           orgctl_phone_region_lookup("GB") != NULL,
       "regions are looked up ignoring case");
    ok(!orgctl_phone_region_lookup("XX") && !orgctl_phone_region_lookup("G") &&
           !orgctl_phone_region_lookup("GBR") && !orgctl_phone_region_lookup("") &&
           !orgctl_phone_region_lookup("0A") && !orgctl_phone_region_lookup(NULL),
       "unknown and malformed region codes are NULL");
    ok(strcmp(orgctl_phone_strerror(ORGCTL_PHONE_ELETTER), "letters are not a number") == 0 &&
           strcmp(orgctl_phone_strerror(-99), "unknown phone number error") == 0,
       "every code has a message");
}

/* ---- the numbers of issue 16, and keys --------------------------------------------- */

static void test_one_number(void)
{
    static const char *const forms[] = {"(317) 555-1212", "317.555.1212",       "+1 317 555 1212",
                                        "1-317-555-1212", "011 1 317 555 1212", "317/555 1212"};
    char out[ORGCTL_E164_MAX];

    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        int rc = normalize(out, "US", forms[i]);
        ok(rc == 0 && strcmp(out, "+13175551212") == 0, "\"%s\" in US is +13175551212 (%s)",
           forms[i], rc == 0 ? out : orgctl_phone_strerror(rc));
    }
    ok(normalize(out, "GB", "020 8765 4321") == 0 && strcmp(out, "+442087654321") == 0,
       "GB national, trunk prefix dropped");
    ok(normalize(out, "US", "011 44 20 8765 4321") == 0 && strcmp(out, "+442087654321") == 0,
       "US IDD 011");
    ok(normalize(out, "DE", "00 44 (0)20 8765 4321") == 0 && strcmp(out, "+442087654321") == 0,
       "IDD 00, and the (0) trunk prefix after the country code");
}

static void test_keys(void)
{
    static const char *const numbers[] = {"+13175551212", "+442087654321", "+123456789012345",
                                          "+80012345678", "+999999999999999"};
    char out[ORGCTL_E164_MAX];
    uint64_t last = 0;
    bool ordered = true, round = true;

    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        uint64_t key = orgctl_phone_key(numbers[i]);
        orgctl_phone_from_key(out, key);
        round = round && key != 0 && strcmp(out, numbers[i]) == 0;
        ordered = ordered && (i == 0 || key != last);
        last = key;
    }
    ok(round, "keys read back as the number");
    ok(ordered, "keys differ per number");
    ok(orgctl_phone_key("+13175551212") == 13175551212ULL, "the key is the digits");
    ok(!orgctl_phone_key("13175551212") && !orgctl_phone_key("+0123") &&
           !orgctl_phone_key("+1234567890123456") && !orgctl_phone_key("+1 317") &&
           !orgctl_phone_key(NULL) && !orgctl_phone_key("+"),
       "what is not E.164 has key 0");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test-phone DATA_DIR\n");
        return 2;
    }
    data_dir = argv[1];
    test_example_numbers();
    test_parse_vectors();
    test_errors();
    test_one_number();
    test_keys();
    return done_testing();
}
