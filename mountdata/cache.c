#include "cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct centry {
	uint64_t ino, ver;
	size_t size;
	int64_t mtime_ns;
	struct blob *blob;             /* NULL when only the size is kept */
	struct centry *hnext;          /* hash chain */
	struct centry *prev, *next;    /* all entries, most recent first */
	struct centry *bprev, *bnext;  /* entries with a blob, most recent first */
};

struct list { struct centry *head, *tail; };

/* Renderings too large for the bound are not dropped at once either: a
 * reader reads them 128 KiB at a time, and each read would make them
 * again.  The last few are kept aside, whatever their size. */
#define CACHE_HUGE 2

/* Bytes of versions about to be replaced, held apart from the LRU for
 * readers that looked them up just before (cache_retire): at most this
 * many, and at most an eighth of the bound. */
#define CACHE_RETIRED 256

struct cache {
	pthread_mutex_t lock;          /* protects everything below */
	struct {
		uint64_t ino, ver;
		struct blob *blob;
	} huge[CACHE_HUGE];            /* newest first */
	struct {
		uint64_t ino;
		struct blob *blob;
	} retired[CACHE_RETIRED];      /* a ring: the oldest goes first */
	size_t retired_next, retired_bytes;
	struct centry **buckets;
	size_t nbuckets;               /* a power of two */
	struct list all, blobs;
	size_t bytes, max_bytes, nblobs, nentries, max_entries;
	int no_sizes;                  /* an entry leaves with its blob */
	uint64_t hits, misses, evictions;
};

struct blob *blob_new(size_t len)
{
	struct blob *b;

	if (len > SIZE_MAX - sizeof(*b) - 1)
		return NULL;
	b = malloc(sizeof(*b) + len + 1);
	if (!b)
		return NULL;
	atomic_init(&b->refs, 1);
	b->len = len;
	b->mtime_ns = 0;
	b->data[len] = '\0';
	return b;
}

struct blob *blob_from(const void *data, size_t len, int64_t mtime_ns)
{
	struct blob *b = blob_new(len);

	if (b) {
		if (len)
			memcpy(b->data, data, len);
		b->mtime_ns = mtime_ns;
	}
	return b;
}

/* see fs/main.c: from this size on, malloc maps each block on its own */
#define BLOB_ADOPT_MIN (64 * 1024)

struct blob *blob_adopt(char *mem, size_t len, int64_t mtime_ns)
{
	struct blob *b;

	if (len > SIZE_MAX - sizeof(*b) - 1) {
		free(mem);
		return NULL;
	}
	if (len < BLOB_ADOPT_MIN) {
		b = blob_from(mem, len, mtime_ns);
		free(mem);
		return b;
	}
	b = realloc(mem, sizeof(*b) + len + 1);
	if (!b) {
		free(mem);
		return NULL;
	}
	memmove(b->data, b, len);
	atomic_init(&b->refs, 1);
	b->len = len;
	b->mtime_ns = mtime_ns;
	b->data[len] = '\0';
	return b;
}

void blob_unref(struct blob *b)
{
	if (b && atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1)
		free(b);
}

struct cache *cache_new(size_t max_bytes, size_t max_entries)
{
	struct cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->nbuckets = 1024;
	while (c->nbuckets < max_entries / 2 && c->nbuckets < (1u << 22))
		c->nbuckets *= 2;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->lock, NULL);
	c->max_bytes = max_bytes;
	c->max_entries = max_entries ? max_entries : 1;
	return c;
}

struct cache *cache_new_blobs(size_t max_bytes)
{
	/* records bound only what the bytes do not: blobs of under 64
	 * bytes on average, which these caches never hold */
	struct cache *c = cache_new(max_bytes, max_bytes / 64 + 16);

	if (c)
		c->no_sizes = 1;
	return c;
}

static size_t bucket(const struct cache *c, uint64_t ino)
{
	ino ^= ino >> 33;
	ino *= 0xff51afd7ed558ccdULL;
	ino ^= ino >> 33;
	return (size_t)ino & (c->nbuckets - 1);
}

#define LINK(l, e, P, N) do {                          \
	(e)->P = NULL; (e)->N = (l)->head;             \
	if ((l)->head) (l)->head->P = (e); else (l)->tail = (e); \
	(l)->head = (e);                               \
} while (0)
#define UNLINK(l, e, P, N) do {                        \
	if ((e)->P) (e)->P->N = (e)->N; else (l)->head = (e)->N; \
	if ((e)->N) (e)->N->P = (e)->P; else (l)->tail = (e)->P; \
	(e)->P = (e)->N = NULL;                        \
} while (0)

