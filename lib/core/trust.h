/* Internal: what pairings and clones decide in the core (lib/core/trust.c): who may change a
 * pairing or a clone, whatever makes the change (lib/core/authz.c asks), and what a
 * pairing in force grants a trustee or a clone (lib/core/perm.c asks). */
#ifndef ORGCTL_TRUST_H
#define ORGCTL_TRUST_H

#include "internal.h"
#include "pairing.h"

/* The permissions of a pairing's two sides (the trustee org, the trusting org). */
#define P_VIEW "authorization:orgTrustee:view"
#define P_ADD "authorization:orgTrustee:add"
#define P_EDIT "authorization:orgTrustee:edit"
#define P_DELETE "authorization:orgTrustee:delete"
#define P_TRUSTOR_VIEW "authorization:orgTrustor:view"
#define P_TRUSTOR_DELETE "authorization:orgTrustor:delete"
/* To see the roles a pairing offers, and so to grant or revoke one (the seeds' prerequisite
 * "Authorization > Role > View" of the trusting org). */
#define P_ROLE_VIEW "authorization:role:view"

/* Authorizes every change to a pairing: `before` NULL for a creation, `after` NULL for a
 * removal (`before` then may hold nothing of it). */
int orgctl_pair_authorize(orgctl_repo *repo, const char *org, const char *name, const cJSON *before,
                          const cJSON *after);
/* perm1 in org1, else perm2 in org2: 0, or the refusal of the second. */
/* The permission an action needs on a pairing's trustee users
 * (authorization:orgTrusteeUser:ACTION) or trustee groups (orgTrusteeGroup). */
enum orgctl_trustee_action { TRUSTEE_ADD, TRUSTEE_VIEW, TRUSTEE_EDIT, TRUSTEE_DELETE };
const char *orgctl_trustee_perm(bool user, enum orgctl_trustee_action action);

int orgctl_pair_either(orgctl_repo *repo, const char *org1, const char *perm1, const char *org2,
                       const char *perm2);
/* The roles of `org` that pairings of `org` grant `user` of `user_org` now (directly, or
 * through an enabled group of `user_org` they are a member of): only pairings accepted,
 * enabled and not expired by the one clock. A JSON list (caller frees), or NULL for none. */
cJSON *orgctl_pair_roles(orgctl_repo *repo, const char *org, const char *user_org,
                         const char *user);
/* Whether `user` of `trustee` is authorized by pairing p: named, or in a named group. */
bool orgctl_pair_trusted(orgctl_repo *repo, const cJSON *p, const char *trustee, const char *user);
/* Whether pairing `id` (NULL: any) of `org`, in force now, trusts `user` of `trustee`. */
bool orgctl_pair_trusts(orgctl_repo *repo, const char *org, const char *trustee, const char *user,
                        const char *id);

/* Clones: a user of the trusting org named USER@TRUSTEE, with options
 * clone_of=USER@TRUSTEE and clone_pairing=ID. The option `key` of a user, or NULL. */
const char *orgctl_clone_option(const cJSON *user, const char *key);
/* Splits "bob@partner" into its user and org (malloc'd); false when it is none. */
bool orgctl_clone_source(const char *s, char **user, char **org);
/* The limits of clones (5 per trust and per org): 0 for a user that is no clone. */
int orgctl_clone_validate(orgctl_repo *repo, const char *org, const cJSON *user);
/* Who may make, re-mark or remove a clone: 1 for a user that is no clone (the user kind's
 * own rules decide). */
int orgctl_clone_authorize(orgctl_repo *repo, const char *org, const char *name,
                           const cJSON *before, const cJSON *after);
/* For the actor check: 0 when the user object `u` of `org` is no clone, or a clone whose
 * trust is in force and whose source is still trusted (then *roles, when not NULL, gets
 * the roles the pairing grants the source, or NULL); ORGCTL_EPERM otherwise. */
int orgctl_clone_usable(orgctl_repo *repo, const char *org, const cJSON *u, cJSON **roles);

#endif
