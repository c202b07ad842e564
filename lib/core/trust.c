/* Authorized organisations in the core (lib/core/trust.h): the authorization of every change
 * to a pairing or a clone, and what a pairing in force grants. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orgctl/authz.h"
#include "orgctl/object.h"
#include "orgctl/perm.h"
#include "trust.h"

const char *orgctl_trustee_perm(bool user, enum orgctl_trustee_action action)
{
    static const char *const perms[][2] = {
        [TRUSTEE_ADD] = {"authorization:orgTrusteeUser:add", "authorization:orgTrusteeGroup:add"},
        [TRUSTEE_VIEW] = {"authorization:orgTrusteeUser:view",
                          "authorization:orgTrusteeGroup:view"},
        [TRUSTEE_EDIT] = {"authorization:orgTrusteeUser:edit",
                          "authorization:orgTrusteeGroup:edit"},
        [TRUSTEE_DELETE] = {"authorization:orgTrusteeUser:delete",
                            "authorization:orgTrusteeGroup:delete"},
    };
    return perms[action][user ? 0 : 1];
}

/* What accepting a pairing needs in the trusting org. */
static int check_accept(orgctl_repo *repo, const char *org)
{
    int error = orgctl_perm_check(repo, org, P_TRUSTOR_VIEW);
    if (!error)
        error = orgctl_perm_check(repo, org, P_ADD);
    if (!error)
        error = orgctl_perm_check(repo, org, orgctl_trustee_perm(true, TRUSTEE_ADD));
    return error;
}

/* --- authorization of every change to a pairing (the kind's hook) --- */

int orgctl_pair_either(orgctl_repo *repo, const char *org1, const char *perm1, const char *org2,
                       const char *perm2)
{
    if (orgctl_perm_check(repo, org1, perm1) == 0)
        return 0;
    orgctl_error_clear();
    return orgctl_perm_check(repo, org2, perm2);
}

static int count_clones(orgctl_repo *repo, const char *org, const char *pairing, const char *except,
                        const char *restoring);

/* A pairing brought back (a rollback of its removal) brings its clones back to life: they
 * must fit the limits of 5 per trust and per org as any new clone does. */
static int clones_fit(orgctl_repo *repo, const char *org, const char *pairing)
{
    int trust = count_clones(repo, org, pairing, NULL, pairing);
    int all = trust < 0 ? -1 : count_clones(repo, org, NULL, NULL, pairing);
    if (trust < 0 || all < 0)
        return ORGCTL_ERROR;
    if (trust > ORGCTL_CLONE_MAX || all > ORGCTL_CLONE_MAX)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "pairing \"%s\" would bring back its clones: at most %d cloned "
                                "users per trust and per org (org \"%s\" would have %d, this "
                                "trust %d)",
                                pairing, ORGCTL_CLONE_MAX, org, all, trust);
    return 0;
}

static bool same(const cJSON *a, const cJSON *b)
{
    return a && b ? cJSON_Compare(a, b, true) : a == b;
}

/* Whether list field `field` of `a` holds an item `b`'s lacks. */
static bool adds_to(const cJSON *b, const cJSON *a, const char *field)
{
    const cJSON *i;
    cJSON_ArrayForEach(i, cJSON_GetObjectItemCaseSensitive(a, field))
    {
        if (cJSON_IsString(i) &&
            !orgctl_pair_list_has(cJSON_GetObjectItemCaseSensitive(b, field), i->valuestring))
            return true;
    }
    return false;
}

/* Whether every user (or group) of list `field` that both `before` and `after` name keeps
 * the identity `ids` recorded for it: else the trustee org would point a trust granted to
 * one person at another. */
