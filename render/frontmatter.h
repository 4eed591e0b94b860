/* frontmatter.h — split a source file into front matter and body, and
 * read the front matter (YAML, TOML or JSON) into one JSON value tree.
 *
 * All three readers produce the same shape: a JSON object whose values
 * are strings, integers, reals, booleans, nulls, arrays and objects.
 * Dates and times stay strings (RFC 3339 text for TOML's typed dates).
 */
#ifndef POSTFS_FRONTMATTER_H
#define POSTFS_FRONTMATTER_H

#include <jansson.h>
#include <stddef.h>

#include "fmerror.h"

/* Bounds that keep every input finite in time and memory. */
struct fm_limits {
	size_t max_bytes;   /* largest front matter, bytes (default 256 KiB) */
	int max_depth;      /* deepest nesting of arrays/objects (default 64) */
	size_t max_nodes;   /* most values in the tree, after YAML aliases are
	                       expanded (default 100000) */
};

#define FM_LIMITS_DEFAULT { 256 * 1024, 64, 100000 }

enum fm_format { FM_NONE, FM_YAML, FM_TOML, FM_JSON };

/* Where the parts of a source text are.  Offsets are bytes into the text
 * given to fm_split (after a leading BOM, which bom_len counts). */
struct fm_split {
	enum fm_format format;
	size_t bom_len;     /* 3 when the text starts with a UTF-8 BOM */
	size_t fm_off;      /* first byte of the front matter proper */
	size_t fm_len;      /* its length (without the delimiter lines) */
	int fm_line;        /* 1-based line of the text where fm_off lies */
	size_t body_off;    /* first byte of the Markdown body */
	int body_line;      /* 1-based line where the body starts */
	int complete;       /* 0 when the closing delimiter was not found
	                       within the text given (it may be truncated) */
};

/* Find the front matter at the start of text[0..len).  Accepts an
 * optional BOM, CRLF line ends, `---` (YAML), `+++` (TOML) and a JSON
 * object starting with `{`.  Never fails: with no front matter, format
 * is FM_NONE and body_off is just after the BOM.  When the opening
 * delimiter is there but the closing one is not, complete is 0 and
 * body_off is len. */
void fm_split(const char *text, size_t len, struct fm_split *out);

/* Parse front matter text fm[0..len) of the given format into *out (a
 * new JSON object the caller owns; json_decref it).  Line and column in
 * *err are relative to fm (add fm_line - 1 to get the file's line).
 * Returns 0, or -EINVAL with *err filled and *out NULL. */
int fm_parse(enum fm_format format, const char *fm, size_t len,
	     const struct fm_limits *lim, json_t **out, struct pf_error *err);

/* The individual readers fm_parse dispatches to, same contract. */
int fm_parse_yaml(const char *fm, size_t len, const struct fm_limits *lim,
		  json_t **out, struct pf_error *err);
int fm_parse_json(const char *fm, size_t len, const struct fm_limits *lim,
		  json_t **out, struct pf_error *err);

#endif
