/* Unit tests of mountdata/names.c: every name is a valid single path
 * component, look-alikes replace what cannot stay, long names stay
 * distinct, keys fold case, and the hash is FNV-1a 64. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "names.h"

#define DIVISION_SLASH "\xE2\x88\x95"   /* U+2215 */
#define ONE_DOT_LEADER "\xE2\x80\xA4"   /* U+2024 */
#define REPLACEMENT    "\xEF\xBF\xBD"   /* U+FFFD */

/* Whether name[0..n) is a valid single path component of at most max
 * bytes, as names.h promises; prints why not. */
static int component_ok(int line, const char *in, size_t inlen,
			const char *name, size_t n, size_t max)
{
	const char *why = NULL;
	size_t i;

	if (!name || n == 0)
		why = "empty";
	else if (n > max)
		why = "longer than max";
	else if (memchr(name, '/', n))
		why = "holds '/'";
	else if (memchr(name, '\0', n))
		why = "holds a NUL";
	else if (!check_utf8_valid(name, n))
		why = "not valid UTF-8";
	else if ((n == 1 && name[0] == '.') || (n == 2 && !memcmp(name, "..", 2)))
		why = "is . or ..";
	else if (name[0] == '.')
		why = "hidden (leading '.')";
	else if (name[0] == ' ' || name[n - 1] == ' ')
		why = "not trimmed";
	for (i = 0; !why && i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7F)
			why = "holds a control character";
	check_note(!why, __FILE__, line, "name from %zu bytes is a valid component%s%s",
		   inlen, why ? ": " : "", why ? why : "");
	if (why) {
		fputs("    input: ", stdout);
		check_put_bytes(stdout, in, inlen);
		fputs("\n    name:  ", stdout);
		check_put_bytes(stdout, name, n);
		printf(" (%zu bytes, max %zu)\n", n, max);
	}
	return !why;
}

/* name_make(s[0..n), max), checked as a component; the caller frees. */
static char *make(int line, const char *s, size_t n, size_t max, size_t *len)
{
	struct buf b = BUF_INIT;

	name_make(&b, s, n, max);
	check_note(!b.oom && b.data, __FILE__, line, "name_make produced bytes");
	component_ok(line, s, n, b.data, b.len, max);
	return buf_detach(&b, len);
}

static void check_name(int line, const char *in, size_t n, size_t max,
		       const char *want)
{
	size_t len = 0;
	char *got = make(line, in, n, max, &len);

	check_mem(__FILE__, line, "name_make", got, len, want, strlen(want));
	free(got);
}

#define NAME(in, want) check_name(__LINE__, in, strlen(in), NAME_MAX_BYTES, want)

static void test_simple(void)
{
	NAME("hello", "hello");
	NAME("Hello World", "Hello World");
	NAME("trends-2024", "trends-2024");
	NAME("Технологии", "Технологии");
	NAME("日本語 テキスト", "日本語 テキスト");
	NAME("emoji 🚀", "emoji 🚀");
	NAME("CI/CD", "CI" DIVISION_SLASH "CD");
	NAME("a/b/c", "a" DIVISION_SLASH "b" DIVISION_SLASH "c");
	NAME("/", DIVISION_SLASH);
	NAME(".NET", ONE_DOT_LEADER "NET");
	NAME("node.js", "node.js");
	NAME("v1.0.", "v1.0.");
	NAME(".", ONE_DOT_LEADER);
	NAME("..", ONE_DOT_LEADER ".");
	NAME("...", ONE_DOT_LEADER "..");
	NAME("../etc", ONE_DOT_LEADER "." DIVISION_SLASH "etc");
	NAME("", "_");
	NAME("   ", "_");
	NAME("\t\n\r", "_");
	NAME("  hello  ", "hello");
	NAME("a\tb", "a b");
	NAME("a\nb", "a b");
	NAME("a\r\nb", "a b");
	NAME("a  \t\n  b", "a b");
	NAME("a\x01" "b", "a b");
	NAME("a\x1F" "b", "a b");
	NAME("a\x7F" "b", "a b");
	NAME("\x01\x02\x03", "_");
	NAME("\x01 x \x02", "x");
	/* C1 controls, written as valid UTF-8 (U+0085 NEL, U+009B CSI) */
	NAME("a\xC2\x85" "b", "a b");
	NAME("a\xC2\x9B" "b", "a b");
	/* Unicode line and paragraph separators, no-break space */
	NAME("a\xE2\x80\xA8" "b", "a b");
	NAME("a\xE2\x80\xA9" "b", "a b");
	/* a leading space then a dot: the dot is first once trimmed */
	NAME("  .hidden", ONE_DOT_LEADER "hidden");
	NAME("\t.", ONE_DOT_LEADER);
	check_name(__LINE__, "a\0b", 3, NAME_MAX_BYTES, "a b");
	check_name(__LINE__, "\0", 1, NAME_MAX_BYTES, "_");
	check_name(__LINE__, "ab", 0, NAME_MAX_BYTES, "_");
	/* the same input gives the same name */
	{
		size_t l1, l2;
		char *a = make(__LINE__, "CI/CD", 5, NAME_MAX_BYTES, &l1);
		char *b = make(__LINE__, "CI/CD", 5, NAME_MAX_BYTES, &l2);

		CHECK_MEM(a, l1, b, l2);
		free(a);
		free(b);
	}
}

