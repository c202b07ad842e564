/* orgctl campaign: the verbs of the operation table (strategies, campaigns, sub-campaigns,
 * compliance; lib/kinds/campaign.c), and the verbs that read files, which are commands of
 * their own: one row of the table below adds one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static int campaign_load(struct cli *cli, int argc, char **argv);

static const struct campaign_verb {
    const char *verb;
    int (*run)(struct cli *cli, int argc, char **argv);
    enum cli_access access;
    const struct cli_flag *(*flags)(void); /* its options, for completion (NULL: none) */
    const char *usage;                     /* after "orgctl campaign " */
    /* Its own completion after the verb, in place of flags (NULL: none). */
    void (*complete)(struct cli *cli, int nwords, const char *const *words, const char *cur);
} campaign_verbs[] = {
    {"load", campaign_load, CLI_WRITE, cli_campaign_load_flags,
     "load SUB CONTACTS [--phone-column C]... [--id-column C] [--attempts-column C] [--dialable "
     "FILE] [--excluded FILE]",
     NULL},
    {"stats", cli_campaign_stats, CLI_READ, NULL,
     "stats [--campaign CAMPAIGN] [--from TIME] [--to TIME] [--html FILE] RESULTS",
     cli_campaign_stats_complete},
    {NULL, NULL, CLI_READ, NULL, NULL, NULL},
};

const char *const *cli_campaign_verbs(void)
{
    static const char *names[sizeof(campaign_verbs) / sizeof(campaign_verbs[0])];
    for (size_t i = 0; campaign_verbs[i].verb; i++)
        names[i] = campaign_verbs[i].verb;
    return names;
}

void cli_campaign_usage(FILE *f)
{
    for (const struct campaign_verb *v = campaign_verbs; v->verb; v++)
        fprintf(f, "  orgctl campaign %s\n", v->usage);
}

int cmd_campaign(struct cli *cli, int argc, char **argv)
{
    for (const struct campaign_verb *v = campaign_verbs; argc > 0 && v->verb; v++)
        if (strcmp(argv[0], v->verb) == 0) {
            cli->writes = v->access == CLI_WRITE;
            return v->run(cli, argc - 1, argv + 1);
        }
    return cli_run_kind(cli, "campaign", argc, argv);
}

void cli_campaign_list_verbs(void)
{
    for (const struct campaign_verb *v = campaign_verbs; v->verb; v++)
        printf("campaign %s\t%s\n", v->verb, v->access == CLI_WRITE ? "write" : "read");
}

bool cli_campaign_complete(struct cli *cli, int nwords, const char *const *words, const char *cur)
{
    const struct campaign_verb *v = campaign_verbs;
    if (nwords == 1) { /* the op table's verbs follow */
        for (; v->verb; v++)
            if (strncmp(v->verb, cur, strlen(cur)) == 0)
                printf("%s\n", v->verb);
        return false;
    }
    while (v->verb && strcmp(v->verb, words[1]) != 0)
        v++;
    if (!v->verb)
        return false;
    if (v->complete) {
        v->complete(cli, nwords, words, cur);
        return true;
    }
    if (cur[0] == '-')
        for (const struct cli_flag *f = v->flags ? v->flags() : NULL; f && f->name; f++)
            if (strncmp(f->name, cur, strlen(cur)) == 0)
                printf("%s\n", f->name);
    if (nwords == 2 && cur[0] != '-') /* the sub-campaign */
        cli_complete_names(cli, "subcampaign", cur);
    return true;
}

/* --- campaign load --- */

static const char *phone_column, *id_column, *attempts_column, *dialable, *excluded;
static struct cli_list phone_columns;
static const struct cli_flag load_flags[] = {
    {"--phone-column", true, &phone_column, "a column holding phone numbers (repeatable)",
     &phone_columns, "COLUMN"},
    {"--id-column", true, &id_column, "the column of the client id", NULL, "COLUMN"},
    {"--attempts-column", true, &attempts_column, "the column of attempts already made", NULL,
     "COLUMN"},
    {"--dialable", true, &dialable, "write the dialable numbers to FILE", NULL, "FILE"},
    {"--excluded", true, &excluded, "write the excluded numbers and why to FILE", NULL, "FILE"},
    {NULL, false, NULL, NULL, NULL, NULL},
};

