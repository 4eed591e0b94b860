/* update.c — keeping the model fresh while mounted.
 *
 * One thread, the updater, owns an inotify descriptor watching every
 * folder of SOURCE (and the templates folder), a timer for the next
 * scheduled publication or expiry, and an eventfd for requests.  It
 * gathers events for a short quiet period, re-reads only the sources
 * that changed (outside any lock), applies the result under the write
 * lock, and then, with no lock held, tells the kernel which names and
 * folders changed.  Request handlers never wait for I/O it does.
 */
#include "site_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "log.h"

#define WATCH_MASK (IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MODIFY |  \
		    IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | \
		    IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK)

/* What the updater was told about, by path, until it acts. */
enum pend_kind { P_FILE = 1, P_DIR = 2, P_GONE_DIR = 4, P_RES = 8 };

struct pend {
	char *rel;
	unsigned kind;
};

/* A change read from SOURCE, waiting for the round's commit. */
struct change {
	char *rel;                   /* the source, relative to SOURCE */
	struct post *post;           /* its new record (owned until filed), or NULL */
	char *err;                   /* why it could not be read, or NULL */
	struct post *old, *now;      /* what the commit swapped, for its log */
};

struct sched {
	int64_t t;                   /* seconds since the epoch */
	uint32_t id;                 /* slot id */
};

struct updater {
	int ifd, tfd, efd, nfd;       /* inotify, timer, requests, nudges */
	pthread_mutex_t nlock;        /* a leaf lock; protects: */
	pthread_cond_t ncond;
	char **nudges;                /* sources renders found changed */
	size_t nnudges;
	uint64_t applied;             /* rounds of changes applied */
	char **wdpath;               /* folder (relative to SOURCE) of each watch */
	size_t nwd;
	int tmpl_wd;
	int watch_failed;            /* a folder could not be watched */
	pthread_t th;
	int running;
	struct site_notify notify;
	struct hmap pending;         /* rel -> struct pend */
	struct change **changes;     /* this round's changes, in order */
	size_t nchanges, capchanges;
	struct hmap changed;         /* rel -> its latest struct change */
	int rescan_all, theme_changed;
	struct sched *heap;          /* min-heap of scheduled changes */
	size_t nheap, capheap;
	int64_t timer_at;
};

/* ---- invalidations ------------------------------------------------------ */

/* A post's page in one folder. */
struct pageref {
	uint32_t post;               /* slot id */
	struct ctx c;
};

struct inval {
	struct hmap seen;            /* dedup: "ino/name" and "#ino" keys */
	char **keys;
	size_t nkeys, cap;
	struct pageref *pages;       /* the post pages among them */
	size_t npages, cappages;
};

/* Add a name (or, name NULL, a folder's own attributes and listing) to
 * tell the kernel about; 1 when it was not there yet. */
static int inval_add(struct inval *iv, uint64_t parent, const char *name)
{
	char *k;

	if (name) {
		if (asprintf(&k, "%llx/%s", (unsigned long long)parent, name) < 0)
			return 0;
	} else if (asprintf(&k, "#%llx", (unsigned long long)parent) < 0) {
		return 0;
	}
	if (hmap_get(&iv->seen, k, strlen(k))) {
		free(k);
		return 0;
	}
	if (iv->nkeys == iv->cap) {
		size_t cap = iv->cap ? iv->cap * 2 : 64;
		char **v = realloc(iv->keys, cap * sizeof(*v));

		if (!v) {
			free(k);
			return 0;
		}
		iv->keys = v;
		iv->cap = cap;
	}
	if (hmap_put(&iv->seen, k, strlen(k), k)) {
		free(k);
		return 0;
	}
	iv->keys[iv->nkeys++] = k;
	return 1;
}

/* The page of sl in the folder of c: its name, and the page itself for
 * fix_collisions. */
static void inval_page(struct inval *iv, uint64_t dir, const struct ctx *c, struct slot *sl)
{
	char name[NAME_MAX + 16];

	snprintf(name, sizeof(name), "%s.html", sl->name);
	if (!inval_add(iv, dir, name))
		return;
	if (iv->npages == iv->cappages) {
		size_t cap = iv->cappages ? iv->cappages * 2 : 32;
		struct pageref *v = realloc(iv->pages, cap * sizeof(*v));

		if (!v)
			return;
		iv->pages = v;
		iv->cappages = cap;
	}
	iv->pages[iv->npages].post = sl->id;
	iv->pages[iv->npages].c = *c;
	iv->npages++;
}

static void inval_free(struct inval *iv)
{
	size_t i;

	for (i = 0; i < iv->nkeys; i++)
		free(iv->keys[i]);
	free(iv->keys);
	free(iv->pages);
	hmap_free(&iv->seen);
	memset(iv, 0, sizeof(*iv));
}

/* Tell the kernel, and empty iv. */
static void inval_send(struct site *s, struct inval *iv)
{
	struct updater *up = s->up;
	size_t i;

	for (i = 0; i < iv->nkeys; i++) {
		char *k = iv->keys[i], *slash;
		unsigned long long ino;

		if (up->notify.inval_inode && k[0] == '#') {
			ino = strtoull(k + 1, NULL, 16);
			up->notify.inval_inode(up->notify.ctx, ino);
		} else if (up->notify.inval_entry && (slash = strchr(k, '/'))) {
			ino = strtoull(k, NULL, 16);
			up->notify.inval_entry(up->notify.ctx, ino, slash + 1, strlen(slash + 1));
		}
	}
	inval_free(iv);
}

static uint64_t dir_ino(const struct ctx *c)
{
	struct node n = { .cls = NC_DIR, .ctx = *c };

	if (c->type == CTX_ROOT)
		return 1;
	return node_ino(&n);
}

