/* toml_unit.c — checks of render/toml.c beyond the toml-test suite:
 * the TOML_PLAIN shape front matter gets, error positions, limits, and
 * inputs built to be slow for a careless parser. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "toml.h"

static int passed, failed;

/* jansson's allocations go through here: after `alloc_budget` more of
 * them (when alloc_limited is set) every one fails. */
static int alloc_limited;
static long alloc_budget;

static void *test_malloc(size_t n)
{
	if (alloc_limited && alloc_budget-- <= 0)
		return NULL;
	return malloc(n);
}

#define CHECK(cond, ...)                                               \
	do {                                                           \
		if (cond) {                                            \
			passed++;                                      \
		} else {                                               \
			failed++;                                      \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);    \
			printf(__VA_ARGS__);                           \
			printf("\n");                                  \
		}                                                      \
	} while (0)

static json_t *parse_ok(const char *doc, size_t len, int flags,
			const struct fm_limits *lim)
{
	struct pf_error err;
	json_t *out = NULL;
	int ret;

	memset(&err, 0, sizeof(err));
	ret = toml_parse(doc, len, flags, lim, &out, &err);
	CHECK(ret == 0 && out, "expected success, got %d at %d:%d: %s", ret,
	      err.line, err.column, err.msg);
	return ret ? NULL : out;
}

/* The document must be rejected at line:col with msg containing part. */
static void expect_error(const char *doc, size_t len,
			 const struct fm_limits *lim, int line, int col,
			 const char *part)
{
	struct pf_error err;
	json_t *out = (json_t *)&err;
	int ret;

	memset(&err, 0, sizeof(err));
	ret = toml_parse(doc, len, TOML_PLAIN, lim, &out, &err);
	CHECK(ret == -EINVAL, "'%.40s': expected -EINVAL, got %d", doc, ret);
	CHECK(out == NULL, "'%.40s': *out not cleared on error", doc);
	if (ret == 0)
		json_decref(out);
	CHECK(err.line == line && err.column == col,
	      "'%.40s': error at %d:%d (%s), expected %d:%d", doc, err.line,
	      err.column, err.msg, line, col);
	CHECK(strstr(err.msg, part) != NULL, "'%.40s': message '%s' lacks '%s'",
	      doc, err.msg, part);
}

static void expect_err(const char *doc, const struct fm_limits *lim,
		     int line, int col, const char *part)
{
	expect_error(doc, strlen(doc), lim, line, col, part);
}

static void test_front_matter(void)
{
	static const char doc[] =
		"title = \"Hello, TOML\"\n"
		"date = 2024-03-05T10:30:00+01:00\n"
		"lastmod = 2024-03-06 08:00:00.250z\n"
		"draft = false\n"
		"weight = 0x0A\n"
		"tags = [\"c\", 'fuse']\n"
		"summary = \"\"\"\n"
		"Line one \\\n"
		"   continued.\"\"\"\n"
		"\n"
		"[params]\n"
		"  rating = 4.5\n"
		"  published = 2024-03-05\n"
		"  at = 07:32:00\n"
		"  ratio = -inf\n"
		"  unknown = nan\n"
		"\n"
		"[[menu.main]]\n"
		"  name = \"Posts\"\n"
		"[[menu.main]]\n"
		"  name = \"About\"\n";
	static const char expected[] =
		"{\"title\": \"Hello, TOML\","
		" \"date\": \"2024-03-05T10:30:00+01:00\","
		" \"lastmod\": \"2024-03-06T08:00:00.250Z\","
		" \"draft\": false, \"weight\": 10,"
		" \"tags\": [\"c\", \"fuse\"],"
		" \"summary\": \"Line one continued.\","
		" \"params\": {\"rating\": 4.5, \"published\": \"2024-03-05\","
		"   \"at\": \"07:32:00\", \"ratio\": \"-inf\", \"unknown\": \"nan\"},"
		" \"menu\": {\"main\": [{\"name\": \"Posts\"}, {\"name\": \"About\"}]}}";
	static const char *order[] = { "title", "date", "lastmod", "draft",
				       "weight", "tags", "summary", "params",
				       "menu" };
	json_t *got, *want;
	const char *key;
	json_t *val;
	size_t k = 0;

	got = parse_ok(doc, sizeof(doc) - 1, TOML_PLAIN, NULL);
	want = json_loads(expected, 0, NULL);
	CHECK(want != NULL, "expected JSON does not load");
	if (got && want) {
		CHECK(json_equal(got, want), "plain front matter differs: %s",
		      json_dumps(got, JSON_COMPACT));
		CHECK(json_is_integer(json_object_get(got, "weight")),
		      "weight is not a JSON integer");
		CHECK(json_is_real(json_object_get(json_object_get(got, "params"),
						   "rating")),
		      "rating is not a JSON real");
		json_object_foreach(got, key, val) {
			CHECK(k < 9 && !strcmp(key, order[k]),
			      "key %zu is %s, expected document order", k, key);
			k++;
		}
		CHECK(k == 9, "%zu keys", k);
	}
	json_decref(want);
	json_decref(got);
}

