/* Parameter tables that verbs of several kinds share, so "member add", "role add" and
 * "skill set" read the same everywhere. */
#include "ops.h"

#define POS_MULTI (ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_MULTI | ORGCTL_PARAM_REQUIRED)

const orgctl_param orgctl_params_members[] = {
    {"member", POS_MULTI, "USER", "users to add or remove (bulk column \"member\")"},
    ORGCTL_PARAMS_END,
};
const orgctl_param orgctl_params_roles[] = {
    {"role", POS_MULTI, "ROLE", "roles to add or remove"},
    ORGCTL_PARAMS_END,
};
const orgctl_param orgctl_params_skill_set[] = {
    {"skill", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_REQUIRED, "SKILL", "the skill"},
    {"level", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_REQUIRED, "LEVEL", "0 to 10"},
    ORGCTL_PARAMS_END,
};
const orgctl_param orgctl_params_skill_rm[] = {
    {"skill", POS_MULTI, "SKILL", "skills to remove"},
    ORGCTL_PARAMS_END,
};
const orgctl_param orgctl_params_force[] = {ORGCTL_PARAM_FORCE, ORGCTL_PARAMS_END};
const orgctl_param orgctl_params_copy[] = {
    {"new-name", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_REQUIRED, "NEW-NAME", "name of the copy"},
    ORGCTL_PARAMS_END,
};
