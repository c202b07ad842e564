/* Settings: the one table of keys, their checks, and the values in force in an org (its
 * own and the enterprise's, by each setting's scope). See orgctl/settings.h. In the core:
 * every org object is checked against them as it is validated (lib/core/object.c), and
 * the org kind's verbs (lib/kinds/org.c) and passwords read them. */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "orgctl/object.h"
#include "orgctl/settings.h"
#include "phone.h"

static const orgctl_setting table[] = {
    {"password.min_length", ORGCTL_SETTING_INT, 1, 1024, "8", ORGCTL_SETTING_FLOOR,
     "fewest characters of a password"},
    {"password.max_length", ORGCTL_SETTING_INT, 8, 4096, "256", ORGCTL_SETTING_CEILING,
     "most characters of a password"},
    {"password.min_classes", ORGCTL_SETTING_INT, 1, 4, "1", ORGCTL_SETTING_FLOOR,
     "fewest kinds of character in a password, among lower case, upper case, digits "
     "and others"},
    {"bulk.max_rows", ORGCTL_SETTING_INT, 1, 100000000, "1000000", ORGCTL_SETTING_CEILING,
     "most rows of a bulk set's file (orgctl bulk create)"},
    {"bulk.max_megabytes", ORGCTL_SETTING_INT, 1, 65536, "1024", ORGCTL_SETTING_CEILING,
     "most megabytes (MiB) of a bulk set's file, as read (a .gz or .zip inflated)"},
    {"suppress.max_inflated_megabytes", ORGCTL_SETTING_INT, 1, 1048576, "4096",
     ORGCTL_SETTING_CEILING,
     "most megabytes (MiB) a .gz or .zip imported into a suppression list may inflate to"},
    {"suppress.default_country", ORGCTL_SETTING_REGION, 0, 0, "US", ORGCTL_SETTING_DEFAULT,
     "the region of the national numbers orgctl suppress reads (its --default-country)"},
    {"tz", ORGCTL_SETTING_TIMEZONE, 0, 0, "UTC", ORGCTL_SETTING_DEFAULT,
     "the org's time zone, an IANA name such as Europe/Paris"},
    {"lang", ORGCTL_SETTING_LANGUAGE, 0, 0, "en", ORGCTL_SETTING_DEFAULT,
     "the org's language, a BCP 47 tag such as en or fr-CA"},
    {NULL, 0, 0, 0, NULL, 0, NULL},
};

const orgctl_setting *orgctl_settings(void)
{
    return table;
}

const orgctl_setting *orgctl_setting_lookup(const char *key)
{
    for (const orgctl_setting *s = table; key && s->key; s++)
        if (strcmp(s->key, key) == 0)
            return s;
    return NULL;
}

static const char *const scope_names[] = {"org", "enterprise-minimum", "enterprise-maximum"};

/* "integer 1-1024", "time zone", "language tag". */
static void type_text(const orgctl_setting *s, char *buf, size_t size)
{
    if (s->type == ORGCTL_SETTING_INT)
        snprintf(buf, size, "integer %d-%d", s->min, s->max);
    else
        snprintf(buf, size, "%s",
                 s->type == ORGCTL_SETTING_TIMEZONE   ? "time zone"
                 : s->type == ORGCTL_SETTING_LANGUAGE ? "language tag"
                                                      : "ISO 3166 region");
}

/* "UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5": names of letters,
 * digits, '_', '+' and '-', each starting with a letter, joined by '/'. */
static bool timezone_ok(const char *s)
{
    int parts = 0;
    size_t len = strlen(s);
    if (len == 0 || len > 64)
        return false;
    for (const char *p = s; *p;) {
        if (!isalpha((unsigned char)*p))
            return false;
        while (*p && *p != '/') {
            if (!isalnum((unsigned char)*p) && !strchr("_+-", *p))
                return false;
            p++;
        }
        parts++;
        if (*p == '/' && !*++p)
            return false;
    }
    return parts <= 3;
}

/* A language tag: 2 or 3 letters, then subtags of 1 to 8 letters or digits ("en",
 * "fr-CA", "zh-Hant-TW"), at most 35 characters. */
static bool language_ok(const char *s)
{
    size_t len = strlen(s), n = strspn(s, "abcdefghijklmnopqrstuvwxyz");
    if (len > 35 || n < 2 || n > 3)
        return false;
    for (const char *p = s + n; *p;) {
        if (*p++ != '-')
            return false;
        size_t sub = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        if (sub < 1 || sub > 8)
            return false;
        p += sub;
    }
    return true;
}

