/* The one table of kinds: every kind of object (org, user, role, ...) described once,
 * with its fields, its place in the tree and the permissions that guard it. Validation,
 * the index, output, history and bulk all read this table. */
#ifndef ORGCTL_KIND_H
#define ORGCTL_KIND_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "orgctl/repo.h"

/* The most bytes a free-text field (a full name, a description) may hold. */
#define ORGCTL_TEXT_MAX 1024

enum orgctl_field_type {
    ORGCTL_FIELD_STRING,
    ORGCTL_FIELD_BOOL,
    ORGCTL_FIELD_INT,
    ORGCTL_FIELD_LIST, /* array of strings, kept sorted and unique */
    ORGCTL_FIELD_MAP,  /* object of string -> string or integer */
};

enum orgctl_field_flags {
    ORGCTL_FIELD_REQUIRED = 1 << 0,
    ORGCTL_FIELD_UNIQUE = 1 << 1,     /* no two objects of the kind in an org share a value */
    ORGCTL_FIELD_INDEXED = 1 << 2,    /* values (list items, map keys) are queryable */
    ORGCTL_FIELD_NOCASE = 1 << 3,     /* compared and indexed lowercased (e-mail) */
    ORGCTL_FIELD_SECRET = 1 << 4,     /* never shown in output */
    ORGCTL_FIELD_EMAIL = 1 << 5,      /* an e-mail address */
    ORGCTL_FIELD_PERMISSION = 1 << 6, /* list items are permission strings */
    ORGCTL_FIELD_RANGE = 1 << 7,      /* integers (an INT, or a MAP's values) in [min, max] */
    ORGCTL_FIELD_MEMBERS = 1 << 8,    /* a LIST whose items keep the object in use: rm refuses
                                         while there are any, unless forced; they receive what
                                         the object's GRANTS fields pass on */
    ORGCTL_FIELD_GRANTS = 1 << 9,     /* a LIST whose items pass permissions on to the object
                                         (a user) or its MEMBERS while it is enabled: roles
                                         (ref_kind "role") or permission strings (PERMISSION).
                                         Adding to it follows the grant rule (lib/core/authz.c). */
    ORGCTL_FIELD_COMPUTED = 1 << 10,  /* never stored: derived when the object is shown (a
                                         user's groups); refused in a stored object */
    ORGCTL_FIELD_IDENTITY = 1 << 11,  /* the object's stable identity: ORGCTL_IDENTITY_HEX
                                         hex digits of a hash of where it is made (the commit,
                                         kind, org and name; a copy gets its own), never
                                         changed, never read from input, so an object made
                                         again under the same name is someone else; UNIQUE
                                         in the org */
};

/* The length of an identity (ORGCTL_FIELD_IDENTITY): 128 bits in hex. */
#define ORGCTL_IDENTITY_HEX 32

typedef struct orgctl_field {
    const char *name;
    enum orgctl_field_type type;
    unsigned flags;
    const char *ref_kind; /* each value (list item, map key) names an object of this kind */
    const char *help;
    int min, max; /* with ORGCTL_FIELD_RANGE */
    /* The permission that setting the field (or adding to a LIST or MAP) needs, and the one
     * removing from it needs (NULL: the kind's edit permission; perm_rm NULL: perm). An
     * object created with the field set needs `perm` on top of the kind's add. */
    const char *perm, *perm_rm;
    /* The standard verbs that take the field as an option (lib/kinds/op.c makes their
     * rows from it): ORGCTL_VERB_CREATE and/or ORGCTL_VERB_UPDATE; 0: none. The option is
     * the field's name, a LIST or MAP in the singular ("--member" for "members", given
     * once per value), '_' read as '-'. Its metavar is `metavar`, else the kind the field
     * refers to, upper-cased ("USER"; "SKILL=LEVEL" for a map of levels), else KEY=VALUE
     * for a map and TEXT; its help `param_help`, else `help`. */
    unsigned verbs;
    const char *metavar, *param_help;
    /* An INDEXED field that "list" filters by, with this help ("only groups this user is
     * in"); the option is named as above, its metavar the kind it refers to or the option,
     * upper-cased. NULL: list takes no such filter. */
    const char *filter;
    /* The values the field can hold (NULL-terminated), where there are few: a list filter
     * asking for another is refused, a typo rather than an empty list. NULL: any. */
    const char *const *filter_values;
} orgctl_field;

