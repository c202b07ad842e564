/* Streaming RFC 4180 CSV reader: a byte-at-a-time state machine over a fixed input
 * chunk, building one record at a time in a buffer that grows with the longest record. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "archive_dl.h"
/* Only reached after zip_open_archive loaded the library. */
#define LA (orgctl_libarchive())
#include <zlib.h>

#include "options_version.h"
#include "orgctl/csv.h"
#include "orgctl/errors.h"

#define CHUNK_SIZE (64 * 1024)
#define DEFAULT_MAX_RECORD ((size_t)64 * 1024 * 1024)
#define DEFAULT_MAX_INPUT ((size_t)4 * 1024 * 1024 * 1024)

enum source { SRC_BUFFER, SRC_FILE, SRC_GZIP, SRC_ZIP };

/* Parser states within one record. */
enum state {
    ST_FIELD_START, /* before the first byte of a field */
    ST_UNQUOTED,    /* inside an unquoted field */
    ST_QUOTED,      /* inside a quoted field */
    ST_QUOTE,       /* a '"' seen in a quoted field: closing, or the first of '""' */
    ST_CR,          /* a CR seen outside quotes; only LF may follow */
};

struct csv_field {
    size_t off, len, line;
};

struct orgctl_csv_record {
    const char *data;
    const struct csv_field *fields;
    size_t count, line;
};

struct orgctl_csv {
    char *name;
    enum source source;
    FILE *fp;
    z_stream *gz;         /* SRC_GZIP: inflating fp */
    unsigned char *gzbuf; /* its compressed input */
    bool gz_member_done;  /* a gzip member ended: another may follow, or the end */
    size_t max_input;     /* the most bytes gzip or zip may inflate to */
    size_t inflated;
    bool over_bound; /* it inflated past max_input */
    struct archive *ar;

    const unsigned char *in; /* the current chunk: inbuf, or the caller's buffer */
    unsigned char *inbuf;
    size_t pos, len;
    size_t before; /* bytes of the input before the current chunk */
    int started, eof, done;

    size_t line;     /* the line of the next input byte */
    size_t nrecords; /* records returned so far */
    size_t max_record;

    char *buf; /* the record's fields, each NUL-terminated */
    size_t blen, bcap;
    struct csv_field *fields;
    size_t nfields, fcap;

    /* UTF-8 check: continuation bytes still expected, and the range of the next one. */
    unsigned int u8_need, u8_len;
    unsigned char u8_lo, u8_hi, u8_seq[4];

    int error; /* sticky: once set, next() repeats it */
    char errmsg[1024];
    orgctl_csv_record rec;
};

/* Records the reader's final error and sets it as the thread's last error. */
__attribute__((format(printf, 3, 4))) static int fail(orgctl_csv *r, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
    va_end(ap);
    r->error = code;
    return orgctl_error_set(code, "%s", r->errmsg);
}

static int source_read(orgctl_csv *r, unsigned char *dst, size_t cap, size_t *n);

/* A syntax error at LINE:COLUMN of the input. Damaged gzip or zip data often decodes
 * to garbage before its checksum fails at the end; so the rest of a compressed input is
 * read first, and corruption, when found, is reported instead. */
__attribute__((format(printf, 4, 5))) static int fail_at(orgctl_csv *r, size_t line, size_t column,
                                                         const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    size_t n = 1;

    /* (as far as the bound on inflating: past it, the syntax error it is) */
    while ((r->source == SRC_GZIP || r->source == SRC_ZIP) && !r->eof && n > 0)
        if (source_read(r, r->inbuf, CHUNK_SIZE, &n) < 0 && !r->over_bound)
            return r->error;
        else if (r->over_bound)
            break;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    return fail(r, ORGCTL_EINVALID, "%s:%zu:%zu: %s", r->name, line, column, reason);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n < m)
        return 0;
    for (size_t i = 0; i < m; i++) {
        char c = s[n - m + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != suffix[i])
            return 0;
    }
    return 1;
}

