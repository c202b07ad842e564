/* The suppression list kind and the text format of its shards (suppress_text.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "orgctl/errors.h"
#include "phone.h"
#include "suppress_text.h"
#include "utf8.h"

static const orgctl_field suppress_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "list name, the key"},
    {"description", ORGCTL_FIELD_STRING, 0, NULL, "what the list is for"},
    {"state", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, NULL,
     "enabled or disabled (a disabled list suppresses nothing)"},
    {"required", ORGCTL_FIELD_BOOL, 0, NULL,
     "an enterprise list every org's campaigns honour, named or not"},
    {NULL, 0, 0, NULL, NULL},
};

static int check_shard(const char *rel, const char *data, size_t len)
{
    return orgctl_suppress_shard_parse(rel, data, len, NULL, NULL);
}

static const orgctl_payload suppress_payload = {"list.json", check_shard};

const orgctl_kind orgctl_kind_suppress = {
    "suppress",
    "suppress",
    "outbound:dncList",
    true,
    false,
    suppress_fields,
    "name,state,required,description",
    .payload = &suppress_payload,
};

uint64_t orgctl_e164_key(const char *s, size_t len)
{
    if (len < 9 || len > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9')
        return 0;
    uint64_t key = 0;
    for (size_t i = 1; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        key = key * 10 + (uint64_t)(s[i] - '0');
    }
    return key;
}

static bool two(const char *s, int *out)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return false;
    *out = (s[0] - '0') * 10 + (s[1] - '0');
    return true;
}

/* Seconds of the midnight starting y-m-d (UTC). A shard's expiries share few dates: the
 * last one is kept, so timegm runs once a date, not once a line. */
static int64_t midnight(int y, int m, int d)
{
    static _Thread_local int last_y, last_m, last_d;
    static _Thread_local int64_t last;
    if (y != last_y || m != last_m || d != last_d) {
        struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
        last = (int64_t)timegm(&tm);
        last_y = y, last_m = m, last_d = d;
    }
    return last;
}

bool orgctl_expiry_parse(const char *s, size_t len, int64_t *out)
{
    int c, yy, mo, d, h, mi;
    if (len != ORGCTL_SUPPRESS_EXPIRY_LEN || !two(s, &c) || !two(s + 2, &yy) || s[4] != '-' ||
        !two(s + 5, &mo) || s[7] != '-' || !two(s + 8, &d) || s[10] != 'T' || !two(s + 11, &h) ||
        s[13] != ':' || !two(s + 14, &mi) || s[16] != 'Z')
        return false;
    int y = c * 100 + yy;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 ||
        mi > 59)
        return false;
    *out = midnight(y, mo, d) + h * 3600 + mi * 60;
    return true;
}

void orgctl_expiry_format(char out[ORGCTL_SUPPRESS_EXPIRY_LEN + 1], int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, ORGCTL_SUPPRESS_EXPIRY_LEN + 1, "%Y-%m-%dT%H:%MZ", &tm);
}

void orgctl_suppress_number_shard_at(char out[ORGCTL_SUPPRESS_SHARD_MAX], uint64_t key, int digits)
{
    char text[ORGCTL_E164_MAX];
    orgctl_phone_from_key(text, key);
    snprintf(out, ORGCTL_SUPPRESS_SHARD_MAX, "numbers/%.3s/%.*s.txt", text + 1, digits, text + 1);
}

void orgctl_suppress_number_shard(char out[ORGCTL_SUPPRESS_SHARD_MAX], uint64_t key)
{
    orgctl_suppress_number_shard_at(out, key, ORGCTL_SUPPRESS_PREFIX_MIN);
}

int orgctl_suppress_shard_prefix(const char *rel, char prefix[ORGCTL_SUPPRESS_PREFIX_MAX + 1])
{
    size_t len = strlen(rel);
    if (len < 8 + 4 + ORGCTL_SUPPRESS_PREFIX_MIN + 4 || strncmp(rel, "numbers/", 8) != 0 ||
        rel[11] != '/' || memcmp(rel + len - 4, ".txt", 4) != 0)
        return 0;
    size_t digits = len - 12 - 4;
    if (digits > ORGCTL_SUPPRESS_PREFIX_MAX || memcmp(rel + 8, rel + 12, 3) != 0 || rel[12] == '0')
        return 0;
    for (size_t i = 0; i < digits; i++)
        if (rel[12 + i] < '0' || rel[12 + i] > '9')
            return 0;
    memcpy(prefix, rel + 12, digits);
    prefix[digits] = '\0';
    return (int)digits;
}

