/* UTF-8 validation (internal). */
#ifndef ORGCTL_UTF8_H
#define ORGCTL_UTF8_H
#include <stdbool.h>
#include <stddef.h>
/* True when s[0..len) is well-formed UTF-8: no overlongs, surrogates, or > U+10FFFF. */
bool orgctl_utf8_valid(const char *s, size_t len);
#endif