static int reader_new(orgctl_csv **out, const char *name, const orgctl_csv_options *opts)
{
    orgctl_csv *r;

    int error;
    if (opts && (error = orgctl_options_version_check("csv", opts->version,
                                                      ORGCTL_CSV_OPTIONS_VERSION)) < 0)
        return error;
    if (!(r = calloc(1, sizeof(*r))) || !(r->name = strdup(name))) {
        free(r);
        return orgctl_error_set(ORGCTL_ERROR, "csv: out of memory");
    }
    r->line = 1;
    r->max_record = opts && opts->max_record_size ? opts->max_record_size : DEFAULT_MAX_RECORD;
    /* version 1 options end before max_input_size */
    r->max_input = opts && opts->version >= 2 && opts->max_input_size ? opts->max_input_size
                                                                      : DEFAULT_MAX_INPUT;
    *out = r;
    return 0;
}

/* Opens pass 1 and 2 of a zip: an archive reader positioned at nothing yet. */
static int zip_open_archive(struct archive **out, const char *path)
{
    int code;
    if (!orgctl_libarchive())
        return ORGCTL_ERROR;
    struct archive *a = LA->read_new();

    if (!a)
        return orgctl_error_set(ORGCTL_ERROR, "%s: out of memory", path);
    LA->read_support_format_zip_seekable(a);
    if (LA->read_open_filename(a, path, CHUNK_SIZE) != ARCHIVE_OK) {
        code = LA->errno_(a) == ENOENT ? ORGCTL_ENOTFOUND : ORGCTL_EINVALID;
        orgctl_error_set(code, "%s: cannot open zip archive: %s", path, LA->error_string(a));
        LA->read_free(a);
        return code;
    }
    *out = a;
    return 0;
}

/* A zip member's name is never used as a path, but one that would climb out of a folder
 * (absolute, a ".." part) or hides something (a control character) is what a hostile
 * archive looks like: refused, not read. */
static int zip_entry_name_check(const char *path, const char *name)
{
    bool bad = !name || !*name || name[0] == '/' || name[0] == '\\' || strstr(name, "../") ||
               strstr(name, "..\\") || strcmp(name, "..") == 0 ||
               (strlen(name) >= 3 && strcmp(name + strlen(name) - 3, "/..") == 0);
    for (const unsigned char *p = (const unsigned char *)name; !bad && *p; p++)
        bad = *p < 0x20 || *p == 0x7f;
    if (bad)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "%s: zip entry \"%s\" is no plain file name (absolute, \"..\" "
                                "or a control character)",
                                path, name ? name : "");
    return 0;
}

/* Counts the zip's regular files without reading their data (the seekable reader uses
 * the central directory), so a wrong archive fails at open, before any record. */
static int zip_check(const char *path)
{
    struct archive *a;
    struct archive_entry *entry;
    size_t files = 0;
    int rc, error;

    if ((error = zip_open_archive(&a, path)) < 0)
        return error;
    while ((rc = LA->read_next_header(a, &entry)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
        unsigned int type = LA->entry_filetype(entry);
        if (type == AE_IFDIR)
            continue;
        if (type != AE_IFREG) {
            error = orgctl_error_set(ORGCTL_EINVALID, "%s: zip entry \"%s\" is not a regular file",
                                     path, LA->entry_pathname(entry));
            goto done;
        }
        if ((error = zip_entry_name_check(path, LA->entry_pathname(entry))) < 0)
            goto done;
        if (++files > 1) /* no need to count a million members */
            break;
    }
    if (files > 1) {
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "%s: a zip archive must hold exactly one file, this one "
                                 "holds more",
                                 path);
        goto done;
    }
    if (rc != ARCHIVE_EOF) {
        error = orgctl_error_set(ORGCTL_EINVALID, "%s: corrupt zip archive: %s", path,
                                 LA->error_string(a));
        goto done;
    }
    if (files != 1)
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "%s: a zip archive must hold exactly one file, this one "
                                 "holds %zu",
                                 path, files);
done:
    LA->read_free(a);
    return error;
}

