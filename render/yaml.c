/* yaml.c — YAML front matter to jansson values through libyaml's events.
 *
 * The event API is used, never yaml_parser_load(): the loader's document
 * is a graph whose aliases point back at shared nodes, and turning it
 * into JSON means walking it, which expands every alias (a billion-laughs
 * graph of a hundred nodes walks as 10^9 values).  Here an alias costs
 * one json_incref() and its expansion is only counted, so such a document
 * stops at the value limit after a few hundred events.  Collections in
 * progress live on an explicit stack bounded by max_depth, so nothing
 * recurses.
 */
#include "yaml_reader.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "utf8.h"

/* What a value reached through an alias brings with it. */
struct ya_size {
	size_t nodes;		/* values in the subtree, itself included */
	size_t bytes;		/* text of its strings and keys */
	int height;		/* 0 for a scalar, 1 + deepest child otherwise */
};

struct ya_anchor {
	json_t *value;		/* NULL while the anchored node is still open */
	char *text;		/* a scalar's text, so an alias can be a key */
	size_t text_len;
	int is_scalar;
	struct ya_size size;
};

struct ya_frame {
	json_t *value;		/* the array or object being filled */
	char *key;		/* object: the key waiting for its value */
	size_t key_len;
	size_t anchor;		/* 1 + index in ya.anchors, or 0 */
	struct ya_size size;	/* so far */
};

struct ya {
	const struct fm_limits *lim;
	struct pf_error *err;
	size_t max_text;	/* bound on expanded text */

	struct ya_frame *stack;
	int depth;
	int stack_cap;

	struct ya_anchor *anchors;
	size_t n_anchors;
	size_t anchors_cap;
	json_t *anchor_index;	/* anchor name -> index of its latest definition */

	size_t nodes;		/* values so far, aliases expanded */
	size_t bytes;		/* text so far, aliases expanded */
	int docs;

	json_t *root;
	yaml_mark_t root_mark;
};

/* ---- scalars ---- */

/* strtod() follows LC_NUMERIC; a host that sets a locale with a decimal
 * comma must not change what `1.5` means. */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static double c_strtod(const char *s)
{
	pthread_once(&c_locale_once, c_locale_init);
	if (c_locale)
		return strtod_l(s, NULL, c_locale);
	return strtod(s, NULL);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int text_is(const char *s, size_t n, const char *w)
{
	return n == strlen(w) && memcmp(s, w, n) == 0;
}

/* The core schema spells each word three ways: lower, Capitalised, UPPER. */
static int word_is(const char *s, size_t n, const char *lower,
		   const char *capital, const char *upper)
{
	return text_is(s, n, lower) || text_is(s, n, capital) ||
	       text_is(s, n, upper);
}

static int null_form(const char *s, size_t n)
{
	return n == 0 || text_is(s, n, "~") ||
	       word_is(s, n, "null", "Null", "NULL");
}

/* 1 true, 0 false, -1 not a boolean */
static int bool_form(const char *s, size_t n)
{
	if (word_is(s, n, "true", "True", "TRUE"))
		return 1;
	if (word_is(s, n, "false", "False", "FALSE"))
		return 0;
	return -1;
}

/* The base of an integer's spelling (10, 8, 16), or 0 when it is not one. */
static int int_form(const char *s, size_t n)
{
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
		int base = s[1] == 'o' ? 8 : 16;

		for (i = 2; i < n; i++) {
			int v = hex_value(s[i]);

			if (v < 0 || v >= base)
				return 0;
		}
		return base;
	}
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i == n)
		return 0;
	for (; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 10;
}

enum { FLOAT_NO, FLOAT_FINITE, FLOAT_INF, FLOAT_NEG_INF, FLOAT_NAN };

