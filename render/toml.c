/* toml.c — TOML 1.0 reader.
 *
 * One pass over the text builds the jansson tree directly.  TOML's
 * redefinition rules need to know how each table came to be (a [header],
 * a parent of one, a dotted key, an inline table) and which arrays are
 * arrays of tables; jansson values have no room for that, so a map keyed
 * by the json_t pointer keeps it beside the tree.  A container missing
 * from the map is a static array (or, in tagged mode, a tagged scalar).
 *
 * Values nest by recursion (arrays, inline tables), bounded by the depth
 * limit; dotted keys and table headers descend by iteration.  Every step
 * consumes input or ends the parse, and every lookup is a hash lookup, so
 * time is linear in the input.
 */
#include "toml.h"

#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"

/* Recursion costs stack, and the caller's depth limit might be anything:
 * never nest deeper than this whatever the limits say. */
#define TOML_DEPTH_CAP 1000

/* Longest piece of input quoted in an error message. */
#define EXCERPT 40

enum {
	TF_TABLE = 1,     /* a table (not a tagged scalar, not an array) */
	TF_IMPLICIT = 2,  /* made as the parent of a [header]: may be
			     defined by its own [header] once */
	TF_DEFINED = 4,   /* made by its own [header] or [[header]] */
	TF_DOTTED = 8,    /* made by a dotted key: more dotted keys may
			     add to it, no [header] may define it */
	TF_INLINE = 16,   /* an inline table or inside one: closed */
	TF_AOT = 32,      /* an array of tables, [[header]] may append */
};

struct tflag {
	const json_t *node;
	unsigned flags;
};

struct tflags {
	struct tflag *slot;
	size_t cap;       /* a power of two, or 0 */
	size_t used;
};

struct parser {
	const char *s;
	size_t n;
	size_t i;                 /* next byte to read */
	int tagged;
	int max_depth;
	size_t max_nodes;
	size_t nodes;
	struct pf_error *err;
	struct tflags tf;
	/* Key components being resolved.  An inline table value is read
	 * while its key still waits here to be inserted, so this is a
	 * stack: each key/value pair pushes its key and pops it when done. */
	struct buf keys;
	struct buf str;           /* decoded string or cleaned number text */
	json_t *root;
	json_t *cur;              /* table the current section fills */
	int cur_depth;
};

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* ---- the flag map ---- */

