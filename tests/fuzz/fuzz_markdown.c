/* fuzz_markdown.c — libFuzzer target for render/markdown.c.
 *
 * Renders each input in safe mode, unsafe mode and info-only mode, with
 * a rewrite hook, and aborts when: the HTML is not valid UTF-8; safe
 * HTML holds "<script" (any case) or an href/src a browser would read as
 * javascript:, vbscript: or data: (checked here the way a browser reads
 * the attribute, independently of the renderer's own check); the
 * info-only render disagrees with the full one.
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Irender \
 *   render/buf.c render/fmerror.c render/utf8.c render/markdown.c \
 *   tests/fuzz/fuzz_markdown.c -lmd4c -ljansson -o fuzz_markdown
 * ./fuzz_markdown tests/fuzz/corpus/markdown
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "markdown.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int rewrite(void *ctx, const char *url, size_t len, struct buf *out)
{
	(void)ctx;
	if (len & 1)
		return 0;
	buf_adds(out, "../media/");
	buf_add(out, url, len);
	return 1;
}

static void fail(const char *why, const struct buf *html)
{
	fprintf(stderr, "fuzz_markdown: %s\n%.*s\n", why,
		(int)(html->len > 4000 ? 4000 : html->len),
		html->data ? html->data : "");
	abort();
}

/* The attribute value as a browser takes it: &amp; and the other
 * references the renderer writes undone, leading C0 controls and spaces
 * stripped, tab/CR/LF dropped, lower-cased; then the scheme test. */
static int bad_scheme(const char *v, size_t n)
{
	static const char *const bad[] = { "javascript:", "vbscript:", "data:" };
	char head[16];
	size_t h = 0, i = 0, k;

	while (i < n && h < sizeof(head)) {
		unsigned char c = (unsigned char)v[i];

		if (c == '&') {
			static const struct { const char *ref; char c; } refs[] = {
				{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
				{ "&quot;", '"' }, { "&#39;", '\'' },
			};
			for (k = 0; k < sizeof(refs) / sizeof(refs[0]); k++) {
				size_t m = strlen(refs[k].ref);

				if (n - i >= m && !memcmp(v + i, refs[k].ref, m)) {
					c = (unsigned char)refs[k].c;
					i += m - 1;
					break;
				}
			}
		}
		i++;
		if ((c <= 0x20 && h == 0) || c == '\t' || c == '\n' || c == '\r')
			continue;
		head[h++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		if (c == ':')
			break;
	}
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		if (h == strlen(bad[k]) && !memcmp(head, bad[k], h))
			return 1;
	return 0;
}

static void check_safe(const struct buf *html)
{
	const char *s = html->data ? html->data : "";
	size_t n = html->len, i;

	for (i = 0; i < n; i++) {
		size_t m = 0, end;

		if (s[i] == '<' && n - i >= 7 && !strncasecmp(s + i, "<script", 7))
			fail("<script in safe HTML", html);
		if (n - i >= 6 && !memcmp(s + i, "href=\"", 6))
			m = 6;
		else if (n - i >= 5 && !memcmp(s + i, "src=\"", 5))
			m = 5;
		if (!m)
			continue;
		for (end = i + m; end < n && s[end] != '"'; end++)
			;
		if (bad_scheme(s + i + m, end - i - m))
			fail("dangerous URL in safe HTML", html);
		i = end;
	}
}

static int same_info(const struct mdr_info *a, const struct mdr_info *b)
{
	return a->words == b->words && json_equal(a->toc, b->toc) &&
	       !strcmp(a->summary_auto, b->summary_auto) &&
	       !a->summary_more == !b->summary_more &&
	       (!a->summary_more || !strcmp(a->summary_more, b->summary_more)) &&
	       a->raw_html_omitted == b->raw_html_omitted &&
	       a->urls_neutralised == b->urls_neutralised;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mdr_opts opts = { 0, rewrite, NULL, 7 };
	struct mdr_info info, fast;
	struct buf html = BUF_INIT;
	const char *src = (const char *)data;

	if (mdr_render(src, size, &opts, &html, &info))
		abort();
	if (!utf8_valid(html.data ? html.data : "", html.len))
		fail("safe HTML is not valid UTF-8", &html);
	check_safe(&html);

	opts.flags = MDR_NO_HTML;
	if (mdr_render(src, size, &opts, NULL, &fast))
		abort();
	if (!same_info(&info, &fast))
		fail("info-only render disagrees", &html);
	if (!utf8_valid(info.summary_auto, strlen(info.summary_auto)))
		fail("summary_auto is not valid UTF-8", &html);
	mdr_info_free(&fast);
	mdr_info_free(&info);

	buf_reset(&html);
	opts.flags = MDR_UNSAFE;
	if (mdr_render(src, size, &opts, &html, NULL))
		abort();
	if (!utf8_valid(html.data ? html.data : "", html.len))
		fail("unsafe HTML is not valid UTF-8", &html);
	buf_free(&html);
	return 0;
}
