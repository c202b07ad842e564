/* Authorized organisations: the pairing of a trusting org ("client") with a trustee org
 * ("partner"), as Genesys Cloud's "Authorized organizations" (lib/schema/pairing.h).
 *
 * The trustee asks (pair request: a link holding a random token, of which only a SHA-256
 * is stored), the trusting org accepts (pair accept) and grants roles of its own to the
 * trustee's users and groups. Every change to a pairing goes through the change set and is
 * authorized here (pair_authorize, the kind's hook), whoever makes it and however: a
 * command, a bulk row, a rollback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "orgctl/authz.h"
#include "orgctl/object.h"
#include "orgctl/perm.h"
#include "sha1.h"
#include "trust.h"

#define LINK_PREFIX "orgctl://pair/"
#define TOKEN_BYTES 16 /* 128 bits */
#define ID_BYTES 8

static cJSON *list(cJSON *obj, const char *field)
{
    cJSON *l = cJSON_GetObjectItemCaseSensitive(obj, field);
    if (!cJSON_IsArray(l)) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, field);
        l = cJSON_AddArrayToObject(obj, field);
    }
    return l;
}

static cJSON *map(cJSON *obj, const char *field)
{
    cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, field);
    if (!cJSON_IsObject(m)) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, field);
        m = cJSON_AddObjectToObject(obj, field);
    }
    return m;
}

static void list_remove(cJSON *l, const char *s)
{
    for (int i = cJSON_GetArraySize(l) - 1; i >= 0; i--)
        if (strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(l, i)) ?: "", s) == 0)
            cJSON_DeleteItemFromArray(l, i);
}

static void hex(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static void token_hash(const char *token, char out[65])
{
    unsigned char d[32];
    orgctl_sha256(token, strlen(token), d);
    hex(d, 32, out);
}

/* --- finding a pairing from either side --- */

enum side { TRUSTING, TRUSTEE };

/* The pairing `id` as seen from ctx->org: one of its own (it trusts), or one of another
 * org that admits it (the trustee). *where is the org it is filed in (malloc'd). */
static int locate(orgctl_op_ctx *ctx, const char *id, char **where, cJSON **obj, enum side *side)
{
    *obj = NULL;
    *where = NULL;
    int error = orgctl_name_validate("pairing", id);
    if (error < 0)
        return error;
    if (orgctl_object_exists(ctx->repo, &orgctl_kind_pairing, ctx->org, id)) {
        *side = TRUSTING;
        *where = xstrdup(ctx->org);
        return orgctl_object_load(ctx->repo, &orgctl_kind_pairing, ctx->org, id, obj);
    }
    cJSON *orgs = NULL, *o;
    if ((error = orgctl_object_names(&orgs, ctx->repo, &orgctl_kind_org, "", "")) < 0)
        return error;
    cJSON_ArrayForEach(o, orgs)
    {
        cJSON *p = NULL;
        if (!orgctl_object_exists(ctx->repo, &orgctl_kind_pairing, o->valuestring, id))
            continue;
        if (orgctl_object_load(ctx->repo, &orgctl_kind_pairing, o->valuestring, id, &p) == 0 &&
            strcmp(orgctl_pair_str(p, "trustee") ?: "", ctx->org) == 0) {
            *side = TRUSTEE;
            *where = xstrdup(o->valuestring);
            *obj = p;
            break;
        }
        orgctl_error_clear();
        cJSON_Delete(p);
    }
    cJSON_Delete(orgs);
    if (!*obj)
        return orgctl_error_set(ORGCTL_ENOTFOUND, "pairing \"%s\" not found for org \"%s\"", id,
                                ctx->org);
    return 0;
}

int orgctl_pair_locate(orgctl_op_ctx *ctx, const char *id, char **where, cJSON **obj,
                       bool *trusting)
{
    enum side side = TRUSTING;
    int error = locate(ctx, id, where, obj, &side);
    *trusting = side == TRUSTING;
    return error;
}

static int locate_side(orgctl_op_ctx *ctx, enum side want, char **where, cJSON **obj)
{
    enum side side;
    int error = locate(ctx, ctx->name, where, obj, &side);
    if (error < 0)
        return error;
    if (side != want) {
        error = orgctl_error_set(ORGCTL_EPERM,
                                 "permission denied: only the %s org (\"%s\") may do this to "
                                 "pairing \"%s\"",
                                 want == TRUSTING ? "trusting" : "trustee",
                                 want == TRUSTING ? *where : orgctl_pair_str(*obj, "trustee"),
                                 ctx->name);
        cJSON_Delete(*obj);
        free(*where);
        *obj = NULL;
        *where = NULL;
    }
    return error;
}

/* Stages a pairing filed in `where`; the result is it, without its secret. */
static int put(orgctl_op_ctx *ctx, const char *where, cJSON *obj)
{
    int error = orgctl_changeset_put(ctx->cs, &orgctl_kind_pairing, where, obj);
    if (error < 0) {
        cJSON_Delete(obj);
        return error;
    }
    orgctl_kind_fill(&orgctl_kind_pairing, obj);
    cJSON_Delete(ctx->result);
    ctx->result = obj;
    return 0;
}

/* "bob" or "bob@partner" (the trustee org): the name, or an error. */
static int trustee_name(const char *given, const char *trustee, const char *what, char **out)
{
    const char *at = strrchr(given, '@');
    *out = NULL;
    if (at && strcmp(at + 1, trustee) != 0)
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%s\" is not of the trustee org \"%s\"", what,
                                given, trustee);
    *out = at ? strndup(given, (size_t)(at - given)) : xstrdup(given);
    int error = orgctl_name_validate(what, *out);
    if (error < 0) {
        free(*out);
        *out = NULL;
    }
    return error;
}

