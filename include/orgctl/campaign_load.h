/* Loading a sub-campaign (orgctl-campaign(1), LOADING A SUB-CAMPAIGN): a contact list is
 * read, its numbers sorted and merged against the suppression lists, and each of them
 * decided, in the file's order, dialable (with its E.164 form, region, time zone and the
 * UTC windows it may be called in during the sub-campaign) or excluded (with the
 * reason). The contacts are never stored; the load is
 * recorded on the sub-campaign: the input's SHA-256, the counts, and the commit whose
 * suppression lists and rules were applied. */
#ifndef ORGCTL_CAMPAIGN_LOAD_H
#define ORGCTL_CAMPAIGN_LOAD_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <time.h>

#include "orgctl/changeset.h"
#include "orgctl/repo.h"

/* The most bytes one cell of a contact list may hold. */
#define ORGCTL_LOAD_CELL_MAX 65536

typedef struct {
    const char *contacts; /* the contact list: CSV, .gz or .zip of one */
    /* The columns holding phone numbers (header names); none: every column whose name
     * holds "phone", in any case. */
    const char *const *phone_columns;
    size_t n_phone_columns;
    const char *id_column; /* the client id's column (suppression by id), or NULL */
    /* The column counting the attempts already made on the contact, or NULL: a column
     * named "attempts" when there is one. */
    const char *attempts_column;
    const char *dialable; /* file to write the dialable numbers to, or NULL */
    const char *excluded; /* file to write the excluded ones to, or NULL */
    time_t now;           /* the one clock (orgctl_clock_now) */
    const char *zoneinfo; /* the zone files' directory; NULL: the system's */
} orgctl_load_options;

/* Loads the sub-campaign `sub` of `org` from opts->contacts and records the load in `cs`
 * (an update of the sub-campaign's last_load). Needs outbound:campaign:edit and
 * outbound:contactList:view in the org. *result (caller frees): {sub, campaign,
 * input_sha256, rules_commit, contacts, numbers, dialable, excluded: {REASON: count}}.
 * ORGCTL_EINVALID, naming file, line and column, for a contact list that is not one (no
 * phone column, a column named twice, ragged rows, NUL, invalid UTF-8, a cell over
 * ORGCTL_LOAD_CELL_MAX); nothing is then recorded, and the output files are removed. */
int orgctl_campaign_load(orgctl_changeset *cs, orgctl_repo *repo, const char *org, const char *sub,
                         const orgctl_load_options *opts, cJSON **result);

#endif
