/* The context of a repository handle: who acts (the actor) and the enterprise (its org and
 * administrator), over the store's handle (lib/store/repo.c). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "orgctl/object.h"

const char *orgctl_repo_actor(orgctl_repo *repo)
{
    return repo->ctx->actor;
}

const char *orgctl_repo_enterprise_org(orgctl_repo *repo)
{
    return repo->ctx->enterprise_org ? repo->ctx->enterprise_org : "";
}

static int load_enterprise(orgctl_repo *repo)
{
    cJSON *ent = NULL;
    if (orgctl_object_load(repo, &orgctl_kind_enterprise, "", "", &ent) < 0) {
        orgctl_error_clear();
        return 0; /* a repository being initialised */
    }
    const char *org = cJSON_GetStringValue(cJSON_GetObjectItem(ent, "org"));
    const char *admin = cJSON_GetStringValue(cJSON_GetObjectItem(ent, "admin"));
    free(repo->ctx->enterprise_org);
    free(repo->ctx->enterprise_admin);
    repo->ctx->enterprise_org = xstrdup(org);
    repo->ctx->enterprise_admin = xstrdup(admin);
    cJSON_Delete(ent);
    return 0;
}

/* What the index checks the files of the tree against (lib/store/store.h). */
static const struct orgctl_object_rules object_rules = {
    .validate_stored = orgctl_object_validate_stored,
    .refs = orgctl_object_refs,
};

int orgctl_repo_open(orgctl_repo **out, const char *dir, enum orgctl_open_mode mode)
{
    orgctl_store_set_object_rules(&object_rules);
    int error = orgctl_store_open(out, dir, mode);
    if (error < 0)
        return error;
    (*out)->ctx = xcalloc(1, sizeof(*(*out)->ctx));
    return load_enterprise(*out);
}

int orgctl_repo_create(orgctl_repo **out, const char *dir, bool dry)
{
    orgctl_store_set_object_rules(&object_rules);
    int error = orgctl_store_create(out, dir, dry);
    if (error < 0)
        return error;
    (*out)->ctx = xcalloc(1, sizeof(*(*out)->ctx));
    return 0;
}

void orgctl_repo_free(orgctl_repo *repo)
{
    if (!repo)
        return;
    if (repo->cs) /* before the context, which freeing it reads */
        repo->cs_hooks->free(repo->cs);
    if (repo->ctx) {
        free(repo->ctx->actor);
        free(repo->ctx->actor_user);
        free(repo->ctx->actor_org);
        free(repo->ctx->enterprise_org);
        free(repo->ctx->enterprise_admin);
        free(repo->ctx);
    }
    orgctl_store_close(repo);
}

int orgctl_repo_set_actor(orgctl_repo *repo, const char *actor)
{
    strbuf sb = STRBUF_INIT;
    /* Only an actor not given at all defaults to the administrator: an empty --as or
     * $ORGCTL_ACTOR (a pipeline's unset variable) must not get every right. */
    if (!actor)
        actor = getenv("ORGCTL_ACTOR");
    if (!actor) {
        if (!repo->ctx->enterprise_admin)
            return orgctl_error_set(ORGCTL_EINVALID, "no actor: give --as USER@ORG");
        strbuf_addf(&sb, "%s@%s", repo->ctx->enterprise_admin, repo->ctx->enterprise_org);
    } else if (!*actor) {
        return orgctl_error_set(ORGCTL_EINVALID,
                                "the actor is given but empty (--as or $ORGCTL_ACTOR): name "
                                "one as USER@ORG");
    } else {
        strbuf_adds(&sb, actor);
    }
    const char *s = strbuf_str(&sb);
    const char *at = strrchr(s, '@');
    char *user = at ? strndup(s, (size_t)(at - s)) : NULL;
    if (!at || orgctl_name_validate("user", user) < 0 || orgctl_name_validate("org", at + 1) < 0) {
        int err = orgctl_error_set(ORGCTL_EINVALID, "actor \"%s\" is not of the form USER@ORG", s);
        free(user);
        strbuf_release(&sb);
        return err;
    }
    orgctl_perm_cache_forget(repo); /* the answers were another actor's */
    free(repo->ctx->actor);
    free(repo->ctx->actor_user);
    free(repo->ctx->actor_org);
    repo->ctx->actor_user = user;
    repo->ctx->actor_org = xstrdup(at + 1);
    repo->ctx->actor = strbuf_detach(&sb, NULL);
    return 0;
}
