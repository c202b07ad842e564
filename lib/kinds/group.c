/* Agent groups: users who work together, with the roles their members receive, the
 * skills the group stands for and a capacity rule. The group holds its members: there is
 * no list of groups in a user. Its standard verbs (create, list, ... disable) are made
 * from its descriptor (lib/schema/kind.c); here are its own. */
#include "ops.h"

#define W ORGCTL_OP_WRITE
#define EDIT "directory:group:edit"
const orgctl_op orgctl_group_ops[] = {
    {"group", "member-add", "add users to an agent group", W, EDIT, orgctl_params_members,
     orgctl_generic_ref_add},
    {"group", "member-rm", "remove users from an agent group", W, EDIT, orgctl_params_members,
     orgctl_generic_ref_rm},
    {"group", "role-add", "give an agent group's members roles", W, "authorization:grant:add",
     orgctl_params_roles, orgctl_generic_ref_add},
    {"group", "role-rm", "take roles from an agent group", W, "authorization:grant:delete",
     orgctl_params_roles, orgctl_generic_ref_rm},
    {"group", "skill-set", "give an agent group a skill at a level", W, "routing:skill:assign",
     orgctl_params_skill_set, orgctl_generic_level_set},
    {"group", "skill-rm", "take skills from an agent group", W, "routing:skill:assign",
     orgctl_params_skill_rm, orgctl_generic_ref_rm},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
