/* A new config repository: the enterprise account (an org of its own) with its first
 * administrator, who holds Master Admin there and so may act in every org. */
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "options_version.h"
#include "orgctl/org.h"
#include "orgctl/role.h"

static int build_enterprise(orgctl_repo *repo, orgctl_changeset *cs,
                            const orgctl_init_options *opts, char **admin_out)
{
    const char *ent_name = opts && opts->enterprise_name ? opts->enterprise_name : "Enterprise";
    const char *admin = opts && opts->admin_name ? opts->admin_name : "admin";
    char *shortname = NULL;
    strbuf email = STRBUF_INIT;
    int error;
    if ((error = orgctl_name_validate("enterprise name", ent_name)) < 0 ||
        (error = orgctl_name_validate("user", admin)) < 0 ||
        (error = orgctl_org_shortname(&shortname, repo, ent_name)) < 0)
        return error;
    if (opts && opts->admin_email)
        strbuf_adds(&email, opts->admin_email);
    else
        strbuf_addf(&email, "%s@%s.invalid", admin, shortname);

    cJSON *ent = cJSON_CreateObject();
    cJSON_AddStringToObject(ent, "name", ent_name);
    cJSON_AddStringToObject(ent, "org", shortname);
    cJSON_AddStringToObject(ent, "admin", admin);
    cJSON *org = cJSON_CreateObject();
    cJSON_AddStringToObject(org, "shortname", shortname);
    cJSON_AddStringToObject(org, "name", ent_name);
    cJSON_AddStringToObject(org, "state", "enabled");
    cJSON_AddBoolToObject(org, "enterprise", 1);
    cJSON *user = cJSON_CreateObject();
    cJSON_AddStringToObject(user, "name", admin);
    cJSON_AddStringToObject(user, "full_name", "Enterprise administrator");
    cJSON_AddStringToObject(user, "email", strbuf_str(&email));
    cJSON_AddStringToObject(user, "state", "enabled");
    cJSON_AddItemToObject(user, "roles",
                          cJSON_CreateStringArray((const char *[]){ORGCTL_DEFAULT_ROLE}, 1));
    /* the administrator is a user like any other: a pairing may trust it by identity */
    if ((error = orgctl_generic_identity(repo, &orgctl_kind_user, shortname, user)) == 0 &&
        (error = orgctl_changeset_put(cs, &orgctl_kind_enterprise, "", ent)) == 0 &&
        (error = orgctl_changeset_put(cs, &orgctl_kind_org, shortname, org)) == 0 &&
        (error = orgctl_role_put_default(cs, shortname)) == 0 &&
        (error = orgctl_changeset_put(cs, &orgctl_kind_user, shortname, user)) == 0) {
        strbuf who = STRBUF_INIT;
        strbuf_addf(&who, "%s@%s", admin, shortname);
        *admin_out = strbuf_detach(&who, NULL);
    }
    cJSON_Delete(ent);
    cJSON_Delete(org);
    cJSON_Delete(user);
    strbuf_release(&email);
    free(shortname);
    return error;
}

int orgctl_repo_init(char **admin_out, const char *dir, const orgctl_init_options *opts)
{
    orgctl_repo *repo = NULL;
    orgctl_changeset *cs = NULL;
    int error;
    *admin_out = NULL;
    if (opts && (error = orgctl_options_version_check("init", opts->version,
                                                      ORGCTL_INIT_OPTIONS_VERSION)) < 0)
        return error;
    if ((error = orgctl_repo_create(&repo, dir, opts && opts->dry_run)) < 0)
        return error;
    repo->ctx->skip_permissions = true; /* nobody exists yet to hold a permission */
    if ((error = orgctl_changeset_begin(&cs, repo, "orgctl init", NULL)) < 0 ||
        (error = build_enterprise(repo, cs, opts, admin_out)) < 0 ||
        (error = orgctl_repo_set_actor(repo, *admin_out)) < 0)
        goto done;
    if ((error = orgctl_changeset_commit(cs, "init: enterprise account", NULL)) == 0)
        error = orgctl_repo_install(repo); /* until here, it is nowhere to be seen */
done:
    if (error < 0) {
        free(*admin_out);
        *admin_out = NULL;
    }
    orgctl_changeset_free(cs);
    orgctl_repo_free(repo);
    return error;
}
