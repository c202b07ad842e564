/* Cloned users (orgctl-clone(1)): the trustee org clones one of its trusted users into the
 * trusting org, as Genesys Cloud's "Clone a user". A clone is a user of the trusting org
 * named USER@TRUSTEE, with options clone_of=USER@TRUSTEE and clone_pairing=ID; it holds
 * what the pairing grants its source (and what the trusting org gives it), and acts only
 * while the pairing is in force and still trusts the source (lib/perm.c asks
 * orgctl_clone_usable). At most 5 clones per trust and per org. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "orgctl/object.h"
#include "orgctl/perm.h"
#include "pair.h"

static const char *str(const cJSON *obj, const char *field)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, field));
}

/* What marks a clone: options clone_of=USER@ORG and clone_pairing=ID. */
static const char *opt(const cJSON *user, const char *key)
{
    return str(cJSON_GetObjectItemCaseSensitive(user, "options"), key);
}

/* Splits "bob@partner" into its user and org (malloc'd); false when it is none. */
static bool split_source(const char *s, char **user, char **org)
{
    const char *at = s ? strrchr(s, '@') : NULL;
    *user = *org = NULL;
    if (!at || at == s || !at[1])
        return false;
    *user = strndup(s, (size_t)(at - s));
    *org = xstrdup(at + 1);
    return true;
}

/* How many clones `org` holds (of pairing `pairing`, when not NULL), the user named
 * `except` aside. Clones are named USER@ORG: only those names are read. */
static int count_clones(orgctl_repo *repo, const char *org, const char *pairing, const char *except)
{
    cJSON *names = NULL, *n;
    if (orgctl_object_names(&names, repo, &orgctl_kind_user, org, "") < 0)
        return -1;
    int count = 0;
    cJSON_ArrayForEach(n, names)
    {
        cJSON *u = NULL;
        if (!strchr(n->valuestring, '@') || (except && strcmp(n->valuestring, except) == 0) ||
            orgctl_object_load(repo, &orgctl_kind_user, org, n->valuestring, &u) < 0) {
            orgctl_error_clear();
            continue;
        }
        if (opt(u, "clone_of") && (!pairing || strcmp(opt(u, "clone_pairing") ?: "", pairing) == 0))
            count++;
        cJSON_Delete(u);
    }
    cJSON_Delete(names);
    return count;
}

int orgctl_clone_validate(orgctl_repo *repo, const char *org, const cJSON *user)
{
    const char *of = opt(user, "clone_of"), *pairing = opt(user, "clone_pairing");
    if (!of && !pairing)
        return 0; /* not a clone: every other user, at no cost */
    const char *name = str(user, "name");
    char *src = NULL, *src_org = NULL;
    bool ok = of && pairing && split_source(of, &src, &src_org) && strcmp(name, of) == 0 &&
              strcmp(src_org, org) != 0;
    free(src);
    free(src_org);
    if (!ok)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "user \"%s\": a clone is named after its source USER@ORG of "
                                "another org (clone_of) and names its pairing",
                                name);
    int trust = count_clones(repo, org, pairing, name);
    int all = trust < 0 ? -1 : count_clones(repo, org, NULL, name);
    if (trust < 0 || all < 0)
        return ORGCTL_ERROR;
    if (trust >= ORGCTL_CLONE_MAX || all >= ORGCTL_CLONE_MAX)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "user \"%s\": at most %d cloned users per trust and per org "
                                "(org \"%s\" has %d, this trust %d)",
                                name, ORGCTL_CLONE_MAX, org, all, trust);
    return 0;
}

static bool same_option(const cJSON *a, const cJSON *b, const char *key)
{
    const char *x = opt(a, key), *y = opt(b, key);
    return x && y ? strcmp(x, y) == 0 : x == y;
}

/* Whether a new clone holds nothing of its own: what it may do comes from its pairing. */
static bool bare_clone(const cJSON *u)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, u)
    {
        if (strcmp(e->string, "name") != 0 && strcmp(e->string, "full_name") != 0 &&
            strcmp(e->string, "email") != 0 && strcmp(e->string, "state") != 0 &&
            strcmp(e->string, "options") != 0)
            return false;
    }
    return cJSON_GetArraySize(cJSON_GetObjectItem(u, "options")) == 2;
}

