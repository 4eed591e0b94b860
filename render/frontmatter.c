#include "frontmatter.h"

#include <errno.h>
#include <string.h>

#include "toml.h"
#include "utf8.h"

/* Length of the line starting at s[0..n), without its line end; *next
 * gets the offset of the following line. */
static size_t line_len(const char *s, size_t n, size_t *next)
{
	const char *nl = memchr(s, '\n', n);
	size_t l = nl ? (size_t)(nl - s) : n;

	*next = nl ? l + 1 : n;
	if (l && s[l - 1] == '\r')
		l--;
	return l;
}

/* A delimiter line: the three characters, then only spaces or tabs. */
static int is_delim(const char *s, size_t l, const char *d)
{
	size_t i;

	if (l < 3 || memcmp(s, d, 3))
		return 0;
	for (i = 3; i < l; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

static int count_lines(const char *s, size_t n)
{
	int lines = 0;
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		lines++;
		p++;
	}
	return lines;
}

/* The end of a JSON object starting at s[0] == '{': a bracket matcher
 * aware of strings and escapes (the object itself is parsed by jansson
 * later).  Returns the offset just past the closing brace, or 0. */
static size_t json_object_end(const char *s, size_t n)
{
	size_t i, depth = 0;
	int in_str = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && depth && --depth == 0)
			return i + 1;
	}
	return 0;
}

void fm_split(const char *text, size_t len, struct fm_split *out)
{
	size_t pos = 0, next, l;
	const char *delim;

	memset(out, 0, sizeof(*out));
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		pos = out->bom_len = 3;
	out->body_off = pos;
	out->body_line = 1;
	out->complete = 1;

	if (pos < len && text[pos] == '{') {
		size_t end = json_object_end(text + pos, len - pos);

		out->format = FM_JSON;
		out->fm_off = pos;
		out->fm_line = 1;
		if (!end) {
			out->fm_len = len - pos;
			out->body_off = len;
			out->complete = 0;
			return;
		}
		out->fm_len = end;
		pos += end;
		/* The rest of the closing line belongs to the front matter. */
		line_len(text + pos, len - pos, &next);
		out->body_off = pos + next;
		out->body_line = 1 + count_lines(text, out->body_off);
		return;
	}

	l = line_len(text + pos, len - pos, &next);
	if (is_delim(text + pos, l, "---")) {
		out->format = FM_YAML;
		delim = "---";
	} else if (is_delim(text + pos, l, "+++")) {
		out->format = FM_TOML;
		delim = "+++";
	} else {
		return;
	}
	pos += next;
	out->fm_off = pos;
	out->fm_line = 2;
	while (pos < len) {
		l = line_len(text + pos, len - pos, &next);
		if (is_delim(text + pos, l, delim) ||
		    (out->format == FM_YAML && is_delim(text + pos, l, "..."))) {
			out->fm_len = pos - out->fm_off;
			out->body_off = pos + next;
			out->body_line = out->fm_line +
				count_lines(text + out->fm_off, out->fm_len) + 1;
			return;
		}
		pos += next;
	}
	out->fm_len = len - out->fm_off;
	out->body_off = len;
	out->complete = 0;
}

/* Depth and size of a value tree, to hold JSON front matter to the same
 * limits as the other readers. */
static int json_measure(json_t *v, int depth, size_t *nodes,
			const struct fm_limits *lim)
{
	size_t i;
	const char *k;
	json_t *e;

	if (++*nodes > lim->max_nodes || depth > lim->max_depth)
		return -1;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if (json_measure(e, depth + 1, nodes, lim))
				return -1;
	} else if (json_is_object(v)) {
		json_object_foreach(v, k, e)
			if (json_measure(e, depth + 1, nodes, lim))
				return -1;
	}
	return 0;
}

int fm_parse_json(const char *fm, size_t len, const struct fm_limits *lim,
		  json_t **out, struct pf_error *err)
{
	static const struct fm_limits def = FM_LIMITS_DEFAULT;
	json_error_t je;
	json_t *v;
	size_t nodes = 0;

	*out = NULL;
	if (!lim)
		lim = &def;
	if (len > lim->max_bytes)
		return pf_fail(err, 1, 1, "front matter is larger than %zu bytes",
			       lim->max_bytes);
	/* jansson refuses invalid UTF-8 and NUL bytes itself, and limits
	 * nesting (2048) before our own, smaller depth check below. */
	v = json_loadb(fm, len, JSON_REJECT_DUPLICATES, &je);
	if (!v)
		return pf_fail(err, je.line > 0 ? je.line : 1,
			       je.column > 0 ? je.column : 1, "%s", je.text);
	if (!json_is_object(v)) {
		json_decref(v);
		return pf_fail(err, 1, 1, "JSON front matter is not an object");
	}
	if (json_measure(v, 0, &nodes, lim)) {
		json_decref(v);
		return pf_fail(err, 1, 1,
			       "front matter nests deeper than %d or holds more than %zu values",
			       lim->max_depth, lim->max_nodes);
	}
	*out = v;
	return 0;
}

int fm_parse(enum fm_format format, const char *fm, size_t len,
	     const struct fm_limits *lim, json_t **out, struct pf_error *err)
{
	static const struct fm_limits def = FM_LIMITS_DEFAULT;

	if (!lim)
		lim = &def;
	*out = NULL;
	if (len > lim->max_bytes)
		return pf_fail(err, 1, 1, "front matter is larger than %zu bytes",
			       lim->max_bytes);
	switch (format) {
	case FM_NONE:
		*out = json_object();
		return *out ? 0 : -ENOMEM;
	case FM_YAML:
		return fm_parse_yaml(fm, len, lim, out, err);
	case FM_TOML:
		return toml_parse(fm, len, TOML_PLAIN, lim, out, err);
	case FM_JSON:
		return fm_parse_json(fm, len, lim, out, err);
	}
	return -EINVAL;
}
