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

static orgctl_warning_handler warning_handler;
static void *warning_payload;

void orgctl_warning_handler_set(orgctl_warning_handler handler, void *payload)
{
    warning_handler = handler;
    warning_payload = payload;
}

void orgctl_warning(const char *fmt, ...)
{
    if (!warning_handler)
        return;
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    warning_handler(message, warning_payload);
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
    case ORGCTL_ESTORAGE: /* a full disk is not "not found": exit 1 as any I/O error */
        return 1;
    default:
        return 1;
    }
}
