/* orgctl campaign stats: the campaign dashboard's figures from a file of call result
 * records (orgctl-campaign(1), STATISTICS). Parsing and printing only; liborgctl's
 * campaign_stats.h computes the figures and makes the HTML page. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"

static const char stats_usage[] =
    "usage: orgctl campaign stats [--org ORG] [--campaign CAMPAIGN] [--from TIME] [--to TIME] "
    "[--html FILE] RESULTS\n\n"
    "Reads call result records (CSV, .gz or .zip: time, campaign, sub-campaign, number, result, "
    "duration, agent) and prints the campaign dashboard's figures per campaign, sub-campaign and "
    "in total; --html also writes them as one self-contained page. Without --org no repository "
    "is read; with it, needs outbound:campaign:view in ORG. \"man orgctl-campaign\", "
    "STATISTICS, defines each figure.\n";

static struct {
    const char *campaign, *from, *to, *html;
} arg;

static const struct cli_flag stats_flags[] = {
    {"--campaign", true, &arg.campaign, "only the records of CAMPAIGN", NULL, "CAMPAIGN"},
    {"--from", true, &arg.from, "only calls placed at or after TIME (ISO 8601 UTC)", NULL, "TIME"},
    {"--to", true, &arg.to, "only calls placed before TIME (ISO 8601 UTC)", NULL, "TIME"},
    {"--html", true, &arg.html, "also write the figures as an HTML page to FILE", NULL, "FILE"},
    {NULL, false, NULL, NULL, NULL, NULL},
};

/* The rows of the table and of CSV: the total, then each campaign and its sub-campaigns,
 * each with its level. */
static cJSON *stats_rows(const cJSON *stats)
{
    cJSON *rows = cJSON_CreateArray(), *row;
    const cJSON *c, *sub;
    row = cJSON_Duplicate(cJSON_GetObjectItem(stats, "total"), 1);
    cJSON_AddStringToObject(row, "level", "total");
    cJSON_AddItemToArray(rows, row);
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(stats, "campaigns"))
    {
        row = cJSON_Duplicate(c, 1);
        cJSON_DeleteItemFromObject(row, "sub_campaigns");
        cJSON_AddStringToObject(row, "level", "campaign");
        cJSON_AddItemToArray(rows, row);
        cJSON_ArrayForEach(sub, cJSON_GetObjectItem(c, "sub_campaigns"))
        {
            row = cJSON_Duplicate(sub, 1);
            cJSON_AddStringToObject(row, "level", "sub-campaign");
            cJSON_AddItemToArray(rows, row);
        }
    }
    return rows;
}

#define ROW_NAMES "level,campaign,sub_campaign"
#define ROW_COUNTS "start,end,records,success,failure,in_progress"
#define ROW_DASHBOARD                                                                              \
    "dc_success,dc_fail,hold,connect,busy_agents,max_per_hour,current_hourly_rate,avg_length"

/* Two tables (the dashboard's rows, then its figures below them) and its last line. */
static void stats_table(FILE *out, const cJSON *stats, void *rows)
{
    output_table(out, rows, ROW_NAMES "," ROW_COUNTS);
    fputc('\n', out);
    output_table(out, rows, ROW_NAMES "," ROW_DASHBOARD);
    const cJSON *total = cJSON_GetObjectItem(stats, "total");
    fprintf(out, "\nTotal Current Hourly Rate: %.0f | Total Calls in Progress: %.0f\n",
            cJSON_GetNumberValue(cJSON_GetObjectItem(total, "total_current_hourly_rate")),
            cJSON_GetNumberValue(cJSON_GetObjectItem(total, "total_calls_in_progress")));
}

/* The page, whole or not at all: written to a new file beside `path` and renamed over it,
 * so a full disk or a file-size limit leaves no half page (and an old page as it was). */
static int write_html(const cJSON *stats, const char *path)
{
    char *page = NULL, *tmp = NULL;
    size_t len = 0;
    int error = orgctl_campaign_stats_html(stats, &page, &len);
    if (error < 0)
        return error;
    if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
        free(page);
        return orgctl_error_set(ORGCTL_ERROR, "out of memory");
    }
    mode_t mask = umask(0);
    umask(mask);
    errno = 0;
    int fd = mkstemp(tmp), e = 0;
    FILE *f = NULL;
    if (fd < 0 || fchmod(fd, 0666 & ~mask) != 0 || !(f = fdopen(fd, "wb")) ||
        fwrite(page, 1, len, f) != len)
        e = errno ? errno : EIO;
    if (f && fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    else if (!f && fd >= 0)
        close(fd);
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        if (fd >= 0)
            unlink(tmp);
        error = orgctl_error_set(ORGCTL_ERROR, "%s: cannot write: %s", path, strerror(e));
    }
    free(tmp);
    free(page);
    return error;
}

int cli_campaign_stats(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    memset(&arg, 0, sizeof(arg));
    int npos, status = cli_parse(cli, "campaign stats", argc, argv, stats_flags, pos, 1, 1, &npos);
    if (status)
        return status;
    if (cli->help) {
        output_text(cli, "help", stats_usage);
        return EXIT_OK;
    }
    /* bad bounds are usage errors, found before anything is read */
    time_t from = 0, to = 0;
    if ((arg.from && orgctl_time_parse(&from, NULL, "--from", arg.from) < 0) ||
        (arg.to && orgctl_time_parse(&to, NULL, "--to", arg.to) < 0))
        return cli_usage("campaign stats: %s", orgctl_error_last());
    if (arg.from && arg.to && from >= to)
        return cli_usage("campaign stats: --from %s is not before --to %s", arg.from, arg.to);
    orgctl_campaign_stats_options o = ORGCTL_CAMPAIGN_STATS_OPTIONS_INIT;
    o.campaign = arg.campaign;
    o.from = arg.from;
    o.to = arg.to;
    o.org = cli->org && *cli->org ? cli->org : NULL;
    int error = orgctl_clock_now(&o.now);
    if (error < 0)
        return cli_fail(cli, NULL, error);
    /* the records alone need no repository; an org's need its permission */
    orgctl_repo *repo = NULL;
    if (o.org && (status = cli_open(cli, &repo, ORGCTL_OPEN_READ)) != 0)
        return status;
    cJSON *stats = NULL;
    error = orgctl_campaign_stats(repo, pos[0], &o, &stats);
    if (error == 0 && arg.html)
        error = write_html(stats, arg.html);
    if (error < 0) {
        status = cli_fail(cli, "campaign stats", error);
    } else {
        cJSON *rows = stats_rows(stats);
        output(cli, stats,
               &(struct output_view){ROW_NAMES "," ROW_COUNTS "," ROW_DASHBOARD, stats_table, rows,
                                     NULL, rows});
        cJSON_Delete(rows);
    }
    cJSON_Delete(stats);
    orgctl_repo_free(repo);
    return status;
}

void cli_campaign_stats_complete(struct cli *cli, int nwords, const char *const *words,
                                 const char *cur)
{
    const char *prev = nwords > 2 ? words[nwords - 1] : "";
    for (const struct cli_flag *f = stats_flags; f->name; f++)
        if (strcmp(prev, f->name) == 0) {
            if (strcmp(f->name, "--html") == 0)
                puts(CLI_COMPLETE_FILES);
            return; /* a campaign, a time: typed */
        }
    if (cur[0] == '-') {
        for (const struct cli_flag *f = stats_flags; f->name; f++)
            if (strncmp(f->name, cur, strlen(cur)) == 0)
                puts(f->name);
        return;
    }
    puts(CLI_COMPLETE_FILES); /* RESULTS */
}
