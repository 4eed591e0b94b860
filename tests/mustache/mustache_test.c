/* mustache_test.c — behaviour of render/mustache.c that the Mustache
 * specification leaves open or does not test: escaping of ', how
 * numbers, booleans, null and containers print, what is falsy, the
 * bounds on partial recursion, section nesting and work, per-render
 * indentation of one compiled partial, and error positions.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mustache.h"
#include "utf8.h"

static int passed, failed;

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (cond) {                                                \
			passed++;                                          \
		} else {                                                   \
			failed++;                                          \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);        \
			printf(__VA_ARGS__);                               \
			printf("\n");                                      \
		}                                                          \
	} while (0)

/* Named partials for one test: NULL-terminated pairs of name, source. */
struct named {
	const char *name;
	struct mus_tmpl *t;
};

static struct named partials[8];
static size_t npartials;

static const struct mus_tmpl *resolve(void *ctx, const char *name)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < npartials; i++)
		if (!strcmp(partials[i].name, name))
			return partials[i].t;
	return NULL;
}

/* Every partial name resolves to the template passed as ctx. */
static const struct mus_tmpl *resolve_self(void *ctx, const char *name)
{
	(void)name;
	return ctx;
}

static void clear_partials(void)
{
	while (npartials)
		mus_free(partials[--npartials].t);
}

static void add_partial(const char *name, const char *src)
{
	struct pf_error err;

	if (npartials == sizeof(partials) / sizeof(partials[0]) ||
	    mus_compile(src, strlen(src), name,
			&partials[npartials].t, &err)) {
		printf("cannot set up partial %s\n", name);
		exit(2);
	}
	partials[npartials++].name = name;
}

/* Render src with data given as JSON text; returns a malloc'd string or
 * NULL (with *ret set) on failure. */
static char *render(const char *src, const char *json, int *ret)
{
	struct pf_error err;
	struct mus_tmpl *t;
	struct buf out = BUF_INIT;
	json_t *data = NULL;
	char *s;

	if (json) {
		data = json_loads(json, JSON_DECODE_ANY, NULL);
		if (!data) {
			printf("bad test data %s\n", json);
			exit(2);
		}
	}
	*ret = mus_compile(src, strlen(src), "test", &t, &err);
	if (*ret) {
		json_decref(data);
		return NULL;
	}
	*ret = mus_render(t, data, resolve, NULL, &out);
	mus_free(t);
	json_decref(data);
	if (*ret) {
		buf_free(&out);
		return NULL;
	}
	s = buf_detach(&out, NULL);
	return s ? s : strdup("");
}

static void expect(const char *src, const char *json, const char *want)
{
	int ret;
	char *got = render(src, json, &ret);

	CHECK(got && !strcmp(got, want),
	      "template %s with %s: expected \"%s\", got \"%s\" (ret %d)",
	      src, json ? json : "null", want, got ? got : "(none)", ret);
	free(got);
}

static void expect_error(const char *src, int line, int col,
			 const char *needle)
{
	struct pf_error err;
	struct mus_tmpl *t = NULL;
	int ret;

	memset(&err, 0, sizeof(err));
	ret = mus_compile(src, strlen(src), "test", &t, &err);
	CHECK(ret == -EINVAL && !t, "template \"%s\": expected -EINVAL, got %d",
	      src, ret);
	CHECK(err.line == line && err.column == col,
	      "template \"%s\": expected error at %d:%d, got %d:%d (%s)",
	      src, line, col, err.line, err.column, err.msg);
	CHECK(strstr(err.msg, needle) != NULL,
	      "template \"%s\": message \"%s\" does not name \"%s\"", src,
	      err.msg, needle);
	mus_free(t);
}

static void test_escaping(void)
{
	expect("{{s}}", "{\"s\": \"a'b&c<d>e\\\"f\"}",
	       "a&#39;b&amp;c&lt;d&gt;e&quot;f");
	expect("{{{s}}}|{{&s}}", "{\"s\": \"'<&>\\\"\"}",
	       "'<&>\"|'<&>\"");
	expect("{{s}}", "{\"s\": \"caf\\u00e9 \\u2014 ok\"}",
	       "caf\xc3\xa9 \xe2\x80\x94 ok");
}

