/* md_pathological.c — inputs that have made Markdown parsers slow or
 * crash (md4c's test/pathological-tests.py, and the renderer's own:
 * heading ids, raw HTML, invalid bytes), each built in memory, rendered
 * safe and unsafe and info-only, and checked: the render returns, the
 * HTML is valid UTF-8, and what the case is about came out right.
 * Times are printed, not asserted.
 *
 * Usage: md_pathological [N]   (N repetitions, default 50000)
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "markdown.h"
#include "utf8.h"

static size_t N = 50000;

struct result {
	int ret;
	struct buf html;
	struct mdr_info info;
	double ms;
};

static void rep(struct buf *b, const char *s, size_t times)
{
	size_t i, n = strlen(s);

	for (i = 0; i < times; i++)
		buf_add(b, s, n);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void render(const struct buf *in, unsigned flags, struct result *r)
{
	struct mdr_opts opts = { flags, NULL, NULL, 70 };
	double t0 = now_ms();

	memset(r, 0, sizeof(*r));
	r->ret = mdr_render(in->data ? in->data : "", in->len, &opts,
			    &r->html, &r->info);
	r->ms = now_ms() - t0;
}

static void result_free(struct result *r)
{
	buf_free(&r->html);
	mdr_info_free(&r->info);
}

static size_t count(const struct buf *b, const char *needle)
{
	size_t n = 0, m = strlen(needle);
	const char *p = b->data, *end = b->data + b->len;

	if (!p)
		return 0;
	while ((p = memmem(p, (size_t)(end - p), needle, m))) {
		n++;
		p += m;
	}
	return n;
}

/* ---- inputs ---- */

static void in_nul(struct buf *b)
{
	buf_add(b, "abc\0de\0", 7);
	buf_add(b, "abc\0de\0", 7);
	rep(b, "x\0", N);
}

static void in_nested_strong_emph(struct buf *b)
{
	rep(b, "*a **a ", N);
	buf_adds(b, "b");
	rep(b, " a** a*", N);
}

static void in_emph_closers(struct buf *b) { rep(b, "a_ ", N); }
static void in_emph_openers(struct buf *b) { rep(b, "_a ", N); }
static void in_emph3(struct buf *b) { rep(b, "a***", N); }
static void in_link_closers(struct buf *b) { rep(b, "a]", N); }
static void in_link_openers(struct buf *b) { rep(b, "[a", N); }
static void in_mismatched(struct buf *b) { rep(b, "*a_ ", N); }

static void in_mult3(struct buf *b)
{
	buf_adds(b, "a**b");
	rep(b, "c* ", N);
}

static void in_link_emph(struct buf *b) { rep(b, "[ a_", N); }

static void in_nested_brackets(struct buf *b)
{
	rep(b, "[", N);
	buf_adds(b, "a");
	rep(b, "]", N);
}

static void in_nested_quotes(struct buf *b)
{
	rep(b, "> ", N);
	buf_adds(b, "a");
}

static void in_backticks(struct buf *b)
{
	size_t x;

	for (x = 1; x < 1000; x++) {
		buf_addc(b, 'e');
		rep(b, "`", x);
	}
}

static void in_many_links(struct buf *b) { rep(b, "[t](/u) ", N); }
static void in_img_brackets(struct buf *b) { rep(b, "[![img](url[)]() ", N); }

static void in_disabled_openers(struct buf *b)
{
	rep(b, "[", N);
	buf_adds(b, "![img](/url");
	rep(b, "[", N);
	buf_adds(b, ")](/outer)");
	rep(b, "]", N - 1);
}

static void in_many_refs(struct buf *b)
{
	size_t x;

	for (x = 1; x < N * 6; x++)
		buf_printf(b, "[%zu]: u\n", x);
	rep(b, "[0] ", N / 2);
}

static void in_deep_lists(struct buf *b)
{
	size_t x;

	for (x = 0; x < 1000; x++) {
		rep(b, "  ", x);
		buf_adds(b, "* a\n");
	}
}

static void in_html_pairs(struct buf *b) { rep(b, "<>", N); }

static void in_pi_openers(struct buf *b)
{
	buf_addc(b, 'x');
	rep(b, "<?", N);
}

