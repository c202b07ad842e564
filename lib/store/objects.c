/* The objects of the repository as the layers above see them: trees and their entries,
 * blobs, commits, a walk of history, patches between two blobs, and the writes of a small
 * change set (blobs, trees updated from a base, a commit, the branch moved by
 * compare-and-swap). The handles are libgit2's under the store's names (store.h); only
 * this layer calls libgit2. Lookups return libgit2's code (ORGCTL_STORE_NOTFOUND when
 * there is no such object), which the caller names with orgctl_git_error. */
#include <stdlib.h>
#include <string.h>

#include "packwriter.h"
#include "store.h"

void orgctl_store_error_clear(void)
{
    git_error_clear();
}

const char *orgctl_store_error_message(void)
{
    const git_error *e = git_error_last();
    return e && e->message ? e->message : NULL;
}

/* --- ids --- */

bool orgctl_oid_equal(const orgctl_oid *a, const orgctl_oid *b)
{
    return git_oid_equal(a, b);
}

char *orgctl_oid_tostr(char *out, size_t size, const orgctl_oid *id)
{
    return git_oid_tostr(out, size, id);
}

/* --- trees --- */

int orgctl_tree_lookup(orgctl_tree **out, orgctl_repo *repo, const orgctl_oid *id)
{
    return git_tree_lookup(out, repo->git, id);
}

void orgctl_tree_free(orgctl_tree *tree)
{
    git_tree_free(tree);
}

const orgctl_oid *orgctl_tree_id(const orgctl_tree *tree)
{
    return git_tree_id(tree);
}

size_t orgctl_tree_entrycount(const orgctl_tree *tree)
{
    return git_tree_entrycount(tree);
}

const orgctl_tree_entry *orgctl_tree_entry_byindex(const orgctl_tree *tree, size_t i)
{
    return git_tree_entry_byindex(tree, i);
}

const orgctl_tree_entry *orgctl_tree_entry_byname(const orgctl_tree *tree, const char *name)
{
    return git_tree_entry_byname(tree, name);
}

int orgctl_tree_entry_bypath(orgctl_tree_entry **out, const orgctl_tree *root, const char *path)
{
    int error = git_tree_entry_bypath(out, root, path);
    if (error == GIT_ENOTFOUND)
        git_error_clear(); /* a miss is an answer, not an error */
    return error;
}

void orgctl_tree_entry_free(orgctl_tree_entry *entry)
{
    git_tree_entry_free(entry);
}

const char *orgctl_tree_entry_name(const orgctl_tree_entry *entry)
{
    return git_tree_entry_name(entry);
}

const orgctl_oid *orgctl_tree_entry_id(const orgctl_tree_entry *entry)
{
    return git_tree_entry_id(entry);
}

bool orgctl_tree_entry_is_tree(const orgctl_tree_entry *entry)
{
    return git_tree_entry_type(entry) == GIT_OBJECT_TREE;
}

bool orgctl_tree_entry_is_blob(const orgctl_tree_entry *entry)
{
    return git_tree_entry_type(entry) == GIT_OBJECT_BLOB;
}

bool orgctl_tree_entry_same(const orgctl_tree_entry *a, const orgctl_tree_entry *b)
{
    return git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) &&
           git_tree_entry_filemode(a) == git_tree_entry_filemode(b);
}

int orgctl_tree_entry_cmp(const orgctl_tree_entry *a, const orgctl_tree_entry *b)
{
    return git_tree_entry_cmp(a, b);
}

/* --- blobs --- */

int orgctl_blob_lookup(orgctl_blob **out, orgctl_repo *repo, const orgctl_oid *id)
{
    return git_blob_lookup(out, repo->git, id);
}

void orgctl_blob_free(orgctl_blob *blob)
{
    git_blob_free(blob);
}

const char *orgctl_blob_data(const orgctl_blob *blob)
{
    return git_blob_rawcontent(blob);
}

size_t orgctl_blob_size(const orgctl_blob *blob)
{
    return (size_t)git_blob_rawsize(blob);
}

int orgctl_blob_hash(orgctl_oid *out, const void *data, size_t len)
{
    int error = git_odb_hash(out, data, len, GIT_OBJECT_BLOB);
    return error < 0 ? orgctl_git_error(error, "cannot hash object") : 0;
}

int orgctl_blob_write(orgctl_oid *out, orgctl_repo *repo, const void *data, size_t len)
{
    orgctl_odb_write_begin();
    int error = git_blob_create_from_buffer(out, repo->git, data, len);
    return orgctl_odb_write_check(error, "cannot write object");
}

int orgctl_blob_present(orgctl_repo *repo, const orgctl_oid *id)
{
    git_odb *odb = NULL;
    size_t size;
    git_object_t type;
    int rc = git_repository_odb(&odb, repo->git);
    if (rc == 0)
        rc = git_odb_read_header(&size, &type, odb, id);
    git_odb_free(odb);
    git_error_clear();
    return rc == GIT_ENOTFOUND ? GIT_ENOTFOUND : rc < 0 || type != GIT_OBJECT_BLOB ? -1 : 0;
}

