/* Roles: named sets of permissions. The verbs are operations in op.h ("role create"...). */
#ifndef ORGCTL_ROLE_H
#define ORGCTL_ROLE_H

#include "orgctl/changeset.h"

/* The name of the default role every org has. */
#define ORGCTL_DEFAULT_ROLE "Master Admin"

/* Stages the default role "Master Admin" with every permission ("*:*:*") in `org`,
 * replacing whatever role of that name is there. */
int orgctl_role_put_default(orgctl_changeset *cs, const char *org);

#endif
