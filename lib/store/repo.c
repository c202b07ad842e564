/* Finding, opening and locking the config repository. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2/sys/odb_backend.h>

#include "store.h"

static int libgit2_ready;
static bool libgit2_fsync;

static void libgit2_setup(void)
{
    if (libgit2_ready++)
        return;
    git_libgit2_init();
    /* Without fsync a power loss can leave the branch pointing at objects never written. */
    const char *fsync_env = getenv("ORGCTL_FSYNC");
    libgit2_fsync = !(fsync_env && strcmp(fsync_env, "0") == 0);
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, libgit2_fsync);
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
}

int orgctl_git_error(int code, const char *what)
{
    const git_error *e = git_error_last();
    orgctl_error_set(ORGCTL_ERROR, "%s: %s", what, e && e->message ? e->message : "git error");
    /* An object missing from the database is damaged storage (exit 1), never "not found"
     * (exit 3), which says that what a person named does not exist. */
    if (code == GIT_EMODIFIED || code == GIT_ELOCKED)
        return ORGCTL_ECONFLICT;
    return ORGCTL_ERROR;
}

int orgctl_sqlite_error(sqlite3 *db, const char *what)
{
    return orgctl_error_set(ORGCTL_ERROR, "index: %s: %s", what,
                            db ? sqlite3_errmsg(db) : "cannot open");
}

const char *orgctl_repo_path(orgctl_repo *repo)
{
    return repo->gitdir;
}

bool orgctl_repo_dry_run(orgctl_repo *repo)
{
    return repo->dry_run;
}

static char *path_join(const char *a, const char *b)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/%s", a, b);
    return strbuf_detach(&sb, NULL);
}

static bool is_dir(const char *dir, const char *sub)
{
    struct stat st;
    char *p = path_join(dir, sub);
    bool ok = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
    free(p);
    return ok;
}

/* A bare clone of a config repository (git clone --bare) has no orgctl/ folder yet: it is
 * one when its branch holds enterprise.json. The folder is made then, so the check runs
 * once. */
static bool is_config_clone(const char *dir, bool make)
{
    char *head = path_join(dir, "HEAD");
    struct stat st;
    bool maybe = stat(head, &st) == 0 && is_dir(dir, "refs");
    free(head);
    if (!maybe)
        return false;
    libgit2_setup();
    git_repository *git = NULL;
    git_object *obj = NULL;
    bool found = git_repository_open_bare(&git, dir) == 0 &&
                 git_revparse_single(&obj, git, ORGCTL_BRANCH ":enterprise.json") == 0;
    git_object_free(obj);
    git_repository_free(git);
    git_error_clear();
    if (!found || !make)
        return found;
    char *priv = path_join(dir, "orgctl");
    found = mkdir(priv, ORGCTL_DIR_MODE) == 0 || errno == EEXIST;
    free(priv);
    return found;
}

/* A bare git repository that orgctl initialised has <dir>/orgctl/ (the index and lock);
 * a bare clone of one gets it on first use. */
static bool is_orgctl_gitdir(const char *dir, bool make)
{
    if (!is_dir(dir, "objects"))
        return false;
    return is_dir(dir, "orgctl") || is_config_clone(dir, make);
}

static int find_gitdir(const char *start, char **out)
{
    char buf[PATH_MAX];
    if (!realpath(start, buf))
        return orgctl_error_set(ORGCTL_ENOREPO, "%s: %s", start, strerror(errno));
    for (;;) {
        if (is_orgctl_gitdir(buf, true)) {
            *out = xstrdup(buf);
            return 0;
        }
        char *dotgit = path_join(buf, ".git");
        bool found = is_orgctl_gitdir(dotgit, true);
        if (found)
            *out = dotgit;
        else
            free(dotgit);
        if (found)
            return 0;
        char *slash = strrchr(buf, '/');
        if (!slash || slash == buf)
            break;
        *slash = '\0';
    }
    return orgctl_error_set(ORGCTL_ENOREPO,
                            "not an orgctl repository (or any parent up to /): %s; run "
                            "\"orgctl init\" or give -C DIR",
                            start);
}

/* Removes the files of `dir` (under the git directory) whose names start with one of
 * `prefixes` (NULL-terminated). */
static void remove_prefixed(orgctl_repo *repo, const char *dir, const char *const *prefixes)
{
    char *path = path_join(repo->gitdir, dir);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)))
        for (const char *const *p = prefixes; *p; p++)
            if (strncmp(e->d_name, *p, strlen(*p)) == 0) {
                char *file = path_join(path, e->d_name);
                unlink(file);
                free(file);
                break;
            }
    if (d)
        closedir(d);
    free(path);
}