static size_t tflags_hash(const json_t *node)
{
	uint64_t x = (uint64_t)(uintptr_t)node;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static struct tflag *tflags_find(const struct tflags *m, const json_t *node)
{
	size_t k;

	if (!m->cap)
		return NULL;
	for (k = tflags_hash(node) & (m->cap - 1); m->slot[k].node;
	     k = (k + 1) & (m->cap - 1))
		if (m->slot[k].node == node)
			return &m->slot[k];
	return NULL;
}

static unsigned tflags_get(const struct tflags *m, const json_t *node)
{
	const struct tflag *f = tflags_find(m, node);

	return f ? f->flags : 0;
}

static int tflags_grow(struct tflags *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, k, j;
	struct tflag *slot;

	slot = calloc(cap, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	for (k = 0; k < m->cap; k++) {
		if (!m->slot[k].node)
			continue;
		for (j = tflags_hash(m->slot[k].node) & (cap - 1); slot[j].node;
		     j = (j + 1) & (cap - 1))
			;
		slot[j] = m->slot[k];
	}
	free(m->slot);
	m->slot = slot;
	m->cap = cap;
	return 0;
}

static int tflags_set(struct tflags *m, const json_t *node, unsigned flags)
{
	struct tflag *f = tflags_find(m, node);
	size_t k;

	if (f) {
		f->flags = flags;
		return 0;
	}
	if ((m->used + 1) * 2 > m->cap && tflags_grow(m))
		return -ENOMEM;
	for (k = tflags_hash(node) & (m->cap - 1); m->slot[k].node;
	     k = (k + 1) & (m->cap - 1))
		;
	m->slot[k].node = node;
	m->slot[k].flags = flags;
	m->used++;
	return 0;
}

/* ---- errors ---- */

static int fail(struct parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Line and column are worked out only here, once, so reading never has
 * to track them.  The column counts characters, not bytes. */
static int fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	char msg[sizeof(p->err->msg)];
	size_t k, ls = 0;
	int line = 1, col = 1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (pos > p->n)
		pos = p->n;
	for (k = 0; k < pos; k++) {
		if (p->s[k] == '\n') {
			line++;
			ls = k + 1;
		}
	}
	for (k = ls; k < pos; k++)
		if (((unsigned char)p->s[k] & 0xC0) != 0x80)
			col++;
	return pf_fail(p->err, line, col, "%s", msg);
}

static int nomem(struct parser *p)
{
	pf_fail(p->err, 0, 0, "out of memory");
	return -ENOMEM;
}

/* Printable form of s[0..n) for a message: at most EXCERPT bytes, control
 * characters and quotes shown as '?'. */
static void excerpt(char *dst, size_t cap, const char *s, size_t n)
{
	size_t k, m = utf8_truncate(s, n, EXCERPT);

	for (k = 0; k < m && k + 4 < cap; k++) {
		unsigned char c = (unsigned char)s[k];

		dst[k] = (c < 0x20 || c == 0x7F || c == '\'') ? '?' : (char)c;
	}
	if (m < n && k + 4 < cap) {
		memcpy(dst + k, "...", 3);
		k += 3;
	}
	dst[k] = '\0';
}

/* What stands at p->i, for "expected X, found Y" messages. */
static void found(const struct parser *p, char *dst, size_t cap)
{
	unsigned char c;
	int32_t cp;

	if (p->i >= p->n) {
		snprintf(dst, cap, "end of input");
		return;
	}
	c = (unsigned char)p->s[p->i];
	if (c == '\n' || c == '\r')
		snprintf(dst, cap, "end of line");
	else if (c > 0x20 && c < 0x7F)
		snprintf(dst, cap, "'%c'", c);
	else if (c == ' ')
		snprintf(dst, cap, "a space");
	else if (c == '\t')
		snprintf(dst, cap, "a tab");
	else {
		utf8_decode(p->s + p->i, p->n - p->i, &cp);
		snprintf(dst, cap, "character U+%04" PRIX32, (uint32_t)cp);
	}
}

/* ---- low-level reading ---- */

static int at(const struct parser *p, size_t k)
{
	return p->i + k < p->n ? (unsigned char)p->s[p->i + k] : -1;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_bare(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       is_digit(c) || c == '_' || c == '-';
}

/* May c appear as itself in a string?  (Non-ASCII was validated up
 * front; TOML forbids the C0 controls but tab, and DEL.) */
static int is_text(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7F);
}

static void skip_ws(struct parser *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t'))
		p->i++;
}

static int eat_newline(struct parser *p)
{
	if (at(p, 0) == '\n') {
		p->i++;
		return 1;
	}
	if (at(p, 0) == '\r' && at(p, 1) == '\n') {
		p->i += 2;
		return 1;
	}
	return 0;
}

/* At '#': skip to the end of the line (not past it). */
static int skip_comment(struct parser *p)
{
	unsigned char c;

	for (p->i++; p->i < p->n; p->i++) {
		c = (unsigned char)p->s[p->i];
		if (c == '\n' || (c == '\r' && at(p, 1) == '\n'))
			break;
		if (!is_text(c))
			return fail(p, p->i, "control character U+%04X in comment",
				    c);
	}
	return 0;
}

/* Whitespace, newlines and comments, as allowed between array items. */
static int skip_ws_nl(struct parser *p)
{
	int ret;

	for (;;) {
		skip_ws(p);
		if (at(p, 0) == '#') {
			ret = skip_comment(p);
			if (ret)
				return ret;
		}
		if (!eat_newline(p))
			return 0;
	}
}

/* After a key/value pair or a header: only a comment may follow. */
static int expect_eol(struct parser *p)
{
	char what[40];
	int ret;

	skip_ws(p);
	if (at(p, 0) == '#') {
		ret = skip_comment(p);
		if (ret)
			return ret;
	}
	if (p->i >= p->n || eat_newline(p))
		return 0;
	found(p, what, sizeof(what));
	return fail(p, p->i, "expected end of line, found %s", what);
}

static int count_node(struct parser *p, size_t pos)
{
	if (++p->nodes > p->max_nodes)
		return fail(p, pos, "too many values (limit %zu)", p->max_nodes);
	return 0;
}

/* ---- strings ---- */

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* At a backslash in a basic string: append what the escape stands for. */
static int read_escape(struct parser *p, struct buf *b)
{
	int c = at(p, 1), len, k, h;
	uint32_t cp = 0;

	switch (c) {
	case 'b':
		buf_addc(b, '\b');
		break;
	case 't':
		buf_addc(b, '\t');
		break;
	case 'n':
		buf_addc(b, '\n');
		break;
	case 'f':
		buf_addc(b, '\f');
		break;
	case 'r':
		buf_addc(b, '\r');
		break;
	case '"':
		buf_addc(b, '"');
		break;
	case '\\':
		buf_addc(b, '\\');
		break;
	case 'u':
	case 'U':
		len = c == 'u' ? 4 : 8;
		for (k = 0; k < len; k++) {
			h = hex_value(at(p, 2 + (size_t)k));
			if (h < 0)
				return fail(p, p->i,
					    "\\%c escape needs %d hexadecimal digits",
					    c, len);
			cp = cp << 4 | (uint32_t)h;
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return fail(p, p->i,
				    "escape \\%c%.*s is not a Unicode scalar value",
				    c, len, p->s + p->i + 2);
		utf8_encode(b, (int32_t)cp);
		p->i += 2 + (size_t)len;
		return 0;
	default:
		if (c > 0x20 && c < 0x7F)
			return fail(p, p->i, "invalid escape sequence \\%c", c);
		return fail(p, p->i, "invalid escape sequence");
	}
	p->i += 2;
	return 0;
}

/* "..." at p->i, appended decoded to b. */
static int read_basic(struct parser *p, struct buf *b)
{
	size_t run;
	unsigned char c;
	int ret;

	p->i++;
	for (;;) {
		run = p->i;
		while (p->i < p->n && is_text((unsigned char)p->s[p->i]) &&
		       p->s[p->i] != '"' && p->s[p->i] != '\\')
			p->i++;
		buf_add(b, p->s + run, p->i - run);
		if (p->i >= p->n)
			return fail(p, p->i, "unterminated string");
		c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->i++;
			break;
		}
		if (c == '\\') {
			ret = read_escape(p, b);
			if (ret)
				return ret;
			continue;
		}
		if (c == '\n' || (c == '\r' && at(p, 1) == '\n'))
			return fail(p, p->i, "unterminated string (newline before the closing quote)");
		return fail(p, p->i, "control character U+%04X in string", c);
	}
	return buf_error(b) ? nomem(p) : 0;
}

/* '...' at p->i, appended to b. */
static int read_literal(struct parser *p, struct buf *b)
{
	size_t run;
	unsigned char c;

	run = ++p->i;
	while (p->i < p->n && is_text((unsigned char)p->s[p->i]) &&
	       p->s[p->i] != '\'')
		p->i++;
	buf_add(b, p->s + run, p->i - run);
	if (p->i >= p->n)
		return fail(p, p->i, "unterminated string");
	c = (unsigned char)p->s[p->i];
	if (c == '\n' || (c == '\r' && at(p, 1) == '\n'))
		return fail(p, p->i, "unterminated string (newline before the closing quote)");
	if (c != '\'')
		return fail(p, p->i, "control character U+%04X in string", c);
	p->i++;
	return buf_error(b) ? nomem(p) : 0;
}

/* At a run of q (>= 1) quote characters inside a multi-line string:
 * fewer than three are content; three to five close the string, the
 * extra ones (at most two) being content.  Returns 1 when closed. */
static int ml_quotes(struct parser *p, struct buf *b, char quote, int *ret)
{
	size_t q = 0;

	while (p->i + q < p->n && p->s[p->i + q] == quote)
		q++;
	*ret = 0;
	if (q < 3) {
		buf_add(b, p->s + p->i, q);
		p->i += q;
		return 0;
	}
	if (q > 5) {
		*ret = fail(p, p->i + 5,
			    "more than two quotation marks before the end of a multi-line string");
		return 1;
	}
	buf_add(b, p->s + p->i, q - 3);
	p->i += q;
	return 1;
}

/* """...""" or '''...''' at p->i, appended decoded to b.  Newlines are
 * kept as LF (CRLF in the source becomes LF). */
static int read_multiline(struct parser *p, struct buf *b, char quote)
{
	size_t start = p->i, run, j;
	unsigned char c;
	int ret = 0;

	p->i += 3;
	eat_newline(p);
	for (;;) {
		run = p->i;
		while (p->i < p->n && is_text((unsigned char)p->s[p->i]) &&
		       p->s[p->i] != quote &&
		       (quote == '\'' || p->s[p->i] != '\\'))
			p->i++;
		buf_add(b, p->s + run, p->i - run);
		if (p->i >= p->n)
			return fail(p, start, "unterminated multi-line string");
		c = (unsigned char)p->s[p->i];
		if (c == (unsigned char)quote) {
			if (ml_quotes(p, b, quote, &ret))
				break;
			continue;
		}
		if (c == '\\') {
			/* A backslash ending a line eats the line end and
			 * all whitespace up to the next visible character. */
			for (j = p->i + 1; j < p->n &&
			     (p->s[j] == ' ' || p->s[j] == '\t'); j++)
				;
			if (j < p->n && (p->s[j] == '\n' ||
					 (p->s[j] == '\r' && j + 1 < p->n &&
					  p->s[j + 1] == '\n'))) {
				p->i = j;
				for (;;) {
					skip_ws(p);
					if (!eat_newline(p))
						break;
				}
				continue;
			}
			ret = read_escape(p, b);
			if (ret)
				return ret;
			continue;
		}
		if (eat_newline(p)) {
			buf_addc(b, '\n');
			continue;
		}
		return fail(p, p->i, "control character U+%04X in string", c);
	}
	if (ret)
		return ret;
	return buf_error(b) ? nomem(p) : 0;
}

/* ---- keys ---- */

/* One simple key (bare or quoted) at p->i, appended to p->keys. */
static int read_key(struct parser *p)
{
	char what[40];
	size_t start = p->i;
	int c = at(p, 0);

	if (c == '"' || c == '\'') {
		if (at(p, 1) == c && at(p, 2) == c)
			return fail(p, p->i, "a multi-line string cannot be a key");
		return c == '"' ? read_basic(p, &p->keys) :
				  read_literal(p, &p->keys);
	}
	while (p->i < p->n && is_bare((unsigned char)p->s[p->i]))
		p->i++;
	if (p->i == start) {
		found(p, what, sizeof(what));
		return fail(p, p->i, "expected a key, found %s", what);
	}
	buf_add(&p->keys, p->s + start, p->i - start);
	return buf_error(&p->keys) ? nomem(p) : 0;
}

/* Record the flags of the new container v (NULL when its allocation
 * failed) and put it under key[0..klen) of the object parent, or at the
 * end of the array parent when key is NULL.  v is consumed either way. */
static int add_node(struct parser *p, json_t *v, unsigned flags,
		    json_t *parent, const char *key, size_t klen)
{
	if (!v)
		return nomem(p);
	if (tflags_set(&p->tf, v, flags)) {
		json_decref(v);
		return nomem(p);
	}
	/* jansson releases v when the insertion fails. */
	if (key ? json_object_setn_new_nocheck(parent, key, klen, v) :
		  json_array_append_new(parent, v))
		return nomem(p);
	return 0;
}

/* Insert a new table under key[0..klen) of parent. */
static int new_table(struct parser *p, json_t *parent, const char *key,
		     size_t klen, size_t pos, int depth, unsigned flags,
		     json_t **out)
{
	json_t *t;
	int ret;

	if (depth > p->max_depth)
		return fail(p, pos, "tables nested too deeply (limit %d)",
			    p->max_depth);
	ret = count_node(p, pos);
	if (ret)
		return ret;
	t = json_object();
	ret = add_node(p, t, TF_TABLE | flags, parent, key, klen);
	if (ret)
		return ret;
	*out = t;
	return 0;
}

static int parse_value(struct parser *p, json_t **out, int depth);

/* For messages: what an existing key holds. */
static const char *what_is(const struct parser *p, const json_t *v)
{
	unsigned f = tflags_get(&p->tf, v);

	if (f & TF_AOT)
		return "an array of tables";
	if (json_is_array(v))
		return "an array";
	if (f & TF_INLINE)
		return "an inline table";
	if (f & TF_TABLE)
		return "a table";
	return "a value";
}

/* `key = value` at p->i, into table t at depth d.  Dotted keys may only
 * pass through tables that dotted keys made: a table from a [header], an
 * inline table, an array or a scalar is closed to them.  inl is
 * TF_INLINE when t is (inside) an inline table. */
static int keyval(struct parser *p, json_t *t, int d, unsigned inl)
{
	char what[40], name[64];
	size_t off = p->keys.len, kpos, klen;
	const char *key;
	unsigned f;
	json_t *v;
	int ret;

	for (;;) {
		kpos = p->i;
		ret = read_key(p);
		if (ret)
			goto out;
		/* A zero-length append still allocates, so key is never NULL. */
		buf_add(&p->keys, "", 0);
		if (buf_error(&p->keys)) {
			ret = nomem(p);
			goto out;
		}
		key = p->keys.data + off;
		klen = p->keys.len - off;
		skip_ws(p);
		v = json_object_getn(t, key, klen);
		if (at(p, 0) != '.')
			break;
		p->i++;
		skip_ws(p);
		if (!v) {
			ret = new_table(p, t, key, klen, kpos, d + 1,
					TF_DOTTED | inl, &v);
			if (ret)
				goto out;
		} else if (!((f = tflags_get(&p->tf, v)) & TF_DOTTED)) {
			excerpt(name, sizeof(name), key, klen);
			ret = fail(p, kpos,
				   "cannot add keys to '%s' with a dotted key: it is %s%s",
				   name, what_is(p, v),
				   (f & (TF_DEFINED | TF_IMPLICIT)) ?
				   " made by a [header]" : "");
			goto out;
		}
		p->keys.len = off;
		t = v;
		d++;
	}
	if (v) {
		excerpt(name, sizeof(name), key, klen);
		ret = fail(p, kpos, "duplicate key '%s'", name);
		goto out;
	}
	if (at(p, 0) != '=') {
		found(p, what, sizeof(what));
		ret = fail(p, p->i, "expected '=' after a key, found %s", what);
		goto out;
	}
	p->i++;
	skip_ws(p);
	ret = parse_value(p, &v, d + 1);
	if (ret)
		goto out;
	if (json_object_setn_new_nocheck(t, p->keys.data + off, klen, v))
		ret = nomem(p);
out:
	p->keys.len = off;
	return ret;
}

/* ---- scalars ---- */

/* A scalar in the requested shape: plain (may be NULL when the tagged
 * form is wanted) or {"type": type, "value": text}. */
static int make_scalar(struct parser *p, size_t pos, const char *type,
		       json_t *plain, const char *text, size_t tlen,
		       json_t **out)
{
	json_t *o = NULL, *v;
	int ret;

	ret = count_node(p, pos);
	if (ret)
		goto fail_plain;
	if (!p->tagged) {
		if (!plain) {
			ret = nomem(p);
			goto fail_plain;
		}
		*out = plain;
		return 0;
	}
	json_decref(plain);
	o = json_object();
	if (!o)
		return nomem(p);
	v = json_string_nocheck(type);
	if (!v || json_object_set_new_nocheck(o, "type", v))
		goto fail_object;
	v = json_stringn_nocheck(text, tlen);
	if (!v || json_object_set_new_nocheck(o, "value", v))
		goto fail_object;
	*out = o;
	return 0;
fail_object:
	json_decref(o);
	return nomem(p);
fail_plain:
	json_decref(plain);
	return ret;
}

static int make_string(struct parser *p, size_t pos, json_t **out)
{
	const char *s = p->str.data ? p->str.data : "";
	json_t *plain = NULL;

	if (!p->tagged) {
		plain = json_stringn_nocheck(s, p->str.len);
		if (!plain)
			return nomem(p);
	}
	return make_scalar(p, pos, "string", plain, s, p->str.len, out);
}

static int is_leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static int all_digits(const char *s, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (!is_digit((unsigned char)s[k]))
			return 0;
	return 1;
}

/* HH:MM:SS[.frac] at the start of t[0..n): its length, or 0. */
static size_t scan_time(const char *t, size_t n)
{
	size_t k;

	if (n < 8 || !all_digits(t, 2) || t[2] != ':' ||
	    !all_digits(t + 3, 2) || t[5] != ':' || !all_digits(t + 6, 2))
		return 0;
	/* Second 60 is a leap second, which RFC 3339 allows. */
	if (two(t) > 23 || two(t + 3) > 59 || two(t + 6) > 60)
		return 0;
	k = 8;
	if (k < n && t[k] == '.') {
		k++;
		if (k >= n || !is_digit((unsigned char)t[k]))
			return 0;
		while (k < n && is_digit((unsigned char)t[k]))
			k++;
	}
	return k;
}

/* A date, date-time or time token tok[0..len) at pos.  The value is the
 * RFC 3339 text as written, with T and Z upper case and a space
 * separator made a T. */
static int parse_datetime(struct parser *p, const char *tok, size_t len,
			  size_t pos, json_t **out)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30,
				       31, 31, 30, 31, 30, 31 };
	char name[64];
	const char *type, *off;
	size_t tl, ol;
	int y, mo, d;
	json_t *plain = NULL;

	buf_reset(&p->str);
	if (len >= 3 && tok[2] == ':') {
		if (scan_time(tok, len) != len)
			goto bad;
		type = "time-local";
		buf_add(&p->str, tok, len);
		goto done;
	}
	if (len < 10 || !all_digits(tok, 4) || tok[4] != '-' ||
	    !all_digits(tok + 5, 2) || tok[7] != '-' || !all_digits(tok + 8, 2))
		goto bad;
	y = two(tok) * 100 + two(tok + 2);
	mo = two(tok + 5);
	d = two(tok + 8);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !is_leap(y)))
		goto bad;
	buf_add(&p->str, tok, 10);
	if (len == 10) {
		type = "date-local";
		goto done;
	}
	if (tok[10] != 'T' && tok[10] != 't' && tok[10] != ' ')
		goto bad;
	tl = scan_time(tok + 11, len - 11);
	if (!tl)
		goto bad;
	buf_addc(&p->str, 'T');
	buf_add(&p->str, tok + 11, tl);
	off = tok + 11 + tl;
	ol = len - 11 - tl;
	if (ol == 0) {
		type = "datetime-local";
	} else if (ol == 1 && (off[0] == 'Z' || off[0] == 'z')) {
		type = "datetime";
		buf_addc(&p->str, 'Z');
	} else if (ol == 6 && (off[0] == '+' || off[0] == '-') &&
		   all_digits(off + 1, 2) && off[3] == ':' &&
		   all_digits(off + 4, 2) && two(off + 1) <= 23 &&
		   two(off + 4) <= 59) {
		type = "datetime";
		buf_add(&p->str, off, 6);
	} else {
		goto bad;
	}
