/* Who may see which change sets, and what a view of history may show of them
 * (lib/core/history_view.c). Not installed. */
#ifndef ORGCTL_HISTORY_VIEW_H
#define ORGCTL_HISTORY_VIEW_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "orgctl/history.h"
#include "orgctl/repo.h"
#include "store.h"
#include "strbuf.h"

/* The orgs a change set touched, from its tree against its parent's: the org of each
 * orgs/<org>/ folder that differs, the org of each bulk set that differs (its set.json's
 * "org", on either side), and for anything else (enterprise.json, a path of no org, a
 * folder that is no valid org) the enterprise org. Sorted, without duplicates. */
typedef struct {
    char **orgs;
    size_t n, alloc;
    bool enterprise; /* something of the enterprise account, not of one org, changed */
} orgctl_scope;

/* Compares the two trees (either may be NULL) down to the folders of orgs and bulk sets
 * only: the cost follows the number of orgs, not of objects. */
int orgctl_scope_of(orgctl_repo *repo, orgctl_tree *old_tree, orgctl_tree *new_tree,
                    orgctl_scope *s);
void orgctl_scope_clear(orgctl_scope *s);

/* Appends one "Org: <org>" trailer line per org the change from old_tree to new_tree
 * touches (the commit's own record of its scope, for git users; orgctl trusts the tree). */
int orgctl_scope_trailers(orgctl_repo *repo, orgctl_tree *old_tree, orgctl_tree *new_tree,
                          strbuf *msg);

/* A view of the history for the repository's actor, with the filters of `opts` (NULL:
 * none). ORGCTL_EPERM unless the actor holds audits:changeSet:view in their own org. */
typedef struct orgctl_history_view orgctl_history_view;
int orgctl_history_view_new(orgctl_history_view **out, orgctl_repo *repo,
                            const orgctl_log_options *opts);
void orgctl_history_view_free(orgctl_history_view *v);

/* Whether `log` lists commit c (described by `item`): 1 when the actor may see it and it
 * passes every filter, 0 when not, < 0 on error. Replaces the item's "org" (its trailer)
 * with "orgs", the orgs it touched. */
int orgctl_history_view_match(orgctl_history_view *v, orgctl_commit *c, cJSON *item);

/* For show and diff: ORGCTL_EPERM unless the actor may see commit c, which `item` (may be
 * NULL) describes; replaces its "org" with "orgs" as above. */
int orgctl_history_view_check(orgctl_history_view *v, orgctl_commit *c, cJSON *item);

/* The texts a view may show of a file's two sides (NULL: the side has none): object
 * files with their secret fields (ORGCTL_FIELD_SECRET) as "(set)", or "(changed)" on the
 * new side when it differs; a bulk set's rows with their password hashes as "(set)"; a
 * JSON file that does not parse as a placeholder. *masked is false (and the outputs
 * empty) when nothing needed hiding: the caller shows the bytes as they are. */
void orgctl_history_mask(const char *path, const char *old_data, size_t old_len,
                         const char *new_data, size_t new_len, strbuf *old_out, strbuf *new_out,
                         bool *masked);

#endif