/* The integer a value holds: a JSON number, or a string of digits. */
static bool value_int(const cJSON *v, long *out)
{
    if (cJSON_IsNumber(v)) {
        /* out of long's range the cast is undefined: such a number is no setting's value */
        if (!(fabs(v->valuedouble) < 1e15))
            return false;
        *out = (long)v->valuedouble;
        return v->valuedouble == (double)*out;
    }
    const char *s = cJSON_GetStringValue(v);
    if (!s || !*s || strlen(s) > 9 || strspn(s, "0123456789") != strlen(s))
        return false;
    *out = strtol(s, NULL, 10);
    return true;
}

static int check_value(const orgctl_setting *s, const cJSON *v, long *n)
{
    char type[64];
    type_text(s, type, sizeof(type));
    char *text = cJSON_IsString(v) ? NULL : cJSON_PrintUnformatted(v);
    const char *shown = cJSON_IsString(v) ? v->valuestring : text ? text : "";
    bool ok;
    if (s->type == ORGCTL_SETTING_INT)
        ok = value_int(v, n) && *n >= s->min && *n <= s->max;
    else
        ok = cJSON_IsString(v) && (s->type == ORGCTL_SETTING_TIMEZONE ? timezone_ok(v->valuestring)
                                   : s->type == ORGCTL_SETTING_LANGUAGE
                                       ? language_ok(v->valuestring)
                                       : orgctl_phone_region_lookup(v->valuestring) != NULL);
    int error =
        ok ? 0
           : orgctl_error_set(
                 ORGCTL_EINVALID, "setting %s=\"%s\" is not a%s %s", s->key, shown,
                 s->type == ORGCTL_SETTING_INT || s->type == ORGCTL_SETTING_REGION ? "n" : "",
                 type);
    free(text);
    return error;
}

/* "password.min_length, password.max_length, ...". */
static void known_keys(strbuf *sb)
{
    for (const orgctl_setting *s = table; s->key; s++)
        strbuf_addf(sb, "%s%s", s == table ? "" : ", ", s->key);
}

int orgctl_setting_check(const char *key, const cJSON *value)
{
    const orgctl_setting *s = orgctl_setting_lookup(key);
    if (!s) {
        strbuf known = STRBUF_INIT;
        known_keys(&known);
        int error = orgctl_error_set(ORGCTL_EINVALID, "unknown setting \"%s\" (known: %s)", key,
                                     strbuf_str(&known));
        strbuf_release(&known);
        return error;
    }
    long n;
    return check_value(s, value, &n);
}

/* Whether `a` is stricter than `b` for a policy setting (FLOOR: larger, CEILING: smaller). */
static bool stricter(const orgctl_setting *s, long a, long b)
{
    return s->scope == ORGCTL_SETTING_FLOOR ? a > b : a < b;
}

/* An org's settings and the enterprise's: the objects they are in (to free). */
struct sources {
    cJSON *org_obj, *ent_obj;
    const cJSON *own, *ent;
};

static void sources_free(struct sources *src)
{
    cJSON_Delete(src->org_obj);
    cJSON_Delete(src->ent_obj);
}

static bool is_enterprise_org(orgctl_repo *repo, const char *shortname, const cJSON *obj)
{
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "enterprise")))
        return true;
    return repo->ctx->enterprise_org && shortname &&
           strcmp(repo->ctx->enterprise_org, shortname) == 0;
}

/* The enterprise's settings as staged now (none before init made its org). */
static int load_enterprise(orgctl_repo *repo, struct sources *src)
{
    const char *ent = repo->ctx->enterprise_org;
    if (!ent || !orgctl_object_exists(repo, &orgctl_kind_org, ent, ent))
        return 0;
    int error = orgctl_object_load(repo, &orgctl_kind_org, ent, ent, &src->ent_obj);
    src->ent = cJSON_GetObjectItemCaseSensitive(src->ent_obj, "settings");
    return error;
}

/* The value in force of setting s, its integer in *n for an integer setting; NULL when
 * nothing sets it and it has no default. An unreadable stored value is an error: a policy
 * is never silently ignored. */
