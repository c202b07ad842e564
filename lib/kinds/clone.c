/* Cloned users (orgctl-clone(1)): the trustee org clones one of its trusted users into the
 * trusting org, as Genesys Cloud's "Clone a user". A clone is a user of the trusting org
 * named USER@TRUSTEE, with options clone_of=USER@TRUSTEE, clone_pairing=ID and
 * clone_source_id (the source's identity: a source made again is someone else); it holds
 * what the pairing grants its source (and what the trusting org gives it), and acts only
 * while the pairing is in force and still trusts the source (lib/core/perm.c asks
 * orgctl_clone_usable). At most 5 clones per trust and per org. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "orgctl/object.h"
#include "orgctl/perm.h"
#include "trust.h"

/* --- the verbs --- */

/* clone create|rm PAIRING --user USER: the clone's name, and the org it is in. */
static int clone_target(orgctl_op_ctx *ctx, char **where, cJSON **pairing, char **name, char **src)
{
    bool trusting;
    *name = *src = NULL;
    int error = orgctl_pair_locate(ctx, ctx->name, where, pairing, &trusting);
    if (error < 0)
        return error;
    const char *trustee = orgctl_pair_str(*pairing, "trustee");
    const char *user = orgctl_params_get(ctx->params, "user");
    const char *at = strrchr(user, '@');
    *src = at ? strndup(user, (size_t)(at - user)) : xstrdup(user);
    if (at && strcmp(at + 1, trustee) != 0)
        return orgctl_error_set(ORGCTL_EINVALID, "user \"%s\" is not of the trustee org \"%s\"",
                                user, trustee);
    if ((error = orgctl_name_validate("user", *src)) < 0)
        return error;
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s@%s", *src, trustee);
    *name = strbuf_detach(&sb, NULL);
    return trusting ? 1 : 0;
}

static void clear(char *where, cJSON *pairing, char *name, char *src)
{
    free(where);
    cJSON_Delete(pairing);
    free(name);
    free(src);
}

static int clone_create(orgctl_op_ctx *ctx)
{
    char *where = NULL, *name = NULL, *src = NULL;
    cJSON *pairing = NULL, *source = NULL;
    int error = clone_target(ctx, &where, &pairing, &name, &src);
    if (error == 1)
        error = orgctl_error_set(ORGCTL_EPERM, "permission denied: the trustee org clones its "
                                               "users, not the trusting org");
    if (!error)
        error = orgctl_object_load(ctx->repo, &orgctl_kind_user, ctx->org, src, &source);
    if (!error && orgctl_object_exists(ctx->repo, &orgctl_kind_user, where, name))
        error = orgctl_error_set(ORGCTL_EEXISTS, "clone \"%s\" exists in org \"%s\"", name, where);
    if (error < 0) {
        cJSON_Delete(source);
        clear(where, pairing, name, src);
        return error;
    }
    cJSON *u = cJSON_CreateObject();
    cJSON_AddStringToObject(u, "name", name);
    if (orgctl_pair_str(source, "full_name"))
        cJSON_AddStringToObject(u, "full_name", orgctl_pair_str(source, "full_name"));
    cJSON_AddStringToObject(u, "email", orgctl_pair_str(source, "email") ?: "");
    cJSON_AddStringToObject(u, "state", "enabled");
    cJSON *options = cJSON_AddObjectToObject(u, "options");
    cJSON_AddStringToObject(options, "clone_of", name);
    cJSON_AddStringToObject(options, "clone_pairing", ctx->name);
    if (orgctl_pair_str(source, "id")) /* the very user: one made again is someone else */
        cJSON_AddStringToObject(options, "clone_source_id", orgctl_pair_str(source, "id"));
    cJSON_Delete(source);
    if ((error = orgctl_generic_identity(ctx->repo, &orgctl_kind_user, where, u)) <
            0 || /* its own */
        (error = orgctl_changeset_put(ctx->cs, &orgctl_kind_user, where, u)) < 0) {
        cJSON_Delete(u);
    } else {
        ctx->result = u;
        strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "clone create %s in %s", name, where);
        ctx->summary = strbuf_detach(&sb, NULL);
    }
    clear(where, pairing, name, src);
    return error;
}

