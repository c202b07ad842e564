/* The table of kinds and the mapping between objects and paths in the tree. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "orgctl/capacity.h"
#include "orgctl/errors.h"
#include "orgctl/kind.h"
#include "strbuf.h"
#include "utf8.h"

/* Permissions of fields that are not their kind's edit permission. */
#define GRANT_ADD "authorization:grant:add", "authorization:grant:delete"
#define SKILL_ASSIGN "routing:skill:assign", NULL
#define UTILIZATION "routing:utilization:manage"
#define ORG_ADMIN "directory:organization:admin"
/* The standard verbs that take a field as an option. */
#define CREATE ORGCTL_VERB_CREATE
#define CREATE_UPDATE (ORGCTL_VERB_CREATE | ORGCTL_VERB_UPDATE)

static const orgctl_field enterprise_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "display name of the enterprise"},
    {"org", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "shortname of the enterprise org"},
    {"admin", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "first administrator (user)"},
    {"settings", ORGCTL_FIELD_MAP, 0, NULL, "enterprise-wide settings"},
    {NULL, 0, 0, NULL, NULL},
};

static const orgctl_field org_fields[] = {
    {"shortname", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "unique id, never changes"},
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "company name"},
    {"state", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, NULL,
     "enabled or disabled"},
    {"enterprise", ORGCTL_FIELD_BOOL, 0, NULL, "true for the enterprise account's own org"},
    {"settings", ORGCTL_FIELD_MAP, 0, NULL, "settings, KEY=VALUE"},
    {NULL, 0, 0, NULL, NULL},
};

/* Users and groups carry an identity: a pairing trusts it, not the name (lib/core/trust.c). */
#define IDENTITY_FIELD(what)                                                                       \
    {                                                                                              \
        "id", ORGCTL_FIELD_STRING,                                                                 \
            ORGCTL_FIELD_UNIQUE | ORGCTL_FIELD_INDEXED | ORGCTL_FIELD_IDENTITY, NULL,              \
            "stable identity, given at creation and never changed: a " what                        \
            " made again under the same name is someone else"                                      \
    }

static const orgctl_field user_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "user name, the key"},
    IDENTITY_FIELD("user"),
    {"full_name", ORGCTL_FIELD_STRING, 0, NULL, "full name"},
    {"email", ORGCTL_FIELD_STRING,
     ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_UNIQUE | ORGCTL_FIELD_INDEXED | ORGCTL_FIELD_NOCASE |
         ORGCTL_FIELD_EMAIL,
     NULL, "e-mail address, unique in the org"},
    {"state", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, NULL,
     "enabled or disabled"},
    {"roles", ORGCTL_FIELD_LIST, ORGCTL_FIELD_INDEXED | ORGCTL_FIELD_GRANTS, "role", "roles held",
     0, 0, GRANT_ADD},
    {"options", ORGCTL_FIELD_MAP, 0, NULL, "options, KEY=VALUE"},
    {"password_hash", ORGCTL_FIELD_STRING, ORGCTL_FIELD_SECRET, NULL, "crypt(3) hash", 0, 0,
     "directory:user:setPassword", NULL},
    {"skills", ORGCTL_FIELD_MAP, ORGCTL_FIELD_INDEXED | ORGCTL_FIELD_RANGE, "skill",
     "skills held, NAME=LEVEL (0 to 10)", 0, 10, SKILL_ASSIGN},
    {"capacity", ORGCTL_FIELD_STRING, ORGCTL_FIELD_INDEXED, "capacity",
     "capacity rule (else the one of a group)", 0, 0, UTILIZATION, NULL},
    /* Shown, never stored: membership lives in the groups (lib/kinds/user.c fills them). */
    {"password_set", ORGCTL_FIELD_BOOL, ORGCTL_FIELD_COMPUTED, NULL, "whether a password is set"},
    {"groups", ORGCTL_FIELD_LIST, ORGCTL_FIELD_COMPUTED, NULL, "agent groups the user is in"},
    {"access_groups", ORGCTL_FIELD_LIST, ORGCTL_FIELD_COMPUTED, NULL,
     "access groups the user is in"},
    {"effective_roles", ORGCTL_FIELD_MAP, ORGCTL_FIELD_COMPUTED, NULL,
     "the enabled roles in effect, ROLE=where from (direct, group:G, access:A)"},
    {NULL, 0, 0, NULL, NULL},
};

