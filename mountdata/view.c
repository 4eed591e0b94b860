/* view.c — what each generated file holds.  Under the read lock a file's
 * view model is gathered (a JSON value tree of plain data, the same one
 * its template gets); after the lock is dropped, sources are read and
 * Markdown and templates rendered.  The bytes go to the cache. */
#include "site_impl.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "markdown.h"
#include "names.h"
#include "utf8.h"

#include "config.h"

/* ---- small JSON helpers ------------------------------------------------- */

/* How many bytes at s[i] (of s[0..n)) are to be dropped: a control
 * character XML 1.0 forbids (all but tab and line ends) or DEL, which
 * HTML does not want, or U+FFFE/U+FFFF; 0 for anything else. */
static size_t bad_at(const char *s, size_t i, size_t n)
{
	unsigned char c = (unsigned char)s[i];

	if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
		return 1;
	/* U+FFFE and U+FFFF: valid UTF-8, but not characters XML allows */
	if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
	    ((unsigned char)s[i + 2] & 0xFE) == 0xBE)
		return 3;
	return 0;
}

/* A JSON string of any bytes: invalid UTF-8 repaired (a NUL too), the
 * rest kept as it is, so that JSON files give values as written.  What
 * a page cannot hold is taken out later, by view_clean(). */
static json_t *jstrn(const char *s, size_t n)
{
	json_t *j;
	char *r;

	if (!s)
		return json_null();
	if (utf8_valid(s, n))
		return json_stringn(s, n);
	r = utf8_dup(s, n);
	j = r ? json_string(r) : NULL;
	free(r);
	return j;
}

/* When s[0..n) holds something HTML and XML 1.0 do not allow (see
 * bad_at): append s without it to out and return 1; else 0, appending
 * nothing. */
static int drop_bad(const char *s, size_t n, struct buf *out)
{
	size_t i, k;

	/* the bytes that may start something bad: C0 controls but tab and
	 * line ends, DEL, and 0xEF */
	static const uint32_t maybe[8] = { 0xFFFFD9FFu, 0, 0, 0x80000000u, 0, 0, 0, 0x8000u };

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((maybe[c >> 5] >> (c & 31) & 1) && bad_at(s, i, n))
			break;
	}
	if (i == n)
		return 0;
	buf_add(out, s, i);
	for (; i < n; i++) {
		if ((k = bad_at(s, i, n))) {
			i += k - 1;
			continue;
		}
		buf_addc(out, s[i]);
	}
	return 1;
}

/* Drop from every string of a template's view what HTML and XML 1.0 do
 * not allow (see bad_at).  Views are a few levels deep; the depth bound
 * only guards against a mistake. */
static int view_clean(json_t *v, int depth)
{
	struct buf b = BUF_INIT;
	const char *key;
	json_t *e;
	size_t i;
	int ret = 0;

	if (depth > 32)
		return -EINVAL;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_foreach(v, key, e)
			if ((ret = view_clean(e, depth + 1)))
				return ret;
		return 0;
	case JSON_ARRAY:
		json_array_foreach(v, i, e)
			if ((ret = view_clean(e, depth + 1)))
				return ret;
		return 0;
	case JSON_STRING:
		if (!drop_bad(json_string_value(v), json_string_length(v), &b))
			return 0;
		ret = buf_error(&b);
		if (!ret && json_string_setn(v, b.data ? b.data : "", b.len))
			ret = -ENOMEM;
		buf_free(&b);
		return ret;
	default:
		return 0;
	}
}

static json_t *jstr(const char *s)
{
	return s ? jstrn(s, strlen(s)) : json_null();
}

static json_t *jbuf(struct buf *b)
{
	return jstrn(b->data ? b->data : "", b->len);
}

static void jset(json_t *o, const char *k, json_t *v)
{
	json_object_set_new(o, k, v);
}

static json_t *jdate(const struct pdate *d)
{
	struct buf b = BUF_INIT;
	json_t *j;

	if (!d->set)
		return json_null();
	pdate_format(&b, d);
	j = jbuf(&b);
	buf_free(&b);
	return j;
}

static json_t *jday(const struct pdate *d)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", d->y, d->mo, d->d);
	return json_string(tmp);
}

/* ---- paths ---------------------------------------------------------------- */

/* How ctx_path writes a folder's name. */
enum { P_RAW, P_IRI, P_ASCII };

/* Append the path, relative to the mount's root, of context c's folder
 * with a trailing '/' ("" for the root): as the names are (P_RAW), or
 * percent-encoded for a link (P_IRI keeps non-ASCII characters, as
 * browsers and web servers accept; P_ASCII, for feeds and sitemaps,
 * encodes them too). */
static void ctx_path(struct site *s, struct buf *b, const struct ctx *c, int url)
{
	char tmp[16];
	const char *name;

	switch (c->type) {
	case CTX_POSTS:
		buf_adds(b, "posts/");
		return;
	case CTX_META:
		buf_adds(b, ".postfs/");
		return;
	case CTX_TAX:
	case CTX_TERM:
		buf_adds(b, s->tax[c->tax].dirname);
		buf_addc(b, '/');
		if (c->type == CTX_TERM) {
			name = s->tax[c->tax].terms[c->term]->name;
			if (!name)
				name = "_";
			if (url != P_RAW)
				buf_add_urlpart(b, name, strlen(name), url == P_ASCII);
			else
				buf_adds(b, name);
			buf_addc(b, '/');
		}
		return;
	case CTX_DATE:
		buf_adds(b, "by-date/");
		if (c->level >= 1) {
			snprintf(tmp, sizeof(tmp), "%04u/", c->year);
			buf_adds(b, tmp);
		}
		if (c->level >= 2) {
			snprintf(tmp, sizeof(tmp), "%02u/", c->month);
			buf_adds(b, tmp);
		}
		if (c->level >= 3) {
			snprintf(tmp, sizeof(tmp), "%02u/", c->day);
			buf_adds(b, tmp);
		}
		return;
	case CTX_QUERY: {
		struct query *q = c->query ? query_ensure(s, c->query) : NULL;
		unsigned k;

		if (!q || q->text) {
			buf_adds(b, "query/");
			if (q && url != P_RAW)
				buf_add_urlpart(b, q->text, strlen(q->text), url == P_ASCII);
			else if (q)
				buf_adds(b, q->text);
			if (q)
				buf_addc(b, '/');
			return;
		}
		/* an intersection: by-tag/AI/+/Tech/ */
		buf_adds(b, s->tax[q->tax].dirname);
		buf_addc(b, '/');
		for (k = 0; k < q->nterms; k++) {
			name = s->tax[q->tax].terms[q->terms[k]]->name;
			if (!name)
				name = "_";
			if (k)
				buf_adds(b, "+/");
			if (url != P_RAW)
				buf_add_urlpart(b, name, strlen(name), url == P_ASCII);
			else
				buf_adds(b, name);
			buf_addc(b, '/');
		}
		if (c->level)
			buf_adds(b, "+/");
		return;
	}
	}
}

/* "../" once per folder level of context c: the way back to the root. */
static void root_rel(struct site *s, struct buf *b, const struct ctx *c)
{
	int depth = 0, i;
	struct query *q;

	switch (c->type) {
	case CTX_QUERY:
		q = c->query ? query_ensure(s, c->query) : NULL;
		/* query/TEXT/, or by-tag/A/+/B/... */
		depth = !q ? 1 : q->text ? 2 : 2 * (int)q->nterms;
		depth += c->level;
		break;
	case CTX_POSTS:
	case CTX_META:
	case CTX_TAX:
		depth = 1;
		break;
	case CTX_TERM:
		depth = 2;
		break;
	case CTX_DATE:
		depth = 1 + c->level;
		break;
	}
	for (i = 0; i < depth; i++)
		buf_adds(b, "../");
	buf_add(b, "", 0);
}

/* A link from a page of context `from` to a path below the root. */
static json_t *jlink(const char *root, const char *path)
{
	struct buf b = BUF_INIT;
	json_t *j;

	buf_adds(&b, root);
	buf_adds(&b, path);
	j = jbuf(&b);
	buf_free(&b);
	return j;
}

static void ctx_day_of(const struct slot *sl, struct ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->type = CTX_DATE;
	c->level = 3;
	c->year = sl->day->y;
	c->month = sl->day->m;
	c->day = sl->day->d;
}

/* ---- what a view model is made of ------------------------------------------ */

/* Post references a rendering needs after the lock is dropped. */
struct job {
	int strict;                  /* see view_render */
	struct post *post;           /* the post of a post page */
	uint32_t post_id;            /* its slot, and the slot's version then */
	uint64_t post_ver;
	uint32_t *sum_id;            /* the same for each summary */
	uint64_t *sum_ver;
	char *name;                  /* its name in posts/ */
	char *root;                  /* the way from its page to the root */
	struct post **sum;           /* posts whose summary a listing shows */
	json_t **sumdst;             /* where each summary goes */
	size_t nsum;
	json_t *view;
	struct buf made;             /* JSON listings: the bytes, made under
				      * the lock (owned; moved out by finish) */
	const char *tmpl;            /* template, or NULL for JSON output */
	struct theme *theme;
	int unsafe;
	int kind;                    /* what to produce, see JK_* */
};