static int zip_open(orgctl_csv *r, const char *path)
{
    struct archive_entry *entry;
    int rc, error;

    if ((error = zip_check(path)) < 0 || (error = zip_open_archive(&r->ar, path)) < 0)
        return error;
    while ((rc = LA->read_next_header(r->ar, &entry)) == ARCHIVE_OK || rc == ARCHIVE_WARN)
        if (LA->entry_filetype(entry) == AE_IFREG)
            return 0;
    return orgctl_error_set(ORGCTL_EINVALID, "%s: corrupt zip archive: %s", path,
                            rc == ARCHIVE_EOF ? "file entry vanished" : LA->error_string(r->ar));
}

static int file_open(orgctl_csv *r, const char *path)
{
    if (!(r->fp = fopen(path, "rb")))
        return orgctl_error_set(errno == ENOENT ? ORGCTL_ENOTFOUND : ORGCTL_ERROR,
                                "%s: cannot open: %s", path, strerror(errno));
    return 0;
}

/* A gzip file is inflated here, not through gzread: gzread passes bytes after the last
 * gzip member over in silence (and non-gzip data through unchanged), and a file that is not
 * what it says must be an error. Members one after another are read as one stream, as gzip
 * itself does. */
static int gzip_open(orgctl_csv *r, const char *path)
{
    int error = file_open(r, path);
    if (error < 0)
        return error;
    unsigned char magic[2];
    size_t n = fread(magic, 1, 2, r->fp);
    if (n < 2 || magic[0] != 0x1f || magic[1] != 0x8b)
        return orgctl_error_set(ORGCTL_EINVALID, "%s: not gzip data", path);
    rewind(r->fp);
    r->gz = calloc(1, sizeof(*r->gz));
    r->gzbuf = malloc(CHUNK_SIZE);
    if (!r->gz || !r->gzbuf || inflateInit2(r->gz, 16 + MAX_WBITS) != Z_OK)
        return orgctl_error_set(ORGCTL_ERROR, "%s: out of memory", path);
    return 0;
}

/* Inflates up to `cap` bytes of the gzip file into dst. */
static int gzip_read(orgctl_csv *r, unsigned char *dst, size_t cap, size_t *n)
{
    z_stream *z = r->gz;
    z->next_out = dst;
    z->avail_out = (uInt)cap;
    while (z->avail_out == cap) {
        if (z->avail_in == 0) {
            size_t got = fread(r->gzbuf, 1, CHUNK_SIZE, r->fp);
            if (got == 0 && ferror(r->fp))
                return fail(r, ORGCTL_ERROR, "%s: read error: %s", r->name, strerror(errno));
            if (got == 0) {
                if (!r->gz_member_done)
                    return fail(r, ORGCTL_EINVALID,
                                "%s: corrupt gzip data: the stream is cut short", r->name);
                break; /* the end, after a whole member */
            }
            z->next_in = r->gzbuf;
            z->avail_in = (uInt)got;
        }
        if (r->gz_member_done) {
            /* More bytes after a member: only another member may follow. */
            if (z->next_in[0] != 0x1f || (z->avail_in > 1 && z->next_in[1] != 0x8b))
                return fail(r, ORGCTL_EINVALID,
                            "%s: corrupt gzip data: bytes after the end of the gzip stream",
                            r->name);
            inflateReset(z);
            r->gz_member_done = false;
        }
        int rc = inflate(z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END)
            r->gz_member_done = true;
        else if (rc == Z_MEM_ERROR)
            return fail(r, ORGCTL_ERROR, "%s: out of memory", r->name);
        else if (rc != Z_OK && rc != Z_BUF_ERROR)
            return fail(r, ORGCTL_EINVALID, "%s: corrupt gzip data: %s", r->name,
                        z->msg ? z->msg : "invalid data");
    }
    *n = cap - z->avail_out;
    return 0;
}

