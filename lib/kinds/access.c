/* Access groups: users who share a set of roles, a simpler way to provision security
 * than giving each user roles. Members receive the group's roles while it is enabled. */
#include "ops.h"

static const orgctl_param create_params[] = {
    {"description", 0, "TEXT", "what the access group is for"},
    {"member", ORGCTL_PARAM_MULTI, "USER", "a member"},
    {"role", ORGCTL_PARAM_MULTI, "ROLE", "a role its members receive"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param update_params[] = {
    {"description", 0, "TEXT", "what the access group is for"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param list_params[] = {
    {"state", 0, "STATE", "only enabled or disabled access groups"},
    {"member", 0, "USER", "only access groups this user is in"},
    {"role", 0, "ROLE", "only access groups giving this role"},
    {"search", 0, "TEXT", "only access groups whose name contains TEXT"},
    ORGCTL_PARAMS_END,
};

#define W ORGCTL_OP_WRITE
#define EDIT "authorization:accessGroup:edit"
const orgctl_op orgctl_access_ops[] = {
    {"access", "create", "create an access group", W, "authorization:accessGroup:add",
     create_params, orgctl_generic_create},
    {"access", "list", "list access groups", ORGCTL_OP_NO_NAME, "authorization:accessGroup:view",
     list_params, orgctl_generic_list},
    {"access", "show", "show an access group", 0, "authorization:accessGroup:view", NULL,
     orgctl_generic_show},
    {"access", "update", "change an access group's description", W, EDIT, update_params,
     orgctl_generic_update},
    {"access", "rm", "remove an access group (--force: even with members)", W,
     "authorization:accessGroup:delete", orgctl_params_force, orgctl_generic_rm},
    {"access", "copy", "copy an access group, members and all, under a new name", W,
     "authorization:accessGroup:add", orgctl_params_copy, orgctl_generic_copy},
    {"access", "enable", "enable an access group", W, EDIT, NULL, orgctl_generic_enable},
    {"access", "disable", "disable an access group (it then passes on no roles)", W, EDIT, NULL,
     orgctl_generic_disable},
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
