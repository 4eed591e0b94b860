/* yaml_unit.c — unit tests of the YAML front-matter reader. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "fmerror.h"
#include "frontmatter.h"
#include "yaml_reader.h"

static int passed, failed;

static void check(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static char *show(const json_t *v)
{
	char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

	return s ? s : strdup("(none)");
}

/* ---- typing ---- */

struct typing {
	const char *yaml;	/* the scalar as written after "v: " */
	const char *want;	/* the value as JSON text; NULL: an error */
};

static const struct typing typing_table[] = {
	/* null */
	{ "~", "null" }, { "null", "null" }, { "Null", "null" },
	{ "NULL", "null" }, { "", "null" }, { "nULL", "\"nULL\"" },
	/* booleans, and YAML 1.1 words that are strings in 1.2 */
	{ "true", "true" }, { "True", "true" }, { "TRUE", "true" },
	{ "false", "false" }, { "False", "false" }, { "FALSE", "false" },
	{ "tRUE", "\"tRUE\"" }, { "no", "\"no\"" }, { "yes", "\"yes\"" },
	{ "on", "\"on\"" }, { "off", "\"off\"" }, { "y", "\"y\"" },
	{ "n", "\"n\"" },
	/* integers */
	{ "12", "12" }, { "+12", "12" }, { "-12", "-12" }, { "0", "0" },
	{ "-0", "0" }, { "007", "7" }, { "0o17", "15" }, { "0x1F", "31" },
	{ "0xff", "255" }, { "0o8", "\"0o8\"" }, { "0x", "\"0x\"" },
	{ "0o", "\"0o\"" }, { "+0x1F", "\"+0x1F\"" }, { "0X1F", "\"0X1F\"" },
	{ "1_000", "\"1_000\"" }, { "12 apples", "\"12 apples\"" },
	{ "9223372036854775807", "9223372036854775807" },
	{ "-9223372036854775808", "-9223372036854775808" },
	{ "0x7FFFFFFFFFFFFFFF", "9223372036854775807" },
	/* integers beyond int64 become reals */
	{ "9223372036854775808", "9223372036854775808.0" },
	{ "-9223372036854775809", "-9223372036854775809.0" },
	{ "0x10000000000000000", "18446744073709551616.0" },
	{ "0o2000000000000000000000", "18446744073709551616.0" },
	/* floats */
	{ "1e3", "1000.0" }, { "1E3", "1000.0" }, { ".5", "0.5" },
	{ "-.5", "-0.5" }, { "+.5", "0.5" }, { "1.", "1.0" },
	{ "1.5e-3", "0.0015" }, { "2.5E+2", "250.0" }, { "-1.25", "-1.25" },
	{ ".", "\".\"" }, { "1e", "\"1e\"" }, { "e3", "\"e3\"" },
	{ "1.2.3", "\"1.2.3\"" }, { "1,5", "\"1,5\"" },
	/* non-finite floats become strings */
	{ ".inf", "\"inf\"" }, { ".Inf", "\"inf\"" }, { "+.INF", "\"inf\"" },
	{ "-.inf", "\"-inf\"" }, { "-.Inf", "\"-inf\"" },
	{ ".nan", "\"nan\"" }, { ".NaN", "\"nan\"" }, { ".NAN", "\"nan\"" },
	{ ".iNf", "\".iNf\"" }, { "-.nan", "\"-.nan\"" },
	{ "1e999", "\"inf\"" }, { "-1e999", "\"-inf\"" },
	/* dates and other text stay strings */
	{ "2024-01-15", "\"2024-01-15\"" },
	{ "2025-09-07T12:22:17+03:00", "\"2025-09-07T12:22:17+03:00\"" },
	{ "12:30", "\"12:30\"" }, { "foo bar", "\"foo bar\"" },
	/* quoting and block scalars: always strings */
	{ "\"true\"", "\"true\"" }, { "'12'", "\"12\"" },
	{ "\"null\"", "\"null\"" }, { "''", "\"\"" }, { "|\n  12\n", "\"12\\n\"" },
	{ ">-\n  a\n  b\n", "\"a b\"" },
	/* tags */
	{ "!!str 12", "\"12\"" }, { "!!str true", "\"true\"" },
	{ "!!str", "\"\"" }, { "!!int \"12\"", "12" }, { "!!int 0x10", "16" },
	{ "!!float 1", "1.0" }, { "!!float '2.5'", "2.5" },
	{ "!!float .inf", "\"inf\"" }, { "!!bool \"true\"", "true" },
	{ "!!null ''", "null" }, { "!!null ~", "null" }, { "! 12", "\"12\"" },
	{ "!local 12", "\"12\"" }, { "!<tag:example.com,2000:x> 1", "\"1\"" },
	{ "!!timestamp 2024-01-15", "\"2024-01-15\"" },
	{ "!!int 1.5", NULL }, { "!!int abc", NULL }, { "!!float x", NULL },
	{ "!!bool yes", NULL }, { "!!null 0", NULL },
};

