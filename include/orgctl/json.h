/* Canonical JSON: the one byte form of a value on disk and in output. Keys sorted
 * bytewise, two-space indentation, a final newline; the same value is the same bytes. */
#ifndef ORGCTL_JSON_H
#define ORGCTL_JSON_H

#include <cjson/cJSON.h>

/* Renders `value` canonically. Returns a malloc'd string (caller frees) or NULL when out
 * of memory. */
char *orgctl_json_canonical(const cJSON *value);

/* Sorts the members of every object in `value` by key, recursively, in place. */
void orgctl_json_sort(cJSON *value);

#endif
