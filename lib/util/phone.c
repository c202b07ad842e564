/* Telephone numbers to E.164: the normaliser of issue 16 ("Numbers").
 *
 * What it reads: ASCII digits; formatting, ignored: space, tab, '-', '.', '(', ')', '/';
 * one '+' before the first digit. Anything else is refused, at the first offending byte:
 * letters (no vanity mapping: "1-800-FLOWERS" is refused, not guessed), an extension
 * ("x12", "ext. 12", "#12", ",12", ";ext=12"), a "tel:" URI, other punctuation, non-ASCII
 * characters (full-width digits too), NUL bytes, bytes that are not UTF-8.
 *
 * How it places the digits: as libphonenumber's parse() does, from the region table
 * (lib/util/phone_regions.h, generated from its metadata, its regular expressions compiled
 * to DFAs over the ten digits, so a number is matched in one pass without a regex engine):
 * - '+': a country calling code (1 to 3 digits) starts the number (an IDD prefix of the
 *   region after the '+' is dropped first: "+011 44 ..." in the US).
 * - No '+': an international (IDD) prefix of the region ("011" in the US, "00" in most of the
 *   world, "0011" in Australia), not followed by a 0, is read as '+'. Else a number that
 *   starts with the region's own country code drops it when the whole is too long for a
 *   national number, or matches no national number of the region and the rest does ("1 317
 *   555 1212" in the US, "44 20 8765 4321" in GB).
 * - Then the national prefix for parsing of the number's region (its trunk prefix, "0" in
 *   GB, "1" in the US, "8" in Russia, and carrier codes where the region has them) is
 *   dropped, also after a '+' ("+44 (0)20 ..."), unless the number matched the region's
 *   national number pattern with it and does not without it, or what remains has no
 *   possible length ("+375 8011234567" keeps its 8).
 * - Then: 8 to 15 digits in all; a NANP number (+1) has exactly 10 national digits and its
 *   area code and exchange start with 2-9. No other validity (number ranges) is checked.
 *
 * Where it deliberately differs from libphonenumber (tests/unit/test-phone.c and the oracle
 * test tests/unit/phone-oracle.py name each case):
 * - letters, extensions, tel: URIs, full-width and other non-ASCII digits, '++', '*', '~'
 *   and other punctuation are refused (libphonenumber maps vanity letters, keeps
 *   extensions, reads URIs and Unicode digits);
 * - a national number needs a region, and '+' an existing country code (libphonenumber
 *   retries "+999..." as a national number);
 * - fewer than 8 or more than 15 digits in all, and NANP numbers without 10 national digits
 *   (7-digit local dialling) or whose area code or exchange starts with 0 or 1, are refused
 *   where libphonenumber's is_possible_number takes them;
 * - a national prefix rule that rewrites the number (libphonenumber's transform rules: AR's
 *   "15" to "9", BR's carrier codes, the NANP islands' 7-digit local numbers) is not
 *   followed: those regions drop their plain trunk prefix only;
 * - IDD and national prefixes are matched longest first (libphonenumber takes the first
 *   alternative of the expression that matches).
 * It keeps no state and allocates nothing: one pass over the bytes and a few table reads. */
#include "phone.h"

#include <stdbool.h>
#include <string.h>

struct orgctl_phone_region {
    char iso2[3]; /* "" for a non-geographic entity (+800, +882, ...) */
    uint16_t country_code;
    char trunk[5];    /* national trunk prefix, "" if none */
    uint32_t lengths; /* bit n set: a national significant number may have n digits */
    uint16_t number;  /* start state in phone_dfa of the pattern of national numbers */
    uint16_t idd;     /* ... of its international prefixes, 0 if none */
    uint16_t parsing; /* ... of the prefixes dropped from a national number, 0 if none */
};

#include "phone_regions.h"

#define E164_DIGITS 15
/* Digits kept from the input: 15, an IDD prefix (at most 4) and a trunk prefix (at most 4)
 * and slack; a number with more is too long whatever is dropped. */
#define SCAN_DIGITS 28