static void test_typing(void)
{
	struct pf_error err;
	char doc[256];
	size_t i;

	for (i = 0; i < sizeof(typing_table) / sizeof(typing_table[0]); i++) {
		const struct typing *t = &typing_table[i];
		json_t *got = NULL, *want = NULL, *v;
		char *s;
		int rc;

		snprintf(doc, sizeof(doc), "v: %s", t->yaml);
		rc = fm_parse_yaml(doc, strlen(doc), NULL, &got, &err);
		if (!t->want) {
			check(rc == -EINVAL && !got &&
			      strstr(err.msg, "does not fit its tag") &&
			      err.line == 1 && err.column == 4,
			      "typing: `%s` should be rejected, got rc %d (%s)",
			      t->yaml, rc, err.msg);
			json_decref(got);
			continue;
		}
		want = json_loads(t->want, JSON_DECODE_ANY, NULL);
		if (!want) {
			check(0, "typing: bad expectation %s", t->want);
			json_decref(got);
			continue;
		}
		v = rc ? NULL : json_object_get(got, "v");
		s = show(v);
		/* json_equal tells integers from reals: 1000 is not 1000.0 */
		check(!rc && v && json_equal(v, want),
		      "typing: `%s` gave %s (rc %d %s), want %s", t->yaml, s,
		      rc, rc ? err.msg : "", t->want);
		free(s);
		json_decref(want);
		json_decref(got);
	}
}

/* Keys are the text as written, never typed. */
static void test_keys(void)
{
	static const char doc[] =
		"1: a\ntrue: b\n~: c\n\"q\": d\n'x y': e\n0x10: f\n\"\": g\n";
	static const char *const keys[] = { "1", "true", "~", "q", "x y",
					    "0x10", "" };
	struct pf_error err;
	json_t *got = NULL;
	void *it;
	size_t i = 0;
	int rc;

	rc = fm_parse_yaml(doc, sizeof(doc) - 1, NULL, &got, &err);
	check(!rc, "keys: rejected: %s", err.msg);
	if (rc)
		return;
	check(json_object_size(got) == 7, "keys: %zu keys, want 7",
	      json_object_size(got));
	for (it = json_object_iter(got); it && i < 7;
	     it = json_object_iter_next(got, it), i++)
		check(!strcmp(json_object_iter_key(it), keys[i]),
		      "keys: key %zu is \"%s\", want \"%s\" in document order",
		      i, json_object_iter_key(it), keys[i]);
	json_decref(got);
}

/* ---- a Hugo front matter ---- */

