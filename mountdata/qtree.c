/* qtree.c — queries as folders: query/TEXT/ and the "+" folders of
 * terms (by-tag/AI/+/Tech/: posts tagged both).
 *
 * A "+" folder lists only the terms that share a post with the folder's
 * posts and sort after its last term, so walking the tree (find, ls -R)
 * meets each combination once and ends; a lookup in any order works,
 * and is its own folder (the same posts under another path).
 */
#include "site_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "query.h"

/* Queries kept besides those the kernel holds, and posts held in all
 * results together; past them the least recently used are dropped. */
#define QKEEP      1024
#define QNEXT_DEPTH 2
#define QRES_MAX   (4u << 20)

void qtree_free(struct site *s)
{
	uint32_t i;

	for (i = 0; i < s->nqueries; i++) {
		struct query *q = s->queries[i];

		if (!q)
			continue;
		free(q->key);
		free(q->text);
		qexpr_free(q->expr);
		free(q->terms);
		free(q->res);
		free(q);
	}
	free(s->queries);
	hmap_free(&s->q_by_key);
}

static void query_drop(struct site *s, struct query *q)
{
	hmap_del(&s->q_by_key, q->key, strlen(q->key));
	s->queries[q->id - 1] = NULL;
	s->qres_total -= q->nres;
	s->qlive--;
	free(q->key);
	free(q->text);
	qexpr_free(q->expr);
	free(q->terms);
	free(q->res);
	free(q);
}

/* Keep the table bounded: drop the least recently used queries the
 * kernel does not hold, and results of others past the bound on posts.
 * Caller holds qlock. */
static void query_trim(struct site *s)
{
	while (s->qlive > QKEEP || s->qres_total > QRES_MAX) {
		struct query *old = NULL;
		uint32_t i;

		for (i = 0; i < s->nqueries; i++) {
			struct query *q = s->queries[i];

			if (q && (!old || q->used < old->used) &&
			    (q->nlookup == 0 || (s->qres_total > QRES_MAX && q->res)))
				old = q;
		}
		if (!old)
			return;
		if (old->nlookup == 0) {
			query_drop(s, old);
		} else {
			/* held by the kernel: keep it, recompute later */
			s->qres_total -= old->nres;
			free(old->res);
			old->res = NULL;
			old->nres = 0;
			old->clock = 0;
		}
	}
}

static uint32_t query_add(struct site *s, const char *key, struct query *q, int *err)
{
	struct query *have;
	uint32_t id;

	pthread_mutex_lock(&s->qlock);
	have = hmap_get(&s->q_by_key, key, strlen(key));
	if (have) {
		have->used = ++s->qclock;
		id = have->id;
		pthread_mutex_unlock(&s->qlock);
		free(q->text);
		qexpr_free(q->expr);
		free(q->terms);
		free(q);
		return id;
	}
	query_trim(s);
	for (id = 1; id <= s->nqueries && s->queries[id - 1]; id++)
		;
	if (id > NODE_MAX_QUERY)
		goto nomem;
	if (id > s->capq) {
		uint32_t cap = s->capq ? s->capq * 2 : 64;
		struct query **v = realloc(s->queries, cap * sizeof(*v));

		if (!v)
			goto nomem;
		memset(v + s->capq, 0, (cap - s->capq) * sizeof(*v));
		s->queries = v;
		s->capq = cap;
	}
	q->key = strdup(key);
	if (!q->key || hmap_put(&s->q_by_key, q->key, strlen(q->key), q))
		goto nomem;
	q->id = id;
	q->used = ++s->qclock;
	q->l.ver = ++s->qclock;
	s->queries[id - 1] = q;
	if (id > s->nqueries)
		s->nqueries = id;
	s->qlive++;
	pthread_mutex_unlock(&s->qlock);
	return id;
nomem:
	pthread_mutex_unlock(&s->qlock);
	free(q->key);
	free(q->text);
	qexpr_free(q->expr);
	free(q->terms);
	free(q);
	*err = -ENOMEM;
	return 0;
}

