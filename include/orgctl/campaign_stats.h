/* Campaign statistics: the figures of the Enterprise Manager's campaign dashboard, from a
 * file of call result records (orgctl-campaign(1), STATISTICS, defines each figure).
 *
 * The records are CSV (.gz and .zip too) with a header naming the columns time, campaign,
 * sub-campaign, number, result, duration and agent, in any order (other columns are
 * passed over). The file is read once, as a stream: memory follows the number of
 * campaigns, sub-campaigns and hours it holds, not the number of records. */
#ifndef ORGCTL_CAMPAIGN_STATS_H
#define ORGCTL_CAMPAIGN_STATS_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <time.h>

#include "orgctl/repo.h"

typedef struct {
    unsigned int version;
    /* "Current" figures count the hour before this time: the clock (orgctl_clock_now). */
    time_t now;
    /* Only this campaign's records (NULL: every campaign). A campaign no record of the
     * file names is ORGCTL_ENOTFOUND. */
    const char *campaign;
    /* Only records of a call placed at or after `from` and before `to` (ISO 8601 UTC as
     * orgctl_time_parse reads it; NULL: no bound). */
    const char *from, *to;
    /* With a repository: the org whose records these are; its actor needs
     * outbound:campaign:view there. */
    const char *org;
} orgctl_campaign_stats_options;
#define ORGCTL_CAMPAIGN_STATS_OPTIONS_VERSION 1
#define ORGCTL_CAMPAIGN_STATS_OPTIONS_INIT                                                         \
    {                                                                                              \
        ORGCTL_CAMPAIGN_STATS_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL                           \
    }

/* Reads the records of `path` and gives the figures as a JSON object (caller frees):
 * {file, now, from, to, campaigns: [{campaign, FIGURES, sub_campaigns: [{campaign,
 * sub_campaign, FIGURES}]}], total: {FIGURES, total_current_hourly_rate,
 * total_calls_in_progress}, hours: [{hour, calls}]}, where FIGURES are start, end, records,
 * success, failure, dc_success, dc_fail, hold, connect, busy_agents, max_per_hour,
 * current_hourly_rate, avg_length, in_progress and results (a count per result).
 * Campaigns and sub-campaigns are sorted by name, hours by time.
 *
 * `repo` may be NULL: the file alone is read. With a repository and opts->org, the actor
 * must hold outbound:campaign:view in that org (ORGCTL_EPERM) before the file is opened.
 * A record that breaks the format is ORGCTL_EINVALID with "FILE:LINE:COLUMN: reason";
 * nothing is given then. */
int orgctl_campaign_stats(orgctl_repo *repo, const char *path,
                          const orgctl_campaign_stats_options *opts, cJSON **out);

/* The figures `stats` (as orgctl_campaign_stats gives them) as one self-contained HTML
 * page: the tables, and inline SVG charts of the calls per hour and of the results per
 * campaign; no script, style sheet, font or image from elsewhere. Each figure is an
 * element with data-scope (total, campaign or sub-campaign), data-campaign,
 * data-sub-campaign and data-figure attributes whose text is the figure as -o json gives
 * it. *out is malloc'd (caller frees), *len its length. */
int orgctl_campaign_stats_html(const cJSON *stats, char **out, size_t *len);

#endif