static int float_form(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	int neg = 0;

	if (n == 4 && s[0] == '.' && word_is(s + 1, 3, "nan", "NaN", "NAN"))
		return FLOAT_NAN;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (n - i == 4 && s[i] == '.' &&
	    word_is(s + i + 1, 3, "inf", "Inf", "INF"))
		return neg ? FLOAT_NEG_INF : FLOAT_INF;
	if (i < n && s[i] == '.') {
		for (i++; i < n && is_digit(s[i]); i++)
			digits++;
		if (!digits)
			return FLOAT_NO;
	} else {
		for (; i < n && is_digit(s[i]); i++)
			digits++;
		if (!digits)
			return FLOAT_NO;
		if (i < n && s[i] == '.')
			for (i++; i < n && is_digit(s[i]); i++)
				;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (digits = 0; i < n && is_digit(s[i]); i++)
			digits++;
		if (!digits)
			return FLOAT_NO;
	}
	return i == n ? FLOAT_FINITE : FLOAT_NO;
}

/* JSON has no infinities or NaN: they become these strings. */
static json_t *real_value(double d)
{
	if (isnan(d))
		return json_string("nan");
	if (isinf(d))
		return json_string(d < 0 ? "-inf" : "inf");
	return json_real(d);
}

static json_t *float_value(const char *s, int form)
{
	switch (form) {
	case FLOAT_INF:
		return json_string("inf");
	case FLOAT_NEG_INF:
		return json_string("-inf");
	case FLOAT_NAN:
		return json_string("nan");
	default:
		return real_value(c_strtod(s));
	}
}

/* s is NUL-terminated at n and int_form() gave base. */
static json_t *int_value(const char *s, size_t n, int base)
{
	uint64_t acc = 0, limit = INT64_MAX;
	size_t i = 0;
	int neg = 0;
	double d;

	if (base != 10) {
		i = 2;
	} else if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		if (neg)
			limit = (uint64_t)INT64_MAX + 1;
		i = 1;
	}
	for (; i < n; i++) {
		uint64_t v = (uint64_t)hex_value(s[i]);

		if (acc > (limit - v) / (uint64_t)base)
			goto too_big;
		acc = acc * (uint64_t)base + v;
	}
	if (neg)
		return json_integer(acc == limit ? INT64_MIN : -(json_int_t)acc);
	return json_integer((json_int_t)acc);

too_big:
	/* strtod reads decimal and 0x-hex spellings (rounding correctly);
	 * octal is rare enough to be summed by hand */
	if (base != 8)
		return real_value(c_strtod(s));
	for (d = 0, i = 2; i < n; i++)
		d = d * 8 + (s[i] - '0');
	return real_value(d);
}

static int valid_utf8_with_nul(const char *s, size_t n)
{
	int32_t cp;

	while (n) {
		int k = utf8_decode(s, n, &cp);

		if (cp < 0)
			return 0;
		s += k;
		n -= (size_t)k;
	}
	return 1;
}