uint32_t query_for_text(struct site *s, const char *text, int *err)
{
	struct qenv env;
	struct pf_error pe;
	struct query *q;
	char *key;
	unsigned t;
	uint32_t id;
	int ret;

	memset(&env, 0, sizeof(env));
	env.ntax = s->ntax;
	for (t = 0; t < s->ntax; t++) {
		env.tax_singular[t] = s->tax[t].singular;
		env.tax_field[t] = s->tax[t].field;
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		*err = -ENOMEM;
		return 0;
	}
	ret = query_parse(text, strlen(text), &env, &q->expr, &pe);
	if (ret) {
		if (ret == -EINVAL)
			log_info("query/%s: not a query: column %d: %s", text, pe.column, pe.msg);
		free(q);
		*err = ret;
		return 0;
	}
	q->text = strdup(text);
	if (!q->text || asprintf(&key, "q:%s", text) < 0) {
		qexpr_free(q->expr);
		free(q->text);
		free(q);
		*err = -ENOMEM;
		return 0;
	}
	id = query_add(s, key, q, err);
	free(key);
	return id;
}

uint32_t query_for_terms(struct site *s, unsigned tax, const uint32_t *terms,
			 unsigned n, int *err)
{
	struct query *q = calloc(1, sizeof(*q));
	struct buf k = BUF_INIT;
	uint32_t id;
	unsigned i;

	if (!q || !(q->terms = malloc(n * sizeof(*terms)))) {
		free(q);
		*err = -ENOMEM;
		return 0;
	}
	memcpy(q->terms, terms, n * sizeof(*terms));
	q->nterms = n;
	q->tax = (uint8_t)tax;
	buf_printf(&k, "+%u", tax);
	for (i = 0; i < n; i++)
		buf_printf(&k, ":%u", terms[i]);
	buf_add(&k, "", 0);
	if (k.oom) {
		free(q->terms);
		free(q);
		*err = -ENOMEM;
		return 0;
	}
	id = query_add(s, k.data, q, err);
	buf_free(&k);
	return id;
}

struct hasctx {
	struct site *s;
	struct slot *sl;
};

static int has_term(void *ctx, unsigned tax, const char *key)
{
	struct hasctx *h = ctx;
	unsigned i;

	for (i = 0; i < h->sl->nmember_of[tax]; i++)
		if (!strcmp(h->sl->member_of[tax][i]->key, key))
			return 1;
	return 0;
}

static int slot_has_term(struct slot *sl, unsigned tax, uint32_t term)
{
	unsigned i;

	for (i = 0; i < sl->nmember_of[tax]; i++)
		if (sl->member_of[tax][i]->id == term)
			return 1;
	return 0;
}

/* Compute q's result from the model.  Caller holds lock and qlock. */
static int query_compute(struct site *s, struct query *q)
{
	struct slot **src, **res;
	size_t nsrc, n = 0, i;
	uint64_t sig = 14695981039346656037ULL;
	int64_t mt = 0;
	unsigned k;

	if (q->expr) {
		src = s->all.v;
		nsrc = s->all.n;
	} else {
		/* walk the smallest of the terms' posts */
		struct term *small = NULL;

		for (k = 0; k < q->nterms; k++) {
			struct term *t = q->terms[k] < s->tax[q->tax].nterms ?
					 s->tax[q->tax].terms[q->terms[k]] : NULL;

			if (!t)
				return -ENOENT;
			if (!small || t->members.n < small->members.n)
				small = t;
		}
		src = small ? small->members.v : NULL;
		nsrc = small ? small->members.n : 0;
	}
	res = malloc((nsrc ? nsrc : 1) * sizeof(*res));
	if (!res)
		return -ENOMEM;
	for (i = 0; i < nsrc; i++) {
		struct slot *sl = src[i];
		int hit = 1;

		if (q->expr) {
			struct hasctx h = { s, sl };

			hit = query_match(q->expr, sl->post, has_term, &h);
		} else {
			for (k = 0; k < q->nterms && hit; k++)
				hit = slot_has_term(sl, q->tax, q->terms[k]);
		}
		if (!hit)
			continue;
		res[n++] = sl;
		sig = (sig ^ sl->id) * 1099511628211ULL;
		sig = (sig ^ (sl->ver & 0xffffffffu)) * 1099511628211ULL;
		if (post_visible_since(sl->post, s->o.future) > mt)
			mt = post_visible_since(sl->post, s->o.future);
	}
	if (q->clock && sig != q->sig) {
		/* it changed since last asked: as of the last change */
		q->l.gen++;
		q->l.ver = ++s->qclock;
		if (s->l_all.mtime_ns > mt)
			mt = s->l_all.mtime_ns;
	}
	if (mt > q->l.mtime_ns)
		q->l.mtime_ns = mt;
	s->qres_total -= q->nres;
	free(q->res);
	q->res = res;
	q->nres = n;
	s->qres_total += n;
	q->sig = sig;
	q->clock = s->clock;
	return 0;
}

