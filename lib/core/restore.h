/* The restore engine of rollback (internal): undoes the change a change set made, from its
 * parent's tree P to its own tree C, on the tree H of HEAD, field by field. What later
 * change sets did not touch comes back from P whole; an object they changed too is merged
 * three-way (base C, theirs P, ours H), so their unrelated edits stay. */
#ifndef ORGCTL_RESTORE_H
#define ORGCTL_RESTORE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "internal.h"

typedef struct orgctl_restore orgctl_restore;

/* Begins undoing the change from tree `parent` to tree `set` on tree `head` (the trees stay
 * the caller's, alive until orgctl_restore_free). Finds what later change sets changed by a
 * walk of `set` against `head`, at the cost of what changed since. */
int orgctl_restore_begin(orgctl_restore **out, orgctl_repo *repo, orgctl_tree *parent,
                         orgctl_tree *set, orgctl_tree *head);

/* Whether `path`, which the change set left as `after`, exists at HEAD; *changed: whether a
 * later change set changed it. */
bool orgctl_restore_exists_now(orgctl_restore *rs, const char *path, const orgctl_oid *after,
                               bool *changed);

/* Merges every object of the change set that a later change set changed too. A field (a
 * list's item, a map's key) that the change set changed and a later one changed again to
 * something else is a conflict; the merge takes the rolled-back value for it, which is what
 * --force keeps. Returns the number of conflicts in *count (or an error). */
int orgctl_restore_merge(orgctl_restore *rs, size_t *count);

/* The conflicts in one line: up to ten objects, each with its fields. */
const char *orgctl_restore_conflicts(orgctl_restore *rs);

/* Stages the restore in `cs` (NULL: only describes it) and appends to `changes` one entry
 * per object that changes: {op: create|update|delete, path}, and with `detail`
 * {op, kind, org, name, path, conflict, fields: [{field, key, from, to, conflict}]}, where
 * values of secret fields are "set" or null. */
int orgctl_restore_stage(orgctl_restore *rs, orgctl_changeset *cs, cJSON *changes, bool detail);

/* Once staged: refuses (ORGCTL_EINVALID) a merged object that its kind's own rules refuse,
 * its fields coming from different change sets (a combination rule naming a medium a later
 * change set set to 0). References and unique values are check_integrity's. */
int orgctl_restore_validate_merged(orgctl_restore *rs);

/* Once staged, unless forced: ORGCTL_ECONFLICT (message naming them) when the restored state
 * would leave a reference to nothing, an object in an org that is gone, or a value that is no
 * longer unique. `id` names the change set in the message. */
int orgctl_restore_check_integrity(orgctl_restore *rs, const char *id);

/* "user \"bob\" (org acme)", or the path of a file that is no object. */
void orgctl_restore_name(strbuf *sb, const char *path);

void orgctl_restore_free(orgctl_restore *rs);

#endif
