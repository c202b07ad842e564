/* The pairing kind (lib/schema/pairing.h): its fields, descriptor and own rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orgctl/errors.h"
#include "orgctl/repo.h"
#include "pairing.h"

static const orgctl_field pairing_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "pairing id, the key"},
    {"trustee", ORGCTL_FIELD_STRING,
     ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED | ORGCTL_FIELD_UNIQUE, NULL,
     "the org given access (shortname); one pairing per direction"},
    {"state", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, NULL,
     "enabled or disabled: the access toggle (roles are kept)"},
    {"accepted", ORGCTL_FIELD_BOOL, 0, NULL, "whether the trusting org accepted the request"},
    {"token_sha256", ORGCTL_FIELD_STRING, ORGCTL_FIELD_SECRET, NULL,
     "SHA-256 of the pending link's token (never the token)"},
    {"created", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "when it was requested"},
    {"link_expires", ORGCTL_FIELD_STRING, 0, NULL, "when the link stops working"},
    {"expires", ORGCTL_FIELD_STRING, 0, NULL, "when the whole trust ends (none: never)"},
    {"users", ORGCTL_FIELD_LIST, 0, NULL, "authorized users of the trustee org"},
    {"groups", ORGCTL_FIELD_LIST, 0, NULL, "authorized groups of the trustee org"},
    {"grants", ORGCTL_FIELD_LIST, 0, NULL, "roles granted, user/USER/ROLE or group/GROUP/ROLE"},
    {"user_ids", ORGCTL_FIELD_MAP, 0, NULL,
     "USER=ID: the identity of each authorized user (none: a user made before ids)"},
    {"group_ids", ORGCTL_FIELD_MAP, 0, NULL,
     "GROUP=ID: the identity of each authorized group (none: a group made before ids)"},
    {NULL, 0, 0, NULL, NULL},
};

const orgctl_kind orgctl_kind_pairing = {
    "pairing",
    "pairings",
    "authorization:orgTrustee",
    true,
    false,
    pairing_fields,
    "name,trustee,state,accepted,created,expires",
    orgctl_pair_validate,
};

/* --- small helpers --- */

const char *orgctl_pair_str(const cJSON *obj, const char *field)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, field));
}
bool orgctl_pair_list_has(const cJSON *l, const char *s)
{
    const cJSON *i;
    cJSON_ArrayForEach(i, l)
    {
        if (cJSON_IsString(i) && strcmp(i->valuestring, s) == 0)
            return true;
    }
    return false;
}

bool orgctl_identity_is(const char *recorded, const cJSON *obj)
{
    const char *actual = orgctl_pair_str(obj, "id");
    return recorded && actual ? strcmp(recorded, actual) == 0 : !recorded && !actual;
}

bool orgctl_pair_same_identity(const cJSON *p, bool user, const char *name, const cJSON *obj)
{
    return orgctl_identity_is(
        orgctl_pair_str(cJSON_GetObjectItemCaseSensitive(p, user ? "user_ids" : "group_ids"), name),
        obj);
}

bool orgctl_pair_accepted(const cJSON *p)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "accepted"));
}

bool orgctl_pair_enabled(const cJSON *p)
{
    const char *s = orgctl_pair_str(p, "state");
    return s && strcmp(s, "enabled") == 0;
}

/* Whether the trust has expired by the one clock (an unreadable time: expired). */
bool orgctl_pair_expired(const cJSON *p, const char *field, time_t now)
{
    const char *s = orgctl_pair_str(p, field);
    time_t t;
    if (!s)
        return false;
    if (orgctl_time_parse(&t, NULL, field, s) < 0) {
        orgctl_error_clear();
        return true;
    }
    return now >= t;
}