struct query *query_ensure(struct site *s, uint32_t id)
{
	struct query *q;

	pthread_mutex_lock(&s->qlock);
	q = id >= 1 && id <= s->nqueries ? s->queries[id - 1] : NULL;
	if (q) {
		q->used = ++s->qclock;
		if (q->clock != s->clock && query_compute(s, q))
			q = NULL;
	}
	pthread_mutex_unlock(&s->qlock);
	return q;
}

int query_has(struct site *s, uint32_t id, struct slot *sl)
{
	struct query *q = query_ensure(s, id);
	size_t lo = 0, hi;

	if (!q || !sl->visible)
		return 0;
	hi = q->nres;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (slot_cmp(q->res[mid], sl) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < q->nres && q->res[lo] == sl;
}

void query_hold(struct site *s, uint32_t id, uint64_t n)
{
	pthread_mutex_lock(&s->qlock);
	if (id >= 1 && id <= s->nqueries && s->queries[id - 1])
		s->queries[id - 1]->nlookup += n;
	pthread_mutex_unlock(&s->qlock);
}

void query_forget(struct site *s, uint32_t id, uint64_t n)
{
	struct query *q;

	pthread_mutex_lock(&s->qlock);
	q = id >= 1 && id <= s->nqueries ? s->queries[id - 1] : NULL;
	if (q)
		q->nlookup = q->nlookup > n ? q->nlookup - n : 0;
	pthread_mutex_unlock(&s->qlock);
}

static int term_key_cmp(const void *a, const void *b)
{
	return strcmp((*(struct term *const *)a)->key, (*(struct term *const *)b)->key);
}

int query_next_terms(struct site *s, struct query *q, struct term ***out, size_t *n)
{
	struct tax *x = &s->tax[q->tax];
	const char *last = NULL;
	struct term **v;
	uint32_t *count;
	size_t i, k = 0;
	unsigned t, j;

	*out = NULL;
	*n = 0;
	/* Only terms that narrow the folder down to a smaller group of at
	 * least two posts are offered, at most QNEXT_DEPTH deep: a post with
	 * many tags would otherwise spawn a folder per subset of them. */
	if (q->expr || q->nterms >= QNEXT_DEPTH)
		return 0;
	for (j = 0; j < q->nterms; j++) {
		const char *key = x->terms[q->terms[j]]->key;

		if (!last || strcmp(key, last) > 0)
			last = key;
	}
	count = calloc(x->nterms ? x->nterms : 1, sizeof(*count));
	v = malloc((x->nterms ? x->nterms : 1) * sizeof(*v));
	if (!count || !v) {
		free(count);
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < q->nres; i++) {
		struct slot *sl = q->res[i];

		for (t = 0; t < sl->nmember_of[q->tax]; t++) {
			struct term *tm = sl->member_of[q->tax][t];

			if (last && strcmp(tm->key, last) <= 0)
				continue;
			if (count[tm->id]++ == 1)
				v[k++] = tm; /* seen twice: a group of two at least */
		}
	}
	for (j = 0; j < q->nterms; j++)
		count[q->terms[j]] = 0;
	for (i = 0, j = 0; i < k; i++)
		if (count[v[i]->id] >= 2 && count[v[i]->id] < q->nres)
			v[j++] = v[i];
	k = j;
	free(count);
	qsort(v, k, sizeof(*v), term_key_cmp);
	*out = v;
	*n = k;
	return 0;
}

void query_each_live(struct site *s, void (*fn)(struct site *s, struct query *q, void *ctx),
		     void *ctx)
{
	uint32_t i;

	pthread_mutex_lock(&s->qlock);
	for (i = 0; i < s->nqueries; i++)
		if (s->queries[i] && s->queries[i]->nlookup)
			fn(s, s->queries[i], ctx);
	pthread_mutex_unlock(&s->qlock);
}
