/* Orgs: shortnames, creation with the default role, and the org verbs. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "orgctl/object.h"
#include "orgctl/org.h"
#include "orgctl/perm.h"
#include "orgctl/role.h"
#include "orgctl/settings.h"

int orgctl_org_shortname(orgctl_repo *repo, const char *company_name, char **out)
{
    strbuf sb = STRBUF_INIT;
    *out = NULL;
    /* The seed's rule: lowercase; spaces and special characters are removed, except
     * dashes. A leading dash would make no valid shortname, so those go too. */
    for (const unsigned char *p = (const unsigned char *)company_name; *p; p++) {
        int c = *p;
        if (c < 0x80 && isalnum(c))
            strbuf_addch(&sb, (char)tolower(c));
        else if (c == '-' && sb.len > 0)
            strbuf_addch(&sb, '-');
    }
    if (sb.len > 60)
        sb.buf[sb.len = 60] = '\0';
    if (sb.len == 0) {
        strbuf_release(&sb);
        return orgctl_error_set(ORGCTL_EINVALID,
                                "company name \"%s\" leaves no shortname; give --shortname",
                                company_name);
    }
    char *base = strbuf_detach(&sb, NULL);
    char *candidate = xstrdup(base);
    for (int n = 1; orgctl_object_exists(repo, &orgctl_kind_org, candidate, candidate); n++) {
        free(candidate);
        strbuf_addf(&sb, "%s%d", base, n);
        candidate = strbuf_detach(&sb, NULL);
    }
    free(base);
    *out = candidate;
    return 0;
}

static int apply_settings(orgctl_op_ctx *ctx, cJSON *obj)
{
    cJSON *settings = cJSON_GetObjectItemCaseSensitive(obj, "settings");
    if (!settings)
        settings = cJSON_AddObjectToObject(obj, "settings");
    for (size_t i = 0; i < orgctl_params_count(ctx->params, "setting"); i++) {
        char *k, *v;
        int error = orgctl_parse_kv("setting", orgctl_params_at(ctx->params, "setting", i), &k, &v);
        if (error < 0)
            return error;
        cJSON_DeleteItemFromObjectCaseSensitive(settings, k);
        cJSON_AddStringToObject(settings, k, v);
        free(k);
        free(v);
    }
    for (size_t i = 0; i < orgctl_params_count(ctx->params, "unset-setting"); i++) {
        const char *key = orgctl_params_at(ctx->params, "unset-setting", i);
        /* a key no org has: a typo, not a silent change set that changes nothing */
        if (!orgctl_setting_lookup(key) && !cJSON_GetObjectItemCaseSensitive(settings, key))
            return orgctl_setting_check(key, NULL);
        cJSON_DeleteItemFromObjectCaseSensitive(settings, key);
    }
    return 0;
}

/* A new org, with the default role "Master Admin" holding every permission. */
static int org_create(orgctl_op_ctx *ctx)
{
    orgctl_repo *repo = ctx->repo;
    const char *given = orgctl_params_get(ctx->params, "shortname");
    char *shortname = NULL;
    int error;
    if ((error = orgctl_perm_check(repo, repo->ctx->enterprise_org,
                                   "directory:organization:admin")) < 0)
        return error;
    if (given) {
        if ((error = orgctl_org_shortname_validate(given)) < 0)
            return error;
        if (orgctl_object_exists(repo, &orgctl_kind_org, given, given))
            return orgctl_error_set(ORGCTL_EEXISTS, "shortname \"%s\" is taken", given);
        shortname = xstrdup(given);
    } else if ((error = orgctl_org_shortname(repo, ctx->name, &shortname)) < 0) {
        return error;
    }
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "shortname", shortname);
    cJSON_AddStringToObject(obj, "name", ctx->name);
    cJSON_AddStringToObject(obj, "state", "enabled");
    cJSON_AddBoolToObject(obj, "enterprise", !repo->ctx->enterprise_org);
    if ((error = apply_settings(ctx, obj)) < 0) {
        cJSON_Delete(obj);
        goto done;
    }
    ctx->org = shortname;
    if ((error = orgctl_generic_put(ctx, obj)) < 0 ||
        (error = orgctl_role_put_default(ctx->cs, shortname)) < 0)
        goto done;
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "org create %s", shortname);
    ctx->summary = strbuf_detach(&sb, NULL);
done:
    ctx->org = NULL;
    free(shortname);
    return error;
}

static int org_update(orgctl_op_ctx *ctx)
{
    cJSON *obj = NULL;
    /* A new company name follows the rules of the one given to create: no invisible
     * characters or spaces but U+0020 (it shows in every listing). */
    const char *company = orgctl_params_get(ctx->params, "name");
    int error = company ? orgctl_name_validate("company name", company) : 0;
    if (error < 0 || (error = orgctl_generic_load(ctx, &obj)) < 0)
        return error;
    if ((error = orgctl_generic_set_fields(ctx, obj)) < 0 ||
        (error = apply_settings(ctx, obj)) < 0) {
        cJSON_Delete(obj);
        return error;
    }
    return orgctl_generic_put(ctx, obj);
}

static int org_list(orgctl_op_ctx *ctx)
{
    int error = orgctl_object_list(ctx->repo, &orgctl_kind_org, "", NULL, 0, NULL, &ctx->result);
    return error < 0 ? error : orgctl_generic_present_list(ctx, ctx->result);
}

static const orgctl_param create_params[] = {
    {"shortname", 0, "SHORTNAME", "the org's id (default: derived from the company name)"},
    {"setting", ORGCTL_PARAM_MULTI, "KEY=VALUE", "a setting of the org"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param update_params[] = {
    {"name", 0, "NAME", "the company name (the shortname never changes)"},
    {"setting", ORGCTL_PARAM_MULTI, "KEY=VALUE", "set a setting"},
    {"unset-setting", ORGCTL_PARAM_MULTI, "KEY", "remove a setting"},
    ORGCTL_PARAMS_END,
};

#define ORG_ADMIN "directory:organization:admin"
#define SELF (ORGCTL_OP_NO_ORG | ORGCTL_OP_SELF_ORG)
const orgctl_op orgctl_org_ops[] = {
    {"org", "create", "create an org from its company name", ORGCTL_OP_WRITE | ORGCTL_OP_NO_ORG,
     NULL, create_params, org_create},
    {"org", "list", "list the orgs of the enterprise", ORGCTL_OP_NO_ORG | ORGCTL_OP_NO_NAME,
     "directory:organization:view", NULL, org_list},
    {"org", "update", "change an org's name or settings", ORGCTL_OP_WRITE | SELF, ORG_ADMIN,
     update_params, org_update},
    {"org", "settings", "show the settings in force in an org, its own and the enterprise's", SELF,
     "directory:organization:view", NULL, orgctl_settings_op_show, NULL,
     "key,value,org,enterprise,default"},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
