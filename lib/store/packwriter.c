/* One pack of new objects, its .idx (version 2) and the trees of a change, written
 * directly; see packwriter.h for why. Pack format: "PACK", version 2, object count, then
 * per object a type-and-size header and its zlib stream, then the SHA-1 of all that. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "packwriter.h"
#include "sha1.h"
#include "store.h"

#define WBUF_SIZE (1 << 20)
/* A user's JSON (~150 bytes) compresses by a fifth at a cost of ~8 us, more than all the
 * rest of writing it; below this size objects are stored (deflate level 0). Trees are
 * always stored: they are mostly SHA-1 ids, which do not compress, and deflating the 256
 * user folders of a 100k-user org took 0.23 s of a 3.6 s bulk run. */
#define SMALL_OBJECT 1024

struct packed {
    git_oid oid;
    uint64_t offset;
    uint32_t crc;
};

struct orgctl_packwriter {
    git_repository *git;
    char *packdir, *tmp_path;
    int fd;
    unsigned char *wbuf;
    size_t wlen;
    uint64_t offset; /* bytes of pack so far, buffered ones included */
    struct packed *objs;
    size_t n, alloc;
    uint32_t *slots; /* open addressing over objs: index + 1, 0 for a free slot */
    size_t nslots;
    z_stream z, zsmall; /* objects of SMALL_OBJECT bytes or more; smaller ones */
    unsigned char *zbuf;
    size_t zcap;
    bool sealed;      /* finishing began: objs is being sorted, and nothing is read back */
    bool broken;      /* a write failed: the pack lacks bytes it counts, so it must not be used */
    int broken_errno; /* what that write failed with */
    bool finished;
};

static int io_error(const char *what, const char *path)
{
    return orgctl_errno_error(errno, "%s %s", what, path);
}

static bool fsync_wanted(void)
{
    const char *env = getenv("ORGCTL_FSYNC");
    return !(env && strcmp(env, "0") == 0);
}

static int write_all(int fd, const void *data, size_t len, const char *path)
{
    return orgctl_write_all(fd, data, len) < 0 ? io_error("cannot write", path) : 0;
}

/* A write failed before (a full disk, say): the pack lacks bytes its offsets count, and is
 * neither added to, read nor installed. */
static int broken_error(const orgctl_packwriter *pw)
{
    return orgctl_errno_error(pw->broken_errno,
                              "%s: an earlier write failed; nothing is "
                              "changed, run the set again once there is room",
                              pw->tmp_path);
}

static int flush(orgctl_packwriter *pw)
{
    int error = write_all(pw->fd, pw->wbuf, pw->wlen, pw->tmp_path);
    pw->wlen = 0;
    return error;
}

static int put(orgctl_packwriter *pw, const void *data, size_t len)
{
    if (pw->broken)
        return broken_error(pw);
    int error = pw->wlen + len > WBUF_SIZE ? flush(pw) : 0;
    if (!error && len > WBUF_SIZE)
        error = write_all(pw->fd, data, len, pw->tmp_path);
    else if (!error) {
        memcpy(pw->wbuf + pw->wlen, data, len);
        pw->wlen += len;
    }
    pw->broken = error < 0;
    pw->broken_errno = errno; /* orgctl_errno_error leaves it as the write had it */
    pw->offset += len;
    return error;
}

