#include <dlfcn.h>
#include <stddef.h>

#include "archive_dl.h"
#include "orgctl/errors.h"

const struct orgctl_libarchive *orgctl_libarchive(void)
{
    static struct orgctl_libarchive la;
    static int loaded;
    if (loaded)
        return &la;
    void *h = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        orgctl_error_set(ORGCTL_ERROR, "cannot load libarchive for .zip files: %s", dlerror());
        return NULL;
    }
    struct {
        const char *name;
        void **slot;
    } syms[] = {
        {"archive_read_new", (void **)&la.read_new},
        {"archive_read_support_format_zip_seekable", (void **)&la.read_support_format_zip_seekable},
        {"archive_read_open_filename", (void **)&la.read_open_filename},
        {"archive_errno", (void **)&la.errno_},
        {"archive_error_string", (void **)&la.error_string},
        {"archive_read_free", (void **)&la.read_free},
        {"archive_read_next_header", (void **)&la.read_next_header},
        {"archive_read_data", (void **)&la.read_data},
        {"archive_entry_filetype", (void **)&la.entry_filetype},
        {"archive_entry_pathname", (void **)&la.entry_pathname},
    };
    for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
        if (!(*syms[i].slot = dlsym(h, syms[i].name))) {
            orgctl_error_set(ORGCTL_ERROR, "libarchive lacks %s", syms[i].name);
            return NULL;
        }
    loaded = 1;
    return &la;
}
