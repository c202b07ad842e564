/* The campaign statistics as one self-contained HTML page: tables of the figures and
 * inline SVG charts, no script and nothing fetched from elsewhere (its Content Security
 * Policy forbids both), so a supervisor can open it from a mail or a share. Every figure
 * is an element carrying data-scope, data-campaign, data-sub-campaign and data-figure,
 * whose text is the figure as -o json gives it: a test, or a browser, reads them back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orgctl/campaign_stats.h"
#include "orgctl/errors.h"
#include "stats.h"
#include "strbuf.h"

/* Text or an attribute's value: the five characters HTML gives a meaning escaped. */
static void escape(strbuf *sb, const char *s)
{
    static const char special[] = "&<>\"'";
    static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    for (; *s; s++) {
        const char *p = strchr(special, *s);
        if (p)
            strbuf_adds(sb, entities[p - special]);
        else
            strbuf_addch(sb, *s);
    }
}

/* A figure as -o json prints it: a whole number in full, a time as it is, null as nothing. */
static void figure_text(strbuf *sb, const cJSON *v)
{
    if (cJSON_IsNumber(v))
        strbuf_addf(sb, "%lld", (long long)cJSON_GetNumberValue(v));
    else if (cJSON_IsString(v))
        escape(sb, v->valuestring);
}

/* The data attributes naming a scope: a row of the total, a campaign or a sub-campaign. */
static void scope_attributes(strbuf *sb, const cJSON *row)
{
    const char *campaign = cJSON_GetStringValue(cJSON_GetObjectItem(row, "campaign"));
    const char *sub = cJSON_GetStringValue(cJSON_GetObjectItem(row, "sub_campaign"));
    strbuf_addf(sb, " data-scope=\"%s\"", sub ? "sub-campaign" : campaign ? "campaign" : "total");
    if (campaign) {
        strbuf_adds(sb, " data-campaign=\"");
        escape(sb, campaign);
        strbuf_addch(sb, '"');
    }
    if (sub) {
        strbuf_adds(sb, " data-sub-campaign=\"");
        escape(sb, sub);
        strbuf_addch(sb, '"');
    }
}

/* One figure: <TAG data-...>text</TAG>. `key` is a figure of row, "results.R" one of its
 * results. */
static void figure(strbuf *sb, const char *tag, const cJSON *row, const char *key)
{
    const cJSON *v = strncmp(key, "results.", 8) == 0
                         ? cJSON_GetObjectItem(cJSON_GetObjectItem(row, "results"), key + 8)
                         : cJSON_GetObjectItem(row, key);
    strbuf_addf(sb, "<%s", tag);
    scope_attributes(sb, row);
    strbuf_addf(sb, " data-figure=\"%s\">", key);
    figure_text(sb, v);
    strbuf_addf(sb, "</%s>", tag);
}

static const char *const columns[][2] = {
    {"start", "Start Time"},
    {"end", "End Time"},
    {"records", "#"},
    {"success", "Success"},
    {"failure", "Failure"},
    {"dc_success", "DC Success"},
    {"dc_fail", "DC Fail"},
    {"hold", "Hold (s)"},
    {"connect", "Connect (s)"},
    {"busy_agents", "Busy Agents"},
    {"max_per_hour", "Max Per Hour"},
    {"current_hourly_rate", "Current Hourly Rate"},
    {"avg_length", "Avg Length (s)"},
    {"in_progress", "# in Progress"},
};
#define NCOLUMNS (sizeof(columns) / sizeof(*columns))

static const char *const result_colors[RESULT_COUNT] = {
    "#2e7d32", "#ef6c00", "#9e9e9e", "#6a1b9a", "#5d4037", "#c62828", "#455a64", "#1565c0",
};

static void row_name(strbuf *sb, const cJSON *row)
{
    const char *campaign = cJSON_GetStringValue(cJSON_GetObjectItem(row, "campaign"));
    const char *sub = cJSON_GetStringValue(cJSON_GetObjectItem(row, "sub_campaign"));
    if (sub) {
        strbuf_adds(sb, "<th class=\"sub\">");
        escape(sb, sub);
    } else if (campaign) {
        strbuf_adds(sb, "<th>");
        escape(sb, campaign);
    } else {
        strbuf_adds(sb, "<th>Total");
    }
    strbuf_adds(sb, "</th>");
}

/* A table row of `row`'s figures (or its results, when `results`). */
static void table_row(strbuf *sb, const cJSON *row, bool results)
{
    strbuf_adds(sb, "<tr");
    scope_attributes(sb, row);
    strbuf_addch(sb, '>');
    row_name(sb, row);
    char key[64];
    for (size_t i = 0; i < (results ? (size_t)RESULT_COUNT : NCOLUMNS); i++) {
        if (results)
            snprintf(key, sizeof(key), "results.%s", stats_result_names[i]);
        figure(sb, "td", row, results ? key : columns[i][0]);
    }
    strbuf_adds(sb, "</tr>\n");
}