/* The standard verbs: any kind may have them, and their rows of the operation table
 * (parameters, permission, help) are made from its descriptor. */
enum orgctl_verb {
    ORGCTL_VERB_CREATE = 1 << 0,
    ORGCTL_VERB_LIST = 1 << 1,
    ORGCTL_VERB_SHOW = 1 << 2,
    ORGCTL_VERB_UPDATE = 1 << 3,
    ORGCTL_VERB_RM = 1 << 4,
    ORGCTL_VERB_COPY = 1 << 5,
    ORGCTL_VERB_ENABLE = 1 << 6,
    ORGCTL_VERB_DISABLE = 1 << 7,
};

/* A verb of a kind, as its descriptor lists them, in the order help shows them. */
typedef struct orgctl_kind_verb {
    /* A standard verb ("create", ... "disable"), or a verb of the kind's own (its row in
     * lib/kinds/KIND.c) placed here among them. */
    const char *name;
    const char *summary;    /* NULL: the standard one ("create an agent group") */
    const char *permission; /* NULL: the kind's for the verb's action (orgctl_kind_permission) */
} orgctl_kind_verb;

/* What an action on an object needs a permission for. */
enum orgctl_kind_action {
    ORGCTL_ACTION_ADD,
    ORGCTL_ACTION_VIEW,
    ORGCTL_ACTION_EDIT,
    ORGCTL_ACTION_DELETE,
};

typedef struct orgctl_kind orgctl_kind;

/* A kind whose objects carry more than one JSON file can hold (a suppression list's
 * millions of numbers): the object is a folder, <plural>/<name>/<object_file> is its JSON,
 * and the other files under the folder are its payload, in a format of the kind's own
 * (sharded text), checked file by file. */
typedef struct orgctl_payload {
    const char *object_file; /* "list.json" */
    /* What is wrong with the payload file `rel` (its path under the object's folder)
     * holding `data`: ORGCTL_EINVALID naming line and column (a path that is no payload
     * file of the kind too), else 0. */
    int (*check)(const char *rel, const char *data, size_t len);
} orgctl_payload;

struct orgctl_kind {
    const char *name;        /* "user": also the command name */
    const char *plural;      /* "users": the folder in the tree */
    const char *perm_prefix; /* "directory:user": + ":add|view|edit|delete" */
    bool per_org;            /* lives under orgs/<org>/ */
    bool sharded;            /* files spread over 256 sub-folders by a hash of the name */
    const orgctl_field *fields;
    /* The columns a table shows, comma-separated. */
    const char *columns;
    /* The kind's own rules beyond what its fields say (NULL: none), run after the fields
     * are checked: ORGCTL_EINVALID with a message naming the value. */
    int (*validate)(orgctl_repo *repo, const char *org, const cJSON *obj);
    /* The permissions that creating, changing and removing an object need when they are
     * not perm_prefix + ":add", ":edit" and ":delete" (NULL: those). */
    const char *perm_add, *perm_edit, *perm_delete;
    /* Created and removed by the enterprise: add and delete are checked in the enterprise
     * org, not the object's (orgs). Kinds that are not per org are checked there always. */
    bool enterprise_lifecycle;
    /* How help names one object and several, article included ("an agent group",
     * "agent groups"); NULL: the name. */
    const char *noun, *nouns;
    /* The command its verbs belong to when not its name ("user": "user template-create");
     * its verbs then take the kind's name and '-' before them. */
    const char *command;
    /* Its verbs, standard ones and places of its own, ended by a NULL name (NULL: only
     * those of its own, lib/kinds/KIND.c). */
    const orgctl_kind_verb *verbs;
    /* The help of "list --search TEXT" ("only groups whose name contains TEXT"); NULL: list
     * takes no --search. */
    const char *search;
    /* NULL: one JSON object per file; else the object is a folder with a payload. */
    const orgctl_payload *payload;
};