done:
	if (buf_error(&p->str))
		return nomem(p);
	if (!p->tagged) {
		plain = json_stringn_nocheck(p->str.data, p->str.len);
		if (!plain)
			return nomem(p);
	}
	return make_scalar(p, pos, type, plain, p->str.data, p->str.len, out);
bad:
	excerpt(name, sizeof(name), tok, len);
	return fail(p, pos, "invalid date or time '%s'", name);
}

/* Digits of the given base at tok[k..len), underscores allowed only
 * between two digits, appended to p->str without the underscores.
 * Returns the index after them, or 0 when there is no digit at k or an
 * underscore is misplaced. */
static size_t scan_digits(struct parser *p, const char *tok, size_t len,
			  size_t k, int base)
{
	size_t run;
	int h;

	for (;;) {
		run = k;
		while (k < len) {
			h = hex_value((unsigned char)tok[k]);
			if (h < 0 || h >= base)
				break;
			k++;
		}
		if (k == run)
			return 0;
		buf_add(&p->str, tok + run, k - run);
		if (k < len && tok[k] == '_')
			k++;
		else
			return k;
	}
}

static void shortest_double(char *dst, size_t cap, double v)
{
	int prec;

	/* The fewest digits that read back as the same double. */
	for (prec = 15; prec < 17; prec++) {
		snprintf(dst, cap, "%.*g", prec, v);
		if (strtod(dst, NULL) == v)
			return;
	}
	snprintf(dst, cap, "%.17g", v);
}

