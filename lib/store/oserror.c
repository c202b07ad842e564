/* Errors of the operating system, classified: a full disk, a quota or a file-size limit
 * is ORGCTL_ESTORAGE (no row or input is to blame), anything else ORGCTL_ERROR. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

bool orgctl_errno_is_storage(int err)
{
    return err == ENOSPC || err == EDQUOT || err == EFBIG;
}

int orgctl_errno_error(int err, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    int code = orgctl_error_set(orgctl_errno_is_storage(err) ? ORGCTL_ESTORAGE : ORGCTL_ERROR,
                                "%s: %s", what, strerror(err ? err : EIO));
    errno = err; /* for a caller that keeps it */
    return code;
}

int orgctl_write_all(int fd, const void *data, size_t len)
{
    for (const char *p = data; len > 0;) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        if (w == 0) { /* no progress and no error: the file can grow no more */
            errno = ENOSPC;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}
