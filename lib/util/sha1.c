/* Hashing and random bytes on libcrypto (see sha1.h), loaded on first use: a process that
 * hashes nothing (a suppression check, --version) does not map it. A bulk change set hashes
 * every object it writes, so the digest is fetched once and a finished context is kept per
 * thread for the next init instead of being freed and allocated again (in thread-specific
 * data, whose destructor frees it when the thread ends: the index writer is a thread of its
 * own). */
#include "sha1.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "orgctl/errors.h"

#ifndef ORGCTL_LIBCRYPTO_SONAME
#error "ORGCTL_LIBCRYPTO_SONAME is set by lib/meson.build"
#endif

/* The functions of libcrypto used here, resolved once by name (the headers give the types). */
#define CRYPTO_FUNCTIONS(X)                                                                        \
    X(OPENSSL_init_crypto)                                                                         \
    X(EVP_MD_fetch)                                                                                \
    X(EVP_MD_CTX_new)                                                                              \
    X(EVP_MD_CTX_free)                                                                             \
    X(EVP_DigestInit_ex)                                                                           \
    X(EVP_DigestUpdate)                                                                            \
    X(EVP_DigestFinal_ex)                                                                          \
    X(EVP_Digest)                                                                                  \
    X(RAND_bytes)

static struct {
#define SLOT(name) __typeof__(name) *name;
    CRYPTO_FUNCTIONS(SLOT)
#undef SLOT
} crypto;

static EVP_MD *sha1_md;
static EVP_MD *sha256_md;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static bool loaded;
static char load_failure[512];
static pthread_key_t spare_key;
static bool spare_key_made;

static void free_spare(void *ctx)
{
    crypto.EVP_MD_CTX_free(ctx);
}

static void load(void)
{
    void *handle =
        orgctl_dl_open("libcrypto", ORGCTL_LIBCRYPTO_SONAME, load_failure, sizeof(load_failure));
    if (!handle)
        return;
    orgctl_dl_fn fn;
#define RESOLVE(name)                                                                              \
    if (!(fn = orgctl_dl_function(handle, #name))) {                                               \
        snprintf(load_failure, sizeof(load_failure), "cannot load libcrypto (%s): it lacks %s",    \
                 ORGCTL_LIBCRYPTO_SONAME, #name);                                                  \
        return;                                                                                    \
    }                                                                                              \
    crypto.name = (__typeof__(name) *)fn;
    CRYPTO_FUNCTIONS(RESOLVE)
#undef RESOLVE
    spare_key_made = pthread_key_create(&spare_key, free_spare) == 0;
    loaded = true;
}

/* The digests, fetched on the first hash rather than at the load: a small change set
 * (suppress add) hashes nothing of its own, and the fetch starts libcrypto's providers
 * (2 ms). Content digests (object ids, a file's SHA-256) need the default provider alone,
 * so the system's openssl.cnf is not read (1.3 ms more). */
static pthread_once_t digests_once = PTHREAD_ONCE_INIT;

static void fetch_digests(void)
{
    crypto.OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    sha1_md = crypto.EVP_MD_fetch(NULL, "SHA1", NULL);
    sha256_md = crypto.EVP_MD_fetch(NULL, "SHA256", NULL);
}

int orgctl_crypto_load(void)
{
    pthread_once(&load_once, load);
    return loaded ? 0 : orgctl_error_set(ORGCTL_ERROR, "%s", load_failure);
}

/* A libcrypto that cannot be loaded, or a failure out of memory, where the caller has no
 * error path (a digest of what is being written): nothing sensible can go on, as with any
 * other allocation failure in the library. Callers that can report an error call
 * orgctl_crypto_load first. */
static void crypto_failed(const char *what)
{
    fprintf(stderr, "orgctl: %s\n", loaded ? what : load_failure);
    abort();
}

static void need_crypto(void)
{
    pthread_once(&load_once, load);
    if (!loaded)
        crypto_failed(load_failure);
    pthread_once(&digests_once, fetch_digests);
    if (!sha1_md || !sha256_md)
        crypto_failed(!sha1_md ? "libcrypto has no SHA-1" : "libcrypto has no SHA-256");
}

/* A context for a new digest: this thread's spare one, else a new one. */
static EVP_MD_CTX *take_ctx(void)
{
    need_crypto();
    EVP_MD_CTX *ctx = spare_key_made ? pthread_getspecific(spare_key) : NULL;
    if (ctx)
        pthread_setspecific(spare_key, NULL);
    return ctx ? ctx : crypto.EVP_MD_CTX_new();
}

void orgctl_sha1_init(orgctl_sha1 *c)
{
    c->ctx = take_ctx();
    if (!c->ctx || !crypto.EVP_DigestInit_ex(c->ctx, sha1_md, NULL))
        crypto_failed("SHA-1 init");
}

void orgctl_sha1_update(orgctl_sha1 *c, const void *data, size_t len)
{
    if (len && !crypto.EVP_DigestUpdate(c->ctx, data, len))
        crypto_failed("SHA-1 update");
}

void orgctl_sha256_init(orgctl_sha1 *c)
{
    c->ctx = take_ctx();
    if (!c->ctx || !crypto.EVP_DigestInit_ex(c->ctx, sha256_md, NULL))
        crypto_failed("SHA-256 init");
}

void orgctl_sha1_final(orgctl_sha1 *c, unsigned char *out)
{
    if (!crypto.EVP_DigestFinal_ex(c->ctx, out, NULL))
        crypto_failed("digest final");
    if (!spare_key_made || pthread_getspecific(spare_key) ||
        pthread_setspecific(spare_key, c->ctx) != 0)
        crypto.EVP_MD_CTX_free(c->ctx);
    c->ctx = NULL;
}

void orgctl_sha256(const void *data, size_t len, unsigned char out[32])
{
    need_crypto();
    if (!crypto.EVP_Digest(data, len, out, NULL, sha256_md, NULL))
        crypto_failed("SHA-256");
}

int orgctl_random_bytes(void *buf, size_t len)
{
    if (orgctl_crypto_load() < 0)
        return -1;
    while (len > 0) {
        int n = len > 1 << 20 ? 1 << 20 : (int)len;
        if (crypto.RAND_bytes(buf, n) != 1)
            return orgctl_error_set(ORGCTL_ERROR, "libcrypto's random generator cannot be seeded");
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
