/* A program using liborgctl through its public headers only (built against the installed
 * library with pkg-config: see run.sh). It makes a config repository, creates a user as
 * the enterprise administrator, is refused when a user without roles tries the same, and
 * lists the users, none of them showing a password hash.
 *   create-user DIR          (DIR must not exist; exit 0 when every step went as said) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <orgctl.h>

/* Runs `kind verb name` with params as one change set; the library checks the actor's
 * permission and validates what it stages. */
static int run_op(orgctl_repo *repo, const char *org, const char *kind, const char *verb,
                  const char *name, orgctl_params *params)
{
    const orgctl_op *op = orgctl_op_lookup(kind, verb);
    orgctl_changeset *cs = NULL;
    if (!op)
        return -1;
    int error = orgctl_changeset_begin(&cs, repo, "examples/c/create-user", org);
    if (error < 0)
        return error;
    orgctl_op_ctx ctx = {
        .op = op, .repo = repo, .cs = cs, .org = org, .name = name, .params = params};
    if ((error = orgctl_op_run(&ctx)) == 0) {
        char *id = NULL;
        error = orgctl_changeset_commit(cs, ctx.summary ? ctx.summary : "example", &id);
        if (error == 0)
            printf("change set %s: %s %s %s\n", id ? id : "(none)", kind, verb, name);
        free(id);
    }
    orgctl_op_ctx_clear(&ctx);
    orgctl_changeset_free(cs);
    return error;
}

static int fail(const char *step)
{
    fprintf(stderr, "create-user: %s: %s\n", step, orgctl_error_last());
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: create-user DIR\n");
        return 2;
    }
    printf("liborgctl %s (built with %s)\n", orgctl_version(NULL, NULL, NULL), ORGCTL_VERSION);
    char *admin = NULL;
    if (orgctl_repo_init(&admin, argv[1], NULL) < 0)
        return fail("init");
    printf("administrator: %s\n", admin);
    free(admin);

    orgctl_repo *repo = NULL;
    if (orgctl_repo_open(&repo, argv[1], ORGCTL_OPEN_WRITE) < 0)
        return fail("open");
    const char *org = orgctl_repo_enterprise_org(repo);
    char password_file[4096];
    snprintf(password_file, sizeof(password_file), "%s.password", argv[1]);
    FILE *f = fopen(password_file, "w");
    if (!f || fputs("correct horse battery staple\n", f) < 0 || fclose(f) != 0)
        return fail("password file");

    /* 1. The administrator creates alice and gives her a password. */
    orgctl_params *p = orgctl_params_new();
    orgctl_params_add(p, "email", "alice@example.com");
    if (run_op(repo, org, "user", "create", "alice", p) < 0)
        return fail("user create alice");
    orgctl_params_free(p);
    p = orgctl_params_new();
    orgctl_params_add(p, "password-file", password_file);
    if (run_op(repo, org, "user", "passwd", "alice", p) < 0)
        return fail("user passwd alice");
    orgctl_params_free(p);
    remove(password_file);

    /* 2. alice holds no role: creating bob is refused, and nothing changes. */
    char actor[256];
    snprintf(actor, sizeof(actor), "alice@%s", org);
    if (orgctl_repo_set_actor(repo, actor) < 0)
        return fail("set actor");
    p = orgctl_params_new();
    orgctl_params_add(p, "email", "bob@example.com");
    int error = run_op(repo, org, "user", "create", "bob", p);
    orgctl_params_free(p);
    if (error != ORGCTL_EPERM) {
        fprintf(stderr, "create-user: alice was not refused (%d)\n", error);
        return 1;
    }
    printf("refused as %s: %s\n", actor, orgctl_error_last());

    /* 3. The users, read back: alice and the administrator, no bob, no hash. */
    cJSON *users = NULL;
    if (orgctl_object_list(&users, repo, &orgctl_kind_user, org, NULL, 0, NULL) < 0)
        return fail("list");
    const cJSON *u;
    int n = 0, bad = 0;
    cJSON_ArrayForEach(u, users)
    {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(u, "name"));
        bool hash = cJSON_GetObjectItem(u, "password_hash") != NULL;
        printf("user %s%s\n", name ? name : "?", hash ? " (password hash visible!)" : "");
        bad += hash || (name && strcmp(name, "bob") == 0);
        n++;
    }
    cJSON_Delete(users);
    orgctl_repo_free(repo);
    if (n != 2 || bad) {
        fprintf(stderr, "create-user: expected the administrator and alice, no hash\n");
        return 1;
    }
    printf("ok\n");
    return 0;
}
