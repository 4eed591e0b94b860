/* Unit tests of mountdata/dates.c: the accepted forms, range checks, the
 * mount's zone, formatting and ordering.  Expected instants come from
 * timegm() on hand-built wall clocks and offsets known for each zone,
 * not from the code under test. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "dates.h"

/* Seconds since the epoch of a UTC wall clock. */
static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

static int parse(const char *s, struct pdate *d)
{
	return pdate_parse(s, strlen(s), d);
}

/* Parse s and compare every field with the wall clock written, the
 * offset (minutes east) and the instant it names. */
static void check_form(int line, const char *s, int y, int mo, int d, int h,
		       int mi, int sec, int32_t nsec, int off, int has_time)
{
	struct pdate p;
	int64_t want = utc(y, mo, d, h, mi, sec) - (int64_t)off * 60;
	int ret = parse(s, &p);

	check_note(ret == 0, __FILE__, line, "pdate_parse(\"%s\") == 0 (got %d)",
		   s, ret);
	if (ret)
		return;
	check_note(p.t == want, __FILE__, line,
		   "\"%s\": t == %lld (got %lld)", s, (long long)want,
		   (long long)p.t);
	check_note(p.nsec == nsec, __FILE__, line, "\"%s\": nsec == %d (got %d)",
		   s, (int)nsec, (int)p.nsec);
	check_note(p.y == y && p.mo == mo && p.d == d && p.h == h &&
		   p.mi == mi && p.s == sec, __FILE__, line,
		   "\"%s\": wall clock %04d-%02d-%02d %02d:%02d:%02d "
		   "(got %04d-%02d-%02d %02d:%02d:%02d)", s, y, mo, d, h, mi,
		   sec, p.y, p.mo, p.d, p.h, p.mi, p.s);
	check_note(p.off == off, __FILE__, line, "\"%s\": off == %d (got %d)",
		   s, off, p.off);
	check_note(p.set == 1, __FILE__, line, "\"%s\": set == 1", s);
	check_note(p.has_time == has_time, __FILE__, line,
		   "\"%s\": has_time == %d (got %d)", s, has_time, p.has_time);
}

#define FORM(s, ...) check_form(__LINE__, s, __VA_ARGS__)

static void check_rejects(int line, const char *s, size_t n)
{
	struct pdate p;
	int ret = pdate_parse(s, n, &p);

	check_note(ret == -EINVAL, __FILE__, line,
		   "pdate_parse(\"%.*s\") rejected with -EINVAL (got %d, t=%lld)",
		   (int)n, s, ret, ret ? 0LL : (long long)p.t);
}

#define REJECT(s) check_rejects(__LINE__, s, strlen(s))

