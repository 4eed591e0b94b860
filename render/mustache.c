/* mustache.c — Mustache templates compiled to a flat instruction list.
 *
 * A template is compiled once into an array of ops and one string pool
 * (template text with standalone lines already removed, and names split
 * at dots into NUL-terminated keys for json_object_get).  A section op
 * records the index just past its body, so rendering is a loop over the
 * ops that recurses only into section bodies and partials, each bounded.
 * Rendering allocates nothing of its own: contexts and indentation live
 * on the C stack and output goes straight to the caller's struct buf.
 */
#include "mustache.h"

#include "utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Section nesting within one template; deeper is a compile error. */
#define MUS_MAX_NEST 100
/* Partial nesting while rendering; deeper partials render as empty. */
#define MUS_MAX_PARTIAL_DEPTH 32
/*
 * Work budget of one mus_render, counted in ops executed and contexts
 * searched.  Nested sections over the same list and recursive partials
 * multiply work without any bound from the input size alone (a template
 * `{{>a}}{{>a}}` that includes itself doubles per level), so a render
 * that passes this stops with -ENOMEM as if it had run out of memory.
 * The 20-post listing page of tests/mustache/mustache_bench.c takes
 * about 1,700 steps, so this allows listings of some 300,000 posts and
 * stops a runaway template in about a second.
 */
#define MUS_MAX_STEPS (1UL << 25)
/* The largest template accepted: offsets are 32-bit, and the pool may
 * take up to twice the source (names gain a NUL per dotted part). */
#define MUS_MAX_LEN ((size_t)INT32_MAX)

enum op_kind {
	OP_TEXT,     /* a: pool offset, b: length */
	OP_ESC,      /* {{name}}: a: first key in pool, nparts keys */
	OP_RAW,      /* {{{name}}} and {{&name}} */
	OP_SECTION,  /* a, nparts: name; b: index of the op past the body */
	OP_INVERTED, /* same as OP_SECTION */
	OP_PARTIAL,  /* a: partial name; b, c: indentation (pool offset,
			length) when OPF_STANDALONE */
};

#define OPF_NL 1         /* OP_TEXT: holds a '\n' */
#define OPF_STANDALONE 2 /* OP_PARTIAL: alone on its line, so indented */

struct mus_op {
	uint8_t kind;
	uint8_t flags;
	uint32_t nparts; /* keys in a dotted name; 0 for "." */
	uint32_t a, b, c;
};

struct mus_tmpl {
	struct mus_op *ops;
	uint32_t nops;
	char *pool;
	char *name;
};

/* ---------------------------------------------------------------- */
/* Compiling */

struct open_section {
	uint32_t op;       /* index of its OP_SECTION/OP_INVERTED */
	size_t tag;        /* source offset of its tag, for errors */
	size_t name, nlen; /* source slice of its name, for matching */
};

struct cstate {
	const char *src;
	size_t len;
	struct pf_error *err;

	struct mus_op *ops;
	size_t nops, ops_cap;
	char *pool;
	size_t pool_len, pool_cap;
	int last_text; /* ops[nops-1] is OP_TEXT ending at pool_len */

	const char *otag, *ctag;
	size_t olen, clen;
	/* "}" ctag and "=" ctag, searched for as a whole so that closing a
	 * triple mustache or a set-delimiter tag stays one linear scan. */
	char *needles;

	struct open_section open[MUS_MAX_NEST];
	int nopen;
};

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\f' || c == '\v';
}

/* 1-based line and column of src[off]; columns count code points so
 * that they match what an editor shows for UTF-8 text. */
