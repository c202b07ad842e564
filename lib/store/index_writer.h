/* The index written by a thread of its own while a bulk set runs (internal;
 * lib/store/index_writer.c). */
#ifndef ORGCTL_INDEX_WRITER_H
#define ORGCTL_INDEX_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "orgctl/kind.h"
#include "orgctl/repo.h"

/* A bulk run spends as long writing the index as on everything else; with a writer the
 * two overlap. Writes are queued in order; reads first wait for the queue to empty
 * (orgctl_index_sync), except those that can tell they need not. */
int orgctl_index_writer_start(orgctl_repo *repo);
/* Waits until everything queued is written; the first error the writer met, if any. */
int orgctl_index_sync(orgctl_repo *repo);
/* The sequence number of the last write queued (0: none, or no writer), and waiting
 * until the write numbered `seq` is done (the others may still be queued). */
uint64_t orgctl_index_writer_last(orgctl_repo *repo);
int orgctl_index_writer_wait(orgctl_repo *repo, uint64_t seq);
/* Holds the writer between two writes while this thread reads the connection they share,
 * and lets it go on. SQLite's connection mutex is not fair: a read waiting for it while the
 * writer went from write to write waited milliseconds (a second over the thousand groups
 * of a million-user set). No-ops without a writer. */
void orgctl_index_writer_hold(orgctl_repo *repo);
void orgctl_index_writer_release(orgctl_repo *repo);
/* The rows are over: what only they read (the unique values the set gave, the connection
 * to the index as it was) is freed, a hundred megabytes in a million-user set, before the
 * trees are written, and the writer writes the inserts kept meanwhile. Nothing may ask
 * for a value after it. */
int orgctl_index_writer_rows_done(orgctl_repo *repo);
/* Ends the writer: `apply` waits for the queue (and returns its error), else it is
 * dropped (the change set is being thrown away). */
int orgctl_index_writer_stop(orgctl_repo *repo, bool apply);
/* Queues the object's row and its attrs rows (`attrs`, which the writer frees). */
int orgctl_index_writer_put(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                            const char *name, const char *json, const cJSON *obj,
                            orgctl_index_attrs *attrs, bool maybe_exists);
int orgctl_index_writer_delete(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                               const char *name);
/* Begins or releases a savepoint (see orgctl_index_savepoint): in SQLite only once a write
 * past its start is waited for (lib/store/index_writer.c). */
int orgctl_index_writer_savepoint(orgctl_repo *repo, enum orgctl_savepoint what);
/* Rolls back the open savepoint when SQLite never saw it: its writes are taken off the
 * queue (and their sequence numbers given again). False when it is one SQLite holds:
 * the caller waits for the queue and rolls it back there. */
bool orgctl_index_writer_undo(orgctl_repo *repo);
/* The name of the object the change set last gave `value` of a unique field (as indexed:
 * lowercased where the field ignores case), or NULL. */
const char *orgctl_index_writer_given(orgctl_repo *repo, const orgctl_kind *kind, const char *org,
                                      const char *field, const char *value);
/* A statement on the read-only connection: the index before the change set. */
sqlite3_stmt *orgctl_index_writer_base_stmt(orgctl_repo *repo, const char *sql);

#endif
