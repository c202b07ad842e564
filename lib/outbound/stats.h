/* What the statistics engine (stats.c) and its HTML page (stats_html.c) share
 * (internal). */
#ifndef ORGCTL_OUTBOUND_STATS_H
#define ORGCTL_OUTBOUND_STATS_H

/* The results a record may hold, in the order of every output. */
enum stats_result {
    RESULT_CONNECTED,
    RESULT_BUSY,
    RESULT_NO_ANSWER,
    RESULT_ANSWERING_MACHINE,
    RESULT_FAX,
    RESULT_DROPPED,
    RESULT_INVALID_NUMBER,
    RESULT_IN_PROGRESS,
    RESULT_COUNT,
};
extern const char *const stats_result_names[RESULT_COUNT];

/* The figures of a scope, in the order of the tables (JSON keys). */
extern const char *const stats_figure_keys[];

#endif