int orgctl_packwriter_new(orgctl_packwriter **out, git_repository *git, const char *gitdir)
{
    *out = NULL;
    int loaded = orgctl_crypto_load(); /* every object is hashed: a clean error now, not later */
    if (loaded < 0)
        return loaded;
    orgctl_packwriter *pw = xcalloc(1, sizeof(*pw));
    strbuf sb = STRBUF_INIT;
    pw->fd = -1;
    pw->git = git;
    strbuf_addf(&sb, "%s/objects/pack", gitdir);
    pw->packdir = strbuf_detach(&sb, NULL);
    strbuf_addf(&sb, "%s/tmp_orgctl_pack_XXXXXX", pw->packdir);
    pw->tmp_path = strbuf_detach(&sb, NULL);
    *out = NULL;
    mkdir(pw->packdir, ORGCTL_DIR_MODE);
    if ((pw->fd = mkstemp(pw->tmp_path)) < 0) {
        int error = io_error("cannot create", pw->tmp_path);
        orgctl_packwriter_free(pw);
        return error;
    }
    /* memLevel 4: a small hash table keeps the reset before each object from clearing
     * 64 KB. Level 6 (gzip's): the objects of 1 KB or more are mostly suppression list
     * shards (sorted numbers), which it makes 13% smaller than level 1 with memLevel 2
     * did (issue 16: a list's repository growth <= 1.2x gzip -6) in about the same time,
     * memLevel 2 slowing level 1's matching as much as level 6's search costs. */
    if (deflateInit2(&pw->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15, 4, Z_DEFAULT_STRATEGY) !=
            Z_OK ||
        deflateInit2(&pw->zsmall, Z_NO_COMPRESSION, Z_DEFLATED, 15, 1, Z_DEFAULT_STRATEGY) !=
            Z_OK) {
        orgctl_packwriter_free(pw);
        return orgctl_error_set(ORGCTL_ERROR, "zlib: cannot start a stream");
    }
    pw->wbuf = xmalloc(WBUF_SIZE);
    static const unsigned char header[12] = {'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 0};
    put(pw, header, sizeof(header)); /* the count is filled in by finish */
    *out = pw;
    return 0;
}

static size_t slot_of(const orgctl_packwriter *pw, const git_oid *oid)
{
    uint64_t h;
    memcpy(&h, oid->id, sizeof(h));
    return (size_t)h & (pw->nslots - 1);
}

/* The slot holding oid, or the free slot where it would go. */
static size_t find_slot(const orgctl_packwriter *pw, const git_oid *oid)
{
    size_t j = slot_of(pw, oid);
    while (pw->slots[j] && !git_oid_equal(&pw->objs[pw->slots[j] - 1].oid, oid))
        j = (j + 1) & (pw->nslots - 1);
    return j;
}

static void grow_slots(orgctl_packwriter *pw)
{
    free(pw->slots);
    pw->nslots = pw->nslots ? pw->nslots * 2 : 1024;
    pw->slots = xcalloc(pw->nslots, sizeof(*pw->slots));
    for (size_t i = 0; i < pw->n; i++)
        pw->slots[find_slot(pw, &pw->objs[i].oid)] = (uint32_t)(i + 1);
}

static size_t object_header(unsigned char *hdr, git_object_t type, size_t len)
{
    size_t n = 0;
    unsigned char c = (unsigned char)(((unsigned)type << 4) | (len & 15));
    len >>= 4;
    while (len) {
        hdr[n++] = c | 0x80;
        c = len & 0x7f;
        len >>= 7;
    }
    hdr[n++] = c;
    return n;
}

static int deflate_object(orgctl_packwriter *pw, git_object_t type, const void *data, size_t len,
                          size_t *zlen)
{
    z_stream *z = len < SMALL_OBJECT || type == GIT_OBJECT_TREE ? &pw->zsmall : &pw->z;
    size_t bound = deflateBound(z, (uLong)len);
    if (bound > pw->zcap) {
        pw->zcap = bound;
        pw->zbuf = xrealloc(pw->zbuf, bound);
    }
    deflateReset(z);
    z->next_in = (Bytef *)data;
    z->avail_in = (uInt)len;
    z->next_out = pw->zbuf;
    z->avail_out = (uInt)pw->zcap;
    if (deflate(z, Z_FINISH) != Z_STREAM_END)
        return orgctl_error_set(ORGCTL_ERROR, "zlib: cannot compress an object");
    *zlen = pw->zcap - z->avail_out;
    return 0;
}

/* An object's id: the SHA-1 of "<type> <size>\0" and its data. Plain SHA-1 (lib/util/sha1.c),
 * not libgit2's collision-detecting one, which took twice as long: these are objects we
 * wrote ourselves, not input that could be crafted to collide. */
static void object_id(git_object_t type, const void *data, size_t len, git_oid *oid)
{
    char hdr[48], digits[24];
    const char *name = git_object_type2string(type);
    size_t n = strlen(name), nd = 0;
    memcpy(hdr, name, n);
    hdr[n++] = ' ';
    for (size_t v = len; nd == 0 || v > 0; v /= 10)
        digits[nd++] = (char)('0' + v % 10);
    while (nd > 0)
        hdr[n++] = digits[--nd];
    hdr[n++] = '\0';
    orgctl_sha1 c;
    orgctl_sha1_init(&c);
    orgctl_sha1_update(&c, hdr, n);
    orgctl_sha1_update(&c, data, len);
    orgctl_sha1_final(&c, oid->id);
}

int orgctl_packwriter_add(orgctl_packwriter *pw, git_object_t type, const void *data, size_t len,
                          git_oid *oid)
{
    int error;
    object_id(type, data, len, oid);
    if ((pw->n + 1) * 2 > pw->nslots)
        grow_slots(pw);
    size_t slot = find_slot(pw, oid);
    if (pw->slots[slot])
        return 0;
    if (len > UINT32_MAX)
        return orgctl_error_set(ORGCTL_EINVALID, "an object of %zu bytes is too big", len);
    unsigned char hdr[16];
    size_t hlen = object_header(hdr, type, len), zlen = 0;
    if ((error = deflate_object(pw, type, data, len, &zlen)) < 0)
        return error;
    if (pw->n == pw->alloc) {
        pw->alloc = pw->alloc ? pw->alloc * 2 : 1024;
        pw->objs = xrealloc(pw->objs, pw->alloc * sizeof(*pw->objs));
    }
    struct packed *o = &pw->objs[pw->n];
    git_oid_cpy(&o->oid, oid);
    o->offset = pw->offset;
    o->crc = (uint32_t)crc32(crc32(0, hdr, (uInt)hlen), pw->zbuf, (uInt)zlen);
    if ((error = put(pw, hdr, hlen)) < 0 || (error = put(pw, pw->zbuf, zlen)) < 0)
        return error;
    pw->slots[slot] = (uint32_t)++pw->n;
    return 0;
}

/* Reads bytes [off, off + len) of the pack: from the file up to what was flushed, the
 * rest from the write buffer. */
static int read_back(orgctl_packwriter *pw, uint64_t off, unsigned char *out, size_t len)
{
    uint64_t flushed = pw->offset - pw->wlen;
    while (len > 0 && off < flushed) {
        size_t want = flushed - off < len ? (size_t)(flushed - off) : len;
        ssize_t r = pread(pw->fd, out, want, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return io_error("cannot read back", pw->tmp_path);
        out += r, off += (uint64_t)r, len -= (size_t)r;
    }
    if (len > 0)
        memcpy(out, pw->wbuf + (off - flushed), len);
    return 0;
}

int orgctl_packwriter_read(orgctl_packwriter *pw, const git_oid *oid, strbuf *out)
{
    uint32_t slot = pw->sealed || pw->broken || !pw->nslots ? 0 : pw->slots[find_slot(pw, oid)];
    if (!slot)
        return ORGCTL_ENOTFOUND;
    size_t i = slot - 1; /* objs are in the order written */
    uint64_t start = pw->objs[i].offset;
    size_t len = (size_t)((i + 1 < pw->n ? pw->objs[i + 1].offset : pw->offset) - start);
    unsigned char *raw = xmalloc(len);
    int error = read_back(pw, start, raw, len);
    /* the header: type and size, seven bits a byte after the first four */
    size_t h = 0, size = 0;
    for (int shift = 0; !error && h < len; shift += shift ? 7 : 4) {
        unsigned char c = raw[h++];
        size |= (size_t)(c & (shift ? 0x7f : 0x0f)) << shift;
        if (!(c & 0x80))
            break;
    }
    z_stream z = {0};
    if (!error && inflateInit(&z) == Z_OK) {
        strbuf_grow(out, size + 1);
        z.next_in = raw + h;
        z.avail_in = (uInt)(len - h);
        z.next_out = (Bytef *)out->buf + out->len;
        z.avail_out = (uInt)size + 1;
        if (inflate(&z, Z_FINISH) != Z_STREAM_END || z.total_out != size)
            error =
                orgctl_error_set(ORGCTL_ERROR, "%s: an object does not read back", pw->tmp_path);
        else
            out->len += size, out->buf[out->len] = '\0';
        inflateEnd(&z);
    } else if (!error) {
        error = orgctl_error_set(ORGCTL_ERROR, "zlib: cannot start a stream");
    }
    free(raw);
    return error;
}

size_t orgctl_packwriter_count(const orgctl_packwriter *pw)
{
    return pw->n;
}

/* --- sorting changes ---
 * By sixteen bytes of path at a time, as pairs of numbers: qsort with strcmp took 0.7 s
 * for a million paths, comparing again and again the prefix they share
 * ("orgs/acme/users/") of strings spread over memory. Here a path is read once per
 * sixteen bytes of depth, in the order it was staged (its place in memory), and the
 * sort compares numbers lying side by side. */

struct keyed_change {
    uint64_t hi, lo; /* bytes [depth, depth + 16) of the path, big-endian, 0 past its end */
    size_t index;    /* in the changes given: the same path sorts in the order given */
};

static void set_key(struct keyed_change *k, const char *s)
{
    uint64_t v[2] = {0, 0};
    for (int i = 0; i < 16 && s[i]; i++)
        v[i / 8] |= (uint64_t)(unsigned char)s[i] << (56 - 8 * (i % 8));
    k->hi = v[0];
    k->lo = v[1];
}

static bool same_key(const struct keyed_change *a, const struct keyed_change *b)
{
    return a->hi == b->hi && a->lo == b->lo;
}

static bool key_ends(const struct keyed_change *k)
{
    return (k->lo & 0xff) == 0; /* a path has no NUL: a zero last byte is past its end */
}

static bool keyed_less(const struct keyed_change *a, const struct keyed_change *b)
{
    if (a->hi != b->hi)
        return a->hi < b->hi;
    if (a->lo != b->lo)
        return a->lo < b->lo;
    return a->index < b->index;
}

static void keyed_swap(struct keyed_change *a, struct keyed_change *b)
{
    struct keyed_change t = *a;
    *a = *b;
    *b = t;
}

static int keyed_cmp(const void *a, const void *b)
{
    return keyed_less(a, b) ? -1 : keyed_less(b, a);
}

/* Quicksort in place, keys all distinct thanks to the index: Hoare's partition around the
 * median of three, the smaller side first. Paths come from users' names: after `budget`
 * partitions deep (2 log n), a range goes to qsort, whose worst case is n log n. */
static void keyed_sort(struct keyed_change *k, size_t n, int budget)
{
    while (n > 16) {
        if (budget-- == 0) {
            qsort(k, n, sizeof(*k), keyed_cmp);
            return;
        }
        /* the three put in order where they are: taking their median without moving them
         * went quadratic on staged order (sorted, with a few smaller paths at the end) */
        struct keyed_change *a = &k[0], *m = &k[n / 2], *z = &k[n - 1];
        if (keyed_less(m, a))
            keyed_swap(m, a);
        if (keyed_less(z, m)) {
            keyed_swap(z, m);
            if (keyed_less(m, a))
                keyed_swap(m, a);
        }
        struct keyed_change pivot = *m;
        size_t i = 0, j = n - 1;
        for (;;) {
            while (keyed_less(&k[i], &pivot))
                i++;
            while (keyed_less(&pivot, &k[j]))
                j--;
            if (i >= j)
                break;
            keyed_swap(&k[i++], &k[j--]);
        }
        /* k[0..j] <= pivot <= k[j+1..n) */
        if (j + 1 < n - j - 1) {
            keyed_sort(k, j + 1, budget);
            k += j + 1;
            n -= j + 1;
        } else {
            keyed_sort(k + j + 1, n - j - 1, budget);
            n = j + 1;
        }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && keyed_less(&k[j], &k[j - 1]); j--)
            keyed_swap(&k[j], &k[j - 1]);
}

/* Sorts k[0..n), changes whose paths agree on their first `depth` bytes and go on past
 * them. */
static void sort_level(struct keyed_change *k, size_t n, const orgctl_tree_change *ch, size_t depth)
{
    bool same = true;
    for (size_t i = 0; i < n; i++) {
        set_key(&k[i], ch[k[i].index].path + depth);
        same = same && same_key(&k[i], &k[0]);
    }
    int budget = 0;
    for (size_t m = n; m > 1; m /= 2)
        budget += 2;
    if (!same)
        keyed_sort(k, n, budget);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && same_key(&k[j], &k[i]); j++)
            ;
        if (j - i > 1 && !key_ends(&k[i])) /* (in index order, as sorted or as given) */
            sort_level(k + i, j - i, ch, depth + 16);
    }
}

