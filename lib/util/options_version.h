/* The version check of an options struct a caller passes (internal). A struct grows at its
 * end and its version says which fields the caller knew: one from a newer library, or a
 * forgotten version (0), is refused before any field past the first is read. */
#ifndef ORGCTL_OPTIONS_VERSION_H
#define ORGCTL_OPTIONS_VERSION_H

#include "orgctl/errors.h"

static inline int orgctl_options_version_check(const char *what, unsigned version, unsigned current)
{
    if (version >= 1 && version <= current)
        return 0;
    return orgctl_error_set(ORGCTL_EINVALID,
                            "%s: options version %u is not one this library knows (1 to %u)", what,
                            version, current);
}

#endif