/* Removes what a writer killed mid-write leaves behind: the branch's lock, temporary packs
 * and temporary loose objects (libgit2 writes those whole, then renames them). Only called
 * under our lock, so no live orgctl writer can own these files. */
static void remove_stale_files(orgctl_repo *repo)
{
    static const char *const packs[] = {"pack_git2_", "tmp_orgctl_", NULL};
    static const char *const objects[] = {"tmp_object_git2_", NULL};
    char *ref_lock = path_join(repo->gitdir, ORGCTL_BRANCH ".lock");
    unlink(ref_lock);
    free(ref_lock);
    remove_prefixed(repo, "objects/pack", packs);
    remove_prefixed(repo, "objects", objects);
}

static double lock_timeout = -1; /* seconds; < 0: wait as long as it takes */
static orgctl_lock_wait_fn lock_notify;
static void *lock_notify_payload;

void orgctl_lock_wait_set(double timeout, orgctl_lock_wait_fn notify, void *payload)
{
    lock_timeout = timeout;
    lock_notify = notify;
    lock_notify_payload = payload;
}

/* Who holds the lock, as its holder wrote it into the lock file: "pid N since TIME". */
static void lock_holder(int fd, char *buf, size_t size)
{
    ssize_t n = pread(fd, buf, size - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    if (!*buf)
        snprintf(buf, size, "another writer");
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Takes the lock, waiting for its holder: after a second the waiter is told who that is
 * (through the callback of orgctl_lock_wait_set), and past the timeout it gives up. */
static int lock_wait(int fd)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    bool told = false;
    char holder[256];
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK)
            return orgctl_error_set(ORGCTL_ERROR, "cannot lock repository: %s",
                                    strerror(errno));
        double waited = seconds_since(&start);
        if (lock_timeout >= 0 && waited >= lock_timeout) {
            lock_holder(fd, holder, sizeof(holder));
            return orgctl_error_set(ORGCTL_ECONFLICT,
                                    "the repository is locked by %s; gave up after %g s "
                                    "(--lock-timeout); nothing was changed",
                                    holder, lock_timeout);
        }
        if (!told && waited >= 1.0 && lock_notify) {
            lock_holder(fd, holder, sizeof(holder));
            strbuf msg = STRBUF_INIT;
            strbuf_addf(&msg, "waiting for the repository lock, held by %s", holder);
            lock_notify(strbuf_str(&msg), lock_notify_payload);
            strbuf_release(&msg);
            told = true;
        }
        struct timespec nap = {0, 20 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    return 0;
}

int orgctl_lock_acquire(orgctl_repo *repo)
{
    if (repo->lock_fd >= 0)
        return 0;
    char *path = path_join(repo->gitdir, "orgctl/lock");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, ORGCTL_FILE_MODE);
    if (fd < 0) {
        int err = orgctl_error_set(ORGCTL_ERROR, "cannot open lock %s: %s", path,
                                   strerror(errno));
        free(path);
        return err;
    }
    free(path);
    int error = lock_wait(fd);
    if (error < 0) {
        close(fd);
        return error;
    }
    /* Say who holds it, for a writer that waits (the file is ours while we hold it); a
     * dry run changes no file, this one included. */
    time_t now = time(NULL);
    char when[32], info[96];
    orgctl_time_format(now, when, sizeof(when));
    int n = snprintf(info, sizeof(info), "orgctl pid %ld since %s\n", (long)getpid(), when);
    if (repo->dry_run)
        (void)0;
    else if (ftruncate(fd, 0) < 0 || pwrite(fd, info, (size_t)n, 0) < 0)
        (void)0; /* only a courtesy to waiters */
    repo->lock_fd = fd;
    remove_stale_files(repo);
    return 0;
}

void orgctl_lock_release(orgctl_repo *repo)
{
    if (repo->lock_fd < 0)
        return;
    flock(repo->lock_fd, LOCK_UN);
    close(repo->lock_fd);
    repo->lock_fd = -1;
}

bool orgctl_oid_parse(const char *s, git_oid *out)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < GIT_OID_HEXSZ; i++) {
        const char *c = s[i] ? strchr(hex, s[i] | 0x20) : NULL;
        if (!c || (s[i] >= 'A' && s[i] <= 'F'))
            return false; /* git writes lowercase; anything else was not written by git */
        int v = (int)(c - hex);
        if (i % 2 == 0)
            out->id[i / 2] = (unsigned char)(v << 4);
        else
            out->id[i / 2] |= (unsigned char)v;
    }
    char end = s[GIT_OID_HEXSZ];
    return end == '\n' || end == '\0' || end == ' ';
}

