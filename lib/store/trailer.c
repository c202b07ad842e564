/* The Change-Set trailer of a commit message: part of the repository's format, read by the
 * index (the highest id it has seen) and by history. */
#include <stdlib.h>
#include <string.h>

#include "store.h"

bool orgctl_changeset_id_parse(const char *msg, long *out)
{
    /* The last trailer counts, as git interpret-trailers reads it. */
    const char *t = NULL;
    for (const char *p = msg; (p = strstr(p, "\nChange-Set: ")); p++)
        t = p + 13;
    if (!t)
        return false;
    size_t digits = strspn(t, "0123456789");
    if (digits == 0 || digits > ORGCTL_CHANGESET_ID_DIGITS || (t[0] == '0') ||
        (t[digits] != '\n' && t[digits] != '\0'))
        return false;
    *out = strtol(t, NULL, 10);
    return true;
}
