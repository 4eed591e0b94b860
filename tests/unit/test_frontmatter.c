/* Unit tests of render/frontmatter.c: where fm_split finds the front
 * matter and the body, fm_parse's dispatch giving one shape for YAML,
 * TOML and JSON, and fm_parse_json's refusals. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "frontmatter.h"
#include "toml.h"

struct split_case {
	int line;
	const char *text;
	size_t len;               /* 0: strlen(text) */
	enum fm_format format;
	size_t bom_len, fm_off, fm_len;
	int fm_line;
	size_t body_off;
	int body_line;
	int complete;             /* -1: not checked (no front matter) */
};

#define S(text, ...) { __LINE__, text, 0, __VA_ARGS__ }
#define SL(text, ...) { __LINE__, text, sizeof(text) - 1, __VA_ARGS__ }

static const struct split_case split_cases[] = {
	/* text, format, bom_len, fm_off, fm_len, fm_line, body_off, body_line, complete */
	S("---\ntitle: x\n---\nbody\n", FM_YAML, 0, 4, 9, 2, 17, 4, 1),
	S("---\na: 1\nb: 2\nc: 3\n---\n\nbody", FM_YAML, 0, 4, 15, 2, 23, 6, 1),
	S("+++\ntitle = \"x\"\n+++\nbody\n", FM_TOML, 0, 4, 12, 2, 20, 4, 1),
	/* braces and brackets inside strings, escaped quotes and backslashes */
	S("{\"title\": \"a}b\", \"q\": \"say \\\"}\\\"\", \"o\": {\"x\": [1, \"]\"]}, "
	  "\"e\": \"\\\\\"}\nbody\n", FM_JSON, 0, 0, 67, 1, 68, 2, 1),
	S("{\n  \"title\": \"x\"\n}\nbody\n", FM_JSON, 0, 0, 18, 1, 19, 4, 1),
	S("{\"a\": \"{{{\"}\n", FM_JSON, 0, 0, 12, 1, 13, 2, 1),
	S("{\"a\": 1}", FM_JSON, 0, 0, 8, 1, 8, 1, 1),
	/* BOM */
	S("\xEF\xBB\xBF---\na: 1\n---\nb", FM_YAML, 3, 7, 5, 2, 16, 4, 1),
	S("\xEF\xBB\xBF{\"a\":1}\nb", FM_JSON, 3, 3, 7, 1, 11, 2, 1),
	S("\xEF\xBB\xBF+++\na = 1\n+++\n", FM_TOML, 3, 7, 6, 2, 17, 4, 1),
	/* CRLF */
	S("---\r\ntitle: x\r\n---\r\nbody\r\n", FM_YAML, 0, 5, 10, 2, 20, 4, 1),
	S("\xEF\xBB\xBF+++\r\na = 1\r\nb = 2\r\n+++\r\nbody", FM_TOML, 3, 8, 14, 2, 27, 5, 1),
	S("{\r\n\"a\": 1\r\n}\r\nbody", FM_JSON, 0, 0, 12, 1, 14, 4, 1),
	/* YAML's document end marker closes YAML only */
	S("---\na: 1\n...\nbody", FM_YAML, 0, 4, 5, 2, 13, 4, 1),
	S("+++\na = 1\n...\n", FM_TOML, 0, 4, 10, 2, 14, 1, 0),
	S("---\na: 1\n+++\n", FM_YAML, 0, 4, 9, 2, 13, 1, 0),
	/* no front matter */
	S("# Hello\n", FM_NONE, 0, 0, 0, 0, 0, 1, -1),
	S("\xEF\xBB\xBF# Hi\n", FM_NONE, 3, 0, 0, 0, 3, 1, -1),
	S("", FM_NONE, 0, 0, 0, 0, 0, 1, -1),
	S("----\ntitle: x\n----\n", FM_NONE, 0, 0, 0, 0, 0, 1, -1),
	S("--- x\ntitle: x\n---\n", FM_NONE, 0, 0, 0, 0, 0, 1, -1),
	S(" ---\ntitle: x\n---\n", FM_NONE, 0, 0, 0, 0, 0, 1, -1),
	S("++\n", FM_NONE, 0, 0, 0, 0, 0, 1, -1),
	S(" {\"a\": 1}\n", FM_NONE, 0, 0, 0, 0, 0, 1, -1),
	S("\n---\na: 1\n---\n", FM_NONE, 0, 0, 0, 0, 0, 1, -1),
	/* unclosed */
	S("---\ntitle: x\nbody\n", FM_YAML, 0, 4, 14, 2, 18, 1, 0),
	S("---\n", FM_YAML, 0, 4, 0, 2, 4, 1, 0),
	S("+++\na = 1\n", FM_TOML, 0, 4, 6, 2, 10, 1, 0),
	S("{\"a\": \"x}\"\nbody\n", FM_JSON, 0, 0, 16, 1, 16, 1, 0),
	S("{\"a\": [1, 2}\n", FM_JSON, 0, 0, 13, 1, 13, 1, 0),
	/* empty front matter */
	S("---\n---\nbody", FM_YAML, 0, 4, 0, 2, 8, 3, 1),
	S("+++\n+++\n", FM_TOML, 0, 4, 0, 2, 8, 3, 1),
	S("{}\nbody", FM_JSON, 0, 0, 2, 1, 3, 2, 1),
	/* delimiters with trailing spaces and tabs */
	S("---  \t\na: 1\n---   \nbody", FM_YAML, 0, 7, 5, 2, 19, 4, 1),
	S("+++ \r\na = 1\r\n+++\t\r\nbody", FM_TOML, 0, 6, 7, 2, 19, 4, 1),
	/* closing line at the very end, without a line end */
	S("---\na: 1\n---", FM_YAML, 0, 4, 5, 2, 12, 4, 1),
	/* an indented --- is YAML content, not the end */
	S("---\na: |\n  ---\n---\nb", FM_YAML, 0, 4, 11, 2, 19, 5, 1),
	/* a longer dash line is content too */
	S("---\na: 1\n----\n---\nb", FM_YAML, 0, 4, 10, 2, 18, 5, 1),
	/* a NUL byte in the front matter does not end the search */
	SL("---\na: \0\n---\nb", FM_YAML, 0, 4, 5, 2, 13, 4, 1),
};