static const orgctl_field role_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "role name, the key"},
    {"description", ORGCTL_FIELD_STRING, 0, NULL, "what the role is for"},
    {"state", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, NULL,
     "enabled or disabled", .filter = "only enabled or disabled roles"},
    {"permissions", ORGCTL_FIELD_LIST,
     ORGCTL_FIELD_INDEXED | ORGCTL_FIELD_PERMISSION | ORGCTL_FIELD_GRANTS, NULL,
     "permissions, domain:entity:action with * wildcards",
     .filter = "only roles that list this permission"},
    {NULL, 0, 0, NULL, NULL},
};

/* Agent groups. Membership lives here, in "members", and nowhere else: the index answers
 * "which groups is alice in" from it. */
static const orgctl_field group_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "group name, the key"},
    IDENTITY_FIELD("group"),
    {"description", ORGCTL_FIELD_STRING, 0, NULL, "what the group is for", .verbs = CREATE_UPDATE},
    {"state", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, NULL,
     "enabled or disabled", .filter = "only enabled or disabled groups"},
    {"members", ORGCTL_FIELD_LIST, ORGCTL_FIELD_INDEXED | ORGCTL_FIELD_MEMBERS, "user",
     "the users in the group", .verbs = CREATE, .param_help = "a member",
     .filter = "only groups this user is in"},
    {"roles", ORGCTL_FIELD_LIST, ORGCTL_FIELD_INDEXED | ORGCTL_FIELD_GRANTS, "role",
     "roles its members receive", 0, 0, GRANT_ADD, .verbs = CREATE,
     .param_help = "a role its members receive", .filter = "only groups giving this role"},
    {"skills", ORGCTL_FIELD_MAP, ORGCTL_FIELD_INDEXED | ORGCTL_FIELD_RANGE, "skill",
     "skills the group stands for, NAME=LEVEL (0 to 10)", 0, 10, SKILL_ASSIGN, .verbs = CREATE,
     .param_help = "a skill of the group, level 0 to 10", .filter = "only groups with this skill"},
    {"capacity", ORGCTL_FIELD_STRING, ORGCTL_FIELD_INDEXED, "capacity",
     "capacity rule of members without their own", 0, 0, UTILIZATION, NULL, .verbs = CREATE,
     .metavar = "RULE"},
    {NULL, 0, 0, NULL, NULL},
};

static const orgctl_field skill_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "skill name, the key"},
    {"description", ORGCTL_FIELD_STRING, 0, NULL, "what the skill is", .verbs = CREATE_UPDATE},
    {"state", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, NULL,
     "enabled or disabled", .filter = "only enabled or disabled skills"},
    {NULL, 0, 0, NULL, NULL},
};

/* Access groups: users who share a set of roles. */
static const orgctl_field access_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "access group name, the key"},
    {"description", ORGCTL_FIELD_STRING, 0, NULL, "what the access group is for",
     .verbs = CREATE_UPDATE},
    {"state", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, NULL,
     "enabled or disabled", .filter = "only enabled or disabled access groups"},
    {"members", ORGCTL_FIELD_LIST, ORGCTL_FIELD_INDEXED | ORGCTL_FIELD_MEMBERS, "user",
     "the users in the access group", .verbs = CREATE, .param_help = "a member",
     .filter = "only access groups this user is in"},
    {"roles", ORGCTL_FIELD_LIST, ORGCTL_FIELD_INDEXED | ORGCTL_FIELD_GRANTS, "role",
     "roles its members receive", 0, 0, GRANT_ADD, .verbs = CREATE,
     .param_help = "a role its members receive", .filter = "only access groups giving this role"},
    {NULL, 0, 0, NULL, NULL},
};

/* Capacity rules: how many interactions of each media type an agent handles at once. */
#define MEDIA_FIELD(name, help)                                                                    \
    {                                                                                              \
        name, ORGCTL_FIELD_INT, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_RANGE, NULL, help, 0, 100     \
    }
