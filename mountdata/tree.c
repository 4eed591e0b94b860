/* tree.c — the virtual tree: which names a folder holds, what node a
 * name is, and the attributes of a node, all derived from the indexes
 * under the read lock. */
#include "site_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"

static uint64_t mix(uint64_t a, uint64_t b)
{
	a ^= b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2);
	a ^= a >> 31;
	a *= 0xbf58476d1ce4e5b9ULL;
	a ^= a >> 29;
	return a | 1;
}

uint32_t list_pages(const struct site *s, size_t n)
{
	size_t p = (n + s->o.page_size - 1) / s->o.page_size;

	if (p < 1)
		p = 1;
	return p > NODE_MAX_PAGE ? NODE_MAX_PAGE : (uint32_t)p;
}

struct term *ctx_term(struct site *s, const struct ctx *c)
{
	struct term *tm;

	if (c->type != CTX_TERM || c->tax >= s->ntax || c->term >= s->tax[c->tax].nterms)
		return NULL;
	tm = s->tax[c->tax].terms[c->term];
	return tm->members.n ? tm : NULL;
}

struct yearb *ctx_year(struct site *s, const struct ctx *c)
{
	struct yearb *yb;

	if (c->type != CTX_DATE || c->level < 1 || c->year > NODE_MAX_YEAR)
		return NULL;
	yb = s->years[c->year];
	return yb && yb->count ? yb : NULL;
}

struct monthb *ctx_month(struct site *s, const struct ctx *c)
{
	struct yearb *yb = ctx_year(s, c);
	struct monthb *mb;

	if (!yb || c->level < 2 || c->month < 1 || c->month > 12)
		return NULL;
	mb = yb->months[c->month];
	return mb && mb->count ? mb : NULL;
}

struct dayb *ctx_day(struct site *s, const struct ctx *c)
{
	struct monthb *mb = ctx_month(s, c);
	struct dayb *db;

	if (!mb || c->level < 3 || c->day < 1 || c->day > 31)
		return NULL;
	db = mb->days[c->day];
	return db && db->members.n ? db : NULL;
}

/* The listing of a context, or NULL when the context does not exist. */
struct listing *ctx_listing(struct site *s, const struct ctx *c)
{
	struct term *tm;
	struct yearb *yb;
	struct monthb *mb;
	struct dayb *db;

	struct query *q;

	switch (c->type) {
	case CTX_ROOT:
		return &s->l_all;
	case CTX_POSTS:
		return &s->l_posts;
	case CTX_META:
		return &s->l_all;
	case CTX_QUERY:
		if (!c->query)
			return c->level ? NULL : &s->l_qroot;
		q = query_ensure(s, c->query);
		if (!q || (c->level && !q->terms) || c->level > 1)
			return NULL;
		/* an intersection with no post is no folder; a query with
		 * no answer is an empty one */
		return q->terms && !q->nres ? NULL : &q->l;
	case CTX_TAX:
		return c->tax < s->ntax ? &s->tax[c->tax].l : NULL;
	case CTX_TERM:
		tm = ctx_term(s, c);
		return tm ? &tm->l : NULL;
	case CTX_DATE:
		switch (c->level) {
		case 0:
			return &s->l_dates;
		case 1:
			yb = ctx_year(s, c);
			return yb ? &yb->l : NULL;
		case 2:
			mb = ctx_month(s, c);
			return mb ? &mb->l : NULL;
		default:
			db = ctx_day(s, c);
			return db ? &db->l : NULL;
		}
	}
	return NULL;
}

/* How many posts a listing context holds. */
size_t ctx_count(struct site *s, const struct ctx *c)
{
	struct term *tm;
	struct yearb *yb;
	struct monthb *mb;
	struct dayb *db;
	struct query *q;

	switch (c->type) {
	case CTX_ROOT:
	case CTX_POSTS:
		return s->all.n;
	case CTX_QUERY:
		return c->query && !c->level && (q = query_ensure(s, c->query)) ? q->nres : 0;
	case CTX_TERM:
		tm = ctx_term(s, c);
		return tm ? tm->members.n : 0;
	case CTX_DATE:
		if (c->level == 0)
			return s->all.n;
		if (c->level == 1)
			return (yb = ctx_year(s, c)) ? yb->count : 0;
		if (c->level == 2)
			return (mb = ctx_month(s, c)) ? mb->count : 0;
		return (db = ctx_day(s, c)) ? db->members.n : 0;
	}
	return 0;
}

