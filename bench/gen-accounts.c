/* Writes a git fast-import stream that fills an org for the accounts benchmark, on top of
 * the branch's current commit: skills, roles, N users with skills, G agent groups, and a
 * user "hub" in 50 groups that give 200 roles between them. Paths and bytes come from
 * liborgctl (orgctl_kind_path, canonical JSON), so the result is what orgctl would write.
 *   gen-accounts ORG USERS GROUPS PARENT-COMMIT | git -C REPO fast-import --quiet
 *
 * Skills: "english" is held by every 10th user; "s00".."s49" by about 1 user in 25 each.
 * Roles "r000".."r199" grant routing:queue:view, except r199, which alone grants
 * outbound:campaign:view; nothing grants outbound:campaign:delete. Groups g0000..g0049
 * hold the hub and roles r(4k)..r(4k+3); every group has users spread over it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orgctl.h"

#define HUB_GROUPS 50
#define ROLES 200
#define SKILLS 50

static void emit(const orgctl_kind *kind, const char *org, cJSON *obj)
{
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "name"));
    char *json = orgctl_json_canonical(obj);
    char *path = orgctl_kind_path(kind, org, name);
    printf("M 100644 inline %s\ndata %zu\n%s\n", path, strlen(json), json);
    free(json);
    free(path);
    cJSON_Delete(obj);
}

static cJSON *named(const char *name)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddStringToObject(o, "state", "enabled");
    return o;
}

static void add_string(cJSON *list, const char *fmt, long n)
{
    char s[32];
    snprintf(s, sizeof(s), fmt, n);
    cJSON_AddItemToArray(list, cJSON_CreateString(s));
}

static void skills_and_roles(const char *org)
{
    char name[32];
    emit(&orgctl_kind_skill, org, named("english"));
    for (int i = 0; i < SKILLS; i++) {
        snprintf(name, sizeof(name), "s%02d", i);
        emit(&orgctl_kind_skill, org, named(name));
    }
    for (int i = 0; i < ROLES; i++) {
        snprintf(name, sizeof(name), "r%03d", i);
        cJSON *r = named(name);
        cJSON *perms = cJSON_AddArrayToObject(r, "permissions");
        cJSON_AddItemToArray(perms, cJSON_CreateString(i == ROLES - 1 ? "outbound:campaign:view"
                                                                      : "routing:queue:view"));
        emit(&orgctl_kind_role, org, r);
    }
}

static void user(const char *org, long i)
{
    char name[32], email[64];
    snprintf(name, sizeof(name), "u%06ld", i);
    snprintf(email, sizeof(email), "u%06ld@%s.example", i, org);
    cJSON *u = named(name);
    cJSON_AddStringToObject(u, "email", email);
    cJSON_AddStringToObject(u, "full_name", name);
    cJSON_AddObjectToObject(u, "options");
    cJSON_AddArrayToObject(u, "roles");
    cJSON *skills = cJSON_AddObjectToObject(u, "skills");
    char s[8];
    snprintf(s, sizeof(s), "s%02ld", i % SKILLS);
    cJSON_AddNumberToObject(skills, s, i % 11);
    if (i % 10 == 0)
        cJSON_AddNumberToObject(skills, "english", 5);
    emit(&orgctl_kind_user, org, u);
}

/* Group g of `groups`: the users i with i % groups == g (sorted), and for the first 50 the
 * hub and four roles each. */
static void group(const char *org, long g, long groups, long users)
{
    char name[32];
    snprintf(name, sizeof(name), "g%04ld", g);
    cJSON *o = named(name);
    cJSON *members = cJSON_AddArrayToObject(o, "members");
    cJSON *roles = cJSON_AddArrayToObject(o, "roles");
    if (g < HUB_GROUPS) {
        cJSON_AddItemToArray(members, cJSON_CreateString("hub"));
        for (long r = g * (ROLES / HUB_GROUPS); r < (g + 1) * (ROLES / HUB_GROUPS); r++)
            add_string(roles, "r%03ld", r);
    }
    for (long i = g; i < users; i += groups)
        add_string(members, "u%06ld", i);
    emit(&orgctl_kind_group, org, o);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: gen-accounts ORG USERS GROUPS PARENT-COMMIT\n");
        return 2;
    }
    const char *org = argv[1], *parent = argv[4];
    long users = atol(argv[2]), groups = atol(argv[3]);
    if (groups < HUB_GROUPS) {
        fprintf(stderr, "gen-accounts: at least %d groups\n", HUB_GROUPS);
        return 2;
    }
    const char *msg = "bench: generated accounts\n\nChange-Set: 1000000\nActor: bench@bench\n";
    printf("commit refs/heads/main\ncommitter bench <bench@bench> 1767323045 +0000\n");
    printf("data %zu\n%s\nfrom %s\n", strlen(msg), msg, parent);
    skills_and_roles(org);
    cJSON *hub = named("hub");
    cJSON_AddStringToObject(hub, "email", "hub@bench.example");
    cJSON_AddArrayToObject(hub, "roles");
    emit(&orgctl_kind_user, org, hub);
    for (long i = 0; i < users; i++)
        user(org, i);
    for (long g = 0; g < groups; g++)
        group(org, g, groups, users);
    return 0;
}