const struct cli_flag *cli_campaign_load_flags(void)
{
    return load_flags;
}

static void load_table(FILE *out, const cJSON *result, void *arg)
{
    const cJSON *r = cJSON_GetObjectItem(result, "result"), *e;
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(result, "change_set"));
    if (id)
        fprintf(out, "change set %s: %s\n", id,
                cJSON_GetStringValue(cJSON_GetObjectItem(result, "summary")));
    else
        fprintf(out, "dry run: %s\n", cJSON_GetStringValue(cJSON_GetObjectItem(result, "summary")));
    fprintf(out, "%-20s %s\n", "REASON", "NUMBERS");
    fprintf(out, "%-20s %.0f\n", "dialable",
            cJSON_GetNumberValue(cJSON_GetObjectItem(r, "dialable")));
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(r, "excluded"))
        fprintf(out, "%-20s %.0f\n", e->string, e->valuedouble);
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(r, "suppressed_by"))
        fprintf(out, "  by list %-11s %.0f\n", e->string, e->valuedouble);
    fprintf(out, "%-20s %.0f (of %.0f contacts)\n", "numbers",
            cJSON_GetNumberValue(cJSON_GetObjectItem(r, "numbers")),
            cJSON_GetNumberValue(cJSON_GetObjectItem(r, "contacts")));
}

static int campaign_load(struct cli *cli, int argc, char **argv)
{
    const char *pos[2];
    int npos, status = cli_parse(cli, "campaign load", argc, argv, load_flags, pos, 2, 2, &npos);
    if (status)
        goto done;
    if (cli->help) {
        output_text(cli, "help",
                    "usage: orgctl campaign load SUB CONTACTS [--phone-column C]... [--id-column "
                    "C] [--attempts-column C] [--dialable FILE] [--excluded FILE]\n\nSorts the "
                    "numbers of a contact list (CSV, .gz, .zip) into dialable and excluded "
                    "through the campaign's suppression lists and the compliance rules, and "
                    "records the load on the sub-campaign.\nneeds permission: "
                    "outbound:campaign:edit and outbound:contactList:view\n");
        goto done;
    }
    if (!cli->org || !*cli->org) {
        status = cli_usage("campaign load: no org: give --org ORG or set ORGCTL_ORG");
        goto done;
    }
    orgctl_load_options opts = {
        pos[1], phone_columns.v, phone_columns.n, id_column, attempts_column, dialable, excluded, 0,
        NULL};
    orgctl_repo *repo = NULL;
    orgctl_changeset *cs = NULL;
    cJSON *result = NULL;
    char *id = NULL, summary[512];
    int error = orgctl_clock_now(&opts.now);
    if (error < 0) {
        status = cli_fail(cli, "campaign load", error);
        goto done;
    }
    if ((status = cli_open(cli, &repo, ORGCTL_OPEN_WRITE)) != 0)
        goto done;
    snprintf(summary, sizeof(summary), "campaign load %.200s", pos[0]);
    if ((error = orgctl_changeset_begin(&cs, repo, cli->command_line, cli->org)) < 0 ||
        (error = orgctl_campaign_load(cs, repo, cli->org, pos[0], &opts, &result)) < 0 ||
        (!cli->dry_run && (error = orgctl_changeset_commit(cs, summary, &id)) < 0)) {
        status = cli_fail(cli, "campaign load", error);
    } else {
        cJSON *out = cJSON_CreateObject();
        cJSON_AddItemToObject(out, "change_set", id ? cJSON_CreateString(id) : cJSON_CreateNull());
        cJSON_AddStringToObject(out, "summary", summary);
        cJSON_AddBoolToObject(out, "dry_run", cli->dry_run);
        cJSON_AddItemToObject(out, "result", result);
        result = NULL;
        output(cli, out, &(struct output_view){NULL, load_table, NULL, NULL});
        cJSON_Delete(out);
    }
    cJSON_Delete(result);
    free(id);
    orgctl_changeset_free(cs);
    orgctl_repo_free(repo);
done:
    free(phone_columns.v);
    return status;
}