/* The kind named `name`, or NULL. */
const orgctl_kind *orgctl_kind_lookup(const char *name);

/* All kinds, NULL-terminated. */
const orgctl_kind *const *orgctl_kinds(void);

/* The permission `action` on an object of `kind` needs: the kind's perm_add, perm_edit or
 * perm_delete where it gives one, else perm_prefix + ":add", ":view", ":edit" or
 * ":delete", written into buf (of `size` bytes; the prefix alone, which no one holds,
 * when it does not fit). Authorization, the operation table and check all ask here. */
const char *orgctl_kind_permission(char *buf, size_t size, const orgctl_kind *kind,
                                   enum orgctl_kind_action action);

/* Whether an object of `kind` can be in use: a field of a kind refers to it, or it has
 * MEMBERS (rm then refuses while it is, unless forced). */
bool orgctl_kind_referenced(const orgctl_kind *kind);

/* The field named `name` of `kind`, or NULL. */
const orgctl_field *orgctl_kind_field(const orgctl_kind *kind, const char *name);

/* Removes the secret fields of `obj`; a password hash becomes "password_set": true. */
void orgctl_kind_strip_secrets(const orgctl_kind *kind, cJSON *obj);

/* Makes `obj` (an object of `kind` as stored) what show and list print: secret fields
 * removed (a password hash becomes "password_set": true), and every field of the kind
 * present, an absent one as [] (a list), {} (a map), false (a flag) or null. */
void orgctl_kind_fill(const orgctl_kind *kind, cJSON *obj);

/* The path in the tree of an object; malloc'd, caller frees. For the org kind `name` is
 * the shortname and `org` is ignored. */
char *orgctl_kind_path(const orgctl_kind *kind, const char *org, const char *name);

/* Parses a tree path back to kind, org and name (name and org malloc'd, caller frees).
 * Returns ORGCTL_ENOTFOUND for a path that is no object of any kind. */
int orgctl_kind_parse_path(const char *path, const orgctl_kind **kind, char **org, char **name);

/* As orgctl_kind_parse_path, but a file in a kind's folder that is where no object of the
 * kind can be (a user in another shard than its name's, a file at the wrong depth) is
 * ORGCTL_EINVALID, with kind, org and name as the path gives them (caller frees) and the
 * error message saying what is wrong; ORGCTL_ENOTFOUND is a file of no kind's folder. */
int orgctl_kind_locate(const char *path, const orgctl_kind **kind, char **org, char **name);

/* Whether `path` is a payload file of an object of a kind with a payload: 0 with the
 * kind, org, name (malloc'd, caller frees) and *rel (a pointer into path, the file under
 * the object's folder), else ORGCTL_ENOTFOUND. The object itself need not exist. */
int orgctl_kind_locate_payload(const char *path, const orgctl_kind **kind, char **org, char **name,
                               const char **rel);

/* Checks that `name` can be an object name: not empty, at most 255 bytes, valid UTF-8,
 * no '/', no "..", no control bytes, no leading or trailing space. */
int orgctl_name_validate(const char *what, const char *name);

/* The kinds of the foundation, for code that names them directly. */
extern const orgctl_kind orgctl_kind_enterprise, orgctl_kind_org, orgctl_kind_user,
    orgctl_kind_role, orgctl_kind_group, orgctl_kind_skill, orgctl_kind_access,
    orgctl_kind_capacity, orgctl_kind_template, orgctl_kind_pairing, orgctl_kind_suppress;

#endif
