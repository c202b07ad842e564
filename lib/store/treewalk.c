/* Walks the difference of two trees, descending only into sub-trees whose ids differ.
 * git_diff_tree_to_tree expands whole trees (87 ms for a one-file diff at 100k files). */
#include <string.h>

#include "store.h"

int orgctl_commit_tree(orgctl_tree **out, orgctl_repo *repo, const orgctl_oid *commit)
{
    git_commit *c = NULL;
    int error = git_commit_lookup(&c, repo->git, commit);
    if (error < 0)
        return orgctl_git_error(error, "cannot read commit");
    error = git_commit_tree(out, c);
    git_commit_free(c);
    return error < 0 ? orgctl_git_error(error, "cannot read tree") : 0;
}

static int walk(git_repository *git, git_tree *a, git_tree *b, strbuf *prefix,
                orgctl_tree_diff_cb cb, void *payload);

static int visit(git_repository *git, const git_tree_entry *ea, const git_tree_entry *eb,
                 strbuf *prefix, orgctl_tree_diff_cb cb, void *payload)
{
    if (ea && eb && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
        git_tree_entry_type(ea) == git_tree_entry_type(eb))
        return 0;
    size_t mark = prefix->len;
    strbuf_adds(prefix, git_tree_entry_name(ea ? ea : eb));
    bool a_tree = ea && git_tree_entry_type(ea) == GIT_OBJECT_TREE;
    bool b_tree = eb && git_tree_entry_type(eb) == GIT_OBJECT_TREE;
    int error = 0;
    if (a_tree || b_tree) {
        git_tree *ta = NULL, *tb = NULL;
        /* a tree missing from the object database: damaged storage, named */
        if (a_tree && (error = git_tree_lookup(&ta, git, git_tree_entry_id(ea))) < 0) {
            error = orgctl_git_error(error, strbuf_str(prefix));
            goto done;
        }
        if (b_tree && (error = git_tree_lookup(&tb, git, git_tree_entry_id(eb))) < 0) {
            error = orgctl_git_error(error, strbuf_str(prefix));
            git_tree_free(ta);
            goto done;
        }
        strbuf_addch(prefix, '/');
        error = walk(git, ta, tb, prefix, cb, payload);
        git_tree_free(ta);
        git_tree_free(tb);
        prefix->len = mark + strlen(git_tree_entry_name(ea ? ea : eb));
        prefix->buf[prefix->len] = '\0';
    }
    /* A blob on either side (also when a blob replaced a tree or the reverse). */
    const git_oid *ia = ea && !a_tree ? git_tree_entry_id(ea) : NULL;
    const git_oid *ib = eb && !b_tree ? git_tree_entry_id(eb) : NULL;
    if (!error && (ia || ib))
        error = cb(strbuf_str(prefix), ia, ib, payload);
done:
    prefix->len = mark;
    if (prefix->buf)
        prefix->buf[mark] = '\0';
    return error;
}

static int walk(git_repository *git, git_tree *a, git_tree *b, strbuf *prefix,
                orgctl_tree_diff_cb cb, void *payload)
{
    size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
    int error = 0;
    for (size_t i = 0; i < na && !error; i++) {
        const git_tree_entry *ea = git_tree_entry_byindex(a, i);
        const git_tree_entry *eb = b ? git_tree_entry_byname(b, git_tree_entry_name(ea)) : NULL;
        error = visit(git, ea, eb, prefix, cb, payload);
    }
    for (size_t i = 0; i < nb && !error; i++) {
        const git_tree_entry *eb = git_tree_entry_byindex(b, i);
        if (a && git_tree_entry_byname(a, git_tree_entry_name(eb)))
            continue; /* seen above */
        error = visit(git, NULL, eb, prefix, cb, payload);
    }
    return error;
}

int orgctl_tree_diff(orgctl_repo *repo, orgctl_tree *old_tree, orgctl_tree *new_tree,
                     orgctl_tree_diff_cb cb, void *payload)
{
    git_repository *git = repo->git;
    strbuf prefix = STRBUF_INIT;
    strbuf_grow(&prefix, 256);
    int error = walk(git, old_tree, new_tree, &prefix, cb, payload);
    strbuf_release(&prefix);
    return error;
}

int orgctl_store_read_head(char **data, size_t *len, orgctl_repo *repo, const char *path)
{
    git_tree *tree = NULL;
    git_tree_entry *te = NULL;
    git_blob *blob = NULL;
    int error = ORGCTL_ENOTFOUND;
    *data = NULL;
    *len = 0;
    if (repo->has_head && repo->gitdir && orgctl_repo_git_open(repo) == 0 &&
        orgctl_commit_tree(&tree, repo, &repo->head) == 0 &&
        git_tree_entry_bypath(&te, tree, path) == 0 &&
        git_blob_lookup(&blob, repo->git, git_tree_entry_id(te)) == 0) {
        *len = (size_t)git_blob_rawsize(blob);
        *data = xmalloc(*len + 1);
        memcpy(*data, git_blob_rawcontent(blob), *len);
        (*data)[*len] = '\0';
        error = 0;
    }
    git_error_clear();
    orgctl_error_clear();
    git_blob_free(blob);
    git_tree_entry_free(te);
    git_tree_free(tree);
    return error;
}