static int make_float(struct parser *p, size_t pos, double v, json_t **out)
{
	char text[40];
	json_t *plain = NULL;

	if (isnan(v))
		snprintf(text, sizeof(text), "nan");
	else if (isinf(v))
		snprintf(text, sizeof(text), "%s", v < 0 ? "-inf" : "inf");
	else
		shortest_double(text, sizeof(text), v);
	if (!p->tagged) {
		plain = isfinite(v) ? json_real(v) : json_string_nocheck(text);
		if (!plain)
			return nomem(p);
	}
	return make_scalar(p, pos, "float", plain, text, strlen(text), out);
}

static int make_integer(struct parser *p, size_t pos, int64_t v,
			json_t **out)
{
	char text[24];
	json_t *plain = NULL;

	snprintf(text, sizeof(text), "%" PRId64, v);
	if (!p->tagged) {
		plain = json_integer((json_int_t)v);
		if (!plain)
			return nomem(p);
	}
	return make_scalar(p, pos, "integer", plain, text, strlen(text), out);
}

/* An integer or float token tok[0..len) at pos. */
static int parse_number(struct parser *p, const char *tok, size_t len,
			size_t pos, json_t **out)
{
	char name[64];
	const char *r = tok;
	size_t rl = len, k, j;
	uint64_t u = 0, limit = INT64_MAX;
	int neg = 0, sign = 0, base = 10, is_float = 0, h;
	double v;

	if (r[0] == '+' || r[0] == '-') {
		sign = 1;
		neg = r[0] == '-';
		r++;
		rl--;
	}
	if (rl == 3 && !memcmp(r, "inf", 3))
		return make_float(p, pos, neg ? -INFINITY : INFINITY, out);
	if (rl == 3 && !memcmp(r, "nan", 3))
		return make_float(p, pos, NAN, out);
	buf_reset(&p->str);
	if (rl > 2 && r[0] == '0' && (r[1] == 'x' || r[1] == 'o' || r[1] == 'b')) {
		if (sign)
			return fail(p, pos, "a sign is not allowed on a hexadecimal, octal or binary integer");
		base = r[1] == 'x' ? 16 : r[1] == 'o' ? 8 : 2;
		k = scan_digits(p, r, rl, 2, base);
		if (k != rl)
			goto bad;
	} else {
		if (neg)
			buf_addc(&p->str, '-');
		k = scan_digits(p, r, rl, 0, 10);
		if (!k)
			goto bad;
		if (r[0] == '0' && k > 1)
			return fail(p, pos, "leading zeros are not allowed in a number");
		if (k < rl && r[k] == '.') {
			is_float = 1;
			buf_addc(&p->str, '.');
			k = scan_digits(p, r, rl, k + 1, 10);
			if (!k)
				goto bad;
		}
		if (k < rl && (r[k] == 'e' || r[k] == 'E')) {
			is_float = 1;
			buf_addc(&p->str, 'e');
			k++;
			if (k < rl && (r[k] == '+' || r[k] == '-'))
				buf_addc(&p->str, r[k++]);
			k = scan_digits(p, r, rl, k, 10);
			if (!k)
				goto bad;
		}
		if (k != rl)
			goto bad;
	}
	if (buf_error(&p->str))
		return nomem(p);
	if (is_float) {
		v = strtod(p->str.data, NULL);
		if (isinf(v))
			return fail(p, pos, "float out of range");
		return make_float(p, pos, v, out);
	}
	if (neg)
		limit = (uint64_t)INT64_MAX + 1;
	for (j = neg ? 1 : 0; j < p->str.len; j++) {
		h = hex_value((unsigned char)p->str.data[j]);
		if (u > (limit - (uint64_t)h) / (uint64_t)base)
			return fail(p, pos, "integer out of range (64 bits, signed)");
		u = u * (uint64_t)base + (uint64_t)h;
	}
	if (!neg)
		return make_integer(p, pos, (int64_t)u, out);
	return make_integer(p, pos, u > INT64_MAX ? INT64_MIN : -(int64_t)u,
			    out);
bad:
	excerpt(name, sizeof(name), tok, len);
	return fail(p, pos, "invalid value '%s'", name);
}