static void test_tagged(void)
{
	static const char doc[] =
		"b = 0b1_0\n"
		"f = 6.02e+23\n"
		"t = 1979-05-27t00:32:00.999999-07:00\n"
		"\"a\\u0000b\" = 'nul'\n";
	json_t *got, *v;
	char *dump;

	got = parse_ok(doc, sizeof(doc) - 1, TOML_TAGGED, NULL);
	if (!got)
		return;
	dump = json_dumps(got, JSON_COMPACT);
	v = json_object_get(got, "b");
	CHECK(v && !strcmp(json_string_value(json_object_get(v, "type")), "integer") &&
	      !strcmp(json_string_value(json_object_get(v, "value")), "2"),
	      "binary integer: %s", dump);
	v = json_object_get(got, "f");
	CHECK(v && !strcmp(json_string_value(json_object_get(v, "type")), "float") &&
	      strtod(json_string_value(json_object_get(v, "value")), NULL) == 6.02e23,
	      "float: %s", dump);
	v = json_object_get(got, "t");
	CHECK(v && !strcmp(json_string_value(json_object_get(v, "type")), "datetime") &&
	      !strcmp(json_string_value(json_object_get(v, "value")),
		      "1979-05-27T00:32:00.999999-07:00"),
	      "datetime: %s", dump);
	v = json_object_getn(got, "a\0b", 3);
	CHECK(v && !strcmp(json_string_value(json_object_get(v, "value")), "nul"),
	      "key with a NUL: %s", dump);
	free(dump);
	json_decref(got);
}

static void test_errors(void)
{
	static const char bad_utf8[] = "a = 1\nb = \"x\xC3\x28\"\n";
	static const char nul[] = "a = 1\nb = 2 \0\n";

	/* A bad value on line 2: the column is the value's. */
	expect_err("a = 1\nb = @\n", NULL, 2, 5, "expected a value");
	expect_err("title = \"x\"\n[params]\nx = 1\nx = 2\n", NULL, 4, 1,
		   "duplicate key 'x'");
	expect_err("[a]\nb = 1\n[a]\n", NULL, 3, 2, "already defined");
	expect_err("d = 2023-02-29\n", NULL, 1, 5, "invalid date");
	expect_err("t = 24:00:00\n", NULL, 1, 5, "invalid date or time");
	expect_err("s = \"tab\tok, bell\x07 not\"\n", NULL, 1, 18,
		   "control character U+0007");
	expect_err("n = -0o17\n", NULL, 1, 5, "sign is not allowed");
	expect_err("s = \"\\q\"\n", NULL, 1, 6, "invalid escape");
	expect_err("i = 9223372036854775808\n", NULL, 1, 5, "out of range");
	expect_err("x = 1 2\n", NULL, 1, 7, "expected end of line");
	expect_err("a = {b = 1}\na.c = 2\n", NULL, 2, 1, "inline table");
	/* Columns count characters, not bytes. */
	expect_err("\"\xC3\xA9t\xC3\xA9\" = @\n", NULL, 1, 9,
		   "expected a value");
	expect_error(bad_utf8, sizeof(bad_utf8) - 1, NULL, 2, 7, "UTF-8");
	expect_error(nul, sizeof(nul) - 1, NULL, 2, 7, "NUL");
	expect_err("s = \"\"\"never closed\n\n", NULL, 1, 5, "unterminated");
}

