/* SHA-1 (FIPS 180-4): the plain algorithm, and the same with x86-64's SHA instructions
 * (a bulk run hashes every object and then its whole pack: 9% of its instructions in C). */
#include <stdatomic.h>
#include <string.h>

#include "sha1.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHANI_CODE 1
#endif

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

static void compress_one(uint32_t h[5], const unsigned char *p)
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

static void compress_c(uint32_t h[5], const unsigned char *p, size_t blocks)
{
    for (; blocks > 0; blocks--, p += 64)
        compress_one(h, p);
}

#ifdef HAVE_SHANI_CODE
/* Four rounds of the message schedule's steady state (rounds 16..79): the word X just
 * finished feeds the rounds, the next word's last step, the one after's xor and the one
 * after that's first step. Unneeded steps in the last rounds compute unused words. */
#define SHANI_4ROUNDS(X, NEXT, AFTER, LAST, ECUR, EOTHER, F)                                \
    do {                                                                                   \
        ECUR = _mm_sha1nexte_epu32(ECUR, X);                                               \
        EOTHER = abcd;                                                                     \
        NEXT = _mm_sha1msg2_epu32(NEXT, X);                                                \
        abcd = _mm_sha1rnds4_epu32(abcd, ECUR, F);                                         \
        LAST = _mm_sha1msg1_epu32(LAST, X);                                                \
        AFTER = _mm_xor_si128(AFTER, X);                                                   \
    } while (0)

__attribute__((target("sha,sse4.1,ssse3"))) static void
compress_shani(uint32_t h[5], const unsigned char *p, size_t blocks)
{
    const __m128i mask = _mm_set_epi64x(0x0001020304050607ULL, 0x08090a0b0c0d0e0fULL);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0x1B);
    __m128i e0 = _mm_set_epi32((int)h[4], 0, 0, 0), e1;
    for (; blocks > 0; blocks--, p += 64) {
        __m128i abcd_save = abcd, e0_save = e0;
        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), mask);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), mask);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), mask);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), mask);
        /* rounds 0..15: the words as they come */
        e0 = _mm_add_epi32(e0, m0);
        e1 = abcd;
        abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);
        e1 = _mm_sha1nexte_epu32(e1, m1);
        e0 = abcd;
        abcd = _mm_sha1rnds4_epu32(abcd, e1, 0);
        m0 = _mm_sha1msg1_epu32(m0, m1);
        e0 = _mm_sha1nexte_epu32(e0, m2);
        e1 = abcd;
        abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);
        m1 = _mm_sha1msg1_epu32(m1, m2);
        m0 = _mm_xor_si128(m0, m2);
        e1 = _mm_sha1nexte_epu32(e1, m3);
        e0 = abcd;
        m0 = _mm_sha1msg2_epu32(m0, m3);
        abcd = _mm_sha1rnds4_epu32(abcd, e1, 0);
        m2 = _mm_sha1msg1_epu32(m2, m3);
        m1 = _mm_xor_si128(m1, m3);
        /* rounds 16..79, four at a time, the function changing every twenty */
        SHANI_4ROUNDS(m0, m1, m2, m3, e0, e1, 0);
        SHANI_4ROUNDS(m1, m2, m3, m0, e1, e0, 1);
        SHANI_4ROUNDS(m2, m3, m0, m1, e0, e1, 1);
        SHANI_4ROUNDS(m3, m0, m1, m2, e1, e0, 1);
        SHANI_4ROUNDS(m0, m1, m2, m3, e0, e1, 1);
        SHANI_4ROUNDS(m1, m2, m3, m0, e1, e0, 1);
        SHANI_4ROUNDS(m2, m3, m0, m1, e0, e1, 2);
        SHANI_4ROUNDS(m3, m0, m1, m2, e1, e0, 2);
        SHANI_4ROUNDS(m0, m1, m2, m3, e0, e1, 2);
        SHANI_4ROUNDS(m1, m2, m3, m0, e1, e0, 2);
        SHANI_4ROUNDS(m2, m3, m0, m1, e0, e1, 2);
        SHANI_4ROUNDS(m3, m0, m1, m2, e1, e0, 3);
        SHANI_4ROUNDS(m0, m1, m2, m3, e0, e1, 3);
        SHANI_4ROUNDS(m1, m2, m3, m0, e1, e0, 3);
        SHANI_4ROUNDS(m2, m3, m0, m1, e0, e1, 3);
        SHANI_4ROUNDS(m3, m0, m1, m2, e1, e0, 3);
        e0 = _mm_sha1nexte_epu32(e0, e0_save);
        abcd = _mm_add_epi32(abcd, abcd_save);
    }
    _mm_storeu_si128((__m128i *)h, _mm_shuffle_epi32(abcd, 0x1B));
    h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}
#endif

typedef void compress_fn(uint32_t h[5], const unsigned char *p, size_t blocks);

/* The C code, or the SHA instructions when the CPU has them (asked once). */
static compress_fn *compress_impl(void)
{
    static _Atomic(compress_fn *) chosen;
    compress_fn *f = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (f)
        return f;
    f = compress_c;
#ifdef HAVE_SHANI_CODE
    unsigned a, b, c, d;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29)) && /* SHA */
        __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 19)) && (c & (1u << 9))) /* SSE4.1, SSSE3 */
        f = compress_shani;
#endif
    atomic_store_explicit(&chosen, f, memory_order_relaxed);
    return f;
}

static _Atomic bool force_generic;

static void compress(uint32_t h[5], const unsigned char *p, size_t blocks)
{
    (atomic_load_explicit(&force_generic, memory_order_relaxed) ? compress_c
                                                                 : compress_impl())(h, p, blocks);
}

bool orgctl_sha1_accelerated(bool generic)
{
    bool was = !atomic_load(&force_generic) && compress_impl() != compress_c;
    atomic_store(&force_generic, generic);
    return was;
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
        compress(c->h, c->block, 1);
        c->used = 0;
    }
    if (len >= 64) {
        compress(c->h, p, len / 64);
        p += len / 64 * 64;
        len %= 64;
    }
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
