/* fuzz_frontmatter.c — libFuzzer target for the front-matter splitter
 * and the three front-matter readers (render/frontmatter.c, yaml.c,
 * toml.c), as a post's source reaches them.
 *
 * The input is a whole source file.  fm_split must give offsets inside
 * the text and a consistent shape; the front matter it finds is read
 * with its own format and the default limits.  The whole input is then
 * also read as each format, and through fm_parse_json, with small limits
 * so the limit paths are reached by small inputs.  Every reader must
 * return a JSON object or an error with a message, never both; a result
 * must respect the limits it was read under and survive a JSON round
 * trip unchanged.
 *
 *   tests/fuzz/run-long.sh frontmatter 600
 */
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmerror.h"
#include "frontmatter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small bounds: reached by inputs of a few hundred bytes. */
static const struct fm_limits small = { 4096, 6, 300 };
static const struct fm_limits dflt = FM_LIMITS_DEFAULT;

/* Depth (the root at 0) and number of values of a tree, counting a
 * shared value at each place it appears.  Gives up (returns -1) as soon
 * as the limits plus one are passed, so a reader that ignored its limits
 * cannot make this walk run long. */
static int measure(json_t *v, int depth, size_t *nodes, const struct fm_limits *lim)
{
	const char *k;
	json_t *e;
	size_t i;

	if (++*nodes > lim->max_nodes + 1 || depth > lim->max_depth + 1)
		return -1;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if (measure(e, depth + 1, nodes, lim))
				return -1;
	} else if (json_is_object(v)) {
		json_object_foreach(v, k, e)
			if (measure(e, depth + 1, nodes, lim))
				return -1;
	}
	return 0;
}

static void check(int rc, json_t *v, const struct pf_error *err, size_t len,
		  const struct fm_limits *lim)
{
	size_t nodes = 0;
	json_t *back;
	char *text;

	if (rc) {
		if (v || (rc != -EINVAL && rc != -ENOMEM) || !err->msg[0] ||
		    !memchr(err->msg, '\0', sizeof(err->msg)) || err->line < 0 ||
		    err->column < 0)
			abort();
		return;
	}
	if (!json_is_object(v) || len > lim->max_bytes)
		abort();
	/* the readers count depth and values in slightly different ways
	 * (keys or not, the root or not): one of slack each */
	if (measure(v, 0, &nodes, lim))
		abort();
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text)
		abort();
	back = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (!back || !json_equal(back, v))
		abort();
	json_decref(back);
	free(text);
}

static void parse(enum fm_format f, const char *s, size_t n, const struct fm_limits *lim)
{
	struct pf_error err;
	json_t *v = NULL;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = fm_parse(f, s, n, lim, &v, &err);
	check(rc, v, &err, f == FM_NONE ? 0 : n, lim);
	json_decref(v);
}

static void check_split(const char *s, size_t n, const struct fm_split *sp)
{
	if (sp->bom_len != 0 && sp->bom_len != 3)
		abort();
	if (sp->bom_len == 3 && (n < 3 || memcmp(s, "\xEF\xBB\xBF", 3)))
		abort();
	if (sp->body_off > n || sp->body_off < sp->bom_len || sp->body_line < 1)
		abort();
	if (!sp->complete && sp->body_off != n)
		abort();
	if (sp->format == FM_NONE) {
		if (sp->body_off != sp->bom_len || !sp->complete)
			abort();
		return;
	}
	if (sp->fm_off < sp->bom_len || sp->fm_off > n || sp->fm_len > n - sp->fm_off ||
	    sp->fm_off + sp->fm_len > sp->body_off || sp->fm_line < 1)
		abort();
	/* without a closing line there is no body, and no line of it */
	if (sp->complete && sp->body_line < sp->fm_line)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct fm_split sp, again;
	struct pf_error err;
	json_t *v = NULL;
	int rc;

	fm_split(s, size, &sp);
	check_split(s, size, &sp);
	fm_split(s, size, &again);
	if (memcmp(&sp, &again, sizeof(sp)))
		abort();
	parse(sp.format, s + sp.fm_off, sp.fm_len, &dflt);

	parse(FM_YAML, s, size, &small);
	parse(FM_TOML, s, size, &small);
	parse(FM_JSON, s, size, &small);

	memset(&err, 0, sizeof(err));
	rc = fm_parse_json(s, size, &small, &v, &err);
	check(rc, v, &err, size, &small);
	json_decref(v);
	return 0;
}
