/* md_golden.c — render every tests/markdown/cases/NAME.md and compare
 * with NAME.html (exact bytes) and, where present, NAME.json: the info
 * as {"toc", "words", "summary_auto", "summary_more" (null when there
 * is no marker), "raw_html_omitted", "urls_neutralised",
 * "reading_minutes" (mdr_reading_minutes of words)}; only the keys the
 * file names are compared.
 *
 * A case's name selects its options: "unsafe-*" renders with
 * MDR_UNSAFE, "rewrite-*" with the test rewrite hook below.  Every case
 * is also rendered with MDR_NO_HTML, whose info must equal the full
 * render's, and its HTML must be valid UTF-8; in safe mode it must hold
 * no <script.  A few API checks follow the cases.
 *
 * Usage: md_golden CASES_DIR.  Exits non-zero when anything fails.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "markdown.h"
#include "utf8.h"

static int passed, total;

/* "x.md" becomes "x.html"; "keep/..." is left alone (returns 0); any
 * other relative URL gets the "/media/" prefix. */
static int test_rewrite(void *ctx, const char *url, size_t len,
			struct buf *out)
{
	int *calls = ctx;

	(*calls)++;
	if (len >= 5 && !memcmp(url, "keep/", 5))
		return 0;
	if (len >= 3 && !memcmp(url + len - 3, ".md", 3)) {
		buf_add(out, url, len - 3);
		buf_adds(out, ".html");
		return 1;
	}
	buf_adds(out, "/media/");
	buf_add(out, url, len);
	return 1;
}