static void test_invalid_utf8(void)
{
	NAME("ab\xFF" "cd", "ab" REPLACEMENT "cd");
	NAME("\xFF", REPLACEMENT);
	NAME("abc\xC3", "abc" REPLACEMENT);          /* truncated sequence */
	NAME("\xED\xA0\x80", REPLACEMENT REPLACEMENT REPLACEMENT); /* surrogate */
	/* an overlong '/' must not become a slash */
	{
		size_t len;
		char *s = make(__LINE__, "a\xC0\xAF" "b", 4, NAME_MAX_BYTES, &len);

		CHECK(s && !memchr(s, '/', len));
		CHECK(s && len > 2 && s[0] == 'a' && s[len - 1] == 'b');
		free(s);
	}
	/* an overlong '.' at the start must not become a dot */
	{
		size_t len;
		char *s = make(__LINE__, "\xC0\xAE\xC0\xAE", 4, NAME_MAX_BYTES, &len);

		CHECK(s && len && s[0] != '.');
		free(s);
	}
	/* code points past U+10FFFF */
	{
		size_t len;
		char *s = make(__LINE__, "x\xF4\x90\x80\x80y", 6, NAME_MAX_BYTES, &len);

		CHECK(s && len > 2 && s[0] == 'x' && s[len - 1] == 'y');
		free(s);
	}
}