const orgctl_phone_region *orgctl_phone_region_lookup(const char *iso2)
{
    unsigned a, b;

    if (!iso2 || !iso2[0] || !iso2[1] || iso2[2])
        return NULL;
    a = (unsigned)((iso2[0] | 0x20) - 'a');
    b = (unsigned)((iso2[1] | 0x20) - 'a');
    if (a >= 26 || b >= 26 || !phone_region_by_iso[a * 26 + b])
        return NULL;
    return &phone_regions[phone_region_by_iso[a * 26 + b] - 1];
}

int orgctl_phone_region_code(const orgctl_phone_region *region)
{
    return region ? region->country_code : 0;
}

const char *orgctl_phone_region_trunk(const orgctl_phone_region *region)
{
    return region ? region->trunk : "";
}

static const char *const phone_errors[ORGCTL_PHONE_ECOUNT + 1] = {
    [0] = "no error",
    [-ORGCTL_PHONE_EEMPTY] = "no digits: not a number",
    [-ORGCTL_PHONE_ELETTER] = "letters are not a number",
    [-ORGCTL_PHONE_EEXTENSION] = "extensions are not accepted",
    [-ORGCTL_PHONE_EURI] = "tel: URIs are not accepted, only the number",
    [-ORGCTL_PHONE_ECHAR] = "a character that is neither a digit nor formatting",
    [-ORGCTL_PHONE_ENUL] = "a NUL byte",
    [-ORGCTL_PHONE_EUTF8] = "bytes that are not UTF-8",
    [-ORGCTL_PHONE_EPLUS] = "'+' only before the first digit, once",
    [-ORGCTL_PHONE_ESHORT] = "too short: fewer than 8 digits with the country code",
    [-ORGCTL_PHONE_ELONG] = "too long: more than 15 digits with the country code",
    [-ORGCTL_PHONE_ECOUNTRY] = "no country calling code starts the number",
    [-ORGCTL_PHONE_ENOREGION] = "a national number and no default country",
    [-ORGCTL_PHONE_ENANP_LENGTH] = "a +1 (NANP) number has 10 digits after the 1",
    [-ORGCTL_PHONE_ENANP_AREA] = "a +1 (NANP) area code starts with 2-9",
    [-ORGCTL_PHONE_ENANP_EXCHANGE] = "a +1 (NANP) exchange starts with 2-9",
};

const char *orgctl_phone_strerror(int code)
{
    if (code > 0 || code < -ORGCTL_PHONE_ECOUNT)
        return "unknown phone number error";
    return phone_errors[-code];
}