static void in_cdata_openers(struct buf *b)
{
	buf_addc(b, 'x');
	rep(b, "<![CDATA[", N);
}

static void in_ticks_escapes(struct buf *b) { rep(b, "\\``", N); }
static void in_broken_titles(struct buf *b) { rep(b, "[ (](", N); }

static void in_broken_hr(struct buf *b)
{
	rep(b, "* ", N);
	buf_adds(b, "a");
}

static void in_invalid_refs(struct buf *b)
{
	rep(b, "[", N);
	rep(b, "]", N);
	buf_adds(b, "\n\n[a]: /b");
}

static void in_www(struct buf *b)
{
	rep(b, "www._", N);
	buf_adds(b, "x");
}

static void in_huge_table(struct buf *b)
{
	rep(b, "th|", N / 5);
	buf_addc(b, '\n');
	rep(b, "-|", N / 5);
	buf_addc(b, '\n');
	rep(b, "td\n", N / 5);
}

static void in_broken_links(struct buf *b) { rep(b, "]([\n", N); }

static void in_ref_instances(struct buf *b)
{
	buf_adds(b, "[x]: ");
	rep(b, "x", N);
	rep(b, "\n[x]", N);
}

static void in_same_headings(struct buf *b) { rep(b, "# Intro\n", N / 5); }
static void in_suffix_headings(struct buf *b) { rep(b, "# a\n# a-1\n# a\n# a-2\n", N / 5); }

static void in_long_heading(struct buf *b)
{
	buf_adds(b, "# ");
	rep(b, "\xD0\x96", N * 10);
	buf_adds(b, " end\n");
}

static void in_inline_html(struct buf *b) { rep(b, "<b>", N); }
static void in_html_blocks(struct buf *b) { rep(b, "<div>\n\n", N); }
static void in_more_markers(struct buf *b) { rep(b, "text\n\n<!--more-->\n\n", N); }
static void in_bad_bytes(struct buf *b) { rep(b, "\xff\xc0\xe2\x82", N); }
static void in_entities(struct buf *b) { rep(b, "&amp;&#x1F600;&nosuch;&#0;", N); }

/* ---- checks on the safe render (0 when fine) ---- */

static const char *ck_nul(struct result *r)
{
	return count(&r->html, "abc\xEF\xBF\xBD" "de\xEF\xBF\xBD") == 2 ?
	       NULL : "NUL not replaced by U+FFFD";
}

static const char *ck_nested_em(struct result *r)
{
	return count(&r->html, "<em>a <strong>a ") == N ? NULL :
	       "not every emphasis pair came out";
}

static const char *ck_many_links(struct result *r)
{
	return count(&r->html, "<a href=\"/u\">t</a>") == N ? NULL :
	       "not every link came out";
}

static const char *ck_nested_quotes(struct result *r)
{
	return count(&r->html, "<blockquote>\n") ==
	       count(&r->html, "</blockquote>\n") ? NULL :
	       "unbalanced blockquotes";
}

static const char *ck_deep_lists(struct result *r)
{
	return count(&r->html, "<li>a") == 1000 ? NULL :
	       "not 1000 list items";
}

