/* Hashing and random bytes (internal), on OpenSSL's libcrypto, loaded on first use (by
 * its SONAME, read at configure time): SHA-1 for the ids of the objects a bulk change set writes
 * into its pack and the checksums that end the pack and its index (plain SHA-1, not the
 * collision-detecting kind libgit2 uses for what it reads: these are objects orgctl made),
 * SHA-256 and random bytes for tokens. libcrypto picks the CPU's SHA instructions itself. */
#ifndef ORGCTL_SHA1_H
#define ORGCTL_SHA1_H

#include <stddef.h>

typedef struct evp_md_ctx_st EVP_MD_CTX;

typedef struct {
    EVP_MD_CTX *ctx;
} orgctl_sha1;

/* Loads libcrypto now: 0, or ORGCTL_ERROR with a message saying why it cannot be. A caller
 * that can report an error calls it before it hashes; the hashing functions load it
 * themselves, and abort with that message when they cannot. */
int orgctl_crypto_load(void);

/* init cannot fail short of memory (or libcrypto), which aborts like every other
 * allocation here. */
void orgctl_sha1_init(orgctl_sha1 *c);
void orgctl_sha1_update(orgctl_sha1 *c, const void *data, size_t len);
/* The same context over SHA-256 (a file hashed as it is read): update as for SHA-1. */
void orgctl_sha256_init(orgctl_sha1 *c);
/* Writes the digest (20 bytes, or 32 after orgctl_sha256_init) and ends the context (init
 * again to reuse). */
void orgctl_sha1_final(orgctl_sha1 *c, unsigned char *out);

void orgctl_sha256(const void *data, size_t len, unsigned char out[32]);
/* Cryptographically strong random bytes; 0, or -1 (the error set) when libcrypto cannot be
 * loaded or its generator seeded. */
int orgctl_random_bytes(void *buf, size_t len);
/* `len` random bytes written as 2 * len lowercase hex digits and a NUL into out; 0 or -1. */
int orgctl_random_hex(char *out, size_t len);

#endif
