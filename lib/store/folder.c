/* Folders of the tree and derived files (folder.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "folder.h"
#include "store.h"

static int head_tree(orgctl_repo *repo, git_tree **tree)
{
    *tree = NULL;
    int error = orgctl_repo_git_open(repo);
    if (error < 0)
        return error;
    if (!repo->has_head)
        return ORGCTL_ENOTFOUND;
    return orgctl_commit_tree(tree, repo, &repo->head);
}

/* The folder `path` at HEAD as a tree (caller frees), or ORGCTL_ENOTFOUND. */
static int folder_tree(orgctl_repo *repo, const char *path, git_tree **out)
{
    git_tree *root;
    git_tree_entry *te = NULL;
    int error = head_tree(repo, &root);
    *out = NULL;
    if (error < 0)
        return error;
    if (git_tree_entry_bypath(&te, root, path) < 0 || git_tree_entry_type(te) != GIT_OBJECT_TREE) {
        git_error_clear();
        error = ORGCTL_ENOTFOUND;
    } else if ((error = git_tree_lookup(out, repo->git, git_tree_entry_id(te))) < 0) {
        error = orgctl_git_error(error, path);
    }
    git_tree_entry_free(te);
    git_tree_free(root);
    return error;
}

int orgctl_store_folder_id(orgctl_repo *repo, const char *path, char out[41])
{
    git_tree *tree;
    int error = folder_tree(repo, path, &tree);
    if (error < 0)
        return error;
    git_oid_tostr(out, 41, git_tree_id(tree));
    git_tree_free(tree);
    return 0;
}

struct walk {
    orgctl_repo *repo;
    const char *path;
    int read;
    orgctl_store_file_cb cb;
    void *payload;
    int error;
};

static int walk_one(const char *root, const git_tree_entry *entry, void *payload)
{
    struct walk *w = payload;
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
        return 0;
    strbuf rel = STRBUF_INIT;
    strbuf_adds(&rel, root);
    strbuf_adds(&rel, git_tree_entry_name(entry));
    git_blob *blob = NULL;
    if (!w->read) {
        w->error = w->cb(strbuf_str(&rel), NULL, 0, w->payload);
    } else if ((w->error = git_blob_lookup(&blob, w->repo->git, git_tree_entry_id(entry))) < 0) {
        w->error = orgctl_git_error(w->error, strbuf_str(&rel));
    } else {
        w->error = w->cb(strbuf_str(&rel), git_blob_rawcontent(blob),
                         (size_t)git_blob_rawsize(blob), w->payload);
    }
    git_blob_free(blob);
    strbuf_release(&rel);
    return w->error ? -1 : 0;
}

int orgctl_store_folder_files(orgctl_repo *repo, const char *path, int read,
                              orgctl_store_file_cb cb, void *payload)
{
    git_tree *tree;
    int error = folder_tree(repo, path, &tree);
    if (error == ORGCTL_ENOTFOUND)
        return 0;
    if (error < 0)
        return error;
    struct walk w = {repo, path, read, cb, payload, 0};
    error = git_tree_walk(tree, GIT_TREEWALK_PRE, walk_one, &w);
    git_tree_free(tree);
    if (w.error)
        return w.error;
    return error < 0 ? orgctl_git_error(error, path) : 0;
}

struct changes {
    orgctl_repo *repo;
    orgctl_store_change_cb cb;
    void *payload;
};

static int change_one(const char *path, const orgctl_oid *old_id, const orgctl_oid *new_id,
                      void *payload)
{
    struct changes *c = payload;
    if (!new_id)
        return c->cb(path, old_id != NULL, NULL, 0, c->payload);
    git_blob *blob = NULL;
    int error = git_blob_lookup(&blob, c->repo->git, new_id);
    if (error < 0)
        return orgctl_git_error(error, path);
    error = c->cb(path, old_id != NULL, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
                  c->payload);
    git_blob_free(blob);
    return error;
}

/* The tree of the id `hex` ("": none, *out NULL). */
static int tree_of(orgctl_repo *repo, const char *hex, git_tree **out)
{
    git_oid id;
    *out = NULL;
    if (!*hex)
        return 0;
    if (!orgctl_oid_parse(hex, &id))
        return orgctl_error_set(ORGCTL_EINVALID, "\"%.40s\" is not a tree id", hex);
    int error = git_tree_lookup(out, repo->git, &id);
    return error < 0 ? orgctl_git_error(error, hex) : 0;
}

int orgctl_store_tree_changes(orgctl_repo *repo, const char *old_tree, const char *new_tree,
                              orgctl_store_change_cb cb, void *payload)
{
    git_tree *a = NULL, *b = NULL;
    int error = orgctl_repo_git_open(repo);
    if (!error && (error = tree_of(repo, old_tree, &a)) == 0 &&
        (error = tree_of(repo, new_tree, &b)) == 0) {
        struct changes c = {repo, cb, payload};
        error = orgctl_tree_diff(repo, a, b, change_one, &c);
    }
    git_tree_free(a);
    git_tree_free(b);
    return error;
}

