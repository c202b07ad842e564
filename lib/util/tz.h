/* IANA time zones from compiled zone files (TZif, RFC 8536, versions 1 to 3), internal.
 *
 * A zone is read from a zoneinfo directory the caller names (NULL: /usr/share/zoneinfo),
 * never from TZ or the process's own zone: nothing here reads the environment or changes
 * it, and a loaded zone is immutable, so any thread may use it. Times past the zone file's
 * table follow its POSIX TZ footer rule ("EST5EDT,M3.2.0,M11.1.0"); times before its first
 * transition take its first time type, as RFC 8536 says. Zone files with leap seconds
 * ("right/...") are refused. Instants are seconds since 1970-01-01T00:00:00Z; "local
 * seconds" are the same count for a wall-clock time read as if it were UTC
 * (orgctl_tz_civil makes them). Errors are set with orgctl_error_set. */
#ifndef ORGCTL_TZ_H
#define ORGCTL_TZ_H
#include <stdbool.h>
#include <stdint.h>

#define ORGCTL_TZ_DEFAULT_DIR "/usr/share/zoneinfo"

typedef struct orgctl_tz orgctl_tz;

/* Loads zone `name` ("America/New_York") from `zoneinfo_dir` (NULL: the default) into *out,
 * to be freed with orgctl_tz_free. Returns 0; ORGCTL_EINVALID for a name that is empty,
 * absolute, holds an empty, "." or ".." component or a character other than letters,
 * digits and "/_+-", or for a file that is no valid TZif or has leap seconds;
 * ORGCTL_ENOTFOUND for a zone that is not there; ORGCTL_ERROR for I/O and memory. */
int orgctl_tz_load(orgctl_tz **out, const char *zoneinfo_dir, const char *name);
void orgctl_tz_free(orgctl_tz *tz);
/* The name it was loaded as. */
const char *orgctl_tz_name(const orgctl_tz *tz);

/* What the clocks of a zone say at an instant. */
typedef struct {
    int32_t utoff; /* seconds east of UTC: local = utc + utoff */
    bool is_dst;
    char abbr[8]; /* "EDT", "+1030", NUL-terminated (cut to 7 bytes) */
} orgctl_tz_info;

/* The local time type of `tz` at UTC instant `utc` into *out. */
void orgctl_tz_at(orgctl_tz_info *out, const orgctl_tz *tz, int64_t utc);
/* The local seconds of UTC instant `utc` in `tz`. */
int64_t orgctl_tz_to_local(const orgctl_tz *tz, int64_t utc);

/* The UTC instants at which the clocks of `tz` read `local` (local seconds). Returns how many
 * there are: 1 (*earlier == *later), 2 in a fold where the clocks go back (the instant
 * before the change in *earlier, after it in *later), 0 in a gap where they jump forward
 * (both are then the instant of the jump, the first one whose local time is past `local`:
 * a calling window opening at 02:30 on the day 02:00 becomes 03:00 opens at the jump). */
int orgctl_tz_to_utc(int64_t *earlier, int64_t *later, const orgctl_tz *tz, int64_t local);

/* The first instant after `utc` at which the offset or DST flag of `tz` changes, into *next.
 * Returns 0, or ORGCTL_ENOTFOUND if it never changes again. */
int orgctl_tz_next_change(int64_t *next, const orgctl_tz *tz, int64_t utc);

/* Local seconds of a proleptic Gregorian date and time (month 1-12, day 1-31; out of range
 * values carry over as arithmetic does: 24:00 is the next day's 00:00). */
int64_t orgctl_tz_civil(int year, int month, int day, int hour, int minute, int second);
/* And back: date and time of local seconds `t`; *weekday 0 = Sunday (each may be NULL). */
void orgctl_tz_from_civil(int *year, int *month, int *day, int *hour, int *minute, int *second,
                          int *weekday, int64_t t);
#endif
