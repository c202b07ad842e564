/* Libraries opened on first use (libgit2, libcrypto): see lib/README.md. */
#ifndef ORGCTL_DL_H
#define ORGCTL_DL_H

#include <stddef.h>

typedef void (*orgctl_dl_fn)(void);

/* dlopen(soname, RTLD_NOW | RTLD_LOCAL): the handle, or NULL and "cannot load NAME
 * (SONAME): why" in failure[size]. Local, so that its symbols never stand in for ours. */
void *orgctl_dl_open(const char *name, const char *soname, char *failure, size_t size);
/* The function `symbol` of the library, or NULL. */
orgctl_dl_fn orgctl_dl_function(void *handle, const char *symbol);

#endif