/* A listing folder whose contents or pages may have changed: its own
 * attributes and listing, its generated files, and its name in its
 * parent (it may have appeared or gone).  Caller holds the lock. */
static void touch_ctx(struct site *s, struct inval *iv, const struct ctx *c)
{
	uint64_t dir = dir_ino(c);
	uint32_t pages = 1, p;
	struct ctx up = *c;
	char tmp[32];

	inval_add(iv, dir, NULL);
	if (ctx_paginates(c))
		pages = list_pages(s, ctx_count(s, c)) + 1;
	inval_add(iv, dir, "index.html");
	for (p = 2; p <= pages; p++) {
		snprintf(tmp, sizeof(tmp), "index-%u.html", p);
		inval_add(iv, dir, tmp);
	}
	inval_add(iv, dir, "index.json");
	if (ctx_has_feed(c))
		inval_add(iv, dir, "feed.xml");
	if (c->type == CTX_ROOT)
		inval_add(iv, dir, "sitemap.xml");
	if (c->type == CTX_TERM) {
		struct term *tm = s->tax[c->tax].terms[c->term];

		memset(&up, 0, sizeof(up));
		up.type = CTX_TAX;
		up.tax = c->tax;
		if (tm->name)
			inval_add(iv, dir_ino(&up), tm->name);
	} else if (c->type == CTX_DATE && c->level > 0) {
		up.level--;
		if (up.level < 3)
			up.day = 0;
		if (up.level < 2)
			up.month = 0;
		if (up.level < 1)
			up.year = 0;
		if (c->level == 1)
			snprintf(tmp, sizeof(tmp), "%04u", c->year);
		else
			snprintf(tmp, sizeof(tmp), "%02u", c->level == 2 ? c->month : c->day);
		inval_add(iv, dir_ino(&up), tmp);
	}
}

/* The pages of sl's neighbours in the folder of context c: they name
 * sl (and are named by it).  Caller holds the lock. */
static void touch_neighbours(struct site *s, struct inval *iv, const struct ctx *c,
			     struct slot *sl)
{
	struct slot *nb[2];
	int i;

	post_neighbours_of(s, c, sl, &nb[0], &nb[1]);
	for (i = 0; i < 2; i++) {
		/* its name now leads to a new version; the old inode stays
		 * as it is for whoever still reads it */
		if (nb[i] && nb[i]->name)
			inval_page(iv, dir_ino(c), c, nb[i]);
	}
}

/* Everything that shows slot sl as it is now.  Caller holds the lock. */
static void touch_post(struct site *s, struct inval *iv, struct slot *sl)
{
	static const char *const ext[] = { ".html", ".json", ".md" };
	struct ctx c;
	char name[NAME_MAX + 16];
	unsigned t, i, e;
	int lvl;

	if (!sl->visible)
		return;
	memset(&c, 0, sizeof(c));
	touch_ctx(s, iv, &c);          /* the root: home page, feed, sitemap */
	c.type = CTX_POSTS;
	touch_ctx(s, iv, &c);
	touch_neighbours(s, iv, &c, sl);
	inval_page(iv, dir_ino(&c), &c, sl);
	for (e = 1; e < 3; e++) {
		snprintf(name, sizeof(name), "%s%s", sl->name, ext[e]);
		inval_add(iv, dir_ino(&c), name);
	}
	inval_add(iv, dir_ino(&c), sl->name); /* posts/NAME/, its files */
	for (t = 0; t < s->ntax; t++) {
		if (!sl->nmember_of[t])
			continue;
		memset(&c, 0, sizeof(c));
		c.type = CTX_TAX;
		c.tax = (uint8_t)t;
		touch_ctx(s, iv, &c);
		for (i = 0; i < sl->nmember_of[t]; i++) {
			c.type = CTX_TERM;
			c.term = sl->member_of[t][i]->id;
			touch_ctx(s, iv, &c);
			touch_neighbours(s, iv, &c, sl);
			inval_page(iv, dir_ino(&c), &c, sl);
			snprintf(name, sizeof(name), "%s.json", sl->name);
			inval_add(iv, dir_ino(&c), name);
		}
	}
	if (sl->day) {
		memset(&c, 0, sizeof(c));
		c.type = CTX_DATE;
		c.year = sl->day->y;
		c.month = sl->day->m;
		c.day = sl->day->d;
		for (lvl = 3; lvl >= 0; lvl--) {
			/* a folder's context names only its own level's date */
			c.level = (uint8_t)lvl;
			if (lvl < 3)
				c.day = 0;
			if (lvl < 2)
				c.month = 0;
			if (lvl < 1)
				c.year = 0;
			touch_ctx(s, iv, &c);
		}
		c.level = 3;
		c.year = sl->day->y;
		c.month = sl->day->m;
		c.day = sl->day->d;
		touch_neighbours(s, iv, &c, sl);
		inval_page(iv, dir_ino(&c), &c, sl);
		snprintf(name, sizeof(name), "%s.json", sl->name);
		inval_add(iv, dir_ino(&c), name);
	}
}

/* After changes, under the write lock: a post page whose inode number is
 * still one last given for other bytes (its version bits coincided) is
 * moved, with all its post's pages, to other numbers, so that nobody
 * holding the old number and its size ever reads the new bytes. */
