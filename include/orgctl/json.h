/* Canonical JSON: the one byte form of a value on disk and in output. Keys sorted
 * bytewise, two-space indentation, a final newline; the same value is the same bytes. */
#ifndef ORGCTL_JSON_H
#define ORGCTL_JSON_H

#include <cjson/cJSON.h>

/* Renders `value` canonically. Returns a malloc'd string (caller frees) or NULL when out
 * of memory. */
char *orgctl_json_canonical(const cJSON *value);

/* `value` as orgctl_json_canonical renders it inside containers `depth` levels deep (the
 * items of a top-level list: 1), without the final newline: a list written an item at a
 * time is the same bytes as the whole list rendered at once. malloc'd, or NULL. */
char *orgctl_json_canonical_at(const cJSON *value, int depth);

/* Sorts the members of every object in `value` by key, recursively, in place. */
void orgctl_json_sort(cJSON *value);

/* The text of `value` in one CSV cell, as `-o csv` writes it and `orgctl bulk` reads it
 * back: a string as it is, true or false, a whole number in full, null as nothing; a
 * list's items joined by ';'; a map's KEY=VALUE joined by ';'; one level down, a list's
 * items (or a map's KEY=VALUE) joined by ','; further down, compact JSON. Inside a list
 * or map a '\', ';', '=' or ',' of a name or value is preceded by '\'. malloc'd. */
char *orgctl_json_cell(const cJSON *value);

/* The items of a cell holding a list or map as orgctl_json_cell writes it: split at each
 * ';' not preceded by '\', escapes undone; a map's items stay "KEY=VALUE". A JSON array
 * of strings (caller frees); an empty cell is an empty list. */
cJSON *orgctl_json_cell_split(const char *cell);

#endif
