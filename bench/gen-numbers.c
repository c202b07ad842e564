/* gen-numbers N [plain|csv] [e164|mixed] [SEED]: N phone numbers, one a line (plain) or as
 * CSV with a header (name,phone,until), for bench/bench-suppress.sh. Mostly NANP numbers
 * (area code and exchange 2-9), some of the UK, France and Germany, as a national
 * registry's list looks. "mixed" writes them in the formats of the seeds' guides
 * ("(317) 555-1212", "317.555.1212", "+1 317 555 1212", "1-317-555-1212"), which need the
 * normaliser; "e164" (the default) writes +13175551212. Deterministic for a seed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 88172645463325252ull;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: gen-numbers N [plain|csv] [e164|mixed] [SEED]\n");
        return 2;
    }
    long long n = atoll(argv[1]);
    int csv = argc > 2 && strcmp(argv[2], "csv") == 0;
    int mixed = argc > 3 && strcmp(argv[3], "mixed") == 0;
    if (argc > 4)
        state ^= strtoull(argv[4], NULL, 10) * 0x9E3779B97F4A7C15ull;
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof(buf));
    if (csv)
        fputs("name,phone,until\n", stdout);
    for (long long i = 0; i < n; i++) {
        uint64_t r = next();
        char num[32];
        unsigned kind = (unsigned)(r % 100);
        r /= 100;
        if (kind < 90) { /* NANP */
            unsigned area = 200 + (unsigned)(r % 800), exch = 200 + (unsigned)((r / 800) % 800),
                     line = (unsigned)((r / 640000) % 10000);
            switch (mixed ? i % 4 : 4) {
            case 0:
                snprintf(num, sizeof(num), "(%u) %u-%04u", area, exch, line);
                break;
            case 1:
                snprintf(num, sizeof(num), "%u.%u.%04u", area, exch, line);
                break;
            case 2:
                snprintf(num, sizeof(num), "+1 %u %u %04u", area, exch, line);
                break;
            case 3:
                snprintf(num, sizeof(num), "1-%u-%u-%04u", area, exch, line);
                break;
            default:
                snprintf(num, sizeof(num), "+1%u%u%04u", area, exch, line);
            }
        } else if (kind < 95) { /* UK: +44 20 xxxx xxxx, +44 7xxx xxxxxx */
            snprintf(num, sizeof(num), "+44%s%08llu", kind < 93 ? "20" : "77",
                     (unsigned long long)(r % 100000000));
        } else if (kind < 98) { /* France: +33 1-9 xx xx xx xx */
            snprintf(num, sizeof(num), "+33%u%08llu", 1 + (unsigned)(r % 9),
                     (unsigned long long)((r / 9) % 100000000));
        } else { /* Germany: +49 30 xxxxxxx(x) */
            snprintf(num, sizeof(num), "+4930%0*llu", (int)(7 + r % 2),
                     (unsigned long long)((r / 2) % 10000000));
        }
        if (csv)
            printf("Contact %lld,\"%s\",\n", i, num);
        else
            printf("%s\n", num);
    }
    return 0;
}