int ctx_members(struct site *s, const struct ctx *c, struct slot ***out, size_t *n)
{
	size_t total = ctx_count(s, c), k = 0;
	struct slot **v;
	struct term *tm;
	struct yearb *yb;
	int m, d;

	*out = NULL;
	*n = 0;
	v = malloc((total ? total : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (c->type == CTX_ROOT || c->type == CTX_POSTS ||
	    (c->type == CTX_DATE && c->level == 0)) {
		memcpy(v, s->all.v, total * sizeof(*v));
		k = total;
	} else if (c->type == CTX_TERM && (tm = ctx_term(s, c))) {
		memcpy(v, tm->members.v, total * sizeof(*v));
		k = total;
	} else if (c->type == CTX_QUERY && total) {
		struct query *q = query_ensure(s, c->query);

		if (q && q->nres == total) {
			memcpy(v, q->res, total * sizeof(*v));
			k = total;
		}
	} else if (c->type == CTX_DATE && (yb = ctx_year(s, c))) {
		/* days newest first, each day's posts already newest first */
		for (m = 12; m >= 1; m--) {
			struct monthb *mb = yb->months[m];

			if (!mb || (c->level >= 2 && m != c->month))
				continue;
			for (d = 31; d >= 1; d--) {
				struct dayb *db = mb->days[d];

				if (!db || (c->level >= 3 && d != c->day))
					continue;
				if (k + db->members.n > total)
					break;
				memcpy(v + k, db->members.v, db->members.n * sizeof(*v));
				k += db->members.n;
			}
		}
	}
	*out = v;
	*n = k;
	return 0;
}

int ctx_members_range(struct site *s, const struct ctx *c, size_t from, size_t count,
		      struct slot ***out, size_t *n)
{
	size_t total = ctx_count(s, c), k = 0, skip = from;
	struct slot **v, **src = NULL;
	struct term *tm;
	struct dayb *db;
	struct yearb *yb;
	int m, d;

	*out = NULL;
	*n = 0;
	if (from >= total)
		return 0;
	if (count > total - from)
		count = total - from;
	v = malloc((count ? count : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (c->type == CTX_ROOT || c->type == CTX_POSTS || (c->type == CTX_DATE && !c->level))
		src = s->all.v;
	else if (c->type == CTX_TERM && (tm = ctx_term(s, c)))
		src = tm->members.v;
	else if (c->type == CTX_DATE && c->level == 3 && (db = ctx_day(s, c)))
		src = db->members.v;
	else if (c->type == CTX_QUERY && c->query) {
		struct query *q = query_ensure(s, c->query);

		src = q ? q->res : NULL;
	}
	if (src) {
		memcpy(v, src + from, count * sizeof(*v));
		k = count;
	} else if (c->type == CTX_DATE && (yb = ctx_year(s, c))) {
		/* a year's or month's posts: its days', newest first */
		for (m = 12; m >= 1 && k < count; m--) {
			struct monthb *mb = yb->months[m];

			if (!mb || (c->level >= 2 && m != c->month))
				continue;
			for (d = 31; d >= 1 && k < count; d--) {
				size_t i;

				db = mb->days[d];
				if (!db)
					continue;
				if (skip >= db->members.n) {
					skip -= db->members.n;
					continue;
				}
				for (i = skip; i < db->members.n && k < count; i++)
					v[k++] = db->members.v[i];
				skip = 0;
			}
		}
	}
	*out = v;
	*n = k;
	return 0;
}

/* 1 when slot sl is shown in the listing folder of context c. */
static int member_of(struct site *s, struct slot *sl, const struct ctx *c)
{
	unsigned i;

	if (!sl || !sl->visible)
		return 0;
	switch (c->type) {
	case CTX_POSTS:
		return 1;
	case CTX_TERM:
		if (c->tax >= s->ntax)
			return 0;
		for (i = 0; i < sl->nmember_of[c->tax]; i++)
			if (sl->member_of[c->tax][i]->id == c->term)
				return 1;
		return 0;
	case CTX_DATE:
		return c->level == 3 && sl->day && sl->day->y == c->year &&
		       sl->day->m == c->month && sl->day->d == c->day;
	case CTX_QUERY:
		return c->query && !c->level && query_has(s, c->query, sl);
	}
	return 0;
}

/* Which generated files a listing context has besides index.html,
 * index-N.html and index.json. */
int ctx_has_feed(const struct ctx *c)
{
	return c->type == CTX_ROOT || c->type == CTX_TERM ||
	       (c->type == CTX_QUERY && c->query && !c->level);
}

/* A folder of posts that is a query's (its listing files, its posts). */
static int is_query_list(const struct ctx *c)
{
	return c->type == CTX_QUERY && c->query && !c->level;
}

/* 1 when the context's listing pages go over posts (and so paginate). */
int ctx_paginates(const struct ctx *c)
{
	return c->type == CTX_POSTS || c->type == CTX_TERM ||
	       (c->type == CTX_DATE && c->level > 0) ||
	       (c->type == CTX_QUERY && c->query && !c->level);
}

static int node_exists_any(struct site *s, const struct node *n);

void post_neighbours_of(struct site *s, const struct ctx *c, struct slot *sl,
			struct slot **newer, struct slot **older)
{
	struct slot **v = NULL;
	size_t n = 0, lo = 0, hi;
	struct term *tm;
	struct dayb *db;
	struct query *q;

	*newer = *older = NULL;
	if (c->type == CTX_POSTS) {
		v = s->all.v;
		n = s->all.n;
	} else if (c->type == CTX_TERM && (tm = ctx_term(s, c))) {
		v = tm->members.v;
		n = tm->members.n;
	} else if (c->type == CTX_DATE && c->level == 3 && (db = ctx_day(s, c))) {
		v = db->members.v;
		n = db->members.n;
	} else if (c->type == CTX_QUERY && c->query && (q = query_ensure(s, c->query))) {
		v = q->res;
		n = q->nres;
	}
	hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (slot_cmp(v[mid], sl) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= n || v[lo] != sl)
		return;
	if (lo > 0)
		*newer = v[lo - 1];
	if (lo + 1 < n)
		*older = v[lo + 1];
}

/* What a post's page takes from its neighbours (their names and titles
 * in its newer/older links), for its version. */
static uint64_t neighbours_sig(struct site *s, const struct node *n, int64_t *mtime)
{
	struct slot *sl = site_slot(s, n->post), *a, *b;
	uint64_t sig = 0;

	post_neighbours_of(s, &n->ctx, sl, &a, &b);
	if (a) {
		sig = (uint64_t)a->id * 0x9E3779B97F4A7C15ULL + a->gen * 31 + a->ver;
		if (mtime && post_mtime_ns(a->post) > *mtime)
			*mtime = post_mtime_ns(a->post);
	}
	if (b) {
		sig ^= ((uint64_t)b->id * 0xC2B2AE3D27D4EB4FULL + b->gen * 37 + b->ver) << 1;
		if (mtime && post_mtime_ns(b->post) > *mtime)
			*mtime = post_mtime_ns(b->post);
	}
	return sig;
}

/* The version bits a file node's inode carries now (node.h). */
static uint8_t file_gen(struct site *s, const struct node *n)
{
	uint8_t theme = (uint8_t)s->theme_ver;
	struct listing *l;

	if (n->cls == NC_POSTFILE && n->ext == PE_HTML) {
		struct slot *sl = site_slot(s, n->post), *a, *b;
		unsigned g = sl->gen + sl->salt + theme;
		struct query *q;

		if (n->ctx.type == CTX_QUERY && n->ctx.query &&
		    (q = query_ensure(s, n->ctx.query))) {
			/* a query's result counts its changes, neighbours
			 * and their titles included: a sum that only grows */
			g += q->l.gen;
			return (uint8_t)(g & NODE_VER_POST);
		}
		/* its neighbours: who they are, and their own versions (a
		 * hash, which can coincide: see post_page_collides) */
		post_neighbours_of(s, &n->ctx, sl, &a, &b);
		if (a)
			g += a->id * 3 + a->gen * 5;
		if (b)
			g += b->id * 7 + b->gen * 11;
		return (uint8_t)(g & NODE_VER_POST);
	}
	if (n->cls == NC_POSTFILE)
		return (uint8_t)(site_slot(s, n->post)->gen & NODE_VER_POST);
	if (n->file == LF_STYLE)
		return theme;
	l = ctx_listing(s, &n->ctx);
	return (uint8_t)(l->gen + (n->file == LF_INDEX_JSON ? 0 : theme));
}

static void file_version(struct site *s, const struct node *n, uint64_t *ver,
			 int64_t *mtime, int *templated);

int post_page_collides(struct site *s, struct slot *sl, const struct ctx *c)
{
	struct node n = { .cls = NC_POSTFILE, .ext = PE_HTML, .post = sl->id, .ctx = *c };
	uint64_t ver, given;
	int64_t mtime;
	int templated;

	if (!sl->visible || !sl->name || !member_of(s, sl, c))
		return 0;
	n.ver = file_gen(s, &n);
	file_version(s, &n, &ver, &mtime, &templated);
	return cache_ver_any(s->cache, node_ino(&n), &given) && given != ver;
}

/* 0 when node n exists now, else -ENOENT, or -ESTALE for an older
 * version of a file that exists.  Caller holds the lock. */
int node_exists(struct site *s, const struct node *n)
{
	int ret = node_exists_any(s, n);
	struct blob *b;
	uint8_t g;

	if (!ret && n->cls == NC_LISTFILE && n->file == LF_STATUS) {
		/* a snapshot of status.json: there while it is kept */
		ret = status_get(s, 0, n->ver, &b, &g);
		blob_unref(b);
		return ret;
	}
	if (!ret && (n->cls == NC_LISTFILE || n->cls == NC_POSTFILE) &&
	    n->ver != file_gen(s, n))
		return -ESTALE;
	return ret;
}


/* 0 when node n, in any version, exists now.  Caller holds the lock. */
static int node_exists_any(struct site *s, const struct node *n)
{
	switch (n->cls) {
	case NC_ROOT:
		return 0;
	case NC_DIR:
		if (n->ctx.type == CTX_ROOT)
			return -ENOENT;
		return ctx_listing(s, &n->ctx) ? 0 : -ENOENT;
	case NC_LISTFILE:
		if (n->ctx.type == CTX_QUERY && !is_query_list(&n->ctx) &&
		    !(n->ctx.query && n->ctx.level == 1 &&
		      ((n->file == LF_INDEX_HTML && n->page == 1) || n->file == LF_INDEX_JSON)))
			return -ENOENT;
		if (!ctx_listing(s, &n->ctx))
			return -ENOENT;
		switch (n->file) {
		case LF_INDEX_HTML:
			if (n->page < 1)
				return -ENOENT;
			if (n->page == 1)
				return n->ctx.type == CTX_META ? -ENOENT : 0;
			return ctx_paginates(&n->ctx) &&
			       n->page <= list_pages(s, ctx_count(s, &n->ctx)) ? 0 : -ENOENT;
		case LF_INDEX_JSON:
			return n->page == 0 && n->ctx.type != CTX_META ? 0 : -ENOENT;
		case LF_FEED:
			return n->page == 0 && ctx_has_feed(&n->ctx) ? 0 : -ENOENT;
		case LF_SITEMAP:
		case LF_STYLE:
			return n->page == 0 && n->ctx.type == CTX_ROOT ? 0 : -ENOENT;
		case LF_STATUS:
			return n->page == 0 && n->ctx.type == CTX_META ? 0 : -ENOENT;
		}
		return -ENOENT;
	case NC_POSTFILE:
		if (n->ext > PE_MD || (n->ext == PE_MD && n->ctx.type != CTX_POSTS))
			return -ENOENT;
		return member_of(s, site_slot(s, n->post), &n->ctx) ? 0 : -ENOENT;
	case NC_RES:
		return res_exists(s, n);
	}
	return -ENOENT;
}

/* The version of a file node's bytes and its mtime.  Caller holds the
 * lock and has checked the node exists. */
static void file_version(struct site *s, const struct node *n, uint64_t *ver,
			 int64_t *mtime, int *templated)
{
	int64_t tm = theme_mtime_ns(s->theme);
	struct slot *sl;
	struct listing *l;

	*templated = 0;
	if (n->cls == NC_POSTFILE) {
		sl = site_slot(s, n->post);
		*ver = mix(sl->ver, n->ext);
		*mtime = post_mtime_ns(sl->post);
		if (n->ext == PE_HTML) {
			*templated = 1;
			*ver = mix(*ver, s->theme_ver);
			*ver = mix(*ver, neighbours_sig(s, n, mtime));
		}
	} else if (n->file == LF_STYLE) {
		*ver = mix(s->theme_ver, 7);
		*mtime = tm;
		return;
	} else {
		l = ctx_listing(s, &n->ctx);
		*ver = mix(mix(l->ver, n->file), n->page);
		*mtime = l->mtime_ns;
		if (n->file != LF_INDEX_JSON) {
			*templated = 1;
			*ver = mix(*ver, s->theme_ver);
		}
	}
	if (*templated && tm > *mtime)
		*mtime = tm;
}

static uint32_t dir_nlink(struct site *s, const struct node *n)
{
	struct yearb *yb;
	struct monthb *mb;
	uint32_t k = 2;
	int i;

	if (n->cls == NC_ROOT)
		return 2 + 4 + s->ntax; /* posts, by-date, query, .postfs, by-* */
	switch (n->ctx.type) {
	case CTX_TERM:
		return 3; /* its "+" folder */
	case CTX_QUERY: {
		struct query *q = n->ctx.query ? query_ensure(s, n->ctx.query) : NULL;
		struct term **v;
		size_t nt;

		if (!q || q->text)
			return 2;
		if (!n->ctx.level)
			return 3; /* its "+" folder */
		if (query_next_terms(s, q, &v, &nt))
			return 1;
		free(v);
		return 2 + (uint32_t)nt;
	}
	case CTX_POSTS:
		/* posts/NAME/ folders come and go with the files beside
		 * posts; 1 says "not counted", which find understands */
		return 1;
	case CTX_TAX:
		return 2 + (uint32_t)s->tax[n->ctx.tax].by_name.len;
	case CTX_DATE:
		if (n->ctx.level == 0)
			return 2 + (uint32_t)s->nyears;
		if (n->ctx.level == 1 && (yb = ctx_year(s, &n->ctx))) {
			for (i = 1; i <= 12; i++)
				k += yb->months[i] && yb->months[i]->count;
		} else if (n->ctx.level == 2 && (mb = ctx_month(s, &n->ctx))) {
			for (i = 1; i <= 31; i++)
				k += mb->days[i] && mb->days[i]->members.n;
		}
		return k;
	}
	return 2;
}

/* Fill the attributes of an existing node.  Called with the lock held
 * for reading; returns with it released (a file may need rendering,
 * which must not happen under the lock).  With cheap set, a file whose
 * size is not known is -EAGAIN instead. */
static int attr_unlock_how(struct site *s, const struct node *n, struct node_attr *a,
			   int cheap);

static int attr_unlock(struct site *s, const struct node *n, struct node_attr *a)
{
	return attr_unlock_how(s, n, a, 0);
}

static int attr_unlock_how(struct site *s, const struct node *n, struct node_attr *a,
			   int cheap)
{
	uint64_t ver;
	int64_t mtime;
	int templated, ret;
	size_t size;
	struct blob *b;
	struct listing *l;

	memset(a, 0, sizeof(*a));
	a->ino = node_ino(n);
	if (n->cls == NC_RES) {
		ret = res_attr(s, n, a);
		pthread_rwlock_unlock(&s->lock);
		return ret;
	}
	if (n->cls == NC_ROOT || n->cls == NC_DIR) {
		l = n->cls == NC_ROOT ? &s->l_all : ctx_listing(s, &n->ctx);
		a->mode = S_IFDIR | 0555;
		a->nlink = dir_nlink(s, n);
		a->mtime_ns = l->mtime_ns;
		pthread_rwlock_unlock(&s->lock);
		return 0;
	}
	a->mode = S_IFREG | 0444;
	a->nlink = 1;
	if (n->cls == NC_LISTFILE && n->file == LF_STATUS) {
		uint8_t g;

		a->is_volatile = 1;
		ret = status_get(s, 0, n->ver, &b, &g);
		pthread_rwlock_unlock(&s->lock);
		if (ret)
			return ret;
		a->size = b->len;
		a->mtime_ns = b->mtime_ns;
		blob_unref(b);
		return 0;
	}
	file_version(s, n, &ver, &mtime, &templated);
	a->mtime_ns = mtime;
	if (cache_size(s->cache, a->ino, ver, &size)) {
		pthread_rwlock_unlock(&s->lock);
		a->size = size;
		return 0;
	}
	if (cheap) {
		pthread_rwlock_unlock(&s->lock);
		return -EAGAIN;
	}
	ret = view_render(s, n, ver, mtime, 0, &b); /* unlocks */
	if (ret)
		return ret;
	a->size = b->len;
	blob_unref(b);
	return 0;
}

int site_getattr(struct site *s, uint64_t ino, struct node_attr *out)
{
	struct node n;
	int ret;

	if (node_decode(ino, &n))
		return -ENOENT;
	pthread_rwlock_rdlock(&s->lock);
	ret = node_exists(s, &n);
	if (ret == -ESTALE) {
		size_t size;

		/* A file replaced by a newer version since the kernel looked
		 * it up: the old version's attributes while they are known,
		 * for whoever still reads it (the new name is on its way). */
		pthread_rwlock_unlock(&s->lock);
		memset(out, 0, sizeof(*out));
		if (!cache_attr_any(s->cache, ino, &size, &out->mtime_ns))
			return -ESTALE;
		out->ino = ino;
		out->mode = S_IFREG | 0444;
		out->nlink = 1;
		out->size = size;
		return 0;
	}
	if (ret) {
		pthread_rwlock_unlock(&s->lock);
		return ret;
	}
	return attr_unlock(s, &n, out);
}

int site_getattr_cheap(struct site *s, uint64_t ino, struct node_attr *out)
{
	struct node n;
	int ret;

	if (node_decode(ino, &n))
		return -ENOENT;
	if (n.cls == NC_LISTFILE && n.file == LF_STATUS)
		return -EAGAIN;
	pthread_rwlock_rdlock(&s->lock);
	ret = node_exists(s, &n);
	if (ret) {
		pthread_rwlock_unlock(&s->lock);
		return ret;
	}
	return attr_unlock_how(s, &n, out, 1);
}

/* Split "NAME.ext" into the post it names (in posts/ by name) and ext. */
static struct slot *post_by_file(struct site *s, const char *name, uint8_t *ext)
{
	static const char *const exts[] = { ".html", ".json", ".md" };
	size_t n = strlen(name), el;
	int i;

	for (i = 0; i < 3; i++) {
		el = strlen(exts[i]);
		if (n > el && !strcmp(name + n - el, exts[i])) {
			*ext = (uint8_t)i;
			return hmap_get(&s->by_name, name, n - el);
		}
	}
	return NULL;
}

static int parse_uint(const char *s, size_t len, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	if (!len || len > 7 || (s[0] == '0' && len > 1 && len != 2))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* The "+" folder of the intersection of terms[0..n) of taxonomy tax. */
static int plus_dir(struct site *s, unsigned tax, const uint32_t *terms, unsigned n,
		    struct node *out)
{
	int err = 0;
	uint32_t id = query_for_terms(s, tax, terms, n, &err);

	if (!id)
		return err;
	memset(out, 0, sizeof(*out));
	out->cls = NC_DIR;
	out->ctx.type = CTX_QUERY;
	out->ctx.query = id;
	out->ctx.level = 1;
	return ctx_listing(s, &out->ctx) ? 0 : -ENOENT;
}

/* A name in a query's folders: query/ (a query's text), a query's own
 * folder ("+", posts), or a "+" folder (a further term). */
static int resolve_query(struct site *s, const struct ctx *c, const char *name, struct node *n)
{
	struct query *q;
	struct term *tm;
	uint32_t id, *terms;
	unsigned k;
	int err = 0;

	memset(n, 0, sizeof(*n));
	if (!c->query) {
		if (!*name || name[0] == '.')
			return -ENOENT; /* what file managers probe is no query */
		id = query_for_text(s, name, &err);
		if (!id)
			return err == -EINVAL ? -ENOENT : err;
		n->cls = NC_DIR;
		n->ctx.type = CTX_QUERY;
		n->ctx.query = id;
		return ctx_listing(s, &n->ctx) ? 0 : -ENOENT;
	}
	q = query_ensure(s, c->query);
	if (!q)
		return -ENOENT;
	if (!c->level) {
		if (strcmp(name, "+") || !q->terms)
			return -ENOENT; /* the caller goes on to posts' files */
		return plus_dir(s, q->tax, q->terms, q->nterms, n);
	}
	tm = hmap_get(&s->tax[q->tax].by_name, name, strlen(name));
	if (!tm)
		return -ENOENT;
	for (k = 0; k < q->nterms; k++)
		if (q->terms[k] == tm->id)
			return -ENOENT;
	terms = malloc((q->nterms + 1) * sizeof(*terms));
	if (!terms)
		return -ENOMEM;
	memcpy(terms, q->terms, q->nterms * sizeof(*terms));
	terms[q->nterms] = tm->id;
	id = query_for_terms(s, q->tax, terms, q->nterms + 1, &err);
	free(terms);
	if (!id)
		return err;
	n->cls = NC_DIR;
	n->ctx.type = CTX_QUERY;
	n->ctx.query = id;
	return ctx_listing(s, &n->ctx) ? 0 : -ENOENT;
}

/* Check that file node n exists and give it its current version. */
static int current_file(struct site *s, struct node *n)
{
	int ret = node_exists_any(s, n);
	struct blob *b;

	if (!ret && n->file == LF_STATUS) {
		/* looking status.json up takes a fresh snapshot */
		ret = status_get(s, 1, 0, &b, &n->ver);
		blob_unref(b);
		return ret;
	}
	if (!ret)
		n->ver = file_gen(s, n);
	return ret;
}

/* Resolve name in folder node dir into *n.  Caller holds the lock. */
static int resolve(struct site *s, const struct node *dir, const char *name, struct node *n)
{
	struct ctx c;
	unsigned i, v;
	size_t len = strlen(name);

	memset(n, 0, sizeof(*n));
	if (dir->cls == NC_RES)
		return res_lookup(s, dir, name, n);
	if (dir->cls == NC_ROOT) {
		memset(&c, 0, sizeof(c));
		c.type = CTX_ROOT;
	} else if (dir->cls == NC_DIR) {
		c = dir->ctx;
	} else {
		return -ENOTDIR;
	}
	n->ctx = c;
	/* the generated files of a listing folder */
	n->cls = NC_LISTFILE;
	if (!strcmp(name, "index.html")) {
		n->file = LF_INDEX_HTML;
		n->page = 1;
		return current_file(s, n);
	}
	if (!strncmp(name, "index-", 6) && len > 11 && !strcmp(name + len - 5, ".html") &&
	    !parse_uint(name + 6, len - 11, &v) && name[6] != '0' && v >= 2 &&
	    v <= NODE_MAX_PAGE) {
		n->file = LF_INDEX_HTML;
		n->page = v;
		return current_file(s, n);
	}
	if (!strcmp(name, "index.json"))
		return n->file = LF_INDEX_JSON, current_file(s, n);
	if (!strcmp(name, "feed.xml"))
		return n->file = LF_FEED, current_file(s, n);
	if (!strcmp(name, "sitemap.xml"))
		return n->file = LF_SITEMAP, current_file(s, n);
	if (!strcmp(name, "style.css"))
		return n->file = LF_STYLE, current_file(s, n);
	if (!strcmp(name, "status.json"))
		return n->file = LF_STATUS, current_file(s, n);

	/* sub-folders */
	n->cls = NC_DIR;
	memset(&n->ctx, 0, sizeof(n->ctx));
	switch (c.type) {
	case CTX_ROOT:
		if (!strcmp(name, "posts"))
			return n->ctx.type = CTX_POSTS, 0;
		if (!strcmp(name, "by-date"))
			return n->ctx.type = CTX_DATE, 0;
		if (!strcmp(name, ".postfs"))
			return n->ctx.type = CTX_META, 0;
		if (!strcmp(name, "query"))
			return n->ctx.type = CTX_QUERY, 0;
		for (i = 0; i < s->ntax; i++) {
			if (!strcmp(name, s->tax[i].dirname)) {
				n->ctx.type = CTX_TAX;
				n->ctx.tax = (uint8_t)i;
				return 0;
			}
		}
		return -ENOENT;
	case CTX_TAX: {
		struct term *tm = hmap_get(&s->tax[c.tax].by_name, name, len);

		if (!tm)
			return -ENOENT;
		n->ctx.type = CTX_TERM;
		n->ctx.tax = c.tax;
		n->ctx.term = tm->id;
		return 0;
	}
	case CTX_TERM:
		if (!strcmp(name, "+"))
			return plus_dir(s, c.tax, &c.term, 1, n);
		break;
	case CTX_QUERY: {
		int r = resolve_query(s, &c, name, n);

		if (r != -ENOENT || !is_query_list(&c) || !strcmp(name, "+"))
			return r;
		break;
	}
	case CTX_DATE:
		if (c.level < 3 && len == (c.level == 0 ? 4u : 2u) &&
		    !parse_uint(name, len, &v)) {
			n->ctx = c;
			n->ctx.level++;
			if (c.level == 0)
				n->ctx.year = (uint16_t)v;
			else if (c.level == 1)
				n->ctx.month = (uint8_t)(v > 15 ? 0 : v);
			else
				n->ctx.day = (uint8_t)(v > 31 ? 0 : v);
			return ctx_listing(s, &n->ctx) ? 0 : -ENOENT;
		}
		break;
	}

	/* posts/NAME/: what is beside the post */
	if (c.type == CTX_POSTS) {
		struct slot *sl = hmap_get(&s->by_name, name, len);

		if (sl && sl->visible && res_has_any(s, sl)) {
			memset(n, 0, sizeof(*n));
			n->cls = NC_RES;
			n->post = sl->id;
			return 0;
		}
	}
	/* a post's files */
	if (c.type == CTX_POSTS || c.type == CTX_TERM || (c.type == CTX_DATE && c.level == 3) ||
	    is_query_list(&c)) {
		struct slot *sl = post_by_file(s, name, &n->ext);

		if (!sl)
			return -ENOENT;
		n->cls = NC_POSTFILE;
		n->ctx = c;
		n->post = sl->id;
		return current_file(s, n);
	}
	return -ENOENT;
}

int site_lookup(struct site *s, uint64_t parent, const char *name, struct node_attr *out)
{
	struct node dir, n;
	int ret, tries, waited = 0;

	if (node_decode(parent, &dir))
		return -ENOENT;
	/* A render that finds its source changed under it has the updater
	 * catch up and answers ESTALE: a lookup then simply looks again, at
	 * the version the updater has made by now. */
	for (tries = 0; tries < 3; tries++) {
		pthread_rwlock_rdlock(&s->lock);
		ret = node_exists(s, &dir);
		if (!ret)
			ret = resolve(s, &dir, name, &n);
		if (ret) {
			pthread_rwlock_unlock(&s->lock);
			return ret;
		}
		if ((n.cls == NC_POSTFILE || n.cls == NC_LISTFILE) && !waited &&
		    ahead_wait(s, node_ino(&n))) { /* unlocks */
			waited = 1;
			tries--;
			continue;
		}
		ret = attr_unlock(s, &n, out);
		if (ret != -ESTALE)
			break;
	}
	if (!ret)
		site_hold(s, out->ino); /* the kernel counts this lookup */
	if (!ret && (out->mode & S_IFMT) == S_IFREG && !out->is_volatile)
		ahead_lookup(s, parent, out->ino);
	return ret;
}

int site_keep_bytes(struct site *s, uint64_t parent, const char *name)
{
	struct node dir, n;
	struct blob *b;
	uint64_t ver;
	int64_t mtime;
	int templated;

	if (node_decode(parent, &dir))
		return 0;
	pthread_rwlock_rdlock(&s->lock);
	if (node_exists(s, &dir) || resolve(s, &dir, name, &n) ||
	    (n.cls != NC_LISTFILE && n.cls != NC_POSTFILE) ||
	    (n.cls == NC_LISTFILE && n.file == LF_STATUS)) {
		pthread_rwlock_unlock(&s->lock);
		return 0;
	}
	file_version(s, &n, &ver, &mtime, &templated);
	if (cache_retire(s->cache, node_ino(&n), ver) ||
	    !cache_size_only(s->cache, node_ino(&n), ver)) {
		/* its bytes, held apart now; or no size given for them */
		pthread_rwlock_unlock(&s->lock);
		return 0;
	}
	if (view_render(s, &n, ver, mtime, 1, &b)) /* unlocks */
		return 0;
	cache_retire(s->cache, node_ino(&n), ver);
	blob_unref(b);
	return 1;
}

/* ---- listing folders ------------------------------------------------------ */

struct dirb {
	struct site_dirent *e;
	size_t n, cap;
	struct buf names;
	int oom;
};

static void dir_add(struct dirb *d, const char *name, const char *suffix,
		    const struct node *n)
{
	struct site_dirent *e;

	if (d->oom)
		return;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;

		e = realloc(d->e, cap * sizeof(*e));
		if (!e) {
			d->oom = 1;
			return;
		}
		d->e = e;
		d->cap = cap;
	}
	e = &d->e[d->n++];
	/* names are offsets until the storage stops moving */
	e->name = (const char *)(uintptr_t)d->names.len;
	buf_adds(&d->names, name);
	if (suffix)
		buf_adds(&d->names, suffix);
	buf_add(&d->names, "", 1);
	e->ino = node_ino(n);
	e->mode = n->cls == NC_DIR ? S_IFDIR : S_IFREG;
}

static void dir_listfile(struct site *s, struct dirb *d, const struct ctx *c,
			 const char *name, uint8_t file, uint32_t page)
{
	struct node n = { .cls = NC_LISTFILE, .file = file, .page = page, .ctx = *c };

	if (current_file(s, &n)) {
		d->oom = 1;
		return;
	}
	dir_add(d, name, NULL, &n);
}

static void dir_subdir(struct dirb *d, const char *name, const struct ctx *c)
{
	struct node n = { .cls = NC_DIR, .ctx = *c };

	dir_add(d, name, NULL, &n);
}

static void dir_res_add(void *ctx, const char *name, const struct node *n, int isdir)
{
	struct dirb *d = ctx;

	dir_add(d, name, NULL, n);
	d->e[d->n - 1].mode = isdir ? S_IFDIR : S_IFREG;
}

static void dir_posts(struct site *s, struct dirb *d, const struct ctx *c)
{
	struct slot **v;
	size_t n, i;
	uint8_t ext;

	if (ctx_members(s, c, &v, &n)) {
		d->oom = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		for (ext = PE_HTML; ext <= (c->type == CTX_POSTS ? PE_MD : PE_JSON); ext++) {
			struct node pn = { .cls = NC_POSTFILE, .ext = ext, .post = v[i]->id, .ctx = *c };
			static const char *const sfx[] = { ".html", ".json", ".md" };

			pn.ver = file_gen(s, &pn);
			dir_add(d, v[i]->name, sfx[ext], &pn);
		}
		if (c->type == CTX_POSTS && res_has_any(s, v[i])) {
			struct node rn = { .cls = NC_RES, .post = v[i]->id };

			dir_add(d, v[i]->name, NULL, &rn);
			d->e[d->n - 1].mode = S_IFDIR;
		}
	}
	free(v);
}

/* A "+" folder's entries: each term that can follow, a folder. */
static void dir_next_terms(struct site *s, struct dirb *d, const struct ctx *c)
{
	struct query *q = query_ensure(s, c->query);
	struct term **v;
	uint32_t *terms;
	size_t n, i;
	int err;

	if (!q || !q->terms || query_next_terms(s, q, &v, &n)) {
		d->oom = !q ? d->oom : 1;
		return;
	}
	terms = malloc((q->nterms + 1) * sizeof(*terms));
	if (!terms) {
		free(v);
		d->oom = 1;
		return;
	}
	memcpy(terms, q->terms, q->nterms * sizeof(*terms));
	for (i = 0; i < n; i++) {
		struct node qn = { .cls = NC_DIR, .ctx = { .type = CTX_QUERY } };

		terms[q->nterms] = v[i]->id;
		err = 0;
		qn.ctx.query = query_for_terms(s, q->tax, terms, q->nterms + 1, &err);
		if (!qn.ctx.query) {
			d->oom = 1;
			break;
		}
		dir_add(d, v[i]->name, NULL, &qn);
	}
	free(terms);
	free(v);
}

int site_opendir(struct site *s, uint64_t ino, struct site_dir **out)
{
	struct dirb d = { 0 };
	struct node n, pn;
	struct ctx c, sub;
	struct site_dir *sd;
	char tmp[32];
	uint32_t p, pages;
	unsigned i, k;
	int ret;

	*out = NULL;
	if (node_decode(ino, &n))
		return -ENOENT;
	if (n.cls != NC_ROOT && n.cls != NC_DIR && n.cls != NC_RES)
		return -ENOTDIR;
	pthread_rwlock_rdlock(&s->lock);
	ret = node_exists(s, &n);
	if (ret)
		goto out;
	if (n.cls == NC_RES) {
		ret = res_list(s, &n, dir_res_add, &d);
		if (ret)
			goto out;
		goto done;
	}
	memset(&c, 0, sizeof(c));
	if (n.cls == NC_DIR)
		c = n.ctx;
	if (c.type == CTX_META) {
		dir_listfile(s, &d, &c, "status.json", LF_STATUS, 0);
		goto done;
	}
	if (c.type == CTX_QUERY && !is_query_list(&c)) {
		/* query/ lists nothing: queries are looked up, not listed;
		 * a "+" folder lists the terms that can follow */
		if (c.query) {
			dir_listfile(s, &d, &c, "index.html", LF_INDEX_HTML, 1);
			dir_listfile(s, &d, &c, "index.json", LF_INDEX_JSON, 0);
			dir_next_terms(s, &d, &c);
		}
		goto done;
	}
	dir_listfile(s, &d, &c, "index.html", LF_INDEX_HTML, 1);
	if (ctx_paginates(&c)) {
		pages = list_pages(s, ctx_count(s, &c));
		for (p = 2; p <= pages; p++) {
			snprintf(tmp, sizeof(tmp), "index-%u.html", p);
			dir_listfile(s, &d, &c, tmp, LF_INDEX_HTML, p);
		}
	}
	dir_listfile(s, &d, &c, "index.json", LF_INDEX_JSON, 0);
	if (ctx_has_feed(&c))
		dir_listfile(s, &d, &c, "feed.xml", LF_FEED, 0);
	switch (c.type) {
	case CTX_ROOT:
		dir_listfile(s, &d, &c, "sitemap.xml", LF_SITEMAP, 0);
		dir_listfile(s, &d, &c, "style.css", LF_STYLE, 0);
		memset(&sub, 0, sizeof(sub));
		sub.type = CTX_POSTS;
		dir_subdir(&d, "posts", &sub);
		for (i = 0; i < s->ntax; i++) {
			sub.type = CTX_TAX;
			sub.tax = (uint8_t)i;
			dir_subdir(&d, s->tax[i].dirname, &sub);
		}
		memset(&sub, 0, sizeof(sub));
		sub.type = CTX_DATE;
		dir_subdir(&d, "by-date", &sub);
		sub.type = CTX_META;
		dir_subdir(&d, ".postfs", &sub);
		sub.type = CTX_QUERY;
		dir_subdir(&d, "query", &sub);
		break;
	case CTX_TAX: {
		struct tax *x = &s->tax[c.tax];

		for (k = 0; k < x->nterms; k++) {
			if (!x->terms[k]->members.n)
				continue;
			memset(&sub, 0, sizeof(sub));
			sub.type = CTX_TERM;
			sub.tax = c.tax;
			sub.term = k;
			dir_subdir(&d, x->terms[k]->name, &sub);
		}
		break;
	}
	case CTX_DATE:
		if (c.level == 0) {
			for (k = 0; k <= NODE_MAX_YEAR; k++) {
				if (!s->years[k] || !s->years[k]->count)
					continue;
				sub = c;
				sub.level = 1;
				sub.year = (uint16_t)k;
				snprintf(tmp, sizeof(tmp), "%04u", k);
				dir_subdir(&d, tmp, &sub);
			}
		} else if (c.level < 3) {
			for (k = 1; k <= (c.level == 1 ? 12u : 31u); k++) {
				sub = c;
				sub.level = (uint8_t)(c.level + 1);
				if (c.level == 1)
					sub.month = (uint8_t)k;
				else
					sub.day = (uint8_t)k;
				if (!ctx_listing(s, &sub))
					continue;
				snprintf(tmp, sizeof(tmp), "%02u", k);
				dir_subdir(&d, tmp, &sub);
			}
		} else {
			dir_posts(s, &d, &c);
		}
		break;
	case CTX_TERM:
		if (!plus_dir(s, c.tax, &c.term, 1, &pn))
			dir_add(&d, "+", NULL, &pn);
		dir_posts(s, &d, &c);
		break;
	case CTX_QUERY: {
		struct query *q = query_ensure(s, c.query);

		if (q && q->terms && !plus_dir(s, q->tax, q->terms, q->nterms, &pn))
			dir_add(&d, "+", NULL, &pn);
		dir_posts(s, &d, &c);
		break;
	}
	case CTX_POSTS:
		dir_posts(s, &d, &c);
		break;
	}
done:
	if (d.oom || d.names.oom) {
		ret = -ENOMEM;
		goto out;
	}
	sd = calloc(1, sizeof(*sd));
	if (!sd) {
		ret = -ENOMEM;
		goto out;
	}
	sd->n = d.n;
	sd->e = d.e;
	sd->names = buf_detach(&d.names, NULL);
	for (i = 0; i < sd->n; i++)
		sd->e[i].name = sd->names + (uintptr_t)sd->e[i].name;
	d.e = NULL;
	*out = sd;
out:
	pthread_rwlock_unlock(&s->lock);
	free(d.e);
	buf_free(&d.names);
	return ret;
}

void site_dir_free(struct site_dir *d)
{
	if (!d)
		return;
	free(d->e);
	free(d->names);
	free(d);
}

int site_open_file(struct site *s, uint64_t ino, struct site_file *out)
{
	struct node n;
	int ret;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (node_decode(ino, &n))
		return -ENOENT;
	if (n.cls == NC_ROOT || n.cls == NC_DIR)
		return -EISDIR;
	pthread_rwlock_rdlock(&s->lock);
	if (n.cls == NC_RES) {
		ret = res_open(s, &n);
		pthread_rwlock_unlock(&s->lock);
		if (ret < 0)
			return ret;
		out->fd = ret;
		return 0;
	}
	ret = node_exists(s, &n);
	if (ret) {
		pthread_rwlock_unlock(&s->lock);
		return ret;
	}
	if (n.cls == NC_LISTFILE && n.file == LF_STATUS) {
		uint8_t g;

		out->is_volatile = 1;
		ret = status_get(s, 0, n.ver, &out->blob, &g);
	}
	pthread_rwlock_unlock(&s->lock);
	return ret;
}

int site_read_node(struct site *s, uint64_t ino, struct site_file *out)
{
	int ret = site_open_file(s, ino, out);

	if (ret == -ESTALE || ret == -ENOENT) {
		/* the file changed, or went, since this reader looked it up:
		 * its own version's bytes, if they are still kept */
		out->blob = cache_get_any(s->cache, ino);
		if (!out->blob)
			log_debug("inode %llx: a read of a version no longer kept",
				  (unsigned long long)ino);
		return out->blob ? 0 : ret;
	}
	if (ret || out->fd >= 0 || out->blob)
		return ret;
	return site_file_bytes(s, ino, out);
}

int site_file_bytes(struct site *s, uint64_t ino, struct site_file *f)
{
	struct node n;
	uint64_t ver, given;
	int64_t mtime;
	int templated, ret;

	if (f->blob)
		return 0;
	if (node_decode(ino, &n))
		return -ENOENT;
	pthread_rwlock_rdlock(&s->lock);
	ret = node_exists(s, &n);
	if (ret == -ESTALE || ret == -ENOENT) {
		pthread_rwlock_unlock(&s->lock);
		f->blob = cache_get_any(s->cache, ino);
		if (!f->blob)
			log_debug("inode %llx: a read of a version no longer kept",
				  (unsigned long long)ino);
		return f->blob ? 0 : -ESTALE;
	}
	if (ret) {
		pthread_rwlock_unlock(&s->lock);
		return ret;
	}
	file_version(s, &n, &ver, &mtime, &templated);
	/* before cache_get, which forgets a record of another version */
	if (cache_ver_any(s->cache, ino, &given) && given != ver) {
		/* The file changed, yet its number did not (an inode keeps
		 * only a few bits of the version, and they can coincide):
		 * the kernel holds the size of the version last given, so
		 * those bytes or none, never the new ones under the old size. */
		pthread_rwlock_unlock(&s->lock);
		f->blob = cache_get_any(s->cache, ino);
		return f->blob ? 0 : -ESTALE;
	}
	f->blob = cache_get(s->cache, ino, ver);
	if (f->blob) {
		pthread_rwlock_unlock(&s->lock);
		return 0;
	}
	return view_render(s, &n, ver, mtime, 1, &f->blob);
}

uint64_t site_parent(struct site *s, uint64_t ino)
{
	struct node n, p;

	(void)s;
	if (node_decode(ino, &n) || n.cls != NC_DIR)
		return 1;
	memset(&p, 0, sizeof(p));
	p.cls = NC_DIR;
	switch (n.ctx.type) {
	case CTX_TERM:
		p.ctx.type = CTX_TAX;
		p.ctx.tax = n.ctx.tax;
		return node_ino(&p);
	case CTX_DATE:
		if (!n.ctx.level)
			return 1;
		p.ctx = n.ctx;
		p.ctx.level--;
		if (p.ctx.level < 3)
			p.ctx.day = 0;
		if (p.ctx.level < 2)
			p.ctx.month = 0;
		if (p.ctx.level < 1)
			p.ctx.year = 0;
		return node_ino(&p);
	case CTX_QUERY:
		if (n.ctx.level) {
			p.ctx = n.ctx;
			p.ctx.level = 0;
			return node_ino(&p);
		}
		if (n.ctx.query) {
			p.ctx.type = CTX_QUERY; /* query/, for a query/ folder */
			return node_ino(&p);
		}
		return 1;
	}
	return 1;
}

/* The query a node belongs to, or 0. */
static uint32_t node_query(uint64_t ino)
{
	struct node n;

	if (node_decode(ino, &n) || n.cls == NC_RES || n.ctx.type != CTX_QUERY)
		return 0;
	return n.ctx.query;
}

void site_hold(struct site *s, uint64_t ino)
{
	uint32_t q = node_query(ino);

	if (q)
		query_hold(s, q, 1);
}

void site_forget(struct site *s, uint64_t ino, uint64_t n)
{
	uint32_t q = node_query(ino);

	if (q)
		query_forget(s, q, n);
}

void site_statfs(struct site *s, uint64_t *files, uint64_t *bytes)
{
	uint64_t f;
	unsigned t, y, m, d;
	uint32_t k;

	pthread_rwlock_rdlock(&s->lock);
	/* the root: 5 files, posts/, by-date/, .postfs/ and its file */
	f = 1 + 5 + 3 + 1;
	/* posts/: pages, index.json, three files per post */
	f += 1 + list_pages(s, s->all.n) + 1 + 3 * (uint64_t)s->all.n;
	for (t = 0; t < s->ntax; t++) {
		struct tax *x = &s->tax[t];

		f += 1 + 2;
		for (k = 0; k < x->nterms; k++) {
			size_t n = x->terms[k]->members.n;

			if (n)
				f += 1 + list_pages(s, n) + 2 + 2 * (uint64_t)n;
		}
	}
	f += 2;
	for (y = 0; y <= NODE_MAX_YEAR; y++) {
		struct yearb *yb = s->years[y];

		if (!yb || !yb->count)
			continue;
		f += 1 + list_pages(s, yb->count) + 1;
		for (m = 1; m <= 12; m++) {
			struct monthb *mb = yb->months[m];

			if (!mb || !mb->count)
				continue;
			f += 1 + list_pages(s, mb->count) + 1;
			for (d = 1; d <= 31; d++) {
				struct dayb *db = mb->days[d];

				if (db && db->members.n)
					f += 1 + list_pages(s, db->members.n) + 1 +
					     2 * (uint64_t)db->members.n;
			}
		}
	}
	*files = f;
	*bytes = s->src_bytes;
	pthread_rwlock_unlock(&s->lock);
}