void orgctl_tree_changes_sort(orgctl_tree_change *changes, size_t n)
{
    struct keyed_change *k = xmalloc((n ? n : 1) * sizeof(*k));
    for (size_t i = 0; i < n; i++)
        k[i].index = i;
    sort_level(k, n, changes, 0);
    /* into a copy, reading the changes once each: in place, cycle by cycle, took three
     * cache misses an entry */
    orgctl_tree_change *sorted = xmalloc((n ? n : 1) * sizeof(*sorted));
    for (size_t i = 0; i < n; i++)
        sorted[i] = changes[k[i].index];
    free(k);
    memcpy(changes, sorted, n * sizeof(*changes));
    free(sorted);
}

/* --- trees --- */

struct tentry {
    const char *name;
    size_t len;
    git_filemode_t mode;
    git_oid oid;
};

/* git's order: names compared bytewise, a tree's name as if it ended in '/'. */
static int tentry_cmp(const char *a, size_t alen, bool adir, const char *b, size_t blen, bool bdir)
{
    size_t n = alen < blen ? alen : blen;
    int c = memcmp(a, b, n);
    if (c)
        return c;
    unsigned ca = alen > n ? (unsigned char)a[n] : adir ? '/' : 0;
    unsigned cb = blen > n ? (unsigned char)b[n] : bdir ? '/' : 0;
    return (int)ca - (int)cb;
}

