/* Internal: the pairing, the object of authorized organisations (lib/schema/pairing.c): an
 * object of the trusting org ("client"), orgs/<org>/pairings/<id>.json, naming the trustee
 * org ("partner") whose users and groups it lets in and the roles of the trusting org it
 * grants them. Who may change one is decided in lib/core/trust.c, what it grants there too;
 * its verbs are lib/kinds/pair.c and lib/kinds/clone.c. */
#ifndef ORGCTL_PAIRING_H
#define ORGCTL_PAIRING_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "orgctl/kind.h"

/* The most users and groups one pairing authorizes, how long a link works, and the most
 * clones per trust and per org. */
#define ORGCTL_PAIR_MAX_TRUSTEES 25
#define ORGCTL_PAIR_LINK_SECONDS (7 * 24 * 3600)
#define ORGCTL_CLONE_MAX 5

/* The kind's own rules: no self-pairing, at most 25 trustees, grants only once accepted
 * and only to the pairing's users and groups, times that parse. */
int orgctl_pair_validate(orgctl_repo *repo, const char *org, const cJSON *obj);

/* The string `field` of obj, or NULL. */
const char *orgctl_pair_str(const cJSON *obj, const char *field);
/* Whether the JSON list l holds the string s. */
bool orgctl_pair_list_has(const cJSON *l, const char *s);
/* Whether `obj` (a user or group) is the one whose identity was `recorded`: its "id" is
 * that; or neither is there (recorded of an object made before ids, which has none). */
bool orgctl_identity_is(const char *recorded, const cJSON *obj);
/* Whether the user (or group) `obj` named `name` is the one pairing p authorized: the
 * identity p recorded for the name is obj's "id". A pairing that recorded none (made before
 * ids) trusts only an object without one: one made again since has an id, and is someone
 * else. */
bool orgctl_pair_same_identity(const cJSON *p, bool user, const char *name, const cJSON *obj);
bool orgctl_pair_accepted(const cJSON *p);
bool orgctl_pair_enabled(const cJSON *p);
/* Whether the time `field` of p has passed by `now` (an unreadable time: it has). */
bool orgctl_pair_expired(const cJSON *p, const char *field, time_t now);
/* A grant entry: "user/bob/Admin" -> kind "user", who "bob" (who_len bytes), role "Admin". */
bool orgctl_pair_grant_split(const char *entry, char *kind, size_t ksize, const char **who,
                             size_t *who_len, const char **role);

#endif