static void fix_collisions(struct site *s, struct inval *iv)
{
	size_t i;
	int pass, moved = 1;

	for (pass = 0; pass < 4 && moved; pass++) {
		moved = 0;
		for (i = 0; i < iv->npages; i++) {
			struct slot *sl = site_slot(s, iv->pages[i].post);
			int tries = 0;

			while (sl && tries < 8 && post_page_collides(s, sl, &iv->pages[i].c)) {
				sl->salt++;
				tries++;
			}
			if (tries) {
				log_debug("%s: its page numbers moved off numbers in use",
					  sl->src);
				touch_post(s, iv, sl);
				moved = 1;
			}
		}
	}
}

/* A query folder the kernel holds: its listing, its files and the posts
 * it showed may all have changed (its result is recomputed when next
 * asked for).  Caller holds the lock for writing. */
static void touch_query(struct site *s, struct query *q, void *ctx)
{
	struct inval *iv = ctx;
	struct node dn = { .cls = NC_DIR, .ctx = { .type = CTX_QUERY, .query = q->id } };
	uint64_t dir = node_ino(&dn);
	uint32_t pages = list_pages(s, q->nres) + 1, p;
	char name[NAME_MAX + 16];
	size_t i;

	inval_add(iv, dir, NULL);
	inval_add(iv, dir, "index.html");
	for (p = 2; p <= pages; p++) {
		snprintf(name, sizeof(name), "index-%u.html", p);
		inval_add(iv, dir, name);
	}
	inval_add(iv, dir, "index.json");
	inval_add(iv, dir, "feed.xml");
	for (i = 0; i < q->nres; i++) {
		snprintf(name, sizeof(name), "%s.html", q->res[i]->name ? q->res[i]->name : "");
		inval_add(iv, dir, name);
		snprintf(name, sizeof(name), "%s.json", q->res[i]->name ? q->res[i]->name : "");
		inval_add(iv, dir, name);
	}
	if (q->terms) {
		dn.ctx.level = 1;
		inval_add(iv, node_ino(&dn), NULL);
	}
}

static void touch_queries(struct site *s, struct inval *iv)
{
	query_each_live(s, touch_query, iv);
}

/* Everything templated: after the theme changed.  Caller holds the lock. */
static void touch_all(struct site *s, struct inval *iv)
{
	struct ctx c;
	uint32_t i, k;
	unsigned t;

	memset(&c, 0, sizeof(c));
	touch_ctx(s, iv, &c);
	inval_add(iv, 1, "style.css");
	c.type = CTX_DATE;
	touch_ctx(s, iv, &c);
	for (i = 0; i < s->nslots; i++)
		touch_post(s, iv, s->slots[i]);
	touch_queries(s, iv);
	for (t = 0; t < s->ntax; t++) {
		memset(&c, 0, sizeof(c));
		c.type = CTX_TAX;
		c.tax = (uint8_t)t;
		touch_ctx(s, iv, &c);
		for (k = 0; k < s->tax[t].nterms; k++) {
			if (!s->tax[t].terms[k]->members.n)
				continue;
			c.type = CTX_TERM;
			c.term = k;
			touch_ctx(s, iv, &c);
			c.type = CTX_TAX;
		}
	}
}

/* ---- the schedule of publications and expiries ------------------------------ */

static void heap_push(struct updater *up, int64_t t, uint32_t id)
{
	size_t i;

	if (t == INT64_MAX)
		return;
	if (up->nheap == up->capheap) {
		size_t cap = up->capheap ? up->capheap * 2 : 64;
		struct sched *h = realloc(up->heap, cap * sizeof(*h));

		if (!h) {
			log_error("out of memory: a scheduled post will not appear on time");
			return;
		}
		up->heap = h;
		up->capheap = cap;
	}
	i = up->nheap++;
	while (i > 0 && up->heap[(i - 1) / 2].t > t) {
		up->heap[i] = up->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	up->heap[i] = (struct sched){ t, id };
}

static struct sched heap_pop(struct updater *up)
{
	struct sched top = up->heap[0], last = up->heap[--up->nheap];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < up->nheap) {
		if (c + 1 < up->nheap && up->heap[c + 1].t < up->heap[c].t)
			c++;
		if (up->heap[c].t >= last.t)
			break;
		up->heap[i] = up->heap[c];
		i = c;
	}
	if (up->nheap)
		up->heap[i] = last;
	return top;
}

