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

#endif