/* Adds the users and groups of parameters "user" and "group", which must exist in the
 * trustee org, to the pairing. */
static int add_trustees(orgctl_op_ctx *ctx, cJSON *p, const char *trustee)
{
    for (int k = 0; k < 2; k++) {
        const char *param = k ? "group" : "user";
        const orgctl_kind *kind = k ? &orgctl_kind_group : &orgctl_kind_user;
        cJSON *l = list(p, k ? "groups" : "users");
        for (size_t i = 0; i < orgctl_params_count(ctx->params, param); i++) {
            char *name = NULL;
            cJSON *obj = NULL;
            int error =
                trustee_name(orgctl_params_at(ctx->params, param, i), trustee, param, &name);
            if (!error && orgctl_object_exists(ctx->repo, kind, trustee, name))
                error = orgctl_object_load(ctx->repo, kind, trustee, name, &obj);
            else if (!error)
                error = orgctl_error_set(ORGCTL_ENOTFOUND, "%s \"%s\" not found in org \"%s\"",
                                         param, name, trustee);
            if (!error && orgctl_pair_list_has(l, name) &&
                !orgctl_pair_same_identity(p, !k, name, obj))
                error = orgctl_error_set(ORGCTL_EEXISTS,
                                         "%s \"%s\" was made again since the pairing authorized "
                                         "it, and is someone else: pair %s it first",
                                         param, name, k ? "rm-group" : "rm-user");
            else if (!error && !orgctl_pair_list_has(l, name)) {
                cJSON_AddItemToArray(l, cJSON_CreateString(name));
                if (orgctl_pair_str(obj, "id")) /* the very user or group, not the name */
                    cJSON_AddStringToObject(map(p, k ? "group_ids" : "user_ids"), name,
                                            orgctl_pair_str(obj, "id"));
            }
            cJSON_Delete(obj);
            free(name);
            if (error)
                return error;
        }
    }
    int n = cJSON_GetArraySize(list(p, "users")) + cJSON_GetArraySize(list(p, "groups"));
    if (n > ORGCTL_PAIR_MAX_TRUSTEES)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "a pairing authorizes at most %d users and groups; this makes %d",
                                ORGCTL_PAIR_MAX_TRUSTEES, n);
    return 0;
}

static void set_summary(orgctl_op_ctx *ctx, const char *fmt, const char *a, const char *b)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, fmt, a, b);
    free(ctx->summary);
    ctx->summary = strbuf_detach(&sb, NULL);
}

/* --- the verbs --- */