static void arm_timer(struct updater *up)
{
	struct itimerspec its;
	int64_t at = up->nheap ? up->heap[0].t : 0;

	if (at == up->timer_at)
		return;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)at; /* 0 disarms */
	if (timerfd_settime(up->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		up->timer_at = at;
}

/* ---- applying a change ----------------------------------------------------------- */

static void changes_clear(struct updater *up)
{
	size_t i;

	for (i = 0; i < up->nchanges; i++) {
		post_unref(up->changes[i]->post);
		free(up->changes[i]->rel);
		free(up->changes[i]->err);
		free(up->changes[i]);
	}
	up->nchanges = 0;
	hmap_free(&up->changed);
}

/* File one change under the write lock already held: slot rel gets its
 * new record p (NULL: the source is gone or not a post), or the error
 * that kept it from being read.  The kernel names to forget go to iv. */
static void commit_one(struct site *s, struct inval *iv, struct change *c, int64_t t)
{
	struct updater *up = s->up;
	struct slot *sl = hmap_get(&s->by_src, c->rel, strlen(c->rel));
	struct post *p = c->post;

	if (!sl && (p || c->err))
		sl = slot_new(s, c->rel);
	if (!sl)
		return;
	touch_post(s, iv, sl);
	slot_hide(s, sl, t);
	c->old = sl->post;
	if (c->old)
		dirposts_add(s, c->rel, -1);
	sl->post = p;
	c->post = NULL; /* the slot owns it now */
	if (p)
		dirposts_add(s, c->rel, 1);
	free(sl->load_err);
	sl->load_err = c->err ? strdup(c->err) : NULL;
	if (p && post_visible(p, t / 1000000000LL, s->o.drafts, s->o.future) &&
	    slot_show(s, sl, t, 0))
		log_error("%s: out of memory while filing the post", c->rel);
	sl->ver = site_tick(s);
	sl->gen++;
	touch_post(s, iv, sl);
	if (p)
		heap_push(up, post_next_change(p, t / 1000000000LL, s->o.drafts, s->o.future),
			  sl->id);
	c->now = sl->post;
}

/* At most this many files are made again per round by keep_promised. */
#define KEEP_MAX 64

/* Before a round's changes are applied: the files they give a new
 * version whose size the kernel may hold (it is known) while their bytes
 * are no longer kept are made again from the model as it still is, so a
 * reader who opened one just before reads the version it opened, whole,
 * rather than ESTALE.  Post files first, then listings; bounded. */
static void keep_promised(struct site *s)
{
	struct updater *up = s->up;
	struct inval pre = { 0 };
	size_t i, kept = 0;
	int pass;

	pthread_rwlock_rdlock(&s->lock);
	for (i = 0; i < up->nchanges; i++) {
		struct slot *sl = hmap_get(&s->by_src, up->changes[i]->rel,
					   strlen(up->changes[i]->rel));

		if (sl && sl->visible)
			touch_post(s, &pre, sl);
	}
	pthread_rwlock_unlock(&s->lock);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < pre.nkeys && kept < KEEP_MAX; i++) {
			char *k = pre.keys[i], *slash = strchr(k, '/');
			int listing;

			if (k[0] == '#' || !slash)
				continue;
			listing = !strncmp(slash + 1, "index", 5) || !strcmp(slash + 1, "feed.xml") ||
				  !strcmp(slash + 1, "sitemap.xml");
			if (listing != pass)
				continue;
			kept += site_keep_bytes(s, strtoull(k, NULL, 16), slash + 1);
		}
	}
	if (kept)
		log_debug("kept the bytes of %zu files about to change", kept);
	inval_free(&pre);
}

/* Apply every change of the round at once: readers see the tree before
 * the round or after it, never half of it (a folder renamed is never seen
 * with some of its posts gone).  Sources were read before, outside the
 * lock; logging, freeing and telling the kernel come after it. */
static void commit(struct site *s)
{
	struct updater *up = s->up;
	struct inval iv = { 0 };
	int64_t t = now_ns();
	size_t i;

	if (!up->nchanges)
		return;
	keep_promised(s);
	pthread_rwlock_wrlock(&s->lock);
	touch_queries(s, &iv);
	for (i = 0; i < up->nchanges; i++)
		commit_one(s, &iv, up->changes[i], t);
	fix_collisions(s, &iv);
	pthread_rwlock_unlock(&s->lock);

	for (i = 0; i < up->nchanges; i++) {
		struct change *c = up->changes[i];
		struct post *p = c->now, *old = c->old;

		/* the slot may have moved on within the round: log what this
		 * change did, from the records it swapped */
		if (p && (!old || old->nerrs || p->nerrs))
			log_post_errors(p);
		if (!p && old)
			log_info("%s: removed", c->rel);
		else if (p && !old)
			log_info("%s: added", c->rel);
		else if (p)
			log_debug("%s: changed", c->rel);
		post_unref(old);
	}
	changes_clear(up);
	inval_send(s, &iv);
}

/* Queue a change for the round's commit.  p is taken over; err copied.
 * When memory runs short the round so far is committed first. */
static void apply(struct site *s, const char *rel, struct post *p, const char *err)
{
	struct updater *up = s->up;
	struct change *c;

	if (up->nchanges == up->capchanges) {
		size_t cap = up->capchanges ? up->capchanges * 2 : 64;
		struct change **v = realloc(up->changes, cap * sizeof(*v));

		if (!v) {
			commit(s);
			if (!up->capchanges) {
				log_error("%s: out of memory while applying a change", rel);
				post_unref(p);
				return;
			}
		} else {
			up->changes = v;
			up->capchanges = cap;
		}
	}
	c = calloc(1, sizeof(*c));
	if (!c || !(c->rel = strdup(rel)) || (err && !(c->err = strdup(err))) ||
	    hmap_put(&up->changed, c->rel, strlen(c->rel), c)) {
		if (c) {
			free(c->rel);
			free(c->err);
		}
		free(c);
		log_error("%s: out of memory while applying a change", rel);
		post_unref(p);
		return;
	}
	c->post = p;
	up->changes[up->nchanges++] = c;
}