/* FNV-1a, as names are spread over folders (lib/schema/kind.c). */
static unsigned client_hash(const char *id, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)id[i]) * 16777619u;
    return (h ^ (h >> 8) ^ (h >> 16) ^ (h >> 24)) & 0xff;
}

void orgctl_suppress_client_shard(char out[ORGCTL_SUPPRESS_SHARD_MAX], const char *id, size_t len)
{
    snprintf(out, ORGCTL_SUPPRESS_SHARD_MAX, "clients/%02x.txt", client_hash(id, len));
}

bool orgctl_suppress_client_valid(const char *id, size_t len)
{
    if (len == 0 || len > ORGCTL_SUPPRESS_CLIENT_MAX || !orgctl_utf8_valid(id, len))
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)id[i] <= ' ' || id[i] == 0x7f)
            return false;
    return orgctl_utf8_forbidden(id, len, true) == 0;
}

static int bad_line(const char *rel, size_t line, size_t column, const char *what)
{
    return orgctl_error_set(ORGCTL_EINVALID, "%s:%zu:%zu: %s", rel, line, column, what);
}

int orgctl_suppress_shard_parse(const char *rel, const char *data, size_t len,
                                orgctl_suppress_line_cb cb, void *payload)
{
    bool numbers = strncmp(rel, "numbers/", 8) == 0;
    /* the shard's own name, to check each line belongs in it */
    char want_prefix[ORGCTL_SUPPRESS_PREFIX_MAX + 1] = "";
    int want_len = 0;
    if (numbers) {
        if (!(want_len = orgctl_suppress_shard_prefix(rel, want_prefix)))
            return orgctl_error_set(ORGCTL_EINVALID, "%s: no shard of a suppression list", rel);
    } else {
        unsigned hex;
        char tail[8];
        if (strlen(rel) != 14 || sscanf(rel, "clients/%2x%7s", &hex, tail) != 2 ||
            strcmp(tail, ".txt") != 0 ||
            !((rel[8] >= '0' && rel[8] <= '9') || (rel[8] >= 'a' && rel[8] <= 'f')) ||
            !((rel[9] >= '0' && rel[9] <= '9') || (rel[9] >= 'a' && rel[9] <= 'f')))
            return orgctl_error_set(ORGCTL_EINVALID, "%s: no shard of a suppression list", rel);
    }
    if (len == 0)
        return orgctl_error_set(ORGCTL_EINVALID, "%s: an empty shard (an empty one is removed)",
                                rel);
    if (data[len - 1] != '\n')
        return orgctl_error_set(ORGCTL_EINVALID, "%s: the last line has no newline", rel);
    const char *prev = NULL;
    size_t prev_len = 0, lineno = 0;
    uint64_t prev_key = 0;
    for (const char *p = data, *end = data + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        lineno++;
        const char *sp = memchr(p, ' ', (size_t)(nl - p));
        orgctl_suppress_line l = {p, (size_t)((sp ? sp : nl) - p), 0, 0, lineno};
        if (numbers) {
            if (!(l.key = orgctl_e164_key(p, l.len)))
                return bad_line(rel, lineno, 1, "not a number in E.164 (+ and 8 to 15 digits)");
            if (memcmp(p + 1, want_prefix, (size_t)want_len) != 0)
                return bad_line(rel, lineno, 2, "a number of another shard");
        } else if (!orgctl_suppress_client_valid(p, l.len)) {
            return bad_line(rel, lineno, 1, "not a client id");
        } else {
            char shard[ORGCTL_SUPPRESS_SHARD_MAX];
            orgctl_suppress_client_shard(shard, p, l.len);
            if (strcmp(shard, rel) != 0)
                return bad_line(rel, lineno, 1, "a client id of another shard");
        }
        if (sp && !orgctl_expiry_parse(sp + 1, (size_t)(nl - sp - 1), &l.expires))
            return bad_line(rel, lineno, (size_t)(sp - p) + 2, "not an expiry yyyy-MM-ddTHH:mmZ");
        if (prev) {
            /* numbers by value (a shorter one first), client ids by bytes */
            int c;
            if (numbers) {
                c = prev_key < l.key ? -1 : prev_key > l.key;
            } else {
                size_t m = prev_len < l.len ? prev_len : l.len;
                c = memcmp(prev, p, m);
                if (c == 0)
                    c = prev_len < l.len ? -1 : prev_len > l.len;
            }
            if (c >= 0)
                return bad_line(rel, lineno, 1,
                                c == 0 ? "a second line of the same entry"
                                       : "out of order (lines are sorted)");
        }
        prev = p;
        prev_len = l.len;
        prev_key = l.key;
        int error = cb ? cb(&l, payload) : 0;
        if (error)
            return error;
        p = nl + 1;
    }
    return 0;
}