enum { JK_TEMPLATE, JK_JSON, JK_SOURCE, JK_STATIC, JK_POSTJSON };

/* A name as a heading shows it: its first letter in upper case when it
 * is an ASCII one ("tags" is "Tags"). */
static json_t *jlabel(const char *name)
{
	json_t *j;
	char *t;

	if (!name || !(name[0] >= 'a' && name[0] <= 'z'))
		return jstr(name);
	t = strdup(name);
	if (!t)
		return NULL;
	t[0] = (char)(t[0] - 'a' + 'A');
	j = jstr(t);
	free(t);
	return j;
}

/* What every page's view holds: the site, the way to the root, the
 * page's title, kind and language, the navigation. */
static json_t *site_common(struct site *s, const struct ctx *c, const char *root,
			   const char *title, const char *kind)
{
	json_t *v = json_object(), *nav = json_object(), *tx = json_array(), *site = json_object();
	struct buf b = BUF_INIT;
	unsigned i;

	jset(site, "title", jstr(s->o.title));
	if (s->o.base_url)
		jset(site, "base_url", jstr(s->o.base_url));
	jset(site, "version", json_string(POSTFS_VERSION));
	jset(site, "feed", jlink(root, "feed.xml"));
	jset(v, "site", site);
	jset(v, "root", json_string(root));
	jset(v, "title", jstr(title));
	jset(v, "lang", json_string("en"));
	jset(v, "kind", json_string(kind));
	buf_printf(&b, "is_%s", kind);
	jset(v, b.data, json_true());
	jset(v, "style", jlink(root, "style.css"));
	jset(nav, "home", jlink(root, "index.html"));
	jset(nav, "posts", jlink(root, "posts/index.html"));
	jset(nav, "archive", jlink(root, "by-date/index.html"));
	jset(nav, "home_current", json_boolean(c->type == CTX_ROOT));
	jset(nav, "posts_current", json_boolean(c->type == CTX_POSTS));
	jset(nav, "archive_current", json_boolean(c->type == CTX_DATE));
	for (i = 0; i < s->ntax; i++) {
		json_t *t = json_object();

		buf_reset(&b);
		buf_adds(&b, s->tax[i].dirname);
		buf_adds(&b, "/index.html");
		jset(t, "name", jstr(s->tax[i].field));
		jset(t, "title", jlabel(s->tax[i].field));
		jset(t, "url", jlink(root, b.data));
		jset(t, "current", json_boolean(c->type >= CTX_TAX && c->type <= CTX_TERM && c->tax == i));
		json_array_append_new(tx, t);
	}
	buf_free(&b);
	jset(nav, "taxonomies", tx);
	jset(v, "nav", nav);
	return v;
}

static const char *month_name(unsigned m)
{
	static const char *const names[] = {
		"", "January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December",
	};

	return m <= 12 ? names[m] : "";
}

/* Breadcrumbs of context c, each {title, url}; the page itself last,
 * without url. */
static json_t *breadcrumbs(struct site *s, const struct ctx *c, const char *root,
			   const char *leaf)
{
	json_t *a = json_array();
	struct ctx up;
	struct buf p = BUF_INIT;
	char tmp[16];

#define CRUMB(t, path) do {                                           \
		json_t *o_ = json_object();                              \
		jset(o_, "title", t);                                    \
		if (path) jset(o_, "url", jlink(root, path));            \
		json_array_append_new(a, o_);                            \
	} while (0)

	CRUMB(json_string("Home"), c->type == CTX_ROOT && !leaf ? NULL : "index.html");
	switch (c->type) {
	case CTX_POSTS:
		CRUMB(json_string("Posts"), leaf ? "posts/index.html" : NULL);
		break;
	case CTX_TAX:
	case CTX_TERM:
		buf_printf(&p, "%s/index.html", s->tax[c->tax].dirname);
		CRUMB(jlabel(s->tax[c->tax].field), c->type == CTX_TERM || leaf ? p.data : NULL);
		if (c->type == CTX_TERM) {
			buf_reset(&p);
			ctx_path(s, &p, c, P_IRI);
			buf_adds(&p, "index.html");
			CRUMB(jstr(s->tax[c->tax].terms[c->term]->name), leaf ? p.data : NULL);
		}
		break;
	case CTX_DATE:
		CRUMB(json_string("Archive"), c->level || leaf ? "by-date/index.html" : NULL);
		for (up = *c, up.level = 1; up.level <= c->level; up.level++) {
			buf_reset(&p);
			ctx_path(s, &p, &up, P_IRI);
			buf_adds(&p, "index.html");
			if (up.level == 1)
				snprintf(tmp, sizeof(tmp), "%04u", c->year);
			else if (up.level == 2)
				snprintf(tmp, sizeof(tmp), "%s", month_name(c->month));
			else
				snprintf(tmp, sizeof(tmp), "%u", c->day);
			CRUMB(json_string(tmp), up.level < c->level || leaf ? p.data : NULL);
		}
		break;
	case CTX_META:
		CRUMB(json_string("Status"), NULL);
		break;
	case CTX_QUERY: {
		struct query *q = c->query ? query_ensure(s, c->query) : NULL;
		unsigned k;

		if (!q || q->text) {
			buf_reset(&p);
			if (q) {
				buf_adds(&p, "Query: ");
				buf_adds(&p, q->text);
				buf_add(&p, "", 0);
			}
			CRUMB(jstr(q ? p.data : "Queries"), NULL);
			break;
		}
		buf_reset(&p);
		buf_printf(&p, "%s/index.html", s->tax[q->tax].dirname);
		CRUMB(jlabel(s->tax[q->tax].field), p.data);
		for (k = 1; k <= q->nterms; k++) {
			struct ctx sc = { .type = CTX_TERM, .tax = q->tax, .term = q->terms[0] };
			const char *nm = s->tax[q->tax].terms[q->terms[k - 1]]->name;
			struct buf t = BUF_INIT;

			/* the path of the first k terms */
			buf_reset(&p);
			if (k == 1) {
				ctx_path(s, &p, &sc, P_IRI);
			} else {
				unsigned j;

				buf_adds(&p, s->tax[q->tax].dirname);
				buf_addc(&p, '/');
				for (j = 0; j < k; j++) {
					const char *jn = s->tax[q->tax].terms[q->terms[j]]->name;

					if (j)
						buf_adds(&p, "+/");
					buf_add_urlpart(&p, jn ? jn : "_", strlen(jn ? jn : "_"), 0);
					buf_addc(&p, '/');
				}
			}
			buf_adds(&p, "index.html");
			buf_printf(&t, "%s%s", k > 1 ? "+ " : "", nm ? nm : "");
			CRUMB(jstr(t.data), k < q->nterms || leaf || c->level ? p.data : NULL);
			buf_free(&t);
		}
		if (c->level)
			CRUMB(json_string("+"), NULL);
		break;
	}
	}
	if (leaf)
		CRUMB(jstr(leaf), NULL);
#undef CRUMB
	buf_free(&p);
	return a;
}

/* The terms of a post: [{name, title, terms: [{name, folder, url|path}]}]. */
static json_t *post_terms(struct site *s, struct slot *sl, const char *root, int as_json)
{
	json_t *a = json_array();
	unsigned t, i;

	for (t = 0; t < s->ntax; t++) {
		json_t *o = json_object(), *terms = json_array();

		for (i = 0; i < sl->nmember_of[t]; i++) {
			struct term *tm = sl->member_of[t][i];
			struct ctx c = { .type = CTX_TERM, .tax = (uint8_t)t, .term = tm->id };
			struct buf p = BUF_INIT;
			json_t *e = json_object();

			ctx_path(s, &p, &c, as_json ? P_RAW : P_IRI);
			if (!as_json)
				buf_adds(&p, "index.html");
			jset(e, "name", jstr(sl->post->terms[t][i]));
			jset(e, "folder", jstr(tm->name));
			if (as_json)
				jset(e, "path", jbuf(&p));
			else
				jset(e, "url", jlink(root, p.data ? p.data : ""));
			json_array_append_new(terms, e);
			buf_free(&p);
		}
		jset(o, "name", jstr(s->tax[t].field));
		/* the JSON keeps the field's name; a page shows it as a label */
		jset(o, "title", as_json ? jstr(s->tax[t].field) : jlabel(s->tax[t].field));
		jset(o, "terms", terms);
		jset(o, "has_terms", json_boolean(sl->nmember_of[t] > 0));
		json_array_append_new(a, o);
	}
	return a;
}

/* "More posts tagged A and B": links from a post to the intersections of
 * pairs of its terms (each holds the post itself, so it exists), at
 * most three, per taxonomy, in the order of the terms' keys. */
