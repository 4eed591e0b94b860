#include "query.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "names.h"
#include "utf8.h"

#define QMAX_ATOMS 64
#define QMAX_DEPTH 32

enum qop { Q_AND, Q_OR, Q_NOT, Q_TERM, Q_YEAR, Q_MONTH, Q_DATE, Q_DRAFT, Q_TITLE, Q_FIELD };

struct qexpr {
	enum qop op;
	struct qexpr *a, *b;       /* Q_AND, Q_OR: both; Q_NOT: a */
	unsigned tax;              /* Q_TERM */
	char *text;                /* Q_TERM: the key; Q_TITLE: lower-case word;
	                              Q_FIELD: the value */
	char *field;               /* Q_FIELD: its name */
	int lo, hi;                /* Q_YEAR: years; Q_MONTH: lo year (0: any),
	                              hi month; Q_DATE: yyyymmdd bounds */
	int flag;                  /* Q_DRAFT */
	int plain;                 /* Q_FIELD: compared as text only, so found
	                              as written in the front matter's JSON */
};

struct qparser {
	const char *s;
	size_t n, pos;
	const struct qenv *env;
	struct pf_error *err;
	int atoms, depth, oom;
};

void qexpr_free(struct qexpr *e)
{
	if (!e)
		return;
	qexpr_free(e->a);
	qexpr_free(e->b);
	free(e->text);
	free(e->field);
	free(e);
}

static int fail(struct qparser *p, const char *msg)
{
	if (p->err && !p->err->msg[0]) {
		size_t i;
		int col = 1;

		/* columns count characters */
		for (i = 0; i < p->pos && i < p->n; i++)
			if (((unsigned char)p->s[i] & 0xC0) != 0x80)
				col++;
		pf_fail(p->err, 1, col, "%s", msg);
	}
	return -EINVAL;
}

static void skip_ws(struct qparser *p)
{
	while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
		p->pos++;
}

/* A bare word: up to white space, a parenthesis, ':' or '=' (when
 * stop_colon), or the end. */
static size_t word_len(const struct qparser *p, int stop_colon)
{
	size_t i = p->pos;

	while (i < p->n) {
		char c = p->s[i];

		if (c == ' ' || c == '\t' || c == '(' || c == ')' ||
		    (stop_colon && (c == ':' || c == '=')))
			break;
		i++;
	}
	return i - p->pos;
}

static int is_word(const struct qparser *p, const char *w)
{
	size_t l = strlen(w), i = p->pos + l;

	if (p->pos + l > p->n || strncasecmp(p->s + p->pos, w, l))
		return 0;
	return i == p->n || p->s[i] == ' ' || p->s[i] == '\t' || p->s[i] == '(' ||
	       p->s[i] == ')';
}

/* A value: quoted, or bare up to white space or a parenthesis. */
static int value(struct qparser *p, struct buf *out)
{
	char q;

	if (p->pos < p->n && (p->s[p->pos] == '"' || p->s[p->pos] == '\'')) {
		q = p->s[p->pos++];
		while (p->pos < p->n && p->s[p->pos] != q) {
			if (p->s[p->pos] == '\\' && p->pos + 1 < p->n)
				p->pos++;
			buf_addc(out, p->s[p->pos++]);
		}
		if (p->pos >= p->n)
			return fail(p, "a quoted value is not closed");
		p->pos++;
	} else {
		size_t l = word_len(p, 0);

		if (!l)
			return fail(p, "a value is missing");
		buf_add(out, p->s + p->pos, l);
		p->pos += l;
	}
	buf_add(out, "", 0);
	return out->oom ? -ENOMEM : 0;
}