static int is_token(int c)
{
	return is_bare(c) || c == '+' || c == '.' || c == ':';
}

/* A bare value (boolean, number, date or time) at p->i. */
static int parse_bare(struct parser *p, json_t **out)
{
	char what[40];
	size_t start = p->i, len;
	const char *tok = p->s + start;
	json_t *plain = NULL;
	locale_t old;
	int ret;

	while (p->i < p->n && is_token((unsigned char)p->s[p->i]))
		p->i++;
	/* A date, a space, and a digit: the space stands for the T. */
	if (p->i - start == 10 && tok[4] == '-' && at(p, 0) == ' ' &&
	    is_digit(at(p, 1))) {
		p->i++;
		while (p->i < p->n && is_token((unsigned char)p->s[p->i]))
			p->i++;
	}
	len = p->i - start;
	if (!len) {
		found(p, what, sizeof(what));
		return fail(p, p->i, "expected a value, found %s", what);
	}
	if ((len == 4 && !memcmp(tok, "true", 4)) ||
	    (len == 5 && !memcmp(tok, "false", 5))) {
		if (!p->tagged) {
			plain = json_boolean(len == 4);
			if (!plain)
				return nomem(p);
		}
		return make_scalar(p, start, "bool", plain, tok, len, out);
	}
	if ((len >= 5 && tok[4] == '-' && all_digits(tok, 4)) ||
	    (len >= 3 && tok[2] == ':' && all_digits(tok, 2)))
		return parse_datetime(p, tok, len, start, out);
	/* strtod and printf follow LC_NUMERIC; TOML has one decimal point. */
	pthread_once(&c_locale_once, c_locale_init);
	if (c_locale == (locale_t)0)
		return nomem(p);
	old = uselocale(c_locale);
	ret = parse_number(p, tok, len, start, out);
	uselocale(old);
	return ret;
}

