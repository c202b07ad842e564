/* A test-only LD_PRELOAD shim for tests/fault/run.sh: fails one chosen call of a
 * storage function, or counts them all. Never installed.
 *
 *   ORGCTL_FAULT=KIND:N:ERRNO  the Nth call (from 1) of KIND fails with ERRNO (a name:
 *                              ENOSPC, EIO, EDQUOT, EFBIG, EROFS, EACCES, ENOMEM)
 *   ORGCTL_FAULT=count:FILE    every call is let through and appended to FILE as a line
 *                              "KIND PATH"
 *   ORGCTL_FAULT_LOG=FILE      with KIND:N:ERRNO, the failed call is appended to FILE
 *
 * KIND is write (write), pwrite (pwrite, pwrite64), fsync, fdatasync, rename (rename,
 * renameat, renameat2), link (link, linkat: libgit2 moves a loose object into place with a
 * hard link, and renames it when that fails) or open (open, open64, openat, openat64, creat and
 * their fortified forms, only when opened for writing or creating). Calls on standard input, output
 * and error are neither counted nor failed, so that the message naming the cause gets out. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#undef _FORTIFY_SOURCE
#undef _FILE_OFFSET_BITS /* open and open64 both, each its own symbol */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

enum kind { K_WRITE, K_PWRITE, K_FSYNC, K_FDATASYNC, K_RENAME, K_LINK, K_OPEN, K_COUNT };
static const char *const kind_names[K_COUNT] = {"write",  "pwrite", "fsync", "fdatasync",
                                                "rename", "link",   "open"};

static const struct {
    const char *name;
    int value;
} errnos[] = {{"ENOSPC", ENOSPC}, {"EIO", EIO},       {"EDQUOT", EDQUOT}, {"EFBIG", EFBIG},
              {"EROFS", EROFS},   {"EACCES", EACCES}, {"ENOMEM", ENOMEM}, {"EINTR", EINTR}};

static atomic_int calls[K_COUNT];
static int mode = -1; /* -1 not read yet, 0 off, 1 fail one call, 2 count */
static int fail_kind = -1, fail_at, fail_errno;
static const char *log_path;

static void setup(void)
{
    if (mode >= 0)
        return;
    const char *spec = getenv("ORGCTL_FAULT");
    mode = 0;
    if (!spec || !*spec)
        return;
    if (strncmp(spec, "count:", 6) == 0) {
        log_path = spec + 6;
        mode = 2;
        return;
    }
    char kind[32] = "", err[32] = "";
    int n = 0;
    if (sscanf(spec, "%31[a-z]:%d:%31[A-Z]", kind, &n, err) != 3 || n < 1)
        goto bad;
    for (int k = 0; k < K_COUNT; k++)
        if (strcmp(kind, kind_names[k]) == 0)
            fail_kind = k;
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (strcmp(err, errnos[i].name) == 0)
            fail_errno = errnos[i].value;
    if (fail_kind < 0 || !fail_errno)
        goto bad;
    fail_at = n;
    log_path = getenv("ORGCTL_FAULT_LOG");
    mode = 1;
    return;
bad:
    fprintf(stderr, "fault shim: cannot read ORGCTL_FAULT=%s\n", spec);
    abort();
}

/* Appends "KIND [N ]PATH" to the log with raw system calls (never through the shim). */
static void note(enum kind k, int n, int fd, const char *path)
{
    char buf[4200], link[64], target[4096];
    if (!path) {
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t len = readlink(link, target, sizeof target - 1);
        target[len < 0 ? 0 : len] = '\0';
        path = target;
    }
    int len = mode == 1 ? snprintf(buf, sizeof buf, "%s %d %s\n", kind_names[k], n, path)
                        : snprintf(buf, sizeof buf, "%s %s\n", kind_names[k], path);
    if (len < 0 || len >= (int)sizeof buf)
        return;
    int out = (int)syscall(SYS_openat, AT_FDCWD, log_path,
                           O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out < 0)
        return;
    (void)syscall(SYS_write, out, buf, (size_t)len);
    (void)syscall(SYS_close, out);
}

/* Whether this call fails: counts it and, when it is the chosen one, sets errno. */
static int fault(enum kind k, int fd, const char *path)
{
    setup();
    if (mode == 0 || (path == NULL && fd >= 0 && fd <= 2))
        return 0;
    int n = atomic_fetch_add(&calls[k], 1) + 1;
    if (mode == 2) {
        note(k, n, fd, path);
        return 0;
    }
    if ((int)k != fail_kind || n != fail_at)
        return 0;
    if (log_path)
        note(k, n, fd, path);
    errno = fail_errno;
    return 1;
}

