/* Permissions: the catalogue of known permissions, the table of what each operation
 * needs, and the check of an actor's grants. Strings are "domain:entity:action"; a grant
 * may use "*" for any part, and the action "all" for every action. */
#ifndef ORGCTL_PERM_H
#define ORGCTL_PERM_H

#include <stdbool.h>
#include <cjson/cJSON.h>

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

/* Whether `user` of `user_org` holds `permission` when acting in `org`. 0 yes, filling
 * *via (malloc'd, may be NULL) with how: "role \"R\""; ORGCTL_EPERM no. */
int orgctl_perm_explain(orgctl_repo *repo, const char *org, const char *user_org,
                        const char *user, const char *permission, char **via);

#endif