static void test_split(void)
{
	size_t i;

	for (i = 0; i < sizeof(split_cases) / sizeof(*split_cases); i++) {
		const struct split_case *c = &split_cases[i];
		size_t len = c->len ? c->len : strlen(c->text);
		struct fm_split sp;
		int ok;

		memset(&sp, 0x5A, sizeof(sp));
		fm_split(c->text, len, &sp);
		ok = sp.format == c->format && sp.bom_len == c->bom_len &&
		     sp.body_off == c->body_off;
		/* where the body of an unclosed front matter starts is moot */
		if (c->complete)
			ok = ok && sp.body_line == c->body_line;
		if (c->format != FM_NONE)
			ok = ok && sp.fm_off == c->fm_off && sp.fm_len == c->fm_len &&
			     sp.fm_line == c->fm_line && sp.complete == c->complete;
		check_note(ok, __FILE__, c->line, "fm_split case %zu", i);
		if (!ok) {
			fputs("    text: ", stdout);
			check_put_bytes(stdout, c->text, len);
			printf("\n    got:      format %d bom %zu fm %zu+%zu line %d body %zu line %d complete %d\n",
			       sp.format, sp.bom_len, sp.fm_off, sp.fm_len, sp.fm_line,
			       sp.body_off, sp.body_line, sp.complete);
			printf("    expected: format %d bom %zu fm %zu+%zu line %d body %zu line %d complete %d\n",
			       c->format, c->bom_len, c->fm_off, c->fm_len, c->fm_line,
			       c->body_off, c->body_line, c->complete);
		}
	}

	/* A head cut short inside the front matter is not complete; the
	 * whole text is. */
	{
		const char *doc = "---\ntitle: x\ntags: [a, b]\n---\nbody\n";
		size_t n = strlen(doc), cut;
		struct fm_split sp;

		for (cut = 4; cut < 26; cut++) {
			fm_split(doc, cut, &sp);
			CHECKF(sp.format == FM_YAML && !sp.complete && sp.body_off == cut,
			       "cut at %zu: format %d complete %d body_off %zu", cut,
			       sp.format, sp.complete, sp.body_off);
		}
		fm_split(doc, n, &sp);
		CHECK(sp.complete && sp.body_off == n - 5 && sp.fm_len == 22);
	}
}

/* The same Hugo-style header in the three formats. */
static const char yaml_doc[] =
	"---\n"
	"title: \"Trends in 2024\"\n"
	"date: 2024-03-15T10:00:00+03:00\n"
	"tags: [AI, Cloud]\n"
	"categories:\n"
	"  - Technology\n"
	"draft: false\n"
	"weight: 10\n"
	"rating: 4.5\n"
	"image: null\n"
	"params:\n"
	"  author: Ann\n"
	"---\n"
	"Body text.\n";

