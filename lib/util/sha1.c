/* Hashing and random bytes on libcrypto (see sha1.h). A bulk change set hashes every object
 * it writes, so the digest is fetched once and a finished context is kept per thread for the
 * next init instead of being freed and allocated again (in thread-specific data, whose
 * destructor frees it when the thread ends: the index writer is a thread of its own). */
#include "sha1.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static EVP_MD *sha1_md;
static EVP_MD *sha256_md;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
static pthread_key_t spare_key;
static bool spare_key_made;

static void free_spare(void *ctx)
{
    EVP_MD_CTX_free(ctx);
}

static void fetch_digests(void)
{
    sha1_md = EVP_MD_fetch(NULL, "SHA1", NULL);
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    spare_key_made = pthread_key_create(&spare_key, free_spare) == 0;
}

/* A libcrypto without SHA-1/SHA-256 or out of memory: nothing sensible can go on, as with
 * any other allocation failure in the library. */
static void crypto_failed(const char *what)
{
    fprintf(stderr, "orgctl: libcrypto: %s failed\n", what);
    abort();
}

static const EVP_MD *digest(EVP_MD **md)
{
    pthread_once(&fetch_once, fetch_digests);
    if (!*md)
        crypto_failed("fetching a digest");
    return *md;
}

/* A context for a new digest: this thread's spare one, else a new one. */
static EVP_MD_CTX *take_ctx(void)
{
    pthread_once(&fetch_once, fetch_digests);
    EVP_MD_CTX *ctx = spare_key_made ? pthread_getspecific(spare_key) : NULL;
    if (ctx)
        pthread_setspecific(spare_key, NULL);
    return ctx ? ctx : EVP_MD_CTX_new();
}

void orgctl_sha1_init(orgctl_sha1 *c)
{
    c->ctx = take_ctx();
    if (!c->ctx || !EVP_DigestInit_ex(c->ctx, digest(&sha1_md), NULL))
        crypto_failed("SHA-1 init");
}

void orgctl_sha1_update(orgctl_sha1 *c, const void *data, size_t len)
{
    if (len && !EVP_DigestUpdate(c->ctx, data, len))
        crypto_failed("SHA-1 update");
}

void orgctl_sha256_init(orgctl_sha1 *c)
{
    c->ctx = take_ctx();
    if (!c->ctx || !EVP_DigestInit_ex(c->ctx, digest(&sha256_md), NULL))
        crypto_failed("SHA-256 init");
}

void orgctl_sha1_final(orgctl_sha1 *c, unsigned char *out)
{
    if (!EVP_DigestFinal_ex(c->ctx, out, NULL))
        crypto_failed("digest final");
    if (!spare_key_made || pthread_getspecific(spare_key) ||
        pthread_setspecific(spare_key, c->ctx) != 0)
        EVP_MD_CTX_free(c->ctx);
    c->ctx = NULL;
}

void orgctl_sha256(const void *data, size_t len, unsigned char out[32])
{
    if (!EVP_Digest(data, len, out, NULL, digest(&sha256_md), NULL))
        crypto_failed("SHA-256");
}

int orgctl_random_bytes(void *buf, size_t len)
{
    while (len > 0) {
        int n = len > 1 << 20 ? 1 << 20 : (int)len;
        if (RAND_bytes(buf, n) != 1)
            return -1;
        buf = (unsigned char *)buf + n;
        len -= (size_t)n;
    }
    return 0;
}

int orgctl_random_hex(char *out, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char *b = (unsigned char *)out + len; /* the upper half, read before it is written */
    if (orgctl_random_bytes(b, len) < 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = b[i];
        out[2 * i] = digits[c >> 4];
        out[2 * i + 1] = digits[c & 15];
    }
    out[2 * len] = '\0';
    return 0;
}
