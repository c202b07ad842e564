/* libFuzzer target: the time parser (ORGCTL_NOW and every time option). A time it takes
 * is a real calendar time git can record, and formatting it reads back as the same time. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "orgctl/errors.h"
#include "orgctl/repo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    time_t t;
    if (orgctl_time_parse(&t, NULL, "fuzz", s) == 0) {
        if (t < 0 || t > (time_t)4294967295LL)
            abort();
        char buf[32];
        time_t again;
        orgctl_time_format(t, buf, sizeof(buf));
        if (orgctl_time_parse(&again, NULL, "fuzz", buf) != 0 || again != t)
            abort();
    }
    orgctl_error_clear();
    free(s);
    return 0;
}