static int ya_fail(struct ya *y, const yaml_mark_t *m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int ya_fail(struct ya *y, const yaml_mark_t *m, const char *fmt, ...)
{
	char msg[sizeof(y->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pf_fail(y->err, (int)m->line + 1, (int)m->column + 1, "%s", msg);
}

static int ya_nomem(struct ya *y)
{
	pf_fail(y->err, 0, 0, "out of memory");
	return -ENOMEM;
}

/* A short, printable excerpt of s for an error message. */
static void excerpt(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i, k = utf8_truncate(s, n, 40), o = 0;

	for (i = 0; i < k && o + 1 < cap; i++)
		dst[o++] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	if (k < n && o + 4 < cap) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

static json_t *string_value(struct ya *y, const char *s, size_t n, int *rc)
{
	json_t *v = json_stringn(s, n);

	if (!v)
		*rc = valid_utf8_with_nul(s, n) ? ya_nomem(y) :
		      pf_fail(y->err, 0, 0, "string is not valid UTF-8");
	return v;
}

/* The JSON value of a scalar event, typed as the header describes. */
static int scalar_value(struct ya *y, const yaml_event_t *ev, json_t **out)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	size_t n = ev->data.scalar.length;
	char shown[64];
	int rc = 0, form, base;
	json_t *v = NULL;

	if (!tag) {
		if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			tag = YAML_STR_TAG;
		else if (null_form(s, n))
			tag = YAML_NULL_TAG;
		else if (bool_form(s, n) >= 0)
			tag = YAML_BOOL_TAG;
		else if (int_form(s, n))
			tag = YAML_INT_TAG;
		else if (float_form(s, n))
			tag = YAML_FLOAT_TAG;
		else
			tag = YAML_STR_TAG;
	}

	if (!strcmp(tag, YAML_NULL_TAG)) {
		if (!null_form(s, n))
			goto misfit;
		v = json_null();
	} else if (!strcmp(tag, YAML_BOOL_TAG)) {
		if (bool_form(s, n) < 0)
			goto misfit;
		v = json_boolean(bool_form(s, n));
	} else if (!strcmp(tag, YAML_INT_TAG)) {
		base = int_form(s, n);
		if (!base)
			goto misfit;
		v = int_value(s, n, base);
	} else if (!strcmp(tag, YAML_FLOAT_TAG)) {
		/* an integer's spelling is a float's too: `!!float 1` is 1.0 */
		form = float_form(s, n);
		if (!form)
			goto misfit;
		v = float_value(s, form);
	} else {
		/* !!str, the non-specific `!`, local and unknown tags */
		v = string_value(y, s, n, &rc);
		if (!v)
			return rc;
	}
	if (!v)
		return ya_nomem(y);
	*out = v;
	return 0;

misfit:
	excerpt(shown, sizeof(shown), s, n);
	return ya_fail(y, &ev->start_mark, "\"%s\" does not fit its tag !!%s",
		       shown, strrchr(tag, ':') + 1);
}

/* ---- anchors ---- */

static int ya_anchor_add(struct ya *y, const char *name, size_t *index)
{
	struct ya_anchor *a;
	json_t *ix;

	if (y->n_anchors == y->anchors_cap) {
		size_t cap = y->anchors_cap ? 2 * y->anchors_cap : 8;

		a = realloc(y->anchors, cap * sizeof(*a));
		if (!a)
			return ya_nomem(y);
		y->anchors = a;
		y->anchors_cap = cap;
	}
	ix = json_integer((json_int_t)y->n_anchors);
	if (!ix || json_object_set_new(y->anchor_index, name, ix))
		return ya_nomem(y);
	a = &y->anchors[y->n_anchors];
	memset(a, 0, sizeof(*a));
	*index = y->n_anchors++;
	return 0;
}

static struct ya_anchor *ya_anchor_find(struct ya *y, const char *name)
{
	json_t *ix = json_object_get(y->anchor_index, name);

	return ix ? &y->anchors[json_integer_value(ix)] : NULL;
}

/* ---- building the tree ---- */

static int ya_count(struct ya *y, const yaml_mark_t *m, const struct ya_size *s,
		    int alias)
{
	size_t max = y->lim->max_nodes;

	if (s->nodes > max - y->nodes) {
		if (alias)
			return ya_fail(y, m, "aliases expand past %zu values", max);
		return ya_fail(y, m, "more than %zu values", max);
	}
	if (s->bytes > y->max_text - y->bytes)
		return ya_fail(y, m, "aliases expand past %zu bytes of text",
			       y->max_text);
	if (y->depth + s->height > y->lim->max_depth)
		return ya_fail(y, m, "nesting deeper than %d levels",
			       y->lim->max_depth);
	y->nodes += s->nodes;
	y->bytes += s->bytes;
	return 0;
}

/* The mapping on top of the stack wants a key: that needs a scalar. */
static int wants_key(const struct ya *y)
{
	const struct ya_frame *f;

	if (!y->depth)
		return 0;
	f = &y->stack[y->depth - 1];
	return json_is_object(f->value) && !f->key;
}

/* Put v (a reference this takes over) where the stack says: the root,
 * the next array element, an object's key (text, a scalar's) or value. */
static int ya_place(struct ya *y, const yaml_mark_t *m, json_t *v,
		    const struct ya_size *s, const char *text, size_t text_len)
{
	struct ya_frame *f;
	char shown[64];

	if (!y->depth) {
		y->root = v;
		return 0;
	}
	f = &y->stack[y->depth - 1];
	f->size.nodes += s->nodes;
	f->size.bytes += s->bytes;
	if (f->size.height < s->height + 1)
		f->size.height = s->height + 1;

	if (json_is_array(f->value)) {
		if (json_array_append_new(f->value, v))
			return ya_nomem(y);
		return 0;
	}
	if (f->key) {
		int rc = json_object_setn_new(f->value, f->key, f->key_len, v);

		free(f->key);
		f->key = NULL;
		return rc ? ya_nomem(y) : 0;
	}

	if (!text) {
		const char *kind = json_is_array(v) ? "sequence" : "mapping";

		json_decref(v);
		return ya_fail(y, m, "a mapping key must be a scalar, not a %s",
			       kind);
	}
	json_decref(v);
	excerpt(shown, sizeof(shown), text, text_len);
	if (memchr(text, '\0', text_len))
		return ya_fail(y, m, "mapping key \"%s\" contains a NUL character",
			       shown);
	if (!valid_utf8_with_nul(text, text_len))
		return ya_fail(y, m, "mapping key is not valid UTF-8");
	if (json_object_getn(f->value, text, text_len))
		return ya_fail(y, m, "duplicate key \"%s\"", shown);
	f->key = malloc(text_len + 1);
	if (!f->key)
		return ya_nomem(y);
	memcpy(f->key, text, text_len);
	f->key[text_len] = '\0';
	f->key_len = text_len;
	return 0;
}

static int ya_scalar(struct ya *y, const yaml_event_t *ev)
{
	const char *text = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct ya_size s = { 1, len, 0 };
	struct ya_anchor *a;
	size_t index;
	json_t *v = NULL;
	int rc;

	rc = ya_count(y, &ev->start_mark, &s, 0);
	if (rc)
		return rc;
	rc = scalar_value(y, ev, &v);
	if (rc)
		return rc;
	if (ev->data.scalar.anchor) {
		rc = ya_anchor_add(y, (const char *)ev->data.scalar.anchor,
				   &index);
		if (rc)
			goto free_value;
		a = &y->anchors[index];
		a->text = malloc(len + 1);
		if (!a->text) {
			rc = ya_nomem(y);
			goto free_value;
		}
		memcpy(a->text, text, len);
		a->text[len] = '\0';
		a->text_len = len;
		a->is_scalar = 1;
		a->size = s;
		a->value = json_incref(v);
	}
	if (!y->depth)
		y->root_mark = ev->start_mark;
	return ya_place(y, &ev->start_mark, v, &s, text, len);

free_value:
	json_decref(v);
	return rc;
}

static int ya_alias(struct ya *y, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct ya_anchor *a = ya_anchor_find(y, name);
	char shown[64];
	int rc;

	excerpt(shown, sizeof(shown), name, strlen(name));
	if (!a)
		return ya_fail(y, &ev->start_mark,
			       "alias *%s names no anchor before it", shown);
	if (!a->value)
		return ya_fail(y, &ev->start_mark,
			       "alias *%s is inside the node it names", shown);
	if (!a->is_scalar && wants_key(y))
		return ya_fail(y, &ev->start_mark,
			       "a mapping key must be a scalar, not a %s",
			       json_is_array(a->value) ? "sequence" : "mapping");
	rc = ya_count(y, &ev->start_mark, &a->size, 1);
	if (rc)
		return rc;
	return ya_place(y, &ev->start_mark, json_incref(a->value), &a->size,
			a->text, a->text_len);
}

static int ya_open(struct ya *y, const yaml_event_t *ev)
{
	int is_map = ev->type == YAML_MAPPING_START_EVENT;
	const char *anchor = (const char *)(is_map ?
		ev->data.mapping_start.anchor : ev->data.sequence_start.anchor);
	struct ya_size s = { 1, 0, 1 };
	struct ya_frame *f;
	size_t index;
	json_t *v;
	int rc;

	if (wants_key(y))
		return ya_fail(y, &ev->start_mark,
			       "a mapping key must be a scalar, not a %s",
			       is_map ? "mapping" : "sequence");
	rc = ya_count(y, &ev->start_mark, &s, 0);
	if (rc)
		return rc;
	if (y->depth == y->stack_cap) {
		int cap = y->stack_cap ? 2 * y->stack_cap : 8;

		f = realloc(y->stack, (size_t)cap * sizeof(*f));
		if (!f)
			return ya_nomem(y);
		y->stack = f;
		y->stack_cap = cap;
	}
	v = is_map ? json_object() : json_array();
	if (!v)
		return ya_nomem(y);
	f = &y->stack[y->depth];
	memset(f, 0, sizeof(*f));
	f->value = v;
	f->size = s;
	if (!y->depth)
		y->root_mark = ev->start_mark;
	y->depth++;
	if (anchor) {
		rc = ya_anchor_add(y, anchor, &index);
		if (rc)
			return rc;
		f->anchor = index + 1;
	}
	return 0;
}

static int ya_close(struct ya *y, const yaml_event_t *ev)
{
	struct ya_frame f = y->stack[--y->depth];

	/* libyaml always gives a key its value (an empty scalar when absent) */
	free(f.key);
	if (f.anchor) {
		struct ya_anchor *a = &y->anchors[f.anchor - 1];

		a->value = json_incref(f.value);
		a->size = f.size;
	}
	/* the value was counted when it opened; only the parent's sums grow */
	return ya_place(y, &ev->start_mark, f.value, &f.size, NULL, 0);
}

/* ---- libyaml's own errors ---- */

/* libyaml gives reader errors (bad UTF-8, control characters) as a byte
 * offset only; its marks count lines and characters, so do the same. */
static void offset_position(const char *doc, size_t len, size_t off,
			    int *line, int *column)
{
	size_t i;

	*line = 1;
	*column = 1;
	if (off > len)
		off = len;
	for (i = 0; i < off; i++) {
		unsigned char c = (unsigned char)doc[i];

		if (c == '\n' || (c == '\r' && (i + 1 == len || doc[i + 1] != '\n'))) {
			(*line)++;
			*column = 1;
		} else if ((c & 0xc0) != 0x80) {
			(*column)++;
		}
	}
}

static int parser_error(struct ya *y, const yaml_parser_t *p,
			const char *doc, size_t len)
{
	const char *problem = p->problem ? p->problem : "syntax error";
	const yaml_mark_t *pm = &p->problem_mark;
	int line, column;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return ya_nomem(y);
	case YAML_READER_ERROR:
		/* UTF-8 was checked before; what is left is control
		 * characters, which libyaml reports with their code point */
		offset_position(doc, len, p->problem_offset, &line, &column);
		if (p->problem_value >= 0)
			return pf_fail(y->err, line, column, "%s (U+%04X)",
				       problem, (unsigned)p->problem_value);
		return pf_fail(y->err, line, column, "%s", problem);
	default:
		/* The context's place is given relative to the problem's,
		 * which the caller moves to the file's own lines: an
		 * absolute line here would be in the wrong frame. */
		if (p->context && p->context_mark.line == pm->line)
			return pf_fail(y->err, (int)pm->line + 1,
				       (int)pm->column + 1, "%s (%s at column %d)",
				       problem, p->context,
				       (int)p->context_mark.column + 1);
		if (p->context)
			return pf_fail(y->err, (int)pm->line + 1,
				       (int)pm->column + 1,
				       "%s (%s %d line%s above, at column %d)", problem,
				       p->context, (int)(pm->line - p->context_mark.line),
				       pm->line - p->context_mark.line == 1 ? "" : "s",
				       (int)p->context_mark.column + 1);
		return pf_fail(y->err, (int)pm->line + 1, (int)pm->column + 1,
			       "%s", problem);
	}
}

/* libyaml's own UTF-8 messages name octets and point past the start of
 * the broken character; checking first gives one clear message at the
 * byte where the bad character begins. */
static int check_utf8(struct ya *y, const char *doc, size_t len)
{
	size_t off = 0;
	int32_t cp;
	int line, column;

	while (off < len) {
		int k = utf8_decode(doc + off, len - off, &cp);

		if (cp < 0) {
			offset_position(doc, len, off, &line, &column);
			return pf_fail(y->err, line, column,
				       "invalid UTF-8: byte 0x%02X does not begin a valid character",
				       (unsigned char)doc[off]);
		}
		off += (size_t)k;
	}
	return 0;
}

/* ---- the event loop ---- */

static int ya_event(struct ya *y, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (y->docs++)
			return ya_fail(y, &ev->start_mark,
				       "a second YAML document is not allowed");
		return 0;
	case YAML_SCALAR_EVENT:
		return ya_scalar(y, ev);
	case YAML_ALIAS_EVENT:
		return ya_alias(y, ev);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return ya_open(y, ev);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return ya_close(y, ev);
	default:
		return 0;
	}
}

static void ya_free(struct ya *y)
{
	size_t i;

	while (y->depth > 0) {
		struct ya_frame *f = &y->stack[--y->depth];

		free(f->key);
		json_decref(f->value);
	}
	free(y->stack);
	for (i = 0; i < y->n_anchors; i++) {
		json_decref(y->anchors[i].value);
		free(y->anchors[i].text);
	}
	free(y->anchors);
	json_decref(y->anchor_index);
}

static int ya_parse(const char *doc, size_t len, const struct fm_limits *lim,
		    json_t **out, yaml_mark_t *root_mark, struct pf_error *err)
{
	static const struct fm_limits defaults = FM_LIMITS_DEFAULT;
	yaml_parser_t parser;
	yaml_event_t ev;
	struct ya y;
	int rc = 0, done = 0;

	*out = NULL;
	memset(&y, 0, sizeof(y));
	y.lim = lim ? lim : &defaults;
	y.err = err;
	if (len > y.lim->max_bytes)
		return pf_fail(err, 1, 1,
			       "front matter is %zu bytes, more than the limit of %zu",
			       len, y.lim->max_bytes);
	y.max_text = y.lim->max_bytes > SIZE_MAX / YAML_EXPAND_FACTOR ?
		     SIZE_MAX : y.lim->max_bytes * YAML_EXPAND_FACTOR;
	if (len >= 3 && !memcmp(doc, "\xef\xbb\xbf", 3)) {
		/* libyaml skips a BOM only when it guesses the encoding,
		 * which would also let a UTF-16 BOM switch it to UTF-16 */
		doc += 3;
		len -= 3;
	}
	rc = check_utf8(&y, doc, len);
	if (rc)
		return rc;
	y.anchor_index = json_object();
	if (!y.anchor_index)
		return ya_nomem(&y);
	if (!yaml_parser_initialize(&parser)) {
		rc = ya_nomem(&y);
		goto free_ya;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)doc, len);
	/* never guess the encoding: a UTF-16 BOM is invalid UTF-8 here */
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = parser_error(&y, &parser, doc, len);
			goto free_parser;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = ya_event(&y, &ev);
		yaml_event_delete(&ev);
		if (rc)
			goto free_parser;
	}
	if (!y.root) {
		y.root = json_null();
		y.root_mark.line = 0;
		y.root_mark.column = 0;
	}
	*out = y.root;
	y.root = NULL;
	*root_mark = y.root_mark;

