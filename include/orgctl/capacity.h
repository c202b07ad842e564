/* Capacity rules: the most interactions of each media type (voice, chat, email, message,
 * callback) an agent handles at once, and which media may be mixed. The verbs are
 * operations in op.h ("capacity create", "capacity assign", ...). */
#ifndef ORGCTL_CAPACITY_H
#define ORGCTL_CAPACITY_H

#include <cjson/cJSON.h>

#include "orgctl/repo.h"

/* The media types, NULL-terminated; each is also a field of the capacity kind. */
const char *const *orgctl_capacity_media(void);

/* Checks a combination rule: media names joined by AND and OR (either case), grouped with
 * parentheses, e.g. "voice AND chat" or "(chat OR email) AND voice". Each medium named
 * must have a maximum of at least 1 in `rule` (the capacity object; NULL skips that).
 * ORGCTL_EINVALID with a message naming the offending word otherwise. */
int orgctl_capacity_combine_check(const char *combine, const cJSON *rule);

/* The capacity kind's own rules (the kind table's validate hook). */
int orgctl_capacity_validate(orgctl_repo *repo, const char *org, const cJSON *obj);

#endif