/* The stamp of a source as post records keep it. */
static int same_stamp(const struct post *p, const struct stat *st)
{
	return p->dev == st->st_dev && p->ino == st->st_ino && p->size == st->st_size &&
	       p->mtime.tv_sec == st->st_mtim.tv_sec && p->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* 1 when a folder of rel's path (rel itself excluded) up to SOURCE is a
 * page bundle, so rel is one of its resources. */
static int in_bundle(struct site *s, const char *rel)
{
	char path[PATH_MAX], *slash;
	struct stat st;

	snprintf(path, sizeof(path), "%s", rel);
	while ((slash = strrchr(path, '/'))) {
		*slash = '\0';
		if (strlen(path) + 10 >= sizeof(path))
			return 0;
		strcat(path, "/index.md");
		if (!fstatat(s->srcfd, path, &st, 0))
			return 1;
		path[strlen(path) - 9] = '\0';
	}
	return 0;
}

/* 1 when no component of rel is hidden or an editor's leftover. */
static int path_shown(const char *rel)
{
	char tmp[PATH_MAX], *tok, *save = NULL;

	snprintf(tmp, sizeof(tmp), "%s", rel);
	for (tok = strtok_r(tmp, "/", &save); tok; tok = strtok_r(NULL, "/", &save))
		if (scan_ignored(tok))
			return 0;
	return 1;
}

/* A file or folder that is not a post changed at rel: the posts it lies
 * beside show it in posts/NAME/, which may also appear or vanish. */
static void touch_res(struct site *s, const char *rel)
{
	char dir[PATH_MAX];
	const char *base;
	struct inval iv = { 0 };
	struct ctx pc = { .type = CTX_POSTS };
	uint32_t k;

	snprintf(dir, sizeof(dir), "%s", rel);
	base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = '\0';
	else
		dir[0] = '\0';
	pthread_rwlock_rdlock(&s->lock);
	for (k = 0; k < s->nslots; k++) {
		struct slot *sl = s->slots[k];
		const char *pd;
		size_t n;

		if (!sl->visible)
			continue;
		pd = sl->post->dir;
		n = strlen(pd);
		if (strcmp(pd, dir) && !(n == 0 || (!strncmp(dir, pd, n) && dir[n] == '/')))
			continue;
		inval_add(&iv, dir_ino(&pc), NULL);
		inval_add(&iv, dir_ino(&pc), sl->name);
		if (!strcmp(pd, dir)) {
			struct node rn = { .cls = NC_RES, .post = sl->id };

			inval_add(&iv, node_ino(&rn), NULL);
			inval_add(&iv, node_ino(&rn), base);
		} else {
			/* deeper: the folder's node, if it was ever named */
			struct res *r;

			pthread_mutex_lock(&s->res_lock);
			r = hmap_get(&s->res_by_path, dir, strlen(dir));
			pthread_mutex_unlock(&s->res_lock);
			if (r) {
				struct node rn = { .cls = NC_RES, .post = sl->id, .res = r->id };

				inval_add(&iv, node_ino(&rn), NULL);
				inval_add(&iv, node_ino(&rn), base);
			}
		}
	}
	pthread_rwlock_unlock(&s->lock);
	inval_send(s, &iv);
}

/* Re-read one source path and file what it holds now. */
static void refresh_file(struct site *s, const char *rel, int bundle)
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	struct stat st;
	struct slot *sl;
	struct post *p = NULL;
	struct change *c;
	char errbuf[256];
	int ret, unchanged = 0;

	if (!path_shown(rel) || !scan_is_post(base) || (!bundle && in_bundle(s, rel))) {
		apply(s, rel, NULL, NULL); /* if it was a post, it is not now */
		if (path_shown(rel))
			touch_res(s, rel);
		return;
	}
	if (fstatat(s->srcfd, rel, &st, 0) || !S_ISREG(st.st_mode)) {
		apply(s, rel, NULL, NULL);
		return;
	}
	c = hmap_get(&s->up->changed, rel, strlen(rel));
	if (c) {
		/* read already this round: what the commit will file */
		if (c->post && same_stamp(c->post, &st))
			return;
	} else {
		pthread_rwlock_rdlock(&s->lock);
		sl = hmap_get(&s->by_src, rel, strlen(rel));
		if (sl && sl->post && same_stamp(sl->post, &st))
			unchanged = 1;
		pthread_rwlock_unlock(&s->lock);
		if (unchanged)
			return;
	}
	ret = post_load(s->srcfd, rel, bundle, &s->cfg, &p);
	if (ret == -ENOENT || ret == -EISDIR || ret == -EINVAL) {
		apply(s, rel, NULL, NULL);
	} else if (ret) {
		snprintf(errbuf, sizeof(errbuf), "cannot read: %s", strerror(-ret));
		log_warn("%s: %s", rel, errbuf);
		apply(s, rel, NULL, errbuf);
	} else {
		apply(s, rel, p, NULL);
	}
}

static int under(const char *src, const char *dir)
{
	size_t n = strlen(dir);

	return !n || (!strncmp(src, dir, n) && src[n] == '/');
}

/* Drop every post under folder rel ("" for all of SOURCE). */
static void forget_dir(struct site *s, const char *rel)
{
	char **gone = NULL;
	size_t n = 0, i;
	uint32_t k;

	pthread_rwlock_rdlock(&s->lock);
	gone = calloc(s->nslots ? s->nslots : 1, sizeof(*gone));
	for (k = 0; gone && k < s->nslots; k++) {
		struct slot *sl = s->slots[k];

		if ((sl->post || sl->load_err) && under(sl->src, rel))
			gone[n++] = strdup(sl->src);
	}
	pthread_rwlock_unlock(&s->lock);
	for (i = 0; i < n; i++) {
		if (gone[i])
			apply(s, gone[i], NULL, NULL);
		free(gone[i]);
	}
	free(gone);
}

/* Bring folder rel and everything under it up to date: new posts added,
 * changed ones re-read, vanished ones dropped, new folders watched. */
