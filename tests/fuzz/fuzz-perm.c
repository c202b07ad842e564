/* libFuzzer target: the permission-string parser and matcher. The input is two strings
 * split at the first newline: each is validated, and matched against the other; a string
 * that matches must itself be well formed (matching never accepts what validation refuses
 * the shape of). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "orgctl/errors.h"
#include "orgctl/perm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    char *b = strchr(s, '\n');
    if (b)
        *b++ = '\0';
    else
        b = s + strlen(s);
    orgctl_perm_validate(s);
    orgctl_perm_validate(b);
    if (orgctl_perm_matches(s, b)) {
        /* both have three non-empty parts */
        const char *p = strchr(s, ':'), *q = strchr(b, ':');
        if (!p || !q || p == s || q == b)
            abort();
    }
    orgctl_error_clear();
    free(s);
    return 0;
}