static int pair_request(orgctl_op_ctx *ctx)
{
    const char *to = orgctl_params_get(ctx->params, "to");
    const char *expires = orgctl_params_get(ctx->params, "expires");
    int error;
    if (!orgctl_params_has(ctx->params, "user") && !orgctl_params_has(ctx->params, "group"))
        return orgctl_error_set(ORGCTL_EINVALID, "give at least one --user or --group");
    if ((error = orgctl_name_validate("org", to)) < 0)
        return error;
    if (strcmp(to, ctx->org) == 0)
        return orgctl_error_set(ORGCTL_EINVALID, "org \"%s\" cannot pair with itself", to);
    if (!orgctl_object_exists(ctx->repo, &orgctl_kind_org, to, to))
        return orgctl_error_set(ORGCTL_ENOTFOUND, "org \"%s\" not found", to);
    time_t now, until;
    if ((error = orgctl_clock_now(&now)) < 0)
        return error;
    if (expires && (error = orgctl_time_parse(&until, NULL, "--expires", expires)) < 0)
        return error;
    char id[2 * ID_BYTES + 1], token[2 * TOKEN_BYTES + 1], hash[65], when[32];
    if (orgctl_random_hex(id, ID_BYTES) < 0 || orgctl_random_hex(token, TOKEN_BYTES) < 0)
        return orgctl_error_set(ORGCTL_ERROR, "no random bytes for a pairing link: %s",
                                orgctl_error_last());
    token_hash(token, hash);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", id);
    cJSON_AddStringToObject(p, "trustee", ctx->org);
    cJSON_AddStringToObject(p, "state", "enabled");
    cJSON_AddFalseToObject(p, "accepted");
    cJSON_AddStringToObject(p, "token_sha256", hash);
    orgctl_time_format(now, when, sizeof(when));
    cJSON_AddStringToObject(p, "created", when);
    orgctl_time_format(now + ORGCTL_PAIR_LINK_SECONDS, when, sizeof(when));
    cJSON_AddStringToObject(p, "link_expires", when);
    if (expires) {
        orgctl_time_format(until, when, sizeof(when));
        cJSON_AddStringToObject(p, "expires", when);
    }
    if ((error = add_trustees(ctx, p, ctx->org)) < 0 ||
        (error = orgctl_changeset_put(ctx->cs, &orgctl_kind_pairing, to, p)) < 0) {
        cJSON_Delete(p);
        explicit_bzero(token, sizeof(token));
        return error;
    }
    cJSON_Delete(p);
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "pairing", id);
    cJSON_AddStringToObject(r, "to", to);
    cJSON_AddStringToObject(r, "link_expires", when);
    strbuf link = STRBUF_INIT;
    strbuf_addf(&link, LINK_PREFIX "%s/%s", id, token);
    cJSON_AddStringToObject(r, "link", strbuf_str(&link));
    explicit_bzero(link.buf, link.len);
    strbuf_release(&link);
    explicit_bzero(token, sizeof(token));
    ctx->result = r;
    set_summary(ctx, "pair request %s to %s", id, to);
    return 0;
}

/* A bad link is exit 1, whatever is wrong with it, and says what. */
static int bad_link(const char *why)
{
    return orgctl_error_set(ORGCTL_ERROR, "pairing link refused: %s", why);
}

/* Roles are named only by who may see the trusting org's roles: checked before a role is
 * looked for, so that whoever may not learns no role name from "not found". */
static int may_see_roles(orgctl_op_ctx *ctx, const char *trusting)
{
    return ctx->repo->ctx->skip_permissions ? 0
                                            : orgctl_perm_check(ctx->repo, trusting, P_ROLE_VIEW);
}

