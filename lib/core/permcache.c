/* Permission answers kept while a change set is open: 100k rows of a bulk set ask the
 * same few questions ("may admin@ent add users in acme?", "does admin@ent hold every
 * permission of role Agent there?") 100k times, and each answer reads the actor, their
 * roles and their groups from the index.
 *
 * An answer about a permission depends only on what orgctl_perm_explain reads: the actor
 * and the roles and groups of the actor's own org, and the org objects (lib/core/perm.c). So
 * the answers stay true across changes to other orgs' objects and to other users; any
 * other change, and any rollback to a savepoint, drops the "no"s. A "yes" stays: within
 * a change set the actor gains nothing they did not hold when it began (the grant rule,
 * lib/core/authz.c, sees to that), so a yes is a right they had; and giving up a role in a
 * change set ("role rm R --force" of their own role) does not refuse the change set's
 * next steps. An answer about a role (does the actor hold all it lists) depends on the
 * role too: a change to any role drops those. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "orgctl/perm.h"

struct answer {
    char *org, *key, *message;
    int code;
};

struct orgctl_perm_cache {
    struct answer *a;
    size_t n, alloc;
    int users; /* starts not yet stopped */
};

/* Keys of answers about roles, and of facts about an org, start with a byte no
 * permission has. A fact (lib/core/authz.c: "does any group of acme give roles") holds for the
 * whole change set. */
#define ROLE_KEY '\x01'
#define FACT_KEY '\x02'

enum forget { FORGET_ALL, FORGET_NO_AND_ROLES, FORGET_ROLES };

static void forget(struct orgctl_perm_cache *c, enum forget what)
{
    size_t kept = 0;
    for (size_t i = 0; i < c->n; i++) {
        bool role = c->a[i].key[0] == ROLE_KEY, fact = c->a[i].key[0] == FACT_KEY;
        bool keep = what == FORGET_ROLES          ? !role
                    : what == FORGET_NO_AND_ROLES ? !role && (fact || c->a[i].code == 0)
                                                  : false;
        if (keep) {
            c->a[kept++] = c->a[i];
            continue;
        }
        free(c->a[i].org);
        free(c->a[i].key);
        free(c->a[i].message);
    }
    c->n = kept;
}

void orgctl_perm_cache_start(orgctl_repo *repo)
{
    if (!repo->ctx->perm_cache)
        repo->ctx->perm_cache = xcalloc(1, sizeof(*repo->ctx->perm_cache));
    repo->ctx->perm_cache->users++;
}

void orgctl_perm_cache_stop(orgctl_repo *repo)
{
    if (!repo->ctx->perm_cache || --repo->ctx->perm_cache->users > 0)
        return;
    forget(repo->ctx->perm_cache, FORGET_ALL);
    free(repo->ctx->perm_cache->a);
    free(repo->ctx->perm_cache);
    repo->ctx->perm_cache = NULL;
}

/* The kept answer to `key` in `org`: true with *code (and the message set) if there is one. */
static bool recall(struct orgctl_perm_cache *c, const char *org, const char *key, int *code)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->a[i].key, key) == 0 && strcmp(c->a[i].org, org) == 0) {
            *code = c->a[i].code ? orgctl_error_set(c->a[i].code, "%s", c->a[i].message) : 0;
            return true;
        }
    return false;
}

static int keep(struct orgctl_perm_cache *c, const char *org, const char *key, int code)
{
    if (c->n == c->alloc) {
        c->alloc = c->alloc ? c->alloc * 2 : 16;
        c->a = xrealloc(c->a, c->alloc * sizeof(*c->a));
    }
    c->a[c->n++] =
        (struct answer){xstrdup(org), xstrdup(key), xstrdup(code ? orgctl_error_last() : ""), code};
    return code;
}

int orgctl_perm_cache_check(orgctl_repo *repo, const char *org, const char *permission)
{
    int code;
    if (recall(repo->ctx->perm_cache, org, permission, &code))
        return code;
    return keep(repo->ctx->perm_cache, org, permission,
                orgctl_perm_explain(NULL, repo, org, repo->ctx->actor_org, repo->ctx->actor_user,
                                    permission));
}

static int cached(orgctl_repo *repo, const char *org, char prefix, const char *name,
                  int (*answer)(orgctl_repo *repo, const char *org, const char *name))
{
    if (!repo->ctx->perm_cache)
        return answer(repo, org, name);
    char buf[128]; /* asked for every row of a bulk set: no allocation for the usual name */
    strbuf key = STRBUF_INIT;
    const char *k = buf;
    size_t len = strlen(name);
    if (len + 2 <= sizeof(buf)) {
        buf[0] = prefix;
        memcpy(buf + 1, name, len + 1);
    } else {
        strbuf_addch(&key, prefix);
        strbuf_adds(&key, name);
        k = strbuf_str(&key);
    }
    int code;
    if (!recall(repo->ctx->perm_cache, org, k, &code))
        code = keep(repo->ctx->perm_cache, org, k, answer(repo, org, name));
    strbuf_release(&key);
    return code;
}

int orgctl_perm_cache_role(orgctl_repo *repo, const char *org, const char *role,
                           int (*answer)(orgctl_repo *repo, const char *org, const char *role))
{
    return cached(repo, org, ROLE_KEY, role, answer);
}

int orgctl_perm_cache_fact(orgctl_repo *repo, const char *org, const char *fact,
                           int (*answer)(orgctl_repo *repo, const char *org, const char *fact))
{
    return cached(repo, org, FACT_KEY, fact, answer);
}

void orgctl_perm_cache_changed(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                               const char *name)
{
    if (!repo->ctx->perm_cache || !repo->ctx->perm_cache->n)
        return;
    if (!repo->ctx->actor) { /* the answers were another actor's */
        forget(repo->ctx->perm_cache, FORGET_ALL);
        return;
    }
    bool keep_all =
        kind && org && *org && kind != &orgctl_kind_org && repo->ctx->actor_org &&
        (strcmp(org, repo->ctx->actor_org) != 0 ||
         (kind == &orgctl_kind_user && name && strcmp(name, repo->ctx->actor_user) != 0));
    if (!keep_all)
        forget(repo->ctx->perm_cache, FORGET_NO_AND_ROLES);
    else if (kind == &orgctl_kind_role)
        forget(repo->ctx->perm_cache, FORGET_ROLES);
}

void orgctl_perm_cache_forget(orgctl_repo *repo)
{
    if (repo->ctx->perm_cache)
        forget(repo->ctx->perm_cache, FORGET_ALL);
}