static void test_forms(void)
{
	CHECK_INT(dates_set_zone("UTC"), 0);

	FORM("2024-03-15", 2024, 3, 15, 0, 0, 0, 0, 0, 0);
	FORM("2024-03-15T12:34:56Z", 2024, 3, 15, 12, 34, 56, 0, 0, 1);
	FORM("2024-03-15T12:34:56", 2024, 3, 15, 12, 34, 56, 0, 0, 1);
	FORM("2024-03-15 12:34:56", 2024, 3, 15, 12, 34, 56, 0, 0, 1);
	FORM("2024-03-15T12:34", 2024, 3, 15, 12, 34, 0, 0, 0, 1);
	FORM("2024-03-15 12:34", 2024, 3, 15, 12, 34, 0, 0, 0, 1);
	FORM("2024-03-15T12:34Z", 2024, 3, 15, 12, 34, 0, 0, 0, 1);
	FORM("2024-03-15T12:34:56.5Z", 2024, 3, 15, 12, 34, 56, 500000000, 0, 1);
	FORM("2024-03-15T12:34:56.123456789Z", 2024, 3, 15, 12, 34, 56,
	     123456789, 0, 1);
	FORM("2024-03-15T12:34:56.000001", 2024, 3, 15, 12, 34, 56, 1000, 0, 1);
	FORM("2024-03-15T12:34:56+03:00", 2024, 3, 15, 12, 34, 56, 0, 180, 1);
	FORM("2024-03-15 12:34:56+03:00", 2024, 3, 15, 12, 34, 56, 0, 180, 1);
	FORM("2024-03-15T12:34:56.25+03:00", 2024, 3, 15, 12, 34, 56,
	     250000000, 180, 1);
	FORM("2024-03-15T12:34+03:00", 2024, 3, 15, 12, 34, 0, 0, 180, 1);
	FORM("2024-03-15T12:34:56-0700", 2024, 3, 15, 12, 34, 56, 0, -420, 1);
	FORM("2024-03-15T12:34:56+05:30", 2024, 3, 15, 12, 34, 56, 0, 330, 1);
	FORM("2024-03-15T12:34:56+0530", 2024, 3, 15, 12, 34, 56, 0, 330, 1);
	FORM("2024-03-15T12:34:56+05", 2024, 3, 15, 12, 34, 56, 0, 300, 1);
	FORM("2024-03-15T12:34:56-03:30", 2024, 3, 15, 12, 34, 56, 0, -210, 1);
	FORM("2024-03-15T00:30:00+03:00", 2024, 3, 15, 0, 30, 0, 0, 180, 1);
	FORM("2024-01-01T01:00:00+05:00", 2024, 1, 1, 1, 0, 0, 0, 300, 1);
	FORM("2024-02-29", 2024, 2, 29, 0, 0, 0, 0, 0, 0);
	FORM("2000-02-29", 2000, 2, 29, 0, 0, 0, 0, 0, 0);
	FORM("2024-12-31T23:59:59Z", 2024, 12, 31, 23, 59, 59, 0, 0, 1);
	FORM("1969-12-31T23:59:59Z", 1969, 12, 31, 23, 59, 59, 0, 0, 1);
	FORM("1970-01-01T00:00:00Z", 1970, 1, 1, 0, 0, 0, 0, 0, 1);
	FORM("9999-12-31T23:59:59Z", 9999, 12, 31, 23, 59, 59, 0, 0, 1);
	FORM("2038-01-19T03:14:08Z", 2038, 1, 19, 3, 14, 8, 0, 0, 1);
	/* Jekyll's own form: a space before the offset */
	FORM("2024-03-15 12:34:56 +0300", 2024, 3, 15, 12, 34, 56, 0, 180, 1);

	/* Hugo's own sample: a date with an offset, 2025-09-07T12:22:17+03:00. */
	FORM("2025-09-07T12:22:17+03:00", 2025, 9, 7, 12, 22, 17, 0, 180, 1);
	{
		struct pdate p;

		CHECK_INT(parse("2025-09-07T12:22:17+03:00", &p), 0);
		CHECK_INT(p.t, 1757236937);
	}

	/* Only n bytes count: the rest of the buffer is not looked at. */
	{
		struct pdate p;
		const char *s = "2024-03-15T12:34:56Zgarbage";

		CHECK_INT(pdate_parse(s, 10, &p), 0);
		CHECK_INT(p.t, utc(2024, 3, 15, 0, 0, 0));
		CHECK_INT(p.has_time, 0);
		CHECK_INT(pdate_parse(s, 20, &p), 0);
		CHECK_INT(p.t, utc(2024, 3, 15, 12, 34, 56));
	}
}