/* ---- arrays and inline tables ---- */

static int parse_array(struct parser *p, json_t **out, int depth)
{
	char what[40];
	json_t *a, *v;
	int ret;

	if (depth > p->max_depth)
		return fail(p, p->i, "values nested too deeply (limit %d)",
			    p->max_depth);
	ret = count_node(p, p->i);
	if (ret)
		return ret;
	a = json_array();
	if (!a)
		return nomem(p);
	p->i++;
	for (;;) {
		ret = skip_ws_nl(p);
		if (ret)
			goto fail_array;
		if (at(p, 0) == ']')
			break;
		ret = parse_value(p, &v, depth + 1);
		if (ret)
			goto fail_array;
		if (json_array_append_new(a, v)) {
			ret = nomem(p);
			goto fail_array;
		}
		ret = skip_ws_nl(p);
		if (ret)
			goto fail_array;
		if (at(p, 0) == ']')
			break;
		if (at(p, 0) != ',') {
			found(p, what, sizeof(what));
			ret = fail(p, p->i, "expected ',' or ']' in an array, found %s",
				   what);
			goto fail_array;
		}
		p->i++;
	}
	p->i++;
	*out = a;
	return 0;
fail_array:
	json_decref(a);
	return ret;
}

static int parse_inline(struct parser *p, json_t **out, int depth)
{
	char what[40];
	json_t *t;
	int ret;

	if (depth > p->max_depth)
		return fail(p, p->i, "values nested too deeply (limit %d)",
			    p->max_depth);
	ret = count_node(p, p->i);
	if (ret)
		return ret;
	t = json_object();
	if (!t)
		return nomem(p);
	if (tflags_set(&p->tf, t, TF_TABLE | TF_INLINE)) {
		ret = nomem(p);
		goto fail_table;
	}
	p->i++;
	skip_ws(p);
	if (at(p, 0) != '}') {
		for (;;) {
			skip_ws(p);
			ret = keyval(p, t, depth, TF_INLINE);
			if (ret)
				goto fail_table;
			skip_ws(p);
			if (at(p, 0) == '}')
				break;
			if (at(p, 0) != ',') {
				found(p, what, sizeof(what));
				ret = fail(p, p->i, "expected ',' or '}' in an inline table, found %s",
					   what);
				goto fail_table;
			}
			p->i++;
		}
	}
	p->i++;
	*out = t;
	return 0;
fail_table:
	json_decref(t);
	return ret;
}

