/* A streaming RFC 4180 CSV reader: the input of `orgctl bulk`.
 *
 * The reader holds one record at a time, so memory follows the longest record, not the
 * size of the file. It reads plain CSV, gzip (".gz") and zip (".zip", exactly one file
 * inside) and is strict: anything RFC 4180 does not allow is an error that names the
 * place, "FILE:LINE:COLUMN: reason", where LINE is the 1-based physical line and
 * COLUMN the 1-based field number.
 *
 * Accepted:
 * - fields separated by ',', records ended by LF or CRLF; the last record may lack one;
 * - quoted fields holding ',', '"' written as '""', and CR/LF kept as they are;
 * - a UTF-8 byte order mark at the very start, which is skipped;
 * - empty lines (no byte before the line end), which are skipped and are not records.
 *   A line holding only spaces is a record of one field; `""` is a record of one
 *   empty field.
 * Records need not have the same number of fields; checking that is the caller's job.
 *
 * Rejected with ORGCTL_EINVALID: a quote that is never closed (reported at the line
 * where the quoted field starts), a '"' inside an unquoted field, text between a
 * closing quote and the next ',' or line end, a CR not followed by LF outside quotes,
 * a NUL byte, invalid UTF-8 (overlong forms, surrogates, code points above U+10FFFF,
 * stray or missing continuation bytes), a record larger than the configured limit,
 * a file with no record at all ("FILE: empty file"), and corrupt gzip or zip data.
 */
#ifndef ORGCTL_CSV_H
#define ORGCTL_CSV_H

#include <stddef.h>

/* A CSV reader; opaque. */
typedef struct orgctl_csv orgctl_csv;

/* One record; opaque, owned by its reader. */
typedef struct orgctl_csv_record orgctl_csv_record;

#define ORGCTL_CSV_OPTIONS_VERSION 2

/* Reader options. Initialize with ORGCTL_CSV_OPTIONS_INIT, then set what differs. */
typedef struct {
    unsigned int version;
    /* The most memory one record may take: its field bytes plus a small per-field
     * overhead. 0 means the default, 64 MiB. Guards against a runaway quote in a
     * large file eating all memory. */
    size_t max_record_size;
    /* (version 2) The most bytes a .gz or .zip may inflate to; reading past it is an
     * error. 0 means the default, 4 GiB. */
    size_t max_input_size;
} orgctl_csv_options;

/* clang-format off */
#define ORGCTL_CSV_OPTIONS_INIT {ORGCTL_CSV_OPTIONS_VERSION, 0, 0}
/* clang-format on */

/* Opens the CSV file at `path` for reading. A name ending in ".gz" (any case) is read
 * through zlib and must be gzip data; one ending in ".zip" must be a zip archive
 * holding exactly one regular file (directory entries are ignored), which is read.
 * Anything else is read as plain CSV. `opts` may be NULL for defaults.
 *
 * Returns 0 and a reader in `*out`, to be freed with orgctl_csv_free(), or
 * ORGCTL_ENOTFOUND when the file does not exist, ORGCTL_EINVALID when it is not valid
 * gzip or zip or the zip holds other than one file, ORGCTL_ERROR on other I/O
 * failures. Errors in the data itself are reported by orgctl_csv_next(). */
int orgctl_csv_open(orgctl_csv **out, const char *path, const orgctl_csv_options *opts);

/* Opens a reader over `len` bytes of plain CSV at `data`, which must stay valid and
 * unchanged until the reader is freed (it is not copied). `name` stands for the file
 * in error messages; NULL means "<buffer>". Returns 0 or a negative ORGCTL_* code. */
int orgctl_csv_open_buffer(orgctl_csv **out, const char *name, const char *data, size_t len,
                           const orgctl_csv_options *opts);

/* Reads the next record into `*out`. The record belongs to the reader and stays valid
 * until the next call to orgctl_csv_next() or orgctl_csv_free().
 *
 * Returns 0 with a record, ORGCTL_ITEROVER after the last record, ORGCTL_EINVALID for
 * malformed or corrupt input (message "FILE:LINE:COLUMN: reason" or "FILE: reason"),
 * or ORGCTL_ERROR for an I/O or memory failure. An error is final: every later call
 * returns the same code and sets the same message. `*out` is NULL unless 0 is
 * returned.
 *
 * Damage in gzip or zip data may only show at the end of the data (its checksum), after
 * records were returned: read to ORGCTL_ITEROVER before acting on any record. When a
 * syntax error is found in compressed input, the rest is read first, so that corruption
 * is reported rather than the garbage it decoded to. */
int orgctl_csv_next(orgctl_csv_record **out, orgctl_csv *reader);

/* The name used in messages: the path, or the name given to orgctl_csv_open_buffer().
 * Owned by the reader. */
const char *orgctl_csv_name(const orgctl_csv *reader);

/* The bytes of input read so far, through the end of the last record returned: of the
 * CSV itself (a .gz or .zip as inflated), a byte order mark included. A caller bounds
 * what it reads with it. */
size_t orgctl_csv_bytes_read(const orgctl_csv *reader);

/* Frees the reader and its current record. NULL is a no-op. */
void orgctl_csv_free(orgctl_csv *reader);

/* The number of fields of `rec`, at least 1. */
size_t orgctl_csv_record_count(const orgctl_csv_record *rec);

/* Field `i` (0-based) of `rec`: NUL-terminated, with quotes removed and '""' turned
 * into '"'. Its length is stored in `*len` when `len` is not NULL; a field may hold
 * no NUL, so the length is strlen() of the result. Returns NULL when `i` is out of
 * range. Owned by the reader, valid as the record is. */
const char *orgctl_csv_record_field(const orgctl_csv_record *rec, size_t i, size_t *len);

/* The 1-based line where `rec` starts (a record may span lines within quotes). */
size_t orgctl_csv_record_line(const orgctl_csv_record *rec);

/* The 1-based line where field `i` starts, or 0 when `i` is out of range. */
size_t orgctl_csv_record_field_line(const orgctl_csv_record *rec, size_t i);

/* The column of field `i` as the reader reports it in messages: the 1-based field
 * number, i + 1; 0 when `i` is out of range. For callers that report their own errors
 * as "FILE:LINE:COLUMN" with orgctl_csv_name() and orgctl_csv_record_field_line(). */
size_t orgctl_csv_record_column(const orgctl_csv_record *rec, size_t i);

/* Spreadsheet formula injection: a cell that starts with = + - @, a tab or a CR is a
 * formula to a spreadsheet. Every CSV orgctl writes puts an apostrophe before such a value
 * (and before one that already starts with apostrophes followed by one of those), as
 * spreadsheet-safe exporters do; orgctl's own reading of bulk files takes one away again,
 * so what it writes reads back as it was. */
/* Whether `value` is written with a leading apostrophe. */
int orgctl_csv_guarded(const char *value);
/* The one CSV writer: `value` as a cell, the apostrophe first when guarded, in double
 * quotes (inner ones doubled) when it holds a comma, a quote or a line end. Writes at most
 * size bytes into out, NUL included (out may be NULL when size is 0), and returns the
 * cell's length, as snprintf does. */
size_t orgctl_csv_cell(char *out, size_t size, const char *value);
/* The value a cell read from a file stands for: `cell` without the apostrophe a writer put
 * before it (a pointer into `cell`). */
const char *orgctl_csv_unguard(const char *cell);

#endif
