/* NANPA's area-code report (npa_report.csv) and orgctl's own serialised form of it
 * (internal): which US state, Canadian province or NANP country, and which IANA time zones,
 * a North American number's area code stands for.
 *
 * The report is read strictly: its first line is the preamble "File Date,MM/DD/YYYY", the
 * second the header, whose columns are found by name (NPA_ID, LOCATION, COUNTRY,
 * IN_SERVICE, TIME_ZONE; others are ignored), and every row must have exactly the
 * header's number of fields. Each problem is one line "FILE:LINE: what", passed to a
 * callback, all of them before the reader answers:
 *   "npa_report.csv:171: 33 fields, the header has 32"
 * A LOCATION, COUNTRY or TIME_ZONE value the mapping below does not know, an NPA_ID that is
 * not 3 digits 200-999 or comes twice, and an IN_SERVICE other than Y or N are problems too.
 *
 * The mapping: a US area code's region is its state (LOCATION "NJ"; PUERTO RICO, USVI and
 * CNMI are PR, VI and MP), a Canadian one's its province or territories (ALBERTA is AB,
 * "NOVA SCOTIA - PRINCE EDWARD ISLAND" is NS and PE, "YUKON-NW TERR. - NUNAVUT" YT, NT and
 * NU), another NANP country's the country itself (JAMAICA is JM, in country JM); "NANP
 * AREA" (toll-free, non-geographic) and unassigned codes have none, and no time zone.
 * TIME_ZONE letters E, C, M, P, A (Atlantic) and NANPA's "(UTC-10)"-style values become
 * IANA zones: by region where a region keeps one clock (AZ America/Phoenix, HI
 * Pacific/Honolulu, SK America/Regina, NL America/St_Johns, each Caribbean country its
 * own), else by country and letter (US E America/New_York, C America/Chicago, M
 * America/Denver, P America/Los_Angeles; CA America/Toronto, Winnipeg, Edmonton,
 * Vancouver, Halifax). An area code with two or three letters ("EC") keeps each zone.
 *
 * The serialised form (orgctl_nanpa_write, orgctl_nanpa_parse) is a small sorted text file
 * a repository can hold and a diff can read, one area code a line after a first line
 * "# orgctl nanpa 1":
 *   NPA<TAB>COUNTRY<TAB>REGIONS<TAB>IN_SERVICE<TAB>ZONES
 *   902	CA	NS,PE	Y	America/Halifax
 *   600	-	-	Y	-
 * lists joined by ',', '-' for none, Y or N, area codes ascending, each once. */
#ifndef ORGCTL_NANPA_H
#define ORGCTL_NANPA_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define ORGCTL_NANPA_MAX_REGIONS 3
#define ORGCTL_NANPA_MAX_ZONES 3
#define ORGCTL_NANPA_ZONE_MAX 48 /* bytes of a zone name, NUL included */

typedef struct {
    uint16_t npa;    /* the area code, 200-999 */
    bool in_service; /* IN_SERVICE Y: dialable now */
    char country[3]; /* "US", "CA", another NANP country's ISO code, or "" */
    /* State, province or country codes ("NJ"; "NS", "PE"); "" after the last. */
    char regions[ORGCTL_NANPA_MAX_REGIONS][3];
    /* IANA zone names ("America/New_York"); "" after the last. */
    char zones[ORGCTL_NANPA_MAX_ZONES][ORGCTL_NANPA_ZONE_MAX];
} orgctl_nanpa_entry;

typedef struct orgctl_nanpa orgctl_nanpa;

/* Receives each problem found, one line "FILE:LINE: what". */
typedef void (*orgctl_nanpa_problem_fn)(const char *message, void *payload);

enum {
    /* Leave the rows with problems out and make the table of the others (the real report
     * has five ragged rows); each problem is still reported. */
    ORGCTL_NANPA_SKIP_BAD_ROWS = 1,
};

/* Reads NANPA's report at `path` into *out (free with orgctl_nanpa_free). Each problem goes
 * to `problem` (may be NULL) and is counted in *problems (may be NULL). Returns 0; or
 * ORGCTL_EINVALID with *out NULL when there was a problem and `flags` lacks
 * ORGCTL_NANPA_SKIP_BAD_ROWS, or the preamble or header is wrong (the last error names the
 * first problem and how many more there were); ORGCTL_ENOTFOUND or ORGCTL_ERROR as the
 * CSV reader returns them. */
int orgctl_nanpa_read_report(orgctl_nanpa **out, size_t *problems, const char *path, unsigned flags,
                             orgctl_nanpa_problem_fn problem, void *payload);

/* Appends the serialised form of `table` to `out`. */
void orgctl_nanpa_write(strbuf *out, const orgctl_nanpa *table);
/* Reads the serialised form (len bytes at data; `name` names it in messages) into *out.
 * Returns 0, or ORGCTL_EINVALID naming "NAME:LINE: what" at the first fault. */
int orgctl_nanpa_parse(orgctl_nanpa **out, const char *name, const char *data, size_t len);

void orgctl_nanpa_free(orgctl_nanpa *table);
/* How many area codes the table holds. */
size_t orgctl_nanpa_count(const orgctl_nanpa *table);
/* The report's file date ("03/04/2020"), "" when read from the serialised form. */
const char *orgctl_nanpa_file_date(const orgctl_nanpa *table);

/* The entry of area code `npa`, or NULL if the table has none. */
const orgctl_nanpa_entry *orgctl_nanpa_lookup(const orgctl_nanpa *table, int npa);
/* The entry of the area code of a NANP number in E.164 ("+13175551212", as
 * orgctl_phone_normalize writes it), or NULL if it is no +1 number of 10 digits or the
 * table has no such area code. */
const orgctl_nanpa_entry *orgctl_nanpa_lookup_number(const orgctl_nanpa *table, const char *e164);
#endif
