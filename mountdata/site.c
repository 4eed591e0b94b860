/* site.c — building the model: scanning SOURCE, loading post records,
 * filing visible posts into the indexes, and keeping listing versions
 * and mtimes. */
#include "site_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "names.h"

void site_opts_default(struct site_opts *o)
{
	static const struct fm_limits fm = FM_LIMITS_DEFAULT;

	memset(o, 0, sizeof(*o));
	o->cache_bytes = 64u << 20;
	o->page_size = 20;
	o->taxonomies = "tag:tags,category:categories";
	o->max_file = 16u << 20;
	o->fm = fm;
	o->max_terms = 100;
	o->readahead = 16;
	o->title = "postfs";
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

uint64_t site_tick(struct site *s)
{
	return ++s->clock;
}

/* ---- vectors of slots, newest first ---------------------------------- */

int slot_cmp(const struct slot *a, const struct slot *b)
{
	if (a->sort_t != b->sort_t)
		return a->sort_t > b->sort_t ? -1 : 1;
	if (a->sort_ns != b->sort_ns)
		return a->sort_ns > b->sort_ns ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int slot_qcmp(const void *a, const void *b)
{
	return slot_cmp(*(struct slot *const *)a, *(struct slot *const *)b);
}

static int pvec_push(struct pvec *v, struct slot *sl)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		struct slot **p = realloc(v->v, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		v->v = p;
		v->cap = cap;
	}
	v->v[v->n++] = sl;
	return 0;
}

static size_t pvec_find(const struct pvec *v, const struct slot *sl)
{
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (slot_cmp(v->v[mid], sl) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int pvec_insert(struct pvec *v, struct slot *sl)
{
	size_t at = pvec_find(v, sl);

	if (pvec_push(v, sl))
		return -ENOMEM;
	memmove(v->v + at + 1, v->v + at, (v->n - 1 - at) * sizeof(*v->v));
	v->v[at] = sl;
	return 0;
}

static void pvec_remove(struct pvec *v, struct slot *sl)
{
	size_t at = pvec_find(v, sl);

	if (at < v->n && v->v[at] == sl) {
		memmove(v->v + at, v->v + at + 1, (v->n - at - 1) * sizeof(*v->v));
		v->n--;
	}
}

static void pvec_sort(struct pvec *v)
{
	if (v->n > 1)
		qsort(v->v, v->n, sizeof(*v->v), slot_qcmp);
}

/* ---- listings ---------------------------------------------------------- */

/* Something in listing l changed at time t (ns): a member joined, was
 * edited or left.  Its bytes may differ now, so it gets a new version,
 * and its mtime moves to t when t is newer. */
static void listing_touch(struct site *s, struct listing *l, int64_t t, int bulk)
{
	if (t > l->mtime_ns)
		l->mtime_ns = t;
	else if (!bulk && l->mtime_ns > t)
		/* A member dated ahead of the clock put the mtime ahead:
		 * the bytes change now all the same, so the mtime must move
		 * too, by a second, the grain of Last-Modified and of
		 * nginx's ETag. */
		l->mtime_ns += 1000000000LL;
	if (!bulk) {
		l->ver = site_tick(s);
		l->gen++;
	}
}

/* ---- terms ------------------------------------------------------------- */

static int is_reserved_name(const char *name)
{
	static const char *const fixed[] = {
		"index.html", "index.json", "feed.xml", "sitemap.xml",
		"style.css", "+", NULL
	};
	const char *p;
	int i;

	for (i = 0; fixed[i]; i++)
		if (!strcasecmp(name, fixed[i]))
			return 1;
	/* index-N.html: the pages of a listing */
	if (strncasecmp(name, "index-", 6))
		return 0;
	for (p = name + 6; *p >= '0' && *p <= '9'; p++)
		;
	return p > name + 6 && !strcasecmp(p, ".html");
}

static struct term *term_get(struct site *s, unsigned t, const char *spelling)
{
	struct tax *x = &s->tax[t];
	struct buf nb = BUF_INIT, kb = BUF_INIT;
	struct term *tm, **terms;

	name_make(&nb, spelling, strlen(spelling), NAME_MAX_BYTES);
	name_key(&kb, nb.data ? nb.data : "", nb.len);
	buf_add(&kb, "", 0);
	buf_free(&nb);
	if (kb.oom)
		goto fail;
	tm = hmap_get(&x->by_key, kb.data, kb.len);
	if (tm) {
		buf_free(&kb);
		return tm;
	}
	if (x->nterms >= NODE_MAX_TERM)
		goto fail;
	tm = calloc(1, sizeof(*tm));
	if (!tm)
		goto fail;
	terms = realloc(x->terms, (x->nterms + 1) * sizeof(*terms));
	if (!terms)
		goto fail_term;
	x->terms = terms;
	tm->id = x->nterms;
	tm->tax = (uint8_t)t;
	tm->key = buf_detach(&kb, NULL);
	if (hmap_put(&x->by_key, tm->key, strlen(tm->key), tm))
		goto fail_key;
	x->terms[x->nterms++] = tm;
	return tm;

fail_key:
	free(tm->key);
fail_term:
	free(tm);
fail:
	buf_free(&kb);
	return NULL;
}

/* Give a term that gained its first member (or, in bulk, all of its
 * members) its folder name, from its most written spelling. */
static int term_name(struct tax *x, struct term *tm)
{
	struct buf nb = BUF_INIT;
	unsigned i, best = 0, k;
	size_t base;

	for (i = 1; i < tm->nsp; i++)
		if (tm->sp[i].count > tm->sp[best].count ||
		    (tm->sp[i].count == tm->sp[best].count &&
		     strcmp(tm->sp[i].text, tm->sp[best].text) < 0))
			best = i;
	name_make(&nb, tm->sp[best].text, strlen(tm->sp[best].text), NAME_MAX_BYTES - 12);
	buf_add(&nb, "", 0);
	/* Never the name of a generated file, nor of another term's folder
	 * (two keys can meet here only through these very suffixes): add
	 * '_' until free, and past a few, the key's hash. */
	base = nb.len;
	for (k = 0; !nb.oom && k < 64 && (is_reserved_name(nb.data) ||
					  hmap_get(&x->by_name, nb.data, nb.len)); k++) {
		unsigned u;

		nb.len = base;
		if (k < 4)
			for (u = 0; u <= k; u++)
				buf_addc(&nb, '_');
		else
			buf_printf(&nb, "~%08llx", (name_hash(tm->key, strlen(tm->key)) + k) &
				   0xffffffffULL);
		buf_add(&nb, "", 0);
	}
	free(tm->name);
	tm->name = buf_detach(&nb, NULL);
	return hmap_put(&x->by_name, tm->name, strlen(tm->name), tm);
}

static int term_add(struct site *s, struct term *tm, struct slot *sl,
		    const char *spelling, int bulk)
{
	struct tax *x = &s->tax[tm->tax];
	unsigned i;

	for (i = 0; i < tm->nsp && strcmp(tm->sp[i].text, spelling); i++)
		;
	if (i == tm->nsp) {
		struct spelling *sp = realloc(tm->sp, (tm->nsp + 1) * sizeof(*sp));

		if (!sp)
			return -ENOMEM;
		tm->sp = sp;
		sp[i].text = strdup(spelling);
		if (!sp[i].text)
			return -ENOMEM;
		sp[i].count = 0;
		tm->nsp++;
	}
	if (bulk ? pvec_push(&tm->members, sl) : pvec_insert(&tm->members, sl))
		return -ENOMEM;
	tm->sp[i].count++;
	if (!bulk && tm->members.n == 1)
		return term_name(x, tm);
	return 0;
}

static void term_remove(struct site *s, struct term *tm, struct slot *sl,
			const char *spelling)
{
	struct tax *x = &s->tax[tm->tax];
	unsigned i;

	pvec_remove(&tm->members, sl);
	for (i = 0; i < tm->nsp; i++) {
		if (strcmp(tm->sp[i].text, spelling))
			continue;
		if (--tm->sp[i].count == 0) {
			free(tm->sp[i].text);
			tm->sp[i] = tm->sp[--tm->nsp];
		}
		break;
	}
	if (!tm->members.n && tm->name) {
		hmap_del(&x->by_name, tm->name, strlen(tm->name));
		free(tm->name);
		tm->name = NULL;
	}
}

/* ---- dates --------------------------------------------------------------- */

static struct dayb *day_get(struct site *s, int y, int m, int d)
{
	struct yearb *yb;
	struct monthb *mb;
	struct dayb *db;

	if (y < 0 || y > NODE_MAX_YEAR || m < 1 || m > 12 || d < 1 || d > 31)
		return NULL;
	yb = s->years[y];
	if (!yb) {
		yb = calloc(1, sizeof(*yb));
		if (!yb)
			return NULL;
		yb->y = (uint16_t)y;
		s->years[y] = yb;
	}
	mb = yb->months[m];
	if (!mb) {
		mb = calloc(1, sizeof(*mb));
		if (!mb)
			return NULL;
		yb->months[m] = mb;
	}
	db = mb->days[d];
	if (!db) {
		db = calloc(1, sizeof(*db));
		if (!db)
			return NULL;
		db->y = (uint16_t)y;
		db->m = (uint8_t)m;
		db->d = (uint8_t)d;
		mb->days[d] = db;
	}
	return db;
}

/* ---- names in posts/ ------------------------------------------------------- */

/* The first free name for a post: its slug made a name, then -2, -3...
 * Names taken stay with their posts while mounted, so a newcomer never
 * renames an existing page; at mount, posts are named oldest first. */
static int post_name(struct site *s, struct slot *sl)
{
	struct buf base = BUF_INIT, nb = BUF_INIT;
	const char *slug = sl->post->slug;
	unsigned k;

	/* leave room for ".html" and a "-NNNN" suffix */
	name_make(&base, slug, strlen(slug), NAME_MAX_BYTES - 16);
	buf_add(&base, "", 0);
	if (!base.oom && (!strcmp(base.data, "index") ||
			  (!strncmp(base.data, "index-", 6) &&
			   strspn(base.data + 6, "0123456789") == base.len - 6)))
		buf_adds(&base, "_");
	for (k = 1; !base.oom; k++) {
		buf_reset(&nb);
		buf_add(&nb, base.data, base.len);
		if (k > 1)
			buf_printf(&nb, "-%u", k);
		buf_add(&nb, "", 0);
		if (nb.oom || !hmap_get(&s->by_name, nb.data, nb.len))
			break;
	}
	buf_free(&base);
	if (nb.oom) {
		buf_free(&nb);
		return -ENOMEM;
	}
	sl->name = buf_detach(&nb, NULL);
	return hmap_put(&s->by_name, sl->name, strlen(sl->name), sl);
}

/* ---- filing a post ----------------------------------------------------------- */

/* Touch every listing a slot's post is in, at time t. */
static void touch_listings(struct site *s, struct slot *sl, int64_t t, int bulk)
{
	unsigned tx, i;

	listing_touch(s, &s->l_all, t, bulk);
	listing_touch(s, &s->l_posts, t, bulk);
	for (tx = 0; tx < s->ntax; tx++) {
		if (sl->nmember_of[tx])
			listing_touch(s, &s->tax[tx].l, t, bulk);
		for (i = 0; i < sl->nmember_of[tx]; i++)
			listing_touch(s, &sl->member_of[tx][i]->l, t, bulk);
	}
	if (sl->day) {
		struct yearb *yb = s->years[sl->day->y];

		listing_touch(s, &sl->day->l, t, bulk);
		listing_touch(s, &yb->months[sl->day->m]->l, t, bulk);
		listing_touch(s, &yb->l, t, bulk);
		listing_touch(s, &s->l_dates, t, bulk);
	}
}

/* File a visible post under its name, terms and date.  In bulk (at
 * mount) vectors are appended to and sorted once at the end. */
int slot_show(struct site *s, struct slot *sl, int64_t t, int bulk)
{
	struct post *p = sl->post;
	struct dayb *db;
	unsigned tx, i;
	int ret;

	ret = post_name(s, sl);
	if (ret)
		return ret;
	sl->sort_t = p->date.t;
	sl->sort_ns = p->date.nsec;
	if ((ret = bulk ? pvec_push(&s->all, sl) : pvec_insert(&s->all, sl)))
		return ret;
	for (tx = 0; tx < s->ntax; tx++) {
		sl->member_of[tx] = calloc(p->nterms[tx] ? p->nterms[tx] : 1,
					   sizeof(struct term *));
		if (!sl->member_of[tx])
			return -ENOMEM;
		for (i = 0; i < p->nterms[tx]; i++) {
			struct term *tm = term_get(s, tx, p->terms[tx][i]);

			if (!tm)
				return -ENOMEM;
			if ((ret = term_add(s, tm, sl, p->terms[tx][i], bulk)))
				return ret;
			sl->member_of[tx][sl->nmember_of[tx]++] = tm;
		}
	}
	db = day_get(s, p->date.y, p->date.mo, p->date.d);
	if (db) {
		if ((ret = bulk ? pvec_push(&db->members, sl) : pvec_insert(&db->members, sl)))
			return ret;
		s->years[db->y]->months[db->m]->count++;
		if (s->years[db->y]->count++ == 0)
			s->nyears++;
		sl->day = db;
	}
	sl->visible = 1;
	sl->ver = site_tick(s);
	sl->gen++;
	t = t > post_visible_since(p, s->o.future) ? t : post_visible_since(p, s->o.future);
	touch_listings(s, sl, t, bulk);
	return 0;
}

/* Take a post out of every index it is in; t is when it left. */
void slot_hide(struct site *s, struct slot *sl, int64_t t)
{
	struct post *p = sl->post;
	unsigned tx, i;

	if (!sl->visible)
		return;
	touch_listings(s, sl, t, 0);
	pvec_remove(&s->all, sl);
	for (tx = 0; tx < s->ntax; tx++) {
		for (i = 0; i < sl->nmember_of[tx]; i++)
			term_remove(s, sl->member_of[tx][i], sl, p->terms[tx][i]);
		free(sl->member_of[tx]);
		sl->member_of[tx] = NULL;
		sl->nmember_of[tx] = 0;
	}
	if (sl->day) {
		struct yearb *yb = s->years[sl->day->y];

		pvec_remove(&sl->day->members, sl);
		yb->months[sl->day->m]->count--;
		if (--yb->count == 0)
			s->nyears--;
		sl->day = NULL;
	}
	hmap_del(&s->by_name, sl->name, strlen(sl->name));
	free(sl->name);
	sl->name = NULL;
	sl->visible = 0;
	sl->ver = site_tick(s);
	sl->gen++;
}

/* ---- scanning --------------------------------------------------------------- */


void scan_error(struct site *s, const char *rel, const char *fmt, ...)
{
	char msg[512], *line;
	char **v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn("%s: %s", rel, msg);
	if (asprintf(&line, "%s\t%s", rel, msg) < 0)
		return;
	v = realloc(s->scan_errs, (s->nscan_errs + 1) * sizeof(*v));
	if (!v) {
		free(line);
		return;
	}
	s->scan_errs = v;
	v[s->nscan_errs++] = line;
}

int scan_ignored(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '.' || name[n - 1] == '~' ||
	       (name[0] == '#' && n > 1 && name[n - 1] == '#');
}

int scan_is_post(const char *name)
{
	size_t n = strlen(name);

	return (n > 3 && !strcasecmp(name + n - 3, ".md")) ||
	       (n > 9 && !strcasecmp(name + n - 9, ".markdown"));
}

int scan_is_bundle_index(const char *name)
{
	return !strcasecmp(name, "index.md") || !strcasecmp(name, "index.markdown");
}

static int add_found(struct scan *sc, const char *rel, int bundle)
{
	if (sc->nposts == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 256;
		struct found *f = realloc(sc->posts, cap * sizeof(*f));

		if (!f)
			return -ENOMEM;
		sc->posts = f;
		sc->cap = cap;
	}
	sc->posts[sc->nposts].rel = strdup(rel);
	if (!sc->posts[sc->nposts].rel)
		return -ENOMEM;
	sc->posts[sc->nposts++].bundle = bundle;
	return 0;
}

/* 1 when the real location of SOURCE/rel is inside SOURCE. */
static int inside_source(struct site *s, const char *rel)
{
	char path[PATH_MAX], *real;
	size_t n = strlen(s->srcreal);
	int in;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", s->srcreal, rel) >= sizeof(path))
		return 0;
	real = realpath(path, NULL);
	if (!real)
		return 0;
	in = !strncmp(real, s->srcreal, n) && (real[n] == '/' || real[n] == '\0');
	if (n == 1) /* SOURCE is / */
		in = 1;
	free(real);
	return in;
}

static int walk(struct scan *sc, int dfd, const char *rel);
static int walk_dir(struct scan *sc, int dfd, const char *rel);

static int strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walk folder rel (opened as dfd, which this takes over). */
static int walk(struct scan *sc, int dfd, const char *rel)
{
	if (sc->on_dir)
		sc->on_dir(sc->s, rel);
	return walk_dir(sc, dfd, rel);
}

static int walk_dir(struct scan *sc, int dfd, const char *rel)
{
	struct site *s = sc->s;
	DIR *d;
	struct dirent *de;
	struct stat st;
	char key[64], child[PATH_MAX];
	int ret = 0, bundle = 0;
	char **names = NULL;
	size_t n = 0, cap = 0, i;

	if (fstat(dfd, &st)) {
		close(dfd);
		return 0;
	}
	snprintf(key, sizeof(key), "%llx:%llx", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	if (hmap_get(&sc->seen, key, strlen(key))) {
		close(dfd);
		if (*rel)
			scan_error(s, rel, "folder already scanned (a symbolic link loop "
				   "or a second link to it); ignored");
		return 0;
	}
	{
		char **k = realloc(sc->seen_keys, (sc->nseen + 1) * sizeof(*k));

		if (!k) {
			close(dfd);
			return -ENOMEM;
		}
		sc->seen_keys = k;
		k[sc->nseen] = strdup(key);
		if (!k[sc->nseen] || hmap_put(&sc->seen, k[sc->nseen], strlen(key), k)) {
			free(k[sc->nseen]);
			close(dfd);
			return -ENOMEM;
		}
		sc->nseen++;
	}
	d = fdopendir(dfd);
	if (!d) {
		scan_error(s, *rel ? rel : ".", "cannot read folder: %s", strerror(errno));
		close(dfd);
		return 0;
	}
	/* Read all names first: sorted, so the scan order (and with it post
	 * ids and names) is the same on every mount. */
	errno = 0;
	while ((de = readdir(d))) {
		if (scan_ignored(de->d_name))
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*p));

			if (!p) {
				ret = -ENOMEM;
				goto out;
			}
			names = p;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			ret = -ENOMEM;
			goto out;
		}
		if (scan_is_bundle_index(names[n]) && *rel)
			bundle = 1;
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), strcmp_ptr);
	for (i = 0; i < n && !ret; i++) {
		const char *nm = names[i];
		int islink = 0;

		if ((size_t)snprintf(child, sizeof(child), "%s%s%s", rel, *rel ? "/" : "", nm)
		    >= sizeof(child)) {
			scan_error(s, rel, "a path under it is too long; ignored");
			continue;
		}
		if (fstatat(dirfd(d), nm, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (S_ISLNK(st.st_mode)) {
			islink = 1;
			if (fstatat(dirfd(d), nm, &st, 0)) {
				scan_error(s, child, "symbolic link to nothing (%s); ignored",
					   strerror(errno));
				continue;
			}
			if (!inside_source(s, child)) {
				scan_error(s, child, "symbolic link points outside SOURCE; ignored");
				continue;
			}
		}
		if (bundle) {
			/* In a page bundle, index.md is the post and the rest
			 * are its resources. */
			if (S_ISREG(st.st_mode) && scan_is_bundle_index(nm))
				ret = add_found(sc, child, 1);
			else if (S_ISREG(st.st_mode))
				s->src_bytes += (uint64_t)st.st_size;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			int cfd;

			if (sc->depth >= 64) {
				scan_error(s, child, "folder nested deeper than 64; ignored");
				continue;
			}
			cfd = openat(dirfd(d), nm, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (cfd < 0) {
				scan_error(s, child, "cannot open folder: %s", strerror(errno));
				continue;
			}
			sc->depth++;
			ret = walk(sc, cfd, child);
			sc->depth--;
		} else if (S_ISREG(st.st_mode)) {
			s->src_bytes += (uint64_t)st.st_size;
			if (scan_is_post(nm))
				ret = add_found(sc, child, 0);
		}
		(void)islink;
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return ret;
}

int scan_tree(struct scan *sc, const char *rel)
{
	int fd;

	/* a new open even for SOURCE itself: a dup() would share the
	 * directory offset that the last scan left at its end */
	fd = openat(sc->s->srcfd, *rel ? rel : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	return walk(sc, fd, rel);
}

void scan_free(struct scan *sc)
{
	size_t i;

	for (i = 0; i < sc->nposts; i++)
		free(sc->posts[i].rel);
	free(sc->posts);
	for (i = 0; i < sc->nseen; i++)
		free(sc->seen_keys[i]);
	free(sc->seen_keys);
	hmap_free(&sc->seen);
	memset(sc, 0, sizeof(*sc));
}

/* ---- loading ---------------------------------------------------------------- */

struct loader {
	struct site *s;
	struct scan *sc;
	struct post **out;
	int *err;
	atomic_size_t next;
};

static void *load_worker(void *arg)
{
	struct loader *l = arg;
	size_t i;

	while ((i = atomic_fetch_add(&l->next, 1)) < l->sc->nposts)
		l->err[i] = post_load(l->s->srcfd, l->sc->posts[i].rel,
				      l->sc->posts[i].bundle, &l->s->cfg, &l->out[i]);
	return NULL;
}

/* Read every post's head, on a few threads: most of a mount's start-up
 * is this, and it is I/O and YAML parsing that parallelise well. */
static int load_all(struct site *s, struct scan *sc, struct post **out, int *err)
{
	struct loader l = { s, sc, out, err, 0 };
	pthread_t th[8];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int i, nth = ncpu < 1 ? 1 : ncpu > 8 ? 8 : (int)ncpu;

	if (sc->nposts < 64)
		nth = 1;
	for (i = 1; i < nth; i++)
		if (pthread_create(&th[i], NULL, load_worker, &l))
			break;
	nth = i;
	load_worker(&l);
	for (i = 1; i < nth; i++)
		pthread_join(th[i], NULL);
	return 0;
}

struct slot *slot_new(struct site *s, const char *src)
{
	struct slot *sl;

	if (s->nslots >= NODE_MAX_POST)
		return NULL;
	if (s->nslots == s->capslots) {
		uint32_t cap = s->capslots ? s->capslots * 2 : 256;
		struct slot **v = realloc(s->slots, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->slots = v;
		s->capslots = cap;
	}
	sl = calloc(1, sizeof(*sl));
	if (!sl)
		return NULL;
	sl->src = strdup(src);
	if (!sl->src || hmap_put(&s->by_src, sl->src, strlen(sl->src), sl)) {
		free(sl->src);
		free(sl);
		return NULL;
	}
	/* id 0 is never used: it stays free as "no post" in inodes */
	sl->id = s->nslots + 1;
	s->slots[s->nslots++] = sl;
	sl->ver = site_tick(s);
	return sl;
}

/* The slot of post id, or NULL. */
struct slot *site_slot(struct site *s, uint32_t id)
{
	return id >= 1 && id <= s->nslots ? s->slots[id - 1] : NULL;
}

void log_post_errors(const struct post *p)
{
	unsigned i;

	for (i = 0; i < p->nerrs; i++) {
		if (p->errs[i].line && p->errs[i].column)
			log_warn("%s:%d:%d: %s", p->src, p->errs[i].line,
				 p->errs[i].column, p->errs[i].msg);
		else if (p->errs[i].line)
			log_warn("%s:%d: %s", p->src, p->errs[i].line, p->errs[i].msg);
		else
			log_warn("%s: %s", p->src, p->errs[i].msg);
	}
}

static int cmp_oldest_first(const void *a, const void *b)
{
	const struct slot *x = *(struct slot *const *)a, *y = *(struct slot *const *)b;

	return -slot_cmp(x, y);
}

/* Build the indexes from every loaded post: at mount, all at once. */
static int build(struct site *s, struct scan *sc)
{
	struct post **posts;
	struct slot **vis;
	int *errs, ret = -ENOMEM;
	int64_t now = now_ns() / 1000000000LL;
	size_t i, nvis = 0;
	unsigned tx;
	uint32_t k;

	posts = calloc(sc->nposts ? sc->nposts : 1, sizeof(*posts));
	errs = calloc(sc->nposts ? sc->nposts : 1, sizeof(*errs));
	vis = calloc(sc->nposts ? sc->nposts : 1, sizeof(*vis));
	if (!posts || !errs || !vis)
		goto out;
	load_all(s, sc, posts, errs);
	for (i = 0; i < sc->nposts; i++) {
		struct slot *sl = slot_new(s, sc->posts[i].rel);

		if (!sl)
			goto out;
		if (errs[i] == -ENOMEM)
			goto out;
		if (errs[i]) {
			if (asprintf(&sl->load_err, "cannot read: %s", strerror(-errs[i])) < 0)
				sl->load_err = NULL;
			log_warn("%s: cannot read: %s", sl->src, strerror(-errs[i]));
			continue;
		}
		sl->post = posts[i];
		posts[i] = NULL;
		dirposts_add(s, sl->src, 1);
		log_post_errors(sl->post);
		if (post_visible(sl->post, now, s->o.drafts, s->o.future)) {
			/* filed under its date, to be named oldest first */
			sl->sort_t = sl->post->date.t;
			sl->sort_ns = sl->post->date.nsec;
			vis[nvis++] = sl;
		}
	}
	qsort(vis, nvis, sizeof(*vis), cmp_oldest_first);
	for (i = 0; i < nvis; i++)
		if ((ret = slot_show(s, vis[i], 0, 1)))
			goto out;
	pvec_sort(&s->all);
	for (tx = 0; tx < s->ntax; tx++) {
		struct tax *x = &s->tax[tx];

		for (k = 0; k < x->nterms; k++) {
			pvec_sort(&x->terms[k]->members);
			if (x->terms[k]->members.n && (ret = term_name(x, x->terms[k])))
				goto out;
		}
	}
	for (k = 0; k <= NODE_MAX_YEAR; k++) {
		struct yearb *yb = s->years[k];
		int m, d;

		if (!yb)
			continue;
		for (m = 1; m <= 12; m++)
			for (d = 1; yb->months[m] && d <= 31; d++)
				if (yb->months[m]->days[d])
					pvec_sort(&yb->months[m]->days[d]->members);
	}
	ret = 0;
out:
	for (i = 0; posts && i < sc->nposts; i++)
		post_unref(posts[i]);
	free(posts);
	free(errs);
	free(vis);
	return ret;
}

/* ---- options ------------------------------------------------------------------ */

static int parse_taxonomies(struct site *s, const char *spec, char *err, size_t errlen)
{
	char *copy = strdup(spec), *tok, *save = NULL;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		struct tax *x;

		if (s->ntax == TAX_MAX || !colon || colon == tok || !colon[1] ||
		    strchr(tok, '/') || tok[0] == '.') {
			snprintf(err, errlen, "taxonomies: '%s' is not singular:field "
				 "(e.g. tag:tags), or more than %d are given", tok, TAX_MAX);
			ret = -EINVAL;
			break;
		}
		*colon = '\0';
		x = &s->tax[s->ntax];
		x->singular = strdup(tok);
		x->field = strdup(colon + 1);
		if (!x->singular || !x->field || asprintf(&x->dirname, "by-%s", tok) < 0) {
			ret = -ENOMEM;
			break;
		}
		s->cfg.tax_field[s->ntax] = x->field;
		s->ntax++;
	}
	s->cfg.ntax = s->ntax;
	free(copy);
	return ret;
}

static char *dup_or_null(const char *p)
{
	return p ? strdup(p) : NULL;
}

int site_open(const struct site_opts *opts, struct site **out, char *err, size_t errlen)
{
	struct site *s;
	struct scan sc;
	struct buf terr = BUF_INIT;
	int ret = -ENOMEM, fd;

	*out = NULL;
	snprintf(err, errlen, "out of memory");
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->srcfd = -1;
	{
		/* Writers first: the updater must not starve behind a steady
		 * stream of lookups (glibc's default prefers readers).  No
		 * thread takes the read lock twice, which this would forbid. */
		pthread_rwlockattr_t ra;

		pthread_rwlockattr_init(&ra);
		pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&s->lock, &ra);
		pthread_rwlockattr_destroy(&ra);
	}
	pthread_mutex_init(&s->stat_lock, NULL);
	pthread_mutex_init(&s->res_lock, NULL);
	pthread_mutex_init(&s->qlock, NULL);
	s->o = *opts;
	s->o.source = dup_or_null(opts->source);
	s->o.base_url = dup_or_null(opts->base_url);
	s->o.templates = dup_or_null(opts->templates);
	s->o.title = dup_or_null(opts->title ? opts->title : "postfs");
	s->o.taxonomies = dup_or_null(opts->taxonomies);
	if (!s->o.source || !s->o.title || !s->o.taxonomies)
		goto err_site;
	if (!s->o.page_size)
		s->o.page_size = 20;
	s->cfg.fm = opts->fm;
	s->cfg.max_file = opts->max_file;
	/* the head of each file: its front matter, and the start of its text,
	 * checked at mount; the rest is checked when first rendered */
	s->cfg.head = 2048;
	s->cfg.max_terms = opts->max_terms;
	if ((ret = parse_taxonomies(s, s->o.taxonomies, err, errlen)))
		goto err_site;
	s->started_ns = now_ns();
	{
		/* unguessable, so no source can write it into a page */
		unsigned char r[12];
		int rfd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		size_t k;

		if (rfd < 0 || read(rfd, r, sizeof(r)) != (ssize_t)sizeof(r)) {
			uint64_t t = (uint64_t)s->started_ns ^ (uint64_t)getpid() << 32;

			for (k = 0; k < sizeof(r); k++)
				r[k] = (unsigned char)(t >> (k % 8 * 8)) ^ (unsigned char)(k * 97);
		}
		if (rfd >= 0)
			close(rfd);
		strcpy(s->root_token, "pfsroot");
		for (k = 0; k < sizeof(r); k++)
			snprintf(s->root_token + 7 + 2 * k, 3, "%02x", r[k]);
		strcat(s->root_token, "/");
	}
	s->clock = 1;
	s->l_all.ver = s->l_posts.ver = s->l_dates.ver = 1;
	s->theme_ver = 1;
	s->l_qroot.ver = 1;
	s->l_qroot.mtime_ns = s->started_ns;

	fd = open(s->o.source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", s->o.source, strerror(errno));
		goto err_site;
	}
	s->srcfd = fd;
	s->srcreal = realpath(s->o.source, NULL);
	if (!s->srcreal) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", s->o.source, strerror(errno));
		goto err_site;
	}
	s->cfg.root = s->srcreal;
	ret = theme_load(s->o.templates, &s->theme, &terr);
	if (ret)
		goto err_site;
	if (terr.len)
		log_warn("%.*s", (int)terr.len - 1, terr.data);
	buf_free(&terr);
	/* The bound is shared: a quarter for pages, which are wanted only
	 * between the stat that sizes them and the reads that follow (then
	 * the kernel keeps them); of the rest, half for what posts' Markdown
	 * tells (summaries, word counts, tables of contents: about a KiB a
	 * post, wanted by every listing that shows it and by each of its
	 * pages, so kept apart from the bodies that would push them out:
	 * at 10,000 posts and 32 MiB each post's Markdown is then read for
	 * them once), half for posts' rendered Markdown, which every folder
	 * showing a post uses again. */
	{
		/* at least 8 MiB (or all of a smaller bound) for pages */
		size_t pages = s->o.cache_bytes / 4, facts;

		if (pages < (8u << 20))
			pages = s->o.cache_bytes < (16u << 20) ? s->o.cache_bytes / 2 : 8u << 20;
		facts = (s->o.cache_bytes - pages) / 2;
		s->cache = cache_new(pages, s->o.cache_bytes / 512 + 4096);
		s->facts = cache_new_blobs(facts);
		s->bodies = cache_new_blobs(s->o.cache_bytes - pages - facts);
	}
	if (!s->cache || !s->facts || !s->bodies || ahead_init(s)) {
		ret = -ENOMEM;
		goto err_site;
	}

	if ((ret = update_init(s)))
		goto err_site;
	memset(&sc, 0, sizeof(sc));
	sc.s = s;
	sc.on_dir = update_watch_dir;
	ret = scan_tree(&sc, "");
	if (!ret)
		ret = build(s, &sc);
	scan_free(&sc);
	if (ret) {
		snprintf(err, errlen, "%s: scanning failed: %s", s->o.source, strerror(-ret));
		goto err_site;
	}
	log_info("%s: %u sources, %zu posts shown, %zu paths not scanned, in %lld ms",
		 s->o.source, s->nslots, s->all.n, s->nscan_errs,
		 (long long)((now_ns() - s->started_ns) / 1000000));
	*out = s;
	return 0;

err_site:
	buf_free(&terr);
	site_close(s);
	return ret;
}

void site_close(struct site *s)
{
	uint32_t i, k;
	unsigned tx, j;

	if (!s)
		return;
	ahead_fini(s);
	update_fini(s);
	for (i = 0; i < s->nslots; i++) {
		struct slot *sl = s->slots[i];

		post_unref(sl->post);
		free(sl->src);
		free(sl->name);
		free(sl->load_err);
		for (tx = 0; tx < TAX_MAX; tx++)
			free(sl->member_of[tx]);
		free(sl);
	}
	free(s->slots);
	hmap_free(&s->by_src);
	hmap_free(&s->by_name);
	free(s->all.v);
	for (tx = 0; tx < s->ntax; tx++) {
		struct tax *x = &s->tax[tx];

		for (k = 0; k < x->nterms; k++) {
			struct term *tm = x->terms[k];

			for (j = 0; j < tm->nsp; j++)
				free(tm->sp[j].text);
			free(tm->sp);
			free(tm->members.v);
			free(tm->key);
			free(tm->name);
			free(tm);
		}
		free(x->terms);
		hmap_free(&x->by_key);
		hmap_free(&x->by_name);
		free(x->singular);
		free(x->field);
		free(x->dirname);
	}
	for (k = 0; k <= NODE_MAX_YEAR; k++) {
		struct yearb *yb = s->years[k];
		int m, d;

		if (!yb)
			continue;
		for (m = 1; m <= 12; m++) {
			if (!yb->months[m])
				continue;
			for (d = 1; d <= 31; d++) {
				if (yb->months[m]->days[d])
					free(yb->months[m]->days[d]->members.v);
				free(yb->months[m]->days[d]);
			}
			free(yb->months[m]);
		}
		free(yb);
	}
	for (i = 0; i < s->nscan_errs; i++)
		free(s->scan_errs[i]);
	free(s->scan_errs);
	status_free(s);
	cache_free(s->cache);
	cache_free(s->bodies);
	cache_free(s->facts);
	if (s->theme)
		theme_unref(s->theme);
	if (s->srcfd >= 0)
		close(s->srcfd);
	free(s->srcreal);
	free((char *)s->o.source);
	free((char *)s->o.base_url);
	free((char *)s->o.templates);
	free((char *)s->o.title);
	free((char *)s->o.taxonomies);
	res_free_all(s);
	qtree_free(s);
	pthread_mutex_destroy(&s->qlock);
	pthread_rwlock_destroy(&s->lock);
	pthread_mutex_destroy(&s->stat_lock);
	pthread_mutex_destroy(&s->res_lock);
	free(s);
}