static const char *ck_html_pairs(struct result *r)
{
	return count(&r->html, "&lt;&gt;") == N ? NULL : "<> not escaped";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The HTML has `expect` heading ids, all different (sorted, no equal
 * neighbours).  The ids are cut out of the HTML in place. */
static int html_ids_distinct(struct buf *html, size_t expect)
{
	static const char pre[] = "<h1 id=\"";
	size_t n = 0, i;
	char **ids, *p, *end;
	int ok;

	ids = malloc((expect + 1) * sizeof(*ids));
	if (!ids || !html->data)
		goto fail;
	p = html->data;
	end = html->data + html->len;
	while ((p = memmem(p, (size_t)(end - p), pre, sizeof(pre) - 1))) {
		p += sizeof(pre) - 1;
		if (n == expect)
			goto fail;
		ids[n++] = p;
		p = memchr(p, '"', (size_t)(end - p));
		if (!p)
			goto fail;
		*p++ = '\0';
	}
	ok = n == expect;
	qsort(ids, n, sizeof(*ids), cmp_str);
	for (i = 1; ok && i < n; i++)
		if (!strcmp(ids[i - 1], ids[i]))
			ok = 0;
	free(ids);
	return ok;
fail:
	free(ids);
	return 0;
}

static const char *toc_id(const struct result *r, size_t i)
{
	return json_string_value(json_object_get(
		json_array_get(r->info.toc, i), "id"));
}

/* The contents list stops at 10000 entries (TOC_MAX). */
static size_t toc_len(size_t headings)
{
	return headings < 10000 ? headings : 10000;
}

static const char *ck_same_headings(struct result *r)
{
	size_t n = N / 5, t = toc_len(n);
	char last[32];

	if (json_array_size(r->info.toc) != t)
		return "toc length is not min(headings, 10000)";
	snprintf(last, sizeof(last), t == 1 ? "intro" : "intro-%zu", t - 1);
	if (!toc_id(r, t - 1) || strcmp(toc_id(r, t - 1), last))
		return "the last Intro listed is not intro-(n-1)";
	return html_ids_distinct(&r->html, n) ? NULL : "heading ids repeat";
}

static const char *ck_suffix_headings(struct result *r)
{
	size_t n = N / 5 * 4;

	if (json_array_size(r->info.toc) != toc_len(n))
		return "toc length is not min(headings, 10000)";
	return html_ids_distinct(&r->html, n) ? NULL : "heading ids repeat";
}

static const char *ck_long_heading(struct result *r)
{
	const json_t *e = json_array_get(r->info.toc, 0);
	const char *id = json_string_value(json_object_get(e, "id"));
	const char *text = json_string_value(json_object_get(e, "text"));

	if (!id || !text)
		return "no toc entry";
	if (strlen(id) > 200 || strlen(text) > 1024)
		return "heading id or text not bounded";
	if (!utf8_valid(id, strlen(id)) || !utf8_valid(text, strlen(text)))
		return "bounded id or text cut inside a character";
	return NULL;
}

static const char *ck_inline_html(struct result *r)
{
	return r->info.raw_html_omitted == N &&
	       count(&r->html, "<!-- raw HTML omitted -->") == N ? NULL :
	       "not one comment per tag";
}

static const char *ck_html_blocks(struct result *r)
{
	return r->info.raw_html_omitted == N ? NULL :
	       "not one comment per block";
}

static const char *ck_more(struct result *r)
{
	return r->info.summary_more && !strcmp(r->info.summary_more, "text") &&
	       !count(&r->html, "more") ? NULL :
	       "marker not taken at the first one, or written out";
}

static const char *ck_entities(struct result *r)
{
	return count(&r->html, "\xF0\x9F\x98\x80") == N &&
	       count(&r->html, "&amp;nosuch;") == N ? NULL :
	       "entities not decoded or escaped";
}

struct pcase {
	const char *name;
	void (*build)(struct buf *b);
	const char *(*check)(struct result *r);
	int quadratic;  /* output of N*N bytes: past 64 MiB the renders
			   must stop with -ENOMEM, below it succeed */
};

static const struct pcase cases[] = {
	{ "U+0000 and runs of NUL", in_nul, ck_nul, 0 },
	{ "nested strong emph", in_nested_strong_emph, ck_nested_em, 0 },
	{ "many emph closers, no openers", in_emph_closers, NULL, 0 },
	{ "many emph openers, no closers", in_emph_openers, NULL, 0 },
	{ "many 3-emph openers", in_emph3, NULL, 0 },
	{ "many link closers, no openers", in_link_closers, NULL, 0 },
	{ "many link openers, no closers", in_link_openers, NULL, 0 },
	{ "mismatched openers and closers", in_mismatched, NULL, 0 },
	{ "openers and closers multiple of 3", in_mult3, NULL, 0 },
	{ "link openers and emph closers", in_link_emph, NULL, 0 },
	{ "nested brackets", in_nested_brackets, NULL, 0 },
	{ "nested block quotes", in_nested_quotes, ck_nested_quotes, 0 },
	{ "backticks", in_backticks, NULL, 0 },
	{ "many links", in_many_links, ck_many_links, 0 },
	{ "many images with brackets in URLs", in_img_brackets, NULL, 0 },
	{ "many disabled bracket openers", in_disabled_openers, NULL, 0 },
	{ "many link reference definitions", in_many_refs, NULL, 0 },
	{ "deeply nested lists", in_deep_lists, ck_deep_lists, 0 },
	{ "many html openers and closers", in_html_pairs, ck_html_pairs, 0 },
	{ "many html proc. inst. openers", in_pi_openers, NULL, 0 },
	{ "many html CDATA openers", in_cdata_openers, NULL, 0 },
	{ "many backticks and escapes", in_ticks_escapes, NULL, 0 },
	{ "many broken link titles", in_broken_titles, NULL, 0 },
	{ "broken thematic break", in_broken_hr, NULL, 0 },
	{ "nested invalid link references", in_invalid_refs, NULL, 0 },
	{ "many broken www autolinks", in_www, NULL, 0 },
	{ "huge table", in_huge_table, NULL, 0 },
	{ "many broken links", in_broken_links, NULL, 0 },
	/* N uses of an N-byte URL: N*N bytes of HTML, and as much work in
	 * md4c 0.5.2 even for info alone; both stop at the bound. */
	{ "many link ref. def. instantiations", in_ref_instances, NULL, 1 },
	{ "same heading N/5 times", in_same_headings, ck_same_headings, 0 },
	{ "headings that look suffixed", in_suffix_headings, ck_suffix_headings, 0 },
	{ "one very long heading", in_long_heading, ck_long_heading, 0 },
	{ "many inline raw HTML tags", in_inline_html, ck_inline_html, 0 },
	{ "many raw HTML blocks", in_html_blocks, ck_html_blocks, 0 },
	{ "many more markers", in_more_markers, ck_more, 0 },
	{ "invalid UTF-8 bytes", in_bad_bytes, NULL, 0 },
	{ "many entities", in_entities, ck_entities, 0 },
};

static int run(const struct pcase *c)
{
	struct buf in = BUF_INIT;
	struct result safe, unsafe, fast;
	const char *why = NULL;
	int expect = c->quadratic && N * N > ((size_t)64 << 20) ? -ENOMEM : 0;

	c->build(&in);
	if (in.oom) {
		printf("FAIL %s: cannot build the input\n", c->name);
		buf_free(&in);
		return 0;
	}
	render(&in, 0, &safe);
	render(&in, MDR_UNSAFE, &unsafe);
	render(&in, MDR_NO_HTML, &fast);

	if (safe.ret != expect || unsafe.ret != expect || fast.ret != expect)
		why = "unexpected return";
	else if (!utf8_valid(safe.html.data ? safe.html.data : "", safe.html.len) ||
		 !utf8_valid(unsafe.html.data ? unsafe.html.data : "",
			     unsafe.html.len))
		why = "HTML is not valid UTF-8";
	else if (!safe.ret && (safe.info.words != fast.info.words ||
			       !json_equal(safe.info.toc, fast.info.toc)))
		why = "MDR_NO_HTML gathers different info";
	else if (!safe.ret && c->check)
		why = c->check(&safe);

	printf("%-36s in %8zu  out %9zu  safe %8.1f ms  unsafe %8.1f ms  "
	       "info-only %8.1f ms  %s\n", c->name, in.len, safe.html.len,
	       safe.ms, unsafe.ms, fast.ms, why ? "FAIL" : "ok");
	if (why)
		printf("FAIL %s: %s (returns %d, %d, %d)\n", c->name, why,
		       safe.ret, unsafe.ret, fast.ret);
	result_free(&safe);
	result_free(&unsafe);
	result_free(&fast);
	buf_free(&in);
	return !why;
}

int main(int argc, char **argv)
{
	size_t i, ok = 0, n = sizeof(cases) / sizeof(cases[0]);

	if (argc > 1) {
		N = strtoul(argv[1], NULL, 10);
		if (N < 10) {
			fprintf(stderr, "usage: %s [N >= 10]\n", argv[0]);
			return 2;
		}
	}
	for (i = 0; i < n; i++)
		ok += (size_t)run(&cases[i]);
	printf("markdown pathological: %zu/%zu passed (N = %zu)\n", ok, n, N);
	return ok == n ? 0 : 1;
}
