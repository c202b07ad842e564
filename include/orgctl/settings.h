/* Settings of orgs and of the enterprise: ONE table says which keys exist, their type and
 * range, their default, how an enterprise-wide value applies to the orgs, and their help.
 * Validation (of every writer: a command, a bulk row, a rollback), `orgctl org settings`,
 * `orgctl help settings` and the password policy read it; orgctl(5) documents it.
 *
 * Settings live in an org's org.json ("settings", a map of strings). The settings of the
 * enterprise's own org (made by init) are enterprise-wide: they apply to every org at
 * once. How, a setting's scope says:
 *   ORGCTL_SETTING_DEFAULT  the org's own value wins; the enterprise's is its default
 *   ORGCTL_SETTING_FLOOR    a policy minimum: in force is the larger of the org's and the
 *                           enterprise's; an org may raise it, never set it below the
 *                           enterprise's (or the default, where the enterprise says nothing)
 *   ORGCTL_SETTING_CEILING  a policy maximum: the smaller of the two, likewise
 * So when the enterprise tightens its policy later, the stricter value is in force. */
#ifndef ORGCTL_SETTINGS_H
#define ORGCTL_SETTINGS_H

#include <cjson/cJSON.h>

#include "orgctl/repo.h"

enum orgctl_setting_type {
    ORGCTL_SETTING_INT,      /* a whole number in [min, max] */
    ORGCTL_SETTING_TIMEZONE, /* "UTC" or an IANA name such as "Europe/Paris" */
    ORGCTL_SETTING_LANGUAGE, /* a BCP 47 language tag such as "en" or "fr-CA" */
    ORGCTL_SETTING_REGION,   /* an ISO 3166 region of phone numbers, such as "US" or "GB" */
};

enum orgctl_setting_scope {
    ORGCTL_SETTING_DEFAULT,
    ORGCTL_SETTING_FLOOR,
    ORGCTL_SETTING_CEILING,
};

typedef struct orgctl_setting {
    const char *key;
    enum orgctl_setting_type type;
    int min, max;    /* ORGCTL_SETTING_INT */
    const char *def; /* the default, as text; NULL: none */
    enum orgctl_setting_scope scope;
    const char *help;
} orgctl_setting;

/* Every setting, terminated by one whose key is NULL. */
const orgctl_setting *orgctl_settings(void);

/* The setting `key`, or NULL. */
const orgctl_setting *orgctl_setting_lookup(const char *key);

/* Checks one setting: a known key and a value of its type in its range (a string, or for
 * an integer setting a JSON number too). ORGCTL_EINVALID with a message naming both. */
int orgctl_setting_check(const char *key, const cJSON *value);

/* The org kind's own rule (lib/core/settings.c, run as an org object is validated): every setting
 * of the org object `obj` checked, and, for an org other than the enterprise's, no policy setting
 * looser than the enterprise's unless it is the value the org had already (the enterprise may have
 * tightened since: its value is in force then). */
int orgctl_settings_validate_org(orgctl_repo *repo, const char *org, const cJSON *obj);

/* The settings in force in `org`, one row per setting of the table:
 * [{key, value, org, enterprise, default, type, scope, help}], where value is the one in
 * force and org and enterprise what each set (null when nothing); integers as numbers. */
int orgctl_settings_show(orgctl_repo *repo, const char *org, cJSON **out);

/* The integer value in force of `key` in rows of orgctl_settings_show (0 if none). */
int orgctl_settings_int(const cJSON *rows, const char *key);

/* The table itself, [{key, type, default, scope, help}] (type with its range). */
cJSON *orgctl_settings_describe(void);

#endif