static void position(const char *src, size_t off, int *line, int *col)
{
	size_t i, l = 1, c = 1;

	for (i = 0; i < off; i++) {
		if (src[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)src[i] & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l > INT32_MAX ? INT32_MAX : (int)l;
	*col = c > INT32_MAX ? INT32_MAX : (int)c;
}

/* How much of a tag to quote in a message: at most 40 bytes, and only
 * whole, valid UTF-8 characters other than control characters, so that
 * a message is always one short line of valid UTF-8 (callers put it in
 * JSON and logs). */
static int quote_len(const char *s, size_t n)
{
	size_t i = 0;
	int32_t cp;
	int k;

	if (n > 40)
		n = 40;
	while (i < n) {
		k = utf8_decode(s + i, n - i, &cp);
		if (cp < 0x20 || cp == 0x7f)
			break;
		i += (size_t)k;
	}
	return (int)i;
}

static int cfail(struct cstate *cs, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cfail(struct cstate *cs, size_t off, const char *fmt, ...)
{
	char msg[sizeof(cs->err->msg)];
	va_list ap;
	int line, col;

	position(cs->src, off, &line, &col);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pf_fail(cs->err, line, col, "%s", msg);
}

static int pool_reserve(struct cstate *cs, size_t n)
{
	size_t cap;
	char *p;

	if (cs->pool_cap - cs->pool_len >= n)
		return 0;
	cap = cs->pool_cap ? cs->pool_cap : 256;
	while (cap - cs->pool_len < n)
		cap *= 2;
	p = realloc(cs->pool, cap);
	if (!p)
		return -ENOMEM;
	cs->pool = p;
	cs->pool_cap = cap;
	return 0;
}

static struct mus_op *new_op(struct cstate *cs, enum op_kind kind)
{
	struct mus_op *op;

	if (cs->nops == cs->ops_cap) {
		size_t cap = cs->ops_cap ? cs->ops_cap * 2 : 32;
		struct mus_op *p = realloc(cs->ops, cap * sizeof(*p));

		if (!p)
			return NULL;
		cs->ops = p;
		cs->ops_cap = cap;
	}
	op = &cs->ops[cs->nops++];
	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)kind;
	cs->last_text = 0;
	return op;
}

/* Text runs separated only by comments, set-delimiter tags or removed
 * standalone lines are merged into one op. */
static int add_text(struct cstate *cs, size_t from, size_t to)
{
	size_t n = to - from;
	struct mus_op *op;
	uint8_t nl;

	if (!n)
		return 0;
	if (pool_reserve(cs, n))
		return -ENOMEM;
	nl = memchr(cs->src + from, '\n', n) ? OPF_NL : 0;
	if (cs->last_text) {
		op = &cs->ops[cs->nops - 1];
	} else {
		op = new_op(cs, OP_TEXT);
		if (!op)
			return -ENOMEM;
		op->a = (uint32_t)cs->pool_len;
	}
	memcpy(cs->pool + cs->pool_len, cs->src + from, n);
	cs->pool_len += n;
	op->b += (uint32_t)n;
	op->flags |= nl;
	cs->last_text = 1;
	return 0;
}

/* Store the name s[0..n) into the pool as NUL-terminated keys, one per
 * dotted part, and fill op->a, op->nparts ("." has no parts) and, for
 * dotted names, op->c with the name's length (lookups are charged for
 * hashing it). */
static int add_name(struct cstate *cs, struct mus_op *op, const char *s,
		    size_t n, int dotted)
{
	size_t i;

	op->a = (uint32_t)cs->pool_len;
	op->nparts = 0;
	if (dotted && n == 1 && s[0] == '.')
		return 0;
	if (pool_reserve(cs, n + 1))
		return -ENOMEM;
	memcpy(cs->pool + cs->pool_len, s, n);
	cs->pool[cs->pool_len + n] = '\0';
	op->nparts = 1;
	if (dotted) {
		op->c = (uint32_t)n;
		for (i = 0; i < n; i++) {
			if (s[i] == '.') {
				cs->pool[cs->pool_len + i] = '\0';
				op->nparts++;
			}
		}
	}
	cs->pool_len += n + 1;
	return 0;
}

static int set_needles(struct cstate *cs)
{
	char *p = realloc(cs->needles, 2 * (cs->clen + 1));

	if (!p)
		return -ENOMEM;
	cs->needles = p;
	p[0] = '}';
	memcpy(p + 1, cs->ctag, cs->clen);
	p[cs->clen + 1] = '=';
	memcpy(p + cs->clen + 2, cs->ctag, cs->clen);
	return 0;
}

/* Parse the content of a set-delimiter tag, s[0..n) between the '=' signs. */
static int set_delimiters(struct cstate *cs, size_t tag, const char *s,
			  size_t n)
{
	size_t i = 0, o0, o1, c0, c1;

	while (i < n && is_ws(s[i]))
		i++;
	o0 = i;
	while (i < n && !is_ws(s[i]) && s[i] != '=')
		i++;
	o1 = i;
	while (i < n && is_ws(s[i]))
		i++;
	c0 = i;
	while (i < n && !is_ws(s[i]) && s[i] != '=')
		i++;
	c1 = i;
	while (i < n && is_ws(s[i]))
		i++;
	if (o1 == o0 || c1 == c0 || i != n || o1 == c0)
		return cfail(cs, tag, "bad set-delimiter tag '%.*s': "
			     "expected two delimiters without spaces or '='",
			     quote_len(cs->src + tag, cs->len - tag),
			     cs->src + tag);
	cs->otag = s + o0;
	cs->olen = o1 - o0;
	cs->ctag = s + c0;
	cs->clen = c1 - c0;
	return set_needles(cs);
}

/* After a tag ending at `after`, only blanks and then a line end or the
 * end of the template?  *eol gets the offset past that line end. */
static int rest_blank(const struct cstate *cs, size_t after, size_t *eol)
{
	size_t q = after;

	while (q < cs->len && (cs->src[q] == ' ' || cs->src[q] == '\t'))
		q++;
	if (q == cs->len) {
		*eol = q;
		return 1;
	}
	if (cs->src[q] == '\n') {
		*eol = q + 1;
		return 1;
	}
	if (cs->src[q] == '\r' && q + 1 < cs->len && cs->src[q + 1] == '\n') {
		*eol = q + 2;
		return 1;
	}
	return 0;
}

static int blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

static int open_section(struct cstate *cs, enum op_kind kind, size_t tag,
			size_t name, size_t nlen)
{
	struct open_section *o;
	struct mus_op *op;

	if (cs->nopen == MUS_MAX_NEST)
		return cfail(cs, tag, "section '%.*s' nested deeper than %d",
			     quote_len(cs->src + name, nlen), cs->src + name,
			     MUS_MAX_NEST);
	op = new_op(cs, kind);
	if (!op || add_name(cs, op, cs->src + name, nlen, 1))
		return -ENOMEM;
	o = &cs->open[cs->nopen++];
	o->op = (uint32_t)(cs->nops - 1);
	o->tag = tag;
	o->name = name;
	o->nlen = nlen;
	return 0;
}

static int close_section(struct cstate *cs, size_t tag, size_t name,
			 size_t nlen)
{
	const struct open_section *o;
	int line, col;

	if (!cs->nopen)
		return cfail(cs, tag, "closing tag '%.*s' has no open section",
			     quote_len(cs->src + name, nlen), cs->src + name);
	o = &cs->open[cs->nopen - 1];
	if (o->nlen != nlen || memcmp(cs->src + o->name, cs->src + name, nlen)) {
		position(cs->src, o->tag, &line, &col);
		return cfail(cs, tag, "closing tag '%.*s' does not match "
			     "section '%.*s' opened at line %d, column %d",
			     quote_len(cs->src + name, nlen), cs->src + name,
			     quote_len(cs->src + o->name, o->nlen),
			     cs->src + o->name, line, col);
	}
	cs->ops[o->op].b = (uint32_t)cs->nops;
	cs->nopen--;
	cs->last_text = 0; /* text after a section is not part of its body */
	return 0;
}

/* Compile one tag starting at src[tag] (its open delimiter).  The
 * caller tracks the current line (where it starts, how many tags it has
 * had) for the standalone rule; on success *text_start is where the text
 * after the tag (or after its line, when standalone) starts. */
static int compile_tag(struct cstate *cs, size_t tag, size_t *line_start,
		       int *line_tags, size_t *text_start)
{
	const char *src = cs->src;
	size_t p = tag + cs->olen, ls = *line_start, cend, after, eol = 0;
	size_t name, nlen;
	const char *needle = cs->ctag, *hit;
	size_t needle_len = cs->clen;
	enum op_kind kind = OP_ESC;
	struct mus_op *op;
	char sigil = 0;
	int standalone, err;

	while (p < cs->len && is_ws(src[p]))
		p++;
	if (p < cs->len && src[p] && strchr("!#^/>={&", src[p])) {
		sigil = src[p++];
		if (sigil == '{')
			needle = cs->needles;
		else if (sigil == '=')
			needle = cs->needles + cs->clen + 1;
		if (sigil == '{' || sigil == '=')
			needle_len = cs->clen + 1;
	}
	hit = memmem(src + p, cs->len - p, needle, needle_len);
	if (!hit)
		return cfail(cs, tag, "unclosed tag '%.*s'",
			     quote_len(src + tag, cs->len - tag), src + tag);
	cend = (size_t)(hit - src);
	after = cend + needle_len;

	/* Name: the content without surrounding blanks. */
	name = p;
	nlen = cend - p;
	while (nlen && is_ws(src[name])) {
		name++;
		nlen--;
	}
	while (nlen && is_ws(src[name + nlen - 1]))
		nlen--;

	standalone = 0;
	if (sigil && sigil != '{' && sigil != '&' && !*line_tags &&
	    blank(src + ls, tag - ls))
		standalone = rest_blank(cs, after, &eol);
	(*line_tags)++;

	if (sigil != '!' && sigil != '=' && !nlen)
		return cfail(cs, tag, "tag '%.*s' has no name",
			     quote_len(src + tag, after - tag), src + tag);

	if (standalone) {
		err = add_text(cs, *text_start, ls);
		*text_start = eol;
		*line_start = eol;
		*line_tags = 0;
	} else {
		err = add_text(cs, *text_start, tag);
		*text_start = after;
	}
	if (err)
		return err;

	switch (sigil) {
	case '!':
		return 0;
	case '=':
		return set_delimiters(cs, tag, src + p, cend - p);
	case '#':
		return open_section(cs, OP_SECTION, tag, name, nlen);
	case '^':
		return open_section(cs, OP_INVERTED, tag, name, nlen);
	case '/':
		return close_section(cs, tag, name, nlen);
	case '>':
		op = new_op(cs, OP_PARTIAL);
		if (!op || add_name(cs, op, src + name, nlen, 0))
			return -ENOMEM;
		if (standalone) {
			size_t n = tag - ls;

			/* Kept apart from the text so that one compiled partial
			 * serves every indentation it is included at. */
			if (pool_reserve(cs, n))
				return -ENOMEM;
			memcpy(cs->pool + cs->pool_len, src + ls, n);
			op->b = (uint32_t)cs->pool_len;
			op->c = (uint32_t)n;
			cs->pool_len += n;
			op->flags |= OPF_STANDALONE;
		}
		return 0;
	case '{':
	case '&':
		kind = OP_RAW;
		break;
	default:
		break;
	}
	op = new_op(cs, kind);
	if (!op || add_name(cs, op, src + name, nlen, 1))
		return -ENOMEM;
	return 0;
}

static void free_cstate(struct cstate *cs)
{
	free(cs->needles);
	free(cs->pool);
	free(cs->ops);
}

int mus_compile(const char *src, size_t len, const char *name,
		struct mus_tmpl **out, struct pf_error *err)
{
	struct cstate cs;
	struct mus_tmpl *t;
	size_t pos = 0, text_start = 0, line_start = 0;
	int line_tags = 0, ret;

	*out = NULL;
	if (!len)
		src = ""; /* no pointer arithmetic on a NULL src */
	if (len > MUS_MAX_LEN)
		return pf_fail(err, 0, 0, "template larger than %zu bytes",
			       MUS_MAX_LEN);
	memset(&cs, 0, sizeof(cs));
	cs.src = src;
	cs.len = len;
	cs.err = err;
	cs.otag = "{{";
	cs.ctag = "}}";
	cs.olen = cs.clen = 2;
	ret = set_needles(&cs);
	if (ret)
		goto fail_cstate;

	for (;;) {
		const char *hit = memmem(src + pos, len - pos, cs.otag, cs.olen);
		const char *nl;
		size_t tag;

		if (!hit)
			break;
		tag = (size_t)(hit - src);
		nl = memrchr(src + pos, '\n', tag - pos);
		if (nl) {
			line_start = (size_t)(nl - src) + 1;
			line_tags = 0;
		}
		ret = compile_tag(&cs, tag, &line_start, &line_tags,
				  &text_start);
		if (ret)
			goto fail_cstate;
		pos = text_start;
	}
	ret = add_text(&cs, text_start, len);
	if (ret)
		goto fail_cstate;
	if (cs.nopen) {
		const struct open_section *o = &cs.open[cs.nopen - 1];

		ret = cfail(&cs, o->tag, "section '%.*s' is never closed",
			    quote_len(src + o->name, o->nlen), src + o->name);
		goto fail_cstate;
	}

	ret = -ENOMEM;
	t = calloc(1, sizeof(*t));
	if (!t)
		goto fail_cstate;
	t->name = strdup(name ? name : "");
	if (!t->name)
		goto fail_tmpl;
	/* Shrink to size: compiled templates are kept for the whole mount. */
	t->ops = cs.nops ? realloc(cs.ops, cs.nops * sizeof(*cs.ops)) : cs.ops;
	t->ops = t->ops ? t->ops : cs.ops;
	t->nops = (uint32_t)cs.nops;
	t->pool = cs.pool_len ? realloc(cs.pool, cs.pool_len) : cs.pool;
	t->pool = t->pool ? t->pool : cs.pool;
	free(cs.needles);
	*out = t;
	return 0;

fail_tmpl:
	free(t);
fail_cstate:
	free_cstate(&cs);
	return ret;
}

void mus_free(struct mus_tmpl *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->pool);
	free(t->ops);
	free(t);
}

/* ---------------------------------------------------------------- */
/* Rendering */

/* The context stack: one frame per pushed value, on the C stack. */
struct frame {
	json_t *v;
	const struct frame *up;
};

struct indent {
	const char *s;
	size_t n;
};

struct rstate {
	mus_partial_fn partial;
	void *pctx;
	struct buf *out;
	unsigned long steps; /* work done, see MUS_MAX_STEPS */
	int depth;           /* partials being rendered */
	/* Indentation of the standalone partials being rendered, outermost
	 * first.  It is written lazily, before the first output that follows
	 * a template newline (pending), so that lines a partial leaves empty
	 * stay empty and newlines inside data are not indented. */
	int nind;
	size_t ind_len;
	int pending;
	struct indent ind[MUS_MAX_PARTIAL_DEPTH];
};

/* One step stands for an op or about 64 bytes of work. */
#define BYTE_STEPS(n) ((unsigned long)((n) >> 6))

static void emit_indent(struct rstate *st)
{
	int k;

	for (k = 0; k < st->nind; k++)
		buf_add(st->out, st->ind[k].s, st->ind[k].n);
	st->pending = 0;
}

static void emit_text(struct rstate *st, const char *s, size_t n, int has_nl)
{
	const char *nl;
	size_t k;

	if (!st->ind_len) {
		buf_add(st->out, s, n);
		return;
	}
	while (n) {
		nl = has_nl ? memchr(s, '\n', n) : NULL;
		k = nl ? (size_t)(nl - s) + 1 : n;
		/* Empty lines get no indentation: no trailing blanks. */
		if (st->pending && !(nl && (k == 1 || (k == 2 && *s == '\r'))))
			emit_indent(st);
		buf_add(st->out, s, k);
		s += k;
		n -= k;
		if (nl)
			st->pending = 1;
	}
}

/* Reals as jansson writes them, but with the fewest digits that read
 * back to the same double (1.21, not 1.2099999999999999), and ".0" on
 * integral values so that they still read as reals.  LC_NUMERIC is "C":
 * postfs never sets it, and utf8.c keeps its locale in a locale_t. */
static size_t format_real(char *tmp, size_t size, double d)
{
	int prec, n = 0;

	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(tmp, size, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	if (n < 0 || (size_t)n >= size)
		return 0;
	if (!strpbrk(tmp, ".eEn") && (size_t)n + 2 < size) {
		memcpy(tmp + n, ".0", 3);
		n += 2;
	}
	return (size_t)n;
}

struct dump_ctx {
	struct rstate *st;
	int esc;
};

static int dump_cb(const char *s, size_t n, void *data)
{
	struct dump_ctx *dc = data;

	if (dc->esc)
		buf_add_html(dc->st->out, s, n);
	else
		buf_add(dc->st->out, s, n);
	dc->st->steps += BYTE_STEPS(n);
	return dc->st->out->oom ? -1 : 0;
}

static void emit_value(struct rstate *st, json_t *v, int esc)
{
	struct dump_ctx dc;
	const char *s;
	char tmp[64];
	size_t n;
	int k;

	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		n = json_string_length(v);
		st->steps += BYTE_STEPS(n);
		break;
	case JSON_INTEGER:
		k = snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT,
			     json_integer_value(v));
		s = tmp;
		n = k > 0 ? (size_t)k : 0;
		break;
	case JSON_REAL:
		n = format_real(tmp, sizeof(tmp), json_real_value(v));
		s = tmp;
		break;
	case JSON_TRUE:
		s = "true";
		n = 4;
		break;
	case JSON_FALSE:
		s = "false";
		n = 5;
		break;
	case JSON_NULL:
		return;
	default:
		/* An object or array shows as its compact JSON, which is
		 * more use to a template author than nothing. */
		if (st->pending)
			emit_indent(st);
		dc.st = st;
		dc.esc = esc;
		json_dump_callback(v, dump_cb, &dc, JSON_COMPACT);
		return;
	}
	if (!n)
		return;
	if (st->pending)
		emit_indent(st);
	if (esc)
		buf_add_html(st->out, s, n);
	else
		buf_add(st->out, s, n);
}