static void add_tentry(struct tentry **v, size_t *n, size_t *alloc, const char *name, size_t len,
                       git_filemode_t mode, const git_oid *oid)
{
    if (*n == *alloc) {
        *alloc = *alloc ? *alloc * 2 : 64;
        *v = xrealloc(*v, *alloc * sizeof(**v));
    }
    (*v)[*n].name = name;
    (*v)[*n].len = len;
    (*v)[*n].mode = mode;
    git_oid_cpy(&(*v)[*n].oid, oid);
    (*n)++;
}

static int build_tree(orgctl_packwriter *pw, git_tree *base, const orgctl_tree_change *ch, size_t n,
                      size_t prefix, git_oid *out, bool *empty);

/* The new sub-tree for the changes ch[0..n) under the directory `name` (prefix bytes of
 * their paths are the directory's path, '/' included). */
static int build_subtree(orgctl_packwriter *pw, const git_tree_entry *base_entry,
                         const orgctl_tree_change *ch, size_t n, size_t prefix, git_oid *out,
                         bool *empty)
{
    git_tree *sub = NULL;
    int error;
    if (base_entry && git_tree_entry_type(base_entry) == GIT_OBJECT_TREE &&
        (error = git_tree_lookup(&sub, pw->git, git_tree_entry_id(base_entry))) < 0)
        return orgctl_git_error(error, "cannot read a tree");
    error = build_tree(pw, sub, ch, n, prefix, out, empty);
    git_tree_free(sub);
    return error;
}