static json_t *related_links(struct site *s, struct slot *sl, const char *root)
{
	json_t *a = json_array();
	unsigned t, i, j, shown = 0;

	for (t = 0; t < s->ntax && shown < 3; t++) {
		unsigned n = sl->nmember_of[t];

		for (i = 0; i < n && shown < 3; i++) {
			for (j = 0; j < n && shown < 3; j++) {
				struct term *x = sl->member_of[t][i], *y = sl->member_of[t][j];
				struct buf p = BUF_INIT, l = BUF_INIT;
				json_t *o;

				if (strcmp(x->key, y->key) >= 0 || !x->name || !y->name)
					continue;
				buf_printf(&p, "%s/", s->tax[t].dirname);
				buf_add_urlpart(&p, x->name, strlen(x->name), 0);
				buf_adds(&p, "/+/");
				buf_add_urlpart(&p, y->name, strlen(y->name), 0);
				buf_adds(&p, "/index.html");
				buf_printf(&l, "%s and %s", x->name, y->name);
				o = json_object();
				jset(o, "title", jbuf(&l));
				jset(o, "taxonomy", jstr(s->tax[t].field));
				jset(o, "url", jlink(root, p.data ? p.data : ""));
				json_array_append_new(a, o);
				buf_free(&p);
				buf_free(&l);
				shown++;
			}
		}
	}
	return a;
}

/* A post as a listing shows it. */
static json_t *post_item(struct site *s, struct slot *sl, const struct ctx *c,
			 const char *root, int as_json)
{
	struct post *p = sl->post;
	json_t *o = json_object();
	struct buf b = BUF_INIT;
	unsigned t, i;

	jset(o, "title", jstr(p->title));
	jset(o, "name", jstr(sl->name));
	jset(o, "date", jdate(&p->date));
	jset(o, "day", jday(&p->date));
	if (as_json) {
		buf_adds(&b, "posts/");
		buf_adds(&b, sl->name);
		buf_adds(&b, ".html");
		jset(o, "path", jbuf(&b));
		buf_reset(&b);
		buf_adds(&b, "posts/");
		buf_adds(&b, sl->name);
		buf_adds(&b, ".json");
		jset(o, "json", jbuf(&b));
		jset(o, "source", jstr(p->src));
		for (t = 0; t < s->ntax; t++) {
			json_t *a = json_array();

			for (i = 0; i < p->nterms[t]; i++)
				json_array_append_new(a, jstr(p->terms[t][i]));
			jset(o, s->tax[t].field, a);
		}
		if (p->draft)
			jset(o, "draft", json_true());
		if (p->description)
			jset(o, "description", jstr(p->description));
	} else {
		/* a listing folder that holds the post's pages links to its
		 * own copy; others to the one in posts/ */
		if (c->type == CTX_POSTS || c->type == CTX_TERM ||
		    (c->type == CTX_DATE && c->level == 3) ||
		    (c->type == CTX_QUERY && c->query && !c->level)) {
			buf_add_urlpart(&b, sl->name, strlen(sl->name), 0);
			buf_adds(&b, ".html");
			jset(o, "url", jbuf(&b));
		} else {
			buf_adds(&b, "posts/");
			buf_add_urlpart(&b, sl->name, strlen(sl->name), 0);
			buf_adds(&b, ".html");
			jset(o, "url", jlink(root, b.data));
		}
		jset(o, "taxonomies", post_terms(s, sl, root, 0));
		if (p->draft)
			jset(o, "draft", json_true());
	}
	buf_free(&b);
	return o;
}