static int in_force(orgctl_repo *repo, const orgctl_setting *s, const struct sources *src,
                    const char *org, cJSON **out, long *n)
{
    const cJSON *own = cJSON_GetObjectItemCaseSensitive(src->own, s->key);
    const cJSON *ent = cJSON_GetObjectItemCaseSensitive(src->ent, s->key);
    long own_n = 0, ent_n = 0, def_n = 0;
    *out = NULL;
    bool own_bad = own && check_value(s, own, &own_n) < 0;
    if (own_bad || (ent && check_value(s, ent, &ent_n) < 0)) {
        char *why = xstrdup(orgctl_error_last()); /* the message is rewritten below */
        const char *where = own_bad ? org : repo->ctx->enterprise_org;
        int error =
            orgctl_error_set(ORGCTL_EINVALID,
                             "org \"%s\"%s: %s; fix it with \"orgctl org update %s "
                             "--setting %s=VALUE\"",
                             where, own_bad ? "" : " (the enterprise's)", why, where, s->key);
        free(why);
        return error;
    }
    if (s->type != ORGCTL_SETTING_INT) {
        const cJSON *v = own ? own : ent;
        *out = v        ? cJSON_CreateString(v->valuestring)
               : s->def ? cJSON_CreateString(s->def)
                        : cJSON_CreateNull();
        return 0;
    }
    def_n = s->def ? strtol(s->def, NULL, 10) : 0;
    long base = ent ? ent_n : def_n;
    if (s->scope == ORGCTL_SETTING_DEFAULT)
        *n = own ? own_n : base;
    else
        *n = own && stricter(s, own_n, base) ? own_n : base;
    *out = cJSON_CreateNumber((double)*n);
    return 0;
}

/* A setting's own value as JSON for output: integers as numbers. */
static cJSON *shown(const orgctl_setting *s, const cJSON *v)
{
    long n;
    if (!v)
        return cJSON_CreateNull();
    if (s->type == ORGCTL_SETTING_INT && value_int(v, &n))
        return cJSON_CreateNumber((double)n);
    return cJSON_Duplicate(v, 1);
}

/* A setting's default as JSON for output. */
static cJSON *default_of(const orgctl_setting *s)
{
    if (!s->def)
        return cJSON_CreateNull();
    if (s->type == ORGCTL_SETTING_INT)
        return cJSON_CreateNumber((double)strtol(s->def, NULL, 10));
    return cJSON_CreateString(s->def);
}

static int rows_of(orgctl_repo *repo, const struct sources *src, const char *org, cJSON **out)
{
    cJSON *rows = cJSON_CreateArray();
    int error = 0;
    for (const orgctl_setting *s = table; s->key && !error; s++) {
        cJSON *value = NULL;
        long n = 0;
        if ((error = in_force(repo, s, src, org, &value, &n)) < 0)
            break;
        char type[64];
        type_text(s, type, sizeof(type));
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "key", s->key);
        cJSON_AddItemToObject(row, "value", value);
        cJSON_AddItemToObject(row, "org",
                              shown(s, cJSON_GetObjectItemCaseSensitive(src->own, s->key)));
        cJSON_AddItemToObject(row, "enterprise",
                              shown(s, cJSON_GetObjectItemCaseSensitive(src->ent, s->key)));
        cJSON_AddItemToObject(row, "default", default_of(s));
        cJSON_AddStringToObject(row, "type", type);
        cJSON_AddStringToObject(row, "scope", scope_names[s->scope]);
        cJSON_AddStringToObject(row, "help", s->help);
        cJSON_AddItemToArray(rows, row);
    }
    if (error < 0)
        cJSON_Delete(rows);
    *out = error < 0 ? NULL : rows;
    return error;
}

int orgctl_settings_show(orgctl_repo *repo, const char *org, cJSON **out)
{
    struct sources src = {0};
    *out = NULL;
    int error = orgctl_object_load(repo, &orgctl_kind_org, org, org, &src.org_obj);
    if (!error) {
        src.own = cJSON_GetObjectItemCaseSensitive(src.org_obj, "settings");
        if (is_enterprise_org(repo, org, src.org_obj))
            src.ent = src.own;
        else
            error = load_enterprise(repo, &src);
    }
    if (!error)
        error = rows_of(repo, &src, org, out);
    sources_free(&src);
    return error;
}

int orgctl_settings_int(const cJSON *rows, const char *key)
{
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(row, "key")), key) == 0)
            return cJSON_GetObjectItem(row, "value")->valueint;
    }
    return 0;
}