static bool identities_kept(const cJSON *before, const cJSON *after, const char *field,
                            const char *ids)
{
    const cJSON *i, *a = cJSON_GetObjectItemCaseSensitive(after, ids),
                    *b = cJSON_GetObjectItemCaseSensitive(before, ids);
    cJSON_ArrayForEach(i, cJSON_GetObjectItemCaseSensitive(after, field))
    {
        if (cJSON_IsString(i) &&
            orgctl_pair_list_has(cJSON_GetObjectItemCaseSensitive(before, field), i->valuestring) &&
            !same(cJSON_GetObjectItemCaseSensitive(b, i->valuestring),
                  cJSON_GetObjectItemCaseSensitive(a, i->valuestring)))
            return false;
    }
    return true;
}

/* The grant rule for the grants `after` holds and `before` did not: the user or group
 * edit permission, the view of roles, and every permission of the role, in the trusting
 * org. */
static int check_new_grants(orgctl_repo *repo, const char *org, const cJSON *before,
                            const cJSON *after)
{
    const cJSON *i;
    cJSON_ArrayForEach(i, cJSON_GetObjectItemCaseSensitive(after, "grants"))
    {
        if (!cJSON_IsString(i) ||
            orgctl_pair_list_has(cJSON_GetObjectItemCaseSensitive(before, "grants"),
                                 i->valuestring))
            continue;
        bool user = strncmp(i->valuestring, "user/", 5) == 0;
        const char *role = strrchr(i->valuestring, '/') + 1;
        int error = orgctl_perm_check(repo, org, orgctl_trustee_perm(user, TRUSTEE_EDIT));
        if (!error)
            error = orgctl_perm_check(repo, org, P_ROLE_VIEW);
        if (!error)
            error = orgctl_perm_check_role(repo, org, role);
        if (error)
            return error;
    }
    return 0;
}

/* Grants removed from `before`: whoever removes the user or group itself may drop its
 * grants with it; a role taken from a trustee that stays is the trusting org's edit. */
static int check_removed_grants(orgctl_repo *repo, const char *org, const cJSON *before,
                                const cJSON *after)
{
    const cJSON *i;
    cJSON_ArrayForEach(i, cJSON_GetObjectItemCaseSensitive(before, "grants"))
    {
        char kind[8], who[256];
        const char *w, *role;
        size_t wl;
        if (!cJSON_IsString(i) ||
            orgctl_pair_list_has(cJSON_GetObjectItemCaseSensitive(after, "grants"), i->valuestring))
            continue;
        if (!orgctl_pair_grant_split(i->valuestring, kind, sizeof(kind), &w, &wl, &role) ||
            wl >= sizeof(who))
            continue; /* no grant at all: removing it takes nothing */
        memcpy(who, w, wl);
        who[wl] = '\0';
        bool user = kind[0] == 'u';
        if (!orgctl_pair_list_has(
                cJSON_GetObjectItemCaseSensitive(after, user ? "users" : "groups"), who))
            continue; /* removed with the trustee, checked as such */
        int error = orgctl_perm_check(repo, org, orgctl_trustee_perm(user, TRUSTEE_EDIT));
        if (!error)
            error = orgctl_perm_check(repo, org, P_ROLE_VIEW);
        if (error)
            return error;
    }
    return 0;
}