static void reconcile_dir(struct site *s, const char *rel)
{
	struct scan sc;
	struct hmap found = HMAP_INIT;
	char **gone = NULL;
	size_t i, n = 0;
	uint32_t k;

	if (*rel && (!path_shown(rel) || in_bundle(s, rel)))
		return;
	memset(&sc, 0, sizeof(sc));
	sc.s = s;
	sc.on_dir = update_watch_dir;
	if (scan_tree(&sc, rel)) {
		log_error("%s: rescan failed", *rel ? rel : ".");
		scan_free(&sc);
		return;
	}
	for (i = 0; i < sc.nposts; i++)
		hmap_put(&found, sc.posts[i].rel, strlen(sc.posts[i].rel), &sc.posts[i]);
	pthread_rwlock_rdlock(&s->lock);
	gone = calloc(s->nslots ? s->nslots : 1, sizeof(*gone));
	for (k = 0; gone && k < s->nslots; k++) {
		struct slot *sl = s->slots[k];

		if ((sl->post || sl->load_err) && under(sl->src, rel) &&
		    !hmap_get(&found, sl->src, strlen(sl->src)))
			gone[n++] = strdup(sl->src);
	}
	pthread_rwlock_unlock(&s->lock);
	for (i = 0; i < n; i++) {
		if (gone[i])
			apply(s, gone[i], NULL, NULL);
		free(gone[i]);
	}
	free(gone);
	for (i = 0; i < sc.nposts; i++)
		refresh_file(s, sc.posts[i].rel, sc.posts[i].bundle);
	hmap_free(&found);
	scan_free(&sc);
}

/* Publish and withdraw what the clock says is due. */
static void run_schedule(struct site *s)
{
	struct updater *up = s->up;
	int64_t now = now_ns() / 1000000000LL;

	while (up->nheap && up->heap[0].t <= now) {
		struct sched e = heap_pop(up);
		struct inval iv = { 0 };
		struct slot *sl;
		int vis;

		pthread_rwlock_wrlock(&s->lock);
		sl = site_slot(s, e.id);
		if (!sl || !sl->post ||
		    post_next_change(sl->post, e.t - 1, s->o.drafts, s->o.future) != e.t) {
			pthread_rwlock_unlock(&s->lock); /* stale: the post changed */
			continue;
		}
		vis = post_visible(sl->post, now, s->o.drafts, s->o.future);
		if (vis != sl->visible) {
			touch_post(s, &iv, sl);
			touch_queries(s, &iv);
			if (vis) {
				if (slot_show(s, sl, e.t * 1000000000LL, 0))
					log_error("%s: out of memory while filing the post", sl->src);
			} else {
				slot_hide(s, sl, e.t * 1000000000LL);
			}
			touch_post(s, &iv, sl);
			fix_collisions(s, &iv);
			log_info("%s: %s", sl->src, vis ? "published (its date has come)"
						    : "withdrawn (it expired)");
		}
		heap_push(up, post_next_change(sl->post, now, s->o.drafts, s->o.future), sl->id);
		pthread_rwlock_unlock(&s->lock);
		inval_send(s, &iv);
	}
	arm_timer(up);
}

static void reload_theme(struct site *s)
{
	struct theme *t, *old;
	struct buf err = BUF_INIT;
	struct inval iv = { 0 };

	if (theme_load(s->o.templates, &t, &err)) {
		log_error("%s: cannot reload the templates: out of memory", s->o.templates);
		buf_free(&err);
		return;
	}
	if (err.len)
		log_warn("%.*s", (int)err.len - 1, err.data);
	buf_free(&err);
	pthread_rwlock_wrlock(&s->lock);
	old = s->theme;
	s->theme = t;
	s->theme_ver++;
	touch_all(s, &iv);
	pthread_rwlock_unlock(&s->lock);
	theme_unref(old);
	log_info("%s: templates reloaded", s->o.templates);
	inval_send(s, &iv);
}

/* ---- events ------------------------------------------------------------------------ */

static void pend_add(struct updater *up, const char *rel, unsigned kind)
{
	struct pend *p = hmap_get(&up->pending, rel, strlen(rel));

	if (p) {
		p->kind |= kind;
		return;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->rel = strdup(rel)) || hmap_put(&up->pending, p->rel, strlen(p->rel), p)) {
		if (p)
			free(p->rel);
		free(p);
		up->rescan_all = 1; /* cannot remember it: look at everything */
		return;
	}
	p->kind = kind;
}

static void drop_watches_under(struct site *s, const char *rel)
{
	struct updater *up = s->up;
	size_t i;

	for (i = 0; i < up->nwd; i++) {
		if (up->wdpath[i] && (int)i != up->tmpl_wd && under(up->wdpath[i], rel) &&
		    strcmp(up->wdpath[i], rel)) {
			inotify_rm_watch(up->ifd, (int)i);
			free(up->wdpath[i]);
			up->wdpath[i] = NULL;
		}
	}
}

static void read_events(struct site *s)
{
	struct updater *up = s->up;
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	char rel[PATH_MAX];
	ssize_t n;
	char *p;

	while ((n = read(up->ifd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(struct inotify_event) + ((struct inotify_event *)p)->len) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			const char *dir;

			if (ev->mask & IN_Q_OVERFLOW) {
				log_warn("inotify queue overflowed: rescanning all of SOURCE "
					 "to catch up");
				up->rescan_all = 1;
				continue;
			}
			if (ev->wd == up->tmpl_wd && up->tmpl_wd >= 0) {
				if (ev->mask & IN_IGNORED)
					up->tmpl_wd = -1;
				up->theme_changed = 1;
				continue;
			}
			if (ev->wd < 0 || (size_t)ev->wd >= up->nwd || !up->wdpath[ev->wd])
				continue;
			dir = up->wdpath[ev->wd];
			if (ev->mask & IN_IGNORED) {
				if (!*dir)
					up->rescan_all = 1;
				free(up->wdpath[ev->wd]);
				up->wdpath[ev->wd] = NULL;
				continue;
			}
			if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
				if (!*dir) {
					log_error("%s: SOURCE itself was removed or moved; "
						  "serving what is left", s->o.source);
					up->rescan_all = 1;
				}
				continue;
			}
			if (!ev->len)
				continue;
			if ((size_t)snprintf(rel, sizeof(rel), "%s%s%s", dir, *dir ? "/" : "",
					     ev->name) >= sizeof(rel))
				continue;
			if (ev->mask & IN_ISDIR) {
				if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
					drop_watches_under(s, rel);
					pend_add(up, rel, P_GONE_DIR);
				} else if (ev->mask & (IN_CREATE | IN_MOVED_TO | IN_ATTRIB)) {
					pend_add(up, rel, P_DIR);
				}
				pend_add(up, rel, P_RES);
				continue;
			}
			/* index.md makes its folder a page bundle, or stops it
			 * being one: the whole folder is to be looked at again */
			if (scan_is_bundle_index(ev->name) && *dir &&
			    (ev->mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)))
				pend_add(up, dir, P_DIR);
			else
				pend_add(up, rel, P_FILE);
		}
	}
}