static int is_hex8(const char *s)
{
	int i;

	for (i = 0; i < 8; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

static void test_long(void)
{
	char a[1000], b[1000], c[1000];
	char *na, *nb, *na2, *nc;
	size_t la, lb, la2, lc, i;

	for (i = 0; i < sizeof(a); i++)
		a[i] = (char)('a' + i % 26);
	memcpy(b, a, sizeof(b));
	b[sizeof(b) - 1] = '!';       /* shares 999 bytes with a */
	memcpy(c, a, sizeof(c));
	memset(c + 300, 'z', 700);     /* shares 300 bytes with a */

	na = make(__LINE__, a, sizeof(a), NAME_MAX_BYTES, &la);
	nb = make(__LINE__, b, sizeof(b), NAME_MAX_BYTES, &lb);
	nc = make(__LINE__, c, sizeof(c), NAME_MAX_BYTES, &lc);
	na2 = make(__LINE__, a, sizeof(a), NAME_MAX_BYTES, &la2);
	CHECK(la <= NAME_MAX_BYTES && lb <= NAME_MAX_BYTES && lc <= NAME_MAX_BYTES);
	CHECK_MEM(na, la, na2, la2);
	CHECK(la != lb || memcmp(na, nb, la));
	CHECK(la != lc || memcmp(na, nc, la));
	CHECK(lb != lc || memcmp(nb, nc, lb));
	/* The cut keeps as much of the name as fits, then ~ and 8 hex digits. */
	CHECKF(la >= 200, "only %zu bytes kept", la);
	CHECK(la > 9 && na[la - 9] == '~' && is_hex8(na + la - 8));
	CHECK(la > 9 && !memcmp(na, a, la - 9));
	free(na);
	free(nb);
	free(nc);
	free(na2);

	/* Cyrillic: two bytes a letter, cut on a letter's boundary. */
	{
		struct buf in = BUF_INIT;
		char *n;
		size_t len, k;

		for (i = 0; i < 500; i++)
			buf_adds(&in, i % 2 ? "я" : "Ж");
		n = make(__LINE__, in.data, in.len, NAME_MAX_BYTES, &len);
		CHECK(len <= NAME_MAX_BYTES);
		CHECK(len > 9 && n[len - 9] == '~' && is_hex8(n + len - 8));
		k = len > 9 ? len - 9 : 0;
		CHECK(k % 2 == 0 && k >= 200 && !memcmp(n, in.data, k));
		CHECK(check_utf8_valid(n, k));
		free(n);
		/* three-byte letters, with the cut falling inside one */
		buf_reset(&in);
		for (i = 0; i < 300; i++)
			buf_adds(&in, "語");
		n = make(__LINE__, in.data, in.len, 250, &len);
		CHECK(len <= 250);
		k = len > 9 ? len - 9 : 0;
		CHECK(k % 3 == 0 && !memcmp(n, in.data, k));
		free(n);
		buf_free(&in);
	}

	/* Exactly at the bound: kept whole. */
	{
		char s[NAME_MAX_BYTES + 1];
		char *n;
		size_t len;

		memset(s, 'x', sizeof(s));
		n = make(__LINE__, s, NAME_MAX_BYTES, NAME_MAX_BYTES, &len);
		CHECK_MEM(n, len, s, (size_t)NAME_MAX_BYTES);
		free(n);
		n = make(__LINE__, s, NAME_MAX_BYTES + 1, NAME_MAX_BYTES, &len);
		CHECK(len <= NAME_MAX_BYTES && len > 9 && n[len - 9] == '~');
		free(n);
	}

	/* A max smaller than NAME_MAX_BYTES (a slug keeps room for ".html"). */
	{
		const char *s = "a rather long title that will not fit in few bytes";
		char *n;
		size_t len, max;

		for (max = 10; max <= 60; max += 5) {
			n = make(__LINE__, s, strlen(s), max, &len);
			CHECKF(len <= max, "max %zu, got %zu bytes", max, len);
			free(n);
		}
		n = make(__LINE__, "short", 5, 10, &len);
		CHECK_MEM(n, len, "short", (size_t)5);
		free(n);
		/* max past the bound is held to the bound */
		memset(a, 'q', sizeof(a));
		n = make(__LINE__, a, sizeof(a), 4096, &len);
		CHECK(len <= NAME_MAX_BYTES);
		free(n);
	}
}

/* A max too small for the hash tail: the name must still fit. */
static void test_tiny_max(void)
{
	char *n;
	size_t len, max;

	for (max = 1; max < 9; max++) {
		struct buf b = BUF_INIT;

		name_make(&b, "abcdefghijklmnop", 16, max);
		len = b.len;
		n = buf_detach(&b, NULL);
		CHECKF(len <= max && len > 0,
				   "max %zu: got %zu bytes", max, len);
		free(n);
	}
}

/* Random bytes, weighted toward the troublesome ones: every name a valid
 * component, and the same for the same input. */
static void test_random(void)
{
	static const char *const pieces[] = {
		"/", ".", "..", " ", "\t", "\n", "\r", "\x01", "\x7F", "\0",
		"\xFF", "\xC3", "\xE2\x80", "\xF0\x9F\x9A", "\xC2\x85", "é",
		"Я", "語", "🚀", "a", "Z", "0", "~", "-", "\xE2\x80\xA8",
	};
	uint64_t st = 0x1234567887654321ULL;
	char in[700];
	int round;

	for (round = 0; round < 3000; round++) {
		size_t n = 0, want = check_rand(&st) % 600, max, l1, l2;
		char *a, *b;
		int ok;

		while (n < want) {
			const char *p = pieces[check_rand(&st) % (sizeof(pieces) / sizeof(*pieces))];
			size_t pl = p[0] ? strlen(p) : 1;

			if (check_rand(&st) % 4 == 0) {
				in[n++] = (char)check_rand(&st);
				continue;
			}
			if (n + pl > sizeof(in))
				break;
			memcpy(in + n, p, pl);
			n += pl;
		}
		max = round % 3 == 0 ? 10 + check_rand(&st) % 246 : NAME_MAX_BYTES;
		{
			struct buf x = BUF_INIT, y = BUF_INIT;
			unsigned before = check_failed;

			name_make(&x, in, n, max);
			name_make(&y, in, n, max);
			ok = component_ok(__LINE__, in, n, x.data, x.len, max);
			l1 = x.len;
			l2 = y.len;
			a = buf_detach(&x, NULL);
			b = buf_detach(&y, NULL);
			CHECK_MEM(a, l1, b, l2);
			free(a);
			free(b);
			if (!ok || check_failed != before)
				break;
		}
	}
}

static char *key_of(const char *s)
{
	struct buf b = BUF_INIT;

	name_key(&b, s, strlen(s));
	buf_addc(&b, '\0');
	return buf_detach(&b, NULL);
}

static void check_same_key(int line, const char *a, const char *b, int same)
{
	char *ka = key_of(a), *kb = key_of(b);
	int eq = ka && kb && !strcmp(ka, kb);

	check_note(eq == same, __FILE__, line, "key(\"%s\") %s key(\"%s\") (\"%s\", \"%s\")",
		   a, same ? "==" : "!=", b, ka ? ka : "(null)", kb ? kb : "(null)");
	free(ka);
	free(kb);
}

static void test_keys(void)
{
	char *k;

	check_same_key(__LINE__, "AI", "ai", 1);
	check_same_key(__LINE__, "Ai", "aI", 1);
	check_same_key(__LINE__, "Технологии", "технологии", 1);
	check_same_key(__LINE__, "ТЕХНОЛОГИИ", "технологии", 1);
	check_same_key(__LINE__, "ÄÖÜ", "äöü", 1);
	check_same_key(__LINE__, "Ελληνικά", "ελληνικά", 1);
	/* final sigma: one letter in two lower-case forms */
	check_same_key(__LINE__, "ΟΔΟΣ", "οδος", 1);
	check_same_key(__LINE__, "a", "b", 0);
	check_same_key(__LINE__, "AI", "A I", 0);
	check_same_key(__LINE__, "Технологии", "Технология", 0);
	check_same_key(__LINE__, "ä", "a", 0);

	k = key_of("ÄÖÜ");
	CHECK_STR(k, "äöü");
	free(k);
	k = key_of("ТЕХНОЛОГИИ");
	CHECK_STR(k, "технологии");
	free(k);
	k = key_of("Machine Learning");
	CHECK_STR(k, "machine learning");
	free(k);
	k = key_of("ai");
	CHECK_STR(k, "ai");
	free(k);
	k = key_of("CI" DIVISION_SLASH "CD");
	CHECK_STR(k, "ci" DIVISION_SLASH "cd");
	free(k);
}

/* FNV-1a 64, written again here. */
static unsigned long long fnv1a(const char *s, size_t n)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	while (n--) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void test_hash(void)
{
	static const char *const samples[] = {
		"AI", "Технологии", "trends-2024", "a\xFFz", "CI/CD",
	};
	size_t i;

	/* the published FNV-1a 64 test vectors */
	CHECK_U64(name_hash("", 0), 0xcbf29ce484222325ULL);
	CHECK_U64(name_hash("a", 1), 0xaf63dc4c8601ec8cULL);
	CHECK_U64(name_hash("foobar", 6), 0x85944171f73967e8ULL);
	CHECK_U64(name_hash("Технологии", strlen("Технологии")), 0x26a30d5dd7c5ff99ULL);
	for (i = 0; i < sizeof(samples) / sizeof(*samples); i++)
		CHECK_U64(name_hash(samples[i], strlen(samples[i])),
			  fnv1a(samples[i], strlen(samples[i])));
	CHECK_U64(name_hash("a\0b", 3), fnv1a("a\0b", 3));
	CHECK(name_hash("a\0b", 3) != name_hash("a\0c", 3));
	CHECK(name_hash("ab", 2) != name_hash("ba", 2));
}

int main(void)
{
	test_simple();
	test_invalid_utf8();
	test_long();
	test_tiny_max();
	test_random();
	test_keys();
	test_hash();
	return check_done("test_names");
}
