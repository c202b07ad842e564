/* Authorization of changes: what the actor needs to make one change to the repository,
 * derived from what the change does (the object before and after it), whoever asks for it:
 * an operation, a bulk row, a rollback. The change set (changeset.h) calls it for every
 * object it stages, so no writer can go around it.
 *
 * The grant rule: whatever passes permissions on — a role given to a user, group or access
 * group, a permission added to a role, a member added to a group or access group that
 * carries roles, a role, group, access group or user enabled (a user also receives what
 * their groups pass on) — also needs the actor to hold, in that org, every permission
 * passed on. A permission with wildcards ("*:*:*", "directory:*:*") is held when the actor
 * holds it whole or every permission of the catalogue it matches.
 *
 * The actor's rights are asked of the change set's state, and a "yes" holds for the rest
 * of the change set (lib/core/permcache.c): giving up one's own role in it does not refuse its
 * next steps, and the grant rule sees that nothing is gained in it. */
#ifndef ORGCTL_AUTHZ_H
#define ORGCTL_AUTHZ_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "orgctl/kind.h"
#include "orgctl/repo.h"

/* Checks that the repository's actor may turn object `name` of `kind` in `org` from
 * `before` into `after` (before NULL: it is created; after NULL: it is removed): the
 * kind's add, edit or delete permission (kind.h), each changed field's permission, and
 * the grant rule. 0, or ORGCTL_EPERM with a message naming what is missing. */
int orgctl_authorize_change(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                            const char *name, const cJSON *before, const cJSON *after);

/* Checks that the actor holds the kind's edit permission for object `name`, whatever would
 * change: for a verb that finds nothing to change, refused as its change would be. */
int orgctl_authorize_edit(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                          const char *name);

/* The same for a path of the tree that holds no object of a kind: a bulk set's files need
 * the bulk permissions in the set's org, other files in an org's folder
 * directory:organization:admin in that org, any other file that permission in the
 * enterprise org. `before` and `after` are the contents (NULL: absent). */
int orgctl_authorize_file(orgctl_repo *repo, const char *path, const char *before,
                          size_t before_len, const char *after, size_t after_len);

/* The org whose permissions guard `path`, as the change set sees it now (malloc'd). */
char *orgctl_authorize_path_org(orgctl_repo *repo, const char *path);

/* Whether the actor holds `permission` whole in `org`: as orgctl_perm_check, or, when it
 * has wildcards, each permission of the catalogue it matches. */
int orgctl_perm_check_all(orgctl_repo *repo, const char *org, const char *permission);

/* Whether the actor holds every permission that role `role` of `org` lists (whatever its
 * state; a role that does not exist lists none). */
int orgctl_perm_check_role(orgctl_repo *repo, const char *org, const char *role);

#endif