static void process(struct site *s)
{
	struct updater *up = s->up;
	struct pend *p;
	size_t i = 0;
	int pass;

	if (up->rescan_all) {
		up->rescan_all = 0;
		while ((p = hmap_next(&up->pending, &i))) {
			free(p->rel);
			free(p);
		}
		hmap_free(&up->pending);
		reconcile_dir(s, "");
	}
	/* What is gone first, then what changed, then what is new: a post
	 * renamed or moved keeps its name in posts/ instead of finding it
	 * still taken by its own old self. */
	for (pass = 0; pass < 4; pass++) {
		i = 0;
		while ((p = hmap_next(&up->pending, &i))) {
			struct stat st;
			int exists = !fstatat(s->srcfd, p->rel, &st, 0);

			if (pass == 0 && (p->kind & P_GONE_DIR))
				forget_dir(s, p->rel);
			else if (pass == 1 && (p->kind & P_FILE) && !(p->kind & P_DIR) && !exists)
				refresh_file(s, p->rel, 0);
			else if (pass == 2 && (p->kind & P_FILE) && !(p->kind & P_DIR) && exists)
				refresh_file(s, p->rel, in_bundle(s, p->rel) &&
					     scan_is_bundle_index(strrchr(p->rel, '/') ?
								  strrchr(p->rel, '/') + 1 : p->rel));
			else if (pass == 3 && (p->kind & P_DIR))
				reconcile_dir(s, p->rel);
			if (pass == 3 && (p->kind & P_RES))
				touch_res(s, p->rel);
		}
	}
	commit(s);
	i = 0;
	while ((p = hmap_next(&up->pending, &i))) {
		free(p->rel);
		free(p);
	}
	hmap_free(&up->pending);
	if (up->theme_changed) {
		up->theme_changed = 0;
		reload_theme(s);
	}
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *updater_main(void *arg)
{
	struct site *s = arg;
	struct updater *up = s->up;
	struct pollfd pf[4];
	int64_t first = 0, last_rescan = mono_ms();
	int timeout;

	pf[0] = (struct pollfd){ .fd = up->ifd, .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = up->tfd, .events = POLLIN };
	pf[2] = (struct pollfd){ .fd = up->efd, .events = POLLIN };
	pf[3] = (struct pollfd){ .fd = up->nfd, .events = POLLIN };
	run_schedule(s);
	for (;;) {
		int nudged = 0;

		int busy = up->pending.len || up->rescan_all || up->theme_changed;

		/* Gather a burst of events (an editor's save, a git checkout)
		 * for 20 ms of quiet, but never hold a change back longer than
		 * 200 ms. */
		timeout = busy ? (int)(first + 200 - mono_ms() < 20 ? first + 200 - mono_ms() : 20)
			       : up->watch_failed ? 10000 : -1;
		if (timeout < 0 && busy)
			timeout = 0;
		if (poll(pf, 4, timeout) < 0 && errno != EINTR)
			break;
		if (pf[3].revents & POLLIN) {
			uint64_t v;
			size_t i;

			if (read(up->nfd, &v, sizeof(v)) < 0)
				(void)0;
			pthread_mutex_lock(&up->nlock);
			for (i = 0; i < up->nnudges; i++) {
				pend_add(up, up->nudges[i], P_FILE);
				free(up->nudges[i]);
			}
			up->nnudges = 0;
			pthread_mutex_unlock(&up->nlock);
			nudged = 1; /* someone waits: no quiet period */
		}
		if (pf[2].revents & POLLIN) {
			uint64_t v;

			if (read(up->efd, &v, sizeof(v)) == sizeof(v) && v >= (1ULL << 32))
				break; /* stop */
			log_info("rescanning SOURCE on request");
			up->rescan_all = 1;
		}
		if (pf[0].revents & POLLIN) {
			if (!busy)
				first = mono_ms();
			read_events(s);
			if (!nudged && mono_ms() - first < 200)
				continue;
		}
		if (pf[1].revents & POLLIN) {
			uint64_t v;

			if (read(up->tfd, &v, sizeof(v)) < 0)
				(void)0;
			up->timer_at = 0;
		}
		if (up->watch_failed && mono_ms() - last_rescan > 10000) {
			/* some folders could not be watched: look at them now
			 * and then */
			up->rescan_all = 1;
			last_rescan = mono_ms();
		}
		process(s);
		run_schedule(s);
		pthread_mutex_lock(&up->nlock);
		up->applied++;
		pthread_cond_broadcast(&up->ncond);
		pthread_mutex_unlock(&up->nlock);
	}
	return NULL;
}

/* Queue src for the updater and wake it; the round count before. */
static uint64_t nudge(struct updater *up, const char *src)
{
	uint64_t one = 1, from;
	char **v;

	v = realloc(up->nudges, (up->nnudges + 1) * sizeof(*v));
	if (v) {
		up->nudges = v;
		v[up->nnudges] = strdup(src);
		if (v[up->nnudges])
			up->nnudges++;
	}
	from = up->applied;
	if (write(up->nfd, &one, sizeof(one)) < 0)
		(void)0;
	return from;
}

void site_nudge(struct site *s, const char *src)
{
	struct updater *up = s->up;

	if (!up || !up->running)
		return;
	pthread_mutex_lock(&up->nlock);
	nudge(up, src);
	pthread_mutex_unlock(&up->nlock);
}

void site_nudge_wait(struct site *s, const char *src)
{
	struct updater *up = s->up;
	struct timespec until;
	uint64_t from;

	if (!up || !up->running)
		return;
	/* not long: the updater's notices to the kernel may wait for the
	 * very request this waits in (the kernel holds its folder's lock) */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 300000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	if (pthread_equal(pthread_self(), up->th)) {
		/* the updater itself, keeping old bytes: nothing to wait for */
		pthread_mutex_lock(&up->nlock);
		nudge(up, src);
		pthread_mutex_unlock(&up->nlock);
		return;
	}
	pthread_mutex_lock(&up->nlock);
	from = nudge(up, src);
	/* a round that began before the nudge may not include it: wait for
	 * the one after */
	while (up->applied < from + 2)
		if (pthread_cond_timedwait(&up->ncond, &up->nlock, &until))
			break;
	pthread_mutex_unlock(&up->nlock);
}

/* ---- set-up ---------------------------------------------------------------------- */

int update_init(struct site *s)
{
	struct updater *up = calloc(1, sizeof(*up));

	if (!up)
		return -ENOMEM;
	up->tmpl_wd = -1;
	up->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	up->tfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	up->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	up->nfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pthread_mutex_init(&up->nlock, NULL);
	pthread_cond_init(&up->ncond, NULL);
	s->up = up;
	if (up->ifd < 0 || up->tfd < 0 || up->efd < 0 || up->nfd < 0)
		return -errno;
	if (s->o.templates) {
		up->tmpl_wd = inotify_add_watch(up->ifd, s->o.templates,
						IN_CREATE | IN_DELETE | IN_CLOSE_WRITE |
						IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR);
		if (up->tmpl_wd < 0)
			log_warn("%s: cannot watch the templates folder: %s", s->o.templates,
				 strerror(errno));
	}
	return 0;
}

void update_watch_dir(struct site *s, const char *rel)
{
	struct updater *up = s->up;
	char path[PATH_MAX];
	int wd;

	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", s->srcreal, *rel ? "/" : "", rel)
	    >= sizeof(path))
		return;
	wd = inotify_add_watch(up->ifd, path, WATCH_MASK);
	if (wd < 0) {
		if (!up->watch_failed)
			log_warn("%s: cannot watch for changes (%s)%s; folders not watched "
				 "are rescanned every 10 s", path, strerror(errno),
				 errno == ENOSPC ? ": fs.inotify.max_user_watches is too low" : "");
		up->watch_failed = 1;
		return;
	}
	if ((size_t)wd >= up->nwd) {
		size_t n = (size_t)wd + 64;
		char **v = realloc(up->wdpath, n * sizeof(*v));

		if (!v)
			return;
		memset(v + up->nwd, 0, (n - up->nwd) * sizeof(*v));
		up->wdpath = v;
		up->nwd = n;
	}
	/* the same folder seen under a new path (it was moved) */
	free(up->wdpath[wd]);
	up->wdpath[wd] = strdup(rel);
}