#define REAL(ret, name, ...)                                                                       \
    static ret (*real_##name)(__VA_ARGS__);                                                        \
    if (!real_##name)                                                                              \
        real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name);

ssize_t write(int fd, const void *buf, size_t count)
{
    REAL(ssize_t, write, int, const void *, size_t)
    return fault(K_WRITE, fd, NULL) ? -1 : real_write(fd, buf, count);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
    REAL(ssize_t, pwrite, int, const void *, size_t, off_t)
    return fault(K_PWRITE, fd, NULL) ? -1 : real_pwrite(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t offset)
{
    REAL(ssize_t, pwrite64, int, const void *, size_t, off64_t)
    return fault(K_PWRITE, fd, NULL) ? -1 : real_pwrite64(fd, buf, count, offset);
}

int fsync(int fd)
{
    REAL(int, fsync, int)
    return fault(K_FSYNC, fd, NULL) ? -1 : real_fsync(fd);
}

int fdatasync(int fd)
{
    REAL(int, fdatasync, int)
    return fault(K_FDATASYNC, fd, NULL) ? -1 : real_fdatasync(fd);
}

int rename(const char *from, const char *to)
{
    REAL(int, rename, const char *, const char *)
    return fault(K_RENAME, -1, to) ? -1 : real_rename(from, to);
}

int renameat(int fromdir, const char *from, int todir, const char *to)
{
    REAL(int, renameat, int, const char *, int, const char *)
    return fault(K_RENAME, -1, to) ? -1 : real_renameat(fromdir, from, todir, to);
}

/* libgit2 renames a loose object into place with link(), then rename() if that fails. */
int link(const char *from, const char *to)
{
    REAL(int, link, const char *, const char *)
    return fault(K_LINK, -1, to) ? -1 : real_link(from, to);
}

int linkat(int fromdir, const char *from, int todir, const char *to, int flags)
{
    REAL(int, linkat, int, const char *, int, const char *, int)
    return fault(K_LINK, -1, to) ? -1 : real_linkat(fromdir, from, todir, to, flags);
}

int renameat2(int fromdir, const char *from, int todir, const char *to, unsigned flags)
{
    REAL(int, renameat2, int, const char *, int, const char *, unsigned)
    return fault(K_RENAME, -1, to) ? -1 : real_renameat2(fromdir, from, todir, to, flags);
}

static int for_writing(int flags)
{
    return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0 ||
           (flags & O_TMPFILE) == O_TMPFILE;
}

static mode_t mode_arg(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

/* The open family: NAME(path, flags[, mode]) and NAME(dir, path, flags[, mode]). */
#define OPEN(name)                                                                                 \
    int name(const char *path, int flags, ...)                                                     \
    {                                                                                              \
        REAL(int, name, const char *, int, ...)                                                    \
        va_list ap;                                                                                \
        va_start(ap, flags);                                                                       \
        mode_t m = mode_arg(flags, ap);                                                            \
        va_end(ap);                                                                                \
        if (for_writing(flags) && fault(K_OPEN, -1, path))                                         \
            return -1;                                                                             \
        return real_##name(path, flags, m);                                                        \
    }
#define OPENAT(name)                                                                               \
    int name(int dir, const char *path, int flags, ...)                                            \
    {                                                                                              \
        REAL(int, name, int, const char *, int, ...)                                               \
        va_list ap;                                                                                \
        va_start(ap, flags);                                                                       \
        mode_t m = mode_arg(flags, ap);                                                            \
        va_end(ap);                                                                                \
        if (for_writing(flags) && fault(K_OPEN, -1, path))                                         \
            return -1;                                                                             \
        return real_##name(dir, path, flags, m);                                                   \
    }
OPEN(open)
OPEN(open64)
OPENAT(openat)
OPENAT(openat64)

int creat(const char *path, mode_t m)
{
    REAL(int, creat, const char *, mode_t)
    return fault(K_OPEN, -1, path) ? -1 : real_creat(path, m);
}

/* The fortified forms (_FORTIFY_SOURCE), which take no mode. */
int __open_2(const char *path, int flags)
{
    REAL(int, __open_2, const char *, int)
    return for_writing(flags) && fault(K_OPEN, -1, path) ? -1 : real___open_2(path, flags);
}

int __open64_2(const char *path, int flags)
{
    REAL(int, __open64_2, const char *, int)
    return for_writing(flags) && fault(K_OPEN, -1, path) ? -1 : real___open64_2(path, flags);
}

int __openat_2(int dir, const char *path, int flags)
{
    REAL(int, __openat_2, int, const char *, int)
    return for_writing(flags) && fault(K_OPEN, -1, path) ? -1 : real___openat_2(dir, path, flags);
}

int __openat64_2(int dir, const char *path, int flags)
{
    REAL(int, __openat64_2, int, const char *, int)
    return for_writing(flags) && fault(K_OPEN, -1, path) ? -1 : real___openat64_2(dir, path, flags);
}