/* The end of the run of changes from i on under the directory comp[0..len) ('/'
 * included): galloping, then halving. A linear scan read every path once per level of
 * folders above it ("orgs/", "orgs/acme/", "orgs/acme/users/"), each read a cache miss
 * with a million paths in sorted, not staged, order. */
static size_t dir_end(const orgctl_tree_change *ch, size_t i, size_t n, size_t prefix,
                      const char *comp, size_t len)
{
    size_t lo = i + 1, step = 1; /* ch[lo - 1] is in the run */
    while (lo + step - 1 < n && strncmp(ch[lo + step - 1].path + prefix, comp, len) == 0) {
        lo += step;
        step *= 2;
    }
    size_t hi = lo + step - 1 < n ? lo + step - 1 : n; /* ch[hi] is not, or hi == n */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncmp(ch[mid].path + prefix, comp, len) == 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Merges the entries of `base` with the changes (sorted, all under the same prefix), in
 * git order: both sequences are sorted the same way, since a path sorts by its first
 * component followed by '/' for a directory. */
static int merge_level(orgctl_packwriter *pw, git_tree *base, const orgctl_tree_change *ch,
                       size_t n, size_t prefix, struct tentry **v, size_t *nv, size_t *alloc)
{
    size_t nbase = base ? git_tree_entrycount(base) : 0, b = 0, i = 0;
    int error = 0;
    while (!error && (b < nbase || i < n)) {
        const git_tree_entry *be = b < nbase ? git_tree_entry_byindex(base, b) : NULL;
        const char *comp = i < n ? ch[i].path + prefix : NULL;
        const char *slash = comp ? strchr(comp, '/') : NULL;
        size_t clen = comp ? (slash ? (size_t)(slash - comp) : strlen(comp)) : 0;
        int c = !be     ? 1
                : !comp ? -1
                        : tentry_cmp(git_tree_entry_name(be), strlen(git_tree_entry_name(be)),
                                     git_tree_entry_type(be) == GIT_OBJECT_TREE, comp, clen,
                                     slash != NULL);
        if (c < 0) { /* untouched base entry */
            add_tentry(v, nv, alloc, git_tree_entry_name(be), strlen(git_tree_entry_name(be)),
                       git_tree_entry_filemode(be), git_tree_entry_id(be));
            b++;
            continue;
        }
        const git_tree_entry *match = c == 0 ? be : NULL;
        b += c == 0;
        if (!slash) { /* a blob at this level: the last change to it wins */
            while (i + 1 < n && strcmp(ch[i + 1].path, ch[i].path) == 0)
                i++;
            if (ch[i].oid)
                add_tentry(v, nv, alloc, comp, clen, GIT_FILEMODE_BLOB, ch[i].oid);
            i++;
            continue;
        }
        size_t j = dir_end(ch, i, n, prefix, comp, clen + 1);
        git_oid sub;
        bool sub_empty;
        error = build_subtree(pw, match, ch + i, j - i, prefix + clen + 1, &sub, &sub_empty);
        if (!error && !sub_empty)
            add_tentry(v, nv, alloc, comp, clen, GIT_FILEMODE_TREE, &sub);
        i = j;
    }
    return error;
}

static int build_tree(orgctl_packwriter *pw, git_tree *base, const orgctl_tree_change *ch, size_t n,
                      size_t prefix, git_oid *out, bool *empty)
{
    struct tentry *v = NULL;
    size_t nv = 0, alloc = 0;
    strbuf sb = STRBUF_INIT;
    int error = merge_level(pw, base, ch, n, prefix, &v, &nv, &alloc);
    *empty = nv == 0;
    if (error < 0 || (*empty && prefix > 0))
        goto done;
    for (size_t i = 0; i < nv; i++) { /* "<octal mode> <name>\0<raw id>", without printf */
        char mode[16];
        size_t m = sizeof(mode);
        mode[--m] = ' ';
        for (unsigned x = (unsigned)v[i].mode; x || m == sizeof(mode) - 1; x >>= 3)
            mode[--m] = (char)('0' + (x & 7));
        strbuf_add(&sb, mode + m, sizeof(mode) - m);
        strbuf_add(&sb, v[i].name, v[i].len);
        strbuf_addch(&sb, '\0');
        strbuf_add(&sb, v[i].oid.id, GIT_OID_RAWSZ);
    }
    object_id(GIT_OBJECT_TREE, sb.buf ? sb.buf : "", sb.len, out);
    if (!base || !git_oid_equal(out, git_tree_id(base)))
        error = orgctl_packwriter_add(pw, GIT_OBJECT_TREE, sb.buf ? sb.buf : "", sb.len, out);
done:
    strbuf_release(&sb);
    free(v);
    return error;
}

int orgctl_packwriter_tree(orgctl_packwriter *pw, git_tree *base, const orgctl_tree_change *changes,
                           size_t n, git_oid *out)
{
    bool empty;
    return build_tree(pw, base, changes, n, 0, out, &empty);
}

/* --- finishing --- */

static void be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Writes the count into the header, then the SHA-1 of the whole pack after it. */
static int seal_pack(orgctl_packwriter *pw, unsigned char sum[20])
{
    unsigned char count[4];
    int error;
    if ((error = flush(pw)) < 0)
        return error;
    be32(count, (uint32_t)pw->n);
    if (pwrite(pw->fd, count, 4, 8) != 4)
        return io_error("cannot write", pw->tmp_path);
    orgctl_sha1 c;
    orgctl_sha1_init(&c);
    for (uint64_t off = 0; off < pw->offset;) {
        ssize_t r = pread(pw->fd, pw->wbuf, WBUF_SIZE, (off_t)off);
        if (r <= 0)
            return io_error("cannot read back", pw->tmp_path);
        orgctl_sha1_update(&c, pw->wbuf, (size_t)r);
        off += (uint64_t)r;
    }
    orgctl_sha1_final(&c, sum);
    return write_all(pw->fd, sum, 20, pw->tmp_path);
}

static unsigned bucket_of(const struct packed *p)
{
    return (unsigned)p->oid.id[0] << 8 | p->oid.id[1];
}

/* Sorts the objects by id, in place. Ids are uniform: an in-place radix sort on their first
 * two bytes (each object moved once) leaves buckets of a handful (16 at a million), each
 * then sorted by insertion. qsort with git_oid_cmp took 0.8 s of a million-user run, a
 * twentieth at a tenth of the size, and a 32 MB copy; a sorted array of positions instead
 * made the index's writing jump all over the objects. */
static void sort_objects(orgctl_packwriter *pw)
{
    free(pw->slots); /* they hold positions in objs; grow_slots rebuilds them if need be */
    pw->slots = NULL;
    pw->nslots = 0;
    struct packed *o = pw->objs;
    size_t *next = xcalloc(65536 + 1, sizeof(*next)), *end = xmalloc(65536 * sizeof(*end));
    for (size_t i = 0; i < pw->n; i++)
        next[bucket_of(&o[i]) + 1]++;
    for (size_t b = 0; b < 65536; b++) {
        next[b + 1] += next[b];
        end[b] = next[b + 1];
    }
    for (unsigned b = 0; b < 65536; b++)
        while (next[b] < end[b]) {
            struct packed x = o[next[b]];
            for (unsigned bx = bucket_of(&x); bx != b; bx = bucket_of(&x)) {
                struct packed displaced = o[next[bx]]; /* x's place, taken by one to move */
                o[next[bx]++] = x;
                x = displaced;
            }
            o[next[b]++] = x;
        }
    for (size_t b = 0, first = 0; b < 65536; first = end[b++])
        for (size_t i = first + 1; i < end[b]; i++)
            for (size_t j = i; j > first && git_oid_cmp(&o[j - 1].oid, &o[j].oid) > 0; j--) {
                struct packed t = o[j];
                o[j] = o[j - 1];
                o[j - 1] = t;
            }
    free(next);
    free(end);
}

/* The .idx being written: through the pack's write buffer (free once the pack is sealed),
 * its SHA-1 taken a buffer at a time. A million objects make a 28 MB index, not built in
 * memory. */
struct idx_file {
    orgctl_packwriter *pw;
    int fd;
    const char *path;
    orgctl_sha1 sha;
    int error;
};

static void idx_flush(struct idx_file *f)
{
    orgctl_packwriter *pw = f->pw;
    orgctl_sha1_update(&f->sha, pw->wbuf, pw->wlen);
    if (!f->error)
        f->error = write_all(f->fd, pw->wbuf, pw->wlen, f->path);
    pw->wlen = 0;
}

static void idx_put(struct idx_file *f, const void *data, size_t len)
{
    orgctl_packwriter *pw = f->pw;
    if (pw->wlen + len > WBUF_SIZE)
        idx_flush(f);
    memcpy(pw->wbuf + pw->wlen, data, len);
    pw->wlen += len;
}

static void idx_put32(struct idx_file *f, uint32_t v)
{
    unsigned char word[4];
    be32(word, v);
    idx_put(f, word, 4);
}

/* The .idx (version 2): fan-out, sorted ids, CRCs, offsets, the pack's and its own SHA-1. */
static void write_index(struct idx_file *f, const unsigned char pack_sum[20])
{
    sort_objects(f->pw);
    const struct packed *o = f->pw->objs;
    size_t n = f->pw->n;
    idx_put(f, "\377tOc\0\0\0\2", 8);
    size_t k = 0;
    for (unsigned first = 0; first < 256; first++) {
        while (k < n && o[k].oid.id[0] <= first)
            k++;
        idx_put32(f, (uint32_t)k);
    }
    for (size_t i = 0; i < n; i++)
        idx_put(f, o[i].oid.id, GIT_OID_RAWSZ);
    for (size_t i = 0; i < n; i++)
        idx_put32(f, o[i].crc);
    uint32_t nlarge = 0;
    for (size_t i = 0; i < n; i++)
        idx_put32(f, o[i].offset < 0x80000000u ? (uint32_t)o[i].offset : 0x80000000u | nlarge++);
    for (size_t i = 0; i < n; i++)
        if (o[i].offset >= 0x80000000u) {
            idx_put32(f, (uint32_t)(o[i].offset >> 32));
            idx_put32(f, (uint32_t)o[i].offset);
        }
    idx_put(f, pack_sum, 20);
    idx_flush(f);
    unsigned char sum[20];
    orgctl_sha1_final(&f->sha, sum);
    if (!f->error)
        f->error = write_all(f->fd, sum, 20, f->path);
}

static int sync_fd(int fd, const char *path)
{
    return fsync_wanted() && fsync(fd) < 0 ? io_error("cannot sync", path) : 0;
}

static int write_index_file(orgctl_packwriter *pw, const unsigned char pack_sum[20], char **tmp_idx)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/tmp_orgctl_idx_XXXXXX", pw->packdir);
    *tmp_idx = strbuf_detach(&sb, NULL);
    struct idx_file f = {.pw = pw, .fd = mkstemp(*tmp_idx), .path = *tmp_idx};
    if (f.fd < 0)
        return io_error("cannot create", *tmp_idx);
    orgctl_sha1_init(&f.sha);
    write_index(&f, pack_sum);
    int error = f.error ? f.error : sync_fd(f.fd, *tmp_idx);
    fchmod(f.fd, ORGCTL_FILE_MODE & 0440); /* read-only as git's, and not for others */
    close(f.fd);
    return error;
}

