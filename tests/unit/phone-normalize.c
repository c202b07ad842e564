/* Normalises each line of stdin with orgctl_phone_normalize and prints, one a line, the
 * E.164 number or "error CODE OFFSET". Usage: phone-normalize REGION. The oracle test
 * (phone-oracle.py) drives it. */
#include <stdio.h>
#include <string.h>

#include "phone.h"

int main(int argc, char **argv)
{
    const orgctl_phone_region *region = argc == 2 ? orgctl_phone_region_lookup(argv[1]) : NULL;
    char line[4096], out[ORGCTL_E164_MAX];

    if (!region) {
        fprintf(stderr, "usage: phone-normalize REGION (an ISO 3166 alpha-2 code)\n");
        return 2;
    }
    while (fgets(line, sizeof(line), stdin)) {
        size_t len = strcspn(line, "\n");
        ptrdiff_t bad_at;
        int rc = orgctl_phone_normalize(out, &bad_at, region, line, len);
        if (rc == 0)
            printf("%s\n", out);
        else
            printf("error %d %td\n", rc, bad_at);
    }
    return ferror(stdin) ? 1 : 0;
}