static int pair_accept(orgctl_op_ctx *ctx)
{
    const char *link = orgctl_params_get(ctx->params, "link");
    size_t plen = strlen(LINK_PREFIX);
    if (!link || strncmp(link, LINK_PREFIX, plen) != 0)
        return bad_link("not an orgctl://pair/ link");
    const char *id = link + plen, *slash = strchr(id, '/');
    if (!slash || slash == id || (size_t)(slash - id) != 2 * ID_BYTES ||
        strlen(slash + 1) != 2 * TOKEN_BYTES || strspn(id, "0123456789abcdef/") != strlen(id))
        return bad_link("malformed or truncated");
    char pid[2 * ID_BYTES + 1], hash[65];
    memcpy(pid, id, 2 * ID_BYTES);
    pid[2 * ID_BYTES] = '\0';
    cJSON *p = NULL;
    if (!orgctl_object_exists(ctx->repo, &orgctl_kind_pairing, ctx->org, pid) ||
        orgctl_object_load(ctx->repo, &orgctl_kind_pairing, ctx->org, pid, &p) < 0) {
        orgctl_error_clear();
        return bad_link("unknown pairing");
    }
    const char *stored = orgctl_pair_str(p, "token_sha256");
    token_hash(slash + 1, hash);
    unsigned diff = stored && strlen(stored) == 64 ? 0 : 1;
    for (size_t i = 0; !diff && i < 64; i++)
        diff |= (unsigned)(stored[i] ^ hash[i]);
    time_t now;
    int error = orgctl_clock_now(&now);
    if (error < 0) {
        cJSON_Delete(p);
        return error;
    }
    if (orgctl_pair_accepted(p) || !stored)
        error = bad_link("already used");
    else if (diff)
        error = bad_link("it does not match the pairing (tampered?)");
    else if (orgctl_pair_expired(p, "link_expires", now))
        error = bad_link("expired (a link works for 7 days)");
    if (error < 0) {
        cJSON_Delete(p);
        return error;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(p, "token_sha256");
    cJSON_ReplaceItemInObjectCaseSensitive(p, "accepted", cJSON_CreateTrue());
    cJSON *grants = list(p, "grants");
    if (orgctl_params_count(ctx->params, "role") > 0 &&
        (error = may_see_roles(ctx, ctx->org)) < 0) {
        cJSON_Delete(p);
        return error;
    }
    for (size_t r = 0; r < orgctl_params_count(ctx->params, "role"); r++) {
        const char *role = orgctl_params_at(ctx->params, "role", r);
        if (!orgctl_object_exists(ctx->repo, &orgctl_kind_role, ctx->org, role)) {
            cJSON_Delete(p);
            return orgctl_error_set(ORGCTL_ENOTFOUND, "role \"%s\" not found in org \"%s\"", role,
                                    ctx->org);
        }
        for (int k = 0; k < 2; k++) {
            const cJSON *w;
            cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(p, k ? "groups" : "users"))
            {
                strbuf e = STRBUF_INIT;
                strbuf_addf(&e, "%s/%s/%s", k ? "group" : "user", w->valuestring, role);
                if (!orgctl_pair_list_has(grants, strbuf_str(&e)))
                    cJSON_AddItemToArray(grants, cJSON_CreateString(strbuf_str(&e)));
                strbuf_release(&e);
            }
        }
    }
    set_summary(ctx, "pair accept %s from %s", pid, orgctl_pair_str(p, "trustee"));
    return put(ctx, ctx->org, p);
}

/* pair grant|revoke PAIRING --user U|--group G --role R... */
static int grant_edit(orgctl_op_ctx *ctx, bool add)
{
    char *where = NULL;
    cJSON *p = NULL;
    int error = locate_side(ctx, TRUSTING, &where, &p);
    if (error < 0)
        return error;
    const char *trustee = orgctl_pair_str(p, "trustee");
    cJSON *grants = list(p, "grants");
    bool any = false;
    if ((error = may_see_roles(ctx, where)) < 0) {
        cJSON_Delete(p);
        free(where);
        return error;
    }
    for (int k = 0; k < 2 && !error; k++) {
        const char *param = k ? "group" : "user";
        for (size_t i = 0; !error && i < orgctl_params_count(ctx->params, param); i++) {
            char *who = NULL;
            any = true;
            if ((error = trustee_name(orgctl_params_at(ctx->params, param, i), trustee, param,
                                      &who)) < 0)
                break;
            if (!orgctl_pair_list_has(cJSON_GetObjectItemCaseSensitive(p, k ? "groups" : "users"),
                                      who))
                error = orgctl_error_set(ORGCTL_ENOTFOUND,
                                         "%s \"%s\" is not authorized by pairing \"%s\"", param,
                                         who, ctx->name);
            for (size_t r = 0; !error && r < orgctl_params_count(ctx->params, "role"); r++) {
                const char *role = orgctl_params_at(ctx->params, "role", r);
                strbuf e = STRBUF_INIT;
                strbuf_addf(&e, "%s/%s/%s", param, who, role);
                if (add && !orgctl_object_exists(ctx->repo, &orgctl_kind_role, where, role))
                    error = orgctl_error_set(ORGCTL_ENOTFOUND,
                                             "role \"%s\" not found in org "
                                             "\"%s\"",
                                             role, where);
                else if (add && !orgctl_pair_list_has(grants, strbuf_str(&e)))
                    cJSON_AddItemToArray(grants, cJSON_CreateString(strbuf_str(&e)));
                else if (!add && !orgctl_pair_list_has(grants, strbuf_str(&e)))
                    error = orgctl_error_set(ORGCTL_ENOTFOUND,
                                             "%s \"%s\" does not hold role "
                                             "\"%s\" in pairing \"%s\"",
                                             param, who, role, ctx->name);
                else if (!add)
                    list_remove(grants, strbuf_str(&e));
                strbuf_release(&e);
            }
            free(who);
        }
    }
    if (!error && !any)
        error = orgctl_error_set(ORGCTL_EINVALID, "give --user or --group");
    if (!error && !orgctl_pair_accepted(p))
        error = orgctl_error_set(ORGCTL_EINVALID, "pairing \"%s\" is not accepted yet", ctx->name);
    if (!error)
        error = put(ctx, where, p);
    else
        cJSON_Delete(p);
    free(where);
    return error;
}