static char *derived_path(orgctl_repo *repo, const char *name, const char *suffix)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/orgctl/cache/%s%s", repo->gitdir, name, suffix);
    return strbuf_detach(&sb, NULL);
}

int orgctl_derived_map(orgctl_repo *repo, const char *name, const void **data, size_t *len)
{
    char *path = derived_path(repo, name, "");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0) {
        if (fd >= 0)
            close(fd);
        return ORGCTL_ENOTFOUND;
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return ORGCTL_ENOTFOUND;
    *data = map;
    *len = (size_t)st.st_size;
    return 0;
}

void orgctl_derived_unmap(const void *data, size_t len)
{
    if (data)
        munmap((void *)data, len);
}

struct orgctl_derived_writer {
    int fd;
    char *tmp, *path;
    char buf[1 << 16];
    size_t used;
    int error;
};

/* A temporary file of this process's own: two readers bringing the same cache up to two
 * commits at once must not write into one file (a mix of two images whose sizes agree
 * would pass every check a reader makes). */
int orgctl_derived_begin(orgctl_derived_writer **out, orgctl_repo *repo, const char *name)
{
    *out = NULL;
    if (repo->read_only || repo->dry_run)
        return ORGCTL_ENOTFOUND; /* nowhere to keep it: built again next time */
    char suffix[48];
    snprintf(suffix, sizeof(suffix), ".%ld.tmp", (long)getpid());
    char *dir = derived_path(repo, "", "");
    int error = 0;
    if (mkdir(dir, ORGCTL_DIR_MODE) < 0 && errno != EEXIST)
        error = orgctl_errno_error(errno, "%s", dir);
    free(dir);
    if (error < 0)
        return error;
    orgctl_derived_writer *w = xcalloc(1, sizeof(*w));
    w->tmp = derived_path(repo, name, suffix);
    w->path = derived_path(repo, name, "");
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, ORGCTL_FILE_MODE);
    if (w->fd < 0) {
        error = orgctl_errno_error(errno, "%s", w->tmp);
        free(w->tmp);
        free(w->path);
        free(w);
        return error;
    }
    *out = w;
    return 0;
}

static int derived_flush(orgctl_derived_writer *w)
{
    if (!w->error && w->used && orgctl_write_all(w->fd, w->buf, w->used) < 0)
        w->error = orgctl_errno_error(errno, "%s", w->tmp);
    w->used = 0;
    return w->error;
}

int orgctl_derived_append(orgctl_derived_writer *w, const void *data, size_t len)
{
    if (len >= sizeof(w->buf)) { /* large: straight through */
        if (derived_flush(w) == 0 && orgctl_write_all(w->fd, data, len) < 0)
            w->error = orgctl_errno_error(errno, "%s", w->tmp);
        return w->error;
    }
    if (w->used + len > sizeof(w->buf))
        derived_flush(w);
    memcpy(w->buf + w->used, data, len);
    w->used += len;
    return w->error;
}

static void derived_free(orgctl_derived_writer *w, bool keep)
{
    if (w->fd >= 0)
        close(w->fd);
    if (!keep)
        unlink(w->tmp);
    free(w->tmp);
    free(w->path);
    free(w);
}

void orgctl_derived_abandon(orgctl_derived_writer *w)
{
    if (w)
        derived_free(w, false);
}

int orgctl_derived_finish(orgctl_derived_writer *w, const void *head, size_t len)
{
    int error = derived_flush(w);
    if (!error && len && pwrite(w->fd, head, len, 0) != (ssize_t)len)
        error = orgctl_errno_error(errno ? errno : EIO, "%s", w->tmp);
    if (!error) {
        error = close(w->fd) < 0 ? orgctl_errno_error(errno, "%s", w->tmp) : 0;
        w->fd = -1;
    }
    if (!error && rename(w->tmp, w->path) < 0)
        error = orgctl_errno_error(errno, "%s", w->path);
    derived_free(w, error == 0);
    return error;
}

int orgctl_derived_write(orgctl_repo *repo, const char *name, const void *const *parts,
                         const size_t *lens, size_t n)
{
    orgctl_derived_writer *w;
    int error = orgctl_derived_begin(&w, repo, name);
    if (error == ORGCTL_ENOTFOUND)
        return 0;
    for (size_t i = 0; !error && i < n; i++)
        error = orgctl_derived_append(w, parts[i], lens[i]);
    if (error < 0) {
        orgctl_derived_abandon(w);
        return error;
    }
    return orgctl_derived_finish(w, NULL, 0);
}

int orgctl_store_head_id(orgctl_repo *repo, char out[41])
{
    if (!repo->has_head)
        return ORGCTL_ENOTFOUND;
    git_oid_tostr(out, 41, &repo->head);
    return 0;
}