int orgctl_pair_authorize(orgctl_repo *repo, const char *org, const char *name, const cJSON *before,
                          const cJSON *after)
{
    cJSON *loaded = NULL;
    int error = 0;
    if (before && !after && !orgctl_pair_str(before, "trustee")) {
        /* a removal: the object as it is, to know its trustee */
        if ((error = orgctl_object_load(repo, &orgctl_kind_pairing, org, name, &loaded)) < 0)
            return error;
        before = loaded;
    }
    const char *trustee = orgctl_pair_str(after ? after : before, "trustee");
    if (!trustee || !*trustee) {
        error = orgctl_error_set(ORGCTL_EPERM,
                                 "permission denied: pairing \"%s\" names no "
                                 "trustee org",
                                 name);
        goto done;
    }
    if (!before) {
        /* a request: the trustee org asks, and grants nothing; one accepted already (a
         * rollback of its removal) needs both orgs' consent as it was given, and the grant
         * rule for each role */
        error = orgctl_perm_check(repo, trustee, P_ADD);
        if (!error && orgctl_pair_accepted(after))
            error = check_accept(repo, org);
        if (!error && orgctl_pair_accepted(after))
            error = clones_fit(repo, org, name);
        if (!error && !orgctl_pair_accepted(after) &&
            cJSON_GetArraySize(cJSON_GetObjectItem(after, "grants")) > 0)
            error = orgctl_error_set(ORGCTL_EPERM, "permission denied: a pairing not accepted "
                                                   "grants no roles");
        if (!error)
            error = check_new_grants(repo, org, NULL, after);
        goto done;
    }
    if (!after) { /* either side removes it */
        error = orgctl_pair_either(repo, org, P_DELETE, trustee, P_TRUSTOR_DELETE);
        goto done;
    }
    if (!same(cJSON_GetObjectItem(before, "trustee"), cJSON_GetObjectItem(after, "trustee")) ||
        !same(cJSON_GetObjectItem(before, "created"), cJSON_GetObjectItem(after, "created")) ||
        !same(cJSON_GetObjectItem(before, "link_expires"),
              cJSON_GetObjectItem(after, "link_expires"))) {
        error = orgctl_error_set(ORGCTL_EPERM,
                                 "permission denied: the trustee and times of pairing \"%s\" "
                                 "never change",
                                 name);
        goto done;
    }
    const cJSON *tb = cJSON_GetObjectItem(before, "token_sha256"),
                *ta = cJSON_GetObjectItem(after, "token_sha256");
    if (ta && !same(tb, ta)) { /* a link made valid again, even by a rollback: never */
        error = orgctl_error_set(ORGCTL_EPERM,
                                 "permission denied: pairing \"%s\": a pairing link works once, "
                                 "and is never made valid again",
                                 name);
        goto done;
    }
    if (!error && !orgctl_pair_accepted(before) &&
        orgctl_pair_accepted(after)) /* "Yes, I authorize access" */
        error = check_accept(repo, org);
    if (!error && orgctl_pair_accepted(before) && !orgctl_pair_accepted(after))
        error = orgctl_perm_check(repo, org, P_EDIT);
    if (!error &&
        (!same(cJSON_GetObjectItem(before, "state"), cJSON_GetObjectItem(after, "state")) ||
         !same(cJSON_GetObjectItem(before, "expires"), cJSON_GetObjectItem(after, "expires"))))
        error = orgctl_perm_check(repo, org, P_EDIT);
    if (!error && (!identities_kept(before, after, "users", "user_ids") ||
                   !identities_kept(before, after, "groups", "group_ids")))
        error = orgctl_error_set(ORGCTL_EPERM,
                                 "permission denied: pairing \"%s\": the identity of a user or "
                                 "group it authorizes never changes (remove it, then add it)",
                                 name);
    /* the trustee org asks for more people; either side removes them */
    if (!error && adds_to(before, after, "users"))
        error = orgctl_perm_check(repo, trustee, orgctl_trustee_perm(true, TRUSTEE_ADD));
    if (!error && adds_to(before, after, "groups"))
        error = orgctl_perm_check(repo, trustee, orgctl_trustee_perm(false, TRUSTEE_ADD));
    if (!error && adds_to(after, before, "users"))
        error = orgctl_pair_either(repo, org, orgctl_trustee_perm(true, TRUSTEE_DELETE), trustee,
                                   orgctl_trustee_perm(true, TRUSTEE_DELETE));
    if (!error && adds_to(after, before, "groups"))
        error = orgctl_pair_either(repo, org, orgctl_trustee_perm(false, TRUSTEE_DELETE), trustee,
                                   orgctl_trustee_perm(false, TRUSTEE_DELETE));
    if (!error)
        error = check_new_grants(repo, org, before, after);
    if (!error)
        error = check_removed_grants(repo, org, before, after);
    if (!error) { /* a member no field describes */
        const cJSON *e;
        cJSON_ArrayForEach(e, after)
        {
            if (!orgctl_kind_field(&orgctl_kind_pairing, e->string))
                error = orgctl_error_set(ORGCTL_EPERM,
                                         "permission denied: pairing \"%s\": unknown field "
                                         "\"%s\"",
                                         name, e->string);
        }
    }
done:
    cJSON_Delete(loaded);
    return error;
}

