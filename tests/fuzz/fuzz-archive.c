/* libFuzzer target: the CSV reader through gzip and zip. The first byte picks the format;
 * the rest is written to a file of that name (the reader goes by the name's ending) and
 * read to the end: damaged, truncated or bomb-shaped archives must end in an error, not a
 * crash, an overread or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "orgctl/csv.h"
#include "orgctl/errors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char path[64];
    snprintf(path, sizeof(path), "/tmp/orgctl-fuzz-%ld.%s", (long)getpid(),
             data[0] & 1 ? "zip" : "gz");
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    orgctl_csv *csv = NULL;
    orgctl_csv_options opts = ORGCTL_CSV_OPTIONS_INIT;
    opts.max_record_size = 1 << 20;
    if (orgctl_csv_open(&csv, path, &opts) == 0) {
        orgctl_csv_record *rec = NULL;
        size_t records = 0;
        /* A bound on the work per input: a small bomb may hold millions of records. */
        while (records < 100000 && orgctl_csv_next(&rec, csv) == 0)
            records++;
        orgctl_csv_free(csv);
    }
    orgctl_error_clear();
    unlink(path);
    return 0;
}