static void test_hugo(void)
{
	static const char doc[] =
		"title: \"Будущее уже здесь\"\n"
		"date: 2025-09-07T12:22:17+03:00\n"
		"tags: [\"AI\", \"Tech\"]\n"
		"image: \"/x.png\"\n"
		"draft: false\n"
		"weight: 10\n";
	static const char crlf[] = "\xef\xbb\xbftitle: x\r\ntags:\r\n  - a\r\n";
	static const char *const order[] = { "title", "date", "tags", "image",
					     "draft", "weight" };
	struct pf_error err;
	json_t *got = NULL, *tags;
	void *it;
	size_t i;
	int rc;

	rc = fm_parse_yaml(doc, sizeof(doc) - 1, NULL, &got, &err);
	check(!rc && json_is_object(got), "hugo: rejected: %d:%d %s",
	      err.line, err.column, err.msg);
	if (rc)
		return;
	check(json_is_string(json_object_get(got, "title")) &&
	      !strcmp(json_string_value(json_object_get(got, "title")),
		      "Будущее уже здесь"),
	      "hugo: title");
	check(json_is_string(json_object_get(got, "date")) &&
	      !strcmp(json_string_value(json_object_get(got, "date")),
		      "2025-09-07T12:22:17+03:00"),
	      "hugo: date must stay the string as written");
	tags = json_object_get(got, "tags");
	check(json_is_array(tags) && json_array_size(tags) == 2 &&
	      !strcmp(json_string_value(json_array_get(tags, 0)), "AI") &&
	      !strcmp(json_string_value(json_array_get(tags, 1)), "Tech"),
	      "hugo: tags");
	check(json_is_string(json_object_get(got, "image")) &&
	      !strcmp(json_string_value(json_object_get(got, "image")), "/x.png"),
	      "hugo: image");
	check(json_is_false(json_object_get(got, "draft")), "hugo: draft");
	check(json_integer_value(json_object_get(got, "weight")) == 10 &&
	      json_is_integer(json_object_get(got, "weight")), "hugo: weight");
	for (i = 0, it = json_object_iter(got); it && i < 6;
	     it = json_object_iter_next(got, it), i++)
		check(!strcmp(json_object_iter_key(it), order[i]),
		      "hugo: key %zu is %s, want %s", i,
		      json_object_iter_key(it), order[i]);
	check(i == 6 && json_object_size(got) == 6, "hugo: %zu keys",
	      json_object_size(got));
	json_decref(got);

	/* the same with CRLF line ends and a BOM */
	rc = fm_parse_yaml(crlf, sizeof(crlf) - 1, NULL, &got, &err);
	check(!rc && json_is_array(json_object_get(got, "tags")) &&
	      !strcmp(json_string_value(json_object_get(got, "title")), "x"),
	      "hugo: CRLF and BOM: %s", rc ? err.msg : "wrong value");
	json_decref(got);
}

/* ---- errors and their positions ---- */

struct bad {
	const char *doc;
	int line, column;
	const char *msg;	/* a part of the message */
};

static const struct bad bad_table[] = {
	{ "a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key \"a\"" },
	{ "x:\n  k: 1\n  j: 2\n  k: 3\n", 4, 3, "duplicate key \"k\"" },
	{ "x: {k: 1, k: 2}", 1, 11, "duplicate key \"k\"" },
	{ "&a [*a]", 1, 5, "alias *a is inside the node it names" },
	{ "a: &a {b: [*a]}", 1, 12, "alias *a is inside the node it names" },
	{ "a: *nowhere", 1, 4, "alias *nowhere names no anchor" },
	{ "? [a]\n: b", 1, 3, "mapping key must be a scalar" },
	{ "? {a: 1}\n: b", 1, 3, "mapping key must be a scalar" },
	{ "a: &s [1]\n*s : b", 2, 1, "mapping key must be a scalar" },
	{ "\"a\\0b\": 1", 1, 1, "NUL" },
	{ "a: 1\n---\nb: 2", 2, 1, "second YAML document" },
	{ "a: 1\n...\n---\nb: 2", 3, 1, "second YAML document" },
	/* libyaml's own errors keep its marks and messages */
	{ "a: b: c", 1, 5, "mapping values are not allowed" },
	{ "a: [1, 2\nb: 3", 2, 2, "while parsing a flow sequence 1 line above, at column 4" },
	{ "a: \"x\\ud800\"", 1, 8, "invalid Unicode character escape" },
	/* invalid UTF-8 and other encodings */
	{ "a: \xff\n", 1, 4, "invalid UTF-8: byte 0xFF does not begin" },
	{ "a: b\nc: d\xc3", 2, 5, "invalid UTF-8" },
	{ "t: \xd0\x91\xd1\n", 1, 5, "invalid UTF-8: byte 0xD1" },
	{ "a: \xed\xa0\x80\n", 1, 4, "invalid UTF-8: byte 0xED" },
	{ "a: \xc0\xaf\n", 1, 4, "invalid UTF-8: byte 0xC0" },
	{ "a: \xf4\x90\x80\x80\n", 1, 4, "invalid UTF-8: byte 0xF4" },
	{ "\xff\xfe" "a\0:\0 \0b\0", 1, 1, "invalid UTF-8" },
	{ "a: \x01", 1, 4, "control characters" },
};

