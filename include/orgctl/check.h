/* orgctl check: what in the repository cannot be believed, as git fsck finds it. */
#ifndef ORGCTL_CHECK_H
#define ORGCTL_CHECK_H

#include <cjson/cJSON.h>

#include "orgctl/repo.h"

/* Every problem of the repository, as a JSON array of {path, problem} sorted by path
 * (caller frees): each file of the tree at HEAD that breaks its kind's rules (its shape,
 * an unknown field, a reference to an object that does not exist, a name that is not its
 * path's, a file in the wrong shard or folder), which orgctl neither serves nor honours;
 * and each object of the history (commits, trees, blobs reachable from HEAD) missing from
 * the object database, its path prefixed with the commit ("<commit>:<path>") when HEAD's
 * tree does not hold it. An empty array: nothing is wrong.
 *
 * Reading everything needs what reading every org needs: the view permission of every kind
 * in every org (an org whose org.json cannot be read is the enterprise org's), else
 * ORGCTL_EPERM naming the first missing. */
int orgctl_check(cJSON **out, orgctl_repo *repo);

#endif