static int damaged_ref(orgctl_repo *repo, const char *where)
{
    return orgctl_error_set(ORGCTL_ERROR,
                            "%s: the branch " ORGCTL_BRANCH " is damaged (%s holds no commit "
                            "id); restore it from a clone or with git update-ref",
                            repo->gitdir, where);
}

/* Reads the branch from the files git keeps it in (a loose ref, else packed-refs), so a
 * query whose index is current never needs libgit2, whose start-up (it loads the TLS
 * certificate bundle) costs more than the query. A ref that is there but holds no commit
 * id is an error, never "no branch": that would make the next write a root commit. */
static int read_head(orgctl_repo *repo)
{
    char line[512];
    strbuf path = STRBUF_INIT;
    int error = 0;
    repo->has_head = false;
    strbuf_addf(&path, "%s/" ORGCTL_BRANCH, repo->gitdir);
    FILE *f = fopen(strbuf_str(&path), "r");
    if (f) {
        bool ok = fgets(line, sizeof(line), f) && orgctl_oid_parse(line, &repo->head);
        fclose(f);
        if (!ok)
            error = damaged_ref(repo, ORGCTL_BRANCH);
        repo->has_head = ok;
    }
    if (!repo->has_head && !error) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/packed-refs", repo->gitdir);
        f = fopen(strbuf_str(&path), "r");
        while (f && fgets(line, sizeof(line), f)) {
            static const char suffix[] = " " ORGCTL_BRANCH "\n";
            size_t len = strlen(line), slen = sizeof(suffix) - 1;
            if (len >= slen && strcmp(line + len - slen, suffix) == 0) {
                if (len != GIT_OID_HEXSZ + slen || !orgctl_oid_parse(line, &repo->head))
                    error = damaged_ref(repo, "packed-refs");
                else
                    repo->has_head = true;
                break;
            }
        }
        if (f)
            fclose(f);
    }
    strbuf_release(&path);
    return error;
}

static int no_objects(git_odb_backend *b, git_odb_foreach_cb cb, void *payload)
{
    return 0;
}

/* Objects hold password hashes: those orgctl writes loose get no access for others
 * (git's own loose backend makes them 0444, folders 0777, less the umask). A loose
 * backend of our own with those modes, made write-only, goes ahead of git's, which
 * still reads them. */
static int private_loose_objects(orgctl_repo *repo)
{
    git_odb *odb = NULL;
    git_odb_backend *loose = NULL;
    char *dir = path_join(repo->gitdir, "objects");
    int error = git_repository_odb(&odb, repo->git);
    if (!error && (error = git_odb_backend_loose(&loose, dir, -1, libgit2_fsync,
                                                 ORGCTL_DIR_MODE, ORGCTL_FILE_MODE & 0440)) == 0) {
        loose->read = NULL;
        loose->read_prefix = NULL;
        loose->read_header = NULL;
        loose->readstream = NULL;
        loose->exists = NULL;
        loose->exists_prefix = NULL;
        loose->refresh = NULL;
        loose->freshen = NULL;
        loose->writepack = NULL;
        loose->foreach = no_objects;
        if ((error = git_odb_add_backend(odb, loose, 10)) < 0) /* git's are 1 and 2 */
            loose->free(loose);
    }
    git_odb_free(odb);
    free(dir);
    return error < 0 ? orgctl_git_error(error, "cannot open the object database") : 0;
}

int orgctl_repo_git_open(orgctl_repo *repo)
{
    if (repo->git)
        return 0;
    libgit2_setup();
    int error = git_repository_open_bare(&repo->git, repo->gitdir);
    if (error < 0)
        return orgctl_git_error(error, repo->gitdir);
    if ((error = private_loose_objects(repo)) < 0) {
        git_repository_free(repo->git);
        repo->git = NULL;
    }
    return error;
}

/* Reads HEAD and brings the index up to it. A reader takes the lock only when the index
 * lags, since catching up writes to it. */