int site_start_updater(struct site *s, const struct site_notify *n)
{
	struct updater *up = s->up;
	uint32_t i;
	int64_t now = now_ns() / 1000000000LL;

	up->notify = *n;
	pthread_rwlock_rdlock(&s->lock);
	for (i = 0; i < s->nslots; i++)
		if (s->slots[i]->post)
			heap_push(up, post_next_change(s->slots[i]->post, now, s->o.drafts,
						       s->o.future), s->slots[i]->id);
	pthread_rwlock_unlock(&s->lock);
	if (pthread_create(&up->th, NULL, updater_main, s))
		return -EAGAIN;
	up->running = 1;
	return 0;
}

void site_stop_updater(struct site *s)
{
	struct updater *up = s->up;
	uint64_t v = 1ULL << 32;

	if (!up || !up->running)
		return;
	if (write(up->efd, &v, sizeof(v)) != sizeof(v))
		log_error("cannot stop the updater");
	pthread_join(up->th, NULL);
	up->running = 0;
}

void site_request_rescan(struct site *s)
{
	uint64_t v = 1;

	if (s && s->up && s->up->efd >= 0 && write(s->up->efd, &v, sizeof(v)) < 0)
		(void)0;
}

void update_fini(struct site *s)
{
	struct updater *up = s->up;
	struct pend *p;
	size_t i = 0;

	if (!up)
		return;
	site_stop_updater(s);
	while ((p = hmap_next(&up->pending, &i))) {
		free(p->rel);
		free(p);
	}
	hmap_free(&up->pending);
	changes_clear(up);
	free(up->changes);
	for (i = 0; i < up->nwd; i++)
		free(up->wdpath[i]);
	free(up->wdpath);
	free(up->heap);
	if (up->ifd >= 0)
		close(up->ifd);
	if (up->tfd >= 0)
		close(up->tfd);
	if (up->efd >= 0)
		close(up->efd);
	if (up->nfd >= 0)
		close(up->nfd);
	for (i = 0; i < up->nnudges; i++)
		free(up->nudges[i]);
	free(up->nudges);
	pthread_cond_destroy(&up->ncond);
	pthread_mutex_destroy(&up->nlock);
	free(up);
	s->up = NULL;
}
