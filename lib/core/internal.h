/* The core's internals, shared by lib/core/ and the layers above it (kinds, bulk): the
 * context of a repository handle (actor, enterprise), change sets, permissions, objects. The
 * store's part of the handle is in lib/store/store.h. Not installed. */
#ifndef ORGCTL_INTERNAL_H
#define ORGCTL_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "index_key.h"
#include "orgctl/changeset.h"
#include "orgctl/errors.h"
#include "orgctl/kind.h"
#include "orgctl/repo.h"
#include "strbuf.h"

#include "store.h"

/* The core's part of a repository handle (repo->ctx), made as it is opened
 * (lib/core/context.c). */
struct orgctl_context {
    char *actor; /* "user@org" */
    char *actor_user, *actor_org;
    char *enterprise_org;
    char *enterprise_admin;
    bool skip_permissions;                /* only while init builds the first change set */
    struct orgctl_perm_cache *perm_cache; /* while a bulk set runs (lib/core/permcache.c) */
};

/* --- bulk change sets (lib/core/changeset.c) --- */
/* Begins a bulk change set of about `paths` objects, in one call that owns all its
 * machinery until its commit or free: its blobs and trees go into one pack
 * (lib/store/packwriter.h) instead of loose objects, and the index gets a bulk set's page
 * cache (orgctl_index_tune_bulk). Flags: ORGCTL_BULK_DRY, never to be committed (a plan):
 * no objects at all; ORGCTL_BULK_ROWS, rows that read back what they wrote (a bulk set's):
 * the index is written by a thread of its own (lib/store/index_writer.h) and the paths
 * found are kept (orgctl_index_cache_start); ORGCTL_BULK_DEFER_DELETES, the index's
 * deletes wait and go in together (orgctl_index_defer_deletes). */
#define ORGCTL_BULK_DRY 1u
#define ORGCTL_BULK_ROWS 2u
#define ORGCTL_BULK_DEFER_DELETES 4u
int orgctl_changeset_begin_bulk(orgctl_changeset **out, orgctl_repo *repo, const char *command,
                                const char *org, size_t paths, unsigned flags);
/* The large-change path for a change set about to stage about `paths` objects (a forced rm
 * of something many objects refer to, a rollback): one call, before anything is staged,
 * when there are more than ORGCTL_CHANGESET_LARGE: bulk mode as orgctl_changeset_begin_bulk
 * gives it, with deferred deletes (`dry`: ORGCTL_BULK_DRY). */
#define ORGCTL_CHANGESET_LARGE 256
int orgctl_changeset_large(orgctl_changeset *cs, size_t paths, bool dry);
/* The id the change set's commit will get (0: none can be had). */
long orgctl_changeset_next_id(orgctl_changeset *cs);
/* Whether the change set staged `path`: 1 written, 0 removed, -1 not staged. */
int orgctl_changeset_staged(orgctl_changeset *cs, const char *path);
/* What a bulk change set staged at `path`, read back from its pack (*data NULL: removed);
 * false when it cannot tell (not staged, no pack: a dry set or not a bulk one). */
bool orgctl_changeset_read_staged(orgctl_changeset *cs, const char *path, char **data);
/* The state of the object at `path` kept for orgctl_object_state (1 enabled, 0 disabled,
 * -1 none) until the change set stages that path again or rolls back to a savepoint:
 * false when none is kept. */
bool orgctl_changeset_state_known(orgctl_changeset *cs, const char *path, int *state);
void orgctl_changeset_state_keep(orgctl_changeset *cs, const char *path, int state);
/* The index writer's sequence number of the last write of `path`'s row (0: none). */
uint64_t orgctl_changeset_index_seq(orgctl_changeset *cs, const char *path);

/* The contents of `path` as the change set sees it (staged, else at the base commit;
 * `base`: at the base commit only) into `out`: 1 when it exists, 0 when not. A dry bulk
 * change set keeps no contents: its staged files read as at the base commit. */
int orgctl_changeset_read_current(orgctl_repo *repo, const char *path, bool base, strbuf *out);

/* The org the change set acts in (--org), NULL for none. */
const char *orgctl_changeset_org(const orgctl_changeset *cs);

/* Whether the change set may stage a change to an object of `kind` in `org` (obj: its new
 * version, NULL for a removal): nothing in a disabled org changes, by anyone, but its
 * org.json going back to enabled and nothing else (only the enterprise's users reach a
 * disabled org: its own cannot act); the enterprise org is never disabled. ORGCTL_EPERM,
 * or ORGCTL_EINVALID for the enterprise org (lib/core/org_rule.c). Acting in a disabled org
 * (the change set's --org), nothing is written anywhere, enterprise-wide kinds included,
 * but that org enabled again. */
int orgctl_org_check_change(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                            const cJSON *obj);

/* --- files that are no object of a kind: a bulk set's (bulk/<set>/<file>) ---
 * The layer that writes them (lib/bulk/) says how they are authorized, whose org they
 * are and what a view of history may show of them: it registers that as the library is
 * loaded (a constructor in lib/bulk/bulk_store.c), since a rollback or `show` of a bulk
 * set calls nothing of bulk's before, and the core calls nothing above it. Unregistered
 * (a program linked without lib/bulk/), such a file is refused and hidden, never
 * skipped (lib/core/authz.c). */