static int sync_index(orgctl_repo *repo)
{
    int error;
    bool locked_here = false;
    if ((error = read_head(repo)) < 0)
        return error;
    git_oid indexed;
    bool has_indexed = orgctl_index_commit(repo, &indexed);
    if (has_indexed == repo->has_head && (!has_indexed || git_oid_equal(&indexed, &repo->head)))
        return 0;
    if (repo->lock_fd < 0) {
        if ((error = orgctl_lock_acquire(repo)) < 0)
            return error;
        locked_here = true;
        if ((error = read_head(repo)) < 0)
            goto done;
    }
    if (repo->has_head && (error = orgctl_repo_git_open(repo)) == 0)
        error = orgctl_index_catch_up(repo, &repo->head);
done:
    if (locked_here)
        orgctl_lock_release(repo);
    return error;
}

/* Whether the object database holds anything: loose objects or a pack. */
static bool has_objects(const char *gitdir)
{
    char *objects = path_join(gitdir, "objects");
    DIR *d = opendir(objects);
    bool found = false;
    struct dirent *e;
    while (d && !found && (e = readdir(d))) {
        if (strlen(e->d_name) == 2 && strspn(e->d_name, "0123456789abcdef") == 2)
            found = true;
        else if (strcmp(e->d_name, "pack") == 0) {
            char *pack = path_join(objects, "pack");
            DIR *p = opendir(pack);
            struct dirent *pe;
            while (p && !found && (pe = readdir(p)))
                found = strstr(pe->d_name, ".pack") != NULL;
            if (p)
                closedir(p);
            free(pack);
        }
    }
    if (d)
        closedir(d);
    free(objects);
    return found;
}

/* An opened repository without its branch is never "empty": every write would make a root
 * commit holding only what it wrote, and every org, user and role would vanish from HEAD. */
static int refuse_no_branch(orgctl_repo *repo)
{
    git_oid indexed;
    if (orgctl_index_commit(repo, &indexed) || has_objects(repo->gitdir))
        return orgctl_error_set(ORGCTL_ERROR,
                                "%s: the branch " ORGCTL_BRANCH " is missing but the repository "
                                "holds change sets: it is damaged; restore the branch from a "
                                "clone or with git update-ref",
                                repo->gitdir);
    return orgctl_error_set(ORGCTL_ERROR,
                            "%s: the repository has no enterprise (an init that did not finish?); "
                            "run \"orgctl init\" on it again",
                            repo->gitdir);
}

static int open_gitdir(orgctl_repo **out, const char *gitdir, enum orgctl_open_mode mode,
                       bool creating)
{
    int error;
    orgctl_repo *repo = xcalloc(1, sizeof(*repo));
    repo->lock_fd = -1;
    repo->gitdir = xstrdup(gitdir);
    repo->dry_run = mode == ORGCTL_OPEN_DRY_RUN;
    if (mode != ORGCTL_OPEN_READ && (error = orgctl_lock_acquire(repo)) < 0)
        goto done;
    if ((error = orgctl_index_open(repo)) < 0 || (error = sync_index(repo)) < 0)
        goto done;
    if (!repo->has_head && !creating)
        error = refuse_no_branch(repo);
done:
    if (error < 0) {
        orgctl_store_close(repo);
        repo = NULL;
    }
    *out = repo;
    return error;
}

int orgctl_store_open(orgctl_repo **out, const char *dir, enum orgctl_open_mode mode)
{
    char *gitdir = NULL;
    const char *start = dir;
    char cwd[PATH_MAX];
    *out = NULL;
    if (!start || !*start)
        start = getenv("ORGCTL_DIR");
    if (!start || !*start)
        start = getcwd(cwd, sizeof(cwd)) ? cwd : ".";
    int error = find_gitdir(start, &gitdir);
    if (error < 0)
        return error;
    error = open_gitdir(out, gitdir, mode, false);
    free(gitdir);
    return error;
}

static bool has_branch(const char *gitdir)
{
    git_repository *git = NULL;
    git_reference *ref = NULL;
    bool found = git_repository_open_bare(&git, gitdir) == 0 &&
                 git_reference_lookup(&ref, git, ORGCTL_BRANCH) == 0;
    git_reference_free(ref);
    git_repository_free(git);
    git_error_clear();
    return found;
}

/* Whether mkdir(dir) would succeed or find a directory: its parent is a directory we may
 * write to. */
static int check_creatable(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0
                                   : orgctl_error_set(ORGCTL_ERROR, "cannot create %s: %s", dir,
                                                      strerror(EEXIST));
    char *parent = xstrdup(dir), *slash = strrchr(parent, '/');
    while (slash && slash > parent && slash[1] == '\0') { /* "a/b/" */
        *slash = '\0';
        slash = strrchr(parent, '/');
    }
    if (!slash)
        strcpy(parent, ".");
    else
        slash[slash == parent] = '\0'; /* "/x" -> "/" */
    int error = 0;
    if (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode) || access(parent, W_OK | X_OK) < 0)
        error = orgctl_error_set(ORGCTL_ERROR, "cannot create %s: %s", dir,
                                 strerror(errno ? errno : ENOTDIR));
    free(parent);
    return error;
}

