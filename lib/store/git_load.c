/* Loads libgit2 on first use (see git_load.h): dlopen by the SONAME the build linked
 * against (ORGCTL_LIBGIT2_SONAME, read at configure time), every wrapped function resolved
 * at once, then git_libgit2_init and the settings, once per process. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2/common.h>
#include <git2/global.h>
#include <git2/types.h>

#include "dl.h"
#include "git_load.h"
#include "orgctl/errors.h"

#ifndef ORGCTL_LIBGIT2_SONAME
#error "ORGCTL_LIBGIT2_SONAME is set by lib/meson.build"
#endif

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static atomic_bool loaded; /* set last, as load() succeeds */
static bool fsync_on;
static char load_failure[512];
static git_error load_error = {load_failure, GIT_ERROR_INTERNAL};

/* A libgit2 that cannot be used: every wrapper fails as it would without one. */
static void forget_symbols(void)
{
    for (size_t i = 0; i < orgctl_git_nsymbols; i++)
        orgctl_git_symbols[i].fn = NULL;
}

static void load(void)
{
    const char *fsync_env = getenv("ORGCTL_FSYNC");
    fsync_on = !(fsync_env && strcmp(fsync_env, "0") == 0);
    /* Local: its symbols never stand in for the wrappers of the same names. */
    void *handle =
        orgctl_dl_open("libgit2", ORGCTL_LIBGIT2_SONAME, load_failure, sizeof(load_failure));
    if (!handle)
        return;
    __typeof__(git_libgit2_init) *init =
        (__typeof__(git_libgit2_init) *)orgctl_dl_function(handle, "git_libgit2_init");
    __typeof__(git_libgit2_opts) *opts =
        (__typeof__(git_libgit2_opts) *)orgctl_dl_function(handle, "git_libgit2_opts");
    const char *lacking = !init ? "git_libgit2_init" : !opts ? "git_libgit2_opts" : NULL;
    for (size_t i = 0; !lacking && i < orgctl_git_nsymbols; i++)
        if (!(orgctl_git_symbols[i].fn = orgctl_dl_function(handle, orgctl_git_symbols[i].name)))
            lacking = orgctl_git_symbols[i].name;
    if (lacking) {
        snprintf(load_failure, sizeof(load_failure), "cannot load libgit2 (%s): it lacks %s",
                 ORGCTL_LIBGIT2_SONAME, lacking);
        forget_symbols();
        return; /* the handle stays open: dlclose of a half-used library gains nothing */
    }
    if (init() < 0) {
        const git_error *e =
            ((__typeof__(git_error_last) *)orgctl_dl_function(handle, "git_error_last"))();
        snprintf(load_failure, sizeof(load_failure), "cannot initialise libgit2 (%s): %s",
                 ORGCTL_LIBGIT2_SONAME, e && e->message ? e->message : "unknown error");
        forget_symbols();
        return;
    }
    /* Without fsync a power loss can leave the branch pointing at objects never written. */
    opts(GIT_OPT_ENABLE_FSYNC_GITDIR, (int)fsync_on);
    opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    /* Trees of up to 1 MB stay in libgit2's object cache (its default: 4 KB). A folder
     * of 800 suppression shard folders is ~25 KB: looked up by path for every shard an
     * import rewrites, it was read from the pack and hashed again each time (70% of a
     * 10k import into a 10M list). */
    opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
    /* libgit2 maps packs in windows of 1 GB, up to 8 GB at once (its 64-bit defaults): a
     * first check after a 100M-number import read the 1.5 GB pack into 320 MB of resident
     * mapping beside the 800 MB the suppression cache being built needs. Objects are read
     * once, in order: small windows cost nothing and keep the mapping bounded. */
    opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)32 << 20);
    opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)128 << 20);
    atomic_store_explicit(&loaded, true, memory_order_release);
}

int orgctl_git_load(void)
{
    pthread_once(&load_once, load);
    return loaded ? 0 : orgctl_error_set(ORGCTL_ERROR, "%s", load_failure);
}

orgctl_git_fn_t orgctl_git_fn(size_t index)
{
    pthread_once(&load_once, load);
    return orgctl_git_symbols[index].fn;
}

orgctl_git_fn_t orgctl_git_fn_if_loaded(size_t index)
{
    return atomic_load_explicit(&loaded, memory_order_acquire) ? orgctl_git_symbols[index].fn
                                                               : NULL;
}

const git_error *orgctl_git_load_error(void)
{
    pthread_once(&load_once, load);
    return &load_error;
}

bool orgctl_git_fsync(void)
{
    pthread_once(&load_once, load);
    return fsync_on;
}
