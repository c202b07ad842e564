/* The key of an attrs row (see index_key.h). */
#include <string.h>

#include "index_key.h"
#include "utf8.h"

#define ESCAPE '\x02'

static bool special(unsigned char c)
{
    return c == (unsigned char)ORGCTL_INDEX_KEY_SEP || c == (unsigned char)ESCAPE;
}

void orgctl_index_key_add(strbuf *sb, const char *part, bool lower)
{
    const unsigned char *p = (const unsigned char *)part;
    if (lower) { /* beyond ASCII, a case-folded copy: what follows lowers its ASCII */
        while (*p && *p < 0x80)
            p++;
        if (*p) {
            strbuf folded = STRBUF_INIT;
            orgctl_utf8_casefold(&folded, part);
            orgctl_index_key_add(sb, strbuf_str(&folded), false);
            strbuf_release(&folded);
            return;
        }
        p = (const unsigned char *)part;
    }
    for (;;) {
        size_t run = 0; /* a run of bytes copied as they are: the usual whole part */
        if (lower)
            while (p[run] > (unsigned char)ESCAPE && !(p[run] >= 'A' && p[run] <= 'Z'))
                run++;
        else
            while (p[run] > (unsigned char)ESCAPE) /* neither the end nor special */
                run++;
        strbuf_add(sb, p, run);
        p += run;
        if (!*p)
            break;
        if (special(*p)) {
            char esc[2] = {ESCAPE, (char)(*p + 2)};
            strbuf_add(sb, esc, 2);
        } else {
            strbuf_addch(sb, (char)(*p + ('a' - 'A')));
        }
        p++;
    }
    strbuf_addch(sb, ORGCTL_INDEX_KEY_SEP);
}

void orgctl_index_key_end(strbuf *end, const char *prefix, size_t len)
{
    strbuf_reset(end);
    strbuf_add(end, prefix, len);
    if (len)
        end->buf[len - 1] = ESCAPE; /* the byte after the separator */
}

void orgctl_index_key_range(orgctl_index_range *r, const char *kind, const char *org,
                            const char *field, const char *value)
{
    const char *parts[4] = {kind, org, field, field ? value : NULL};
    strbuf_reset(&r->lo);
    for (int i = 0; i < 4 && parts[i]; i++)
        orgctl_index_key_add(&r->lo, parts[i], false);
    orgctl_index_key_end(&r->hi, r->lo.buf, r->lo.len);
}

void orgctl_index_range_release(orgctl_index_range *r)
{
    strbuf_release(&r->lo);
    strbuf_release(&r->hi);
}

void orgctl_index_key_value(strbuf *out, const char *key, size_t key_len, size_t prefix_len,
                            size_t name_len)
{
    if (key_len < prefix_len + name_len + 1)
        return; /* not a key of this prefix and name */
    const char *p = key + prefix_len, *end = key + key_len - name_len - 1;
    while (p < end) {
        if (*p == ESCAPE && p + 1 < end) {
            strbuf_addch(out, (char)(p[1] - 2));
            p += 2;
        } else {
            strbuf_addch(out, *p++);
        }
    }
}
