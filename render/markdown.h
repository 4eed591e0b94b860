/* markdown.h — Markdown (md4c, GitHub dialect) to HTML, streaming into a
 * struct buf, with what the post's JSON needs gathered on the way: the
 * table of contents, word count, summary.
 */
#ifndef POSTFS_MARKDOWN_H
#define POSTFS_MARKDOWN_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"

#define MDR_UNSAFE  0x1  /* let raw HTML through, allow every URL scheme */
#define MDR_NO_HTML 0x2  /* only gather info (toc, words, summary); write
                            no HTML (html may then be NULL) */

/* Rewrites a relative link or image URL (one without a scheme, not
 * starting with '/', '#' or '?').  Appends the URL to use to out
 * (unescaped: the renderer escapes it for the attribute) and returns 1,
 * or returns 0 to keep the URL as written. */
typedef int (*mdr_url_fn)(void *ctx, const char *url, size_t len,
			  struct buf *out);

struct mdr_opts {
	unsigned flags;        /* MDR_* */
	mdr_url_fn rewrite;    /* may be NULL */
	void *rewrite_ctx;
	size_t summary_words;  /* length of the automatic summary (70) */
};

/* What rendering found out.  All strings are owned by the struct;
 * release with mdr_info_free. */
struct mdr_info {
	json_t *toc;          /* array of {"level": n, "text": s, "id": s} in
	                         document order */
	size_t words;         /* words of text (Unicode letters/digits runs;
	                         code included, markup excluded) */
	char *summary_more;   /* plain text before <!--more-->, or NULL when
	                         there is no such marker */
	char *summary_auto;   /* plain text of the first summary_words words
	                         (whole text when shorter), never NULL */
	size_t raw_html_omitted; /* raw HTML pieces replaced (safe mode) */
	size_t urls_neutralised; /* javascript:/vbscript:/data: URLs removed */
};

/* Render src[0..len) (any bytes: invalid UTF-8 and NUL become U+FFFD)
 * to HTML appended to html, and fill *info (may be NULL).
 *
 * Safe mode (no MDR_UNSAFE): every raw HTML block or inline tag becomes
 * the comment <!-- raw HTML omitted -->, except a `<!--more-->` marker
 * (which is dropped, its position recorded); link and image URLs whose
 * scheme is javascript:, vbscript: or data: (case-insensitive, ignoring
 * whitespace and control characters as browsers do) become "#".
 * Headings get id attributes: GitHub-style slugs (lower case, Unicode
 * letters and digits kept, spaces to '-', other punctuation dropped but
 * '-' and '_'), made unique in the document with -1, -2, ... suffixes;
 * an empty slug becomes "section".
 * opts may be NULL (the defaults: safe mode, no rewrite, 70 summary
 * words; summary_words 0 also means 70).  *info is zeroed first, so
 * mdr_info_free is safe after a failure; the table of contents stops at
 * 10,000 entries (later headings still get unique ids).  Image alt text
 * and raw HTML count neither as words nor in summaries.
 * Output is bounded: when html->limit is 0, 64 MiB + 16 times the input
 * (md4c writes a link reference's URL out at every use, so a small post
 * can ask for gigabytes).
 * Returns 0; -ENOMEM when memory or that bound runs out; -EINVAL for an
 * input over 1 GiB (md4c counts offsets in unsigned int). */
int mdr_render(const char *src, size_t len, const struct mdr_opts *opts,
	       struct buf *html, struct mdr_info *info);
void mdr_info_free(struct mdr_info *info);

/* Reading time in minutes for a word count: ceil(words / 213), at least 1
 * when words > 0 (the rate Hugo uses). */
unsigned mdr_reading_minutes(size_t words);

#endif
