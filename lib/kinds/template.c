/* User templates: the roles, agent groups, skills and options a user created from one
 * receives ("orgctl user create NAME --template T"). Their verbs belong to the user
 * command: "user template create|list|show|rm". */
#include "ops.h"

static const orgctl_param create_params[] = {
    {"description", 0, "TEXT", "what kind of user it makes"},
    {"role", ORGCTL_PARAM_MULTI, "ROLE", "a role the user holds"},
    {"group", ORGCTL_PARAM_MULTI, "GROUP", "an agent group the user joins"},
    {"skill", ORGCTL_PARAM_MULTI, "SKILL=LEVEL", "a skill the user holds, level 0 to 10"},
    {"option", ORGCTL_PARAM_MULTI, "KEY=VALUE", "an option the user has"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param list_params[] = {
    {"role", 0, "ROLE", "only templates giving this role"},
    {"group", 0, "GROUP", "only templates joining this agent group"},
    {"skill", 0, "SKILL", "only templates giving this skill"},
    {"search", 0, "TEXT", "only templates whose name contains TEXT"},
    ORGCTL_PARAMS_END,
};

#define W ORGCTL_OP_WRITE
const orgctl_op orgctl_template_ops[] = {
    {"user", "template-create", "create a user template", W, "directory:template:add",
     create_params, orgctl_generic_create, "template"},
    {"user", "template-list", "list user templates", ORGCTL_OP_NO_NAME, "directory:template:view",
     list_params, orgctl_generic_list, "template"},
    {"user", "template-show", "show a user template", 0, "directory:template:view", NULL,
     orgctl_generic_show, "template"},
    {"user", "template-rm", "remove a user template (users made from it keep what it gave)", W,
     "directory:template:delete", NULL, orgctl_generic_rm, "template"},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
