/* Access groups: users who share a set of roles, a simpler way to provision security
 * than giving each user roles. Members receive the group's roles while it is enabled. Its
 * standard verbs are made from its descriptor (lib/schema/kind.c); here are its own. */
#include "ops.h"

#define W ORGCTL_OP_WRITE
#define EDIT "authorization:accessGroup:edit"
const orgctl_op orgctl_access_ops[] = {
    {"access", "member-add", "add users to an access group", W, EDIT, orgctl_params_members,
     orgctl_generic_ref_add},
    {"access", "member-rm", "remove users from an access group", W, EDIT, orgctl_params_members,
     orgctl_generic_ref_rm},
    {"access", "role-add", "give an access group's members roles", W, "authorization:grant:add",
     orgctl_params_roles, orgctl_generic_ref_add},
    {"access", "role-rm", "take roles from an access group", W, "authorization:grant:delete",
     orgctl_params_roles, orgctl_generic_ref_rm},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