int orgctl_csv_open(orgctl_csv **out, const char *path, const orgctl_csv_options *opts)
{
    orgctl_csv *r = NULL;
    int error;

    *out = NULL;
    if ((error = reader_new(&r, path, opts)) < 0)
        return error;
    if (!(r->inbuf = malloc(CHUNK_SIZE))) {
        error = orgctl_error_set(ORGCTL_ERROR, "%s: out of memory", path);
        goto done;
    }
    r->in = r->inbuf;
    if (has_suffix(path, ".gz")) {
        r->source = SRC_GZIP;
        error = gzip_open(r, path);
    } else if (has_suffix(path, ".zip")) {
        r->source = SRC_ZIP;
        error = zip_open(r, path);
    } else {
        r->source = SRC_FILE;
        error = file_open(r, path);
    }
done:
    if (error < 0)
        orgctl_csv_free(r);
    else
        *out = r;
    return error;
}

int orgctl_csv_open_buffer(orgctl_csv **out, const char *name, const char *data, size_t len,
                           const orgctl_csv_options *opts)
{
    int error;

    *out = NULL;
    if ((error = reader_new(out, name ? name : "<buffer>", opts)) < 0)
        return error;
    (*out)->source = SRC_BUFFER;
    (*out)->in = (const unsigned char *)data;
    (*out)->len = len;
    return 0;
}

void orgctl_csv_free(orgctl_csv *r)
{
    if (!r)
        return;
    if (r->fp)
        fclose(r->fp);
    if (r->gz) {
        inflateEnd(r->gz);
        free(r->gz);
    }
    free(r->gzbuf);
    if (r->ar)
        LA->read_free(r->ar);
    free(r->inbuf);
    free(r->buf);
    free(r->fields);
    free(r->name);
    free(r);
}

const char *orgctl_csv_name(const orgctl_csv *r)
{
    return r->name;
}

/* Counts what an archive inflated to: past the bound (a bomb: 2 MB of gzip can hold
 * terabytes of rows) reading stops with an error, whatever the rows are. */
static int inflated(orgctl_csv *r, int error, size_t n)
{
    if (error < 0)
        return error;
    r->inflated += n;
    if (r->inflated > r->max_input) {
        r->over_bound = true;
        return fail(r, ORGCTL_EINVALID,
                    "%s: inflates to more than %zu bytes, the most a compressed file may "
                    "hold here",
                    r->name, r->max_input);
    }
    return 0;
}

/* Reads up to `cap` bytes at `dst`; 0 in `*n` means the end of the input. */
static int source_read(orgctl_csv *r, unsigned char *dst, size_t cap, size_t *n)
{
    *n = 0;
    switch (r->source) {
    case SRC_BUFFER:
        return 0;
    case SRC_FILE:
        *n = fread(dst, 1, cap, r->fp);
        if (*n == 0 && ferror(r->fp))
            return fail(r, ORGCTL_ERROR, "%s: read error: %s", r->name, strerror(errno));
        return 0;
    case SRC_GZIP: {
        int error = gzip_read(r, dst, cap, n);
        return inflated(r, error, *n);
    }
    case SRC_ZIP: {
        la_ssize_t got = LA->read_data(r->ar, dst, cap);
        if (got < 0)
            return fail(r, ORGCTL_EINVALID, "%s: corrupt zip archive: %s", r->name,
                        LA->error_string(r->ar));
        *n = (size_t)got;
        return inflated(r, 0, *n);
    }
    }
    return 0;
}

/* Replaces the consumed chunk with the next one; r->len == 0 afterwards means EOF. */
static int fill(orgctl_csv *r)
{
    size_t n;
    int error;

    r->before += r->len;
    r->pos = r->len = 0;
    if (r->eof)
        return 0;
    if ((error = source_read(r, r->inbuf, CHUNK_SIZE, &n)) < 0)
        return error;
    if (n == 0)
        r->eof = 1;
    r->len = n;
    return 0;
}

/* Before the first record: makes the first 3 bytes visible and skips a BOM. */
static int start(orgctl_csv *r)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    int error;

    r->started = 1;
    while (r->source != SRC_BUFFER && r->len < sizeof(bom) && !r->eof) {
        size_t n;
        if ((error = source_read(r, r->inbuf + r->len, CHUNK_SIZE - r->len, &n)) < 0)
            return error;
        if (n == 0)
            r->eof = 1;
        r->len += n;
    }
    if (r->len >= sizeof(bom) && memcmp(r->in, bom, sizeof(bom)) == 0)
        r->pos = sizeof(bom);
    return 0;
}

