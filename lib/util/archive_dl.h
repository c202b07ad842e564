/* libarchive, loaded on first use (internal). Linking it maps a dozen more libraries
 * (xml2, icu, nettle, lzma, zstd, ...) into every orgctl process, which costs more start-up
 * time than a whole `user show`; only reading a .zip needs it. */
#ifndef ORGCTL_ARCHIVE_DL_H
#define ORGCTL_ARCHIVE_DL_H

#include <archive.h>
#include <archive_entry.h>

struct orgctl_libarchive {
    struct archive *(*read_new)(void);
    int (*read_support_format_zip_seekable)(struct archive *);
    int (*read_open_filename)(struct archive *, const char *, size_t);
    int (*errno_)(struct archive *);
    const char *(*error_string)(struct archive *);
    int (*read_free)(struct archive *);
    int (*read_next_header)(struct archive *, struct archive_entry **);
    la_ssize_t (*read_data)(struct archive *, void *, size_t);
    __LA_MODE_T (*entry_filetype)(struct archive_entry *);
    const char *(*entry_pathname)(struct archive_entry *);
};

/* The loaded library, or NULL with an error set (ORGCTL_ERROR). */
const struct orgctl_libarchive *orgctl_libarchive(void);

#endif
