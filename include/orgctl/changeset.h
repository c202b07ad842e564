/* A change set: an explicit transaction over the config repository. Mutations go through
 * it; nothing is visible to other processes until orgctl_changeset_commit writes one git
 * commit and moves the branch. Reads through the repository see the pending changes. */
#ifndef ORGCTL_CHANGESET_H
#define ORGCTL_CHANGESET_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "orgctl/kind.h"
#include "orgctl/repo.h"

typedef struct orgctl_changeset orgctl_changeset;

enum orgctl_change_op { ORGCTL_CHANGE_CREATE, ORGCTL_CHANGE_UPDATE, ORGCTL_CHANGE_DELETE };

/* Begins a change set on a repository opened with ORGCTL_OPEN_WRITE. `command` is the
 * command line recorded in the commit (no secrets), `org` the org it is about (or NULL;
 * the commit's Org trailers name the orgs its tree changes, see orgctl(5)). One change
 * set at a time per repository. */
int orgctl_changeset_begin(orgctl_changeset **out, orgctl_repo *repo, const char *command,
                           const char *org);

/* The repository the change set writes to. */
orgctl_repo *orgctl_changeset_repo(orgctl_changeset *cs);

/* Validates `obj` as an object of `kind` in `org` (fields, types, unique values,
 * references) and stages it, creating or replacing the object its "name" names. The
 * value is normalised in place (lists sorted). Nothing is staged on error. */
int orgctl_changeset_put(orgctl_changeset *cs, const orgctl_kind *kind, const char *org,
                         cJSON *obj);

/* Stages the removal of an object; ORGCTL_ENOTFOUND when it does not exist. */
int orgctl_changeset_remove(orgctl_changeset *cs, const orgctl_kind *kind, const char *org,
                            const char *name);

/* Stages the payload file `rel` (a path under the object's folder, as the kind's payload
 * names them) of the object `name` of a kind with a payload (orgctl_kind.payload): `data`
 * of `len` bytes, checked by the kind's payload check, or NULL to remove it. The object
 * must exist (as the change set sees it); the change is authorized as an edit of it.
 * Nothing is staged on error. */
int orgctl_changeset_put_payload(orgctl_changeset *cs, const orgctl_kind *kind, const char *org,
                                 const char *name, const char *rel, const char *data, size_t len);

/* Checks, staging nothing, that the change set may edit object `name` of `kind` in `org`:
 * the rule of disabled orgs and the kind's edit permission. A verb that finds nothing to
 * change calls it, so that it is refused as its change would be (authorization before
 * the no-op). */
int orgctl_changeset_check_edit(orgctl_changeset *cs, const orgctl_kind *kind, const char *org,
                                const char *name);

/* Whether `org` is a disabled org, which nothing changes in (lib/core/org_rule.c). */
bool orgctl_changeset_org_disabled(orgctl_changeset *cs, const char *org);

/* Adds a git trailer (e.g. "Rolls-Back", "3") to the commit message. */
void orgctl_changeset_add_trailer(orgctl_changeset *cs, const char *key, const char *value);

/* Marks a savepoint / rolls back to it: bulk uses these to drop a failing row only. */
int orgctl_changeset_savepoint(orgctl_changeset *cs);
int orgctl_changeset_rollback_to_savepoint(orgctl_changeset *cs);
int orgctl_changeset_release_savepoint(orgctl_changeset *cs);

/* Number of staged changes and each one (strings owned by the change set). */
size_t orgctl_changeset_count(orgctl_changeset *cs);
void orgctl_changeset_entry(orgctl_changeset *cs, size_t i, enum orgctl_change_op *op,
                            const char **path);

/* Writes the commit and moves the branch with compare-and-swap. `summary` is the first
 * line of the message. *id_out (may be NULL) receives the change-set id, or NULL when
 * there was nothing to commit (caller frees). ORGCTL_ECONFLICT when another writer moved
 * the branch. On a repository opened with ORGCTL_OPEN_DRY_RUN it finishes the checks and
 * discards the change: no object, no commit, *id_out NULL. */
int orgctl_changeset_commit(orgctl_changeset *cs, const char *summary, char **id_out);

/* Work that follows the commit: once the branch has moved to the change set's commit,
 * on_commit(repo, changes, payload), `changes` the number of entries staged (so a hook
 * registered when its op ended can tell that something was staged after it); then, when
 * the change set is freed, committed or not, done(payload). For derived files an op can
 * make from what it staged better than a later read of the tree (the cache of a
 * suppression list its import replaced). Nothing a hook does can fail the change set. */
void orgctl_changeset_on_commit(orgctl_changeset *cs,
                                void (*on_commit)(orgctl_repo *repo, size_t changes, void *payload),
                                void (*done)(void *payload), void *payload);

/* Discards an uncommitted change set; frees it. NULL is a no-op. */
void orgctl_changeset_free(orgctl_changeset *cs);

#endif
