/* Telephone numbers to E.164 (internal): the normaliser of `suppress` and `campaign load`.
 *
 * What it accepts (issue 16, "Numbers"), and where it deliberately differs from
 * libphonenumber, is said at the top of lib/util/phone.c. It allocates nothing and keeps no
 * state: safe from any thread. The region table is generated (lib/util/phone_regions.h). */
#ifndef ORGCTL_PHONE_H
#define ORGCTL_PHONE_H
#include <stddef.h>
#include <stdint.h>

#define ORGCTL_E164_MAX 17 /* '+', at most 15 digits, NUL */

/* Error codes of orgctl_phone_normalize, all negative; orgctl_phone_strerror says each. */
enum {
    ORGCTL_PHONE_EEMPTY = -1,          /* no digits at all (empty, only formatting, a lone '+') */
    ORGCTL_PHONE_ELETTER = -2,         /* a letter: vanity numbers are not guessed */
    ORGCTL_PHONE_EEXTENSION = -3,      /* "x 12", "ext. 12", ";ext=12", "#12", ",12" */
    ORGCTL_PHONE_EURI = -4,            /* a "tel:" URI */
    ORGCTL_PHONE_ECHAR = -5,           /* another character (punctuation, non-ASCII) */
    ORGCTL_PHONE_ENUL = -6,            /* a NUL byte */
    ORGCTL_PHONE_EUTF8 = -7,           /* bytes that are not UTF-8 */
    ORGCTL_PHONE_EPLUS = -8,           /* a '+' that is not the first thing */
    ORGCTL_PHONE_ESHORT = -9,          /* fewer than 8 digits in all */
    ORGCTL_PHONE_ELONG = -10,          /* more than 15 digits in all */
    ORGCTL_PHONE_ECOUNTRY = -11,       /* no country calling code starts the number */
    ORGCTL_PHONE_ENOREGION = -12,      /* a national number, and no region to place it */
    ORGCTL_PHONE_ENANP_LENGTH = -13,   /* +1 not followed by exactly 10 digits */
    ORGCTL_PHONE_ENANP_AREA = -14,     /* NANP area code starting with 0 or 1 */
    ORGCTL_PHONE_ENANP_EXCHANGE = -15, /* NANP exchange (central office) starting with 0 or 1 */
};
#define ORGCTL_PHONE_ECOUNT 15

typedef struct orgctl_phone_region orgctl_phone_region; /* a static table entry */

/* The region of ISO 3166 alpha-2 code `iso2` ("US", "GB", case-insensitive), or NULL if
 * unknown. */
const orgctl_phone_region *orgctl_phone_region_lookup(const char *iso2);
/* The country calling code of `region` (1 for US, 44 for GB). */
int orgctl_phone_region_code(const orgctl_phone_region *region);
/* The national trunk prefix of `region` ("0" for GB, "1" for US), "" if it has none. */
const char *orgctl_phone_region_trunk(const orgctl_phone_region *region);

/* Normalises `in` (len bytes, not NUL-terminated) to E.164 ("+13175551212") in `out`.
 * National numbers take the country code of `region` (its national trunk prefix dropped).
 * Returns 0, or a negative ORGCTL_PHONE_E... code; *bad_at (may be NULL) is then the byte
 * offset in `in` of the offending character, or -1 when no single character is at fault. */
int orgctl_phone_normalize(char out[ORGCTL_E164_MAX], ptrdiff_t *bad_at,
                           const orgctl_phone_region *region, const char *in, size_t len);
/* What error `code` means, as a phrase ("letters are not a number"); never NULL. */
const char *orgctl_phone_strerror(int code);

/* The digits of an E.164 number as an integer: unique per number (country codes never start
 * with 0), for sorted arrays; 0 for a string that is not E.164 as orgctl_phone_normalize
 * writes it. And back: orgctl_phone_from_key writes "+" and the key's digits. */
uint64_t orgctl_phone_key(const char *e164);
void orgctl_phone_from_key(char out[ORGCTL_E164_MAX], uint64_t key);
#endif