/* Checks one byte against UTF-8 (RFC 3629): no overlongs, surrogates, or > U+10FFFF.
 * Keeps the bytes of the current sequence in u8_seq for the error message. */
static int utf8_step(orgctl_csv *r, unsigned char c)
{
    if (r->u8_need) {
        r->u8_seq[r->u8_len++] = c;
        if (c < r->u8_lo || c > r->u8_hi)
            return -1;
        r->u8_need--;
        r->u8_lo = 0x80;
        r->u8_hi = 0xBF;
        return 0;
    }
    if (c < 0x80)
        return 0;
    r->u8_seq[0] = c;
    r->u8_len = 1;
    r->u8_lo = 0x80;
    r->u8_hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        r->u8_need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        r->u8_need = 2;
        if (c == 0xE0)
            r->u8_lo = 0xA0; /* overlong below U+0800 */
        else if (c == 0xED)
            r->u8_hi = 0x9F; /* surrogates U+D800..U+DFFF */
    } else if (c >= 0xF0 && c <= 0xF4) {
        r->u8_need = 3;
        if (c == 0xF0)
            r->u8_lo = 0x90; /* overlong below U+10000 */
        else if (c == 0xF4)
            r->u8_hi = 0x8F; /* above U+10FFFF */
    } else {
        return -1; /* a continuation byte, C0/C1 (overlong), or F5..FF */
    }
    return 0;
}

/* An invalid UTF-8 sequence: its bytes, as far as read; at the end of the input when
 * `truncated`. */
static int fail_utf8(orgctl_csv *r, int truncated)
{
    char hex[32] = "";
    size_t n = 0;

    for (unsigned int i = 0; i < r->u8_len; i++)
        n += (size_t)snprintf(hex + n, sizeof(hex) - n, "%s0x%02X", i ? " " : "", r->u8_seq[i]);
    return fail_at(r, r->line, r->nfields + 1, "invalid UTF-8 (%s %s%s); save the file as UTF-8",
                   r->u8_len > 1 ? "bytes" : "byte", hex, truncated ? " at the end" : "");
}

/* A byte of an unquoted field that needs no check: ASCII, no control byte, no separator
 * and no quote. */
static bool plain_byte(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != ',' && c != '"';
}

/* Whether any of the 8 bytes at p is not plain_byte: a word at a time, for the long runs of
 * plain bytes most files are (each test is exact about whether some byte matches). */
static bool word_has_special(const unsigned char *p)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t w, comma, quote;
    memcpy(&w, p, sizeof(w));
    comma = w ^ (ones * ',');
    quote = w ^ (ones * '"');
    return ((w | ((w - ones * 0x20) & ~w) | ((comma - ones) & ~comma) | ((quote - ones) & ~quote)) &
            highs) != 0;
}

/* Makes room for `extra` more bytes and one more field, within the record limit. */
static int reserve(orgctl_csv *r, size_t extra, size_t line, int quoted)
{
    if (r->blen + extra + (r->nfields + 1) * sizeof(struct csv_field) > r->max_record) {
        if (quoted)
            return fail_at(r, line, r->nfields + 1,
                           "record larger than %zu bytes; is the quote opened here closed?",
                           r->max_record);
        return fail_at(r, line, r->nfields + 1, "record larger than %zu bytes", r->max_record);
    }
    if (r->blen + extra > r->bcap) {
        size_t cap = r->bcap ? r->bcap : 4096;
        char *p;
        while (cap < r->blen + extra)
            cap *= 2;
        if (!(p = realloc(r->buf, cap)))
            return fail(r, ORGCTL_ERROR, "%s: out of memory", r->name);
        r->buf = p;
        r->bcap = cap;
    }
    if (r->nfields == r->fcap) {
        size_t cap = r->fcap ? r->fcap * 2 : 64;
        struct csv_field *p = realloc(r->fields, cap * sizeof(*p));
        if (!p)
            return fail(r, ORGCTL_ERROR, "%s: out of memory", r->name);
        r->fields = p;
        r->fcap = cap;
    }
    return 0;
}

