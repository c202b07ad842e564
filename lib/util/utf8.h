/* UTF-8 validation (internal). */
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
#endif
