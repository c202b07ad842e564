/* The config repository: a bare git repository plus orgctl's private state
 * (the SQLite index and the writer lock) in <gitdir>/orgctl/. */
#ifndef ORGCTL_REPO_H
#define ORGCTL_REPO_H

#include <stdbool.h>
#include <time.h>

typedef struct orgctl_repo orgctl_repo;

/* How a repository is opened. */
enum orgctl_open_mode {
    ORGCTL_OPEN_READ = 0,  /* queries: no lock, unless the index must catch up */
    ORGCTL_OPEN_WRITE = 1, /* a change set will follow: holds the writer lock until free */
};

/* Finds the repository as git does: `dir` if given, else $ORGCTL_DIR, else the current
 * directory and its parents. Catches the index up with HEAD. Returns ORGCTL_ENOREPO when
 * there is none. The caller owns *out (orgctl_repo_free). */
int orgctl_repo_open(orgctl_repo **out, const char *dir, enum orgctl_open_mode mode);

/* Options of orgctl_repo_init. NULL fields take defaults. */
typedef struct {
    unsigned int version;
    const char *enterprise_name; /* "Enterprise" */
    const char *admin_name;      /* "admin" */
    const char *admin_email;     /* "admin@<shortname>.invalid" */
} orgctl_init_options;
#define ORGCTL_INIT_OPTIONS_VERSION 1
#define ORGCTL_INIT_OPTIONS_INIT {ORGCTL_INIT_OPTIONS_VERSION, NULL, NULL, NULL}

/* Creates a new repository in `dir` (created if missing; must not hold one already) with
 * the enterprise org and its first administrator, as one change set. *admin_out receives
 * "USER@ORG" of that administrator (caller frees). */
int orgctl_repo_init(const char *dir, const orgctl_init_options *opts, char **admin_out);

/* Closes the repository, rolls back an uncommitted change set, releases the lock. */
void orgctl_repo_free(orgctl_repo *repo);

/* Sets who acts ("USER@ORG"); NULL means $ORGCTL_ACTOR, else the enterprise administrator. */
int orgctl_repo_set_actor(orgctl_repo *repo, const char *actor);

/* The acting user as "USER@ORG" (owned by the repo). */
const char *orgctl_repo_actor(orgctl_repo *repo);

/* The git directory of the repository (owned by the repo). */
const char *orgctl_repo_path(orgctl_repo *repo);

/* The shortname of the enterprise org (owned by the repo). */
const char *orgctl_repo_enterprise_org(orgctl_repo *repo);

/* The one clock: $ORGCTL_NOW (ISO 8601, e.g. 2026-01-02T03:04:05Z) or the system time.
 * Returns ORGCTL_EINVALID when $ORGCTL_NOW cannot be parsed. */
int orgctl_clock_now(time_t *out);

/* Parses an ISO 8601 UTC time as $ORGCTL_NOW takes it: 2026-01-02T03:04:05Z (the Z may
 * be left out) or a date alone, 2026-01-02 (its midnight; *date_only says so, may be
 * NULL). ORGCTL_EINVALID otherwise, without a message. */
int orgctl_time_parse(const char *s, time_t *out, bool *date_only);

/* Formats a time as ISO 8601 UTC into buf (at least 21 bytes). */
void orgctl_time_format(time_t t, char *buf, size_t size);

#endif