static const orgctl_field capacity_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "rule name, the key"},
    {"description", ORGCTL_FIELD_STRING, 0, NULL, "what the rule is for"},
    {"state", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED | ORGCTL_FIELD_INDEXED, NULL,
     "enabled or disabled", .filter = "only enabled or disabled rules"},
    MEDIA_FIELD("voice", "most voice calls at once (0 to 100)"),
    MEDIA_FIELD("chat", "most chats at once (0 to 100)"),
    MEDIA_FIELD("email", "most e-mails at once (0 to 100)"),
    MEDIA_FIELD("message", "most messages at once (0 to 100)"),
    MEDIA_FIELD("callback", "most callbacks at once (0 to 100)"),
    {"combine", ORGCTL_FIELD_STRING, 0, NULL,
     "which media may be mixed, e.g. \"voice AND chat\" or \"(chat OR email) AND voice\""},
    {NULL, 0, 0, NULL, NULL},
};

/* User templates: what a user created from them receives. */
static const orgctl_field template_fields[] = {
    {"name", ORGCTL_FIELD_STRING, ORGCTL_FIELD_REQUIRED, NULL, "template name, the key"},
    {"description", ORGCTL_FIELD_STRING, 0, NULL, "what kind of user it makes", .verbs = CREATE},
    {"roles", ORGCTL_FIELD_LIST, ORGCTL_FIELD_INDEXED, "role", "roles the user holds",
     .verbs = CREATE, .param_help = "a role the user holds",
     .filter = "only templates giving this role"},
    {"groups", ORGCTL_FIELD_LIST, ORGCTL_FIELD_INDEXED, "group", "agent groups the user joins",
     .verbs = CREATE, .param_help = "an agent group the user joins",
     .filter = "only templates joining this agent group"},
    {"skills", ORGCTL_FIELD_MAP, ORGCTL_FIELD_INDEXED | ORGCTL_FIELD_RANGE, "skill",
     "skills the user holds, NAME=LEVEL (0 to 10)", 0, 10, .verbs = CREATE,
     .param_help = "a skill the user holds, level 0 to 10",
     .filter = "only templates giving this skill"},
    {"options", ORGCTL_FIELD_MAP, 0, NULL, "options the user has, KEY=VALUE", .verbs = CREATE,
     .param_help = "an option the user has"},
    {NULL, 0, 0, NULL, NULL},
};

/* The verbs of each kind, in the order help shows them (include/orgctl/kind.h). */
static const orgctl_kind_verb org_verbs[] = {
    {"create"}, {"list"}, {"show"}, {"update"}, {"enable"}, {"disable"}, {NULL},
};
static const orgctl_kind_verb user_verbs[] = {
    {"create"},
    {"list"},
    {"show", "show a user, with their groups and the roles in effect"},
    {"update"},
    {"rm", "remove a user (--force: also from their groups)"},
    {"enable"},
    {"disable", "disable a user (they can no longer act)"},
    {NULL},
};
static const orgctl_kind_verb role_verbs[] = {
    {"create"},
    {"list"},
    {"show"},
    {"update"},
    {"rm"},
    {"copy"},
    {"grant"},
    {"revoke"},
    {"reset-default"},
    {"enable"},
    {"disable", "disable a role (it then grants nothing)"},
    {NULL},
};
/* The standard verbs from create to enable, in the order help shows them. */
#define UP_TO_ENABLE                                                                               \
    {"create"}, {"list"}, {"show"}, {"update"}, {"rm"}, {"copy"},                                  \
    {                                                                                              \
        "enable"                                                                                   \
    }
static const orgctl_kind_verb standard_verbs[] = {UP_TO_ENABLE, {"disable"}, {NULL}};
/* Groups and access groups: disabled, they pass on no roles. */
static const orgctl_kind_verb group_verbs[] = {
    UP_TO_ENABLE, {"disable", "disable an agent group (it then passes on no roles)"}, {NULL}};
static const orgctl_kind_verb access_verbs[] = {
    UP_TO_ENABLE, {"disable", "disable an access group (it then passes on no roles)"}, {NULL}};