static int parse_int(const char *s, size_t n, int *out)
{
	int v = 0;
	size_t i;

	if (!n || n > 9)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* yyyy-mm-dd as yyyymmdd, or -1. */
static int parse_day(const char *s, size_t n)
{
	int y, m, d;

	if (n != 10 || s[4] != '-' || s[7] != '-' || parse_int(s, 4, &y) ||
	    parse_int(s + 5, 2, &m) || parse_int(s + 8, 2, &d) ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	return y * 10000 + m * 100 + d;
}

/* "A..B", "A..", "..B" or "A": the two ends' texts. */
static void split_range(const char *v, const char **a, size_t *al, const char **b, size_t *bl)
{
	const char *dots = strstr(v, "..");

	*a = v;
	if (!dots) {
		*al = strlen(v);
		*b = v;
		*bl = *al;
		return;
	}
	*al = (size_t)(dots - v);
	*b = dots + 2;
	*bl = strlen(*b);
}

static struct qexpr *node(struct qparser *p, enum qop op)
{
	struct qexpr *e = calloc(1, sizeof(*e));

	if (!e)
		p->oom = 1;
	else
		e->op = op;
	return e;
}

static int atom(struct qparser *p, struct qexpr **out)
{
	struct buf f = BUF_INIT, v = BUF_INIT, k = BUF_INIT;
	struct qexpr *e = NULL;
	const char *a, *b;
	size_t fl = word_len(p, 1), al, bl;
	unsigned t;
	int ret;

	if (++p->atoms > QMAX_ATOMS)
		return fail(p, "too many conditions");
	if (!fl)
		return fail(p, "a field name is expected");
	buf_add(&f, p->s + p->pos, fl);
	buf_add(&f, "", 0);
	p->pos += fl;
	if (p->pos >= p->n || (p->s[p->pos] != ':' && p->s[p->pos] != '=')) {
		ret = fail(p, "expected ':' after the field name");
		goto out;
	}
	p->pos++;
	ret = value(p, &v);
	if (ret)
		goto out;
	ret = -EINVAL;
	for (t = 0; t < p->env->ntax; t++) {
		if (strcasecmp(f.data, p->env->tax_singular[t]) &&
		    strcasecmp(f.data, p->env->tax_field[t]))
			continue;
		e = node(p, Q_TERM);
		if (!e)
			goto nomem;
		e->tax = t;
		{
			struct buf nb = BUF_INIT;

			name_make(&nb, v.data, v.len, NAME_MAX_BYTES);
			name_key(&k, nb.data ? nb.data : "", nb.len);
			buf_add(&k, "", 0);
			buf_free(&nb);
		}
		e->text = buf_detach(&k, NULL);
		if (!e->text)
			goto nomem;
		goto done;
	}
	if (!strcasecmp(f.data, "year")) {
		e = node(p, Q_YEAR);
		if (!e)
			goto nomem;
		split_range(v.data, &a, &al, &b, &bl);
		e->lo = 0;
		e->hi = 99999;
		if ((al && parse_int(a, al, &e->lo)) || (bl && parse_int(b, bl, &e->hi))) {
			ret = fail(p, "year: expected a year or a range YYYY..YYYY");
			goto out;
		}
	} else if (!strcasecmp(f.data, "month")) {
		int y = 0, m = 0;

		e = node(p, Q_MONTH);
		if (!e)
			goto nomem;
		if (v.len == 7 && v.data[4] == '-' && !parse_int(v.data, 4, &y) &&
		    !parse_int(v.data + 5, 2, &m)) {
			/* yyyy-mm */
		} else if (parse_int(v.data, v.len, &m)) {
			m = 0;
		}
		if (m < 1 || m > 12) {
			ret = fail(p, "month: expected YYYY-MM or a month number");
			goto out;
		}
		e->lo = y;
		e->hi = m;
	} else if (!strcasecmp(f.data, "date")) {
		e = node(p, Q_DATE);
		if (!e)
			goto nomem;
		split_range(v.data, &a, &al, &b, &bl);
		e->lo = al ? parse_day(a, al) : 0;
		e->hi = bl ? parse_day(b, bl) : 99999999;
		if (e->lo < 0 || e->hi < 0) {
			ret = fail(p, "date: expected YYYY-MM-DD or a range of them (A..B)");
			goto out;
		}
	} else if (!strcasecmp(f.data, "draft")) {
		e = node(p, Q_DRAFT);
		if (!e)
			goto nomem;
		if (!strcasecmp(v.data, "true") || !strcasecmp(v.data, "yes"))
			e->flag = 1;
		else if (strcasecmp(v.data, "false") && strcasecmp(v.data, "no")) {
			ret = fail(p, "draft: expected true or false");
			goto out;
		}
	} else if (!strcasecmp(f.data, "title")) {
		e = node(p, Q_TITLE);
		if (!e)
			goto nomem;
		utf8_lower(&k, v.data, v.len);
		buf_add(&k, "", 0);
		e->text = buf_detach(&k, NULL);
		if (!e->text)
			goto nomem;
	} else {
		e = node(p, Q_FIELD);
		if (!e)
			goto nomem;
		e->field = buf_detach(&f, NULL);
		e->text = buf_detach(&v, NULL);
		if (!e->field || !e->text)
			goto nomem;
		{
			char *end;

			strtod(e->text, &end);
			e->plain = !strpbrk(e->text, "\"\\") && (!*e->text || *end) &&
				   strcasecmp(e->text, "true") && strcasecmp(e->text, "false") &&
				   strcasecmp(e->text, "null");
		}
	}
done:
	*out = e;
	e = NULL;
	ret = 0;
	goto out;
nomem:
	ret = -ENOMEM;
out:
	qexpr_free(e);
	buf_free(&f);
	buf_free(&v);
	buf_free(&k);
	return ret;
}

static int parse_or(struct qparser *p, struct qexpr **out);

static int unary(struct qparser *p, struct qexpr **out)
{
	struct qexpr *e;
	int ret;

	skip_ws(p);
	if (p->pos >= p->n)
		return fail(p, "a condition is expected");
	if (is_word(p, "not") || p->s[p->pos] == '-') {
		p->pos += p->s[p->pos] == '-' ? 1 : 3;
		if (++p->depth > QMAX_DEPTH)
			return fail(p, "nested too deep");
		e = node(p, Q_NOT);
		if (!e)
			return -ENOMEM;
		ret = unary(p, &e->a);
		p->depth--;
		if (ret) {
			qexpr_free(e);
			return ret;
		}
		*out = e;
		return 0;
	}
	if (p->s[p->pos] == '(') {
		p->pos++;
		if (++p->depth > QMAX_DEPTH)
			return fail(p, "nested too deep");
		ret = parse_or(p, out);
		p->depth--;
		if (ret)
			return ret;
		skip_ws(p);
		if (p->pos >= p->n || p->s[p->pos] != ')') {
			qexpr_free(*out);
			*out = NULL;
			return fail(p, "')' is missing");
		}
		p->pos++;
		return 0;
	}
	return atom(p, out);
}

/* A chain of terms joined by op: "or" between and-chains, "and" (or
 * nothing) between unary terms. */
static int parse_chain(struct qparser *p, struct qexpr **out, enum qop op)
{
	struct qexpr *l = NULL, *r, *e;
	int ret = op == Q_OR ? parse_chain(p, &l, Q_AND) : unary(p, &l);

	while (!ret) {
		skip_ws(p);
		if (op == Q_OR) {
			if (!is_word(p, "or"))
				break;
			p->pos += 2;
		} else {
			if (p->pos >= p->n || p->s[p->pos] == ')' || is_word(p, "or"))
				break;
			if (is_word(p, "and"))
				p->pos += 3;
		}
		r = NULL;
		ret = op == Q_OR ? parse_chain(p, &r, Q_AND) : unary(p, &r);
		if (ret)
			break;
		e = node(p, op);
		if (!e) {
			qexpr_free(r);
			ret = -ENOMEM;
			break;
		}
		e->a = l;
		e->b = r;
		l = e;
	}
	if (ret) {
		qexpr_free(l);
		return ret;
	}
	*out = l;
	return 0;
}

static int parse_or(struct qparser *p, struct qexpr **out)
{
	return parse_chain(p, out, Q_OR);
}

int query_parse(const char *text, size_t len, const struct qenv *env,
		struct qexpr **out, struct pf_error *err)
{
	struct qparser p = { text, len, 0, env, err, 0, 0, 0 };
	int ret;

	*out = NULL;
	if (err)
		memset(err, 0, sizeof(*err));
	if (!utf8_valid(text, len))
		return fail(&p, "a query is UTF-8 text");
	ret = parse_or(&p, out);
	if (!ret) {
		skip_ws(&p);
		if (p.pos < p.n) {
			qexpr_free(*out);
			*out = NULL;
			ret = fail(&p, p.s[p.pos] == ')' ? "a ')' too many" : "unexpected text");
		}
	}
	if (p.oom && !ret) {
		qexpr_free(*out);
		*out = NULL;
		ret = -ENOMEM;
	}
	return ret;
}

/* The text of a scalar front-matter value (strings as they are). */
static int scalar_is(json_t *v, const char *want)
{
	char tmp[64];

	if (json_is_string(v))
		return !strcmp(json_string_value(v), want);
	if (json_is_integer(v)) {
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return !strcmp(tmp, want);
	}
	if (json_is_real(v)) {
		char *end;
		double d = strtod(want, &end);

		return *want && !*end && d == json_real_value(v);
	}
	if (json_is_boolean(v))
		return !strcasecmp(want, json_is_true(v) ? "true" : "false");
	if (json_is_null(v))
		return !strcasecmp(want, "null") || !*want;
	return 0;
}

static int field_match(const struct qexpr *e, const struct post *p)
{
	json_t *fm, *v, *x;
	const char *k;
	size_t i;
	int hit = 0;

	/* Most posts do not hold the value at all: a look at the text
	 * avoids parsing their front matter (but for values that compare
	 * otherwise than as text: numbers, true, false, null). */
	if (e->plain && !strstr(p->fm, e->text))
		return 0;
	fm = json_loads(p->fm, 0, NULL);
	if (!fm)
		return 0;
	json_object_foreach(fm, k, v) {
		if (strcasecmp(k, e->field))
			continue;
		if (json_is_array(v)) {
			json_array_foreach(v, i, x)
				hit |= scalar_is(x, e->text);
		} else {
			hit = scalar_is(v, e->text);
		}
		break;
	}
	json_decref(fm);
	return hit;
}

int query_match(const struct qexpr *e, const struct post *p,
		query_has_term has_term, void *ctx)
{
	int day;

	switch (e->op) {
	case Q_AND:
		return query_match(e->a, p, has_term, ctx) && query_match(e->b, p, has_term, ctx);
	case Q_OR:
		return query_match(e->a, p, has_term, ctx) || query_match(e->b, p, has_term, ctx);
	case Q_NOT:
		return !query_match(e->a, p, has_term, ctx);
	case Q_TERM:
		return has_term(ctx, e->tax, e->text);
	case Q_YEAR:
		return p->date.y >= e->lo && p->date.y <= e->hi;
	case Q_MONTH:
		return p->date.mo == e->hi && (!e->lo || p->date.y == e->lo);
	case Q_DATE:
		day = p->date.y * 10000 + p->date.mo * 100 + p->date.d;
		return day >= e->lo && day <= e->hi;
	case Q_DRAFT:
		return p->draft == e->flag;
	case Q_TITLE: {
		struct buf t = BUF_INIT;
		int hit;

		utf8_lower(&t, p->title, strlen(p->title));
		buf_add(&t, "", 0);
		hit = t.data && strstr(t.data, e->text) != NULL;
		buf_free(&t);
		return hit;
	}
	case Q_FIELD:
		return field_match(e, p);
	}
	return 0;
}