static void test_limits(void)
{
	static const struct fm_limits shallow = { 1024, 3, 1000 };
	static const struct fm_limits few = { 1024, 64, 3 };
	json_t *got;

	got = parse_ok("a = [[1]]\n", strlen("a = [[1]]\n"), TOML_PLAIN, &shallow);
	json_decref(got);
	expect_err("a = [[[1]]]\n", &shallow, 1, 7, "nested too deeply");
	expect_err("a.b.c.d = 1\n", &shallow, 1, 5, "nested too deeply");
	expect_err("[a.b.c]\n", &shallow, 1, 6, "nested too deeply");
	got = parse_ok("a=1\nb=2\nc=3\n", 12, TOML_PLAIN, &few);
	json_decref(got);
	expect_err("a=1\nb=2\nc=3\nd=4\n", &few, 4, 3, "too many values");
	/* The default depth limit holds without a caller's limits. */
	{
		struct buf b = BUF_INIT;
		int k;

		buf_adds(&b, "a = ");
		for (k = 0; k < 100; k++)
			buf_addc(&b, '[');
		for (k = 0; k < 100; k++)
			buf_addc(&b, ']');
		buf_addc(&b, '\n');
		expect_error(b.data, b.len, NULL, 1, 68, "nested too deeply");
		buf_free(&b);
	}
}

/* Inputs that make a quadratic parser crawl must stay fast.  The bound
 * is generous (a linear parser takes milliseconds) so that a loaded
 * machine or a sanitizer build does not fail it. */
static void test_big_inputs(void)
{
	static const struct fm_limits roomy = { 0, 64, 10000000 };
	struct buf b = BUF_INIT;
	struct timespec t0, t1;
	json_t *got;
	double secs;
	int k;

	/* Many sibling dotted keys under one table, then a long array. */
	for (k = 0; k < 100000; k++)
		buf_printf(&b, "t.k%d = %d\n", k, k);
	buf_adds(&b, "arr = [");
	for (k = 0; k < 200000; k++)
		buf_adds(&b, "1,");
	buf_adds(&b, "]\n");
	/* Many array-of-tables headers with long paths. */
	for (k = 0; k < 20000; k++)
		buf_adds(&b, "[[x.y.z.w.v.u]]\nq = 'a'\n");
	CHECK(!buf_error(&b), "building the big input");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	got = parse_ok(b.data, b.len, TOML_TAGGED, &roomy);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(secs < 20.0, "big input took %.1f s", secs);
	if (got) {
		CHECK(json_object_size(json_object_get(got, "t")) == 100000,
		      "dotted keys lost");
		CHECK(json_array_size(json_object_get(got, "arr")) == 200000,
		      "array items lost");
	}
	json_decref(got);
	buf_free(&b);
}

/* Running out of memory at any of jansson's allocations gives -ENOMEM,
 * no result and no leak (the sanitizer and valgrind runs check that). */
static void test_out_of_memory(void)
{
	static const char doc[] =
		"title = \"x\"\nd = 1979-05-27\nf = 1.5\nt = [1, 'a', {b = 2}]\n"
		"[s.t]\nk.l = true\n[[a.b]]\nm = 1\n[[a.b]]\n";
	struct pf_error err;
	json_t *out;
	int flags, ret, enomem = 0, ok = 0;
	long n;

	for (flags = 0; flags < 2; flags++) {
		for (n = 0; n < 400; n++) {
			alloc_budget = n;
			alloc_limited = 1;
			out = (json_t *)&err;
			ret = toml_parse(doc, sizeof(doc) - 1, flags, NULL, &out,
					 &err);
			alloc_limited = 0;
			CHECK(ret == 0 || (ret == -ENOMEM && !out),
			      "failing allocation %ld: ret %d", n, ret);
			if (ret == 0) {
				ok++;
				json_decref(out);
				break;
			}
			enomem += ret == -ENOMEM;
		}
	}
	CHECK(enomem > 20 && ok == 2, "%d allocation failures seen, %d successes",
	      enomem, ok);
}

int main(void)
{
	json_set_alloc_funcs(test_malloc, free);
	test_front_matter();
	test_tagged();
	test_errors();
	test_limits();
	test_big_inputs();
	test_out_of_memory();
	printf("toml unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