/* --- what pairings grant (lib/core/perm.c asks) --- */

static void add_grants(const cJSON *p, const char *prefix, const char *who, cJSON *roles)
{
    size_t plen = strlen(prefix), wlen = strlen(who);
    const cJSON *i;
    cJSON_ArrayForEach(i, cJSON_GetObjectItemCaseSensitive(p, "grants"))
    {
        const char *s = cJSON_GetStringValue(i);
        if (s && strncmp(s, prefix, plen) == 0 && strncmp(s + plen, who, wlen) == 0 &&
            s[plen + wlen] == '/' && s[plen + wlen + 1])
            cJSON_AddItemToArray(roles, cJSON_CreateString(s + plen + wlen + 1));
    }
}

/* Whether `user` is a member of the enabled group `group` of `org`, the very group (by its
 * identity) pairing p authorized. */
static bool group_member(orgctl_repo *repo, const cJSON *p, const char *org, const char *group,
                         const char *user)
{
    cJSON *g = NULL;
    if (orgctl_object_load(repo, &orgctl_kind_group, org, group, &g) < 0) {
        orgctl_error_clear();
        return false;
    }
    bool in = orgctl_pair_enabled(g) && orgctl_pair_same_identity(p, false, group, g) &&
              orgctl_pair_list_has(cJSON_GetObjectItemCaseSensitive(g, "members"), user);
    cJSON_Delete(g);
    return in;
}

/* Whether pairing p names `user` of `org`, the very user (by identity) it authorized. */
static bool names_user(orgctl_repo *repo, const cJSON *p, const char *org, const char *user)
{
    cJSON *u = NULL;
    if (!orgctl_pair_list_has(cJSON_GetObjectItemCaseSensitive(p, "users"), user))
        return false;
    if (orgctl_object_load(repo, &orgctl_kind_user, org, user, &u) < 0) {
        orgctl_error_clear();
        return false;
    }
    bool same = orgctl_pair_same_identity(p, true, user, u);
    cJSON_Delete(u);
    return same;
}

/* The pairing of `org` that admits `trustee`, in force now: accepted, enabled, not
 * expired. NULL when there is none. */
static cJSON *pairing_in_force(orgctl_repo *repo, const char *org, const char *trustee)
{
    cJSON *names = NULL, *p = NULL;
    time_t now;
    if (orgctl_object_referrers(&names, repo, &orgctl_kind_pairing, org, "trustee", trustee) < 0 ||
        cJSON_GetArraySize(names) != 1 || orgctl_clock_now(&now) < 0 ||
        orgctl_object_load(repo, &orgctl_kind_pairing, org,
                           cJSON_GetStringValue(cJSON_GetArrayItem(names, 0)), &p) < 0) {
        orgctl_error_clear();
        cJSON_Delete(names);
        return NULL;
    }
    cJSON_Delete(names);
    if (!orgctl_pair_accepted(p) || !orgctl_pair_enabled(p) ||
        orgctl_pair_expired(p, "expires", now) ||
        strcmp(orgctl_pair_str(p, "trustee") ?: "", trustee) != 0) {
        cJSON_Delete(p);
        return NULL;
    }
    return p;
}

