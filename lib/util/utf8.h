/* UTF-8 validation and case folding (internal). */
#ifndef ORGCTL_UTF8_H
#define ORGCTL_UTF8_H
#include <stdbool.h>
#include <stddef.h>
/* True when s[0..len) is well-formed UTF-8: no overlongs, surrogates, or > U+10FFFF. */
bool orgctl_utf8_valid(const char *s, size_t len);
/* The first character of the valid UTF-8 s[0..len) that text may not hold (`name` false:
 * controls, bidirectional controls) or a name may not hold (`name` true: those, and
 * byte-order marks, invisible characters and spaces other than U+0020), or 0 when none.
 * A NUL is reported as 0x110000. */
/* Whether text may not hold cp: C0 and C1 controls, DEL, line and paragraph separators,
 * bidirectional controls (a NUL, reported as 0x110000, too). */
bool orgctl_utf8_is_control(unsigned cp);
unsigned orgctl_utf8_forbidden(const char *s, size_t len, bool name);

#include "strbuf.h"
/* Appends s with every character case-folded (Unicode simple case folding, lib/util/casefold.h):
 * what text compared or indexed "ignoring case" is compared as, so that "ÄNN" is "änn" and
 * "ΣΟΦΙΑ", "σοφια" and "σοφιας"'s final sigma agree. Bytes that are not valid UTF-8 are
 * kept as they are. */
void orgctl_utf8_casefold(strbuf *sb, const char *s);
#endif