/* Resolve a name: its first key in the innermost context that is an
 * object holding it, the other keys only inside what that one gave. */
static json_t *lookup(struct rstate *st, const struct mus_tmpl *t,
		      const struct mus_op *op, const struct frame *fr)
{
	const char *key = t->pool + op->a;
	unsigned long cost = 1 + BYTE_STEPS(op->c);
	json_t *v = NULL;
	uint32_t i;

	if (!op->nparts)
		return fr->v;
	for (; fr; fr = fr->up) {
		st->steps += cost;
		if (json_is_object(fr->v)) {
			v = json_object_get(fr->v, key);
			if (v)
				break;
		}
	}
	for (i = 1; v && i < op->nparts; i++) {
		key += strlen(key) + 1;
		v = json_is_object(v) ? json_object_get(v, key) : NULL;
	}
	st->steps += cost;
	return v;
}

static int truthy(const json_t *v)
{
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE:
		return 0;
	case JSON_ARRAY:
		return json_array_size(v) != 0;
	case JSON_STRING:
		return json_string_length(v) != 0;
	default:
		return 1;
	}
}

static int render_ops(struct rstate *st, const struct mus_tmpl *t,
		      uint32_t i, uint32_t end, const struct frame *fr);

static int render_partial(struct rstate *st, const struct mus_tmpl *t,
			  const struct mus_op *op, const struct frame *fr)
{
	const struct mus_tmpl *p;
	int pushed = 0, ret;

	if (!st->partial || st->depth >= MUS_MAX_PARTIAL_DEPTH)
		return 0;
	p = st->partial(st->pctx, t->pool + op->a);
	if (!p)
		return 0;
	if (op->flags & OPF_STANDALONE) {
		if (op->c) {
			st->ind[st->nind].s = t->pool + op->b;
			st->ind[st->nind].n = op->c;
			st->nind++;
			st->ind_len += op->c;
			pushed = 1;
		}
		st->pending = 1;
	}
	st->depth++;
	ret = render_ops(st, p, 0, p->nops, fr);
	st->depth--;
	if (pushed) {
		st->nind--;
		st->ind_len -= op->c;
	}
	return ret;
}