/* Moves the pack, then its index (which makes it visible), to their names. */
static int install(orgctl_packwriter *pw, const unsigned char sum[20], const char *tmp_idx)
{
    char hex[41];
    for (int i = 0; i < 20; i++)
        snprintf(hex + 2 * i, 3, "%02x", sum[i]);
    strbuf pack = STRBUF_INIT, idx = STRBUF_INIT;
    strbuf_addf(&pack, "%s/pack-%s.pack", pw->packdir, hex);
    strbuf_addf(&idx, "%s/pack-%s.idx", pw->packdir, hex);
    int error = 0;
    if (rename(pw->tmp_path, strbuf_str(&pack)) < 0)
        error = io_error("cannot install", strbuf_str(&pack));
    else if (rename(tmp_idx, strbuf_str(&idx)) < 0)
        error = io_error("cannot install", strbuf_str(&idx));
    if (!error && fsync_wanted()) {
        /* The pack is not there for sure until its folder is synced: a commit naming its
         * objects must not be written before. On failure it is taken back (index first),
         * as nothing names its objects yet. */
        int dfd = open(pw->packdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fsync(dfd) < 0) {
            error = io_error("cannot sync", pw->packdir);
            unlink(strbuf_str(&idx));
            unlink(strbuf_str(&pack));
        }
        if (dfd >= 0)
            close(dfd);
    }
    strbuf_release(&pack);
    strbuf_release(&idx);
    return error;
}