static const char toml_doc[] =
	"+++\n"
	"title = \"Trends in 2024\"\n"
	"date = 2024-03-15T10:00:00+03:00\n"
	"tags = [\"AI\", \"Cloud\"]\n"
	"categories = [\"Technology\"]\n"
	"draft = false\n"
	"weight = 10\n"
	"rating = 4.5\n"
	"[params]\n"
	"author = \"Ann\"\n"
	"+++\n"
	"Body text.\n";

static const char json_doc[] =
	"{\n"
	"  \"title\": \"Trends in 2024\",\n"
	"  \"date\": \"2024-03-15T10:00:00+03:00\",\n"
	"  \"tags\": [\"AI\", \"Cloud\"],\n"
	"  \"categories\": [\"Technology\"],\n"
	"  \"draft\": false,\n"
	"  \"weight\": 10,\n"
	"  \"rating\": 4.5,\n"
	"  \"image\": null,\n"
	"  \"params\": {\"author\": \"Ann\"}\n"
	"}\n"
	"Body text.\n";

/* Split text, parse its front matter, compare with want.  Returns 1 when
 * equal. */
static int check_doc(int line, const char *name, const char *text, size_t len,
		     enum fm_format fmt, const json_t *want)
{
	static const struct fm_limits lim = FM_LIMITS_DEFAULT;
	struct fm_split sp;
	struct pf_error err;
	json_t *got = NULL;
	const char *body;
	int ret, ok;

	fm_split(text, len, &sp);
	check_note(sp.format == fmt && sp.complete, __FILE__, line,
		   "%s: split as format %d (got %d, complete %d)", name, fmt,
		   sp.format, sp.complete);
	body = memmem(text, len, "Body text.", 10);
	check_note(body && sp.body_off == (size_t)(body - text), __FILE__, line,
		   "%s: body found (body_off %zu of %zu)", name, sp.body_off, len);
	memset(&err, 0, sizeof(err));
	ret = fm_parse(sp.format, text + sp.fm_off, sp.fm_len, &lim, &got, &err);
	check_note(ret == 0 && got, __FILE__, line, "%s: fm_parse == 0 (got %d: %d:%d %s)",
		   name, ret, err.line, err.column, err.msg);
	ok = got && json_equal(got, (json_t *)want);
	check_note(ok, __FILE__, line, "%s: the parsed object is the expected one", name);
	if (!ok && got) {
		char *a = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
		char *b = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT);

		printf("    got:      %s\n    expected: %s\n", a ? a : "?", b ? b : "?");
		free(a);
		free(b);
	}
	json_decref(got);
	return ok;
}

/* text with every \n made \r\n */
static char *crlf(const char *s, size_t *len)
{
	struct buf b = BUF_INIT;

	for (; *s; s++) {
		if (*s == '\n')
			buf_addc(&b, '\r');
		buf_addc(&b, *s);
	}
	return buf_detach(&b, len);
}

