/* Permissions: the catalogue of known permissions, the table of what each operation
 * needs, and the check of an actor's grants. Strings are "domain:entity:action"; a grant
 * may use "*" for any part, and the action "all" for every action. */
#ifndef ORGCTL_PERM_H
#define ORGCTL_PERM_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "orgctl/repo.h"

/* The known permissions, NULL-terminated. */
const char *const *orgctl_perm_catalogue(void);

/* True when the grant `grant` (which may hold wildcards) covers `wanted`. */
bool orgctl_perm_matches(const char *grant, const char *wanted);

/* Checks a permission string: three non-empty parts of [A-Za-z0-9_*] that match at least
 * one permission of the catalogue. ORGCTL_EINVALID with a message otherwise. */
int orgctl_perm_validate(const char *permission);

/* Checks that the repository's actor holds `permission` in `org` (NULL: the actor's own
 * org). ORGCTL_EPERM with a message naming the missing permission otherwise. */
int orgctl_perm_check(orgctl_repo *repo, const char *org, const char *permission);

/* Checks that the repository's actor may act at all: the user exists and is enabled, and
 * so is their org. ORGCTL_EPERM naming what is wrong otherwise. Every permission check
 * makes it too; a command runs it first so that no actor it refuses reads anything. */
int orgctl_perm_actor_check(orgctl_repo *repo);

/* Whether `user` of `user_org` holds `permission` when acting in `org`: through a role
 * they hold, or one of an enabled agent group or access group they are a member of
 * (disabled users, roles and groups grant nothing; the users of a disabled org hold
 * nothing). 0 yes, filling *via (malloc'd, may be NULL) with how: "role \"R\"" or
 * "role \"R\" through agent group \"G\""; ORGCTL_EPERM no. */
int orgctl_perm_explain(char **via, orgctl_repo *repo, const char *org, const char *user_org,
                        const char *user, const char *permission);

/* Answers whether `user` of `org` holds `permission` there, and why, as a JSON object
 * (caller frees): "answer" (bool), "user", "org", "permission", "role" and "group" or
 * "access" (the agent or access group it comes through) when yes, and a "reason" in
 * words. "No" is an answer, not an error: errors are an unknown permission
 * (ORGCTL_EINVALID) or user (ORGCTL_ENOTFOUND). */
int orgctl_perm_answer(cJSON **out, orgctl_repo *repo, const char *org, const char *user,
                       const char *permission);

#endif