/* Every campaign and sub-campaign row, then the total in the foot. */
static void table(strbuf *sb, const cJSON *stats, bool results)
{
    const cJSON *c, *sub;
    strbuf_addf(
        sb,
        "<div class=\"scroll\">\n<table id=\"%s\">\n<thead><tr><th>Campaign / Sub-campaign</th>",
        results ? "results" : "figures");
    for (size_t i = 0; i < (results ? (size_t)RESULT_COUNT : NCOLUMNS); i++)
        strbuf_addf(sb, "<th>%s</th>", results ? stats_result_names[i] : columns[i][1]);
    strbuf_adds(sb, "</tr></thead>\n<tbody>\n");
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(stats, "campaigns"))
    {
        table_row(sb, c, results);
        cJSON_ArrayForEach(sub, cJSON_GetObjectItem(c, "sub_campaigns"))
            table_row(sb, sub, results);
    }
    strbuf_adds(sb, "</tbody>\n<tfoot>");
    table_row(sb, cJSON_GetObjectItem(stats, "total"), results);
    strbuf_adds(sb, "</tfoot>\n</table>\n</div>\n");
}

/* The dashboard's summary lines, in its words, for the total. */
static void summary(strbuf *sb, const cJSON *total)
{
    static const char *const lines[][6][2] = {
        {{"dc_success", "DC Success"},
         {"dc_fail", "DC Fail"},
         {"hold", "Hold"},
         {"connect", "Connect"},
         {"busy_agents", "Busy Agents"}},
        {{"max_per_hour", "Max Per Hour"},
         {"current_hourly_rate", "Current Hourly Rate"},
         {"avg_length", "Avg Length"},
         {"in_progress", "# in Progress"}},
        {{"total_current_hourly_rate", "Total Current Hourly Rate"},
         {"total_calls_in_progress", "Total Calls in Progress"}},
    };
    strbuf_adds(sb, "<ul id=\"summary\">\n");
    for (size_t l = 0; l < sizeof(lines) / sizeof(*lines); l++) {
        strbuf_adds(sb, "<li>");
        for (size_t i = 0; i < 6 && lines[l][i][0]; i++) {
            strbuf_addf(sb, "%s%s: ", i ? " | " : "", lines[l][i][1]);
            figure(sb, "span", total, lines[l][i][0]);
            if (strcmp(lines[l][i][0], "hold") == 0 || strcmp(lines[l][i][0], "connect") == 0)
                strbuf_addch(sb, 's');
        }
        strbuf_adds(sb, "</li>\n");
    }
    strbuf_adds(sb, "</ul>\n");
}

/* Calls per hour: a bar a listed hour, each carrying its hour and count. */
static void hours_chart(strbuf *sb, const cJSON *hours)
{
    const int width = 960, height = 240, left = 50, bottom = 40, top = 10;
    int n = cJSON_GetArraySize(hours);
    double most = 1;
    const cJSON *h;
    cJSON_ArrayForEach(h, hours)
    {
        double c = cJSON_GetNumberValue(cJSON_GetObjectItem(h, "calls"));
        most = c > most ? c : most;
    }
    double slot = n ? (double)(width - left - 10) / n : 0;
    strbuf_addf(sb,
                "<svg id=\"hours-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d "
                "%d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Calls per hour\">\n",
                width, height, width, height);
    strbuf_addf(sb,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>"
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>"
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
                left, height - bottom, width - 10, height - bottom, left - 4, top + 10, most,
                left - 4, height - bottom);
    int i = 0;
    cJSON_ArrayForEach(h, hours)
    {
        const char *hour = cJSON_GetStringValue(cJSON_GetObjectItem(h, "hour"));
        double calls = cJSON_GetNumberValue(cJSON_GetObjectItem(h, "calls"));
        double bar = (height - bottom - top) * calls / most;
        strbuf_addf(sb,
                    "<rect class=\"hour\" data-hour=\"%s\" data-calls=\"%.0f\" x=\"%.2f\" "
                    "y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#1565c0\"><title>%s: %.0f "
                    "calls</title></rect>\n",
                    hour, calls, left + i * slot + slot * 0.1, height - bottom - bar,
                    slot * 0.8 > 0.5 ? slot * 0.8 : 0.5, bar, hour, calls);
        /* a label under the first bar and then about every tenth */
        if (n <= 10 || i % ((n + 9) / 10) == 0)
            strbuf_addf(sb,
                        "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\" "
                        "font-size=\"10\">%.13s</text>\n",
                        left + i * slot + slot / 2,
                        height - bottom + 14 + (i / ((n + 9) / 10)) % 2 * 12, hour);
        i++;
    }
    strbuf_adds(sb, "</svg>\n");
}