int orgctl_blob_stream(orgctl_repo *repo, const orgctl_oid *id, const char *what,
                       int (*cb)(const void *data, size_t len, void *payload), void *payload)
{
    git_odb *odb = NULL;
    git_odb_stream *st = NULL;
    git_odb_object *obj = NULL;
    size_t len = 0, got = 0;
    git_object_t type;
    char buf[1 << 16];
    int error = git_repository_odb(&odb, repo->git);
    if (error < 0)
        return orgctl_git_error(error, "cannot open the object database");
    if (git_odb_open_rstream(&st, &len, &type, odb, id) == 0) {
        int n = 0;
        while (got < len && (n = git_odb_stream_read(st, buf, sizeof(buf))) > 0 &&
               (error = cb(buf, (size_t)n, payload)) == 0)
            got += (size_t)n;
        if (!error && got < len)
            error = orgctl_git_error(n < 0 ? n : GIT_ERROR, what);
    } else if ((error = git_odb_read(&obj, odb, id)) < 0) {
        error = orgctl_git_error(error, what);
    } else {
        error = cb(git_odb_object_data(obj), git_odb_object_size(obj), payload);
    }
    git_error_clear();
    git_odb_stream_free(st);
    git_odb_object_free(obj);
    git_odb_free(odb);
    return error;
}

int orgctl_store_pack_new(orgctl_packwriter **out, orgctl_repo *repo)
{
    return orgctl_packwriter_new(out, repo->git, repo->gitdir);
}

int orgctl_store_pack_blob(orgctl_packwriter *pack, const void *data, size_t len, orgctl_oid *out)
{
    return orgctl_packwriter_add(pack, GIT_OBJECT_BLOB, data, len, out);
}

/* --- patches --- */

static int patch_text(strbuf *out, git_patch *patch, int error)
{
    git_buf buf = {0};
    if (error == 0 && (error = git_patch_to_buf(&buf, patch)) == 0)
        strbuf_add(out, buf.ptr, buf.size);
    git_buf_dispose(&buf);
    git_patch_free(patch);
    return error;
}

int orgctl_patch_texts(strbuf *out, const char *path, const char *old_text, size_t old_len,
                       const char *new_text, size_t new_len)
{
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.context_lines = 3;
    git_patch *patch = NULL;
    int error =
        git_patch_from_buffers(&patch, old_text, old_len, path, new_text, new_len, path, &opts);
    return patch_text(out, patch, error);
}

/* --- commits --- */

int orgctl_commit_lookup(orgctl_commit **out, orgctl_repo *repo, const orgctl_oid *id)
{
    return git_commit_lookup(out, repo->git, id);
}

void orgctl_commit_free(orgctl_commit *commit)
{
    git_commit_free(commit);
}

const orgctl_oid *orgctl_commit_id(const orgctl_commit *commit)
{
    return git_commit_id(commit);
}

const char *orgctl_commit_message(const orgctl_commit *commit)
{
    return git_commit_message(commit);
}

const char *orgctl_commit_summary(orgctl_commit *commit)
{
    return git_commit_summary(commit);
}

const char *orgctl_commit_author_name(const orgctl_commit *commit)
{
    return git_commit_author(commit)->name;
}

time_t orgctl_commit_time(const orgctl_commit *commit)
{
    return (time_t)git_commit_time(commit);
}

unsigned orgctl_commit_parentcount(const orgctl_commit *commit)
{
    return git_commit_parentcount(commit);
}

int orgctl_commit_parent(orgctl_commit **out, const orgctl_commit *commit, unsigned n)
{
    return git_commit_parent(out, commit, n);
}

const orgctl_oid *orgctl_commit_parent_id(const orgctl_commit *commit, unsigned n)
{
    return git_commit_parent_id(commit, n);
}

const orgctl_oid *orgctl_commit_tree_id(const orgctl_commit *commit)
{
    return git_commit_tree_id(commit);
}

int orgctl_commit_get_tree(orgctl_tree **out, const orgctl_commit *commit)
{
    return git_commit_tree(out, commit);
}

int orgctl_commit_resolve(orgctl_commit **out, orgctl_repo *repo, const char *spec)
{
    git_object *obj = NULL;
    int error = git_revparse_single(&obj, repo->git, spec);
    if (error == 0)
        error = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    return error;
}

/* --- a walk of history --- */

