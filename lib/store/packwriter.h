/* A pack of new objects written straight into objects/pack/ (internal): how a big change
 * set stores its blobs and trees. Writing them one by one through libgit2's object
 * database costs a loose file, or an existence check that re-reads objects/pack, per
 * object; a pack stream (zlib + SHA-1, no deltas) and its .idx written here cost a
 * fraction of that and leave one file pair, as `git fast-import` does.
 *
 * The pack is built in objects/pack/tmp_orgctl_* (removed under the writer lock if a
 * writer dies) and becomes visible only in orgctl_packwriter_finish, before the branch
 * moves: a crash leaves either no pack or a pack nothing refers to yet. */
#ifndef ORGCTL_PACKWRITER_H
#define ORGCTL_PACKWRITER_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

typedef struct orgctl_packwriter orgctl_packwriter;

/* Starts a pack in the repository whose git directory is `gitdir`. */
int orgctl_packwriter_new(orgctl_packwriter **out, git_repository *git, const char *gitdir);

/* Adds an object (once: an object already added is not written again) and gives its id. */
int orgctl_packwriter_add(orgctl_packwriter *pw, git_object_t type, const void *data, size_t len,
                          git_oid *oid);

/* One change to a tree: the blob at `path` becomes `oid`, or goes when `oid` is NULL. */
typedef struct {
    const char *path;
    const git_oid *oid;
} orgctl_tree_change;

/* Sorts changes by path (strcmp), changes to the same path in the order given. */
void orgctl_tree_changes_sort(orgctl_tree_change *changes, size_t n);

/* Writes the trees that `base` (NULL: the empty tree) becomes with `changes` applied,
 * which must be sorted by path (strcmp). Only trees that differ from base are written;
 * sub-trees left empty disappear. *out receives the new root tree. */
int orgctl_packwriter_tree(orgctl_packwriter *pw, git_tree *base, const orgctl_tree_change *changes,
                           size_t n, git_oid *out);

/* The data of an object added (not yet finished): ORGCTL_ENOTFOUND if it was not. How a
 * bulk set reads back what it staged, which the index writer may not have written yet. */
int orgctl_packwriter_read(orgctl_packwriter *pw, const git_oid *oid, strbuf *out);

/* The number of objects added so far. */
size_t orgctl_packwriter_count(const orgctl_packwriter *pw);

/* Ends the pack, writes its .idx, moves both into objects/pack (fsync'd unless
 * ORGCTL_FSYNC=0) and makes libgit2 see them. Nothing is written for an empty pack. */
int orgctl_packwriter_finish(orgctl_packwriter *pw);

/* Frees the writer; an unfinished pack's temporary file is removed. NULL is a no-op. */
void orgctl_packwriter_free(orgctl_packwriter *pw);

#endif