static int parse_value(struct parser *p, json_t **out, int depth)
{
	size_t pos = p->i;
	int c = at(p, 0), ret;

	switch (c) {
	case '"':
	case '\'':
		buf_reset(&p->str);
		if (at(p, 1) == c && at(p, 2) == c)
			ret = read_multiline(p, &p->str, (char)c);
		else if (c == '"')
			ret = read_basic(p, &p->str);
		else
			ret = read_literal(p, &p->str);
		if (ret)
			return ret;
		return make_string(p, pos, out);
	case '[':
		return parse_array(p, out, depth);
	case '{':
		return parse_inline(p, out, depth);
	default:
		return parse_bare(p, out);
	}
}

/* ---- tables ---- */

/* [a.b.c] or [[a.b.c]] at p->i: make it the current section. */
static int header(struct parser *p)
{
	char what[40], name[64];
	size_t off = p->keys.len, kpos, klen;
	int aot = at(p, 1) == '[', d = 1, ret;
	json_t *t = p->root, *v, *e;
	const char *key;
	unsigned f;

	p->i += aot ? 2 : 1;
	for (;;) {
		skip_ws(p);
		kpos = p->i;
		ret = read_key(p);
		if (ret)
			goto out;
		buf_add(&p->keys, "", 0);
		if (buf_error(&p->keys)) {
			ret = nomem(p);
			goto out;
		}
		key = p->keys.data + off;
		klen = p->keys.len - off;
		skip_ws(p);
		v = json_object_getn(t, key, klen);
		f = v ? tflags_get(&p->tf, v) : 0;
		if (at(p, 0) != '.')
			break;
		p->i++;
		if (!v) {
			ret = new_table(p, t, key, klen, kpos, d + 1,
					TF_IMPLICIT, &v);
			if (ret)
				goto out;
			d++;
		} else if ((f & TF_TABLE) && !(f & TF_INLINE)) {
			d++;
		} else if (f & TF_AOT) {
			v = json_array_get(v, json_array_size(v) - 1);
			d += 2;
		} else {
			excerpt(name, sizeof(name), key, klen);
			ret = fail(p, kpos, "'%s' is %s, not a table", name,
				   what_is(p, v));
			goto out;
		}
		p->keys.len = off;
		t = v;
	}
	if (at(p, 0) != ']' || (aot && at(p, 1) != ']')) {
		found(p, what, sizeof(what));
		ret = fail(p, p->i, "expected '%s' to close the table header, found %s",
			   aot ? "]]" : "]", what);
		goto out;
	}
	p->i += aot ? 2 : 1;
	excerpt(name, sizeof(name), key, klen);
	if (aot) {
		if (!v) {
			if (d + 1 > p->max_depth) {
				ret = fail(p, kpos, "tables nested too deeply (limit %d)",
					   p->max_depth);
				goto out;
			}
			ret = count_node(p, kpos);
			if (ret)
				goto out;
			v = json_array();
			ret = add_node(p, v, TF_AOT, t, key, klen);
			if (ret)
				goto out;
		} else if (!(f & TF_AOT)) {
			ret = fail(p, kpos, "cannot append to '%s': it is %s",
				   name, what_is(p, v));
			goto out;
		}
		if (d + 2 > p->max_depth) {
			ret = fail(p, kpos, "tables nested too deeply (limit %d)",
				   p->max_depth);
			goto out;
		}
		ret = count_node(p, kpos);
		if (ret)
			goto out;
		e = json_object();
		ret = add_node(p, e, TF_TABLE | TF_DEFINED, v, NULL, 0);
		if (ret)
			goto out;
		p->cur = e;
		p->cur_depth = d + 2;
	} else {
		if (!v) {
			ret = new_table(p, t, key, klen, kpos, d + 1,
					TF_DEFINED, &v);
			if (ret)
				goto out;
		} else if (f == (TF_TABLE | TF_IMPLICIT)) {
			if (tflags_set(&p->tf, v, TF_TABLE | TF_DEFINED)) {
				ret = nomem(p);
				goto out;
			}
		} else if (f & (TF_DEFINED | TF_DOTTED)) {
			ret = fail(p, kpos, "table '%s' is already defined", name);
			goto out;
		} else {
			ret = fail(p, kpos, "'%s' is already defined as %s", name,
				   what_is(p, v));
			goto out;
		}
		p->cur = v;
		p->cur_depth = d + 1;
	}
	ret = expect_eol(p);
out:
	p->keys.len = off;
	return ret;
}

