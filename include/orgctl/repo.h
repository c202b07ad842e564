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
    /* As WRITE (the lock, change sets that see their own changes), but nothing is ever
     * committed: orgctl_changeset_commit checks and counts the change, writes no object,
     * leaves the branch and the index as they were, and gives no id (--dry-run). */
    ORGCTL_OPEN_DRY_RUN = 2,
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
    bool dry_run;                /* check everything, create nothing: no directory, no file */
} orgctl_init_options;
#define ORGCTL_INIT_OPTIONS_VERSION 1
#define ORGCTL_INIT_OPTIONS_INIT                                                                   \
    {                                                                                              \
        ORGCTL_INIT_OPTIONS_VERSION, NULL, NULL, NULL, false                                       \
    }

/* Creates a new repository in `dir` (created with its parents if missing; else it must be
 * empty) with the enterprise org and its first administrator, as one change set. It is
 * built aside and moved into place whole: on failure nothing is left. *admin_out receives
 * "USER@ORG" of that administrator (caller frees). With opts->dry_run it checks all that
 * (the directory, the names) and gives *admin_out, but creates nothing. */
int orgctl_repo_init(char **admin_out, const char *dir, const orgctl_init_options *opts);

/* How a writer waits for another's lock: `timeout` seconds at most (< 0: as long as it
 * takes; past it, ORGCTL_ECONFLICT naming the holder), and `notify` (may be NULL) is called
 * once with a line saying who holds it when the wait passes a second. For the process. */
typedef void (*orgctl_lock_wait_fn)(const char *message, void *payload);
void orgctl_lock_wait_set(double timeout, orgctl_lock_wait_fn notify, void *payload);
/* Whether the repository was opened with ORGCTL_OPEN_DRY_RUN. */
bool orgctl_repo_dry_run(orgctl_repo *repo);

/* Closes the repository, rolls back an uncommitted change set, releases the lock. */
void orgctl_repo_free(orgctl_repo *repo);

/* Sets who acts ("USER@ORG"); NULL means $ORGCTL_ACTOR when it is set, else the enterprise
 * administrator. An actor given but empty or not of the form USER@ORG is ORGCTL_EINVALID,
 * never the administrator; whether the user may act at all is orgctl_perm_actor_check's. */
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

/* Parses a time given by a person: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z], UTC, a real
 * calendar time (no 30th of February) from 1970 to 2106, what a commit can record; a date
 * alone is its midnight (*date_only says so; may be NULL). ORGCTL_EINVALID naming `what`
 * otherwise. */
int orgctl_time_parse(time_t *out, bool *date_only, const char *what, const char *text);

/* Formats a time as ISO 8601 UTC into buf (at least 21 bytes). */
void orgctl_time_format(time_t t, char *buf, size_t size);

#endif
