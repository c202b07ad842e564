/* One function per command, each in its own file under cmd/. */
#ifndef ORGCTL_COMMANDS_H
#define ORGCTL_COMMANDS_H

#include "cli.h"

int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_log(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_diff(struct cli *cli, int argc, char **argv);
int cmd_rollback(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_help(struct cli *cli, int argc, char **argv);
/* A bare "orgctl": the usage on stderr, exit status 2. */
int cli_no_command(void);
int cmd_version(struct cli *cli, int argc, char **argv);
int cmd_complete(struct cli *cli, int argc, char **argv);
/* The operation table, machine-readable (cmd/complete.c). */
int cmd_ops(struct cli *cli, int argc, char **argv);
int cmd_bulk(struct cli *cli, int argc, char **argv);
/* orgctl campaign: its op-table verbs and the verbs of its own table (cmd/campaign.c). */
int cmd_campaign(struct cli *cli, int argc, char **argv);
/* For "orgctl __complete commands": the "campaign VERB<TAB>read|write" lines of the
 * verbs outside the operation table. */
void cli_campaign_list_verbs(void);
/* The names of those verbs, NULL-terminated (for "did you mean"). */
const char *const *cli_campaign_verbs(void);
/* The usage lines of those verbs, in "orgctl campaign --help". */
void cli_campaign_usage(FILE *f);
/* Completion of "orgctl campaign": true when it completed a verb of its own table (else the
 * op table's verbs complete as for a kind). */
bool cli_campaign_complete(struct cli *cli, int nwords, const char *const *words, const char *cur);
/* The options of "campaign load", for completion. */
const struct cli_flag *cli_campaign_load_flags(void);
/* The names of objects of `kind` starting with `prefix`, one a line (cmd/complete.c). */
void cli_complete_names(struct cli *cli, const char *kind, const char *prefix);
/* The options of `orgctl log` (cmd/log.c), for its completion. */
const struct cli_flag *cli_log_flags(void);
/* Completion of `orgctl bulk`: verbs, then set names (cmd/bulk.c). */
void cli_bulk_complete(struct cli *cli, int nwords, const char *const *words, const char *cur);
/* For "orgctl __complete commands": "bulk VERB<TAB>read|write" lines (cmd/bulk.c). */
void cli_bulk_list_verbs(void);

/* orgctl campaign stats (cmd/campaign_stats.c), a verb of campaign's own table, and its
 * completion after the verb. */
int cli_campaign_stats(struct cli *cli, int argc, char **argv);
void cli_campaign_stats_complete(struct cli *cli, int nwords, const char *const *words,
                                 const char *cur);

const struct cli_command *cli_find_command(const char *name);

#endif
