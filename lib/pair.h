/* Internal: authorized organisations (lib/pair.c). A pairing is an object of the trusting
 * org ("client"), orgs/<client>/pairings/<id>.json: the trustee org ("partner") whose
 * users and groups it lets in, and the roles of the trusting org it grants them. */
#ifndef ORGCTL_PAIR_H
#define ORGCTL_PAIR_H

#include "internal.h"
#include "orgctl/op.h"

extern const orgctl_kind orgctl_kind_pairing;
extern const orgctl_op orgctl_pair_ops[];

/* The most users and groups one pairing authorizes, and how long a link works. */
#define ORGCTL_PAIR_MAX_TRUSTEES 25
#define ORGCTL_PAIR_LINK_SECONDS (7 * 24 * 3600)

/* The roles of `org` that pairings of `org` grant `user` of `user_org` now (directly, or
 * through an enabled group of `user_org` they are a member of): only pairings accepted,
 * enabled and not expired by the one clock. A JSON list (caller frees), or NULL for none. */
cJSON *orgctl_pair_roles(orgctl_repo *repo, const char *org, const char *user_org,
                         const char *user);

/* Whether pairing `id` (NULL: any) of `org`, in force now, trusts `user` of `trustee`
 * (named, or a member of an enabled trusted group). */
bool orgctl_pair_trusts(orgctl_repo *repo, const char *org, const char *trustee, const char *user,
                        const char *id);

/* The pairing `id` as ctx->org sees it: its own (*trusting true) or another org's that
 * admits it; *where the org it is filed in (malloc'd), *obj it (caller frees). */
int orgctl_pair_locate(orgctl_op_ctx *ctx, const char *id, char **where, cJSON **obj,
                       bool *trusting);

/* Clones (lib/clone.c): a user of the trusting org made from a trusted user of the
 * trustee org, named USER@ORG, with options clone_of=USER@ORG and clone_pairing=ID. */
extern const orgctl_op orgctl_clone_ops[];
#define ORGCTL_CLONE_MAX 5
/* The user kind's hooks for clones: the limits, and who may make, change or remove one
 * (1: not a clone, the user kind's own rules decide). */
int orgctl_clone_validate(orgctl_repo *repo, const char *org, const cJSON *user);
int orgctl_clone_authorize(orgctl_repo *repo, const char *org, const char *name,
                           const cJSON *before, const cJSON *after);
/* For the actor check: 0 when the user object `u` of `org` is no clone, or a clone whose
 * trust is in force and whose source is still trusted (then *roles, when not NULL, gets
 * the roles the pairing grants the source, or NULL); ORGCTL_EPERM otherwise. */
int orgctl_clone_usable(orgctl_repo *repo, const char *org, const cJSON *u, cJSON **roles);

#endif
