/* A growable byte buffer (internal). Allocation failure aborts: the library has no way to
 * go on without memory, and checking every append would hide the logic. */
#ifndef ORGCTL_STRBUF_H
#define ORGCTL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
    char *buf;
    size_t len, alloc;
} strbuf;
#define STRBUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void strbuf_grow(strbuf *sb, size_t extra);
void strbuf_add(strbuf *sb, const void *data, size_t len);
void strbuf_adds(strbuf *sb, const char *s);
void strbuf_addch(strbuf *sb, char c);
/* Appends s with its ASCII letters lowercased (the case-blind fields' values). */
void strbuf_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_reset(strbuf *sb);
/* Returns the NUL-terminated contents (never NULL) and leaves sb empty; caller frees. */
char *strbuf_detach(strbuf *sb, size_t *len);
void strbuf_release(strbuf *sb);
/* The contents as a C string ("" when empty); owned by sb. */
const char *strbuf_str(strbuf *sb);

/* xmalloc-style helpers that abort on out-of-memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