/* A grant entry: "user/bob/Admin" -> kind "user", who "bob", role "Admin". */
bool orgctl_pair_grant_split(const char *entry, char *kind, size_t ksize, const char **who,
                             size_t *who_len, const char **role)
{
    const char *a = strchr(entry, '/'), *b = a ? strchr(a + 1, '/') : NULL;
    if (!a || !b || b == a + 1 || !b[1] || strchr(b + 1, '/') || (size_t)(a - entry) >= ksize)
        return false;
    memcpy(kind, entry, (size_t)(a - entry));
    kind[a - entry] = '\0';
    if (strcmp(kind, "user") != 0 && strcmp(kind, "group") != 0)
        return false;
    *who = a + 1;
    *who_len = (size_t)(b - a - 1);
    *role = b + 1;
    return true;
}

/* --- the kind's own rules --- */

int orgctl_pair_validate(orgctl_repo *repo, const char *org, const cJSON *obj)
{
    (void)repo;
    const char *name = orgctl_pair_str(obj, "name"), *trustee = orgctl_pair_str(obj, "trustee");
    if (trustee && strcmp(trustee, org) == 0)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "pairing \"%s\": org \"%s\" cannot pair with itself", name, org);
    if (trustee && orgctl_name_validate("trustee", trustee) < 0)
        return ORGCTL_EINVALID;
    const cJSON *users = cJSON_GetObjectItemCaseSensitive(obj, "users");
    const cJSON *groups = cJSON_GetObjectItemCaseSensitive(obj, "groups");
    int n = cJSON_GetArraySize(users) + cJSON_GetArraySize(groups);
    if (n > ORGCTL_PAIR_MAX_TRUSTEES)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "pairing \"%s\": %d users and groups: a pairing authorizes at "
                                "most %d",
                                name, n, ORGCTL_PAIR_MAX_TRUSTEES);
    const cJSON *i;
    int error = 0;
    cJSON_ArrayForEach(i, users)
    {
        if ((error = orgctl_name_validate("user", i->valuestring)) < 0)
            return error;
    }
    cJSON_ArrayForEach(i, groups)
    {
        if ((error = orgctl_name_validate("group", i->valuestring)) < 0)
            return error;
    }
    for (int k = 0; k < 2; k++) { /* each identity is of a user or group the pairing names */
        const char *field = k ? "group_ids" : "user_ids";
        cJSON_ArrayForEach(i, cJSON_GetObjectItemCaseSensitive(obj, field))
        {
            const char *id = cJSON_GetStringValue(i);
            if (!orgctl_pair_list_has(k ? groups : users, i->string) || !id ||
                strlen(id) != ORGCTL_IDENTITY_HEX ||
                strspn(id, "0123456789abcdef") != ORGCTL_IDENTITY_HEX)
                return orgctl_error_set(ORGCTL_EINVALID,
                                        "pairing \"%s\": %s \"%.100s\" is not the identity of a "
                                        "%s it authorizes",
                                        name, field, i->string, k ? "group" : "user");
        }
    }
    const cJSON *grants = cJSON_GetObjectItemCaseSensitive(obj, "grants");
    if (cJSON_GetArraySize(grants) > 0 && !orgctl_pair_accepted(obj))
        return orgctl_error_set(ORGCTL_EINVALID,
                                "pairing \"%s\" grants roles before it was accepted", name);
    cJSON_ArrayForEach(i, grants)
    {
        char kind[8], who[256];
        const char *w, *role;
        size_t wl;
        if (!orgctl_pair_grant_split(i->valuestring, kind, sizeof(kind), &w, &wl, &role) ||
            wl >= sizeof(who))
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "pairing \"%s\": grant \"%.100s\" is not user/USER/ROLE or "
                                    "group/GROUP/ROLE",
                                    name, i->valuestring);
        memcpy(who, w, wl);
        who[wl] = '\0';
        if (!orgctl_pair_list_has(kind[0] == 'u' ? users : groups, who))
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "pairing \"%s\": grant \"%.100s\" names a %s the pairing "
                                    "does not authorize",
                                    name, i->valuestring, kind);
    }
    for (int f = 0; f < 3; f++) {
        const char *field = (const char *[]){"created", "link_expires", "expires"}[f];
        const char *s = orgctl_pair_str(obj, field);
        time_t t;
        if (s && (error = orgctl_time_parse(&t, NULL, field, s)) < 0)
            return error;
    }
    return 0;
}
