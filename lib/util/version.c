/* The running library's version (orgctl/version.h). */
#include "orgctl/version.h"

#include <stddef.h>

const char *orgctl_version(int *major, int *minor, int *patch)
{
    if (major)
        *major = ORGCTL_VERSION_MAJOR;
    if (minor)
        *minor = ORGCTL_VERSION_MINOR;
    if (patch)
        *patch = ORGCTL_VERSION_PATCH;
    return ORGCTL_VERSION;
}