static int pair_grant(orgctl_op_ctx *ctx)
{
    return grant_edit(ctx, true);
}

static int pair_revoke(orgctl_op_ctx *ctx)
{
    return grant_edit(ctx, false);
}

static int set_state(orgctl_op_ctx *ctx, const char *state)
{
    char *where = NULL;
    cJSON *p = NULL;
    int error = locate_side(ctx, TRUSTING, &where, &p);
    if (error < 0)
        return error;
    cJSON_ReplaceItemInObjectCaseSensitive(p, "state", cJSON_CreateString(state));
    const char *expires = orgctl_params_get(ctx->params, "expires");
    time_t t;
    char when[32];
    if (expires && *expires && (error = orgctl_time_parse(&t, NULL, "--expires", expires)) == 0) {
        orgctl_time_format(t, when, sizeof(when));
        cJSON_DeleteItemFromObjectCaseSensitive(p, "expires");
        cJSON_AddStringToObject(p, "expires", when);
    } else if (expires && !*expires) {
        cJSON_DeleteItemFromObjectCaseSensitive(p, "expires");
    }
    if (error < 0)
        cJSON_Delete(p);
    else
        error = put(ctx, where, p); /* frees p when it fails */
    free(where);
    return error;
}

static int pair_enable(orgctl_op_ctx *ctx)
{
    return set_state(ctx, "enabled");
}

static int pair_disable(orgctl_op_ctx *ctx)
{
    return set_state(ctx, "disabled");
}

/* The permission a verb of either side needs in ctx->org at least, checked before the
 * pairing is looked for: who may not, learns nothing of it (exit 4, not 3). */
static int either_side(orgctl_op_ctx *ctx, const char *trusting, const char *trustee)
{
    return ctx->repo->ctx->skip_permissions
               ? 0
               : orgctl_pair_either(ctx->repo, ctx->org, trusting, ctx->org, trustee);
}

static int pair_rm(orgctl_op_ctx *ctx)
{
    char *where = NULL;
    cJSON *p = NULL;
    enum side side;
    int error = either_side(ctx, P_DELETE, P_TRUSTOR_DELETE);
    if (!error)
        error = locate(ctx, ctx->name, &where, &p, &side);
    if (!error)
        error = orgctl_changeset_remove(ctx->cs, &orgctl_kind_pairing, where, ctx->name);
    if (!error)
        set_summary(ctx, "pair rm %s of %s", ctx->name, where);
    cJSON_Delete(p);
    free(where);
    return error;
}

/* pair add-user|add-group (the trustee side) */
static int pair_add(orgctl_op_ctx *ctx)
{
    char *where = NULL;
    cJSON *p = NULL;
    const char *perm = orgctl_trustee_perm(strcmp(ctx->op->verb, "add-user") == 0, TRUSTEE_ADD);
    int error = either_side(ctx, perm, perm);
    if (!error)
        error = locate_side(ctx, TRUSTEE, &where, &p);
    if (error < 0)
        return error;
    if ((error = add_trustees(ctx, p, ctx->org)) < 0)
        cJSON_Delete(p);
    else
        error = put(ctx, where, p); /* frees p when it fails */
    free(where);
    return error;
}