int orgctl_clone_authorize(orgctl_repo *repo, const char *org, const char *name,
                           const cJSON *before, const cJSON *after)
{
    cJSON *loaded = NULL;
    int error = 1;
    /* a removal: a clone's name holds '@'; only those are read (a bulk rollback removes
     * 100k users) */
    if (before && !after && !str(before, "name") && name && strchr(name, '@') &&
        orgctl_object_load(repo, &orgctl_kind_user, org, name, &loaded) == 0)
        before = loaded;
    orgctl_error_clear();
    bool was = opt(before, "clone_of") || opt(before, "clone_pairing"),
         is = opt(after, "clone_of") || opt(after, "clone_pairing");
    char *src = NULL, *src_org = NULL;
    if (!was && !is)
        goto done; /* no clone: the user kind's rules */
    if (before && after) {
        if (!same_option(before, after, "clone_of") || !same_option(before, after, "clone_pairing"))
            error = orgctl_error_set(ORGCTL_EPERM,
                                     "permission denied: user \"%s\": what it is a clone of "
                                     "never changes",
                                     name);
        goto done; /* managed like any other user */
    }
    split_source(opt(before ? before : after, "clone_of"), &src, &src_org);
    if (!after) { /* the trustee org, or the trusting org as for any user */
        if (src_org && orgctl_perm_check(repo, src_org, "authorization:orgClonedUser:delete") == 0)
            error = 0;
        orgctl_error_clear();
        goto done;
    }
    /* made by the trustee org, of a user the pairing trusts now, holding nothing of its own */
    if (!src_org ||
        (error = orgctl_perm_check(repo, src_org, "authorization:orgClonedUser:add")) < 0)
        goto done;
    if (!orgctl_pair_trusts(repo, org, src_org, src, opt(after, "clone_pairing")))
        error = orgctl_error_set(ORGCTL_EPERM,
                                 "permission denied: \"%s\" is not trusted by pairing \"%s\" "
                                 "of org \"%s\" now",
                                 opt(after, "clone_of"), opt(after, "clone_pairing"), org);
    else
        error = bare_clone(after)
                    ? 0
                    : orgctl_error_set(ORGCTL_EPERM, "permission denied: a clone is made with a "
                                                     "name, full name, e-mail and state only");
done:
    free(src);
    free(src_org);
    cJSON_Delete(loaded);
    return error;
}

int orgctl_clone_usable(orgctl_repo *repo, const char *org, const cJSON *u, cJSON **roles)
{
    const char *of = opt(u, "clone_of");
    if (roles)
        *roles = NULL;
    if (!of)
        return 0;
    char *src = NULL, *src_org = NULL;
    int error = 0;
    cJSON *s = NULL;
    /* the source must still be an enabled user of an enabled org, trusted now */
    if (!split_source(of, &src, &src_org) ||
        orgctl_object_load(repo, &orgctl_kind_user, src_org, src, &s) < 0 ||
        strcmp(str(s, "state") ?: "", "enabled") != 0 ||
        orgctl_object_state(repo, &orgctl_kind_org, src_org, src_org) != 1 ||
        !orgctl_pair_trusts(repo, org, src_org, src, opt(u, "clone_pairing"))) {
        error = orgctl_error_set(ORGCTL_EPERM,
                                 "clone \"%s@%s\" cannot act: its trust is off or %s is no longer "
                                 "trusted",
                                 str(u, "name"), org, of);
    } else if (roles) {
        *roles = orgctl_pair_roles(repo, org, src_org, src);
    }
    cJSON_Delete(s);
    free(src);
    free(src_org);
    return error;
}

/* --- the verbs --- */

/* clone create|rm PAIRING --user USER: the clone's name, and the org it is in. */
static int clone_target(orgctl_op_ctx *ctx, char **where, cJSON **pairing, char **name, char **src)
{
    bool trusting;
    *name = *src = NULL;
    int error = orgctl_pair_locate(ctx, ctx->name, where, pairing, &trusting);
    if (error < 0)
        return error;
    const char *trustee = str(*pairing, "trustee");
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
    if (str(source, "full_name"))
        cJSON_AddStringToObject(u, "full_name", str(source, "full_name"));
    cJSON_AddStringToObject(u, "email", str(source, "email") ?: "");
    cJSON_AddStringToObject(u, "state", "enabled");
    cJSON *options = cJSON_AddObjectToObject(u, "options");
    cJSON_AddStringToObject(options, "clone_of", name);
    cJSON_AddStringToObject(options, "clone_pairing", ctx->name);
    cJSON_Delete(source);
    if ((error = orgctl_changeset_put(ctx->cs, &orgctl_kind_user, where, u)) < 0) {
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
        ctx->repo->skip_permissions ||
                orgctl_perm_check(ctx->repo, ctx->org, "authorization:orgClonedUser:delete") == 0
            ? 0
            : orgctl_perm_check(ctx->repo, ctx->org, "directory:user:delete");
    if (!error)
        error = clone_target(ctx, &where, &pairing, &name, &src);
    if (error >= 0 &&
        (error = orgctl_object_load(ctx->repo, &orgctl_kind_user, where, name, &u)) == 0 &&
        strcmp(opt(u, "clone_pairing") ?: "", ctx->name) != 0)
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
                split_source(opt(u, "clone_of"), &src, &src_org) &&
                (mine || strcmp(src_org, ctx->org) == 0)) {
                cJSON *r = cJSON_CreateObject();
                cJSON_AddStringToObject(r, "name", n->valuestring);
                cJSON_AddStringToObject(r, "org", o->valuestring);
                cJSON_AddStringToObject(r, "pairing", opt(u, "clone_pairing") ?: "");
                cJSON_AddStringToObject(r, "state", str(u, "state") ?: "");
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
     "authorization:orgClonedUser:add", user_params, clone_create, "user"},
    {"clone", "list", "list clones in this org and of its users elsewhere", ORGCTL_OP_NO_NAME,
     "authorization:orgClonedUser:view", NULL, clone_list, "user",
     "name,org,pairing,state,can_act"},
    {"clone", "rm", "remove a clone (either side)", W, NULL, user_params, clone_rm, "user"},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
