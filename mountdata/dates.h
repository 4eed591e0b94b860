/* dates.h — the dates of posts: parsing what front matter writes, and
 * the mount's time zone.
 *
 * Accepted forms (the design's Dates rule):
 *   2025-09-07                     a date alone (midnight, mount's zone)
 *   2025-09-07T12:22:17+03:00      RFC 3339 with an offset (or Z)
 *   2025-09-07T12:22:17            no offset: the mount's zone
 *   2025-09-07 12:22:17            space instead of T
 * with optional fractional seconds, optional seconds, and +HHMM / +HH
 * offsets.  Hugo writes all of these.  The mount's zone is set once by
 * dates_set_zone() (default UTC), never taken from the host.
 */
#ifndef POSTFS_DATES_H
#define POSTFS_DATES_H

#include <stdint.h>
#include <time.h>

#include "buf.h"

struct pdate {
	int64_t t;        /* seconds since the epoch */
	int32_t nsec;     /* fraction of the second, in nanoseconds */
	int16_t y;        /* the wall clock as written (in its own offset,  */
	int8_t mo, d;     /* or in the mount's zone when none is written):  */
	int8_t h, mi, s;  /* by-date/ files a post under y/mo/d             */
	int16_t off;      /* offset east of UTC, minutes, of that wall clock */
	uint8_t set;      /* 1 when this date has a value */
	uint8_t has_time; /* 0 for a date alone */
};

/* Use the named zone (an IANA name such as "Europe/Moscow", or "UTC")
 * for dates written without an offset.  Call once at start-up, before
 * any thread starts.  Returns 0, or -EINVAL when the zone is unknown. */
int dates_set_zone(const char *zone);

/* Parse s[0..n) in one of the accepted forms.  Returns 0 and fills *d
 * (set = 1), or -EINVAL when s is not such a date (a range check fails,
 * e.g. month 13 or February 30, or the text has extra characters). */
int pdate_parse(const char *s, size_t n, struct pdate *d);

/* The wall clock of epoch time t in the mount's zone. */
void pdate_from_time(int64_t t, int32_t nsec, struct pdate *d);

/* Append d as RFC 3339 with its offset, e.g. 2025-09-07T12:22:17+03:00
 * (Z for UTC, fraction only when non-zero). */
void pdate_format(struct buf *b, const struct pdate *d);

/* Compare two instants: <0, 0, >0. */
int pdate_cmp(const struct pdate *a, const struct pdate *b);

#endif