static void test_errors(void)
{
	struct pf_error err;
	size_t i;

	for (i = 0; i < sizeof(bad_table) / sizeof(bad_table[0]); i++) {
		const struct bad *b = &bad_table[i];
		/* the UTF-16 case holds NULs: its length is fixed */
		size_t len = b->doc[0] == '\xff' ? 10 : strlen(b->doc);
		json_t *got = NULL;
		int rc;

		memset(&err, 0, sizeof(err));
		rc = fm_parse_yaml(b->doc, len, NULL, &got, &err);
		check(rc == -EINVAL && !got && err.line == b->line &&
		      err.column == b->column && strstr(err.msg, b->msg),
		      "errors: case %zu gave rc %d at %d:%d \"%s\", want %d:%d \"...%s...\"",
		      i, rc, err.line, err.column, err.msg, b->line, b->column,
		      b->msg);
		json_decref(got);
	}
}

/* ---- roots ---- */

static void test_roots(void)
{
	static const struct {
		const char *doc;
		const char *kind;	/* NULL: accepted as an empty object */
		int line, column;
	} roots[] = {
		{ "", NULL, 0, 0 },
		{ "# only a comment\n\n# and another\n", NULL, 0, 0 },
		{ "~", NULL, 0, 0 },
		{ "- a\n- b\n", "a sequence", 1, 1 },
		{ "# c\n  hello\n", "a string", 2, 3 },
		{ "12", "an integer", 1, 1 },
		{ "1.5", "a float", 1, 1 },
		{ "true", "a boolean", 1, 1 },
		{ "\"text\"", "a string", 1, 1 },
	};
	struct pf_error err;
	json_t *got;
	char want[64];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		got = NULL;
		memset(&err, 0, sizeof(err));
		rc = fm_parse_yaml(roots[i].doc, strlen(roots[i].doc), NULL,
				   &got, &err);
		if (!roots[i].kind) {
			check(!rc && json_is_object(got) && !json_object_size(got),
			      "roots: `%s` should give {}: %s", roots[i].doc,
			      err.msg);
		} else {
			snprintf(want, sizeof(want),
				 "front matter is %s, not a mapping", roots[i].kind);
			check(rc == -EINVAL && !got && !strcmp(err.msg, want) &&
			      err.line == roots[i].line &&
			      err.column == roots[i].column,
			      "roots: `%s` gave %d:%d \"%s\", want %d:%d \"%s\"",
			      roots[i].doc, err.line, err.column, err.msg,
			      roots[i].line, roots[i].column, want);
		}
		json_decref(got);
	}

	/* yaml_parse_value takes any root */
	rc = yaml_parse_value("- 1\n- x\n", 8, NULL, &got, &err);
	check(!rc && json_is_array(got) && json_array_size(got) == 2 &&
	      json_integer_value(json_array_get(got, 0)) == 1,
	      "roots: yaml_parse_value on a sequence");
	json_decref(got);
	rc = yaml_parse_value("", 0, NULL, &got, &err);
	check(!rc && json_is_null(got), "roots: empty stream is null");
	json_decref(got);
	rc = yaml_parse_value("42", 2, NULL, &got, &err);
	check(!rc && json_is_integer(got) && json_integer_value(got) == 42,
	      "roots: scalar root");
	json_decref(got);
}

