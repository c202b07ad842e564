/* Finding, opening and locking the config repository. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2/sys/odb_backend.h>

#include "git_load.h"
#include "sha1.h"
#include "store.h"

/* The errno of a storage failure named in a libgit2 message: libgit2 adds strerror() to
 * the errors of the operating system. 0 when there is none. */
static int storage_errno_in(const char *msg)
{
    static const int errs[] = {ENOSPC, EDQUOT, EFBIG};
    for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
        if (strstr(msg, strerror(errs[i])))
            return errs[i];
    return 0;
}

int orgctl_git_error(int code, const char *what)
{
    int saved = errno;
    const git_error *e = git_error_last();
    const char *msg = e && e->message ? e->message : "git error";
    if (storage_errno_in(msg))
        return orgctl_error_set(ORGCTL_ESTORAGE, "%s: %s", what, msg);
    if (e && e->klass == GIT_ERROR_OS && orgctl_errno_is_storage(saved))
        return orgctl_errno_error(saved, "%s: %s", what, msg);
    orgctl_error_set(ORGCTL_ERROR, "%s: %s", what, msg);
    /* An object missing from the database is damaged storage (exit 1), never "not found"
     * (exit 3), which says that what a person named does not exist. */
    if (code == GIT_EMODIFIED || code == GIT_ELOCKED)
        return ORGCTL_ECONFLICT;
    return ORGCTL_ERROR;
}

/* Why SQLite could not open a file of the index: when making its -journal or -wal fails
 * (a full disk, no inode left), it retries read-only and keeps that errno (ENOENT). A file
 * made beside the index tells the real one. */
static int cantopen_errno(sqlite3 *db, int sys)
{
    const char *file = sqlite3_db_filename(db, "main");
    if (!file || !*file)
        return sys;
    strbuf probe = STRBUF_INIT;
    strbuf_addf(&probe, "%s-probe-XXXXXX", file);
    int fd = mkstemp(probe.buf);
    if (fd < 0)
        sys = errno;
    else {
        close(fd);
        unlink(probe.buf);
    }
    strbuf_release(&probe);
    return sys;
}

int orgctl_sqlite_error(sqlite3 *db, const char *what)
{
    int saved = errno;
    const char *msg = db ? sqlite3_errmsg(db) : "cannot open";
    int rc = db ? sqlite3_errcode(db) : SQLITE_CANTOPEN;
    /* The errno is only the failed call's when the operating system failed it. SQLite
     * reads it when the statement ends, after the rollback that followed the failed
     * write; a storage errno still in errno (no call since has failed) is the cause. */
    bool os =
        rc == SQLITE_IOERR || rc == SQLITE_CANTOPEN || rc == SQLITE_FULL || rc == SQLITE_READONLY;
    int sys = db && os ? sqlite3_system_errno(db) : 0;
    if (os && !sys && (orgctl_errno_is_storage(saved) || saved == EIO || saved == EROFS))
        sys = saved;
    if (rc == SQLITE_CANTOPEN && db)
        sys = cantopen_errno(db, sys);
    if (rc == SQLITE_FULL && !orgctl_errno_is_storage(sys))
        sys = ENOSPC;
    const char *sep = what ? ": " : "";
    if (sys)
        return orgctl_errno_error(sys, "index: %s%s%s", what ? what : "", sep, msg);
    return orgctl_error_set(ORGCTL_ERROR, "index: %s%s%s", what ? what : "", sep, msg);
}

const char *orgctl_repo_path(orgctl_repo *repo)
{
    return repo->gitdir;
}

