/* libFuzzer target: an object as a hand-made commit could hold it, validated against its
 * kind. The first byte picks the kind, the rest is the JSON text. A repository made once at
 * start answers the references and uniqueness checks. Whatever the JSON, validation ends
 * in 0 or an error with a message, never a crash, an overread or a leak. */
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "orgctl/errors.h"
#include "orgctl/kind.h"
#include "orgctl/repo.h"

static orgctl_repo *repo;
static size_t nkinds;
static char dir[] = "/tmp/orgctl-fuzz-object-XXXXXX";

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

/* The repository goes with the process (a replay in the test suite runs it many times). */
static void cleanup(void)
{
    orgctl_repo_free(repo);
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char *admin = NULL;
    setenv("ORGCTL_FSYNC", "0", 1);
    if (!mkdtemp(dir) || orgctl_repo_init(&admin, dir, NULL) < 0 ||
        orgctl_repo_open(&repo, dir, ORGCTL_OPEN_READ) < 0) {
        fprintf(stderr, "fuzz-object: cannot make a repository: %s\n", orgctl_error_last());
        abort();
    }
    free(admin);
    atexit(cleanup);
    while (orgctl_kinds()[nkinds])
        nkinds++;
    return 0;
}

static int count_ref(const orgctl_kind *target, const orgctl_field *f, const char *value,
                     void *payload)
{
    return !target || !f || !value ? (abort(), 1) : 0; /* each reference names something */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const orgctl_kind *kind = orgctl_kinds()[data[0] % nkinds];
    cJSON *obj = cJSON_ParseWithLength((const char *)data + 1, size - 1);
    if (obj) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "name"));
        if (name)
            orgctl_name_validate(kind->name, name);
        if (orgctl_object_validate(repo, kind, orgctl_repo_enterprise_org(repo), obj) < 0 &&
            !*orgctl_error_last())
            abort(); /* an error says what is wrong */
        cJSON_Delete(obj);
    }
    /* as the index checks a file of the tree, filed under the name "x" */
    if ((obj = cJSON_ParseWithLength((const char *)data + 1, size - 1))) {
        orgctl_error_clear();
        if (orgctl_object_validate_stored(repo, kind, orgctl_repo_enterprise_org(repo), "x", obj) <
                0 &&
            !*orgctl_error_last())
            abort();
        orgctl_object_refs(kind, obj, count_ref, NULL);
        cJSON_Delete(obj);
    }
    orgctl_error_clear();
    return 0;
}