/* Closes the field that started at buf[off] on `line`. */
static int end_field(orgctl_csv *r, size_t *off, size_t line, size_t rec_line)
{
    int error;
    if ((error = reserve(r, 1, rec_line, 0)) < 0)
        return error;
    r->fields[r->nfields].off = *off;
    r->fields[r->nfields].len = r->blen - *off;
    r->fields[r->nfields].line = line;
    r->nfields++;
    r->buf[r->blen++] = '\0';
    *off = r->blen;
    return 0;
}

static void emit(orgctl_csv *r, orgctl_csv_record **out, size_t rec_line)
{
    r->rec.data = r->buf;
    r->rec.fields = r->fields;
    r->rec.count = r->nfields;
    r->rec.line = rec_line;
    r->nrecords++;
    *out = &r->rec;
}

/* At the end of the input: the last record, the end, or an error. */
static int finish(orgctl_csv *r, orgctl_csv_record **out, enum state st, size_t *off,
                  size_t field_line, size_t rec_line)
{
    int error;

    if (r->u8_need)
        return fail_utf8(r, 1);
    if (st == ST_QUOTED)
        return fail_at(r, field_line, r->nfields + 1, "unterminated quoted field");
    if (st == ST_CR)
        return fail_at(r, r->line, r->nfields + 1, "carriage return not followed by line feed");
    r->done = 1;
    if (st == ST_FIELD_START && r->nfields == 0) {
        if (r->nrecords == 0)
            return fail(r, ORGCTL_EINVALID, "%s: empty file", r->name);
        return ORGCTL_ITEROVER;
    }
    if ((error = end_field(r, off, field_line, rec_line)) < 0)
        return error;
    emit(r, out, rec_line);
    return 0;
}

int orgctl_csv_next(orgctl_csv_record **out, orgctl_csv *r)
{
    enum state st = ST_FIELD_START;
    size_t off = 0, rec_line, field_line;
    int error, blank_cr = 0;

    *out = NULL;
    if (r->error)
        return orgctl_error_set(r->error, "%s", r->errmsg);
    if (r->done)
        return ORGCTL_ITEROVER;
    if (!r->started && (error = start(r)) < 0)
        return error;
    r->blen = 0;
    r->nfields = 0;
    rec_line = field_line = r->line;

    for (;;) {
        unsigned char c;

        if (r->pos == r->len) {
            if ((error = fill(r)) < 0)
                return error;
            if (r->len == 0)
                return finish(r, out, st, &off, field_line, rec_line);
        }
        c = r->in[r->pos++];

        if (c == '\0')
            return fail_at(r, r->line, r->nfields + 1, "NUL byte");
        if (utf8_step(r, c) < 0)
            return fail_utf8(r, 0);

        switch (st) {
        case ST_FIELD_START:
            field_line = r->line;
            if (c == '"') {
                st = ST_QUOTED;
                continue;
            }
            if (c == '\r') {
                blank_cr = r->nfields == 0;
                st = ST_CR;
                continue;
            }
            if (c == '\n' && r->nfields == 0) { /* an empty line: not a record */
                rec_line = field_line = ++r->line;
                continue;
            }
            st = ST_UNQUOTED;
            break; /* the byte is handled as in an unquoted field */
        case ST_QUOTED:
            if (c == '"') {
                st = ST_QUOTE;
                continue;
            }
            if ((error = reserve(r, 2, field_line, 1)) < 0)
                return error;
            r->buf[r->blen++] = (char)c;
            if (c == '\n')
                r->line++;
            continue;
        case ST_QUOTE:
            if (c == '"') { /* '""' stands for '"' */
                if ((error = reserve(r, 2, field_line, 1)) < 0)
                    return error;
                r->buf[r->blen++] = '"';
                st = ST_QUOTED;
                continue;
            }
            if (c != ',' && c != '\n' && c != '\r')
                return fail_at(r, r->line, r->nfields + 1, "text after the closing quote");
            break; /* a separator: as after an unquoted field */
        case ST_CR:
            if (c != '\n')
                return fail_at(r, r->line, r->nfields + 1,
                               "carriage return not followed by line feed");
            if (blank_cr) { /* an empty CRLF line */
                st = ST_FIELD_START;
                rec_line = field_line = ++r->line;
                continue;
            }
            break;
        case ST_UNQUOTED:
            break;
        }

        /* Unquoted content, or a separator after any field. */
        switch (c) {
        case ',':
            if ((error = end_field(r, &off, field_line, rec_line)) < 0)
                return error;
            st = ST_FIELD_START;
            field_line = r->line;
            break;
        case '\r':
            st = ST_CR;
            blank_cr = 0;
            break;
        case '\n':
            if ((error = end_field(r, &off, field_line, rec_line)) < 0)
                return error;
            r->line++;
            emit(r, out, rec_line);
            return 0;
        case '"':
            return fail_at(r, r->line, r->nfields + 1,
                           "quote inside an unquoted field (quote the whole field and "
                           "double the quotes inside it)");
        default: {
            /* the byte and the plain ASCII run after it in one copy: most of a file */
            size_t run = 0, left = r->len - r->pos;
            if (!r->u8_need) {
                while (run + 8 <= left && !word_has_special(r->in + r->pos + run))
                    run += 8;
                while (run < left && plain_byte(r->in[r->pos + run]))
                    run++;
            }
            if ((error = reserve(r, run + 2, rec_line, 0)) < 0)
                return error;
            r->buf[r->blen++] = (char)c;
            memcpy(r->buf + r->blen, r->in + r->pos, run);
            r->blen += run;
            r->pos += run;
        }
        }
    }
}