/* Results per campaign: a bar a campaign, split by result, with its legend. */
static void results_chart(strbuf *sb, const cJSON *campaigns)
{
    const int width = 960, bar = 22, gap = 8, left = 220, legend = 30;
    int n = cJSON_GetArraySize(campaigns);
    int height = legend + n * (bar + gap) + 10;
    double most = 1;
    const cJSON *c;
    cJSON_ArrayForEach(c, campaigns)
    {
        double r = cJSON_GetNumberValue(cJSON_GetObjectItem(c, "records"));
        most = r > most ? r : most;
    }
    strbuf_addf(sb,
                "<svg id=\"results-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d "
                "%d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Results per "
                "campaign\">\n",
                width, height, width, height);
    for (int r = 0, x = left; r < RESULT_COUNT; r++) {
        strbuf_addf(sb,
                    "<rect x=\"%d\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    "<text x=\"%d\" y=\"16\" font-size=\"12\">%s</text>\n",
                    x, result_colors[r], x + 16, stats_result_names[r]);
        x += 16 + 7 * (int)strlen(stats_result_names[r]) + 14; /* about 7 px a letter */
    }
    int i = 0;
    cJSON_ArrayForEach(c, campaigns)
    {
        int y = legend + i * (bar + gap);
        strbuf_addf(sb, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\">", left - 6,
                    y + bar / 2 + 4);
        escape(sb, cJSON_GetStringValue(cJSON_GetObjectItem(c, "campaign")));
        strbuf_adds(sb, "</text>\n");
        double x = left;
        const cJSON *results = cJSON_GetObjectItem(c, "results");
        for (int r = 0; r < RESULT_COUNT; r++) {
            double count =
                cJSON_GetNumberValue(cJSON_GetObjectItem(results, stats_result_names[r]));
            double w = (width - left - 10) * count / most;
            if (count == 0)
                continue;
            strbuf_addf(sb, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\">",
                        x, y, w, bar, result_colors[r]);
            strbuf_adds(sb, "<title>");
            escape(sb, cJSON_GetStringValue(cJSON_GetObjectItem(c, "campaign")));
            strbuf_addf(sb, ": %s %.0f</title></rect>\n", stats_result_names[r], count);
            x += w;
        }
        i++;
    }
    strbuf_adds(sb, "</svg>\n");
}

static const char style[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}"
    "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right;white-space:nowrap}"
    "thead th{background:#eee}tbody th,tfoot th{text-align:left}th.sub{padding-left:2em;"
    "font-weight:normal}tfoot{font-weight:bold}#summary{list-style:none;padding:0}"
    "svg{max-width:100%;height:auto;font-family:sans-serif}.scroll{overflow-x:auto}";

int orgctl_campaign_stats_html(const cJSON *stats, char **out, size_t *len)
{
    strbuf sb = STRBUF_INIT;
    const cJSON *from = cJSON_GetObjectItem(stats, "from"), *to = cJSON_GetObjectItem(stats, "to");
    strbuf_adds(&sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                     "style-src 'unsafe-inline'\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>Campaign statistics</title>\n<style>");
    strbuf_adds(&sb, style);
    strbuf_adds(&sb, "</style>\n</head>\n<body>\n<h1>Campaign statistics</h1>\n<p>Records of "
                     "<code id=\"file\">");
    escape(&sb, cJSON_GetStringValue(cJSON_GetObjectItem(stats, "file")));
    strbuf_adds(&sb, "</code>, as of <time id=\"now\">");
    figure_text(&sb, cJSON_GetObjectItem(stats, "now"));
    strbuf_adds(&sb, "</time>");
    if (cJSON_IsString(from) || cJSON_IsString(to)) {
        strbuf_adds(&sb, "; calls placed from <time id=\"from\">");
        figure_text(&sb, from);
        strbuf_adds(&sb, "</time> to <time id=\"to\">");
        figure_text(&sb, to);
        strbuf_adds(&sb, "</time>");
    }
    strbuf_adds(&sb, ".</p>\n");
    summary(&sb, cJSON_GetObjectItem(stats, "total"));
    strbuf_adds(&sb, "<h2>Campaigns and sub-campaigns</h2>\n");
    table(&sb, stats, false);
    strbuf_adds(&sb, "<h2>Calls per hour</h2>\n");
    hours_chart(&sb, cJSON_GetObjectItem(stats, "hours"));
    strbuf_adds(&sb, "<h2>Results per campaign</h2>\n");
    results_chart(&sb, cJSON_GetObjectItem(stats, "campaigns"));
    table(&sb, stats, true);
    strbuf_adds(&sb, "</body>\n</html>\n");
    *out = strbuf_detach(&sb, len);
    return 0;
}
