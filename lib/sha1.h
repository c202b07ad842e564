/* SHA-1 over a stream of bytes (internal): the checksums that end a pack and its index.
 * Object ids are hashed by libgit2 (collision-detecting); these two checksums only guard
 * the files against damage, so a plain SHA-1 is what git itself writes there. */
#ifndef ORGCTL_SHA1_H
#define ORGCTL_SHA1_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[5];
    uint64_t len;
    unsigned char block[64];
    size_t used;
} orgctl_sha1;

void orgctl_sha1_init(orgctl_sha1 *c);
void orgctl_sha1_update(orgctl_sha1 *c, const void *data, size_t len);
void orgctl_sha1_final(orgctl_sha1 *c, unsigned char out[20]);

#endif
