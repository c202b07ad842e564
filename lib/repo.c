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
#include <unistd.h>

#include "internal.h"
#include "orgctl/object.h"

static int libgit2_ready;

static void libgit2_setup(void)
{
    if (libgit2_ready++)
        return;
    git_libgit2_init();
    /* Without fsync a power loss can leave the branch pointing at objects never written. */
    const char *fsync_env = getenv("ORGCTL_FSYNC");
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, !(fsync_env && strcmp(fsync_env, "0") == 0));
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
}

int orgctl_git_error(int code, const char *what)
{
    const git_error *e = git_error_last();
    orgctl_error_set(ORGCTL_ERROR, "%s: %s", what, e && e->message ? e->message : "git error");
    if (code == GIT_ENOTFOUND)
        return ORGCTL_ENOTFOUND;
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

const char *orgctl_repo_actor(orgctl_repo *repo)
{
    return repo->actor;
}

const char *orgctl_repo_enterprise_org(orgctl_repo *repo)
{
    return repo->enterprise_org ? repo->enterprise_org : "";
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
static bool is_config_clone(const char *dir)
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
    if (!found)
        return false;
    char *priv = path_join(dir, "orgctl");
    found = mkdir(priv, 0777) == 0 || errno == EEXIST;
    free(priv);
    return found;
}

/* A bare git repository that orgctl initialised has <dir>/orgctl/ (the index and lock);
 * a bare clone of one gets it on first use. */
static bool is_orgctl_gitdir(const char *dir)
{
    if (!is_dir(dir, "objects"))
        return false;
    return is_dir(dir, "orgctl") || is_config_clone(dir);
}

static int find_gitdir(const char *start, char **out)
{
    char buf[PATH_MAX];
    if (!realpath(start, buf))
        return orgctl_error_set(ORGCTL_ENOREPO, "%s: %s", start, strerror(errno));
    for (;;) {
        if (is_orgctl_gitdir(buf)) {
            *out = xstrdup(buf);
            return 0;
        }
        char *dotgit = path_join(buf, ".git");
        bool found = is_orgctl_gitdir(dotgit);
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

/* Removes what a writer killed mid-write leaves behind. Only called under our lock, so
 * no live orgctl writer can own these files. */
static void remove_stale_files(orgctl_repo *repo)
{
    char *ref_lock = path_join(repo->gitdir, ORGCTL_BRANCH ".lock");
    unlink(ref_lock);
    free(ref_lock);
    char *packdir = path_join(repo->gitdir, "objects/pack");
    DIR *d = opendir(packdir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strncmp(e->d_name, "pack_git2_", 10) == 0 ||
                strncmp(e->d_name, "tmp_orgctl_", 11) == 0) {
                char *p = path_join(packdir, e->d_name);
                unlink(p);
                free(p);
            }
        closedir(d);
    }
    free(packdir);
}

int orgctl_lock_acquire(orgctl_repo *repo)
{
    if (repo->lock_fd >= 0)
        return 0;
    char *path = path_join(repo->gitdir, "orgctl/lock");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        int err = orgctl_error_set(ORGCTL_ERROR, "cannot open lock %s: %s", path,
                                   strerror(errno));
        free(path);
        return err;
    }
    free(path);
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            close(fd);
            return orgctl_error_set(ORGCTL_ERROR, "cannot lock repository: %s",
                                    strerror(errno));
        }
    }
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

/* Reads the branch from the files git keeps it in (a loose ref, else packed-refs), so a
 * query whose index is current never needs libgit2, whose start-up (it loads the TLS
 * certificate bundle) costs more than the query. */
static int read_head(orgctl_repo *repo)
{
    char line[512];
    strbuf path = STRBUF_INIT;
    repo->has_head = false;
    strbuf_addf(&path, "%s/" ORGCTL_BRANCH, repo->gitdir);
    FILE *f = fopen(strbuf_str(&path), "r");
    if (f) {
        if (fgets(line, sizeof(line), f) && git_oid_fromstrn(&repo->head, line, GIT_OID_HEXSZ) == 0)
            repo->has_head = true;
        fclose(f);
    }
    if (!repo->has_head) {
        strbuf_reset(&path);
        strbuf_addf(&path, "%s/packed-refs", repo->gitdir);
        f = fopen(strbuf_str(&path), "r");
        while (f && fgets(line, sizeof(line), f)) {
            if (strlen(line) > GIT_OID_HEXSZ + 1 &&
                strcmp(line + GIT_OID_HEXSZ + 1, ORGCTL_BRANCH "\n") == 0 &&
                git_oid_fromstrn(&repo->head, line, GIT_OID_HEXSZ) == 0) {
                repo->has_head = true;
                break;
            }
        }
        if (f)
            fclose(f);
    }
    strbuf_release(&path);
    return 0;
}