/* ---- anchors, aliases and the limits ---- */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_aliases(void)
{
	static const char shared[] = "a: &a [1, 2]\nb: [*a, *a]\nc: &k key\nd: {*k : v}\n";
	struct fm_limits lim = FM_LIMITS_DEFAULT;
	struct pf_error err;
	json_t *got = NULL, *b;
	int rc;

	rc = fm_parse_yaml(shared, sizeof(shared) - 1, NULL, &got, &err);
	check(!rc, "aliases: rejected: %s", err.msg);
	if (!rc) {
		b = json_object_get(got, "b");
		check(json_array_size(b) == 2 &&
		      json_equal(json_array_get(b, 0), json_object_get(got, "a")) &&
		      json_integer_value(json_array_get(json_array_get(b, 1), 1)) == 2,
		      "aliases: *a expands to [1, 2]");
		check(!strcmp(json_string_value(json_object_get(
			      json_object_get(got, "d"), "key")), "v"),
		      "aliases: an alias of a scalar works as a key");
	}
	json_decref(got);

	/* Values: map, a, [, 1, 2 (5); b, [ (7); two aliases of 3 (13). */
	lim.max_nodes = 13;
	rc = fm_parse_yaml(shared, 25, &lim, &got, &err);
	check(!rc, "aliases: 13 values fit a limit of 13: %s", err.msg);
	json_decref(got);
	lim.max_nodes = 12;
	rc = fm_parse_yaml(shared, 25, &lim, &got, &err);
	check(rc == -EINVAL && strstr(err.msg, "aliases expand past 12 values") &&
	      err.line == 2 && err.column == 9,
	      "aliases: 13 values pass a limit of 12: %d:%d %s", err.line,
	      err.column, err.msg);
	lim.max_nodes = 4;
	rc = fm_parse_yaml(shared, 25, &lim, &got, &err);
	check(rc == -EINVAL && strstr(err.msg, "more than 4 values"),
	      "aliases: plain values count too: %s", err.msg);
}