int orgctl_packwriter_finish(orgctl_packwriter *pw)
{
    unsigned char sum[20];
    char *tmp_idx = NULL;
    git_odb *odb = NULL;
    int error = 0;
    pw->sealed = true;
    if (pw->broken)
        return broken_error(pw);
    if (pw->n == 0)
        goto done;
    if ((error = seal_pack(pw, sum)) < 0 || (error = sync_fd(pw->fd, pw->tmp_path)) < 0)
        goto done;
    fchmod(pw->fd, ORGCTL_FILE_MODE & 0440);
    if ((error = write_index_file(pw, sum, &tmp_idx)) < 0 ||
        (error = install(pw, sum, tmp_idx)) < 0)
        goto done;
    if ((error = git_repository_odb(&odb, pw->git)) < 0 || (error = git_odb_refresh(odb)) < 0)
        error = orgctl_git_error(error, "cannot read the new pack");
done:
    if (tmp_idx)
        unlink(tmp_idx);
    free(tmp_idx);
    git_odb_free(odb);
    pw->finished = error == 0;
    return error;
}

void orgctl_packwriter_free(orgctl_packwriter *pw)
{
    if (!pw)
        return;
    if (pw->fd >= 0) {
        close(pw->fd);
        if (!pw->finished || pw->n == 0)
            unlink(pw->tmp_path);
    }
    deflateEnd(&pw->z);
    deflateEnd(&pw->zsmall);
    free(pw->wbuf);
    free(pw->zbuf);
    free(pw->objs);
    free(pw->slots);
    free(pw->packdir);
    free(pw->tmp_path);
    free(pw);
}
