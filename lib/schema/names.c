/* Rules of names that are no kind's field: an org's shortname. (A kind's names are checked
 * by orgctl_name_validate, lib/schema/kind.c.) */
#include <string.h>

#include "orgctl/errors.h"
#include "orgctl/org.h"

int orgctl_org_shortname_validate(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > 63)
        return orgctl_error_set(ORGCTL_EINVALID, "shortname \"%s\" must be 1 to 63 characters", s);
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return orgctl_error_set(
                ORGCTL_EINVALID, "invalid shortname \"%s\": only a-z, 0-9 and '-' are allowed", s);
    if (s[0] == '-')
        return orgctl_error_set(ORGCTL_EINVALID, "invalid shortname \"%s\": starts with '-'", s);
    return 0;
}
