/* Writes a git fast-import stream that adds N users to an org of a config repository, on
 * top of the branch's current commit: the fast way to make a big org for the benchmarks.
 * Paths and bytes come from liborgctl itself (orgctl_kind_path, canonical JSON), so the
 * result is exactly what orgctl would have written.
 *   gen-users ORG N PARENT-COMMIT [ROLE] | git -C REPO fast-import --quiet */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orgctl.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: gen-users ORG N PARENT-COMMIT [ROLE]\n");
        return 2;
    }
    const char *org = argv[1], *parent = argv[3], *role = argc > 4 ? argv[4] : NULL;
    long n = atol(argv[2]);
    const char *msg = "bench: generated users\n\nChange-Set: 1000000\nActor: bench@bench\n";
    printf("commit refs/heads/main\ncommitter bench <bench@bench> 1767323045 +0000\n");
    printf("data %zu\n%s\nfrom %s\n", strlen(msg), msg, parent);
    for (long i = 0; i < n; i++) {
        char name[32], email[64], full[64];
        snprintf(name, sizeof(name), "u%06ld", i);
        snprintf(email, sizeof(email), "u%06ld@%s.example", i, org);
        snprintf(full, sizeof(full), "User %ld", i);
        cJSON *u = cJSON_CreateObject();
        cJSON_AddStringToObject(u, "name", name);
        cJSON_AddStringToObject(u, "email", email);
        cJSON_AddStringToObject(u, "full_name", full);
        cJSON_AddStringToObject(u, "state", "enabled");
        cJSON_AddObjectToObject(u, "options");
        cJSON *roles = cJSON_AddArrayToObject(u, "roles");
        if (role)
            cJSON_AddItemToArray(roles, cJSON_CreateString(role));
        char *json = orgctl_json_canonical(u);
        char *path = orgctl_kind_path(&orgctl_kind_user, org, name);
        printf("M 100644 inline %s\ndata %zu\n%s\n", path, strlen(json), json);
        free(json);
        free(path);
        cJSON_Delete(u);
    }
    return 0;
}
