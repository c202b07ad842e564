/* History: the change sets of the repository, shown, diffed and rolled back. A change
 * set is named by its sequence number ("7") or by a git revision (commit id, HEAD~2). */
#ifndef ORGCTL_HISTORY_H
#define ORGCTL_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "orgctl/repo.h"

/* The newest `max` change sets (0: all), newest first, as a JSON array of
 * {id, commit, time, actor, summary, org, command, rolls_back}. Needs audits:changeSet:view. */
int orgctl_history_log(orgctl_repo *repo, size_t max, const char *org, cJSON **out);

/* One change set with what it changed, object by object:
 * {id, commit, ..., changes: [{op: created|updated|deleted, kind, org, name, path}]}. */
int orgctl_history_show(orgctl_repo *repo, const char *id, cJSON **out);

/* The change set as a unified diff of the canonical JSON files (caller frees). */
int orgctl_history_diff(orgctl_repo *repo, const char *id, char **out);

/* Writes a new change set that undoes what change set `id` changed, field by field: each
 * object it touched is merged three-way (its state before the change set, after it, and at
 * HEAD), so later changes of other fields (of other list items, map keys) stay.
 * ORGCTL_ECONFLICT, naming objects and fields, when later change sets changed the same
 * fields again, unless `force`: then the rolled-back values are taken for those fields only.
 * `command` is recorded; *new_id receives the new change set's id (NULL when nothing needed
 * restoring or with `dry_run`). *out describes the rolled-back change set, with "changes":
 * the objects the rollback restores, {op, path}; with `dry_run` the plan, field by field
 * (lib/restore.h), set on ORGCTL_ECONFLICT too, with the conflicts marked. The repository
 * must be opened for writing. */
int orgctl_history_rollback(orgctl_repo *repo, const char *id, bool force, bool dry_run,
                            const char *command, char **new_id, cJSON **out);

#endif