static int clone_rm(orgctl_op_ctx *ctx)
{
    char *where = NULL, *name = NULL, *src = NULL;
    cJSON *pairing = NULL, *u = NULL;
    /* at least one side's permission in ctx->org before the pairing is looked for */
    int error =
        ctx->repo->ctx->skip_permissions ||
                orgctl_perm_check(ctx->repo, ctx->org, "authorization:orgClonedUser:delete") == 0
            ? 0
            : orgctl_perm_check(ctx->repo, ctx->org, "directory:user:delete");
    if (!error)
        error = clone_target(ctx, &where, &pairing, &name, &src);
    if (error >= 0 &&
        (error = orgctl_object_load(ctx->repo, &orgctl_kind_user, where, name, &u)) == 0 &&
        strcmp(orgctl_clone_option(u, "clone_pairing") ?: "", ctx->name) != 0)
        error = orgctl_error_set(ORGCTL_ENOTFOUND, "no clone \"%s\" of pairing \"%s\"", name,
                                 ctx->name);
    if (!error)
        error = orgctl_changeset_remove(ctx->cs, &orgctl_kind_user, where, name);
    if (!error) {
        strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "clone rm %s in %s", name, where);
        ctx->summary = strbuf_detach(&sb, NULL);
    }
    cJSON_Delete(u);
    clear(where, pairing, name, src);
    return error;
}

/* The clones in ctx->org, and those of ctx->org's users in other orgs. */
static int clone_list(orgctl_op_ctx *ctx)
{
    cJSON *rows = cJSON_CreateArray(), *orgs = NULL, *o;
    int error = orgctl_object_names(&orgs, ctx->repo, &orgctl_kind_org, "", "");
    cJSON_ArrayForEach(o, orgs)
    {
        cJSON *names = NULL, *n;
        bool mine = strcmp(o->valuestring, ctx->org) == 0;
        if (error < 0 || (error = orgctl_object_names(&names, ctx->repo, &orgctl_kind_user,
                                                      o->valuestring, "")) < 0)
            break;
        cJSON_ArrayForEach(n, names)
        {
            cJSON *u = NULL;
            char *src = NULL, *src_org = NULL;
            if (strchr(n->valuestring, '@') &&
                orgctl_object_load(ctx->repo, &orgctl_kind_user, o->valuestring, n->valuestring,
                                   &u) == 0 &&
                orgctl_clone_source(orgctl_clone_option(u, "clone_of"), &src, &src_org) &&
                (mine || strcmp(src_org, ctx->org) == 0)) {
                cJSON *r = cJSON_CreateObject();
                cJSON_AddStringToObject(r, "name", n->valuestring);
                cJSON_AddStringToObject(r, "org", o->valuestring);
                cJSON_AddStringToObject(r, "pairing",
                                        orgctl_clone_option(u, "clone_pairing") ?: "");
                cJSON_AddStringToObject(r, "state", orgctl_pair_str(u, "state") ?: "");
                cJSON_AddBoolToObject(r, "can_act",
                                      orgctl_clone_usable(ctx->repo, o->valuestring, u, NULL) == 0);
                cJSON_AddItemToArray(rows, r);
            }
            orgctl_error_clear();
            cJSON_Delete(u);
            free(src);
            free(src_org);
        }
        cJSON_Delete(names);
    }
    cJSON_Delete(orgs);
    if (error < 0) {
        cJSON_Delete(rows);
        return error;
    }
    ctx->result = rows;
    return 0;
}

static const orgctl_param user_params[] = {
    {"user", ORGCTL_PARAM_REQUIRED, "USER", "the trusted user of the trustee org"},
    ORGCTL_PARAMS_END,
};

#define W ORGCTL_OP_WRITE
const orgctl_op orgctl_clone_ops[] = {
    {"clone", "create", "clone a trusted user into the trusting org (trustee side)", W,
     "authorization:orgClonedUser:add", user_params, clone_create, "user", NULL,
     "authorization:orgClonedUser:add (trustee org), of a user the pairing trusts now"},
    {"clone", "list", "list clones in this org and of its users elsewhere", ORGCTL_OP_NO_NAME,
     "authorization:orgClonedUser:view", NULL, clone_list, "user",
     "name,org,pairing,state,can_act"},
    {"clone", "rm", "remove a clone (either side)", W, NULL, user_params, clone_rm, "user", NULL,
     "authorization:orgClonedUser:delete (trustee org) or directory:user:delete (trusting org)"},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