static int read_file(const char *path, struct buf *b)
{
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return -errno;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	if (ferror(f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	return buf_error(b);
}

static json_t *info_json(const struct mdr_info *in)
{
	return json_pack("{s:O, s:I, s:s, s:s?, s:I, s:I, s:i}",
			 "toc", in->toc,
			 "words", (json_int_t)in->words,
			 "summary_auto", in->summary_auto,
			 "summary_more", in->summary_more,
			 "raw_html_omitted", (json_int_t)in->raw_html_omitted,
			 "urls_neutralised", (json_int_t)in->urls_neutralised,
			 "reading_minutes", (int)mdr_reading_minutes(in->words));
}

/* Print where two texts first differ, line by line, like diff does. */
static void show_diff(const char *name, const char *exp, size_t elen,
		      const char *got, size_t glen)
{
	size_t i = 0, line = 1, ls = 0, k;

	while (i < elen && i < glen && exp[i] == got[i]) {
		if (exp[i] == '\n') {
			line++;
			ls = i + 1;
		}
		i++;
	}
	printf("FAIL %s: HTML differs at line %zu\n", name, line);
	printf("--- %s.html (expected)\n+++ rendered\n", name);
	for (k = 0; k < 3; k++) {
		const char *s = exp + ls, *e;

		if (ls >= elen)
			break;
		e = memchr(s, '\n', elen - ls);
		if (!e)
			e = exp + elen;
		printf("-%.*s\n", (int)(e - s), s);
		ls = (size_t)(e - exp) + 1;
	}
	ls = i;
	while (ls > 0 && got[ls - 1] != '\n')
		ls--;
	for (k = 0; k < 3; k++) {
		const char *s = got + ls, *e;

		if (ls >= glen)
			break;
		e = memchr(s, '\n', glen - ls);
		if (!e)
			e = got + glen;
		printf("+%.*s\n", (int)(e - s), s);
		ls = (size_t)(e - got) + 1;
	}
}

static int has_ci(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle), i;

	for (i = 0; i + m <= n; i++)
		if (!strncasecmp(s + i, needle, m))
			return 1;
	return 0;
}

static int compare_info(const char *name, const char *path,
			json_t *got)
{
	json_error_t jerr;
	json_t *exp = json_load_file(path, 0, &jerr);
	const char *key;
	json_t *val;
	int ok = 1;

	if (!exp) {
		printf("FAIL %s: cannot read %s: %s (line %d)\n", name, path,
		       jerr.text, jerr.line);
		return 0;
	}
	json_object_foreach(exp, key, val) {
		json_t *g = json_object_get(got, key);
		char *es, *gs;

		if (g && json_equal(g, val))
			continue;
		es = json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT);
		gs = g ? json_dumps(g, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
		printf("FAIL %s: info \"%s\"\n-%s\n+%s\n", name, key,
		       es ? es : "?", gs ? gs : "(missing)");
		free(es);
		free(gs);
		ok = 0;
	}
	json_decref(exp);
	return ok;
}

static int run_case(const char *dir, const char *name)
{
	struct buf path = BUF_INIT, src = BUF_INIT, exp = BUF_INIT;
	struct buf html = BUF_INIT;
	struct mdr_info info, fast;
	struct mdr_opts opts = { 0, NULL, NULL, 70 };
	json_t *ij = NULL, *fj = NULL;
	int calls = 0, ok = 0, ret;
	FILE *f;

	if (!strncmp(name, "unsafe-", 7))
		opts.flags |= MDR_UNSAFE;
	if (!strncmp(name, "rewrite-", 8)) {
		opts.rewrite = test_rewrite;
		opts.rewrite_ctx = &calls;
	}
	buf_printf(&path, "%s/%s.md", dir, name);
	if (read_file(path.data, &src)) {
		printf("FAIL %s: cannot read %s\n", name, path.data);
		goto out;
	}
	buf_reset(&path);
	buf_printf(&path, "%s/%s.html", dir, name);
	if (read_file(path.data, &exp)) {
		printf("FAIL %s: cannot read %s\n", name, path.data);
		goto out;
	}

	ret = mdr_render(src.data, src.len, &opts, &html, &info);
	if (ret) {
		printf("FAIL %s: mdr_render returned %d\n", name, ret);
		goto out;
	}
	ij = info_json(&info);
	mdr_info_free(&info);

	opts.flags |= MDR_NO_HTML;
	ret = mdr_render(src.data, src.len, &opts, NULL, &fast);
	if (ret) {
		printf("FAIL %s: MDR_NO_HTML render returned %d\n", name, ret);
		goto out;
	}
	fj = info_json(&fast);
	mdr_info_free(&fast);
	if (!ij || !fj) {
		printf("FAIL %s: out of memory\n", name);
		goto out;
	}

	ok = 1;
	if (html.len != exp.len || memcmp(html.data ? html.data : "",
					  exp.data ? exp.data : "", html.len)) {
		show_diff(name, exp.data ? exp.data : "", exp.len,
			  html.data ? html.data : "", html.len);
		ok = 0;
	}
	if (!utf8_valid(html.data ? html.data : "", html.len)) {
		printf("FAIL %s: HTML is not valid UTF-8\n", name);
		ok = 0;
	}
	if (!(opts.flags & MDR_UNSAFE) &&
	    has_ci(html.data ? html.data : "", html.len, "<script")) {
		printf("FAIL %s: safe-mode HTML contains <script\n", name);
		ok = 0;
	}
	if (!json_equal(ij, fj)) {
		printf("FAIL %s: MDR_NO_HTML gathers different info\n", name);
		ok = 0;
	}
	if (opts.rewrite && !calls) {
		printf("FAIL %s: the rewrite hook was never called\n", name);
		ok = 0;
	}
	buf_reset(&path);
	buf_printf(&path, "%s/%s.json", dir, name);
	f = fopen(path.data, "r");
	if (f) {
		fclose(f);
		if (!compare_info(name, path.data, ij))
			ok = 0;
	}
out:
	json_decref(ij);
	json_decref(fj);
	buf_free(&html);
	buf_free(&exp);
	buf_free(&src);
	buf_free(&path);
	return ok;
}

static int md_case(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 3 && !strcmp(d->d_name + n - 3, ".md");
}

static void check(int cond, const char *what)
{
	total++;
	if (cond)
		passed++;
	else
		printf("FAIL api: %s\n", what);
}

static int evil_rewrite(void *ctx, const char *url, size_t len,
			struct buf *out)
{
	(void)ctx;
	(void)url;
	(void)len;
	buf_adds(out, " JavaScript:alert(1)");
	return 1;
}

/* The parts of the interface the cases cannot show. */
static void api_checks(void)
{
	static const char doc[] = "# One\n\nalpha beta gamma delta\n";
	struct mdr_opts opts = { 0, NULL, NULL, 2 };
	struct mdr_info info;
	struct buf html = BUF_INIT;
	int ret;

	check(mdr_reading_minutes(0) == 0, "reading_minutes(0) == 0");
	check(mdr_reading_minutes(1) == 1, "reading_minutes(1) == 1");
	check(mdr_reading_minutes(213) == 1, "reading_minutes(213) == 1");
	check(mdr_reading_minutes(214) == 2, "reading_minutes(214) == 2");
	check(mdr_reading_minutes(2130) == 10, "reading_minutes(2130) == 10");

	/* Default options, no info wanted. */
	ret = mdr_render(doc, sizeof(doc) - 1, NULL, &html, NULL);
	check(!ret && html.data &&
	      !strcmp(html.data, "<h1 id=\"one\">One</h1>\n"
			      "<p>alpha beta gamma delta</p>\n"),
	      "NULL opts and NULL info render the default way");
	buf_free(&html);

	/* summary_words counts words; the cut keeps the whole token. */
	ret = mdr_render(doc, sizeof(doc) - 1, &opts, &html, &info);
	check(!ret && info.summary_auto &&
	      !strcmp(info.summary_auto, "One alpha"),
	      "summary_words = 2 gives \"One alpha\"");
	check(!ret && info.words == 5 && !info.summary_more,
	      "5 words, no summary_more without a marker");
	mdr_info_free(&info);
	buf_free(&html);

	/* Appending: the HTML goes after what the buffer held. */
	buf_adds(&html, "<!-- head -->");
	ret = mdr_render("x", 1, NULL, &html, NULL);
	check(!ret && html.data && !strcmp(html.data, "<!-- head --><p>x</p>\n"),
	      "output is appended to the buffer");
	buf_free(&html);

	/* A hook that returns a dangerous URL is still filtered. */
	opts.rewrite = evil_rewrite;
	ret = mdr_render("[a](b)", 6, &opts, &html, &info);
	check(!ret && html.data && !strcmp(html.data, "<p><a href=\"#\">a</a></p>\n") &&
	      info.urls_neutralised == 1,
	      "a rewritten javascript: URL becomes #");
	mdr_info_free(&info);
	buf_free(&html);

	/* The caller's limit is kept, and passing it fails cleanly. */
	html.limit = 10;
	ret = mdr_render(doc, sizeof(doc) - 1, NULL, &html, &info);
	check(ret == -ENOMEM && html.limit == 10 && !info.toc &&
	      !info.summary_auto, "a full buffer gives -ENOMEM, info empty");
	mdr_info_free(&info);
	buf_free(&html);
}

int main(int argc, char **argv)
{
	struct dirent **names;
	int n, i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CASES_DIR\n", argv[0]);
		return 2;
	}
	n = scandir(argv[1], &names, md_case, alphasort);
	if (n < 0) {
		perror(argv[1]);
		return 2;
	}
	for (i = 0; i < n; i++) {
		char *name = names[i]->d_name;

		name[strlen(name) - 3] = '\0';
		total++;
		if (run_case(argv[1], name))
			passed++;
		free(names[i]);
	}
	free(names);
	api_checks();
	printf("markdown golden: %d/%d passed (%d cases)\n", passed, total, n);
	return passed == total && n > 0 ? 0 : 1;
}
