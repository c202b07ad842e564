#include "utf8.h"

#include <string.h>

#include "casefold.h"

bool orgctl_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            continue;
        }
        int n;
        unsigned min, cp;
        if ((c & 0xe0) == 0xc0)
            n = 1, min = 0x80, cp = c & 0x1f;
        else if ((c & 0xf0) == 0xe0)
            n = 2, min = 0x800, cp = c & 0x0f;
        else if ((c & 0xf8) == 0xf0)
            n = 3, min = 0x10000, cp = c & 0x07;
        else
            return false;
        if (end - p <= n)
            return false;
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += n + 1;
    }
    return true;
}

/* Decodes the code point at s (already known to be valid UTF-8); returns its length. */
static size_t decode(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : 4;
    unsigned c = s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++)
        c = (c << 6) | (s[i] & 0x3f);
    *cp = c;
    return n;
}

/* Characters no text may hold: C0 and C1 controls, DEL, the line and paragraph
 * separators, and the bidirectional controls that reorder what a listing shows. */
bool orgctl_utf8_is_control(unsigned cp)
{
    return cp < 0x20 || cp == 0x110000 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
           cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* And what a name may not hold besides: the byte-order mark, invisible characters (zero
 * widths, joiners, soft hyphen, word joiner and invisible operators, Hangul fillers, tags)
 * and every space but U+0020 (non-breaking, narrow non-breaking, en, em, thin, ideographic, ...):
 * with them two names that look the same are two names. */
static bool name_forbidden(unsigned cp)
{
    return orgctl_utf8_is_control(cp) || cp == 0x00a0 || cp == 0x00ad || cp == 0x034f ||
           cp == 0x115f || cp == 0x1160 || cp == 0x1680 || cp == 0x180e ||
           (cp >= 0x2000 && cp <= 0x200d) || cp == 0x202f || (cp >= 0x205f && cp <= 0x2064) ||
           cp == 0x3000 || cp == 0x3164 || cp == 0xfeff || cp == 0xffa0 ||
           (cp >= 0xfff0 && cp <= 0xfffb) || (cp >= 0xe0000 && cp <= 0xe007f);
}

unsigned orgctl_utf8_forbidden(const char *s, size_t len, bool name)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned cp;
        p += decode(p, &cp);
        if (name ? name_forbidden(cp) : orgctl_utf8_is_control(cp))
            return cp == 0 ? 0x110000 : cp; /* never 0, which means none */
    }
    return 0;
}

/* What cp folds to (itself when it does not): a binary search of the table. */
static unsigned fold(unsigned cp)
{
    size_t lo = 0, hi = sizeof(casefold_table) / sizeof(casefold_table[0]);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (casefold_table[mid][0] == cp)
            return casefold_table[mid][1];
        if (casefold_table[mid][0] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return cp;
}

static void put_utf8(strbuf *sb, unsigned cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80)
        b[0] = (char)cp, n = 1;
    else if (cp < 0x800)
        b[0] = (char)(0xc0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
    else if (cp < 0x10000)
        b[0] = (char)(0xe0 | cp >> 12), b[1] = (char)(0x80 | ((cp >> 6) & 0x3f)),
        b[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
    else
        b[0] = (char)(0xf0 | cp >> 18), b[1] = (char)(0x80 | ((cp >> 12) & 0x3f)),
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), b[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
    strbuf_add(sb, b, n);
}

void orgctl_utf8_casefold(strbuf *sb, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t run = 0; /* ASCII but capitals, as it is: the usual whole text */
        while (p[run] && p[run] < 0x80 && !(p[run] >= 'A' && p[run] <= 'Z'))
            run++;
        strbuf_add(sb, p, run);
        p += run;
        if (!*p)
            break;
        if (*p < 0x80) {
            strbuf_addch(sb, (char)(*p + ('a' - 'A')));
            p++;
            continue;
        }
        size_t n = (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 1;
        unsigned cp;
        if (n == 1 || strnlen((const char *)p, n) < n || !orgctl_utf8_valid((const char *)p, n)) {
            strbuf_add(sb, p, 1);
            p++;
            continue;
        }
        decode(p, &cp);
        unsigned f = fold(cp);
        if (f == cp)
            strbuf_add(sb, p, n);
        else
            put_utf8(sb, f);
        p += n;
    }
}