/* The org object as committed at HEAD (NULL when it is not there): what a change is
 * measured against, for a command, a bulk row or a rollback alike (a rollback's restored
 * objects are staged before they are checked). */
static cJSON *committed_org(orgctl_repo *repo, const char *shortname)
{
    char *path = shortname ? orgctl_kind_path(&orgctl_kind_org, shortname, shortname) : NULL;
    char *data = NULL;
    size_t len = 0;
    cJSON *obj = path && orgctl_store_read_head(&data, &len, repo, path) == 0
                     ? cJSON_ParseWithLength(data, len)
                     : NULL;
    free(data);
    free(path);
    return obj;
}

/* Whether the org had this very value already (then it is not checked again: what the
 * enterprise tightened since, or a key no longer known, does not block other changes). */
static bool unchanged(const cJSON *old, const char *key, const cJSON *v)
{
    const cJSON *was = cJSON_GetObjectItemCaseSensitive(old, key);
    return was && cJSON_Compare(was, v, true);
}

int orgctl_settings_validate_org(orgctl_repo *repo, const char *org, const cJSON *obj)
{
    const char *shortname =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "shortname"));
    const cJSON *settings = cJSON_GetObjectItemCaseSensitive(obj, "settings"), *v;
    struct sources src = {NULL, NULL, settings, NULL};
    cJSON *old_obj = committed_org(repo, shortname);
    int error = 0;
    (void)org;
    const cJSON *old = cJSON_GetObjectItemCaseSensitive(old_obj, "settings");
    bool ent = is_enterprise_org(repo, shortname, obj);
    if (!error && ent)
        src.ent = settings;
    else if (!error)
        error = load_enterprise(repo, &src);
    bool length_changed = false;
    const char *const lengths[] = {"password.min_length", "password.max_length"};
    for (int i = 0; i < 2; i++) {
        const cJSON *now = cJSON_GetObjectItemCaseSensitive(settings, lengths[i]);
        const cJSON *was = cJSON_GetObjectItemCaseSensitive(old, lengths[i]);
        length_changed |= !now != !was || (now && !unchanged(old, lengths[i], now));
    }
    cJSON_ArrayForEach(v, settings)
    {
        if (error < 0 || unchanged(old, v->string, v))
            continue;
        if ((error = orgctl_setting_check(v->string, v)) < 0)
            break;
        const orgctl_setting *s = orgctl_setting_lookup(v->string);
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(src.ent, s->key);
        long own_n = 0, ent_n = 0;
        if (ent || s->scope == ORGCTL_SETTING_DEFAULT || !value_int(v, &own_n))
            continue;
        bool set = e && value_int(e, &ent_n);
        if (!set)
            ent_n = strtol(s->def, NULL, 10);
        if (stricter(s, ent_n, own_n))
            error = orgctl_error_set(ORGCTL_EINVALID,
                                     "org \"%s\": %s=%ld is looser than the enterprise's %ld%s: "
                                     "an org may tighten the enterprise's policy, not loosen it",
                                     shortname, s->key, own_n, ent_n, set ? "" : " (the default)");
    }
    /* A policy no password can meet is a mistake, not a policy. */
    long min_len = 0, max_len = 0;
    cJSON *a = NULL, *b = NULL;
    if (!error && length_changed &&
        (error = in_force(repo, orgctl_setting_lookup(lengths[0]), &src, shortname, &a,
                          &min_len)) == 0 &&
        (error = in_force(repo, orgctl_setting_lookup(lengths[1]), &src, shortname, &b,
                          &max_len)) == 0 &&
        min_len > max_len)
        error = orgctl_error_set(ORGCTL_EINVALID,
                                 "org \"%s\": password.min_length %ld is more than "
                                 "password.max_length %ld: no password could meet it",
                                 shortname, min_len, max_len);
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(old_obj);
    cJSON_Delete(src.ent_obj);
    return error;
}

cJSON *orgctl_settings_describe(void)
{
    cJSON *rows = cJSON_CreateArray();
    for (const orgctl_setting *s = table; s->key; s++) {
        char type[64];
        type_text(s, type, sizeof(type));
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "key", s->key);
        cJSON_AddStringToObject(row, "type", type);
        cJSON_AddStringToObject(row, "default", s->def ? s->def : "");
        cJSON_AddStringToObject(row, "scope", scope_names[s->scope]);
        cJSON_AddStringToObject(row, "help", s->help);
        cJSON_AddItemToArray(rows, row);
    }
    return rows;
}