#define ORGCTL_BULK_FOLDER "bulk/"
struct orgctl_bulk_files {
    /* orgctl_authorize_file for bulk/<set>/<file>: the bulk permissions in the set's org. */
    int (*authorize)(orgctl_repo *repo, const char *path, const char *before, size_t before_len,
                     const char *after, size_t after_len);
    /* The org of the set `path` belongs to (malloc'd). */
    char *(*org)(orgctl_repo *repo, const char *path);
    /* Appends the stored `data` of file `path` to `out` with its secrets masked (a set's
     * rows: their password hashes); false (and nothing appended) when it holds none. */
    bool (*mask)(const char *path, const char *data, size_t len, strbuf *out);
};
void orgctl_bulk_files_register(const struct orgctl_bulk_files *files);
/* What is registered, or NULL. */
const struct orgctl_bulk_files *orgctl_bulk_files(void);

/* Refuses a staged state in which the enterprise administrator (enterprise.json) no longer
 * holds directory:organization:admin in the enterprise org: nobody could repair it. */
int orgctl_perm_keep_enterprise_admin(orgctl_repo *repo);

/* --- permission answers kept while a change set is open (lib/core/permcache.c) --- */
/* Starts keeping answers; each start is ended by a stop, the last of which drops them. */
void orgctl_perm_cache_start(orgctl_repo *repo);
void orgctl_perm_cache_stop(orgctl_repo *repo);
/* orgctl_perm_check's answer, kept: called by it while the cache is on. */
int orgctl_perm_cache_check(orgctl_repo *repo, const char *org, const char *permission);
/* answer(repo, org, role), kept while the cache is on (the grant rule's "does the actor
 * hold every permission of the role"). */
int orgctl_perm_cache_role(orgctl_repo *repo, const char *org, const char *role,
                           int (*answer)(orgctl_repo *repo, const char *org, const char *role));
/* answer(repo, org, fact), kept for the change set: a fact of the org that its changes
 * do not make wrong in a way that matters (lib/core/authz.c says why). 0 or 1 is the answer,
 * not an error. */
int orgctl_perm_cache_fact(orgctl_repo *repo, const char *org, const char *fact,
                           int (*answer)(orgctl_repo *repo, const char *org, const char *fact));
/* Drops every answer: the actor changes. */
void orgctl_perm_cache_forget(orgctl_repo *repo);
/* A change to an object (kind NULL: to anything) drops the answers it may change. */
void orgctl_perm_cache_changed(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                               const char *name);

/* --- objects (lib/core/object.c) --- */
/* Parses the JSON of an object; ORGCTL_ENOTFOUND (with a message naming it) when absent. */
int orgctl_object_load(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                       const char *name, cJSON **out);
bool orgctl_object_exists(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                          const char *name);
/* 1 when the object is enabled (or its kind has no state), 0 when disabled, -1 when it
 * does not exist; while a change set is open, as it sees it, kept for the next ask (the
 * rows of a bulk set ask about the same few orgs, roles and skills over and over). */
int orgctl_object_state(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                        const char *name);
/* Refuses (ORGCTL_EINVALID) a reference `obj` makes, and the object stored under its name
 * does not, to a disabled object: a disabled skill, role, capacity rule or agent group
 * cannot be newly given, while those who hold it keep it. Membership lists are not
 * references of this kind. Part of orgctl_object_validate. */
int orgctl_object_check_assignable(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                                   const cJSON *obj);
/* Appends to `found` one {kind, field, name} per object in `org` whose field refers to
 * object `name` of kind `target`, through every ref_kind of the table. */
int orgctl_object_references(orgctl_repo *repo, const orgctl_kind *target, const char *org,
                             const char *name, cJSON *found);
/* The number of objects other than the org itself that live in `org`. */
int orgctl_object_count_in_org(orgctl_repo *repo, const char *org, long *count);
/* Validates obj against its kind (generic rules of the table). */
int orgctl_object_validate(orgctl_repo *repo, const orgctl_kind *kind, const char *org, cJSON *obj);
/* The same for a change of `before` (NULL: a new object), the object as the change set
 * holds it, valid: the references it held already are not looked up again. */
int orgctl_object_validate_change(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                                  cJSON *obj, const cJSON *before);
/* Warns (orgctl_warning, once a file) of the files of the tree that break their kind's
 * rules and would be the object `name` of kind in org (name NULL: any of kind in org; org
 * NULL: in any org), and appends "path: problem" of the first to `first` (may be NULL);
 * returns how many there are. */
int orgctl_object_warn_invalid(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                               const char *name, strbuf *first);
/* Refuses (ORGCTL_EINVALID, naming the file) to write the object `name` of kind in org when
 * a file of the tree that breaks the rules holds it: a change set never builds on what
 * cannot be read, nor makes a second copy of an object filed in the wrong place. */
int orgctl_object_refuse_invalid(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                                 const char *name);
/* Validates obj as found in the tree at the path of `name` (of kind in org): its kind's
 * rules that concern the object alone (shape, fields, values) and that it bears the name
 * of its path. References and unique values span objects: the index checks them. */
int orgctl_object_validate_stored(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                                  const char *name, cJSON *obj);
/* Calls cb for each reference obj makes (each value of a field with a ref_kind), until cb
 * returns non-zero, which it returns (orgctl_object_ref_cb: lib/store/store.h). */
int orgctl_object_refs(const orgctl_kind *kind, const cJSON *obj, orgctl_object_ref_cb cb,
                       void *payload);

/* orgctl_store_create with the core's context (lib/core/context.c). */
int orgctl_repo_create(orgctl_repo **out, const char *dir, bool dry);
/* Stages raw file contents at a tree path (NULL data removes the path), unchecked: for
 * rollback's restore (earlier bytes exactly, each authorized by the restore) and bulk's own
 * set files. Internal only: a library user goes through put and remove, which validate. */
int orgctl_changeset_put_raw(orgctl_changeset *cs, const char *path, const char *data, size_t len);
#endif
