/* SHA-1 (FIPS 180-4), the plain algorithm. */
#include <string.h>

#include "sha1.h"

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

/* One round of each kind as a macro and the four kinds in loops of their own: no branch
 * per round (twice as fast as one loop with a switch on the round, measured). */
#define ROUND(f, k)                                                                        \
    do {                                                                                   \
        uint32_t t = ROL(a, 5) + (f) + e + (k) + w[i];                                     \
        e = d;                                                                             \
        d = c;                                                                             \
        c = ROL(b, 30);                                                                    \
        b = a;                                                                             \
        a = t;                                                                             \
    } while (0)

static void compress(uint32_t h[5], const unsigned char *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 80; i++)
        w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    int i = 0;
    for (; i < 20; i++)
        ROUND(d ^ (b & (c ^ d)), 0x5a827999);
    for (; i < 40; i++)
        ROUND(b ^ c ^ d, 0x6ed9eba1);
    for (; i < 60; i++)
        ROUND((b & c) | (d & (b | c)), 0x8f1bbcdc);
    for (; i < 80; i++)
        ROUND(b ^ c ^ d, 0xca62c1d6);
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void orgctl_sha1_init(orgctl_sha1 *c)
{
    static const uint32_t init[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
                                     0xc3d2e1f0};
    memcpy(c->h, init, sizeof(init));
    c->len = 0;
    c->used = 0;
}

void orgctl_sha1_update(orgctl_sha1 *c, const void *data, size_t len)
{
    const unsigned char *p = data;
    c->len += len;
    if (c->used) {
        size_t take = 64 - c->used < len ? 64 - c->used : len;
        memcpy(c->block + c->used, p, take);
        c->used += take;
        p += take;
        len -= take;
        if (c->used < 64)
            return;
        compress(c->h, c->block);
        c->used = 0;
    }
    for (; len >= 64; p += 64, len -= 64)
        compress(c->h, p);
    memcpy(c->block, p, len);
    c->used = len;
}

void orgctl_sha1_final(orgctl_sha1 *c, unsigned char out[20])
{
    uint64_t bits = c->len * 8;
    unsigned char pad[72] = {0x80};
    size_t padlen = c->used < 56 ? 56 - c->used : 120 - c->used;
    for (int i = 0; i < 8; i++)
        pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
    orgctl_sha1_update(c, pad, padlen + 8);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (unsigned char)(c->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)c->h[i];
    }
}