/* Whether `user` of `trustee` is authorized by pairing p: named, or in a named group. */
bool orgctl_pair_trusted(orgctl_repo *repo, const cJSON *p, const char *trustee, const char *user)
{
    if (names_user(repo, p, trustee, user))
        return true;
    const cJSON *g;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(p, "groups"))
    {
        if (cJSON_IsString(g) && group_member(repo, p, trustee, g->valuestring, user))
            return true;
    }
    return false;
}

cJSON *orgctl_pair_roles(orgctl_repo *repo, const char *org, const char *user_org, const char *user)
{
    cJSON *p = pairing_in_force(repo, org, user_org);
    if (!p)
        return NULL;
    cJSON *roles = cJSON_CreateArray();
    if (names_user(repo, p, user_org, user))
        add_grants(p, "user/", user, roles);
    const cJSON *g;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(p, "groups"))
    {
        if (cJSON_IsString(g) && group_member(repo, p, user_org, g->valuestring, user))
            add_grants(p, "group/", g->valuestring, roles);
    }
    cJSON_Delete(p);
    if (cJSON_GetArraySize(roles) == 0) {
        cJSON_Delete(roles);
        return NULL;
    }
    return roles;
}

bool orgctl_pair_trusts(orgctl_repo *repo, const char *org, const char *trustee, const char *user,
                        const char *id)
{
    cJSON *p = pairing_in_force(repo, org, trustee);
    bool yes = p && (!id || strcmp(orgctl_pair_str(p, "name") ?: "", id) == 0) &&
               orgctl_pair_trusted(repo, p, trustee, user);
    cJSON_Delete(p);
    return yes;
}

const char *orgctl_clone_option(const cJSON *user, const char *key)
{
    return orgctl_pair_str(cJSON_GetObjectItemCaseSensitive(user, "options"), key);
}

/* Splits "bob@partner" into its user and org (malloc'd); false when it is none. */
bool orgctl_clone_source(const char *s, char **user, char **org)
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
 * `except` aside. Clones of a pairing removed never act again and count no more (a
 * rollback bringing the pairing back is counted as `restoring`: its clones count). Clones
 * are named USER@ORG: only those names are read. */
static int count_clones(orgctl_repo *repo, const char *org, const char *pairing, const char *except,
                        const char *restoring)
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
        const char *of_pairing = orgctl_clone_option(u, "clone_pairing") ?: "";
        if (orgctl_clone_option(u, "clone_of") && (!pairing || strcmp(of_pairing, pairing) == 0) &&
            ((restoring && strcmp(of_pairing, restoring) == 0) ||
             orgctl_object_exists(repo, &orgctl_kind_pairing, org, of_pairing)))
            count++;
        cJSON_Delete(u);
    }
    cJSON_Delete(names);
    return count;
}

int orgctl_clone_validate(orgctl_repo *repo, const char *org, const cJSON *user)
{
    const char *of = orgctl_clone_option(user, "clone_of"),
               *pairing = orgctl_clone_option(user, "clone_pairing");
    if (!of && !pairing)
        return 0; /* not a clone: every other user, at no cost */
    const char *name = orgctl_pair_str(user, "name");
    char *src = NULL, *src_org = NULL;
    bool ok = of && pairing && orgctl_clone_source(of, &src, &src_org) && strcmp(name, of) == 0 &&
              strcmp(src_org, org) != 0;
    free(src);
    free(src_org);
    if (!ok)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "user \"%s\": a clone is named after its source USER@ORG of "
                                "another org (clone_of) and names its pairing",
                                name);
    int trust = count_clones(repo, org, pairing, name, NULL);
    int all = trust < 0 ? -1 : count_clones(repo, org, NULL, name, NULL);
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
    const char *x = orgctl_clone_option(a, key), *y = orgctl_clone_option(b, key);
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
            strcmp(e->string, "options") != 0 && strcmp(e->string, "id") != 0)
            return false;
    }
    return cJSON_GetArraySize(cJSON_GetObjectItem(u, "options")) ==
           (orgctl_clone_option(u, "clone_source_id") ? 3 : 2);
}

