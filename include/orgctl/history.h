/* History: the change sets of the repository, shown, diffed and rolled back. A change
 * set is named by its sequence number ("7") or by a git revision (commit id, HEAD~2). */
#ifndef ORGCTL_HISTORY_H
#define ORGCTL_HISTORY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "orgctl/repo.h"

/* Who may see a change set: an actor who holds audits:changeSet:view in every org it
 * touched (the orgs whose files its tree changed; a file of no org is the enterprise
 * org's). log leaves the others out; show and diff refuse them with ORGCTL_EPERM. */

/* What orgctl_history_log lists: the change sets that pass every filter given (each
 * NULL or 0 when not). */
typedef struct {
    unsigned int version;
    size_t max;              /* the newest `max` that pass (0: all) */
    const char *const *orgs; /* touched at least one of these `norgs` orgs */
    size_t norgs;
    const char *actor;         /* made by "USER@ORG", or by "USER" of any org */
    const char *kind;          /* changed an object of this kind ("user") */
    const char *object;        /* changed this object, "KIND/NAME" ("user/alice") */
    const char *since, *until; /* made at or after / at or before this ISO 8601 UTC time;
                                  a date alone is its first / its last second */
    const char *grep;          /* whose summary or command contains this text */
} orgctl_log_options;
#define ORGCTL_LOG_OPTIONS_VERSION 1
#define ORGCTL_LOG_OPTIONS_INIT                                                                    \
    {                                                                                              \
        ORGCTL_LOG_OPTIONS_VERSION, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL                 \
    }

/* Checks the filters without a repository: ORGCTL_EINVALID naming a bad one. */
int orgctl_log_options_check(const orgctl_log_options *opts);

/* The change sets the actor may see that pass `opts` (NULL: all), newest first, as a
 * JSON array of {id, commit, time, actor, summary, orgs, command, rolls_back}. Needs
 * audits:changeSet:view in the actor's own org. */
int orgctl_history_log(cJSON **out, orgctl_repo *repo, const orgctl_log_options *opts);

/* One change set with what it changed, object by object:
 * {id, commit, ..., orgs, changes: [{op: created|updated|deleted, kind, org, name, path}]}. */
int orgctl_history_show(cJSON **out, orgctl_repo *repo, const char *id);

/* The change set as a unified diff of the canonical JSON files (caller frees), secrets
 * shown as "(set)" or "(changed)", never as they are. */
int orgctl_history_diff(char **out, orgctl_repo *repo, const char *id);

/* The objects a change set changed, one at a time, for a show of a set of 200k objects
 * that holds one: the fields of orgctl_history_show's "changes", valid during the call. */
typedef struct {
    const char *op, *kind, *org, *name, *path;
} orgctl_history_change;
typedef int (*orgctl_history_change_cb)(const orgctl_history_change *change, void *payload);
typedef struct orgctl_history_changes orgctl_history_changes;
/* Finds change set `id` as orgctl_history_show does (ORGCTL_EPERM, ORGCTL_ENOTFOUND);
 * *info describes it as show does, without "changes" (caller frees). */
int orgctl_history_changes_open(orgctl_history_changes **out, cJSON **info, orgctl_repo *repo,
                                const char *id);
/* Calls cb for each object changed, in path order, as often as asked (a table measures
 * its columns first). A non-zero return of cb stops the walk and is returned. */
int orgctl_history_changes_each(orgctl_history_changes *ch, orgctl_history_change_cb cb,
                                void *payload);
void orgctl_history_changes_free(orgctl_history_changes *ch);

/* orgctl_history_diff file by file: cb gets each file's part of the patch (valid during
 * the call); a non-zero return stops and is returned. */
typedef int (*orgctl_history_patch_cb)(const char *text, size_t len, void *payload);
int orgctl_history_diff_each(orgctl_repo *repo, const char *id, orgctl_history_patch_cb cb,
                             void *payload);

/* Writes a new change set that undoes what change set `id` changed, field by field: each
 * object it touched is merged three-way (its state before the change set, after it, and at
 * HEAD), so later changes of other fields (of other list items, map keys) stay.
 * ORGCTL_ECONFLICT, naming objects and fields, when later change sets changed the same
 * fields again, unless `force`: then the rolled-back values are taken for those fields only.
 * `command` is recorded; *new_id receives the new change set's id (NULL when nothing needed
 * restoring or with `dry_run`). *out describes the rolled-back change set, with "changes":
 * the objects the rollback restores, {op, path}; with `dry_run` the plan, field by field
 * (lib/core/restore.h), set on ORGCTL_ECONFLICT too, with the conflicts marked. The repository
 * must be opened for writing. */
int orgctl_history_rollback(char **new_id, cJSON **out, orgctl_repo *repo, const char *id,
                            bool force, bool dry_run, const char *command);

#endif