/* The length of the well-formed UTF-8 character at s[0..n), or 0 if it is not one. */
static size_t utf8_char_len(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned cp;

    if (s[0] < 0xC2 || s[0] > 0xF4)
        return 0;
    len = s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
    if (n < len)
        return 0;
    cp = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

static bool is_letter(unsigned char c)
{
    return (unsigned)((c | 0x20) - 'a') < 26;
}

/* Whether s[0..n) starts, ignoring case, with the lower-case word w. */
static bool starts_word(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    if (n < wl)
        return false;
    for (size_t i = 0; i < wl; i++)
        if ((s[i] | 0x20) != w[i])
            return false;
    return true;
}

static bool possible_length(const orgctl_phone_region *r, int n)
{
    return n >= 0 && n < 32 && (r->lengths >> n & 1);
}

/* Whether n digits are more than any national number of r has. */
static bool too_long(const orgctl_phone_region *r, int n)
{
    return n >= 32 || (r->lengths >> n) == 0;
}

/* Whether the n digits at d are whole a word of the DFA starting at `state`. */
static bool dfa_match(unsigned state, const char *d, int n)
{
    for (int i = 0; i < n && state; i++)
        state = phone_dfa[state][d[i] - '0'];
    return state && (phone_dfa_final[state / 8] >> (state % 8) & 1);
}

/* The length of the longest prefix of the n digits at d that the DFA starting at `state`
 * accepts, or -1 if none does. */
static int dfa_prefix(unsigned state, const char *d, int n)
{
    int longest = -1;
    for (int i = 0; state; i++) {
        if (phone_dfa_final[state / 8] >> (state % 8) & 1)
            longest = i;
        if (i == n)
            break;
        state = phone_dfa[state][d[i] - '0'];
    }
    return longest;
}

/* Drops from the n digits at *d the prefix for parsing of r (its trunk prefix, and a carrier
 * code where r has them) as libphonenumber does: not when the number matched r's national
 * pattern with it and does not without it, and (`check_length`, as parse() does for the
 * number it keeps) not when what remains is no possible length (or longer than any). */
static void drop_trunk(const orgctl_phone_region *r, bool check_length, const char **d, int *n)
{
    int tl = r->parsing ? dfa_prefix(r->parsing, *d, *n) : -1;
    int rest = *n - tl;

    if (tl <= 0 || rest <= 0)
        return;
    if (dfa_match(r->number, *d, *n) && !dfa_match(r->number, *d + tl, rest))
        return;
    if (check_length && !possible_length(r, rest) && !too_long(r, rest))
        return;
    *d += tl;
    *n = rest;
}

/* The length of the IDD prefix of r that starts the n digits at d, not followed by a 0, or 0. */
static int idd_length(const orgctl_phone_region *r, const char *d, int n)
{
    int len = r->idd ? dfa_prefix(r->idd, d, n) : -1;
    return len > 0 && len < n && d[len] != '0' ? len : 0;
}

/* The country calling code (1 to 3 digits) that starts the n digits at d, its length in
 * *cc_len, or 0 if none does. */
static int country_code(const char *d, int n, int *cc_len)
{
    int cc = 0;
    for (int i = 0; i < 3 && i < n; i++) {
        cc = cc * 10 + (d[i] - '0');
        if (cc == 0)
            return 0;
        if (phone_region_by_code[cc]) {
            *cc_len = i + 1;
            return cc;
        }
    }
    return 0;
}

static int fail(ptrdiff_t *bad_at, ptrdiff_t at, int code)
{
    if (bad_at)
        *bad_at = at;
    return code;
}

/* Reads the digits of in[0..len) into d (their offsets into at), whether a '+' led them.
 * Returns their count, or an error with *bad_at set. */
static int scan(char d[SCAN_DIGITS], size_t at[SCAN_DIGITS], bool *plus, ptrdiff_t *bad_at,
                const char *in, size_t len)
{
    int nd = 0;

    *plus = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c >= '0' && c <= '9') {
            if (nd == SCAN_DIGITS)
                return fail(bad_at, (ptrdiff_t)i, ORGCTL_PHONE_ELONG);
            d[nd] = (char)c;
            at[nd++] = i;
            continue;
        }
        switch (c) {
        case ' ':
        case '\t':
        case '-':
        case '.':
        case '(':
        case ')':
        case '/':
            continue;
        case '+':
            if (nd > 0 || *plus)
                return fail(bad_at, (ptrdiff_t)i, ORGCTL_PHONE_EPLUS);
            *plus = true;
            continue;
        case '\0':
            return fail(bad_at, (ptrdiff_t)i, ORGCTL_PHONE_ENUL);
        case '#':
        case ',':
        case ';':
            return fail(bad_at, (ptrdiff_t)i,
                        nd > 0 ? ORGCTL_PHONE_EEXTENSION : ORGCTL_PHONE_ECHAR);
        }
        if (is_letter(c)) {
            if (nd == 0 && !*plus && starts_word(in + i, len - i, "tel:"))
                return fail(bad_at, (ptrdiff_t)i, ORGCTL_PHONE_EURI);
            if (nd > 0 && ((c | 0x20) == 'x' || starts_word(in + i, len - i, "ext")))
                return fail(bad_at, (ptrdiff_t)i, ORGCTL_PHONE_EEXTENSION);
            return fail(bad_at, (ptrdiff_t)i, ORGCTL_PHONE_ELETTER);
        }
        if (c >= 0x80 && utf8_char_len((const unsigned char *)in + i, len - i) == 0)
            return fail(bad_at, (ptrdiff_t)i, ORGCTL_PHONE_EUTF8);
        return fail(bad_at, (ptrdiff_t)i, ORGCTL_PHONE_ECHAR);
    }
    return nd;
}