static void test_dispatch(void)
{
	json_t *want, *want_toml, *empty = NULL;
	struct pf_error err;
	size_t n;
	char *t;

	want = json_pack("{s:s, s:s, s:[s,s], s:[s], s:b, s:i, s:f, s:n, s:{s:s}}",
			 "title", "Trends in 2024",
			 "date", "2024-03-15T10:00:00+03:00",
			 "tags", "AI", "Cloud",
			 "categories", "Technology",
			 "draft", 0,
			 "weight", 10,
			 "rating", 4.5,
			 "image",
			 "params", "author", "Ann");
	CHECK(want != NULL);
	if (!want)
		return;
	/* TOML has no null: the same object without `image` */
	want_toml = json_deep_copy(want);
	json_object_del(want_toml, "image");

	check_doc(__LINE__, "YAML", yaml_doc, sizeof(yaml_doc) - 1, FM_YAML, want);
	check_doc(__LINE__, "TOML", toml_doc, sizeof(toml_doc) - 1, FM_TOML, want_toml);
	check_doc(__LINE__, "JSON", json_doc, sizeof(json_doc) - 1, FM_JSON, want);

	t = crlf(yaml_doc, &n);
	check_doc(__LINE__, "YAML CRLF", t, n, FM_YAML, want);
	free(t);
	t = crlf(toml_doc, &n);
	check_doc(__LINE__, "TOML CRLF", t, n, FM_TOML, want_toml);
	free(t);
	t = crlf(json_doc, &n);
	check_doc(__LINE__, "JSON CRLF", t, n, FM_JSON, want);
	free(t);

	/* with a BOM */
	{
		struct buf b = BUF_INIT;

		buf_adds(&b, "\xEF\xBB\xBF");
		buf_adds(&b, yaml_doc);
		check_doc(__LINE__, "YAML BOM", b.data, b.len, FM_YAML, want);
		buf_reset(&b);
		buf_adds(&b, "\xEF\xBB\xBF");
		buf_adds(&b, json_doc);
		check_doc(__LINE__, "JSON BOM", b.data, b.len, FM_JSON, want);
		buf_free(&b);
	}

	/* FM_NONE: an empty object */
	CHECK_INT(fm_parse(FM_NONE, "", 0, NULL, &empty, &err), 0);
	CHECK(json_is_object(empty) && json_object_size(empty) == 0);
	json_decref(empty);

	/* the empty front matter of each format is an empty object */
	{
		static const enum fm_format fmts[] = { FM_YAML, FM_TOML };
		size_t i;

		for (i = 0; i < 2; i++) {
			json_t *o = NULL;
			int ret = fm_parse(fmts[i], "", 0, NULL, &o, &err);

			CHECKF(ret == 0 && json_is_object(o) && json_object_size(o) == 0,
			       "format %d: ret %d", fmts[i], ret);
			json_decref(o);
		}
	}

	/* errors: line and column within the front matter given */
	{
		json_t *o = (json_t *)1;
		int ret;

		memset(&err, 0, sizeof(err));
		ret = fm_parse(FM_YAML, "title: ok\nbad: b: c\n", 20, NULL, &o, &err);
		CHECK_INT(ret, -EINVAL);
		CHECK(o == NULL);
		CHECK_INT(err.line, 2);
		CHECK(err.column > 0 && err.msg[0]);
		memset(&err, 0, sizeof(err));
		o = (json_t *)1;
		ret = fm_parse(FM_TOML, "a = 1\nb = \n", 11, NULL, &o, &err);
		CHECK_INT(ret, -EINVAL);
		CHECK(o == NULL);
		CHECK_INT(err.line, 2);
		CHECK(err.column > 0 && err.msg[0]);
		memset(&err, 0, sizeof(err));
		o = (json_t *)1;
		ret = fm_parse(FM_JSON, "{\n\"a\": 1,\n\"b\": tru\n}", 20, NULL, &o, &err);
		CHECK_INT(ret, -EINVAL);
		CHECK(o == NULL);
		CHECK_INT(err.line, 3);
		CHECK(err.column > 0 && err.msg[0]);
	}
	json_decref(want);
	json_decref(want_toml);
}

static void check_json_rejects(int line, const char *what, const char *s,
			       size_t n, const struct fm_limits *lim, int want_line)
{
	struct pf_error err;
	json_t *o = (json_t *)1;
	int ret;

	memset(&err, 0, sizeof(err));
	ret = fm_parse_json(s, n, lim, &o, &err);
	check_note(ret == -EINVAL && o == NULL, __FILE__, line,
		   "fm_parse_json rejects %s (got %d)", what, ret);
	if (!ret)
		json_decref(o);
	check_note(err.line >= 1 && err.column >= 1 && err.msg[0], __FILE__, line,
		   "%s: error has a position and a message (%d:%d \"%s\")", what,
		   err.line, err.column, err.msg);
	if (want_line)
		check_note(err.line == want_line, __FILE__, line,
			   "%s: error on line %d (got %d)", what, want_line, err.line);
}

#define JREJECT(what, s, lim, l) check_json_rejects(__LINE__, what, s, sizeof(s) - 1, lim, l)

static char *nested(const char *open, const char *leaf, const char *close,
		    int k, const char *pre, const char *post)
{
	struct buf b = BUF_INIT;
	int i;

	buf_adds(&b, pre);
	for (i = 0; i < k; i++)
		buf_adds(&b, open);
	buf_adds(&b, leaf);
	for (i = 0; i < k; i++)
		buf_adds(&b, close);
	buf_adds(&b, post);
	return buf_detach(&b, NULL);
}

