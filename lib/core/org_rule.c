/* The rule of disabled orgs on the write path: the change set asks it before it stages
 * anything (lib/core/internal.h, orgctl_org_check_change). */
#include <string.h>

#include "internal.h"

static bool state_is_enabled(const cJSON *obj)
{
    const char *state = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "state"));
    return state && strcmp(state, "enabled") == 0;
}

static int check_target_org(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                            const cJSON *obj)
{
    if (kind == &orgctl_kind_org && obj && !state_is_enabled(obj) &&
        (cJSON_IsTrue(cJSON_GetObjectItem(obj, "enterprise")) ||
         (repo->ctx->enterprise_org && strcmp(org, repo->ctx->enterprise_org) == 0)))
        return orgctl_error_set(ORGCTL_EINVALID,
                                "org \"%s\" is the enterprise org: it cannot be disabled", org);
    /* enabled, or none: a new org, or objects of none (a rollback checks those) */
    if (orgctl_object_state(repo, &orgctl_kind_org, org, org) != 0)
        return 0;
    cJSON *now = NULL;
    bool open = false;
    if (kind == &orgctl_kind_org && obj && orgctl_object_load(repo, kind, org, org, &now) == 0) {
        /* Enabling it again, and nothing more, is the one change it takes. */
        cJSON_ReplaceItemInObjectCaseSensitive(now, "state", cJSON_CreateString("enabled"));
        open = cJSON_Compare(now, obj, true);
    }
    cJSON_Delete(now);
    if (open)
        return 0;
    return orgctl_error_set(ORGCTL_EPERM,
                            "org \"%s\" is disabled: nothing in it changes until the enterprise "
                            "administrator enables it again",
                            org);
}

int orgctl_org_check_change(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                            const cJSON *obj)
{
    int error = 0;
    if (kind->per_org && org && *org)
        error = check_target_org(repo, kind, org, obj);
    /* The org acted in is closed too: no write elsewhere (an enterprise-wide strategy or
     * list) goes through it, only enabling it, which the check above let pass. */
    const char *acting = orgctl_changeset_org(repo->cs);
    if (error < 0 || !acting || !*acting)
        return error;
    if (kind->per_org && org && strcmp(org, acting) == 0)
        return 0;
    return check_target_org(repo, &orgctl_kind_org, acting, NULL);
}