static int render_ops(struct rstate *st, const struct mus_tmpl *t,
		      uint32_t i, uint32_t end, const struct frame *fr)
{
	const struct mus_op *op;
	struct frame f;
	json_t *v, *e;
	size_t k;
	int ret;

	while (i < end) {
		if (st->steps > MUS_MAX_STEPS || st->out->oom) {
			st->out->oom = 1;
			return -ENOMEM;
		}
		st->steps++;
		op = &t->ops[i];
		switch (op->kind) {
		case OP_TEXT:
			emit_text(st, t->pool + op->a, op->b, op->flags & OPF_NL);
			st->steps += BYTE_STEPS(op->b);
			i++;
			break;
		case OP_ESC:
		case OP_RAW:
			v = lookup(st, t, op, fr);
			if (v)
				emit_value(st, v, op->kind == OP_ESC);
			i++;
			break;
		case OP_SECTION:
			v = lookup(st, t, op, fr);
			f.up = fr;
			if (json_is_array(v)) {
				json_array_foreach(v, k, e) {
					f.v = e;
					ret = render_ops(st, t, i + 1, op->b, &f);
					if (ret)
						return ret;
				}
			} else if (truthy(v)) {
				f.v = v;
				ret = render_ops(st, t, i + 1, op->b, &f);
				if (ret)
					return ret;
			}
			i = op->b;
			break;
		case OP_INVERTED:
			/* The body needs no context of its own, so it runs in
			 * line and ends where the ops after the section start. */
			v = lookup(st, t, op, fr);
			i = truthy(v) ? op->b : i + 1;
			break;
		case OP_PARTIAL:
			ret = render_partial(st, t, op, fr);
			if (ret)
				return ret;
			i++;
			break;
		default:
			i++;
			break;
		}
	}
	return 0;
}

int mus_render(const struct mus_tmpl *t, json_t *data,
	       mus_partial_fn partial, void *ctx, struct buf *out)
{
	struct frame root = { data, NULL };
	struct rstate st;
	int ret;

	memset(&st, 0, sizeof(st));
	st.partial = partial;
	st.pctx = ctx;
	st.out = out;
	ret = render_ops(&st, t, 0, t->nops, &root);
	return ret ? ret : buf_error(out);
}