static void test_json(void)
{
	struct fm_limits lim = FM_LIMITS_DEFAULT;
	struct pf_error err;
	json_t *o;
	char *s;
	int k;

	JREJECT("an array", "[1, 2]", NULL, 0);
	JREJECT("a string", "\"text\"", NULL, 0);
	JREJECT("a number", "42", NULL, 0);
	JREJECT("null", "null", NULL, 0);
	JREJECT("empty text", "", NULL, 0);
	JREJECT("duplicate keys", "{\"a\": 1,\n \"a\": 2}", NULL, 2);
	JREJECT("duplicate nested keys", "{\"o\": {\n\"x\": 1,\n\"x\": 1}}", NULL, 3);
	JREJECT("invalid UTF-8", "{\"a\": \"\xFF\"}", NULL, 1);
	JREJECT("invalid UTF-8 on line 2", "{\n\"a\": \"ok\xC3(\"}", NULL, 2);
	JREJECT("a NUL byte", "{\"a\": \"x\0y\"}", NULL, 1);
	JREJECT("a syntax error", "{\n  \"a\": 1,\n  \"b\": tru\n}", NULL, 3);
	JREJECT("trailing text", "{\"a\": 1} x", NULL, 1);
	JREJECT("a trailing comma", "{\"a\": 1,}", NULL, 1);
	JREJECT("an unclosed object", "{\"a\": 1", NULL, 0);

	lim.max_bytes = 10;
	JREJECT("more than max_bytes", "{\"a\": \"0123456789\"}", &lim, 0);
	lim = (struct fm_limits)FM_LIMITS_DEFAULT;
	lim.max_nodes = 5;
	JREJECT("more than max_nodes", "{\"a\": [1, 2, 3, 4, 5, 6]}", &lim, 0);
	lim = (struct fm_limits)FM_LIMITS_DEFAULT;

	/* depth: a little is fine, past the limit is not, and far past
	 * jansson's own limit is refused the same way */
	for (k = 1; k <= 3000; k = k < 100 ? k * 2 + 1 : k * 3) {
		int ret;

		s = nested("[", "1", "]", k, "{\"a\": ", "}");
		memset(&err, 0, sizeof(err));
		o = NULL;
		ret = fm_parse_json(s, strlen(s), &lim, &o, &err);
		if (k + 1 <= lim.max_depth)
			CHECKF(ret == 0 && o, "depth %d: got %d (%s)", k + 1, ret, err.msg);
		else
			CHECKF(ret == -EINVAL && !o && err.line >= 1 && err.msg[0],
			       "depth %d: got %d", k + 1, ret);
		json_decref(o);
		free(s);
	}

	/* Valid text is kept as it is. */
	o = NULL;
	s = "{\"t\": \"Технологии\", \"n\": -1.5e3}";
	CHECK_INT(fm_parse_json(s, strlen(s), NULL, &o, &err), 0);
	CHECK_STR(json_string_value(json_object_get(o, "t")), "Технологии");
	CHECK(json_is_real(json_object_get(o, "n")) &&
	      json_real_value(json_object_get(o, "n")) == -1500.0);
	json_decref(o);
}

/* The three readers hold one depth limit the same way: nested lists
 * under one key are accepted by all or refused by all. */
static void test_depth_agreement(void)
{
	struct fm_limits lim = FM_LIMITS_DEFAULT;
	int k;

	lim.max_depth = 4;
	for (k = 1; k <= 8; k++) {
		char *y = nested("[", "1", "]", k, "a: ", "\n");
		char *t = nested("[", "1", "]", k, "a = ", "\n");
		char *j = nested("[", "1", "]", k, "{\"a\": ", "}");
		json_t *oy = NULL, *ot = NULL, *oj = NULL;
		struct pf_error err;
		int ry, rt, rj;

		ry = fm_parse(FM_YAML, y, strlen(y), &lim, &oy, &err);
		rt = fm_parse(FM_TOML, t, strlen(t), &lim, &ot, &err);
		rj = fm_parse(FM_JSON, j, strlen(j), &lim, &oj, &err);
		CHECKF(ry == rt && rt == rj,
		       "max_depth 4, %d nested lists under a key: YAML %d, TOML %d, JSON %d",
		       k, ry, rt, rj);
		/* the object and k lists are k + 1 levels of nesting */
		CHECKF((rj == 0) == (k + 1 <= lim.max_depth),
		       "JSON, %d levels, limit %d: got %d", k + 1, lim.max_depth, rj);
		if (!ry && !rj)
			CHECK(json_equal(oy, oj));
		json_decref(oy);
		json_decref(ot);
		json_decref(oj);
		free(y);
		free(t);
		free(j);
	}
}

int main(void)
{
	test_split();
	test_dispatch();
	test_json();
	test_depth_agreement();
	return check_done("test_frontmatter");
}
