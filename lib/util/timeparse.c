/* Times given by people: ORGCTL_NOW, and every option that takes a time. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "orgctl/errors.h"
#include "orgctl/repo.h"

/* What a git commit can carry without wrapping: 1970 to 2106 (an unsigned 32-bit count of
 * seconds, as git and its hosts read it). */
#define TIME_MIN ((time_t)0)
#define TIME_MAX ((time_t)4294967295LL)

/* Reads exactly `n` digits. */
static bool digits(const char **s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*s)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *s += n;
    *out = v;
    return true;
}

int orgctl_time_parse(time_t *out, bool *date_only, const char *what, const char *text)
{
    const char *s = text;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (date_only)
        *date_only = true;
    bool ok =
        digits(&s, 4, &y) && *s++ == '-' && digits(&s, 2, &mo) && *s++ == '-' && digits(&s, 2, &d);
    if (ok && *s == 'T') {
        s++;
        if (date_only)
            *date_only = false;
        ok = digits(&s, 2, &h) && *s++ == ':' && digits(&s, 2, &mi) && *s++ == ':' &&
             digits(&s, 2, &sec);
        if (ok && *s == 'Z')
            s++;
    }
    if (!ok || *s)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "%s \"%.100s\" is not an ISO 8601 UTC time "
                                "(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)",
                                what, text);
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    time_t t = timegm(&tm);
    /* timegm carries a 30th of February into March: a real time reads back unchanged. */
    struct tm back;
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 || !gmtime_r(&t, &back) ||
        back.tm_year != y - 1900 || back.tm_mon != mo - 1 || back.tm_mday != d)
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%.100s\" is no such time", what, text);
    if (t < TIME_MIN || t > TIME_MAX)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "%s \"%.100s\" is outside 1970-01-01 to 2106-02-07, the times a "
                                "commit can record",
                                what, text);
    *out = t;
    return 0;
}