void orgctl_store_head_hex(orgctl_repo *repo, char out[41])
{
    if (repo->has_head)
        git_oid_tostr(out, 41, &repo->head);
    else
        out[0] = '\0';
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

/* Whether orgctl may write to the repository at `gitdir`: its private folder and index
 * (a read-only mount, a mirror of another user's, chmod a-w: not). 0, or the errno. */
static int repo_write_errno(const char *gitdir)
{
    char *priv = path_join(gitdir, "orgctl"), *index = path_join(priv, "index.sqlite");
    int err = access(priv, W_OK) < 0                       ? errno
              : access(index, W_OK) < 0 && errno != ENOENT ? errno
                                                           : 0;
    free(priv);
    free(index);
    return err;
}

static int refuse_read_only(const char *gitdir, int err)
{
    return orgctl_error_set(ORGCTL_ERROR,
                            "%s cannot be written to (%s): it is read-only to you, nothing was "
                            "changed; queries still work",
                            gitdir, strerror(err));
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
    if (!maybe || orgctl_git_load() < 0)
        return false;
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
    /* One that cannot be written to (a read-only mirror) is used without the folder. */
    found = mkdir(priv, ORGCTL_DIR_MODE) == 0 || errno == EEXIST || errno == EACCES ||
            errno == EROFS || errno == EPERM;
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
            return orgctl_error_set(ORGCTL_ERROR, "cannot lock repository: %s", strerror(errno));
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
        int err = errno == EACCES || errno == EROFS || errno == EPERM
                      ? refuse_read_only(repo->gitdir, errno)
                      : orgctl_errno_error(errno, "cannot open lock %s", path);
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

/* libgit2 (1.5) tries each backend in turn when a write fails, then a stream whose write
 * error it ignores: on a full disk, git_odb_write can return 0 for an object it did not
 * write (then the branch update finds no commit, or worse, a commit names a blob that is
 * not there). Our loose backend goes first, so its failure is kept here, and a write
 * counts as failed whatever libgit2 then says (orgctl_odb_write_check). */
static int (*loose_write)(git_odb_backend *, const git_oid *, const void *, size_t, git_object_t);
static _Thread_local int loose_failed; /* 0, or the code orgctl_git_error gave */
static _Thread_local char loose_message[512];

static int checked_loose_write(git_odb_backend *b, const git_oid *oid, const void *data, size_t len,
                               git_object_t type)
{
    int error = loose_write(b, oid, data, len, type);
    if (error < 0 && !loose_failed) {
        const git_error *e = git_error_last();
        snprintf(loose_message, sizeof(loose_message), "%s",
                 e && e->message ? e->message : "git error");
        loose_failed = orgctl_git_error(error, "");
    }
    return error;
}

void orgctl_odb_write_begin(void)
{
    loose_failed = 0;
}

int orgctl_odb_write_check(int error, const char *what)
{
    int failed = loose_failed;
    loose_failed = 0;
    if (failed) /* the first failure is the cause, whatever came of the retries */
        return orgctl_error_set(failed, "%s: %s", what, loose_message);
    return error < 0 ? orgctl_git_error(error, what) : 0;
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
    if (!error && (error = git_odb_backend_loose(&loose, dir, -1, orgctl_git_fsync(),
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
        loose->writestream = NULL; /* git's own then, its failure seen by ours first */
        loose->foreach = no_objects;
        loose_write = loose->write;
        loose->write = checked_loose_write;
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
    int error = orgctl_git_load();
    if (error < 0)
        return error;
    error = git_repository_open_bare(&repo->git, repo->gitdir);
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
    if (repo->read_only) /* nobody may write it: a copy in memory catches up, no lock */
        return (error = orgctl_index_in_memory(repo)) < 0 || !repo->has_head ||
                       (error = orgctl_repo_git_open(repo)) < 0
                   ? error
                   : orgctl_index_catch_up(repo, &repo->head);
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
                            "remove it and run \"orgctl init\" again",
                            repo->gitdir);
}

static orgctl_repo *repo_new(const char *gitdir, enum orgctl_open_mode mode)
{
    orgctl_repo *repo = xcalloc(1, sizeof(*repo));
    repo->lock_fd = -1;
    repo->gitdir = xstrdup(gitdir);
    repo->dry_run = mode == ORGCTL_OPEN_DRY_RUN;
    return repo;
}

/* Locks (for a write) and reads the repository: its branch, the index caught up. */
static int repo_load(orgctl_repo *repo, enum orgctl_open_mode mode, bool creating)
{
    int error, write_errno = repo_write_errno(repo->gitdir);
    repo->read_only = write_errno != 0;
    if (repo->read_only && mode == ORGCTL_OPEN_WRITE)
        return refuse_read_only(repo->gitdir, write_errno);
    /* A change set hashes what it writes (identities, a pack's ids and checksums), where a
     * libcrypto that cannot be loaded could only abort: refused here, before the lock. */
    if (mode != ORGCTL_OPEN_READ && (error = orgctl_crypto_load()) < 0)
        return error;
    /* A dry run of a read-only repository needs no lock: nobody writes it through us. */
    if (mode != ORGCTL_OPEN_READ && !repo->read_only && (error = orgctl_lock_acquire(repo)) < 0)
        return error;
    error = orgctl_index_open(repo);
    if (!error)
        error = sync_index(repo);
    if (error == ORGCTL_ESTORAGE && mode == ORGCTL_OPEN_READ && !repo->read_only) {
        /* A full disk: even reading the index makes files (its -wal and -shm), and
         * catching it up writes. A query reads it as a read-only repository's. */
        orgctl_index_close(repo);
        orgctl_error_clear();
        repo->read_only = true;
        if ((error = orgctl_index_open(repo)) == 0)
            error = sync_index(repo);
    }
    if (error < 0)
        return error;
    return !repo->has_head && !creating ? refuse_no_branch(repo) : 0;
}

static int open_gitdir(orgctl_repo **out, const char *gitdir, enum orgctl_open_mode mode)
{
    orgctl_repo *repo = repo_new(gitdir, mode);
    int error = repo_load(repo, mode, false);
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
    error = open_gitdir(out, gitdir, mode);
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

/* --- init: built aside, moved into place whole ---
 * A repository is made in a temporary folder and moved to its name only once its first
 * change set is committed, so a failed or killed init leaves no half-made repository
 * there. For a target that does not exist, the folder is its sibling .NAME.init-XXXXXX,
 * renamed to it; for an existing empty one (a mount point, the current directory), it is
 * inside, .orgctl.init-XXXXXX, and its entries move up, HEAD last (git and orgctl take a
 * folder without HEAD for no repository). The temporary folder's orgctl/lock is held while
 * it is built: one whose lock nobody holds was left by a killed init and is removed by
 * the next. */

struct orgctl_init_place {
    char *target; /* where the repository goes, absolute */
    char *tmp;    /* where it is built */
    bool inside;  /* tmp is in target, which existed empty: its entries move up */
    char *made;   /* the topmost of the target's parent folders init made, or NULL */
};

#define INIT_INSIDE_PREFIX ".orgctl.init-"

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    remove(path);
    return 0;
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Whether `path` is a temporary folder of an init that no longer runs (killed): nobody
 * holds its lock, or it was killed before it made one. */
static bool stale_init(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return false;
    char *lock = path_join(path, "orgctl/lock");
    int fd = open(lock, O_RDWR | O_CLOEXEC);
    bool stale = fd >= 0 ? flock(fd, LOCK_EX | LOCK_NB) == 0 : errno == ENOENT;
    if (fd >= 0)
        close(fd);
    free(lock);
    return stale;
}

/* Whether `dir` holds nothing but stale init folders named `prefix`XXXXXX; with `clean`,
 * those are removed. */
static bool empty_but_stale_inits(const char *dir, const char *prefix, bool clean)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    bool empty = d != NULL;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        bool ours = strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
                    strlen(e->d_name) == strlen(prefix) + 6;
        char *path = path_join(dir, e->d_name);
        if (ours && stale_init(path)) {
            if (clean)
                remove_tree(path);
        } else {
            empty = false;
        }
        free(path);
    }
    if (d)
        closedir(d);
    return empty;
}

/* Refuses a target that exists and holds a repository or anything else. */
static int check_target(const char *real, bool clean)
{
    char *head = path_join(real, "HEAD");
    struct stat st;
    bool has_head = stat(head, &st) == 0;
    free(head);
    if (has_head && is_orgctl_gitdir(real, false) && has_branch(real))
        return orgctl_error_set(ORGCTL_EEXISTS, "%s is an orgctl repository already", real);
    if (has_head)
        return orgctl_error_set(ORGCTL_EEXISTS, "%s holds a git repository already", real);
    if (!empty_but_stale_inits(real, INIT_INSIDE_PREFIX, clean))
        return orgctl_error_set(ORGCTL_EEXISTS,
                                "%s is not empty: init makes a repository in a "
                                "new or empty folder only",
                                real);
    return 0;
}

/* `dir` without trailing slashes, split at its last slash: *parent ("." when none) and
 * *base (both malloc'd). */
static void split_path(const char *dir, char **parent, char **base)
{
    char *d = xstrdup(dir);
    size_t n = strlen(d);
    while (n > 1 && d[n - 1] == '/')
        d[--n] = '\0';
    char *slash = strrchr(d, '/');
    if (!slash) {
        *parent = xstrdup(".");
        *base = d;
        return;
    }
    *base = xstrdup(slash + 1);
    slash[slash == d] = '\0'; /* "/x" -> "/" */
    *parent = d;
}

/* Makes `dir` and its missing parents as mkdir -p does; *made receives the topmost folder
 * made (NULL: none), for removal when init fails. */
static int make_parents(const char *dir, char **made)
{
    char *p = xstrdup(dir);
    int error = 0;
    *made = NULL;
    for (char *slash = p;; slash++) {
        slash = strchr(slash, '/');
        if (slash == p)
            continue; /* the root */
        if (slash)
            *slash = '\0';
        struct stat st;
        if (mkdir(p, 0777) == 0) {
            if (!*made)
                *made = xstrdup(p);
        } else if (errno != EEXIST || stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
            error = orgctl_errno_error(errno == EEXIST ? ENOTDIR : errno, "cannot create %s", p);
            break;
        }
        if (!slash)
            break;
        *slash = '/';
    }
    free(p);
    return error;
}

/* Removes the folders make_parents made, from `dir` up to `made`, those still empty. */
static void remove_made(const char *made, const char *dir)
{
    char *p = xstrdup(dir);
    size_t n = strlen(made);
    while (strlen(p) >= n && strncmp(p, made, n) == 0) {
        rmdir(p);
        char *slash = strrchr(p, '/');
        if (!slash || slash == p)
            break;
        *slash = '\0';
    }
    free(p);
}

static void init_place_free(struct orgctl_init_place *pl)
{
    if (!pl)
        return;
    free(pl->target);
    free(pl->tmp);
    free(pl->made);
    free(pl);
}

/* A failed init: its temporary folder and the parents it made go. */
static void init_place_abort(struct orgctl_init_place *pl)
{
    if (pl->tmp)
        remove_tree(pl->tmp);
    if (pl->made) {
        char *parent, *base;
        split_path(pl->target, &parent, &base);
        remove_made(pl->made, parent);
        free(parent);
        free(base);
    }
    init_place_free(pl);
}

/* Where init builds the repository for `dir`: makes the parents and the temporary folder
 * (private: the umask's mode without access for others). */
static int init_place_make(struct orgctl_init_place **out, const char *dir)
{
    struct orgctl_init_place *pl = xcalloc(1, sizeof(*pl));
    char *parent = NULL, *base = NULL, real[PATH_MAX];
    strbuf tmp = STRBUF_INIT;
    int error = 0;
    struct stat st;
    *out = NULL;
    split_path(dir, &parent, &base);
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            error = orgctl_errno_error(EEXIST, "cannot create %s", dir);
        else if (!realpath(dir, real))
            error = orgctl_errno_error(errno, "%s", dir);
        else if ((error = check_target(real, true)) == 0) {
            /* Others are kept out of it, as of a folder init makes. */
            if ((st.st_mode & 07) && chmod(real, st.st_mode & 07770) < 0)
                error = orgctl_errno_error(errno, "cannot restrict %s", real);
            pl->inside = true;
            pl->target = xstrdup(real);
            strbuf_addf(&tmp, "%s/" INIT_INSIDE_PREFIX "XXXXXX", real);
        }
    } else if (errno != ENOENT) {
        error = orgctl_errno_error(errno, "cannot create %s", dir);
    } else if ((error = make_parents(parent, &pl->made)) == 0) {
        char made_real[PATH_MAX]; /* removed again by its absolute name */
        if (pl->made && realpath(pl->made, made_real)) {
            free(pl->made);
            pl->made = xstrdup(made_real);
        }
        if (!realpath(parent, real)) {
            error = orgctl_errno_error(errno, "%s", parent);
        } else {
            strbuf prefix = STRBUF_INIT;
            strbuf_addf(&prefix, ".%s.init-", base);
            empty_but_stale_inits(real, strbuf_str(&prefix), true);
            pl->target = path_join(strcmp(real, "/") == 0 ? "" : real, base);
            strbuf_addf(&tmp, "%s/%sXXXXXX", strcmp(real, "/") == 0 ? "" : real,
                        strbuf_str(&prefix));
            strbuf_release(&prefix);
        }
    }
    if (!error && !mkdtemp(tmp.buf))
        error = orgctl_errno_error(errno, "cannot create %s", tmp.buf);
    else if (!error)
        pl->tmp = strbuf_detach(&tmp, NULL);
    if (!error) {
        mode_t mask = umask(0);
        umask(mask);
        if (chmod(pl->tmp, ORGCTL_DIR_MODE & ~mask & ~07u) < 0)
            error = orgctl_errno_error(errno, "cannot restrict %s", pl->tmp);
    }
    if (!pl->target)
        pl->target = xstrdup(dir);
    strbuf_release(&tmp);
    free(parent);
    free(base);
    if (error < 0)
        init_place_abort(pl);
    else
        *out = pl;
    return error;
}

static void sync_dir(const char *dir)
{
    int fd = orgctl_git_fsync() ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Moves the entries of `from` into `to`, HEAD last; on failure, those moved go back. */
static int move_entries(const char *from, const char *to)
{
    DIR *d = opendir(from);
    if (!d)
        return orgctl_errno_error(errno, "cannot read %s", from);
    char **names = NULL;
    size_t n = 0, moved = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            strcmp(e->d_name, "HEAD") != 0) {
            names = xrealloc(names, (n + 2) * sizeof(*names));
            names[n++] = xstrdup(e->d_name);
        }
    closedir(d);
    names = xrealloc(names, (n + 1) * sizeof(*names));
    names[n++] = xstrdup("HEAD");
    int error = 0;
    for (; moved < n && !error; moved++) {
        char *src = path_join(from, names[moved]), *dst = path_join(to, names[moved]);
        if (rename(src, dst) < 0)
            error = orgctl_errno_error(errno, "cannot move %s into %s", src, to);
        free(src);
        free(dst);
    }
    if (error)
        moved--; /* the failed one did not move */
    while (error && moved > 0) {
        moved--;
        char *src = path_join(from, names[moved]), *dst = path_join(to, names[moved]);
        rename(dst, src);
        free(src);
        free(dst);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return error;
}

int orgctl_repo_install(orgctl_repo *repo)
{
    struct orgctl_init_place *pl = repo->init;
    if (!pl)
        return 0; /* a dry init's repository, which is nowhere */
    /* Everything written and closed first: the index's WAL goes into its file. */
    orgctl_index_close(repo);
    git_repository_free(repo->git);
    repo->git = NULL;
    int error = 0;
    if (pl->inside) {
        if ((error = move_entries(pl->tmp, pl->target)) == 0) {
            rmdir(pl->tmp);
            sync_dir(pl->target);
        }
    } else if (rename(pl->tmp, pl->target) < 0) {
        error = errno == ENOTEMPTY || errno == EEXIST
                    ? orgctl_error_set(ORGCTL_EEXISTS,
                                       "%s was made by someone else meanwhile; "
                                       "nothing was created",
                                       pl->target)
                    : orgctl_errno_error(errno, "cannot create %s", pl->target);
    } else {
        char *parent, *base;
        split_path(pl->target, &parent, &base);
        sync_dir(parent);
        free(parent);
        free(base);
    }
    if (error < 0)
        return error;
    init_place_free(pl);
    repo->init = NULL;
    return 0;
}

/* Whether `dir` could be made: its nearest existing ancestor is a folder we may write to. */
static int check_creatable(const char *dir)
{
    char *p = xstrdup(dir), *base;
    int error = 0;
    struct stat st;
    for (;;) {
        char *parent;
        split_path(p, &parent, &base);
        free(base);
        bool up = strcmp(parent, p) != 0;
        free(p);
        p = parent;
        if (stat(p, &st) == 0 || errno != ENOENT || !up)
            break;
    }
    int err = stat(p, &st) < 0             ? errno
              : !S_ISDIR(st.st_mode)       ? ENOTDIR
              : access(p, W_OK | X_OK) < 0 ? errno
                                           : 0;
    if (err)
        error = orgctl_errno_error(err, "cannot create %s", dir);
    free(p);
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

/* Makes the bare repository and orgctl's private folder in `dir`, its temporary home. */
static int make_repository(const char *dir)
{
    git_repository *git = NULL;
    git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
    opts.initial_head = "main";
    int error = git_repository_init_ext(&git, dir, &opts);
    if (error < 0)
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
    /* The index is a local cache: keep it out of anything git would transfer. */
    char *exclude = path_join(dir, "info/exclude");
    FILE *f = fopen(exclude, "a");
    if (!f || fputs("orgctl/\n", f) < 0 || fflush(f) != 0)
        error = orgctl_errno_error(errno, "cannot write %s", exclude);
    if (f && fclose(f) != 0 && !error)
        error = orgctl_errno_error(errno, "cannot write %s", exclude);
    free(exclude);
    return error;
}

/* Creates the repository in its temporary folder, with orgctl's private folder and lock;
 * the first change set is written by orgctl_repo_init (lib/kinds/init.c), which then moves
 * it into place (orgctl_repo_install). Freeing the repository before that removes it. */
int orgctl_store_create(orgctl_repo **out, const char *dir, bool dry)
{
    char real[PATH_MAX];
    struct stat st;
    *out = NULL;
    int error = orgctl_git_load();
    if (error < 0 || (error = orgctl_crypto_load()) < 0)
        return error;
    if (dry) {
        if (stat(dir, &st) < 0) /* it would be made: nothing there to refuse */
            return (error = check_creatable(dir)) < 0 ? error : open_memory(out);
        if (!S_ISDIR(st.st_mode))
            return orgctl_errno_error(EEXIST, "cannot create %s", dir);
        if (!realpath(dir, real))
            return orgctl_errno_error(errno, "%s", dir);
        return (error = check_target(real, false)) < 0 ? error : open_memory(out);
    }
    struct orgctl_init_place *pl = NULL;
    if ((error = init_place_make(&pl, dir)) < 0)
        return error;
    orgctl_repo *repo = repo_new(pl->tmp, ORGCTL_OPEN_WRITE);
    repo->init = pl; /* from here, freeing the repository removes it */
    char *priv = path_join(pl->tmp, "orgctl");
    if (mkdir(priv, ORGCTL_DIR_MODE) < 0)
        error = orgctl_errno_error(errno, "cannot create %s", priv);
    free(priv);
    if (error < 0 || (error = orgctl_lock_acquire(repo)) < 0 ||
        (error = make_repository(pl->tmp)) < 0 ||
        (error = repo_load(repo, ORGCTL_OPEN_WRITE, true)) < 0) {
        orgctl_store_close(repo);
        return error;
    }
    *out = repo;
    return 0;
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
    if (repo->init) /* an init that did not finish */
        init_place_abort(repo->init);
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
    return orgctl_time_parse(out, NULL, "ORGCTL_NOW", env);
}

void orgctl_time_format(time_t t, char *buf, size_t size)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