/* ---- the document ---- */

/* The whole text must be UTF-8 without NUL bytes (TOML 1.0, section 1). */
static int check_text(struct parser *p)
{
	size_t k = 0;
	int32_t cp;

	while (k < p->n) {
		if ((unsigned char)p->s[k] < 0x80) {
			if (!p->s[k])
				return fail(p, k, "NUL byte in the document");
			k++;
			continue;
		}
		k += (size_t)utf8_decode(p->s + k, p->n - k, &cp);
		if (cp < 0)
			return fail(p, k - 1, "invalid UTF-8");
	}
	return 0;
}

static int parse_document(struct parser *p)
{
	int ret, c;

	if (p->n >= 3 && !memcmp(p->s, "\xEF\xBB\xBF", 3))
		p->i = 3;
	for (;;) {
		skip_ws(p);
		c = at(p, 0);
		if (c < 0)
			return 0;
		if (c == '#') {
			ret = skip_comment(p);
			if (ret)
				return ret;
			continue;
		}
		if (eat_newline(p))
			continue;
		if (c == '\r')
			return fail(p, p->i, "carriage return without a line feed");
		if (c == '[')
			ret = header(p);
		else if ((ret = keyval(p, p->cur, p->cur_depth, 0)) == 0)
			ret = expect_eol(p);
		if (ret)
			return ret;
	}
}

int toml_parse(const char *doc, size_t len, int flags,
	       const struct fm_limits *lim, json_t **out, struct pf_error *err)
{
	static const struct fm_limits defaults = FM_LIMITS_DEFAULT;
	struct parser p;
	int ret;

	*out = NULL;
	if (!lim)
		lim = &defaults;
	memset(&p, 0, sizeof(p));
	p.s = doc ? doc : "";
	p.n = doc ? len : 0;
	p.tagged = flags == TOML_TAGGED;
	p.max_depth = lim->max_depth < TOML_DEPTH_CAP ? lim->max_depth :
							 TOML_DEPTH_CAP;
	p.max_nodes = lim->max_nodes;
	p.err = err;
	ret = check_text(&p);
	if (ret)
		return ret;
	p.root = json_object();
	if (!p.root)
		return nomem(&p);
	if (tflags_set(&p.tf, p.root, TF_TABLE | TF_DEFINED)) {
		ret = nomem(&p);
		goto fail_root;
	}
	p.cur = p.root;
	p.cur_depth = 1;
	ret = parse_document(&p);
	if (ret)
		goto fail_parse;
	free(p.tf.slot);
	buf_free(&p.keys);
	buf_free(&p.str);
	*out = p.root;
	return 0;
fail_parse:
	buf_free(&p.keys);
	buf_free(&p.str);
fail_root:
	free(p.tf.slot);
	json_decref(p.root);
	return ret;
}