static void test_rejects(void)
{
	CHECK_INT(dates_set_zone("UTC"), 0);

	REJECT("");
	REJECT(" ");
	REJECT("2024");
	REJECT("2024-03");
	REJECT("2024-13-01");
	REJECT("2024-00-10");
	REJECT("2024-03-00");
	REJECT("2024-03-32");
	REJECT("2023-02-29");
	REJECT("1900-02-29");
	REJECT("2024-02-30");
	REJECT("2024-04-31");
	REJECT("2024-06-31");
	REJECT("2024-09-31");
	REJECT("2024-11-31");
	REJECT("2024-03-15T24:00:00");
	REJECT("2024-03-15T23:60:00");
	REJECT("2024-03-15T23:59:61");
	REJECT("2024-03-15T12");
	REJECT("2024-03-15T");
	REJECT("2024-03-15T12:");
	REJECT("2024-03-15T12:3");
	REJECT("2024-03-15T12:34:5");
	REJECT("2024-03-15T12:34:56.");
	REJECT("2024-03-15T12:34:56Zjunk");
	REJECT("2024-03-15T12:34:56+03:00x");
	REJECT("2024-03-15T12:34:56+3:00");
	REJECT("2024-03-15T12:34:56+03:0");
	REJECT("2024-03-15T12:34:56+24:00");
	REJECT("2024-03-15T12:34:56+03:60");
	REJECT("2024-03-15T12:34:56+");
	REJECT("2024-03-15x");
	REJECT("2024-03-15junk");
	REJECT("2024-03-15Z");
	REJECT("2024-1-5");
	REJECT("2024-01-5");
	REJECT("24-01-05");
	REJECT("2024/03/15");
	REJECT("15.03.2024");
	REJECT("March 15, 2024");
	REJECT("not a date");
	REJECT("2024-03-15T12:34:56ZZ");
	REJECT("+2024-03-15");
	/* an offset's colon with no minutes after it */
	REJECT("2024-03-15T12:34:56+05:");
	REJECT("２０２４-03-15");
	check_rejects(__LINE__, "2024-03-15\0", 11);
	check_rejects(__LINE__, "2024-03-15T12:34:56\0Z", 21);
}

