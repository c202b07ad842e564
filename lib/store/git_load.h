/* libgit2, loaded on first use. liborgctl does not link it: the wrappers of git_lazy.c
 * (made by gen-git-lazy.py from git_lazy.list) stand for the functions the library calls
 * and resolve the real ones through orgctl_git_fn, so that a process that reads no git
 * object (a suppression check on a fresh stamp, --version, help, completion) does not pay
 * for mapping libgit2 and the libraries it brings. */
#ifndef ORGCTL_GIT_LOAD_H
#define ORGCTL_GIT_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include <git2/errors.h>

typedef void (*orgctl_git_fn_t)(void);

/* The wrapped functions, by name; the loader fills in `fn` (git_lazy.c). */
struct orgctl_git_symbol {
    const char *name;
    orgctl_git_fn_t fn;
};
extern struct orgctl_git_symbol orgctl_git_symbols[];
extern const size_t orgctl_git_nsymbols;

/* Loads libgit2 once (thread-safe), initialises it and applies orgctl's settings (fsync,
 * owner validation, object cache): 0, or ORGCTL_ERROR with a message naming the library
 * and why it could not be loaded. */
int orgctl_git_load(void);
/* Entry `index` of orgctl_git_symbols, libgit2 loaded first; NULL when it could not be. */
orgctl_git_fn_t orgctl_git_fn(size_t index);
/* The same without loading libgit2: NULL while it is not loaded (for the functions that
 * release what libgit2 made, of which there is nothing yet). */
orgctl_git_fn_t orgctl_git_fn_if_loaded(size_t index);
/* What git_error_last() says when libgit2 could not be loaded. */
const git_error *orgctl_git_load_error(void);
/* Whether libgit2 writes with fsync (not when ORGCTL_FSYNC=0, for tests). */
bool orgctl_git_fsync(void);

#endif