size_t orgctl_csv_bytes_read(const orgctl_csv *r)
{
    return r->before + r->pos;
}

size_t orgctl_csv_record_count(const orgctl_csv_record *rec)
{
    return rec->count;
}

const char *orgctl_csv_record_field(const orgctl_csv_record *rec, size_t i, size_t *len)
{
    if (i >= rec->count)
        return NULL;
    if (len)
        *len = rec->fields[i].len;
    return rec->data + rec->fields[i].off;
}

size_t orgctl_csv_record_line(const orgctl_csv_record *rec)
{
    return rec->line;
}

size_t orgctl_csv_record_field_line(const orgctl_csv_record *rec, size_t i)
{
    return i < rec->count ? rec->fields[i].line : 0;
}

size_t orgctl_csv_record_column(const orgctl_csv_record *rec, size_t i)
{
    return i < rec->count ? i + 1 : 0;
}

/* The apostrophes at the start of v, then a character a spreadsheet starts a formula with. */
static int formula_after_apostrophes(const char *v)
{
    while (*v == '\'')
        v++;
    return *v && strchr("=+-@\t\r", *v) != NULL;
}

int orgctl_csv_guarded(const char *value)
{
    return formula_after_apostrophes(value);
}

size_t orgctl_csv_cell(char *out, size_t size, const char *value)
{
    size_t n = 0;
/* one byte of the cell: counted always, written while it fits before the NUL */
#define PUT(c)                                                                                     \
    do {                                                                                           \
        if (n + 1 < size)                                                                          \
            out[n] = (c);                                                                          \
        n++;                                                                                       \
    } while (0)
    bool quoted = strpbrk(value, ",\"\r\n") != NULL;
    if (quoted)
        PUT('"');
    if (orgctl_csv_guarded(value)) /* no formula for a spreadsheet */
        PUT('\'');
    for (const char *p = value; *p; p++) {
        if (quoted && *p == '"')
            PUT('"');
        PUT(*p);
    }
    if (quoted)
        PUT('"');
#undef PUT
    if (size)
        out[n < size ? n : size - 1] = '\0';
    return n;
}

const char *orgctl_csv_unguard(const char *cell)
{
    return cell[0] == '\'' && formula_after_apostrophes(cell) ? cell + 1 : cell;
}
