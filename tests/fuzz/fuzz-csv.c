/* libFuzzer target: the CSV reader over a buffer. Every record and field is read back:
 * the reader must never crash, read out of bounds or leak, whatever the bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "orgctl/csv.h"
#include "orgctl/errors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    orgctl_csv *csv = NULL;
    orgctl_csv_options opts = ORGCTL_CSV_OPTIONS_INIT;
    opts.max_record_size = 1 << 20;
    if (orgctl_csv_open_buffer(&csv, "fuzz.csv", (const char *)data, size, &opts) < 0)
        return 0;
    orgctl_csv_record *rec = NULL;
    size_t sum = 0;
    while (orgctl_csv_next(&rec, csv) == 0) {
        for (size_t i = 0; i < orgctl_csv_record_count(rec); i++) {
            size_t len = 0;
            const char *f = orgctl_csv_record_field(rec, i, &len);
            if (f && len)
                sum += (unsigned char)f[len - 1]; /* touch the last byte: bounds */
            sum += orgctl_csv_record_field_line(rec, i) + orgctl_csv_record_column(rec, i);
        }
        sum += orgctl_csv_record_line(rec);
    }
    orgctl_csv_free(csv);
    orgctl_error_clear();
    return sum == (size_t)-1;
}
