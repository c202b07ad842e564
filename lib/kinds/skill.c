/* Skills: what agents can do. Users, agent groups and templates hold them at a level from
 * 0 to 10; removing a skill that is held needs --force, which takes it from the holders in
 * the same change set. */
#include "ops.h"

static const orgctl_param create_params[] = {
    {"description", 0, "TEXT", "what the skill is"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param list_params[] = {
    {"state", 0, "STATE", "only enabled or disabled skills"},
    {"search", 0, "TEXT", "only skills whose name contains TEXT"},
    ORGCTL_PARAMS_END,
};

#define W ORGCTL_OP_WRITE
const orgctl_op orgctl_skill_ops[] = {
    {"skill", "create", "create a skill", W, "routing:skill:add", create_params,
     orgctl_generic_create},
    {"skill", "list", "list skills", ORGCTL_OP_NO_NAME, "routing:skill:view", list_params,
     orgctl_generic_list},
    {"skill", "show", "show a skill", 0, "routing:skill:view", NULL, orgctl_generic_show},
    {"skill", "update", "change a skill's description", W, "routing:skill:edit", create_params,
     orgctl_generic_update},
    {"skill", "rm", "remove a skill (--force: also from its holders)", W, "routing:skill:delete",
     orgctl_params_force, orgctl_generic_rm},
    {"skill", "copy", "copy a skill under a new name", W, "routing:skill:add", orgctl_params_copy,
     orgctl_generic_copy},
    {"skill", "enable", "enable a skill", W, "routing:skill:edit", NULL, orgctl_generic_enable},
    {"skill", "disable", "disable a skill", W, "routing:skill:edit", NULL, orgctl_generic_disable},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
