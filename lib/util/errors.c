/* Thread-local last error, as libgit2's git_error_last. */
#include <stdio.h>
#include <string.h>

#include "orgctl/errors.h"

static _Thread_local char last_message[1024];

const char *orgctl_error_last(void)
{
    return last_message;
}

int orgctl_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof(last_message), fmt, ap);
    va_end(ap);
    return code;
}

void orgctl_error_clear(void)
{
    last_message[0] = '\0';
}

int orgctl_error_exit_status(int code)
{
    switch (code) {
    case ORGCTL_OK:
        return 0;
    case ORGCTL_ENOTFOUND:
    case ORGCTL_ENOREPO:
        return 3;
    case ORGCTL_EPERM:
        return 4;
    case ORGCTL_ECONFLICT:
        return 5;
    default:
        return 1;
    }
}