/* pair rm-user|rm-group (either side): the trustee and every role it was granted */
static int pair_rm_trustee(orgctl_op_ctx *ctx)
{
    char *where = NULL;
    cJSON *p = NULL;
    enum side side;
    const char *perm = orgctl_trustee_perm(strcmp(ctx->op->verb, "rm-user") == 0, TRUSTEE_DELETE);
    int error = either_side(ctx, perm, perm);
    if (!error)
        error = locate(ctx, ctx->name, &where, &p, &side);
    if (error < 0)
        return error;
    const char *trustee = orgctl_pair_str(p, "trustee");
    for (int k = 0; k < 2 && !error; k++) {
        const char *param = k ? "group" : "user";
        cJSON *l = list(p, k ? "groups" : "users"), *grants = list(p, "grants");
        for (size_t i = 0; !error && i < orgctl_params_count(ctx->params, param); i++) {
            char *who = NULL;
            if ((error = trustee_name(orgctl_params_at(ctx->params, param, i), trustee, param,
                                      &who)) < 0)
                break;
            if (!orgctl_pair_list_has(l, who))
                error = orgctl_error_set(ORGCTL_ENOTFOUND,
                                         "%s \"%s\" is not authorized by pairing \"%s\"", param,
                                         who, ctx->name);
            list_remove(l, who);
            cJSON_DeleteItemFromObjectCaseSensitive(map(p, k ? "group_ids" : "user_ids"), who);
            strbuf prefix = STRBUF_INIT;
            strbuf_addf(&prefix, "%s/%s/", param, who);
            for (int g = cJSON_GetArraySize(grants) - 1; g >= 0; g--)
                if (strncmp(cJSON_GetStringValue(cJSON_GetArrayItem(grants, g)) ?: "",
                            strbuf_str(&prefix), prefix.len) == 0)
                    cJSON_DeleteItemFromArray(grants, g);
            strbuf_release(&prefix);
            free(who);
        }
    }
    if (!error)
        error = put(ctx, where, p);
    else
        cJSON_Delete(p);
    free(where);
    return error;
}

/* Whether the actor may see who a pairing authorizes. The trusting org: with the trustee
 * user and group view permissions. The trustee org: only a trusted user, or a member of a
 * trusted group (the seeds: "To see who is in a trust, you must be a member of its trusted
 * group"). */
static bool may_see_members(orgctl_op_ctx *ctx, const cJSON *p, enum side side)
{
    if (ctx->repo->ctx->skip_permissions)
        return true;
    if (side == TRUSTING) {
        bool ok =
            orgctl_perm_check(ctx->repo, ctx->org, orgctl_trustee_perm(true, TRUSTEE_VIEW)) == 0 &&
            orgctl_perm_check(ctx->repo, ctx->org, orgctl_trustee_perm(false, TRUSTEE_VIEW)) == 0;
        orgctl_error_clear();
        return ok;
    }
    const char *actor_org = ctx->repo->ctx->actor_org, *actor = ctx->repo->ctx->actor_user;
    return actor_org && actor && strcmp(actor_org, ctx->org) == 0 &&
           orgctl_pair_trusted(ctx->repo, p, ctx->org, actor);
}

static int pair_show(orgctl_op_ctx *ctx)
{
    char *where = NULL;
    cJSON *p = NULL;
    enum side side;
    int error = locate(ctx, ctx->name, &where, &p, &side);
    if (error == ORGCTL_ENOTFOUND && either_side(ctx, P_VIEW, P_TRUSTOR_VIEW) < 0)
        return ORGCTL_EPERM; /* who may see no pairing learns nothing */
    orgctl_error_clear();
    if (error < 0)
        return orgctl_error_set(error, "pairing \"%s\" not found for org \"%s\"", ctx->name,
                                ctx->org);
    bool members = may_see_members(ctx, p, side); /* a trusted user sees its trust */
    bool roles = side != TRUSTING || may_see_roles(ctx, where) == 0;
    orgctl_error_clear();
    if ((side == TRUSTING || !members) &&
        (error = orgctl_perm_check(ctx->repo, ctx->org,
                                   side == TRUSTING ? P_VIEW : P_TRUSTOR_VIEW)) < 0) {
        cJSON_Delete(p);
        free(where);
        return error;
    }
    orgctl_kind_fill(&orgctl_kind_pairing, p);
    cJSON_AddStringToObject(p, "trusting", where);
    if (!members) {
        for (int f = 0; f < 3; f++)
            cJSON_ReplaceItemInObjectCaseSensitive(
                p, (const char *[]){"users", "groups", "grants"}[f], cJSON_CreateArray());
        for (int f = 0; f < 2; f++) /* their names are keys there */
            cJSON_ReplaceItemInObjectCaseSensitive(p, (const char *[]){"user_ids", "group_ids"}[f],
                                                   cJSON_CreateObject());
        cJSON_AddStringToObject(p, "message",
                                "missing permissions: only members of the trusted group see "
                                "its users and groups");
    } else if (!roles) {
        cJSON_ReplaceItemInObjectCaseSensitive(p, "grants", cJSON_CreateArray());
        cJSON_AddStringToObject(p, "message",
                                "missing permissions: " P_ROLE_VIEW
                                " is needed to see the roles granted");
    }
    free(where);
    ctx->result = p;
    return 0;
}

