/* The E.164 normaliser's speed (issue 16: suppress imports 10M numbers), against its baseline
 * in the same run: copying the digits out of each number, the least work any normaliser
 * does. Usage: bench-phone [N] (default 10,000,000 numbers, default region US). Makes N
 * numbers in the seeds' mixed formats ("(317) 555-1212", "+1 317 555 1212", "1.515.555.0100",
 * "+81 965-431-3024", "011 44 20 8765 4321", ...) in memory, then times both over them and
 * prints numbers per second and the ratio. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phone.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static unsigned next(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* Writes one number in one of the seeds' formats into p; returns its length. */
static int make_number(char *p)
{
    char d[16];
    d[0] = (char)('2' + next(8)); /* NANP area code and exchange start 2-9 */
    for (int i = 1; i < 10; i++)
        d[i] = (char)('0' + next(10));
    d[3] = (char)('2' + next(8));
    switch (next(9)) {
    case 0:
        return sprintf(p, "(%.3s) %.3s-%.4s", d, d + 3, d + 6);
    case 1:
        return sprintf(p, "%.3s.%.3s.%.4s", d, d + 3, d + 6);
    case 2:
        return sprintf(p, "+1 %.3s %.3s %.4s", d, d + 3, d + 6);
    case 3:
        return sprintf(p, "1-%.3s-%.3s-%.4s", d, d + 3, d + 6);
    case 4:
        return sprintf(p, "1.%.3s.%.3s.%.4s", d, d + 3, d + 6);
    case 5:
        return sprintf(p, "+81 %.3s-%.3s-%.4s", d, d + 3, d + 6);
    case 6:
        return sprintf(p, "011 44 20 %.4s %.4s", d + 2, d + 6);
    case 7:
        return sprintf(p, "+91 80 %.3s %.4s", d + 3, d + 6);
    default:
        return sprintf(p, "%.10s", d);
    }
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000000;
    const orgctl_phone_region *us = orgctl_phone_region_lookup("US");
    char *buf = malloc(n * 24), out[ORGCTL_E164_MAX];
    uint32_t *off = malloc((n + 1) * sizeof(*off));
    size_t accepted = 0, digits = 0, at = 0;
    double t0, t_base, t_norm;

    if (!buf || !off || n == 0 || n > 100000000) {
        fprintf(stderr, "usage: bench-phone [N], N from 1 to 100,000,000\n");
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        off[i] = (uint32_t)at;
        at += (size_t)make_number(buf + at);
    }
    off[n] = (uint32_t)at;

    t0 = seconds();
    for (size_t i = 0; i < n; i++) { /* baseline: the digits of each number, nothing else */
        int k = 0;
        for (uint32_t j = off[i]; j < off[i + 1] && k < ORGCTL_E164_MAX - 1; j++)
            if (buf[j] >= '0' && buf[j] <= '9')
                out[k++] = buf[j];
        out[k] = '\0';
        digits += (size_t)k + (unsigned char)out[0];
    }
    t_base = seconds() - t0;

    t0 = seconds();
    for (size_t i = 0; i < n; i++)
        accepted += orgctl_phone_normalize(out, NULL, us, buf + off[i], off[i + 1] - off[i]) == 0;
    t_norm = seconds() - t0;

    printf("numbers:             %zu (%zu accepted; checksum %zu)\n", n, accepted, digits);
    printf("baseline, digits:    %.3f s, %.1f M numbers/s\n", t_base, n / t_base / 1e6);
    printf("orgctl_phone_normalize: %.3f s, %.1f M numbers/s\n", t_norm, n / t_norm / 1e6);
    printf("ratio normalize/baseline: %.2f\n", t_norm / t_base);
    free(buf);
    free(off);
    return 0;
}