free_parser:
	yaml_parser_delete(&parser);
free_ya:
	json_decref(y.root);
	ya_free(&y);
	return rc;
}

int yaml_parse_value(const char *doc, size_t len, const struct fm_limits *lim,
		     json_t **out, struct pf_error *err)
{
	yaml_mark_t mark;

	return ya_parse(doc, len, lim, out, &mark, err);
}

static const char *kind_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_ARRAY:
		return "sequence";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "float";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	default:
		return "mapping";
	}
}

int fm_parse_yaml(const char *fm, size_t len, const struct fm_limits *lim,
		  json_t **out, struct pf_error *err)
{
	yaml_mark_t mark;
	json_t *v;
	int rc;

	*out = NULL;
	rc = ya_parse(fm, len, lim, &v, &mark, err);
	if (rc)
		return rc;
	if (json_is_null(v)) {
		json_decref(v);
		v = json_object();
		if (!v) {
			pf_fail(err, 0, 0, "out of memory");
			return -ENOMEM;
		}
	}
	if (!json_is_object(v)) {
		const char *kind = kind_name(v);

		json_decref(v);
		return pf_fail(err, (int)mark.line + 1, (int)mark.column + 1,
			       "front matter is %s %s, not a mapping",
			       kind[0] == 'i' ? "an" : "a", kind);
	}
	*out = v;
	return 0;
}