static const orgctl_kind_verb capacity_verbs[] = {
    {"create"},
    {"list"},
    {"show"},
    {"update"},
    {"rm", "remove a capacity rule (--force: also from users and groups)"},
    {"copy"},
    {"enable"},
    {"disable"},
    {NULL},
};
static const orgctl_kind_verb template_verbs[] = {
    {"create"}, {"list"},
    {"show"},   {"rm", "remove a user template (users made from it keep what it gave)"},
    {NULL},
};

const orgctl_kind orgctl_kind_enterprise = {
    "enterprise",
    NULL,
    "directory:organization",
    false,
    false,
    enterprise_fields,
    "name,org,admin",
    .perm_add = ORG_ADMIN,
    .perm_edit = ORG_ADMIN,
    .perm_delete = ORG_ADMIN,
};
const orgctl_kind orgctl_kind_org = {
    "org",
    "orgs",
    "directory:organization",
    true,
    false,
    org_fields,
    "shortname,name,state",
    NULL, /* its settings: lib/core/object.c checks them (orgctl_settings_validate_org) */
    .perm_add = ORG_ADMIN,
    .perm_edit = ORG_ADMIN,
    .perm_delete = ORG_ADMIN,
    .enterprise_lifecycle = true,
    .noun = "an org",
    .verbs = org_verbs,
};
const orgctl_kind orgctl_kind_user = {
    "user",
    "users",
    "directory:user",
    true,
    true,
    user_fields,
    "name,full_name,email,state,roles",
    .noun = "a user",
    .nouns = "users",
    .verbs = user_verbs,
};
const orgctl_kind orgctl_kind_role = {
    "role",
    "roles",
    "authorization:role",
    true,
    false,
    role_fields,
    "name,state,permissions",
    .noun = "a role",
    .nouns = "roles",
    .verbs = role_verbs,
};
const orgctl_kind orgctl_kind_group = {
    "group",
    "groups",
    "directory:group",
    true,
    false,
    group_fields,
    "name,state,roles,skills,capacity",
    .noun = "an agent group",
    .nouns = "agent groups",
    .verbs = group_verbs,
    .search = "only groups whose name contains TEXT",
};
const orgctl_kind orgctl_kind_skill = {
    "skill",
    "skills",
    "routing:skill",
    true,
    false,
    skill_fields,
    "name,state,description",
    .noun = "a skill",
    .nouns = "skills",
    .verbs = standard_verbs,
    .search = "only skills whose name contains TEXT",
};
const orgctl_kind orgctl_kind_access = {
    "access",
    "access",
    "authorization:accessGroup",
    true,
    false,
    access_fields,
    "name,state,roles,description",
    .noun = "an access group",
    .nouns = "access groups",
    .verbs = access_verbs,
    .search = "only access groups whose name contains TEXT",
};
const orgctl_kind orgctl_kind_capacity = {
    "capacity",
    "capacity",
    "routing:utilization",
    true,
    false,
    capacity_fields,
    "name,state,voice,chat,email,message,callback,combine",
    orgctl_capacity_validate,
    .perm_add = UTILIZATION,
    .perm_edit = UTILIZATION,
    .perm_delete = UTILIZATION,
    .noun = "a capacity rule",
    .nouns = "capacity rules",
    .verbs = capacity_verbs,
    .search = "only rules whose name contains TEXT",
};
const orgctl_kind orgctl_kind_template = {
    "template",
    "templates",
    "directory:template",
    true,
    false,
    template_fields,
    "name,roles,groups,skills,options",
    .noun = "a user template",
    .nouns = "user templates",
    .command = "user",
    .verbs = template_verbs,
    .search = "only templates whose name contains TEXT",
};

static const orgctl_kind *const kinds[] = {
    &orgctl_kind_enterprise, &orgctl_kind_org,
    &orgctl_kind_user,       &orgctl_kind_role,
    &orgctl_kind_group,      &orgctl_kind_skill,
    &orgctl_kind_access,     &orgctl_kind_capacity,
    &orgctl_kind_template,   &orgctl_kind_pairing,
    &orgctl_kind_suppress,   &orgctl_kind_strategy,
    &orgctl_kind_campaign,   &orgctl_kind_subcampaign,
    &orgctl_kind_compliance, NULL,
};

