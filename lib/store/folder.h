/* Internal: the files of one folder of the tree at the commit a handle reads, and derived
 * files (caches built from the tree, like the index) kept in <gitdir>/orgctl/cache/
 * (lib/store/folder.c). No libgit2 type crosses it. */
#ifndef ORGCTL_FOLDER_H
#define ORGCTL_FOLDER_H

#include <stdbool.h>
#include <stddef.h>

#include "orgctl/repo.h"

/* The id (40 hex digits) of the tree of the folder `path` at the commit the handle reads:
 * 0, or ORGCTL_ENOTFOUND when there is no such folder. */
int orgctl_store_folder_id(orgctl_repo *repo, const char *path, char out[41]);

/* The id of the commit the handle reads (40 hex digits), or ORGCTL_ENOTFOUND before the
 * first. */
int orgctl_store_head_id(orgctl_repo *repo, char out[41]);

/* Each file under the folder `path` (at any depth) at the commit the handle reads, in path
 * order: cb(rel, data, len, payload), rel its path under the folder, data NULL when only
 * names are asked (`read` false), until cb returns non-zero, which it returns. No folder:
 * no file. A blob that cannot be read is an error naming its path. */
typedef int (*orgctl_store_file_cb)(const char *rel, const char *data, size_t len, void *payload);
int orgctl_store_folder_files(orgctl_repo *repo, const char *path, int read,
                              orgctl_store_file_cb cb, void *payload);

/* Each file that differs between two trees of the repository (ids of 40 hex digits, each
 * a folder's tree as orgctl_store_folder_id gives it, "" for none), descending only into
 * sub-trees whose ids differ: cb(rel, before, data, len, payload), rel its path under them,
 * `before` whether `old_tree` has it, data its content in `new_tree` or NULL when
 * `new_tree` lacks it, until cb returns non-zero, which it returns. A tree or blob that
 * cannot be read is an error naming it. */
typedef int (*orgctl_store_change_cb)(const char *rel, bool before, const char *data, size_t len,
                                      void *payload);
int orgctl_store_tree_changes(orgctl_repo *repo, const char *old_tree, const char *new_tree,
                              orgctl_store_change_cb cb, void *payload);

/* A derived file `name` ([A-Za-z0-9._-]), mapped read-only: 0 with *data and *len, or
 * ORGCTL_ENOTFOUND when there is none. Unmap with orgctl_derived_unmap. */
int orgctl_derived_map(orgctl_repo *repo, const char *name, const void **data, size_t *len);
void orgctl_derived_unmap(const void *data, size_t len);
/* Replaces the derived file `name` by the `n` parts given, atomically (a reader maps the
 * old one or the new one, whole). Not synced: what is lost is built again. */
int orgctl_derived_write(orgctl_repo *repo, const char *name, const void *const *parts,
                         const size_t *lens, size_t n);

/* A derived file written in pieces, as it is made: appended to, then put in place as
 * `name` with its first bytes replaced by `head` (known last: the header of a cache names
 * the tree a commit made), or abandoned. Each frees the writer. */
typedef struct orgctl_derived_writer orgctl_derived_writer;
int orgctl_derived_begin(orgctl_derived_writer **out, orgctl_repo *repo, const char *name);
int orgctl_derived_append(orgctl_derived_writer *w, const void *data, size_t len);
int orgctl_derived_finish(orgctl_derived_writer *w, const void *head, size_t len);
void orgctl_derived_abandon(orgctl_derived_writer *w);

#endif