static void list_row(cJSON *rows, const cJSON *p, const char *direction, const char *other)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "name", orgctl_pair_str(p, "name") ?: "");
    cJSON_AddStringToObject(r, "direction", direction);
    cJSON_AddStringToObject(r, "org", other);
    cJSON_AddStringToObject(r, "state", orgctl_pair_str(p, "state") ?: "");
    cJSON_AddBoolToObject(r, "accepted", orgctl_pair_accepted(p));
    cJSON_AddStringToObject(r, "created", orgctl_pair_str(p, "created") ?: "");
    if (orgctl_pair_str(p, "expires"))
        cJSON_AddStringToObject(r, "expires", orgctl_pair_str(p, "expires"));
    else
        cJSON_AddNullToObject(r, "expires");
    cJSON_AddItemToArray(rows, r);
}

static int pair_list(orgctl_op_ctx *ctx)
{
    bool mine = orgctl_perm_check(ctx->repo, ctx->org, P_VIEW) == 0;
    orgctl_error_clear();
    bool others = orgctl_perm_check(ctx->repo, ctx->org, P_TRUSTOR_VIEW) == 0;
    if (!mine && !others)
        return orgctl_perm_check(ctx->repo, ctx->org, P_VIEW);
    orgctl_error_clear();
    cJSON *rows = cJSON_CreateArray(), *all = NULL, *p;
    int error = 0;
    if (mine && (error = orgctl_object_list(&all, ctx->repo, &orgctl_kind_pairing, ctx->org, NULL,
                                            0, NULL)) == 0) {
        cJSON_ArrayForEach(p, all)
        {
            list_row(rows, p, "to-my-org", orgctl_pair_str(p, "trustee") ?: "");
        }
        cJSON_Delete(all);
        all = NULL;
    }
    cJSON *orgs = NULL, *o;
    if (!error && others &&
        (error = orgctl_object_names(&orgs, ctx->repo, &orgctl_kind_org, "", "")) == 0) {
        cJSON_ArrayForEach(o, orgs)
        {
            orgctl_filter f = {"trustee", ctx->org, NULL};
            if (strcmp(o->valuestring, ctx->org) == 0 ||
                (error = orgctl_object_list(&all, ctx->repo, &orgctl_kind_pairing, o->valuestring,
                                            &f, 1, NULL)) < 0)
                continue;
            cJSON_ArrayForEach(p, all)
            {
                list_row(rows, p, "to-other-org", o->valuestring);
            }
            cJSON_Delete(all);
            all = NULL;
        }
        cJSON_Delete(orgs);
    }
    if (error < 0) {
        cJSON_Delete(rows);
        return error;
    }
    ctx->result = rows;
    return 0;
}