static void test_billion_laughs(void)
{
	struct buf doc = BUF_INIT;
	struct pf_error err;
	struct timespec t0;
	json_t *got = NULL;
	double took;
	int level, i, rc;

	buf_adds(&doc, "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
	for (level = 1; level < 10; level++) {
		buf_printf(&doc, "a%d: &a%d [", level, level);
		for (i = 0; i < 10; i++)
			buf_printf(&doc, "%s*a%d", i ? ", " : "", level - 1);
		buf_adds(&doc, "]\n");
	}
	check(!buf_error(&doc), "billion laughs: out of memory");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = fm_parse_yaml(doc.data, doc.len, NULL, &got, &err);
	took = seconds_since(&t0);
	check(rc == -EINVAL && !got &&
	      strstr(err.msg, "aliases expand past 100000 values"),
	      "billion laughs: rc %d, %s", rc, err.msg);
	/* with its key, line 4 brings the count to 12349, and each *a3 on
	 * line 5 adds 11111: the eighth one passes 100000 */
	check(err.line == 5 && err.column == 45,
	      "billion laughs: stopped at %d:%d, want 5:45", err.line,
	      err.column);
	check(took < 1.0, "billion laughs: took %.3f s", took);
	json_decref(got);
	buf_free(&doc);

	/* text blown up through aliases is bounded too */
	{
		struct fm_limits lim = { 128, 64, 100000 };
		static const char text[] =
			"a: &a xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
			"b: &b [*a,*a,*a,*a,*a,*a]\n"
			"c: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n";

		/* keys count too: 1 + 40 + 1 + 6 * 40 + 1 = 283 bytes before
		 * the first *b, each of which brings 240, so the eighth
		 * passes 16 * 128 = 2048 */
		rc = fm_parse_yaml(text, sizeof(text) - 1, &lim, &got, &err);
		check(rc == -EINVAL && strstr(err.msg, "aliases expand past 2048 bytes") &&
		      err.line == 3 && err.column == 26,
		      "alias text: rc %d at %d:%d %s", rc, err.line, err.column,
		      err.msg);
		json_decref(got);
	}
}

static void test_depth(void)
{
	struct fm_limits lim = FM_LIMITS_DEFAULT;
	struct pf_error err;
	struct buf deep = BUF_INIT;
	struct timespec t0;
	json_t *got = NULL;
	int rc, i;

	lim.max_depth = 5;
	rc = fm_parse_yaml("a: [[[[1]]]]", 12, &lim, &got, &err);
	check(!rc, "depth: 5 levels fit a limit of 5: %s", err.msg);
	json_decref(got);
	rc = fm_parse_yaml("a: [[[[[1]]]]]", 14, &lim, &got, &err);
	check(rc == -EINVAL && strstr(err.msg, "nesting deeper than 5 levels") &&
	      err.line == 1 && err.column == 8,
	      "depth: 6 levels pass a limit of 5: %d:%d %s", err.line,
	      err.column, err.msg);
	json_decref(got);

	/* an alias brings its own depth: 1 + 3 + 3 = 7 */
	lim.max_depth = 7;
	rc = fm_parse_yaml("a: &a [[[1]]]\nb: [[[*a]]]", 25, &lim, &got, &err);
	check(!rc, "depth: alias at 7 levels with a limit of 7: %s", err.msg);
	json_decref(got);
	lim.max_depth = 6;
	rc = fm_parse_yaml("a: &a [[[1]]]\nb: [[[*a]]]", 25, &lim, &got, &err);
	check(rc == -EINVAL && strstr(err.msg, "nesting deeper than 6 levels") &&
	      err.line == 2 && err.column == 7,
	      "depth: alias at 7 levels with a limit of 6: %d:%d %s", err.line,
	      err.column, err.msg);
	json_decref(got);

	/* a very deep document fails fast at the default limit */
	for (i = 0; i < 100000; i++)
		buf_addc(&deep, '[');
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = fm_parse_yaml(deep.data, deep.len, NULL, &got, &err);
	check(rc == -EINVAL && strstr(err.msg, "nesting deeper than 64 levels") &&
	      err.column == 65 && seconds_since(&t0) < 1.0,
	      "depth: 100000 brackets: %d:%d %s", err.line, err.column, err.msg);
	json_decref(got);
	buf_free(&deep);
}

static void test_size_limit(void)
{
	struct fm_limits lim = { 10, 64, 100000 };
	struct pf_error err;
	json_t *got = NULL;
	int rc;

	rc = fm_parse_yaml("a: 1234567", 10, &lim, &got, &err);
	check(!rc, "size: 10 bytes fit a limit of 10: %s", err.msg);
	json_decref(got);
	rc = fm_parse_yaml("a: 12345678", 11, &lim, &got, &err);
	check(rc == -EINVAL && !got && strstr(err.msg, "11 bytes") &&
	      strstr(err.msg, "limit of 10"), "size: 11 bytes: %s", err.msg);
}

static void test_strings(void)
{
	struct pf_error err;
	json_t *got = NULL, *v;
	int rc;

	/* an escaped NUL stays in a value (jansson keeps the length) */
	rc = fm_parse_yaml("a: \"x\\0y\"", 9, NULL, &got, &err);
	v = json_object_get(got, "a");
	check(!rc && json_string_length(v) == 3 &&
	      !memcmp(json_string_value(v), "x\0y", 3),
	      "strings: escaped NUL: %s", rc ? err.msg : "wrong value");
	json_decref(got);
	rc = fm_parse_yaml("a: \"\\u00e9\\U0001F600\"", 21, NULL, &got, &err);
	v = json_object_get(got, "a");
	check(!rc && !strcmp(json_string_value(v), "\xc3\xa9\xf0\x9f\x98\x80"),
	      "strings: escapes decode to UTF-8: %s", rc ? err.msg : "wrong value");
	json_decref(got);
}

int main(void)
{
	test_typing();
	test_keys();
	test_hugo();
	test_errors();
	test_roots();
	test_aliases();
	test_billion_laughs();
	test_depth();
	test_size_limit();
	test_strings();
	printf("yaml_unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