int orgctl_phone_normalize(char out[ORGCTL_E164_MAX], ptrdiff_t *bad_at,
                           const orgctl_phone_region *region, const char *in, size_t len)
{
    char d[SCAN_DIGITS];
    size_t at[SCAN_DIGITS];
    bool plus;
    int nd = scan(d, at, &plus, bad_at, in, len);
    const char *nsn = d;
    int n, cc = 0, cc_len = 0;

    out[0] = '\0';
    if (nd < 0)
        return nd;
    if (nd == 0)
        return fail(bad_at, -1, ORGCTL_PHONE_EEMPTY);
    n = nd;
    if (!plus) {
        int idd;
        if (!region)
            return fail(bad_at, -1, ORGCTL_PHONE_ENOREGION);
        idd = idd_length(region, d, nd);
        if (idd) {
            plus = true;
            nsn += idd;
            n -= idd;
        }
    } else if (region && d[0] == '0') {
        /* "+011 44 ..." in the US, "+00 44 ..." elsewhere: no country code starts with 0. */
        int idd = idd_length(region, d, nd);
        nsn += idd;
        n -= idd;
    }
    if (plus) {
        const orgctl_phone_region *main;
        cc = country_code(nsn, n, &cc_len);
        if (!cc)
            return fail(bad_at, (ptrdiff_t)at[nsn - d], ORGCTL_PHONE_ECOUNTRY);
        nsn += cc_len;
        n -= cc_len;
        main = &phone_regions[phone_region_by_code[cc] - 1];
        drop_trunk(main, true, &nsn, &n);
    } else {
        /* The region's own country code without '+' ("44 20 8765 4321" in GB): dropped
         * when the whole is too long, or matches no national number and the rest (its
         * prefix for parsing dropped too) does. */
        int code = region->country_code, code_len = code >= 100 ? 3 : code >= 10 ? 2 : 1;
        const char *rest = nsn + code_len;
        int rest_n = n - code_len;
        bool own_code = rest_n > 0 && country_code(nsn, n, &cc_len) == code;

        cc = code;
        cc_len = code_len;
        if (own_code) {
            drop_trunk(region, false, &rest, &rest_n);
            own_code = too_long(region, n) || (!dfa_match(region->number, nsn, n) &&
                                               dfa_match(region->number, rest, rest_n));
        }
        if (own_code) {
            nsn = rest;
            n = rest_n;
        } else {
            drop_trunk(region, true, &nsn, &n);
        }
    }
    if (cc == 1) {
        if (n != 10)
            return fail(bad_at, n > 10 ? (ptrdiff_t)at[nsn - d + 10] : -1,
                        ORGCTL_PHONE_ENANP_LENGTH);
        if (nsn[0] < '2')
            return fail(bad_at, (ptrdiff_t)at[nsn - d], ORGCTL_PHONE_ENANP_AREA);
        if (nsn[3] < '2')
            return fail(bad_at, (ptrdiff_t)at[nsn - d + 3], ORGCTL_PHONE_ENANP_EXCHANGE);
    }
    if (cc_len + n < 8)
        return fail(bad_at, -1, ORGCTL_PHONE_ESHORT);
    if (cc_len + n > E164_DIGITS)
        return fail(bad_at, (ptrdiff_t)at[nsn - d + (E164_DIGITS - cc_len)], ORGCTL_PHONE_ELONG);
    out[0] = '+';
    for (int v = cc, i = cc_len; i > 0; v /= 10)
        out[i--] = (char)('0' + v % 10);
    memcpy(out + 1 + cc_len, nsn, (size_t)n);
    out[1 + cc_len + n] = '\0';
    if (bad_at)
        *bad_at = -1;
    return 0;
}

uint64_t orgctl_phone_key(const char *e164)
{
    uint64_t key = 0;
    int n = 0;

    if (!e164 || e164[0] != '+' || e164[1] < '1' || e164[1] > '9')
        return 0;
    for (const char *p = e164 + 1; *p; p++, n++) {
        if (*p < '0' || *p > '9' || n == E164_DIGITS)
            return 0;
        key = key * 10 + (uint64_t)(*p - '0');
    }
    return key;
}

void orgctl_phone_from_key(char out[ORGCTL_E164_MAX], uint64_t key)
{
    char digits[20];
    int n = 0;

    do {
        digits[n++] = (char)('0' + key % 10);
        key /= 10;
    } while (key && n < E164_DIGITS);
    out[0] = '+';
    for (int i = 0; i < n; i++)
        out[1 + i] = digits[n - 1 - i];
    out[1 + n] = '\0';
}