const orgctl_kind *const *orgctl_kinds(void)
{
    return kinds;
}

const orgctl_kind *orgctl_kind_lookup(const char *name)
{
    for (int i = 0; kinds[i]; i++)
        if (strcmp(kinds[i]->name, name) == 0)
            return kinds[i];
    return NULL;
}

const char *orgctl_kind_permission(char *buf, size_t size, const orgctl_kind *kind,
                                   enum orgctl_kind_action action)
{
    static const char *const suffix[] = {"add", "view", "edit", "delete"};
    const char *given = action == ORGCTL_ACTION_ADD      ? kind->perm_add
                        : action == ORGCTL_ACTION_EDIT   ? kind->perm_edit
                        : action == ORGCTL_ACTION_DELETE ? kind->perm_delete
                                                         : NULL;
    if (given)
        return given;
    /* without printf: asked for every row of a bulk set */
    size_t plen = strlen(kind->perm_prefix), slen = strlen(suffix[action]);
    if (plen + slen + 2 > size)
        return kind->perm_prefix; /* no such permission: refused */
    memcpy(buf, kind->perm_prefix, plen);
    buf[plen] = ':';
    memcpy(buf + plen + 1, suffix[action], slen + 1);
    return buf;
}

bool orgctl_kind_referenced(const orgctl_kind *kind)
{
    for (int i = 0; kinds[i]; i++)
        for (const orgctl_field *f = kinds[i]->fields; f->name; f++)
            if ((f->ref_kind && strcmp(f->ref_kind, kind->name) == 0) ||
                (kinds[i] == kind && (f->flags & ORGCTL_FIELD_MEMBERS)))
                return true;
    return false;
}

const orgctl_field *orgctl_kind_field(const orgctl_kind *kind, const char *name)
{
    for (const orgctl_field *f = kind->fields; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

void orgctl_kind_strip_secrets(const orgctl_kind *kind, cJSON *obj)
{
    for (const orgctl_field *f = kind->fields; f->name; f++) {
        if (!(f->flags & ORGCTL_FIELD_SECRET))
            continue;
        bool had = cJSON_GetObjectItemCaseSensitive(obj, f->name) != NULL;
        cJSON_DeleteItemFromObjectCaseSensitive(obj, f->name);
        if (had && strcmp(f->name, "password_hash") == 0) {
            cJSON_DeleteItemFromObjectCaseSensitive(obj, "password_set");
            cJSON_AddTrueToObject(obj, "password_set");
        }
    }
}

void orgctl_kind_fill(const orgctl_kind *kind, cJSON *obj)
{
    orgctl_kind_strip_secrets(kind, obj);
    for (const orgctl_field *f = kind->fields; f->name; f++) {
        if ((f->flags & ORGCTL_FIELD_SECRET) || cJSON_GetObjectItemCaseSensitive(obj, f->name))
            continue;
        cJSON *empty = f->type == ORGCTL_FIELD_LIST   ? cJSON_CreateArray()
                       : f->type == ORGCTL_FIELD_MAP  ? cJSON_CreateObject()
                       : f->type == ORGCTL_FIELD_BOOL ? cJSON_CreateFalse()
                                                      : cJSON_CreateNull();
        cJSON_AddItemToObject(obj, f->name, empty);
    }
}

int orgctl_name_validate(const char *what, const char *name)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0)
        return orgctl_error_set(ORGCTL_EINVALID, "%s must not be empty", what);
    if (len > 255)
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%.40s...\" is longer than 255 bytes", what,
                                name);
    if (!orgctl_utf8_valid(name, len))
        return orgctl_error_set(ORGCTL_EINVALID, "%s is not valid UTF-8", what);
    unsigned bad = orgctl_utf8_forbidden(name, len, true);
    if (bad)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "%s contains U+%04X, %s, which a name may not hold", what, bad,
                                orgctl_utf8_is_control(bad) ? "a control character"
                                                            : "an invisible character or a space "
                                                              "other than U+0020");
    if (strchr(name, '/'))
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%s\" contains '/'", what, name);
    if (strstr(name, ".."))
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%s\" contains \"..\"", what, name);
    if (name[0] == ' ' || name[len - 1] == ' ')
        return orgctl_error_set(ORGCTL_EINVALID, "%s \"%s\" has a leading or trailing space", what,
                                name);
    return 0;
}