/* Dates without an offset follow the mount's zone; dates with one don't. */
static void test_zones(void)
{
	struct pdate p;

	CHECK_INT(dates_set_zone("UTC"), 0);
	FORM("2024-06-01T10:00:00", 2024, 6, 1, 10, 0, 0, 0, 0, 1);

	CHECK_INT(dates_set_zone("Europe/Moscow"), 0);
	FORM("2024-06-01T10:00:00", 2024, 6, 1, 10, 0, 0, 0, 180, 1);
	FORM("2024-01-01T00:00:00", 2024, 1, 1, 0, 0, 0, 0, 180, 1);
	FORM("2024-01-01", 2024, 1, 1, 0, 0, 0, 0, 180, 0);
	FORM("2024-06-01 10:00", 2024, 6, 1, 10, 0, 0, 0, 180, 1);
	/* a written offset wins over the zone */
	FORM("2024-06-01T10:00:00Z", 2024, 6, 1, 10, 0, 0, 0, 0, 1);
	FORM("2024-06-01T10:00:00-04:00", 2024, 6, 1, 10, 0, 0, 0, -240, 1);

	/* The wall clock of an instant, in the mount's zone. */
	pdate_from_time(utc(2024, 6, 1, 22, 30, 0), 7, &p);
	CHECK_INT(p.y, 2024);
	CHECK_INT(p.mo, 6);
	CHECK_INT(p.d, 2);
	CHECK_INT(p.h, 1);
	CHECK_INT(p.mi, 30);
	CHECK_INT(p.off, 180);
	CHECK_INT(p.nsec, 7);
	CHECK_INT(p.t, utc(2024, 6, 1, 22, 30, 0));
	CHECK_INT(p.set, 1);

	CHECK_INT(dates_set_zone("America/New_York"), 0);
	FORM("2024-01-15T12:00:00", 2024, 1, 15, 12, 0, 0, 0, -300, 1);
	FORM("2024-07-15T12:00:00", 2024, 7, 15, 12, 0, 0, 0, -240, 1);
	FORM("2024-01-15", 2024, 1, 15, 0, 0, 0, 0, -300, 0);
	FORM("2024-07-15", 2024, 7, 15, 0, 0, 0, 0, -240, 0);
	/* the day before and after the 2024 change (March 10, November 3) */
	FORM("2024-03-09T12:00:00", 2024, 3, 9, 12, 0, 0, 0, -300, 1);
	FORM("2024-03-11T12:00:00", 2024, 3, 11, 12, 0, 0, 0, -240, 1);
	FORM("2024-11-02T12:00:00", 2024, 11, 2, 12, 0, 0, 0, -240, 1);
	FORM("2024-11-04T12:00:00", 2024, 11, 4, 12, 0, 0, 0, -300, 1);
	FORM("2024-07-15T12:00:00+03:00", 2024, 7, 15, 12, 0, 0, 0, 180, 1);
	pdate_from_time(utc(2024, 1, 15, 3, 0, 0), 0, &p);
	CHECK_INT(p.d, 14);
	CHECK_INT(p.h, 22);
	CHECK_INT(p.off, -300);

	CHECK_INT(dates_set_zone("Pacific/Auckland"), 0);
	FORM("2024-01-15T12:00:00", 2024, 1, 15, 12, 0, 0, 0, 780, 1);
	FORM("2024-07-15T12:00:00", 2024, 7, 15, 12, 0, 0, 0, 720, 1);
	FORM("2024-01-01", 2024, 1, 1, 0, 0, 0, 0, 780, 0);

	CHECK_INT(dates_set_zone("Asia/Kolkata"), 0);
	FORM("2024-07-15T12:00:00", 2024, 7, 15, 12, 0, 0, 0, 330, 1);

	/* Unknown zones and paths are refused, and leave the zone as it was. */
	CHECK_INT(dates_set_zone("Europe/Moscow"), 0);
	CHECK_INT(dates_set_zone("Nowhere/City"), -EINVAL);
	CHECK_INT(dates_set_zone("../etc/passwd"), -EINVAL);
	CHECK_INT(dates_set_zone("Europe/../../../etc/passwd"), -EINVAL);
	CHECK_INT(dates_set_zone("/etc/passwd"), -EINVAL);
	CHECK_INT(dates_set_zone("Europe"), -EINVAL);
	CHECK_INT(dates_set_zone("Europe/Moscow/"), -EINVAL);
	FORM("2024-06-01T10:00:00", 2024, 6, 1, 10, 0, 0, 0, 180, 1);

	CHECK_INT(dates_set_zone("UTC"), 0);
	FORM("2024-06-01T10:00:00", 2024, 6, 1, 10, 0, 0, 0, 0, 1);
}

/* Format, then parse: the same instant, fraction and offset. */
static void check_round_trip(int line, const char *s)
{
	struct pdate a, b;
	struct buf out = BUF_INIT;

	if (parse(s, &a)) {
		check_note(0, __FILE__, line, "pdate_parse(\"%s\") for a round trip", s);
		return;
	}
	pdate_format(&out, &a);
	check_note(!out.oom && out.data, __FILE__, line, "pdate_format(\"%s\")", s);
	if (!out.data)
		return;
	check_note(parse(out.data, &b) == 0, __FILE__, line,
		   "\"%s\" formatted as \"%s\" parses again", s, out.data);
	check_note(a.t == b.t && a.nsec == b.nsec && a.off == b.off &&
		   a.y == b.y && a.mo == b.mo && a.d == b.d && a.h == b.h &&
		   a.mi == b.mi && a.s == b.s, __FILE__, line,
		   "\"%s\" -> \"%s\": t %lld/%lld nsec %d/%d off %d/%d", s,
		   out.data, (long long)a.t, (long long)b.t, (int)a.nsec,
		   (int)b.nsec, a.off, b.off);
	buf_free(&out);
}

#define ROUND(s) check_round_trip(__LINE__, s)

static void check_format(int line, const char *s, const char *want)
{
	struct pdate a;
	struct buf out = BUF_INIT;

	if (parse(s, &a)) {
		check_note(0, __FILE__, line, "pdate_parse(\"%s\")", s);
		return;
	}
	pdate_format(&out, &a);
	check_str(__FILE__, line, s, out.data, want);
	buf_free(&out);
}

