#include "dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

void *orgctl_dl_open(const char *name, const char *soname, char *failure, size_t size)
{
    void *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        snprintf(failure, size, "cannot load %s (%s): %s", name, soname, why ? why : "not found");
    }
    return handle;
}

orgctl_dl_fn orgctl_dl_function(void *handle, const char *symbol)
{
    void *sym = dlsym(handle, symbol);
    orgctl_dl_fn fn = NULL;
    if (sym) /* an object pointer as a function pointer: POSIX guarantees they convert */
        memcpy(&fn, &sym, sizeof(fn));
    return fn;
}
