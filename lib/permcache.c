/* Permission answers kept while a bulk change set runs: 100k rows ask the same few
 * questions ("may admin@ent add users in acme?") 100k times, and each answer reads the
 * actor, their roles and their groups from the index.
 *
 * An answer depends only on what orgctl_perm_explain reads: the actor and the roles and
 * groups of the actor's own org, and the org objects (lib/perm.c). So the answers stay
 * true across changes to other orgs' objects and to other users; any other change, and
 * any rollback to a savepoint, drops them all. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "orgctl/perm.h"

struct answer {
    char *org, *permission, *message;
    int code;
};

struct orgctl_perm_cache {
    struct answer *a;
    size_t n, alloc;
};

static void forget_all(struct orgctl_perm_cache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->a[i].org);
        free(c->a[i].permission);
        free(c->a[i].message);
    }
    c->n = 0;
}

void orgctl_perm_cache_start(orgctl_repo *repo)
{
    if (!repo->perm_cache)
        repo->perm_cache = xcalloc(1, sizeof(*repo->perm_cache));
}

void orgctl_perm_cache_stop(orgctl_repo *repo)
{
    if (!repo->perm_cache)
        return;
    forget_all(repo->perm_cache);
    free(repo->perm_cache->a);
    free(repo->perm_cache);
    repo->perm_cache = NULL;
}

int orgctl_perm_cache_check(orgctl_repo *repo, const char *org, const char *permission)
{
    struct orgctl_perm_cache *c = repo->perm_cache;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->a[i].org, org) == 0 && strcmp(c->a[i].permission, permission) == 0)
            return c->a[i].code ? orgctl_error_set(c->a[i].code, "%s", c->a[i].message) : 0;
    int code = orgctl_perm_explain(repo, org, repo->actor_org, repo->actor_user, permission,
                                   NULL);
    if (c->n == c->alloc) {
        c->alloc = c->alloc ? c->alloc * 2 : 16;
        c->a = xrealloc(c->a, c->alloc * sizeof(*c->a));
    }
    c->a[c->n++] = (struct answer){xstrdup(org), xstrdup(permission),
                                   xstrdup(code ? orgctl_error_last() : ""), code};
    return code;
}

void orgctl_perm_cache_changed(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                               const char *name)
{
    if (!repo->perm_cache || !repo->perm_cache->n)
        return;
    bool keep = kind && org && *org && kind != &orgctl_kind_org && repo->actor_org &&
                (strcmp(org, repo->actor_org) != 0 ||
                 (kind == &orgctl_kind_user && name && strcmp(name, repo->actor_user) != 0));
    if (!keep)
        forget_all(repo->perm_cache);
}