int orgctl_walk_new(orgctl_walk **out, orgctl_repo *repo, const orgctl_oid *from, bool by_time)
{
    int error = git_revwalk_new(out, repo->git);
    if (error == 0 && by_time)
        git_revwalk_sorting(*out, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
    if (error == 0)
        error = git_revwalk_push(*out, from);
    return error;
}

int orgctl_walk_next(orgctl_oid *out, orgctl_walk *walk)
{
    return git_revwalk_next(out, walk);
}

void orgctl_walk_free(orgctl_walk *walk)
{
    git_revwalk_free(walk);
}

/* --- the writes of a small change set --- */

int orgctl_tree_write_changes(orgctl_oid *out, orgctl_repo *repo, const orgctl_tree *base,
                              const orgctl_tree_change *changes, size_t n)
{
    git_tree_update *ups = xcalloc(n ? n : 1, sizeof(*ups));
    for (size_t i = 0; i < n; i++) {
        ups[i].action = changes[i].oid ? GIT_TREE_UPDATE_UPSERT : GIT_TREE_UPDATE_REMOVE;
        ups[i].path = changes[i].path;
        ups[i].filemode = GIT_FILEMODE_BLOB;
        if (changes[i].oid)
            git_oid_cpy(&ups[i].id, changes[i].oid);
    }
    int error;
    orgctl_odb_write_begin();
    if (base)
        error = git_tree_create_updated(out, repo->git, (git_tree *)base, n, ups);
    else {
        git_treebuilder *empty = NULL;
        git_oid empty_id;
        git_tree *empty_tree = NULL;
        if ((error = git_treebuilder_new(&empty, repo->git, NULL)) == 0 &&
            (error = git_treebuilder_write(&empty_id, empty)) == 0 &&
            (error = git_tree_lookup(&empty_tree, repo->git, &empty_id)) == 0)
            error = git_tree_create_updated(out, repo->git, empty_tree, n, ups);
        git_tree_free(empty_tree);
        git_treebuilder_free(empty);
    }
    free(ups);
    return orgctl_odb_write_check(error, "cannot write tree");
}

int orgctl_commit_write(orgctl_oid *out, orgctl_repo *repo, const char *author_name,
                        const char *author_email, time_t when, const char *message,
                        const orgctl_tree *tree, const orgctl_commit *parent)
{
    git_signature *author = NULL, *committer = NULL;
    int error = git_signature_new(&author, author_name, author_email, (git_time_t)when, 0);
    if (!error)
        error = git_signature_new(&committer, "orgctl", "orgctl@localhost", (git_time_t)when, 0);
    if (error < 0) {
        error = orgctl_git_error(error, "signature");
    } else {
        const git_commit *parents[1] = {parent};
        orgctl_odb_write_begin();
        error = git_commit_create(out, repo->git, NULL, author, committer, NULL, message, tree,
                                  parent ? 1 : 0, parents);
        error = orgctl_odb_write_check(error, "cannot write commit");
    }
    git_signature_free(author);
    git_signature_free(committer);
    return error;
}

/* A move that failed after the branch file was renamed into place (the fsync of its folder,
 * or the reflog, failed) has moved the branch all the same: it is put back where it was, so
 * that a failure changes nothing. `error` (set already) is returned; if the branch cannot be
 * put back, the message says the change set is in place. */
static int branch_put_back(orgctl_repo *repo, const orgctl_oid *commit, int error)
{
    git_oid now;
    git_reference *ref = NULL;
    int undo = 0;
    if (git_reference_name_to_id(&now, repo->git, ORGCTL_BRANCH) == 0 &&
        git_oid_equal(&now, commit))
        undo = repo->has_head
                   ? git_reference_create_matching(&ref, repo->git, ORGCTL_BRANCH, &repo->head, 1,
                                                   commit, "orgctl: a failed move undone")
                   : git_reference_remove(repo->git, ORGCTL_BRANCH);
    git_reference_free(ref);
    git_error_clear();
    if (undo < 0) {
        char *why = xstrdup(orgctl_error_last()); /* the message is set anew from it */
        orgctl_error_set(error, "%s; the branch could not be put back: the change set is in place",
                         why);
        free(why);
    }
    return error;
}

int orgctl_branch_move(orgctl_repo *repo, const orgctl_oid *commit, const char *summary)
{
    git_reference *ref = NULL;
    int error;
    if (repo->has_head)
        error = git_reference_create_matching(&ref, repo->git, ORGCTL_BRANCH, commit, 1,
                                              &repo->head, summary);
    else
        error = git_reference_create(&ref, repo->git, ORGCTL_BRANCH, commit, 0, summary);
    git_reference_free(ref);
    if (error < 0 && error != GIT_EMODIFIED && error != GIT_EEXISTS && error != GIT_ELOCKED)
        return branch_put_back(repo, commit,
                               orgctl_git_error(error, "cannot update " ORGCTL_BRANCH));
    if (error == GIT_EMODIFIED || error == GIT_EEXISTS)
        return orgctl_error_set(ORGCTL_ECONFLICT,
                                "the branch moved while this change set was written (another "
                                "writer); nothing was changed, run the command again");
    if (error == GIT_ELOCKED)
        return orgctl_error_set(ORGCTL_ECONFLICT,
                                "%s is locked by another git process; "
                                "nothing was changed, try again",
                                ORGCTL_BRANCH);
    return error < 0 ? orgctl_git_error(error, "cannot update " ORGCTL_BRANCH) : 0;
}