static void test_scalars(void)
{
	expect("{{n}}|{{m}}|{{big}}", "{\"n\": 42, \"m\": -7, "
	       "\"big\": 9007199254740993}", "42|-7|9007199254740993");
	expect("{{a}}|{{b}}|{{c}}|{{d}}",
	       "{\"a\": 1.5, \"b\": 2.0, \"c\": 0.1, \"d\": 1e300}",
	       "1.5|2.0|0.1|1e+300");
	expect("{{x}}", "{\"x\": 0.30000000000000004}",
	       "0.30000000000000004");
	expect("[{{t}}][{{f}}][{{n}}][{{{n}}}]",
	       "{\"t\": true, \"f\": false, \"n\": null}",
	       "[true][false][][]");
	/* Containers show as compact JSON, escaped like any value. */
	expect("{{a}}|{{{o}}}", "{\"a\": [1, \"x\"], \"o\": {\"k\": null}}",
	       "[1,&quot;x&quot;]|{\"k\":null}");
	/* A non-object root is only reachable as "." */
	expect("{{.}}|{{x}}", "[1]", "[1]|");
	expect("<{{.}}{{x}}>", NULL, "<>");
}

static void test_truthiness(void)
{
	const char *tmpl = "{{#v}}T{{/v}}{{^v}}F{{/v}}";
	static const struct {
		const char *data, *want;
	} cases[] = {
		{ "{\"v\": \"\"}", "F" },
		{ "{\"v\": \" \"}", "T" },
		{ "{\"v\": \"0\"}", "T" },
		{ "{\"v\": 0}", "T" },
		{ "{\"v\": 0.0}", "T" },
		{ "{\"v\": []}", "F" },
		{ "{\"v\": {}}", "T" },
		{ "{\"v\": null}", "F" },
		{ "{\"v\": false}", "F" },
		{ "{}", "F" },
		{ "{\"v\": [false]}", "T" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect(tmpl, cases[i].data, cases[i].want);
	/* A scalar section value becomes the context. */
	expect("{{#v}}({{.}}){{/v}}", "{\"v\": \"str\"}", "(str)");
	/* Names found in an outer context win over none, and null found
	 * in an inner context stops the search (the key exists). */
	expect("{{#o}}{{x}}{{/o}}", "{\"x\": \"outer\", \"o\": {\"x\": null}}",
	       "");
	expect("{{#o}}{{x}}{{/o}}", "{\"x\": \"outer\", \"o\": {\"y\": 1}}",
	       "outer");
}

static void test_partials(void)
{
	/* One compiled partial, rendered at three indentations. */
	add_partial("p", "a\n{{v}}\n\nb\n");
	expect("{{>p}}  {{>p}}\n", "{\"v\": 1}", "a\n1\n\nb\n  a\n1\n\nb\n\n");
	expect("  {{>p}}\n\t\t{{>p}}\n{{>p}}", "{\"v\": \"x\\ny\"}",
	       "  a\n  x\ny\n\n  b\n\t\ta\n\t\tx\ny\n\n\t\tb\na\nx\ny\n\nb\n");
	/* Indentation adds up through nested standalone partials, also in
	 * lines that come from a section inside the partial. */
	add_partial("outer", "<\n  {{>inner}}\n>\n");
	add_partial("inner", "{{#l}}\n[{{.}}]\n{{/l}}\n");
	expect(" {{>outer}}\n", "{\"l\": [1, 2]}",
	       " <\n   [1]\n   [2]\n >\n");
	/* Missing partials and a NULL resolver render nothing. */
	expect("[{{>nope}}]", "{}", "[]");
	clear_partials();
}

static void test_recursion_limit(void)
{
	struct pf_error err;
	struct mus_tmpl *t;
	struct buf out = BUF_INIT;
	const char *src = "x{{>self}}";
	size_t i, xs = 0;
	int ret;

	ret = mus_compile(src, strlen(src), "self", &t, &err);
	CHECK(ret == 0, "compile %s: %d", src, ret);
	if (ret)
		return;
	ret = mus_render(t, NULL, resolve_self, t, &out);
	for (i = 0; i < out.len; i++)
		xs += out.data[i] == 'x';
	/* The template itself, then 32 levels of partials. */
	CHECK(ret == 0 && xs == 33 && out.len == 33,
	      "self-recursive partial: ret %d, %zu bytes, %zu x", ret,
	      out.len, xs);
	buf_free(&out);
	CHECK(mus_render(t, NULL, NULL, NULL, &out) == 0 && out.len == 1,
	      "NULL resolver: %zu bytes", out.len);
	buf_free(&out);
	mus_free(t);

	/* Two includes per level would be 2^32 renders: the work bound
	 * stops it with -ENOMEM instead. */
	src = "{{>a}}{{>a}}";
	ret = mus_compile(src, strlen(src), "self", &t, &err);
	CHECK(ret == 0, "compile %s: %d", src, ret);
	if (ret)
		return;
	ret = mus_render(t, NULL, resolve_self, t, &out);
	CHECK(ret == -ENOMEM && buf_error(&out) == -ENOMEM,
	      "doubling partials: expected -ENOMEM, got %d", ret);
	buf_free(&out);

	/* The buffer's own limit also ends a render. */
	mus_free(t);
	src = "0123456789{{>a}}{{>a}}";
	ret = mus_compile(src, strlen(src), "self", &t, &err);
	CHECK(ret == 0, "compile %s: %d", src, ret);
	if (ret)
		return;
	out.limit = 1000;
	ret = mus_render(t, NULL, resolve_self, t, &out);
	CHECK(ret == -ENOMEM && out.len <= 1000,
	      "output limit: ret %d, %zu bytes", ret, out.len);
	buf_free(&out);
	mus_free(t);
}

/* n nested sections {{#a}}...{{/a}} around "x". */
static char *nested(int n)
{
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < n; i++)
		buf_adds(&b, "{{#a}}");
	buf_adds(&b, "x");
	for (i = 0; i < n; i++)
		buf_adds(&b, "{{/a}}");
	return buf_detach(&b, NULL);
}

static void test_nesting_limit(void)
{
	char *src = nested(100);
	int ret;
	char *got = render(src, "{\"a\": {\"a\": true}}", &ret);

	CHECK(got && !strcmp(got, "x"), "100 nested sections: ret %d", ret);
	free(got);
	free(src);
	src = nested(101);
	expect_error(src, 1, 601, "nested deeper than 100");
	free(src);
}

static void test_errors(void)
{
	expect_error("ab\ncd {{name", 2, 4, "unclosed tag '{{name'");
	expect_error("{{#list}}\n  {{{x}}\n", 2, 3, "unclosed tag '{{{x}}'");
	expect_error("x\n\n  {{#items}}\n{{.}}\n", 3, 3,
		     "section 'items' is never closed");
	expect_error("{{#a}}\n\xc3\xa9\xc3\xa9{{/b}}", 2, 3,
		     "closing tag 'b' does not match section 'a' opened at "
		     "line 1, column 1");
	expect_error("ok\n {{/a}}", 2, 2, "closing tag 'a' has no open section");
	expect_error("{{=<% %>=}}\n<%#a%>\n{{/a}}", 2, 1,
		     "section 'a' is never closed");
	expect_error("{{= a =}}", 1, 1, "bad set-delimiter tag");
	expect_error("{{=a b c=}}", 1, 1, "bad set-delimiter tag");
	expect_error("x {{=<% %>=}} <%x", 1, 15, "unclosed tag '<%x'");
	expect_error("{{ }}", 1, 1, "has no name");
	expect_error("{{#}}{{/}}", 1, 1, "has no name");
	/* Quotes in messages stop before a cut or invalid character, so
	 * messages stay valid UTF-8 for JSON and logs. */
	{
		struct pf_error err;
		struct mus_tmpl *t;
		char src[128] = "{{#";
		int i;

		for (i = 0; i < 30; i++)
			strcat(src, "\xc3\xa9");
		CHECK(mus_compile(src, strlen(src), "t", &t, &err) == -EINVAL &&
		      utf8_valid(err.msg, strlen(err.msg)) &&
		      strstr(err.msg, "'{{#\xc3\xa9"),
		      "long UTF-8 tag: message \"%s\"", err.msg);
		strcpy(src, "{{\xff\xfe");
		CHECK(mus_compile(src, strlen(src), "t", &t, &err) == -EINVAL &&
		      utf8_valid(err.msg, strlen(err.msg)) &&
		      strstr(err.msg, "unclosed tag '{{'"),
		      "invalid UTF-8 tag: message \"%s\"", err.msg);
	}
	/* A long run of open delimiters is one unclosed tag, found in one
	 * pass rather than by rescanning from each brace. */
	{
		size_t n = 1 << 20;
		char *s = malloc(n + 1);

		if (!s)
			exit(2);
		memset(s, '{', n);
		s[n] = '\0';
		expect_error(s, 1, 1, "unclosed tag");
		free(s);
	}
}

static void test_delimiters(void)
{
	expect("{{=<% %>=}}<%{x}%>|<%&x%>|{{x}}", "{\"x\": \"<\"}",
	       "<|<|{{x}}");
	expect("{{=| |=}}|#a|[|.|]|/a||={{ }}=|{{x}}",
	       "{\"a\": [1, 2], \"x\": 3}", "[1][2]3");
	/* Delimiters that contain the closing one's characters. */
	expect("{{=[[ ]]=}}[[x]]]", "{\"x\": 5}", "5]");
}

int main(void)
{
	test_escaping();
	test_scalars();
	test_truthiness();
	test_partials();
	test_recursion_limit();
	test_nesting_limit();
	test_errors();
	test_delimiters();
	printf("mustache unit: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
