/* Reading objects of any kind from the index (no permission checks: the operations in
 * op.h check them). */
#ifndef ORGCTL_OBJECT_H
#define ORGCTL_OBJECT_H

#include <cjson/cJSON.h>

#include "orgctl/kind.h"
#include "orgctl/repo.h"

/* Secret fields (a user's password hash) never leave the library: get and list give
 * "password_set": true in their place. */

/* The object `name` of `kind` in `org`, parsed (caller frees with cJSON_Delete).
 * ORGCTL_ENOTFOUND, with a message naming it, when there is none. */
int orgctl_object_get(cJSON **out, orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                      const char *name);

/* A filter for orgctl_object_list: objects whose indexed `field` holds `value` (for a
 * list, one of its items; for a map, one of its keys). With `of_kind`, the other way
 * round: objects that the object `value` of `of_kind` names in its indexed `field` (the
 * users in group G: of_kind group, field "members", value G). */
typedef struct {
    const char *field;
    const char *value;
    const orgctl_kind *of_kind;
} orgctl_filter;

/* All objects of `kind` in `org` that pass every filter (and whose name or e-mail
 * contains `search`, when not NULL), sorted by name, as a JSON array (caller frees). */
int orgctl_object_list(cJSON **out, orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                       const orgctl_filter *filters, size_t nfilters, const char *search);

/* The same objects one at a time, read from the index as they are asked for: a list of a
 * million costs the memory of one. orgctl_object_iter_new fails (and nothing is read) when
 * an object of the list cannot be read at all; those that are not valid are warned about
 * and passed over. */
typedef struct orgctl_object_iter orgctl_object_iter;
int orgctl_object_iter_new(orgctl_object_iter **out, orgctl_repo *repo, const orgctl_kind *kind,
                           const char *org, const orgctl_filter *filters, size_t nfilters,
                           const char *search);
/* 1 with the next object in *obj (caller frees with cJSON_Delete), 0 at the end, < 0 on
 * error. */
int orgctl_object_iter_next(orgctl_object_iter *it, cJSON **obj);
void orgctl_object_iter_free(orgctl_object_iter *it);

/* The names of the objects of `kind` in `org` that start with `prefix` ("" for all), in
 * order, as a JSON array of strings (caller frees): a range of the index, read without
 * the objects themselves (tab completion of one name among 100k). */
int orgctl_object_names(cJSON **out, orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                        const char *prefix);

/* The names of the objects of `kind` in `org` whose `field` holds `value`, as a JSON
 * array of strings (caller frees): who refers to a role, a group, a skill. */
int orgctl_object_referrers(cJSON **out, orgctl_repo *repo, const orgctl_kind *kind,
                            const char *org, const char *field, const char *value);

#endif