static void test_format(void)
{
	CHECK_INT(dates_set_zone("UTC"), 0);
	check_format(__LINE__, "2025-09-07T12:22:17+03:00", "2025-09-07T12:22:17+03:00");
	check_format(__LINE__, "2025-09-07T12:22:17Z", "2025-09-07T12:22:17Z");
	check_format(__LINE__, "2025-09-07 12:22", "2025-09-07T12:22:00Z");
	check_format(__LINE__, "2025-09-07", "2025-09-07T00:00:00Z");
	check_format(__LINE__, "2025-09-07T12:22:17.5-0700", "2025-09-07T12:22:17.5-07:00");
	check_format(__LINE__, "2025-09-07T12:22:17.120-03:30", "2025-09-07T12:22:17.12-03:30");
	check_format(__LINE__, "2025-09-07T12:22:17.000000001+05:30",
		     "2025-09-07T12:22:17.000000001+05:30");

	ROUND("2024-03-15");
	ROUND("2024-03-15T12:34:56Z");
	ROUND("2024-03-15T12:34:56.123456789+03:00");
	ROUND("2024-03-15T12:34:56.5-0700");
	ROUND("2024-03-15T12:34+05:30");
	ROUND("2024-03-15T12:34:56-03:30");
	ROUND("1969-12-31T23:59:59.999Z");
	ROUND("9999-12-31T23:59:59+14:00");
	ROUND("0001-01-01T00:00:00Z");

	/* Dates that take the zone keep it through the round trip. */
	CHECK_INT(dates_set_zone("America/New_York"), 0);
	ROUND("2024-01-15T12:00:00");
	ROUND("2024-07-15T12:00:00");
	ROUND("2024-07-15");
	check_format(__LINE__, "2024-07-15T12:00:00", "2024-07-15T12:00:00-04:00");
	CHECK_INT(dates_set_zone("Pacific/Auckland"), 0);
	ROUND("2024-01-15T12:00:00.25");
	check_format(__LINE__, "2024-01-15T12:00:00", "2024-01-15T12:00:00+13:00");
	CHECK_INT(dates_set_zone("UTC"), 0);
}

static int cmp_of(const char *a, const char *b)
{
	struct pdate x, y;

	if (parse(a, &x) || parse(b, &y))
		return 99;
	return pdate_cmp(&x, &y);
}

static void test_cmp(void)
{
	CHECK_INT(dates_set_zone("UTC"), 0);
	CHECK(cmp_of("2024-03-15", "2024-03-16") < 0);
	CHECK(cmp_of("2024-03-16", "2024-03-15") > 0);
	CHECK_INT(cmp_of("2024-03-15", "2024-03-15T00:00:00Z"), 0);
	/* one instant written in two offsets */
	CHECK_INT(cmp_of("2024-03-15T12:00:00+03:00", "2024-03-15T09:00:00Z"), 0);
	/* the later wall clock is the earlier instant */
	CHECK(cmp_of("2024-03-15T12:00:00+03:00", "2024-03-15T10:00:00Z") < 0);
	CHECK(cmp_of("2024-03-15T10:00:00-05:00", "2024-03-15T12:00:00Z") > 0);
	/* fractions order within a second */
	CHECK(cmp_of("2024-03-15T12:00:00.1Z", "2024-03-15T12:00:00.2Z") < 0);
	CHECK(cmp_of("2024-03-15T12:00:00.2Z", "2024-03-15T12:00:00.1Z") > 0);
	CHECK(cmp_of("2024-03-15T12:00:00.999999999Z", "2024-03-15T12:00:01Z") < 0);
	CHECK(cmp_of("1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z") < 0);
	CHECK(cmp_of("9999-12-31", "2024-01-01") > 0);
}

int main(void)
{
	test_forms();
	test_rejects();
	test_zones();
	test_format();
	test_cmp();
	return check_done("test_dates");
}