/* Names become file names by percent-encoding every byte outside [A-Za-z0-9_-] and a
 * leading '.', so the mapping is reversible and no file is hidden or special. */
static const char hex_upper[] = "0123456789ABCDEF";

/* Without printf: a bulk run makes several paths per row. */
static bool plain_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

static void encode_name(strbuf *sb, const char *name)
{
    size_t plain_len = 0;
    while (plain_byte((unsigned char)name[plain_len]))
        plain_len++;
    if (name[plain_len] == '\0' && name[0] != '.') { /* the usual name: nothing to escape */
        strbuf_add(sb, name, plain_len);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (plain_byte(*p) && !(*p == '.' && p == (const unsigned char *)name)) {
            strbuf_addch(sb, (char)*p);
        } else {
            char esc[3] = {'%', hex_upper[*p >> 4], hex_upper[*p & 15]};
            strbuf_add(sb, esc, 3);
        }
    }
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static char *decode_name(const char *s, size_t len)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            strbuf_addch(&sb, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
            i += 2;
        } else {
            strbuf_addch(&sb, s[i]);
        }
    }
    return strbuf_detach(&sb, NULL);
}

/* FNV-1a: cheap, stable across platforms, and spreads names evenly over 256 folders. */
static unsigned shard_of(const char *name)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 16777619u;
    return (h ^ (h >> 8) ^ (h >> 16) ^ (h >> 24)) & 0xff;
}

char *orgctl_kind_path(const orgctl_kind *kind, const char *org, const char *name)
{
    strbuf sb = STRBUF_INIT;
    if (kind == &orgctl_kind_enterprise) {
        strbuf_adds(&sb, "enterprise.json");
    } else if (kind == &orgctl_kind_org) {
        strbuf_adds(&sb, "orgs/");
        encode_name(&sb, name);
        strbuf_adds(&sb, "/org.json");
    } else {
        if (kind->per_org) {
            strbuf_adds(&sb, "orgs/");
            encode_name(&sb, org);
            strbuf_addch(&sb, '/');
        }
        strbuf_adds(&sb, kind->plural);
        strbuf_addch(&sb, '/');
        if (kind->sharded) {
            static const char hex_lower[] = "0123456789abcdef";
            unsigned shard = shard_of(name);
            char dir[3] = {hex_lower[(shard >> 4) & 15], hex_lower[shard & 15], '/'};
            strbuf_add(&sb, dir, 3);
        }
        encode_name(&sb, name);
        if (kind->payload) {
            strbuf_addch(&sb, '/');
            strbuf_adds(&sb, kind->payload->object_file);
        } else {
            strbuf_adds(&sb, ".json");
        }
    }
    return strbuf_detach(&sb, NULL);
}

static const orgctl_kind *kind_by_plural(const char *s, size_t len, bool per_org)
{
    for (int i = 0; kinds[i]; i++)
        if (kinds[i]->plural && kinds[i]->per_org == per_org && kinds[i] != &orgctl_kind_org &&
            strlen(kinds[i]->plural) == len && memcmp(kinds[i]->plural, s, len) == 0)
            return kinds[i];
    return NULL;
}

static int ends_with_json(const char *s, size_t len)
{
    return len > 5 && memcmp(s + len - 5, ".json", 5) == 0;
}

/* An object of a kind with a payload: <plural>/<name>/<object_file>; the other files of
 * its folder are its payload, no object (orgctl_kind_locate_payload). */
static int locate_folder_object(const orgctl_kind *k, const char *const *parts, const size_t *lens,
                                int n, int base, const orgctl_kind **kind, char **org, char **name)
{
    if (n != base + 2 || strcmp(parts[n - 1], k->payload->object_file) != 0 || lens[base] == 0)
        return ORGCTL_ENOTFOUND;
    *kind = k;
    *org = k->per_org ? decode_name(parts[1], lens[1]) : xstrdup("");
    *name = decode_name(parts[base], lens[base]);
    return 0;
}

