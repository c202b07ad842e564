/* Error codes and the thread-local last-error message of liborgctl. */
#ifndef ORGCTL_ERRORS_H
#define ORGCTL_ERRORS_H

#include <stdarg.h>

/* Every library function returns 0 or one of these negative codes. */
enum orgctl_error_code {
    ORGCTL_OK = 0,
    ORGCTL_ERROR = -1,     /* I/O, storage or an unexpected failure */
    ORGCTL_EINVALID = -2,  /* invalid input or failed validation */
    ORGCTL_ENOTFOUND = -3, /* the object, org, or change set does not exist */
    ORGCTL_EPERM = -4,     /* the actor lacks a permission */
    ORGCTL_ECONFLICT = -5, /* a concurrent change or a conflicting rollback */
    ORGCTL_EEXISTS = -6,   /* the object exists already */
    ORGCTL_ENOREPO = -7,   /* no orgctl repository was found */
    ORGCTL_ESTORAGE = -8,  /* the disk is full or a file-size limit was reached (ENOSPC,
                            * EDQUOT, EFBIG): nothing was changed, no input is to blame */
    ORGCTL_ITEROVER = -31, /* an iterator has no more items */
};

/* The message of the last error raised on this thread, or "" when there is none. */
const char *orgctl_error_last(void);

/* Sets the last error message (printf-style) and returns `code`, so a caller can write
 * `return orgctl_error_set(ORGCTL_EINVALID, "...")`. */
int orgctl_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears the last error. */
void orgctl_error_clear(void);

/* The exit status the CLI uses for an error code: 1 error (storage included), 3 not
 * found, 4 permission, 5 conflict; 0 for ORGCTL_OK. */
int orgctl_error_exit_status(int code);

/* Warnings: what the library passes over and goes on without (an object in the tree that
 * breaks its kind's rules, which is neither served nor honoured). The library prints
 * nothing: each warning, one line naming the file, goes to the handler set here (none by
 * default: warnings are dropped). `payload` is passed back to it. Process-wide. */
typedef void (*orgctl_warning_handler)(const char *message, void *payload);
void orgctl_warning_handler_set(orgctl_warning_handler handler, void *payload);

/* Passes a warning (printf-style) to the handler, if one is set. */
void orgctl_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