/* A repository in memory for a dry init: nothing on disk, change sets dry. */
static int open_memory(orgctl_repo **out)
{
    orgctl_repo *repo = xcalloc(1, sizeof(*repo));
    repo->lock_fd = -1;
    repo->dry_run = true;
    int error = orgctl_index_open(repo);
    if (error < 0) {
        orgctl_store_close(repo);
        repo = NULL;
    }
    *out = repo;
    return error;
}

/* Creates the bare repository and orgctl's private folder; the first change set is
 * written by orgctl_repo_init (lib/kinds/init.c). */
int orgctl_store_create(orgctl_repo **out, const char *dir, bool dry)
{
    int error;
    git_repository *git = NULL;
    char real[PATH_MAX];
    libgit2_setup();
    *out = NULL;
    errno = 0;
    if (dry && (error = check_creatable(dir)) < 0)
        return error;
    if (dry && !realpath(dir, real)) /* it would be made: nothing there to refuse */
        return open_memory(out);
    if (!dry && mkdir(dir, ORGCTL_DIR_MODE) < 0 && errno != EEXIST)
        return orgctl_error_set(ORGCTL_ERROR, "cannot create %s: %s", dir, strerror(errno));
    if (!realpath(dir, real))
        return orgctl_error_set(ORGCTL_ERROR, "%s: %s", dir, strerror(errno));
    /* An init that failed before its first change set may be run again. */
    bool ours = is_orgctl_gitdir(real, !dry);
    if (ours && has_branch(real))
        return orgctl_error_set(ORGCTL_EEXISTS, "%s is an orgctl repository already", real);
    char *head = path_join(real, "HEAD");
    struct stat st;
    bool taken = !ours && stat(head, &st) == 0;
    free(head);
    if (taken)
        return orgctl_error_set(ORGCTL_EEXISTS, "%s holds a git repository already", real);
    if (dry)
        return open_memory(out);
    git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
    opts.initial_head = "main";
    if ((error = git_repository_init_ext(&git, real, &opts)) < 0)
        return orgctl_git_error(error, "cannot create repository");
    /* git itself (a push into the repository, a commit made by hand, gc) then writes
     * objects without access for others too; libgit2 does not read this setting. */
    git_config *cfg = NULL;
    if ((error = git_repository_config(&cfg, git)) == 0)
        error = git_config_set_string(cfg, "core.sharedRepository", "0640");
    git_config_free(cfg);
    git_repository_free(git);
    if (error < 0)
        return orgctl_git_error(error, "cannot configure repository");
    /* What git made inside follows the umask; the repository's folder itself keeps
     * everyone else out of all of it (the hashes in its objects and index). */
    struct stat top;
    if (stat(real, &top) == 0 && (top.st_mode & 07) && chmod(real, top.st_mode & ~07u) < 0)
        return orgctl_error_set(ORGCTL_ERROR, "cannot restrict %s: %s", real, strerror(errno));
    char *priv = path_join(real, "orgctl");
    if (mkdir(priv, ORGCTL_DIR_MODE) < 0 && errno != EEXIST) {
        error = orgctl_error_set(ORGCTL_ERROR, "cannot create %s: %s", priv, strerror(errno));
        free(priv);
        return error;
    }
    free(priv);
    /* The index is a local cache: keep it out of anything git would transfer. */
    char *exclude = path_join(real, "info/exclude");
    FILE *f = ours ? NULL : fopen(exclude, "a");
    if (f) {
        fputs("orgctl/\n", f);
        fclose(f);
    }
    free(exclude);
    return open_gitdir(out, real, ORGCTL_OPEN_WRITE, true);
}

void orgctl_store_close(orgctl_repo *repo)
{
    if (!repo)
        return;
    if (repo->cs)
        repo->cs_hooks->free(repo->cs);
    orgctl_index_close(repo);
    orgctl_lock_release(repo);
    git_repository_free(repo->git);
    free(repo->gitdir);
    free(repo);
}

int orgctl_clock_now(time_t *out)
{
    const char *env = getenv("ORGCTL_NOW");
    if (!env || !*env) {
        *out = time(NULL);
        return 0;
    }
    return orgctl_time_parse("ORGCTL_NOW", env, out, NULL);
}

void orgctl_time_format(time_t t, char *buf, size_t size)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