static int job_want_summary(struct job *j, struct slot *sl, json_t *dst)
{
	struct post **ps;
	json_t **ds;
	uint32_t *ids;
	uint64_t *vers;

	ps = realloc(j->sum, (j->nsum + 1) * sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	j->sum = ps;
	ds = realloc(j->sumdst, (j->nsum + 1) * sizeof(*ds));
	if (!ds)
		return -ENOMEM;
	j->sumdst = ds;
	ids = realloc(j->sum_id, (j->nsum + 1) * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	j->sum_id = ids;
	vers = realloc(j->sum_ver, (j->nsum + 1) * sizeof(*vers));
	if (!vers)
		return -ENOMEM;
	j->sum_ver = vers;
	ids[j->nsum] = sl->id;
	vers[j->nsum] = sl->ver;
	ps[j->nsum] = post_ref(sl->post);
	ds[j->nsum++] = dst;
	return 0;
}

/* Append name with its first letter in upper case when an ASCII one. */
static void buf_add_label(struct buf *t, const char *name)
{
	if (name[0] >= 'a' && name[0] <= 'z') {
		buf_addc(t, (char)(name[0] - 'a' + 'A'));
		name++;
	}
	buf_adds(t, name);
}

/* A listing's title: as its JSON gives it, or (human set) as its page's
 * heading shows it ("Tags", "Tag: AI", "May 2024"). */
static void ctx_title(struct site *s, const struct ctx *c, struct buf *t, int human)
{
	switch (c->type) {
	case CTX_ROOT:
		buf_adds(t, s->o.title);
		break;
	case CTX_POSTS:
		buf_adds(t, "All posts");
		break;
	case CTX_TAX:
		if (human)
			buf_add_label(t, s->tax[c->tax].field);
		else
			buf_adds(t, s->tax[c->tax].field);
		break;
	case CTX_TERM:
		if (human)
			buf_add_label(t, s->tax[c->tax].singular);
		else
			buf_adds(t, s->tax[c->tax].singular);
		buf_printf(t, ": %s", s->tax[c->tax].terms[c->term]->name);
		break;
	case CTX_DATE:
		if (c->level == 0)
			buf_adds(t, "Archive");
		else if (c->level == 1)
			buf_printf(t, "%04u", c->year);
		else if (c->level == 2 && human)
			buf_printf(t, "%s %04u", month_name(c->month), c->year);
		else if (c->level == 2)
			buf_printf(t, "%04u-%02u", c->year, c->month);
		else if (human)
			buf_printf(t, "%u %s %04u", c->day, month_name(c->month), c->year);
		else
			buf_printf(t, "%04u-%02u-%02u", c->year, c->month, c->day);
		break;
	case CTX_META:
		buf_adds(t, "Status");
		break;
	case CTX_QUERY: {
		struct query *q = c->query ? query_ensure(s, c->query) : NULL;
		unsigned k;

		if (!q) {
			buf_adds(t, "Queries");
		} else if (q->text) {
			buf_printf(t, "%s: %s", human ? "Query" : "query", q->text);
		} else {
			if (human)
				buf_add_label(t, s->tax[q->tax].singular);
			else
				buf_adds(t, s->tax[q->tax].singular);
			buf_adds(t, ": ");
			for (k = 0; k < q->nterms; k++) {
				const char *nm = s->tax[q->tax].terms[q->terms[k]]->name;

				buf_printf(t, "%s%s", k ? " + " : "", nm ? nm : "");
			}
		}
		break;
	}
	}
	buf_add(t, "", 0);
}

/* One sub-folder of a listing: {name, count, path} for its JSON, or
 * {name, label, count, url} for its page. */
static json_t *folder_item(struct site *s, const struct ctx *sub, const char *root,
			   int as_json, const char *name, json_t *label, size_t count)
{
	json_t *o = json_object();
	struct buf p = BUF_INIT;

	if (as_json) {
		ctx_path(s, &p, sub, P_RAW);
		jset(o, "path", jbuf(&p));
		json_decref(label);
	} else {
		ctx_path(s, &p, sub, P_IRI);
		buf_adds(&p, "index.html");
		jset(o, "url", jlink(root, p.data));
		jset(o, "label", label);
	}
	jset(o, "name", jstr(name));
	jset(o, "count", json_integer((json_int_t)count));
	buf_free(&p);
	return o;
}

static int term_key_cmp(const void *a, const void *b)
{
	return strcmp((*(struct term *const *)a)->key, (*(struct term *const *)b)->key);
}

/* The months of year y with posts, newest first. */
static json_t *year_months(struct site *s, unsigned y, const char *root, int as_json)
{
	json_t *a = json_array();
	struct ctx sub = { .type = CTX_DATE, .level = 2, .year = (uint16_t)y };
	struct monthb *mb;
	char tmp[8];
	unsigned m;

	for (m = 12; m >= 1; m--) {
		sub.month = (uint8_t)m;
		if (!(mb = ctx_month(s, &sub)))
			continue;
		snprintf(tmp, sizeof(tmp), "%02u", m);
		json_array_append_new(a, folder_item(s, &sub, root, as_json, tmp,
						     json_string(month_name(m)), mb->count));
	}
	return a;
}

/* Sub-folders a listing shows: terms with counts (by folder name, so the
 * listing is stable), years (each with its months on the archive's
 * page), months, days, and the root's taxonomies. */
/* A page that lists terms: a taxonomy's, or a "+" folder's. */
static int is_terms_page(const struct ctx *c)
{
	return c->type == CTX_TAX || (c->type == CTX_QUERY && c->query && c->level == 1);
}

/* The taxonomy of a page of terms. */
static unsigned terms_tax(struct site *s, const struct ctx *c)
{
	struct query *q;

	if (c->type == CTX_QUERY && (q = query_ensure(s, c->query)))
		return q->tax;
	return c->tax;
}

static json_t *ctx_folders(struct site *s, const struct ctx *c, int as_json)
{
	json_t *a = json_array(), *o, *label;
	struct ctx sub;
	struct buf rb = BUF_INIT;
	const char *root;
	char tmp[16];
	size_t n, i;
	unsigned k, t;

	root_rel(s, &rb, c);
	root = rb.data ? rb.data : "";
	if (c->type == CTX_QUERY && c->level == 1) {
		/* a "+" folder: the terms that can follow, with the number
		 * of posts each would leave */
		struct query *q = query_ensure(s, c->query);
		struct term **v;
		uint32_t *terms;

		if (!q || query_next_terms(s, q, &v, &n))
			goto out;
		terms = malloc((q->nterms + 1) * sizeof(*terms));
		if (!terms) {
			free(v);
			goto out;
		}
		memcpy(terms, q->terms, q->nterms * sizeof(*terms));
		for (i = 0; i < n; i++) {
			int err = 0;
			struct query *sq;

			terms[q->nterms] = v[i]->id;
			memset(&sub, 0, sizeof(sub));
			sub.type = CTX_QUERY;
			sub.query = query_for_terms(s, q->tax, terms, q->nterms + 1, &err);
			sq = sub.query ? query_ensure(s, sub.query) : NULL;
			if (!sq)
				continue;
			o = folder_item(s, &sub, root, as_json, v[i]->name, jstr(v[i]->name),
					sq->nres);
			json_array_append_new(a, o);
		}
		free(terms);
		free(v);
	} else if (c->type == CTX_TAX) {
		struct tax *x = &s->tax[c->tax];
		struct term **v = malloc((x->nterms ? x->nterms : 1) * sizeof(*v));

		if (!v)
			goto out;
		for (n = 0, k = 0; k < x->nterms; k++)
			if (x->terms[k]->members.n)
				v[n++] = x->terms[k];
		qsort(v, n, sizeof(*v), term_key_cmp);
		for (i = 0; i < n; i++) {
			json_t *sp = json_array();

			memset(&sub, 0, sizeof(sub));
			sub.type = CTX_TERM;
			sub.tax = c->tax;
			sub.term = v[i]->id;
			o = folder_item(s, &sub, root, as_json, v[i]->name, jstr(v[i]->name),
					v[i]->members.n);
			for (t = 0; t < v[i]->nsp; t++)
				json_array_append_new(sp, jstr(v[i]->sp[t].text));
			jset(o, "spellings", sp);
			json_array_append_new(a, o);
		}
		free(v);
	} else if (c->type == CTX_DATE && c->level == 0) {
		for (k = NODE_MAX_YEAR + 1; k-- > 0;) {
			if (!s->years[k] || !s->years[k]->count)
				continue;
			memset(&sub, 0, sizeof(sub));
			sub.type = CTX_DATE;
			sub.level = 1;
			sub.year = (uint16_t)k;
			snprintf(tmp, sizeof(tmp), "%04u", k);
			o = folder_item(s, &sub, root, as_json, tmp, json_string(tmp),
					s->years[k]->count);
			if (!as_json) {
				jset(o, "months", year_months(s, k, root, 0));
				jset(o, "has_months", json_true());
			}
			json_array_append_new(a, o);
		}
	} else if (c->type == CTX_DATE && c->level == 1) {
		json_decref(a);
		a = year_months(s, c->year, root, as_json);
	} else if (c->type == CTX_DATE && c->level == 2) {
		struct dayb *db;

		for (k = 31; k >= 1; k--) {
			sub = *c;
			sub.level = 3;
			sub.day = (uint8_t)k;
			if (!(db = ctx_day(s, &sub)))
				continue;
			snprintf(tmp, sizeof(tmp), "%u %.3s", k, month_name(c->month));
			label = json_string(tmp);
			snprintf(tmp, sizeof(tmp), "%02u", k);
			json_array_append_new(a, folder_item(s, &sub, root, as_json, tmp, label,
							     db->members.n));
		}
	} else if (c->type == CTX_ROOT) {
		for (t = 0; t < s->ntax; t++) {
			memset(&sub, 0, sizeof(sub));
			sub.type = CTX_TAX;
			sub.tax = (uint8_t)t;
			json_array_append_new(a, folder_item(s, &sub, root, as_json,
							     s->tax[t].field,
							     jlabel(s->tax[t].field),
							     s->tax[t].by_name.len));
		}
	}
out:
	buf_free(&rb);
	return a;
}

static json_t *neighbour(struct slot *sl)
{
	json_t *o = json_object();
	struct buf b = BUF_INIT;

	buf_add_urlpart(&b, sl->name, strlen(sl->name), 0);
	buf_adds(&b, ".html");
	jset(o, "title", jstr(sl->post->title));
	jset(o, "url", jbuf(&b));
	buf_free(&b);
	return o;
}

/* post.newer and post.older: the post's neighbours in the folder its
 * page is in (tree.c finds them, and counts them in the page's version). */
static void post_neighbours(struct site *s, struct slot *sl, const struct ctx *c, json_t *o)
{
	struct slot *a, *b;

	post_neighbours_of(s, c, sl, &a, &b);
	if (a)
		jset(o, "newer", neighbour(a));
	if (b)
		jset(o, "older", neighbour(b));
}

/* An absolute URL (with base_url) or a path relative to the root. */
static json_t *abs_url(struct site *s, const char *path)
{
	struct buf u = BUF_INIT;
	json_t *j;

	if (s->o.base_url) {
		buf_adds(&u, s->o.base_url);
		if (u.len && u.data[u.len - 1] != '/')
			buf_addc(&u, '/');
	}
	buf_adds(&u, path);
	j = jbuf(&u);
	buf_free(&u);
	return j;
}

/* An id for an Atom feed or entry: its absolute URL (url, percent-encoded)
 * with base_url, else a name-based UUID URN from its path, the same on
 * every mount. */
static json_t *atom_id(struct site *s, const char *path, const char *url)
{
	unsigned long long a = name_hash(path, strlen(path));
	unsigned long long b = a * 0x9E3779B97F4A7C15ULL ^ 0x5bd1e995ULL;
	char tmp[64];

	if (s->o.base_url)
		return abs_url(s, url);
	snprintf(tmp, sizeof(tmp), "urn:uuid:%08llx-%04llx-5%03llx-%04llx-%012llx",
		 a >> 32, (a >> 16) & 0xffff, a & 0xfff, (b >> 48 & 0x3fff) | 0x8000,
		 b & 0xffffffffffffULL);
	return json_string(tmp);
}

/* ---- view models ------------------------------------------------------------ */

static int view_post(struct site *s, const struct node *n, struct job *j)
{
	struct slot *sl = site_slot(s, n->post);
	struct post *p = sl->post;
	struct buf rb = BUF_INIT, b = BUF_INIT;
	json_t *v, *o;
	const char *root;
	unsigned i;

	j->post = post_ref(p);
	j->post_id = sl->id;
	j->post_ver = sl->ver;
	j->name = strdup(sl->name);
	if (!j->name)
		return -ENOMEM;
	if (n->ext == PE_MD) {
		j->kind = JK_SOURCE;
		return 0;
	}
	root_rel(s, &rb, &n->ctx);
	root = rb.data ? rb.data : "";
	if (n->ext == PE_JSON) {
		/* the post's JSON: everything known of it, and every field */
		json_error_t je;
		json_t *fm = json_loads(p->fm, 0, &je), *errs, *paths;

		j->kind = JK_POSTJSON;
		v = json_object();
		jset(v, "title", jstr(p->title));
		jset(v, "name", jstr(sl->name));
		jset(v, "slug", jstr(p->slug));
		jset(v, "date", jdate(&p->date));
		if (p->publish.set && pdate_cmp(&p->publish, &p->date))
			jset(v, "publishDate", jdate(&p->publish));
		if (p->lastmod.set)
			jset(v, "lastmod", jdate(&p->lastmod));
		if (p->expiry.set)
			jset(v, "expiryDate", jdate(&p->expiry));
		jset(v, "draft", json_boolean(p->draft));
		if (p->lang)
			jset(v, "lang", jstr(p->lang));
		if (p->description)
			jset(v, "description", jstr(p->description));
		for (i = 0; i < s->ntax; i++) {
			json_t *a = json_array();
			unsigned k;

			for (k = 0; k < p->nterms[i]; k++)
				json_array_append_new(a, jstr(p->terms[i][k]));
			jset(v, s->tax[i].field, a);
		}
		jset(v, "taxonomies", post_terms(s, sl, root, 1));
		jset(v, "source", jstr(p->src));
		paths = json_object();
		buf_printf(&b, "posts/%s.html", sl->name);
		jset(paths, "html", jbuf(&b));
		buf_reset(&b);
		buf_printf(&b, "posts/%s.json", sl->name);
		jset(paths, "json", jbuf(&b));
		buf_reset(&b);
		buf_printf(&b, "posts/%s.md", sl->name);
		jset(paths, "source", jbuf(&b));
		if (sl->day) {
			struct ctx dc;

			ctx_day_of(sl, &dc);
			buf_reset(&b);
			ctx_path(s, &b, &dc, P_RAW);
			buf_printf(&b, "%s.html", sl->name);
			jset(paths, "by_date", jbuf(&b));
		}
		jset(v, "paths", paths);
		errs = json_array();
		for (i = 0; i < p->nerrs; i++) {
			o = json_object();
			jset(o, "line", json_integer(p->errs[i].line));
			jset(o, "column", json_integer(p->errs[i].column));
			jset(o, "message", jstr(p->errs[i].msg));
			json_array_append_new(errs, o);
		}
		jset(v, "errors", errs);
		jset(v, "front_matter", fm ? fm : json_object());
		j->view = v;
		goto out;
	}
	j->kind = JK_TEMPLATE;
	j->tmpl = "post.html";
	j->root = strdup(root);
	if (!j->root)
		goto out;
	v = site_common(s, &n->ctx, root, p->title, "post");
	if (p->lang)
		jset(v, "lang", jstr(p->lang));
	jset(v, "breadcrumbs", breadcrumbs(s, &n->ctx, root, p->title));
	if (s->o.base_url) {
		buf_adds(&b, s->o.base_url);
		if (b.len && b.data[b.len - 1] != '/')
			buf_addc(&b, '/');
		buf_adds(&b, "posts/");
		buf_add_urlpart(&b, sl->name, strlen(sl->name), 1);
		buf_adds(&b, ".html");
		jset(v, "canonical", jbuf(&b));
	}
	o = json_object();
	jset(o, "title", jstr(p->title));
	jset(o, "date", jdate(&p->date));
	jset(o, "day", jday(&p->date));
	if (p->lastmod.set) {
		jset(o, "lastmod", jdate(&p->lastmod));
		jset(o, "lastmod_day", jday(&p->lastmod));
	}
	if (p->description)
		jset(o, "description", jstr(p->description));
	jset(o, "taxonomies", post_terms(s, sl, root, 0));
	jset(o, "related", related_links(s, sl, root));
	jset(o, "has_related", json_boolean(json_array_size(json_object_get(o, "related")) > 0));
	buf_reset(&b);
	buf_adds(&b, "posts/");
	buf_add_urlpart(&b, sl->name, strlen(sl->name), 0);
	buf_adds(&b, ".md");
	jset(o, "source_url", jlink(root, b.data));
	buf_reset(&b);
	buf_add_urlpart(&b, sl->name, strlen(sl->name), 0);
	buf_adds(&b, ".json");
	jset(o, "json_url", jbuf(&b));
	jset(o, "draft", json_boolean(p->draft));
	if (p->lang)
		jset(o, "lang", jstr(p->lang));
	{
		int any = 0;

		for (i = 0; i < s->ntax; i++)
			any |= sl->nmember_of[i] > 0;
		jset(o, "has_terms", json_boolean(any));
	}
	post_neighbours(s, sl, &n->ctx, o);
	jset(v, "post", o);
	j->view = v;
out:
	buf_free(&b);
	buf_free(&rb);
	return j->view ? 0 : -ENOMEM;
}

static void page_link(json_t *a, uint32_t k, uint32_t page, uint32_t last)
{
	json_t *o = json_object();
	char tmp[32];

	if (k == 1)
		snprintf(tmp, sizeof(tmp), "index.html");
	else
		snprintf(tmp, sizeof(tmp), "index-%u.html", k);
	jset(o, "number", json_integer(k));
	jset(o, "url", json_string(tmp));
	jset(o, "current", json_boolean(k == page));
	jset(o, "gap", json_false());
	jset(o, "first", json_boolean(k == 1));
	jset(o, "last", json_boolean(k == last));
	json_array_append_new(a, o);
}

/* Links to a listing's pages: the first, the last and the two on each
 * side of the current one, with a gap marker ({"gap": true}) where pages
 * are left out, so a page costs the same however many there are.  Sets
 * lst.prev and lst.next too. */
static json_t *page_links(json_t *lst, uint32_t page, uint32_t pages)
{
	json_t *a = json_array(), *gap;
	uint32_t k, lo = page > 3 ? page - 2 : 1, hi = page + 2 < pages ? page + 2 : pages;
	char tmp[32];

	if (page > 1) {
		if (page == 2)
			snprintf(tmp, sizeof(tmp), "index.html");
		else
			snprintf(tmp, sizeof(tmp), "index-%u.html", page - 1);
		jset(lst, "prev", json_string(tmp));
	}
	if (page < pages) {
		snprintf(tmp, sizeof(tmp), "index-%u.html", page + 1);
		jset(lst, "next", json_string(tmp));
	}
	if (lo > 1) {
		page_link(a, 1, page, pages);
		if (lo > 2) {
			gap = json_object();
			jset(gap, "gap", json_true());
			jset(gap, "current", json_false());
			json_array_append_new(a, gap);
		}
	}
	for (k = lo; k <= hi; k++)
		page_link(a, k, page, pages);
	if (hi < pages) {
		if (hi + 1 < pages) {
			gap = json_object();
			jset(gap, "gap", json_true());
			jset(gap, "current", json_false());
			json_array_append_new(a, gap);
		}
		page_link(a, pages, page, pages);
	}
	return a;
}

/* jansson writing straight into a buf */
static int dump_to_buf(const char *data, size_t n, void *b)
{
	buf_add(b, data, n);
	return buf_error(b);
}

/* The same, one level of an array deeper: every line but the first
 * indented by four more spaces.  A newline byte in jansson's output is
 * always one of its own (strings carry "\n"), so no text is touched. */
static int dump_nested(const char *data, size_t n, void *b)
{
	const char *nl;

	while (n && (nl = memchr(data, '\n', n))) {
		buf_add(b, data, (size_t)(nl - data) + 1);
		buf_adds(b, "    ");
		n -= (size_t)(nl - data) + 1;
		data = nl + 1;
	}
	buf_add(b, data, n);
	return buf_error(b);
}

/* A listing's JSON, written a post at a time into out: the document v
 * (every key but "posts"), then "posts" as its last key.  The bytes are
 * those json_dump of the whole document would give, but the tree of a
 * 10,000-post listing, four times the size of its text, is never built.
 * Returns 0, -ENOMEM, or -EIO if jansson's text of v has not the shape
 * expected. */
static int dump_listing(struct site *s, const struct ctx *c, const char *root,
			json_t *v, struct slot *const *mem, size_t n, struct buf *out)
{
	size_t i;

	if (json_dump_callback(v, dump_to_buf, out, JSON_INDENT(2)) || buf_error(out))
		return -ENOMEM;
	/* v has keys, so its text ends "\n}": open it again */
	if (out->len < 3 || memcmp(out->data + out->len - 2, "\n}", 2))
		return -EIO;
	out->len -= 2;
	buf_adds(out, ",\n  \"posts\": [");
	for (i = 0; i < n; i++) {
		json_t *it = post_item(s, mem[i], c, root, 1);
		int bad;

		buf_adds(out, i ? ",\n    " : "\n    ");
		bad = !it || json_dump_callback(it, dump_nested, out, JSON_INDENT(2));
		json_decref(it);
		if (bad)
			return -ENOMEM;
	}
	buf_adds(out, n ? "\n  ]\n}\n" : "]\n}\n");
	return buf_error(out);
}

static int view_listing(struct site *s, const struct node *n, struct job *j)
{
	const struct ctx *c = &n->ctx;
	struct buf rb = BUF_INIT, t = BUF_INIT, b = BUF_INIT;
	struct slot **mem = NULL;
	size_t nmem = 0, i, from = 0, to;
	json_t *v, *posts, *lst;
	const char *root;
	int as_json = n->file == LF_INDEX_JSON, ret = -ENOMEM;
	uint32_t pages = 1;

	root_rel(s, &rb, c);
	root = rb.data ? rb.data : "";
	ctx_title(s, c, &t, 0);
	/* the JSON lists every post; a page, only its own */
	if (as_json && !is_terms_page(c) && ctx_members(s, c, &mem, &nmem))
		goto out;
	if (!as_json && !is_terms_page(c))
		nmem = ctx_count(s, c);
	if (as_json) {
		j->kind = JK_JSON;
		v = json_object();
		jset(v, "title", jbuf(&t));
		jset(v, "path", (buf_reset(&b), ctx_path(s, &b, c, P_RAW), jbuf(&b)));
		if (c->type == CTX_TERM) {
			struct term *tm = ctx_term(s, c);
			json_t *sp = json_array();
			unsigned k;

			for (k = 0; k < tm->nsp; k++)
				json_array_append_new(sp, jstr(tm->sp[k].text));
			jset(v, "term", jstr(tm->name));
			jset(v, "spellings", sp);
		}
		if (is_terms_page(c) || c->type == CTX_DATE || c->type == CTX_ROOT)
			jset(v, is_terms_page(c) ? "terms" : c->type == CTX_ROOT ? "sections" :
				c->level == 0 ? "years" : c->level == 1 ? "months" : "days",
			     ctx_folders(s, c, 1));
		j->view = v;
		ret = 0;
		if (is_terms_page(c))
			goto out;
		jset(v, "count", json_integer((json_int_t)nmem));
		/* the root's JSON holds the newest page; others every post */
		to = c->type == CTX_ROOT && nmem > s->o.page_size ? s->o.page_size : nmem;
		ret = dump_listing(s, c, root, v, mem, to, &j->made);
		json_decref(v);
		j->view = NULL;
		goto out;
	}
	j->kind = JK_TEMPLATE;
	j->tmpl = c->type == CTX_ROOT ? "home.html" : is_terms_page(c) ? "terms.html" : "list.html";
	buf_reset(&t);
	ctx_title(s, c, &t, 1);
	v = site_common(s, c, root, t.data, c->type == CTX_ROOT ? "home" :
			is_terms_page(c) ? "terms" : c->type == CTX_DATE ? "archive" : "list");
	jset(v, "breadcrumbs", breadcrumbs(s, c, root, NULL));
	if (ctx_has_feed(c))
		jset(v, "feed", json_string("feed.xml"));
	if (s->o.base_url) {
		buf_reset(&b);
		ctx_path(s, &b, c, P_ASCII);
		if (n->page > 1)
			buf_printf(&b, "index-%u.html", n->page);
		else
			buf_adds(&b, "index.html");
		jset(v, "canonical", abs_url(s, b.data));
	}
	lst = json_object();
	jset(v, "list", lst);
	jset(lst, "title", jbuf(&t));
	jset(lst, "folders", ctx_folders(s, c, 0));
	buf_reset(&b);
	if (is_terms_page(c)) {
		/* a taxonomy's page counts its terms */
		size_t nt = json_array_size(json_object_get(lst, "folders"));
		unsigned tx = terms_tax(s, c);

		buf_printf(&b, "%zu %s", nt, nt == 1 ? s->tax[tx].singular : s->tax[tx].field);
		jset(lst, "count", json_integer((json_int_t)nt));
	} else {
		buf_printf(&b, "%zu post%s", nmem, nmem == 1 ? "" : "s");
		jset(lst, "count", json_integer((json_int_t)nmem));
	}
	jset(lst, "count_text", jbuf(&b));
	jset(lst, "has_folders", json_boolean(json_array_size(json_object_get(lst, "folders")) > 0));
	if (c->type == CTX_DATE && c->level == 0) {
		to = 0; /* the archive's page: years and months only */
	} else if (!ctx_paginates(c)) {
		to = nmem < s->o.page_size ? nmem : s->o.page_size;
	} else {
		pages = list_pages(s, nmem);
		from = (size_t)(n->page - 1) * s->o.page_size;
		to = from + s->o.page_size < nmem ? from + s->o.page_size : nmem;
	}
	posts = json_array();
	jset(lst, "posts", posts);
	if (to > from) {
		size_t got;

		if (ctx_members_range(s, c, from, to - from, &mem, &got))
			goto out_view;
		to = from + got;
	}
	for (i = from; i < to; i++) {
		json_t *it = post_item(s, mem[i - from], c, root, 0);

		json_array_append_new(posts, it);
		if (job_want_summary(j, mem[i - from], it))
			goto out_view;
	}
	jset(lst, "has_posts", json_boolean(to > from));
	jset(lst, "page", json_integer(n->page));
	jset(lst, "pages", json_integer(pages));
	jset(lst, "has_pages", json_boolean(pages > 1));
	if (pages > 1)
		jset(lst, "page_links", page_links(lst, n->page, pages));
	j->view = v;
	ret = 0;
	goto out;
out_view:
	json_decref(v);
out:
	free(mem);
	buf_free(&rb);
	buf_free(&t);
	buf_free(&b);
	return ret;
}

/* A link in a feed: absolute with base_url, else relative to the feed
 * (root is the way from the feed's folder to the mount's root). */
static json_t *feed_url(struct site *s, const char *root, const char *path)
{
	return s->o.base_url ? abs_url(s, path) : jlink(root, path);
}

/* feed.xml of the root or a term: the listing's newest page, with what
 * Atom (RFC 4287) needs. */
static void feed_extras(struct site *s, const struct node *n, json_t *v)
{
	json_t *posts = json_object_get(json_object_get(v, "list"), "posts"), *e;
	const char *root = json_string_value(json_object_get(v, "root"));
	struct listing *l = ctx_listing(s, &n->ctx);
	struct buf p = BUF_INIT, u = BUF_INIT;
	int enc = s->o.base_url ? P_ASCII : P_IRI;
	struct pdate d;
	size_t i;

	ctx_path(s, &p, &n->ctx, P_RAW);
	buf_adds(&p, "feed.xml");
	ctx_path(s, &u, &n->ctx, enc);
	buf_adds(&u, "feed.xml");
	jset(v, "feed_id", atom_id(s, p.data, u.data));
	jset(v, "feed_self", feed_url(s, root, u.data));
	buf_reset(&u);
	ctx_path(s, &u, &n->ctx, enc);
	buf_adds(&u, "index.html");
	jset(v, "feed_alternate", feed_url(s, root, u.data));
	buf_reset(&p);
	if (n->ctx.type == CTX_ROOT) {
		buf_adds(&p, s->o.title);
	} else {
		buf_printf(&p, "%s: ", s->o.title);
		ctx_title(s, &n->ctx, &p, 1);
	}
	jset(v, "feed_title", jbuf(&p));
	pdate_from_time(l->mtime_ns / 1000000000LL, 0, &d);
	jset(v, "feed_updated", jdate(&d));
	json_array_foreach(posts, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		struct slot *sl = name ? hmap_get(&s->by_name, name, strlen(name)) : NULL;

		if (!sl)
			continue;
		buf_reset(&p);
		buf_printf(&p, "posts/%s.html", sl->name);
		buf_reset(&u);
		buf_adds(&u, "posts/");
		buf_add_urlpart(&u, sl->name, strlen(sl->name), enc == P_ASCII);
		buf_adds(&u, ".html");
		jset(e, "id", atom_id(s, p.data, u.data));
		jset(e, "abs_url", feed_url(s, root, u.data));
		jset(e, "updated", jdate(sl->post->lastmod.set ? &sl->post->lastmod
							   : &sl->post->date));
	}
	buf_free(&p);
	buf_free(&u);
}

static void sitemap_add(json_t *urls, json_t *loc, int64_t mtime_ns)
{
	json_t *o = json_object();
	struct pdate d;
	struct buf b = BUF_INIT;

	pdate_from_time(mtime_ns / 1000000000LL, 0, &d);
	pdate_format(&b, &d);
	jset(o, "loc", loc);
	jset(o, "lastmod", jbuf(&b));
	json_array_append_new(urls, o);
	buf_free(&b);
}

/* sitemap.xml: every post's page in posts/ and every listing's first
 * page (the root, posts/, taxonomies and terms, by-date/ and each year,
 * month and day). */
static int view_sitemap(struct site *s, struct job *j)
{
	json_t *v = json_object(), *urls = json_array();
	struct buf u = BUF_INIT;
	size_t i;
	unsigned t, k, y, m, d;

	j->kind = JK_TEMPLATE;
	j->tmpl = "sitemap.xml";
	sitemap_add(urls, abs_url(s, "index.html"), s->l_all.mtime_ns);
	sitemap_add(urls, abs_url(s, "posts/index.html"), s->l_posts.mtime_ns);
	for (i = 0; i < s->all.n; i++) {
		struct slot *sl = s->all.v[i];

		buf_reset(&u);
		buf_adds(&u, "posts/");
		buf_add_urlpart(&u, sl->name, strlen(sl->name), 1);
		buf_adds(&u, ".html");
		sitemap_add(urls, abs_url(s, u.data), post_mtime_ns(sl->post));
	}
	for (t = 0; t < s->ntax; t++) {
		struct tax *x = &s->tax[t];

		buf_reset(&u);
		buf_printf(&u, "%s/index.html", x->dirname);
		sitemap_add(urls, abs_url(s, u.data), x->l.mtime_ns);
		for (k = 0; k < x->nterms; k++) {
			struct term *tm = x->terms[k];

			if (!tm->members.n)
				continue;
			buf_reset(&u);
			buf_printf(&u, "%s/", x->dirname);
			buf_add_urlpart(&u, tm->name, strlen(tm->name), 1);
			buf_adds(&u, "/index.html");
			sitemap_add(urls, abs_url(s, u.data), tm->l.mtime_ns);
		}
	}
	sitemap_add(urls, abs_url(s, "by-date/index.html"), s->l_dates.mtime_ns);
	for (y = NODE_MAX_YEAR + 1; y-- > 0;) {
		struct yearb *yb = s->years[y];

		if (!yb || !yb->count)
			continue;
		buf_reset(&u);
		buf_printf(&u, "by-date/%04u/index.html", y);
		sitemap_add(urls, abs_url(s, u.data), yb->l.mtime_ns);
		for (m = 12; m >= 1; m--) {
			struct monthb *mb = yb->months[m];

			if (!mb || !mb->count)
				continue;
			buf_reset(&u);
			buf_printf(&u, "by-date/%04u/%02u/index.html", y, m);
			sitemap_add(urls, abs_url(s, u.data), mb->l.mtime_ns);
			for (d = 31; d >= 1; d--) {
				struct dayb *db = mb->days[d];

				if (!db || !db->members.n)
					continue;
				buf_reset(&u);
				buf_printf(&u, "by-date/%04u/%02u/%02u/index.html", y, m, d);
				sitemap_add(urls, abs_url(s, u.data), db->l.mtime_ns);
			}
		}
	}
	jset(v, "urls", urls);
	jset(v, "absolute", json_boolean(s->o.base_url != NULL));
	j->view = v;
	buf_free(&u);
	return 0;
}

/* ---- rendering outside the lock ------------------------------------------- */

/* ---- a post's Markdown, rendered once per version --------------------------

 * A post's body comes out the same on every page that shows it but for
 * the way back to the root in links to its files, so it is rendered once
 * with a placeholder there (random per mount: no source can forge it),
 * and kept in the cache beside what the Markdown tells (toc, words,
 * summaries) under keys no inode has (class 15). */

struct mdfacts {
	struct blob *rec;            /* the record the fields point into (a
	                                reference), NULL when all are empty */
	size_t words;
	const char *more;            /* summary before <!--more-->, or NULL */
	const char *autos;           /* the first 70 words */
	const char *toc;             /* ntoc entries, as facts_pack wrote them */
	uint32_t ntoc;
};

static void mdfacts_free(struct mdfacts *f)
{
	blob_unref(f->rec);
	memset(f, 0, sizeof(*f));
}

/* The facts are kept as one flat record, read in place on every page
 * that shows the post (parsing them back from JSON cost more than the
 * rest of a listing):
 *   u64 words, u32 more_len (UINT32_MAX: no marker), u32 autos_len,
 *   u32 ntoc, more NUL, autos NUL,
 *   then per toc entry: u32 level, u32 text_len, u32 id_len, text NUL, id NUL.
 * Integers in the machine's order, unaligned (memcpy). */
static void rec_u32(struct buf *b, uint32_t v)
{
	buf_add(b, &v, sizeof(v));
}

static uint32_t rec_get_u32(const char **p)
{
	uint32_t v;

	memcpy(&v, *p, sizeof(v));
	*p += sizeof(v);
	return v;
}

static void rec_str(struct buf *b, const char *s, size_t n)
{
	buf_add(b, s, n);
	buf_addc(b, '\0');
}

static struct blob *facts_pack(const struct mdr_info *info)
{
	struct buf b = BUF_INIT;
	uint64_t words = info->words;
	const char *autos = info->summary_auto ? info->summary_auto : "";
	struct blob *rec = NULL;
	json_t *e;
	size_t i;

	buf_add(&b, &words, sizeof(words));
	rec_u32(&b, info->summary_more ? (uint32_t)strlen(info->summary_more) : UINT32_MAX);
	rec_u32(&b, (uint32_t)strlen(autos));
	rec_u32(&b, (uint32_t)json_array_size(info->toc));
	if (info->summary_more)
		rec_str(&b, info->summary_more, strlen(info->summary_more));
	rec_str(&b, autos, strlen(autos));
	json_array_foreach(info->toc, i, e) {
		json_t *text = json_object_get(e, "text"), *id = json_object_get(e, "id");

		rec_u32(&b, (uint32_t)json_integer_value(json_object_get(e, "level")));
		rec_u32(&b, (uint32_t)json_string_length(text));
		rec_u32(&b, (uint32_t)json_string_length(id));
		rec_str(&b, json_string_value(text), json_string_length(text));
		rec_str(&b, json_string_value(id), json_string_length(id));
	}
	if (!buf_error(&b))
		rec = blob_from(b.data, b.len, 0);
	buf_free(&b);
	return rec;
}

/* f's fields pointing into rec, which f now holds (the caller's
 * reference moves to f). */
static void facts_unpack(struct blob *rec, struct mdfacts *f)
{
	const char *p = rec->data;
	uint64_t words;
	uint32_t more_len, autos_len;

	memcpy(&words, p, sizeof(words));
	p += sizeof(words);
	more_len = rec_get_u32(&p);
	autos_len = rec_get_u32(&p);
	f->ntoc = rec_get_u32(&p);
	f->words = (size_t)words;
	f->more = NULL;
	if (more_len != UINT32_MAX) {
		f->more = p;
		p += more_len + 1;
	}
	f->autos = p;
	p += autos_len + 1;
	f->toc = p;
	f->rec = rec;
}

/* The table of contents as the views give it: an array of
 * {"level", "text", "id"}, with "depth" (the level below the highest
 * heading's, for indenting a flat list) when with_depth. */
static json_t *facts_toc(const struct mdfacts *f, int with_depth)
{
	json_t *toc = json_array();
	const char *p = f->toc;
	uint32_t i, top = 6;

	for (i = 0; i < f->ntoc; i++) {
		uint32_t level = rec_get_u32(&p), tl = rec_get_u32(&p), il = rec_get_u32(&p);
		json_t *e = json_object();

		if (level < top)
			top = level;
		jset(e, "level", json_integer(level));
		jset(e, "text", json_stringn_nocheck(p, tl));
		jset(e, "id", json_stringn_nocheck(p + tl + 1, il));
		json_array_append_new(toc, e);
		p += tl + il + 2;
	}
	if (with_depth) {
		json_t *e;
		size_t k;

		json_array_foreach(toc, k, e)
			jset(e, "depth", json_integer(json_integer_value(
					json_object_get(e, "level")) - top));
	}
	return toc;
}

static uint64_t body_key(uint32_t id, int what)
{
	return (15ULL << 60) | ((uint64_t)what << 56) | id;
}

struct rwctx {
	struct site *s;
	const struct post *p;
	const char *name;
};

static int rewrite_url(void *ctx, const char *u, size_t n, struct buf *out)
{
	struct rwctx *c = ctx;

	return res_rewrite(c->p, c->name, c->s->root_token, u, n, out);
}

/* The facts of post p (slot id at version ver), and with html not NULL
 * its body's HTML (with the root placeholder), from the cache or made
 * now and kept. */
static int post_body(struct site *s, struct post *p, uint32_t id, uint64_t ver,
		     const char *name, int strict, struct blob **html, struct mdfacts *f)
{
	struct mdr_opts mo = { 0 };
	struct mdr_info info;
	struct buf out = BUF_INIT;
	struct rwctx rc = { s, p, name };
	struct blob *fb, *hb = NULL;
	char *body;
	size_t len;
	int changed, ret, have_facts = 0;

	memset(f, 0, sizeof(*f));
	fb = cache_get(s->facts, body_key(id, 2), ver);
	if (html)
		hb = *html = cache_get(s->bodies, body_key(id, 1), ver);
	if (fb) {
		facts_unpack(fb, f);
		if (!html || hb)
			return 0;
		have_facts = 1; /* only the HTML is to be made */
	}
	blob_unref(hb);
	if (html)
		*html = NULL;

	ret = post_read_body(s->srcfd, p, &s->cfg, &body, &len, &changed);
	if (ret) {
		mdfacts_free(f);
		return ret;
	}
	if (changed && strict) {
		/* The source is no longer the one this version of the post
		 * was made from: its bytes would not be the ones its size
		 * was given for.  Have the updater catch up, and the kernel
		 * look the name up again. */
		free(body);
		mdfacts_free(f);
		site_nudge_wait(s, p->src);
		return -ESTALE;
	}
	if (changed) {
		/* this render gives the size: the source as it is now will
		 * do, and the updater is told so it catches up at once */
		site_nudge(s, p->src);
		ver = 0; /* and nothing is kept under this version's name */
	}
	mo.flags = (s->o.unsafe ? MDR_UNSAFE : 0) | (html && name ? 0 : MDR_NO_HTML);
	mo.summary_words = 70;
	if (html && name) {
		mo.rewrite = rewrite_url;
		mo.rewrite_ctx = &rc;
	}
	memset(&info, 0, sizeof(info));
	ret = mdr_render(body, len, &mo, html ? &out : NULL, have_facts ? NULL : &info);
	free(body);
	if (ret)
		goto out;
	if (have_facts)
		goto keep_html;
	fb = facts_pack(&info);
	if (!fb) {
		ret = -ENOMEM;
		goto out;
	}
	if (ver)
		cache_put(s->facts, body_key(id, 2), ver, fb);
	facts_unpack(fb, f);
keep_html:
	if (html) {
		/* made page-ready once: valid UTF-8 with nothing HTML does not
		 * allow, so that each page takes it as it is */
		struct buf clean = BUF_INIT;
		char *mem;
		size_t n;

		if (!utf8_valid(out.data ? out.data : "", out.len)) {
			utf8_repair(&clean, out.data, out.len);
			buf_free(&out);
			out = clean;
			clean = (struct buf)BUF_INIT;
		}
		if (drop_bad(out.data ? out.data : "", out.len, &clean)) {
			buf_free(&out);
			out = clean;
		}
		ret = buf_error(&out);
		if (ret)
			goto out;
		mem = buf_detach(&out, &n);
		*html = blob_adopt(mem, n, 0);
		if (!*html)
			ret = -ENOMEM;
		else if (ver)
			cache_put(s->bodies, body_key(id, 1), ver, *html);
	}
out:
	mdr_info_free(&info);
	buf_free(&out);
	if (ret)
		mdfacts_free(f);
	return ret;
}

/* Append html with the root placeholder replaced by root. */
static void add_rooted(struct site *s, struct buf *out, const char *html, size_t n,
		       const char *root)
{
	size_t tl = strlen(s->root_token);
	const char *p = html, *end = html + n, *hit;

	while ((hit = memmem(p, (size_t)(end - p), s->root_token, tl))) {
		buf_add(out, p, (size_t)(hit - p));
		buf_adds(out, root);
		p = hit + tl;
	}
	buf_add(out, p, (size_t)(end - p));
}

/* The summary a listing or feed shows: the text before <!--more-->,
 * else the summary or description field, else the first 70 words. */
static json_t *summary_of(struct post *p, struct mdfacts *f)
{
	if (f && f->more)
		return jstr(f->more);
	if (p->summary)
		return jstr(p->summary);
	if (p->description)
		return jstr(p->description);
	return jstr(f && f->autos ? f->autos : "");
}

static int render_view(struct job *j, struct buf *out)
{
	int ret = view_clean(j->view, 0);

	return ret ? ret : theme_render(j->theme, j->tmpl, j->view, out);
}

static int finish_post(struct site *s, struct job *j, struct buf *out)
{
	struct buf html = BUF_INIT;
	struct blob *hb = NULL;
	struct mdfacts info;
	json_t *o = json_object_get(j->view, "post");
	int ret, want_html = j->kind == JK_TEMPLATE;

	ret = post_body(s, j->post, j->post_id, j->post_ver, j->name, j->strict,
			want_html ? &hb : NULL, &info);
	if (ret) {
		/* gone or changed under the render: the updater is on its way */
		if (ret == -ENOENT || ret == -ESTALE)
			log_debug("%s: cannot read: %s", j->post->src, strerror(-ret));
		else
			log_warn("%s: cannot read: %s", j->post->src, strerror(-ret));
		return ret;
	}
	if (hb) {
		add_rooted(s, &html, hb->data, hb->len, j->root ? j->root : "");
		blob_unref(hb);
	}
	if (!want_html)
		o = j->view;
	jset(o, "summary", summary_of(j->post, &info));
	jset(o, "word_count", json_integer((json_int_t)info.words));
	jset(o, "reading_time", json_integer(mdr_reading_minutes(info.words)));
	if (want_html) {
		jset(o, "toc", facts_toc(&info, 1));
		jset(o, "has_toc", json_boolean(info.ntoc > 1));
		jset(j->view, "description", j->post->description ? jstr(j->post->description)
								  : json_incref(json_object_get(o, "summary")));
	} else {
		jset(o, "toc", facts_toc(&info, 0));
	}
	mdfacts_free(&info);
	if (want_html) {
		/* the body went in clean (post_body): only the rest is looked
		 * over, and the body is taken as it is */
		ret = view_clean(j->view, 0);
		if (!ret)
			ret = buf_error(&html);
		if (!ret)
			jset(o, "content", json_stringn_nocheck(html.data ? html.data : "", html.len));
		buf_free(&html);
		return ret ? ret : theme_render(j->theme, j->tmpl, j->view, out);
	}
	buf_free(&html);
	return 0;
}

static int finish(struct site *s, struct job *j, struct buf *out)
{
	size_t i;
	int ret = 0;

	switch (j->kind) {
	case JK_SOURCE: {
		char *data;
		size_t len;

		int changed = 0;

		ret = post_read_source(s->srcfd, j->post, &s->cfg, &data, &len, &changed);
		if (ret)
			return ret;
		if (changed && j->strict) {
			free(data);
			site_nudge_wait(s, j->post->src);
			return -ESTALE;
		}
		if (changed)
			site_nudge(s, j->post->src);
		buf_add(out, data, len);
		free(data);
		return buf_error(out);
	}
	case JK_POSTJSON:
		ret = finish_post(s, j, out);
		break;
	case JK_TEMPLATE:
		if (j->post)
			return finish_post(s, j, out);
		for (i = 0; i < j->nsum; i++) {
			struct mdfacts info;

			ret = post_body(s, j->sum[i], j->sum_id[i], j->sum_ver[i], NULL, j->strict,
					NULL, &info);
			/* a member changed under a listing whose size was given:
			 * these would not be its bytes */
			if (ret == -ESTALE)
				return ret;
			if (ret)
				memset(&info, 0, sizeof(info));
			jset(j->sumdst[i], "summary", summary_of(j->sum[i], &info));
			jset(j->sumdst[i], "word_count", json_integer((json_int_t)info.words));
			jset(j->sumdst[i], "reading_time",
			     json_integer(mdr_reading_minutes(info.words)));
			mdfacts_free(&info);
		}
		return render_view(j, out);
	case JK_JSON:
		if (j->view)
			break;
		/* made already: handed over as they are */
		buf_free(out);
		*out = j->made;
		j->made = (struct buf)BUF_INIT;
		return buf_error(out);
	}
	if (ret)
		return ret;
	/* JSON files: indented for people, one trailing newline */
	if (json_dump_callback(j->view, dump_to_buf, out, JSON_INDENT(2)))
		return -ENOMEM;
	buf_addc(out, '\n');
	return buf_error(out);
}

static void job_free(struct job *j)
{
	size_t i;

	if (j->post)
		post_unref(j->post);
	free(j->name);
	free(j->root);
	for (i = 0; i < j->nsum; i++)
		post_unref(j->sum[i]);
	free(j->sum);
	free(j->sumdst);
	free(j->sum_id);
	free(j->sum_ver);
	json_decref(j->view);
	buf_free(&j->made);
	if (j->theme)
		theme_unref(j->theme);
}


int view_render(struct site *s, const struct node *n, uint64_t ver,
		int64_t mtime_ns, int strict, struct blob **out)
{
	struct job j;
	struct buf b = BUF_INIT;
	uint64_t ino = node_ino(n), skey = 0, sver = 0;
	size_t len;
	char *mem;
	int ret;

	memset(&j, 0, sizeof(j));
	j.strict = strict;
	*out = NULL;
	if (n->cls == NC_POSTFILE && n->ext != PE_HTML) {
		/* a post's JSON and source are the same in every folder that
		 * holds them: made once per version of the post, and shared */
		struct slot *sl = site_slot(s, n->post);

		skey = body_key(sl->id, 2 + n->ext);
		sver = sl->ver;
		*out = cache_get(s->cache, skey, sver);
		if (*out) {
			pthread_rwlock_unlock(&s->lock);
			/* under its own name too (the bytes are shared): a reader
			 * of this inode finds them after the post has moved on */
			cache_put(s->cache, ino, ver, *out);
			return 0;
		}
	}
	j.theme = theme_ref(s->theme);
	j.unsafe = s->o.unsafe;
	if (n->cls == NC_POSTFILE) {
		ret = view_post(s, n, &j);
	} else if (n->file == LF_STYLE) {
		j.kind = JK_STATIC;
		ret = 0;
	} else if (n->file == LF_FEED) {
		/* a feed is the listing's first page, in Atom */
		struct node first = *n;

		first.file = LF_INDEX_HTML;
		first.page = 1;
		ret = view_listing(s, &first, &j);
		if (!ret) {
			j.tmpl = "feed.xml";
			feed_extras(s, n, j.view);
		}
	} else if (n->file == LF_SITEMAP) {
		ret = view_sitemap(s, &j);
	} else {
		ret = view_listing(s, n, &j);
	}
	pthread_rwlock_unlock(&s->lock);
	if (ret)
		goto out;
	if (j.kind == JK_STATIC) {
		const char *css = theme_static(j.theme, "style.css", &len);

		buf_add(&b, css ? css : "", css ? len : 0);
		ret = buf_error(&b);
	} else {
		ret = finish(s, &j, &b);
	}
	if (ret)
		goto out;
	mem = buf_detach(&b, &len);
	*out = blob_adopt(mem, len, mtime_ns);
	if (!*out) {
		ret = -ENOMEM;
		goto out;
	}
	if (skey)
		cache_put(s->cache, skey, sver, *out);
	cache_put(s->cache, ino, ver, *out);
	/* Renders free as much as they take, in pieces of every size, on
	 * several threads' heaps: the free space left between what the
	 * cache keeps goes back to the system now and then, or the daemon
	 * holds half again its bound (glibc does not give back the middle
	 * of a heap by itself). */
	if (atomic_fetch_add_explicit(&s->renders, 1, memory_order_relaxed) % 256 == 255)
		malloc_trim(0);
out:
	if (ret && ret != -ENOMEM && ret != -ENOENT && ret != -ESTALE)
		ret = -EIO;
	job_free(&j);
	buf_free(&b);
	return ret;
}