static void drop_blob(struct cache *c, struct centry *e)
{
	if (!e->blob)
		return;
	UNLINK(&c->blobs, e, bprev, bnext);
	c->bytes -= e->blob->len;
	c->nblobs--;
	blob_unref(e->blob);
	e->blob = NULL;
}

static void drop_entry(struct cache *c, struct centry *e)
{
	struct centry **pp = &c->buckets[bucket(c, e->ino)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	drop_blob(c, e);
	UNLINK(&c->all, e, prev, next);
	c->nentries--;
	free(e);
}

static struct centry *find(struct cache *c, uint64_t ino)
{
	struct centry *e;

	for (e = c->buckets[bucket(c, ino)]; e; e = e->hnext)
		if (e->ino == ino)
			return e;
	return NULL;
}

/* The entry for (ino, ver), moved to the front; a stale one is dropped. */
static struct centry *touch(struct cache *c, uint64_t ino, uint64_t ver)
{
	struct centry *e = find(c, ino);

	if (!e)
		return NULL;
	if (e->ver != ver) {
		drop_entry(c, e);
		return NULL;
	}
	UNLINK(&c->all, e, prev, next);
	LINK(&c->all, e, prev, next);
	if (e->blob) {
		UNLINK(&c->blobs, e, bprev, bnext);
		LINK(&c->blobs, e, bprev, bnext);
	}
	return e;
}

static struct blob *huge_get(struct cache *c, uint64_t ino, const uint64_t *ver)
{
	int i;

	for (i = 0; i < CACHE_HUGE; i++)
		if (c->huge[i].blob && c->huge[i].ino == ino && (!ver || c->huge[i].ver == *ver))
			return blob_ref(c->huge[i].blob);
	return NULL;
}

static int huge_get_peek(const struct cache *c, uint64_t ino, uint64_t ver)
{
	int i;

	for (i = 0; i < CACHE_HUGE; i++)
		if (c->huge[i].blob && c->huge[i].ino == ino && c->huge[i].ver == ver)
			return 1;
	return 0;
}

static void huge_put(struct cache *c, uint64_t ino, uint64_t ver, struct blob *b)
{
	int i;

	blob_unref(c->huge[CACHE_HUGE - 1].blob);
	for (i = CACHE_HUGE - 1; i > 0; i--)
		c->huge[i] = c->huge[i - 1];
	c->huge[0].ino = ino;
	c->huge[0].ver = ver;
	c->huge[0].blob = blob_ref(b);
}

struct blob *cache_get(struct cache *c, uint64_t ino, uint64_t ver)
{
	struct centry *e;
	struct blob *b = NULL;

	pthread_mutex_lock(&c->lock);
	e = touch(c, ino, ver);
	if (e && e->blob) {
		b = blob_ref(e->blob);
		c->hits++;
	} else if ((b = huge_get(c, ino, &ver))) {
		c->hits++;
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->lock);
	return b;
}

static struct blob *retired_get(struct cache *c, uint64_t ino)
{
	size_t i, k;

	/* newest first */
	for (i = 1; i <= CACHE_RETIRED; i++) {
		k = (c->retired_next + CACHE_RETIRED - i) % CACHE_RETIRED;
		if (c->retired[k].blob && c->retired[k].ino == ino)
			return blob_ref(c->retired[k].blob);
	}
	return NULL;
}

static void retired_drop(struct cache *c, size_t k)
{
	if (!c->retired[k].blob)
		return;
	c->retired_bytes -= c->retired[k].blob->len;
	blob_unref(c->retired[k].blob);
	c->retired[k].blob = NULL;
}

struct blob *cache_get_any(struct cache *c, uint64_t ino)
{
	struct centry *e;
	struct blob *b = NULL;

	pthread_mutex_lock(&c->lock);
	e = find(c, ino);
	if (e && e->blob)
		b = blob_ref(e->blob);
	else
		b = huge_get(c, ino, e ? &e->ver : NULL);
	if (!b)
		b = retired_get(c, ino);
	pthread_mutex_unlock(&c->lock);
	return b;
}

int cache_retire(struct cache *c, uint64_t ino, uint64_t ver)
{
	struct centry *e;
	struct blob *b;
	size_t k, i;

	pthread_mutex_lock(&c->lock);
	e = find(c, ino);
	b = e && e->ver == ver && e->blob ? blob_ref(e->blob) : huge_get(c, ino, &ver);
	if (b) {
		/* once per inode: a second retirement replaces the first */
		for (i = 0; i < CACHE_RETIRED; i++)
			if (c->retired[i].blob && c->retired[i].ino == ino)
				retired_drop(c, i);
		k = c->retired_next;
		retired_drop(c, k);
		c->retired[k].ino = ino;
		c->retired[k].blob = b;
		c->retired_bytes += b->len;
		c->retired_next = (k + 1) % CACHE_RETIRED;
		/* the oldest go first when the ring outgrows its share */
		for (i = 0; i < CACHE_RETIRED && c->retired_bytes > c->max_bytes / 8; i++) {
			k = (c->retired_next + i) % CACHE_RETIRED;
			if (k != (c->retired_next + CACHE_RETIRED - 1) % CACHE_RETIRED)
				retired_drop(c, k);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return b != NULL;
}

/* What the record for ino, whatever its version, says; 1 when there is one. */
static int record_any(struct cache *c, uint64_t ino, size_t *size, int64_t *mtime_ns,
		      uint64_t *ver)
{
	struct centry *e;
	int found = 0;

	pthread_mutex_lock(&c->lock);
	e = find(c, ino);
	if (e) {
		*size = e->size;
		*mtime_ns = e->mtime_ns;
		*ver = e->ver;
		found = 1;
	}
	pthread_mutex_unlock(&c->lock);
	return found;
}

int cache_size_only(struct cache *c, uint64_t ino, uint64_t ver)
{
	struct centry *e;
	int only;

	pthread_mutex_lock(&c->lock);
	e = find(c, ino);
	only = e && e->ver == ver && !e->blob && !huge_get_peek(c, ino, ver);
	pthread_mutex_unlock(&c->lock);
	return only;
}

int cache_ver_any(struct cache *c, uint64_t ino, uint64_t *ver)
{
	size_t size;
	int64_t mtime_ns;

	return record_any(c, ino, &size, &mtime_ns, ver);
}

int cache_size(struct cache *c, uint64_t ino, uint64_t ver, size_t *size)
{
	struct centry *e;
	int found = 0;

	pthread_mutex_lock(&c->lock);
	e = touch(c, ino, ver);
	if (e) {
		*size = e->size;
		found = 1;
	}
	pthread_mutex_unlock(&c->lock);
	return found;
}

static void put(struct cache *c, uint64_t ino, uint64_t ver, struct blob *b, size_t size,
		int64_t mtime_ns);

void cache_put(struct cache *c, uint64_t ino, uint64_t ver, struct blob *b)
{
	pthread_mutex_lock(&c->lock);
	put(c, ino, ver, b, b->len, b->mtime_ns);
	pthread_mutex_unlock(&c->lock);
}

int cache_attr_any(struct cache *c, uint64_t ino, size_t *size, int64_t *mtime_ns)
{
	uint64_t ver;

	return record_any(c, ino, size, mtime_ns, &ver);
}

static void put(struct cache *c, uint64_t ino, uint64_t ver, struct blob *b, size_t size,
		int64_t mtime_ns)
{
	struct centry *e;

	e = find(c, ino);
	if (e && e->ver != ver) {
		drop_entry(c, e);
		e = NULL;
	}
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			goto out;
		e->ino = ino;
		e->ver = ver;
		e->hnext = c->buckets[bucket(c, ino)];
		c->buckets[bucket(c, ino)] = e;
		LINK(&c->all, e, prev, next);
		c->nentries++;
	}
	e->size = size;
	e->mtime_ns = mtime_ns;
	if (b && b->len > c->max_bytes / 2)
		huge_put(c, ino, ver, b);
	else if (b && !e->blob) {
		e->blob = blob_ref(b);
		LINK(&c->blobs, e, bprev, bnext);
		c->bytes += b->len;
		c->nblobs++;
	}
	while (c->bytes > c->max_bytes && c->blobs.tail) {
		struct centry *old = c->blobs.tail;

		if (!c->no_sizes)
			drop_blob(c, old);
		else if (old != e)
			drop_entry(c, old);
		else
			break; /* the newest stays, as in a cache that keeps sizes */
		c->evictions++;
	}
	while (c->nentries > c->max_entries && c->all.tail != e)
		drop_entry(c, c->all.tail);
out:
	return;
}

void cache_drop(struct cache *c, uint64_t ino)
{
	struct centry *e;

	pthread_mutex_lock(&c->lock);
	e = find(c, ino);
	if (e)
		drop_entry(c, e);
	pthread_mutex_unlock(&c->lock);
}

void cache_get_stats(struct cache *c, struct cache_stats *o)
{
	pthread_mutex_lock(&c->lock);
	o->hits = c->hits;
	o->misses = c->misses;
	o->evictions = c->evictions;
	o->bytes = c->bytes;
	o->max_bytes = c->max_bytes;
	o->blobs = c->nblobs;
	o->entries = c->nentries;
	pthread_mutex_unlock(&c->lock);
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	for (int i = 0; i < CACHE_HUGE; i++)
		blob_unref(c->huge[i].blob);
	for (size_t k = 0; k < CACHE_RETIRED; k++)
		retired_drop(c, k);
	while (c->all.head)
		drop_entry(c, c->all.head);
	free(c->buckets);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
