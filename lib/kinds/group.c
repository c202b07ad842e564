/* Agent groups: users who work together, with the roles their members receive, the
 * skills the group stands for and a capacity rule. The group holds its members: there is
 * no list of groups in a user. */
#include "ops.h"

static const orgctl_param create_params[] = {
    {"description", 0, "TEXT", "what the group is for"},
    {"member", ORGCTL_PARAM_MULTI, "USER", "a member"},
    {"role", ORGCTL_PARAM_MULTI, "ROLE", "a role its members receive"},
    {"skill", ORGCTL_PARAM_MULTI, "SKILL=LEVEL", "a skill of the group, level 0 to 10"},
    {"capacity", 0, "RULE", "capacity rule of members without their own"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param update_params[] = {
    {"description", 0, "TEXT", "what the group is for"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param list_params[] = {
    {"state", 0, "STATE", "only enabled or disabled groups"},
    {"member", 0, "USER", "only groups this user is in"},
    {"role", 0, "ROLE", "only groups giving this role"},
    {"skill", 0, "SKILL", "only groups with this skill"},
    {"search", 0, "TEXT", "only groups whose name contains TEXT"},
    ORGCTL_PARAMS_END,
};

#define W ORGCTL_OP_WRITE
#define EDIT "directory:group:edit"
const orgctl_op orgctl_group_ops[] = {
    {"group", "create", "create an agent group", W, "directory:group:add", create_params,
     orgctl_generic_create},
    {"group", "list", "list agent groups", ORGCTL_OP_NO_NAME, "directory:group:view", list_params,
     orgctl_generic_list},
    {"group", "show", "show an agent group", 0, "directory:group:view", NULL, orgctl_generic_show},
    {"group", "update", "change an agent group's description", W, EDIT, update_params,
     orgctl_generic_update},
    {"group", "rm", "remove an agent group (--force: even with members)", W,
     "directory:group:delete", orgctl_params_force, orgctl_generic_rm},
    {"group", "copy", "copy an agent group, members and all, under a new name", W,
     "directory:group:add", orgctl_params_copy, orgctl_generic_copy},
    {"group", "enable", "enable an agent group", W, EDIT, NULL, orgctl_generic_enable},
    {"group", "disable", "disable an agent group (it then passes on no roles)", W, EDIT, NULL,
     orgctl_generic_disable},
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