int orgctl_repo_git_open(orgctl_repo *repo)
{
    if (repo->git)
        return 0;
    libgit2_setup();
    int error = git_repository_open_bare(&repo->git, repo->gitdir);
    return error < 0 ? orgctl_git_error(error, repo->gitdir) : 0;
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

static int load_enterprise(orgctl_repo *repo)
{
    cJSON *ent = NULL;
    if (orgctl_object_load(repo, &orgctl_kind_enterprise, "", "", &ent) < 0) {
        orgctl_error_clear();
        return 0; /* a repository being initialised */
    }
    const char *org = cJSON_GetStringValue(cJSON_GetObjectItem(ent, "org"));
    const char *admin = cJSON_GetStringValue(cJSON_GetObjectItem(ent, "admin"));
    free(repo->enterprise_org);
    free(repo->enterprise_admin);
    repo->enterprise_org = xstrdup(org);
    repo->enterprise_admin = xstrdup(admin);
    cJSON_Delete(ent);
    return 0;
}

static int open_gitdir(orgctl_repo **out, const char *gitdir, enum orgctl_open_mode mode)
{
    int error;
    orgctl_repo *repo = xcalloc(1, sizeof(*repo));
    repo->lock_fd = -1;
    repo->gitdir = xstrdup(gitdir);
    if (mode == ORGCTL_OPEN_WRITE && (error = orgctl_lock_acquire(repo)) < 0)
        goto done;
    if ((error = orgctl_index_open(repo)) < 0 || (error = sync_index(repo)) < 0 ||
        (error = load_enterprise(repo)) < 0)
        goto done;
done:
    if (error < 0) {
        orgctl_repo_free(repo);
        repo = NULL;
    }
    *out = repo;
    return error;
}

int orgctl_repo_open(orgctl_repo **out, const char *dir, enum orgctl_open_mode mode)
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

/* Creates the bare repository and orgctl's private folder; the first change set is
 * written by orgctl_repo_init (lib/init.c). */
int orgctl_repo_create(orgctl_repo **out, const char *dir)
{
    int error;
    git_repository *git = NULL;
    libgit2_setup();
    if (mkdir(dir, 0777) < 0 && errno != EEXIST)
        return orgctl_error_set(ORGCTL_ERROR, "cannot create %s: %s", dir, strerror(errno));
    char real[PATH_MAX];
    if (!realpath(dir, real))
        return orgctl_error_set(ORGCTL_ERROR, "%s: %s", dir, strerror(errno));
    /* An init that failed before its first change set may be run again. */
    bool ours = is_orgctl_gitdir(real);
    if (ours && has_branch(real))
        return orgctl_error_set(ORGCTL_EEXISTS, "%s is an orgctl repository already", real);
    char *head = path_join(real, "HEAD");
    struct stat st;
    bool taken = !ours && stat(head, &st) == 0;
    free(head);
    if (taken)
        return orgctl_error_set(ORGCTL_EEXISTS, "%s holds a git repository already", real);
    git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
    opts.initial_head = "main";
    if ((error = git_repository_init_ext(&git, real, &opts)) < 0)
        return orgctl_git_error(error, "cannot create repository");
    git_repository_free(git);
    char *priv = path_join(real, "orgctl");
    if (mkdir(priv, 0777) < 0 && errno != EEXIST) {
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
    return open_gitdir(out, real, ORGCTL_OPEN_WRITE);
}

void orgctl_repo_free(orgctl_repo *repo)
{
    if (!repo)
        return;
    orgctl_changeset_free(repo->cs);
    orgctl_index_close(repo);
    orgctl_lock_release(repo);
    git_repository_free(repo->git);
    free(repo->gitdir);
    free(repo->actor);
    free(repo->actor_user);
    free(repo->actor_org);
    free(repo->enterprise_org);
    free(repo->enterprise_admin);
    free(repo);
}

int orgctl_repo_set_actor(orgctl_repo *repo, const char *actor)
{
    strbuf sb = STRBUF_INIT;
    if (!actor || !*actor)
        actor = getenv("ORGCTL_ACTOR");
    if (!actor || !*actor) {
        if (!repo->enterprise_admin)
            return orgctl_error_set(ORGCTL_EINVALID, "no actor: give --as USER@ORG");
        strbuf_addf(&sb, "%s@%s", repo->enterprise_admin, repo->enterprise_org);
    } else {
        strbuf_adds(&sb, actor);
    }
    const char *s = strbuf_str(&sb);
    const char *at = strrchr(s, '@');
    if (!at || at == s || !at[1]) {
        int err = orgctl_error_set(ORGCTL_EINVALID, "actor \"%s\" is not of the form USER@ORG",
                                   s);
        strbuf_release(&sb);
        return err;
    }
    orgctl_perm_cache_forget(repo); /* the answers were another actor's */
    free(repo->actor);
    free(repo->actor_user);
    free(repo->actor_org);
    repo->actor_user = strndup(s, (size_t)(at - s));
    repo->actor_org = xstrdup(at + 1);
    repo->actor = strbuf_detach(&sb, NULL);
    return 0;
}

int orgctl_clock_now(time_t *out)
{
    const char *env = getenv("ORGCTL_NOW");
    if (!env || !*env) {
        *out = time(NULL);
        return 0;
    }
    struct tm tm = {0};
    const char *end = strptime(env, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end) {
        end = strptime(env, "%Y-%m-%d", &tm);
        if (!end)
            return orgctl_error_set(ORGCTL_EINVALID,
                                    "ORGCTL_NOW \"%s\" is not an ISO 8601 time", env);
    }
    if (*end == 'Z')
        end++;
    if (*end)
        return orgctl_error_set(ORGCTL_EINVALID,
                                "ORGCTL_NOW \"%s\" is not an ISO 8601 UTC time (…Z)", env);
    *out = timegm(&tm);
    return 0;
}

void orgctl_time_format(time_t t, char *buf, size_t size)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
