/* SHA-1 over a stream of bytes (internal): the ids of the objects a bulk change set writes
 * into its pack, and the checksums that end the pack and its index. Plain SHA-1, not the
 * collision-detecting kind libgit2 uses for what it reads: these are objects orgctl made.
 * With the CPU's SHA instructions when it has them (x86-64 SHA-NI). */
#ifndef ORGCTL_SHA1_H
#define ORGCTL_SHA1_H

#include <stdbool.h>
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
/* Whether the SHA instructions are used; `generic` forces the C code (for tests). Returns
 * whether they were in use before. */
bool orgctl_sha1_accelerated(bool generic);

#endif