/* Whether user `src` of `src_org` is the very user clone `u` was made of: its identity is
 * the clone's clone_source_id (neither has one: a user and clone made before ids). The
 * source, when `source` is not NULL (caller frees; NULL when it is not there). */
static bool source_is(orgctl_repo *repo, const cJSON *u, const char *src_org, const char *src,
                      cJSON **source)
{
    cJSON *s = NULL;
    if (source)
        *source = NULL;
    if (orgctl_object_load(repo, &orgctl_kind_user, src_org, src, &s) < 0) {
        orgctl_error_clear();
        return false;
    }
    bool same = orgctl_identity_is(orgctl_clone_option(u, "clone_source_id"), s);
    if (source)
        *source = s;
    else
        cJSON_Delete(s);
    return same;
}

int orgctl_clone_authorize(orgctl_repo *repo, const char *org, const char *name,
                           const cJSON *before, const cJSON *after)
{
    cJSON *loaded = NULL;
    int error = 1;
    /* a removal: a clone's name holds '@'; only those are read (a bulk rollback removes
     * 100k users) */
    if (before && !after && !orgctl_pair_str(before, "name") && name && strchr(name, '@') &&
        orgctl_object_load(repo, &orgctl_kind_user, org, name, &loaded) == 0)
        before = loaded;
    orgctl_error_clear();
    bool was = orgctl_clone_option(before, "clone_of") ||
               orgctl_clone_option(before, "clone_pairing"),
         is = orgctl_clone_option(after, "clone_of") || orgctl_clone_option(after, "clone_pairing");
    char *src = NULL, *src_org = NULL;
    if (!was && !is)
        goto done; /* no clone: the user kind's rules */
    if (before && after) {
        if (!same_option(before, after, "clone_of") ||
            !same_option(before, after, "clone_pairing") ||
            !same_option(before, after, "clone_source_id"))
            error = orgctl_error_set(ORGCTL_EPERM,
                                     "permission denied: user \"%s\": what it is a clone of "
                                     "never changes",
                                     name);
        goto done; /* managed like any other user */
    }
    orgctl_clone_source(orgctl_clone_option(before ? before : after, "clone_of"), &src, &src_org);
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
    if (!orgctl_pair_trusts(repo, org, src_org, src, orgctl_clone_option(after, "clone_pairing")) ||
        !source_is(repo, after, src_org, src, NULL))
        error = orgctl_error_set(ORGCTL_EPERM,
                                 "permission denied: \"%s\" is not trusted by pairing \"%s\" "
                                 "of org \"%s\" now",
                                 orgctl_clone_option(after, "clone_of"),
                                 orgctl_clone_option(after, "clone_pairing"), org);
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
    const char *of = orgctl_clone_option(u, "clone_of");
    if (roles)
        *roles = NULL;
    if (!of)
        return 0;
    char *src = NULL, *src_org = NULL;
    int error = 0;
    cJSON *s = NULL;
    /* the source must still be the same enabled user of an enabled org, trusted now */
    if (!orgctl_clone_source(of, &src, &src_org) || !source_is(repo, u, src_org, src, &s) ||
        strcmp(orgctl_pair_str(s, "state") ?: "", "enabled") != 0 ||
        orgctl_object_state(repo, &orgctl_kind_org, src_org, src_org) != 1 ||
        !orgctl_pair_trusts(repo, org, src_org, src, orgctl_clone_option(u, "clone_pairing"))) {
        error = orgctl_error_set(ORGCTL_EPERM,
                                 "clone \"%s@%s\" cannot act: its trust is off or %s is no longer "
                                 "trusted",
                                 orgctl_pair_str(u, "name"), org, of);
    } else if (roles) {
        *roles = orgctl_pair_roles(repo, org, src_org, src);
    }
    cJSON_Delete(s);
    free(src);
    free(src_org);
    return error;
}