static const orgctl_param request_params[] = {
    {"to", ORGCTL_PARAM_REQUIRED, "ORG", "the org asked to grant access (the trusting org)"},
    {"user", ORGCTL_PARAM_MULTI, "USER", "a user of this org to authorize"},
    {"group", ORGCTL_PARAM_MULTI, "GROUP", "a group of this org to authorize"},
    {"expires", 0, "TIME", "when the whole trust ends (YYYY-MM-DD[THH:MM:SSZ])"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param accept_params[] = {
    {"link", ORGCTL_PARAM_POSITIONAL | ORGCTL_PARAM_REQUIRED, "LINK",
     "the pairing link, or - to read it from stdin"},
    {"role", ORGCTL_PARAM_MULTI, "ROLE", "a role of this org to grant every requested trustee"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param grant_params[] = {
    {"user", ORGCTL_PARAM_MULTI, "USER@ORG", "an authorized user of the trustee org"},
    {"group", ORGCTL_PARAM_MULTI, "GROUP@ORG", "an authorized group of the trustee org"},
    {"role", ORGCTL_PARAM_MULTI | ORGCTL_PARAM_REQUIRED, "ROLE", "a role of this org"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param toggle_params[] = {
    {"expires", 0, "TIME", "when the whole trust ends (\"\": never)"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param users_params[] = {
    {"user", ORGCTL_PARAM_MULTI | ORGCTL_PARAM_REQUIRED, "USER", "a user of the trustee org"},
    ORGCTL_PARAMS_END,
};
static const orgctl_param groups_params[] = {
    {"group", ORGCTL_PARAM_MULTI | ORGCTL_PARAM_REQUIRED, "GROUP", "a group of the trustee org"},
    ORGCTL_PARAMS_END,
};

#define W ORGCTL_OP_WRITE
#define NN ORGCTL_OP_NO_NAME
#define NB ORGCTL_OP_NO_BULK
#define LIST_COLUMNS "name,direction,org,state,accepted,created,expires"
const orgctl_op orgctl_pair_ops[] = {
    {"pair", "request", "ask another org for access: prints a pairing link once", W | NN | NB,
     P_ADD, request_params, pair_request, "pairing", "pairing,to,link_expires,link",
     "authorization:orgTrustee:add (trustee org)"},
    {"pair", "accept", "accept a pairing link (- reads it from stdin), granting --role",
     W | NN | NB, P_ADD, accept_params, pair_accept, "pairing", NULL,
     "authorization:orgTrustor:view, authorization:orgTrustee:add and "
     "authorization:orgTrusteeUser:add (trusting org); each --role as grant"},
    {"pair", "list", "list pairings: access to my org and to other orgs", NN, NULL, NULL, pair_list,
     "pairing", LIST_COLUMNS,
     "authorization:orgTrustee:view (access to my org), authorization:orgTrustor:view (to other "
     "orgs)"},
    {"pair", "show", "show a pairing: its users and groups with their roles", 0, NULL, NULL,
     pair_show, "pairing", NULL,
     "authorization:orgTrustee:view (trusting org) or authorization:orgTrustor:view (trustee org); "
     "its users and groups: authorization:orgTrusteeUser:view and orgTrusteeGroup:view (trusting), "
     "a trusted member (trustee); their roles: authorization:role:view (trusting)"},
    {"pair", "grant", "grant roles of this org to a trustee user or group", W, P_VIEW, grant_params,
     pair_grant, "pairing", NULL,
     "authorization:orgTrusteeUser:edit or orgTrusteeGroup:edit, authorization:role:view, and "
     "every "
     "permission of the role (trusting org)"},
    {"pair", "revoke", "take roles from a trustee user or group", W, P_VIEW, grant_params,
     pair_revoke, "pairing", NULL,
     "authorization:orgTrusteeUser:edit or orgTrusteeGroup:edit, and authorization:role:view "
     "(trusting org)"},
    {"pair", "enable", "turn access on again (roles come back)", W, P_VIEW, toggle_params,
     pair_enable, "pairing", NULL, "authorization:orgTrustee:edit (trusting org)"},
    {"pair", "disable", "turn access off (roles are kept)", W, P_VIEW, toggle_params, pair_disable,
     "pairing", NULL, "authorization:orgTrustee:edit (trusting org)"},
    {"pair", "rm", "remove a pairing (either side)", W, NULL, NULL, pair_rm, "pairing", NULL,
     "authorization:orgTrustee:delete (trusting org) or authorization:orgTrustor:delete (trustee "
     "org)"},
    {"pair", "add-user", "ask access for more users (trustee side)", W, NULL, users_params,
     pair_add, "pairing", NULL, "authorization:orgTrusteeUser:add (trustee org)"},
    {"pair", "add-group", "ask access for more groups (trustee side)", W, NULL, groups_params,
     pair_add, "pairing", NULL, "authorization:orgTrusteeGroup:add (trustee org)"},
    {"pair", "rm-user", "remove users from a pairing, roles and all (either side)", W, NULL,
     users_params, pair_rm_trustee, "pairing", NULL,
     "authorization:orgTrusteeUser:delete (either org)"},
    {"pair", "rm-group", "remove groups from a pairing, roles and all (either side)", W, NULL,
     groups_params, pair_rm_trustee, "pairing", NULL,
     "authorization:orgTrusteeGroup:delete (either org)"},
    {NULL, NULL, NULL, 0, NULL, NULL, NULL},
};
