#include "dates.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so no libc call depends on the process's zone. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int dates_set_zone(const char *zone)
{
	char path[512];
	struct stat st;

	if (!zone || !*zone)
		zone = "UTC";
	if (strcmp(zone, "UTC") && strcmp(zone, "Etc/UTC")) {
		/* An unknown name silently means UTC to glibc: check first. */
		if (zone[0] == '/' || strstr(zone, "..") ||
		    (size_t)snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s",
				     zone) >= sizeof(path) ||
		    stat(path, &st) || !S_ISREG(st.st_mode))
			return -EINVAL;
	}
	if (setenv("TZ", zone, 1))
		return -errno;
	tzset();
	return 0;
}

static int digits(const char *s, size_t n, size_t *pos, int count, int *out)
{
	int v = 0, i;

	if (*pos + (size_t)count > n)
		return -1;
	for (i = 0; i < count; i++) {
		char c = s[*pos + (size_t)i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*pos += (size_t)count;
	*out = v;
	return 0;
}

/* Offset east of UTC, in seconds, that the mount's zone has at the wall
 * clock given (seconds since the epoch as if that wall clock were UTC). */
static long zone_offset_at(int64_t wall)
{
	struct tm tm;
	time_t guess = (time_t)wall;

	/* Two rounds settle the offset except inside a DST gap, where the
	 * second guess is as good an answer as any. */
	if (!localtime_r(&guess, &tm))
		return 0;
	guess = (time_t)(wall - tm.tm_gmtoff);
	if (!localtime_r(&guess, &tm))
		return 0;
	return tm.tm_gmtoff;
}

int pdate_parse(const char *s, size_t n, struct pdate *d)
{
	size_t pos = 0;
	int y, mo, da, h = 0, mi = 0, se = 0, oh, om, off = 0, has_off = 0;
	int32_t nsec = 0;
	int64_t wall;

	memset(d, 0, sizeof(*d));
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (pos < n && (s[pos] == ' ' || s[pos] == '\t'))
		pos++;
	if (digits(s, n, &pos, 4, &y) || pos >= n || s[pos++] != '-' ||
	    digits(s, n, &pos, 2, &mo) || pos >= n || s[pos++] != '-' ||
	    digits(s, n, &pos, 2, &da))
		return -EINVAL;
	if (mo < 1 || mo > 12 || da < 1 || da > days_in_month(y, mo))
		return -EINVAL;
	if (pos < n) {
		if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')
			return -EINVAL;
		pos++;
		if (digits(s, n, &pos, 2, &h) || pos >= n || s[pos++] != ':' ||
		    digits(s, n, &pos, 2, &mi))
			return -EINVAL;
		if (pos < n && s[pos] == ':') {
			pos++;
			if (digits(s, n, &pos, 2, &se))
				return -EINVAL;
			if (pos < n && (s[pos] == '.' || s[pos] == ',')) {
				int k = 0;

				pos++;
				if (pos >= n || s[pos] < '0' || s[pos] > '9')
					return -EINVAL;
				for (; pos < n && s[pos] >= '0' && s[pos] <= '9'; pos++, k++)
					if (k < 9)
						nsec = nsec * 10 + (s[pos] - '0');
				for (; k < 9; k++)
					nsec *= 10;
			}
		}
		if (h > 23 || mi > 59 || se > 60)
			return -EINVAL;
		if (se == 60)
			se = 59; /* a leap second: the nearest second we can name */
		while (pos < n && s[pos] == ' ')
			pos++;
		if (pos < n) {
			if (s[pos] == 'Z' || s[pos] == 'z') {
				pos++;
				has_off = 1;
			} else if (s[pos] == '+' || s[pos] == '-') {
				int sign = s[pos++] == '-' ? -1 : 1;

				if (digits(s, n, &pos, 2, &oh))
					return -EINVAL;
				om = 0;
				if (pos < n && s[pos] == ':') {
					pos++;
					if (digits(s, n, &pos, 2, &om))
						return -EINVAL;
				} else if (pos < n && digits(s, n, &pos, 2, &om)) {
					return -EINVAL;
				}
				if (oh > 23 || om > 59)
					return -EINVAL;
				off = sign * (oh * 60 + om);
				has_off = 1;
			}
		}
		if (pos != n)
			return -EINVAL;
		d->has_time = 1;
	}
	wall = days_from_civil(y, mo, da) * 86400 + h * 3600 + mi * 60 + se;
	if (!has_off)
		off = (int)(zone_offset_at(wall) / 60);
	d->t = wall - (int64_t)off * 60;
	d->nsec = nsec;
	d->y = (int16_t)y;
	d->mo = (int8_t)mo;
	d->d = (int8_t)da;
	d->h = (int8_t)h;
	d->mi = (int8_t)mi;
	d->s = (int8_t)se;
	d->off = (int16_t)off;
	d->set = 1;
	return 0;
}

void pdate_from_time(int64_t t, int32_t nsec, struct pdate *d)
{
	struct tm tm;
	time_t tt = (time_t)t;

	memset(d, 0, sizeof(*d));
	if (!localtime_r(&tt, &tm))
		gmtime_r(&tt, &tm);
	d->t = t;
	d->nsec = nsec;
	d->y = (int16_t)(tm.tm_year + 1900);
	d->mo = (int8_t)(tm.tm_mon + 1);
	d->d = (int8_t)tm.tm_mday;
	d->h = (int8_t)tm.tm_hour;
	d->mi = (int8_t)tm.tm_min;
	d->s = (int8_t)tm.tm_sec;
	d->off = (int16_t)(tm.tm_gmtoff / 60);
	d->set = 1;
	d->has_time = 1;
}

void pdate_format(struct buf *b, const struct pdate *d)
{
	int off = d->off < 0 ? -d->off : d->off;

	buf_printf(b, "%04d-%02d-%02dT%02d:%02d:%02d", d->y, d->mo, d->d,
		   d->h, d->mi, d->s);
	if (d->nsec) {
		char frac[16];
		int k = snprintf(frac, sizeof(frac), "%09d", (int)d->nsec);

		while (k > 1 && frac[k - 1] == '0')
			frac[--k] = '\0';
		buf_printf(b, ".%s", frac);
	}
	if (!d->off)
		buf_addc(b, 'Z');
	else
		buf_printf(b, "%c%02d:%02d", d->off < 0 ? '-' : '+', off / 60, off % 60);
}

int pdate_cmp(const struct pdate *a, const struct pdate *b)
{
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->nsec != b->nsec)
		return a->nsec < b->nsec ? -1 : 1;
	return 0;
}