int orgctl_kind_locate_payload(const char *path, const orgctl_kind **kind, char **org, char **name,
                               const char **rel)
{
    *org = *name = NULL;
    const char *p = path, *org_part = NULL;
    size_t org_len = 0;
    if (strncmp(p, "orgs/", 5) == 0) {
        org_part = p + 5;
        const char *slash = strchr(org_part, '/');
        if (!slash || slash == org_part)
            return ORGCTL_ENOTFOUND;
        org_len = (size_t)(slash - org_part);
        p = slash + 1;
    }
    const char *slash = strchr(p, '/');
    if (!slash)
        return ORGCTL_ENOTFOUND;
    const orgctl_kind *k = kind_by_plural(p, (size_t)(slash - p), org_part != NULL);
    if (!k || !k->payload)
        return ORGCTL_ENOTFOUND;
    const char *name_part = slash + 1, *end = strchr(name_part, '/');
    if (!end || end == name_part || !end[1] || strcmp(end + 1, k->payload->object_file) == 0)
        return ORGCTL_ENOTFOUND;
    *kind = k;
    *org = org_part ? decode_name(org_part, org_len) : xstrdup("");
    *name = decode_name(name_part, (size_t)(end - name_part));
    *rel = end + 1;
    return 0;
}

int orgctl_kind_locate(const char *path, const orgctl_kind **kind, char **org, char **name)
{
    *org = *name = NULL;
    if (strcmp(path, "enterprise.json") == 0) {
        *kind = &orgctl_kind_enterprise;
        *org = xstrdup("");
        *name = xstrdup("");
        return 0;
    }
    const char *parts[5];
    size_t lens[5];
    int n = 0;
    const char *p = path;
    while (n < 5) {
        const char *slash = strchr(p, '/');
        parts[n] = p;
        lens[n++] = slash ? (size_t)(slash - p) : strlen(p);
        if (!slash)
            break;
        p = slash + 1;
    }
    const orgctl_kind *k = NULL;
    int base = 0;
    if (n >= 3 && lens[0] == 4 && memcmp(parts[0], "orgs", 4) == 0) {
        if (n == 3 && strcmp(parts[2], "org.json") == 0) {
            *kind = &orgctl_kind_org;
            *name = decode_name(parts[1], lens[1]);
            *org = xstrdup(*name);
            return 0;
        }
        k = kind_by_plural(parts[2], lens[2], true);
        base = 3;
    } else if (n >= 2) {
        k = kind_by_plural(parts[0], lens[0], false);
        base = 1;
    }
    size_t last = strlen(parts[n - 1]);
    if (k && k->payload)
        return locate_folder_object(k, parts, lens, n, base, kind, org, name);
    if (!k || n <= base || !ends_with_json(parts[n - 1], last))
        return ORGCTL_ENOTFOUND;
    *kind = k;
    *org = k->per_org ? decode_name(parts[1], lens[1]) : xstrdup("");
    *name = decode_name(parts[n - 1], last - 5);
    int depth = base + 1 + (k->sharded ? 1 : 0);
    if (n != depth || strchr(parts[n - 1], '/')) {
        char *want = orgctl_kind_path(k, *org, *name);
        int error =
            orgctl_error_set(ORGCTL_EINVALID, "not where a %s belongs (that is %s)", k->name, want);
        free(want);
        return error;
    }
    if (k->sharded) {
        /* A file in another shard than its name's: show could never find it. */
        char shard[3];
        snprintf(shard, sizeof(shard), "%02x", shard_of(*name));
        if (lens[n - 2] != 2 || memcmp(parts[n - 2], shard, 2) != 0)
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "in shard %.*s, not in %s, the shard of its name",
                                    (int)lens[n - 2], parts[n - 2], shard);
    }
    return 0;
}

int orgctl_kind_parse_path(const char *path, const orgctl_kind **kind, char **org, char **name)
{
    int error = orgctl_kind_locate(path, kind, org, name);
    if (error == 0)
        return 0;
    if (error == ORGCTL_EINVALID)
        orgctl_error_clear();
    free(*org);
    free(*name);
    *org = *name = NULL;
    return ORGCTL_ENOTFOUND;
}
