/* libgit2's functions on object ids that only compute on the id's 20 bytes, defined here
 * as libgit2 1.5 defines them (src/libgit2/oid.c) instead of wrapped (git_lazy.list): the
 * index and the suppression check compare HEAD with the commit a cache reflects, and that
 * must not load libgit2 (git_load.h). */
#include <string.h>

#include <git2/oid.h>

/* A libgit2 whose ids carry their hash type (SHA-256 builds) needs libgit2's own. */
_Static_assert(sizeof(git_oid) == GIT_OID_RAWSZ, "git_oid is 20 bytes of SHA-1");

int git_oid_cmp(const git_oid *a, const git_oid *b)
{
    for (size_t i = 0; i < GIT_OID_RAWSZ; i++)
        if (a->id[i] != b->id[i])
            return a->id[i] - b->id[i];
    return 0;
}

int git_oid_equal(const git_oid *a, const git_oid *b)
{
    return memcmp(a->id, b->id, GIT_OID_RAWSZ) == 0;
}

int git_oid_cpy(git_oid *out, const git_oid *src)
{
    memcpy(out->id, src->id, GIT_OID_RAWSZ);
    return 0;
}

/* The first n - 1 hex digits of the id (all 40 when n > 40) and a NUL; "" for no buffer,
 * and no digits for no id. */
char *git_oid_tostr(char *out, size_t n, const git_oid *id)
{
    static const char digits[] = "0123456789abcdef";
    if (!out || n == 0)
        return "";
    if (n > GIT_OID_HEXSZ + 1 || !id)
        n = id ? GIT_OID_HEXSZ + 1 : 1;
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned char byte = id->id[i / 2];
        out[i] = digits[i % 2 ? byte & 15 : byte >> 4];
    }
    out[n - 1] = '\0';
    return out;
}
