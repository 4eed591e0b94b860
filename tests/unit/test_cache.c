/* Unit tests of mountdata/cache.c: blobs and their reference counts,
 * get/put/size by (inode, version), stale versions dropped, the byte
 * bound evicting least recently used blobs while their sizes stay, the
 * entry bound, bytes retired apart from the LRU, statistics, a random run against a model, and a few
 * threads at once.  Run under ASan or valgrind, the held-blob cases also
 * prove no blob is freed under a reader. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "check.h"

static unsigned refs(const struct blob *b)
{
	return atomic_load(&((struct blob *)b)->refs);
}

static struct blob *filled(size_t len, char fill)
{
	struct blob *b = blob_new(len);

	if (b)
		memset(b->data, fill, len);
	return b;
}

static int all_bytes(const struct blob *b, char fill)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->data[i] != fill)
			return 0;
	return b->data[b->len] == '\0';
}

static void test_blobs(void)
{
	struct blob *b = blob_new(10), *c;

	CHECK(b != NULL);
	if (!b)
		return;
	CHECK_INT(refs(b), 1);
	CHECK_INT(b->len, 10);
	CHECK_INT(b->data[10], 0);
	CHECK_INT(b->mtime_ns, 0);
	CHECK(blob_ref(b) == b);
	CHECK_INT(refs(b), 2);
	blob_unref(b);
	CHECK_INT(refs(b), 1);
	blob_unref(b);

	c = blob_from("hello", 5, 1234567890123456789LL);
	CHECK(c != NULL);
	if (c) {
		CHECK_MEM(c->data, c->len, "hello", (size_t)5);
		CHECK_INT(c->data[5], 0);
		CHECK_INT(c->mtime_ns, 1234567890123456789LL);
		CHECK_INT(refs(c), 1);
		blob_unref(c);
	}
	c = blob_from("", 0, 5);
	CHECK(c && c->len == 0 && c->data[0] == '\0' && c->mtime_ns == 5);
	blob_unref(c);
	CHECK(blob_new(SIZE_MAX) == NULL);
	CHECK(blob_new(SIZE_MAX - sizeof(struct blob)) == NULL);

	/* adopted: nothing, a small block (copied), a large one (moved up
	 * in place); the same bytes, NUL-terminated, either way */
	c = blob_adopt(NULL, 0, 7);
	CHECK(c && c->len == 0 && c->data[0] == '\0' && c->mtime_ns == 7);
	blob_unref(c);
	{
		static const size_t sizes[] = { 1, 4096, 64 * 1024 - 1, 64 * 1024, 300000 };
		size_t k, i;

		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			char *mem = malloc(sizes[k]);
			int same = 1;

			CHECK(mem != NULL);
			if (!mem)
				continue;
			for (i = 0; i < sizes[k]; i++)
				mem[i] = (char)('a' + i % 23);
			c = blob_adopt(mem, sizes[k], 42);
			CHECK(c != NULL);
			if (!c)
				continue;
			for (i = 0; i < sizes[k]; i++)
				same &= c->data[i] == (char)('a' + i % 23);
			CHECKF(same && c->len == sizes[k] && c->data[sizes[k]] == '\0' &&
			       c->mtime_ns == 42 && refs(c) == 1, "adopted %zu bytes", sizes[k]);
			blob_unref(c);
		}
	}
	CHECK(blob_adopt(NULL, SIZE_MAX, 0) == NULL);
	blob_unref(NULL);
}

static void check_stats(int line, struct cache *c, uint64_t hits, uint64_t misses,
			uint64_t evictions, size_t bytes, size_t blobs, size_t entries)
{
	struct cache_stats s;

	memset(&s, 0x5A, sizeof(s));
	cache_get_stats(c, &s);
	check_note(s.hits == hits && s.misses == misses && s.evictions == evictions &&
		   s.bytes == bytes && s.blobs == blobs && s.entries == entries,
		   __FILE__, line,
		   "stats: hits %llu/%llu misses %llu/%llu evictions %llu/%llu "
		   "bytes %zu/%zu blobs %zu/%zu entries %zu/%zu (got/expected)",
		   (unsigned long long)s.hits, (unsigned long long)hits,
		   (unsigned long long)s.misses, (unsigned long long)misses,
		   (unsigned long long)s.evictions, (unsigned long long)evictions,
		   s.bytes, bytes, s.blobs, blobs, s.entries, entries);
}

#define STATS(c, ...) check_stats(__LINE__, c, __VA_ARGS__)

static void test_basics(void)
{
	struct cache *c = cache_new(1000, 100);
	struct blob *b, *g, *b2;
	struct cache_stats s;
	size_t size = 0;

	CHECK(c != NULL);
	if (!c)
		return;
	cache_get_stats(c, &s);
	CHECK_INT(s.max_bytes, 1000);
	STATS(c, 0, 0, 0, 0, 0, 0);

	CHECK(cache_get(c, 10, 1) == NULL);
	CHECK_INT(cache_size(c, 10, 1, &size), 0);
	STATS(c, 0, 1, 0, 0, 0, 0);

	b = blob_from("hello", 5, 7);
	cache_put(c, 10, 1, b);
	CHECK_INT(refs(b), 2);
	g = cache_get(c, 10, 1);
	CHECK(g == b);
	CHECK_INT(refs(b), 3);
	if (g) {
		CHECK_MEM(g->data, g->len, "hello", (size_t)5);
		CHECK_INT(g->mtime_ns, 7);
		blob_unref(g);
	}
	CHECK_INT(cache_size(c, 10, 1, &size), 1);
	CHECK_INT(size, 5);
	CHECK_INT(cache_size(c, 11, 1, &size), 0);
	STATS(c, 1, 1, 0, 5, 1, 1);

	/* another version: the stale entry goes, with its blob */
	CHECK(cache_get(c, 10, 2) == NULL);
	CHECK_INT(refs(b), 1);
	CHECK_INT(cache_size(c, 10, 1, &size), 0);
	CHECK(cache_get(c, 10, 1) == NULL);
	STATS(c, 1, 3, 0, 0, 0, 0);

	/* the same through cache_size */
	cache_put(c, 10, 1, b);
	CHECK_INT(cache_size(c, 10, 2, &size), 0);
	CHECK_INT(refs(b), 1);
	CHECK(cache_get(c, 10, 1) == NULL);

	/* a newer version put replaces the older one */
	cache_put(c, 10, 1, b);
	b2 = blob_from("world!", 6, 8);
	cache_put(c, 10, 2, b2);
	CHECK_INT(refs(b), 1);
	CHECK_INT(refs(b2), 2);
	g = cache_get(c, 10, 2);
	CHECK(g == b2);
	blob_unref(g);
	CHECK_INT(cache_size(c, 10, 2, &size), 1);
	CHECK_INT(size, 6);
	cache_get_stats(c, &s);
	CHECK_INT(s.entries, 1);
	CHECK_INT(s.bytes, 6);

	/* putting the same rendering again changes nothing */
	cache_put(c, 10, 2, b2);
	cache_get_stats(c, &s);
	CHECK_INT(s.entries, 1);
	CHECK_INT(s.blobs, 1);
	CHECK_INT(s.bytes, 6);
	CHECK_INT(refs(b2), 2);

	/* drop forgets the inode, whatever its version */
	cache_put(c, 11, 1, b);
	cache_drop(c, 10);
	CHECK_INT(refs(b2), 1);
	CHECK(cache_get(c, 10, 2) == NULL);
	CHECK_INT(cache_size(c, 10, 2, &size), 0);
	cache_drop(c, 12345);
	g = cache_get(c, 11, 1);
	CHECK(g == b);
	blob_unref(g);
	cache_get_stats(c, &s);
	CHECK_INT(s.entries, 1);
	CHECK_INT(s.bytes, 5);

	/* a rendering larger than half the bound is kept aside, the last
	 * two such (a reader reads it in pieces, each must find it), and its
	 * size is known after it is gone */
	{
		struct blob *h1 = filled(501, '1'), *h2 = filled(600, '2'), *h3 = filled(2000, '3');
		struct blob *ok = filled(500, 'o');

		cache_put(c, 20, 1, h1);
		CHECK_INT(refs(h1), 2);
		g = cache_get(c, 20, 1);
		CHECK(g == h1);
		blob_unref(g);
		cache_put(c, 21, 1, h2);
		cache_put(c, 22, 1, h3);                 /* pushes h1 out */
		CHECK_INT(refs(h1), 1);
		CHECK(cache_get(c, 20, 1) == NULL);
		CHECK_INT(cache_size(c, 20, 1, &size), 1);
		CHECK_INT(size, 501);
		g = cache_get(c, 22, 1);
		CHECK(g == h3);
		blob_unref(g);
		g = cache_get_any(c, 21);
		CHECK(g == h2);
		blob_unref(g);
		{
			uint64_t v = 0;
			struct blob *n2 = filled(3, 'n');

			/* the version last given for a number, kept or not */
			CHECK_INT(cache_ver_any(c, 21, &v), 1);
			CHECK_INT(v, 1);
			CHECK_INT(cache_ver_any(c, 20, &v), 1);
			CHECK_INT(cache_ver_any(c, 99, &v), 0);
			/* sizes known without bytes: 20 (pushed out of the
			 * aside slots), not 21 (still aside), nor another
			 * version, nor a number never seen */
			CHECK_INT(cache_size_only(c, 20, 1), 1);
			CHECK_INT(cache_size_only(c, 21, 1), 0);
			CHECK_INT(cache_size_only(c, 20, 2), 0);
			CHECK_INT(cache_size_only(c, 99, 1), 0);
			/* asking for another version forgets the old record */
			CHECK(cache_get(c, 21, 2) == NULL);
			CHECK_INT(cache_ver_any(c, 21, &v), 0);
			/* a newer small version of 21: the old huge bytes
			 * still aside are not its bytes */
			cache_put(c, 21, 2, n2);
			CHECK_INT(cache_ver_any(c, 21, &v), 1);
			CHECK_INT(v, 2);
			g = cache_get_any(c, 21);
			CHECK(g == n2);
			blob_unref(g);
			blob_unref(n2);
		}
		cache_get_stats(c, &s);
		CHECK(s.bytes <= 1000);                  /* aside: not in the bound */
		cache_put(c, 23, 1, ok);                 /* half the bound: kept */
		CHECK_INT(refs(ok), 2);
		blob_unref(h1);
		blob_unref(h2);
		blob_unref(h3);
		blob_unref(ok);
	}

	/* inode 0 and the largest inode are keys like any other */
	g = blob_from("z", 1, 0);
	cache_put(c, 0, 0, g);
	cache_put(c, UINT64_MAX, UINT64_MAX, g);
	CHECK_INT(refs(g), 3);
	CHECK_INT(cache_size(c, 0, 0, &size), 1);
	CHECK_INT(cache_size(c, UINT64_MAX, UINT64_MAX, &size), 1);
	blob_unref(g);

	blob_unref(b);
	blob_unref(b2);
	cache_free(c);
	cache_free(NULL);
}

/* Blobs b[1..7] of 200 bytes each, the first five put into c (a bound
 * of 1000 bytes is then full).  0 when c could not be made. */
static int seven_blobs_five_put(struct cache *c, struct blob *b[8])
{
	uint64_t i;

	if (!c) {
		CHECK(c != NULL);
		return 0;
	}
	for (i = 1; i <= 7; i++)
		b[i] = filled(200, (char)('a' + i));
	for (i = 1; i <= 5; i++)
		cache_put(c, i, 1, b[i]);
	return 1;
}

/* The byte bound evicts the least recently used blob; its size stays. */
static void test_byte_bound(void)
{
	struct cache *c = cache_new(1000, 100);
	struct blob *b[8], *g;
	size_t size = 0;
	uint64_t i;

	if (!seven_blobs_five_put(c, b))
		return;
	STATS(c, 0, 0, 0, 1000, 5, 5);
	/* use 1, so 2 is now the least recently used */
	g = cache_get(c, 1, 1);
	blob_unref(g);
	cache_put(c, 6, 1, b[6]);
	STATS(c, 1, 0, 1, 1000, 5, 6);
	CHECK_INT(refs(b[2]), 1);
	CHECK_INT(refs(b[1]), 2);
	CHECK_INT(cache_size(c, 2, 1, &size), 1);
	CHECK_INT(size, 200);
	CHECK(cache_get(c, 2, 1) == NULL);
	for (i = 1; i <= 6; i++) {
		if (i == 2)
			continue;
		g = cache_get(c, i, 1);
		CHECKF(g == b[i] && all_bytes(g, (char)('a' + i)), "ino %llu",
		       (unsigned long long)i);
		blob_unref(g);
	}
	/* the gets above left 1 the least recently used; cache_size counts
	 * as a use too, so 1 stays and 3 goes */
	CHECK_INT(cache_size(c, 1, 1, &size), 1);
	cache_put(c, 7, 1, b[7]);
	CHECK_INT(refs(b[1]), 2);
	CHECK_INT(refs(b[3]), 1);
	CHECK_INT(refs(b[4]), 2);
	/* the bytes of 2 come back with a new put */
	cache_put(c, 2, 1, b[2]);
	g = cache_get(c, 2, 1);
	CHECK(g == b[2]);
	blob_unref(g);
	{
		struct cache_stats s;

		cache_get_stats(c, &s);
		CHECK(s.bytes <= 1000);
		CHECK_INT(s.blobs, 5);
		CHECK_INT(s.entries, 7);
		CHECK_INT(s.evictions, 3);
	}
	for (i = 1; i <= 7; i++)
		blob_unref(b[i]);
	cache_free(c);
}

static void test_entry_bound(void)
{
	struct cache *c = cache_new(1 << 20, 10);
	struct blob *b = blob_from("x", 1, 0);
	size_t size;
	uint64_t i;

	if (!c || !b) {
		CHECK(c && b);
		return;
	}
	for (i = 1; i <= 10; i++)
		cache_put(c, i, 1, b);
	/* use 1, so 2 is the oldest */
	CHECK_INT(cache_size(c, 1, 1, &size), 1);
	cache_put(c, 11, 1, b);
	CHECK_INT(cache_size(c, 2, 1, &size), 0);
	CHECK_INT(cache_size(c, 1, 1, &size), 1);
	for (i = 12; i <= 40; i++)
		cache_put(c, i, 1, b);
	{
		struct cache_stats s;

		cache_get_stats(c, &s);
		CHECK_INT(s.entries, 10);
		CHECK_INT(s.blobs, 10);
		CHECK_INT(s.bytes, 10);
	}
	CHECK_INT(refs(b), 11);
	for (i = 31; i <= 40; i++)
		CHECK_INT(cache_size(c, i, 1, &size), 1);
	for (i = 1; i <= 30; i++)
		CHECK_INT(cache_size(c, i, 1, &size), 0);
	cache_free(c);
	CHECK_INT(refs(b), 1);

	/* no room at all still keeps the newest */
	c = cache_new(1000, 0);
	cache_put(c, 1, 1, b);
	cache_put(c, 2, 1, b);
	CHECK_INT(cache_size(c, 2, 1, &size), 1);
	CHECK_INT(cache_size(c, 1, 1, &size), 0);
	cache_free(c);
	blob_unref(b);
}

/* A cache of blobs alone: what the byte bound evicts leaves no record,
 * and the least recently used goes first. */
static void test_blobs_only(void)
{
	struct cache *c = cache_new_blobs(1000);
	struct blob *b[8], *g;
	struct cache_stats st;
	size_t size = 0;
	uint64_t i;

	if (!seven_blobs_five_put(c, b))
		return;
	g = cache_get(c, 1, 1);
	blob_unref(g);
	for (i = 6; i <= 7; i++)
		cache_put(c, i, 1, b[i]);
	cache_get_stats(c, &st);
	CHECK_INT(st.bytes, 1000);
	CHECK_INT(st.blobs, 5);
	CHECK_INT(st.entries, 5);
	CHECK_INT(st.evictions, 2);
	/* 2 and 3 went, bytes and record; 1, used, stayed */
	CHECK_INT(cache_size(c, 2, 1, &size), 0);
	CHECK_INT(cache_size(c, 3, 1, &size), 0);
	CHECK_INT(refs(b[2]), 1);
	CHECK_INT(refs(b[3]), 1);
	g = cache_get(c, 1, 1);
	CHECK(g == b[1]);
	blob_unref(g);
	cache_free(c);
	for (i = 1; i <= 7; i++) {
		CHECK_INT(refs(b[i]), 1);
		blob_unref(b[i]);
	}
}

/* A blob a reader holds outlives its eviction, a drop and the cache. */
static void test_held(void)
{
	struct cache *c = cache_new(1000, 100);
	struct blob *b = filled(200, 'h'), *g, *g2, *other;
	uint64_t i;

	cache_put(c, 1, 1, b);
	blob_unref(b);            /* the cache holds the only reference */
	g = cache_get(c, 1, 1);
	CHECK_INT(g ? refs(g) : 0, 2);
	for (i = 2; i <= 10; i++) {
		other = filled(200, 'o');
		cache_put(c, i, 1, other);
		blob_unref(other);
	}
	CHECK(cache_get(c, 1, 1) == NULL);
	CHECK_INT(g ? refs(g) : 0, 1);
	CHECK(g && all_bytes(g, 'h'));
	blob_unref(g);

	b = filled(100, 'd');
	cache_put(c, 50, 1, b);
	blob_unref(b);
	g = cache_get(c, 50, 1);
	cache_drop(c, 50);
	CHECK(g && all_bytes(g, 'd') && refs(g) == 1);
	blob_unref(g);

	b = filled(100, 'v');
	cache_put(c, 60, 1, b);
	blob_unref(b);
	g = cache_get(c, 60, 1);
	CHECK(cache_get(c, 60, 2) == NULL);   /* a newer version drops it */
	CHECK(g && all_bytes(g, 'v') && refs(g) == 1);
	blob_unref(g);

	b = filled(100, 'f');
	cache_put(c, 70, 1, b);
	blob_unref(b);
	g = cache_get(c, 70, 1);
	g2 = cache_get(c, 70, 1);
	cache_free(c);
	CHECK(g && g == g2 && all_bytes(g, 'f') && refs(g) == 2);
	blob_unref(g);
	blob_unref(g2);
}

/* What a rendering of (ino, ver) is: its length and byte, fixed by the
 * pair, as a version fixes the bytes. */
static size_t len_of(uint64_t ino, uint64_t ver)
{
	return (size_t)((ino * 2654435761u + ver * 40503u) % 3000);
}

static char byte_of(uint64_t ino, uint64_t ver)
{
	return (char)('A' + (ino + ver * 7) % 26);
}

#define NINO 1000

/* Random operations against a model of what may and may not be there. */
static void test_random(void)
{
	struct cache *c = cache_new(20000, 400);
	static struct { int valid; uint64_t ver; } m[NINO];
	uint64_t st = 77, hits = 0, misses = 0;
	unsigned before = check_failed;
	struct cache_stats s;
	size_t size, sum = 0, nblobs = 0;
	int i;

	for (i = 0; i < 60000 && check_failed == before; i++) {
		uint64_t ino = check_rand(&st) % NINO, ver = check_rand(&st) % 3;
		unsigned op = (unsigned)(check_rand(&st) % 10);
		struct blob *b;

		if (op < 4) {
			b = filled(len_of(ino, ver), byte_of(ino, ver));
			cache_put(c, ino, ver, b);
			CHECK_INT(refs(b) >= 1 && refs(b) <= 2, 1);
			blob_unref(b);
			m[ino].valid = 1;
			m[ino].ver = ver;
		} else if (op < 8) {
			b = cache_get(c, ino, ver);
			if (b) {
				hits++;
				CHECKF(m[ino].valid && m[ino].ver == ver &&
				       b->len == len_of(ino, ver) &&
				       all_bytes(b, byte_of(ino, ver)),
				       "get(%llu, %llu) gave a stale or wrong blob",
				       (unsigned long long)ino, (unsigned long long)ver);
				blob_unref(b);
			} else {
				misses++;
				if (m[ino].ver != ver)
					m[ino].valid = 0;
			}
		} else if (op < 9) {
			if (cache_size(c, ino, ver, &size)) {
				CHECKF(m[ino].valid && m[ino].ver == ver &&
				       size == len_of(ino, ver),
				       "size(%llu, %llu) = %zu", (unsigned long long)ino,
				       (unsigned long long)ver, size);
			} else {
				/* gone, or dropped now as stale */
				m[ino].valid = 0;
			}
		} else {
			cache_drop(c, ino);
			m[ino].valid = 0;
		}
		cache_get_stats(c, &s);
		CHECKF(s.bytes <= 20000 && s.entries <= 400 && s.blobs <= s.entries,
		       "bounds: bytes %zu entries %zu blobs %zu", s.bytes, s.entries,
		       s.blobs);
		if (check_failed != before)
			break;
	}
	/* the blobs there are exactly what the figures say */
	cache_get_stats(c, &s);
	CHECK_INT(s.hits, hits);
	CHECK_INT(s.misses, misses);
	for (i = 0; i < NINO; i++) {
		struct blob *b;

		if (!m[i].valid)
			continue;
		b = cache_get(c, (uint64_t)i, m[i].ver);
		if (b) {
			sum += b->len;
			nblobs++;
			blob_unref(b);
		}
	}
	CHECK_INT(sum, s.bytes);
	CHECK_INT(nblobs, s.blobs);
	CHECK(s.evictions > 0);
	cache_free(c);
}

struct worker {
	struct cache *c;
	uint64_t seed;
	unsigned bad;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < 20000; i++) {
		uint64_t ino = check_rand(&w->seed) % 64, ver = check_rand(&w->seed) % 2;
		struct blob *b;
		size_t size;

		switch (check_rand(&w->seed) % 4) {
		case 0:
			b = filled(len_of(ino, ver) % 700, byte_of(ino, ver));
			cache_put(w->c, ino, ver, b);
			blob_unref(b);
			break;
		case 1:
		case 2:
			b = cache_get(w->c, ino, ver);
			if (b) {
				if (b->len != len_of(ino, ver) % 700 ||
				    !all_bytes(b, byte_of(ino, ver)))
					w->bad++;
				blob_unref(b);
			}
			break;
		default:
			if (cache_size(w->c, ino, ver, &size) &&
			    size != len_of(ino, ver) % 700)
				w->bad++;
			break;
		}
	}
	return NULL;
}

static void test_threads(void)
{
	struct cache *c = cache_new(8000, 40);
	struct worker w[4];
	pthread_t t[4];
	struct cache_stats s;
	int i, started = 0;

	for (i = 0; i < 4; i++) {
		w[i].c = c;
		w[i].seed = 1000 + (uint64_t)i;
		w[i].bad = 0;
		if (!pthread_create(&t[i], NULL, work, &w[i]))
			started++;
	}
	CHECK_INT(started, 4);
	for (i = 0; i < started; i++) {
		pthread_join(t[i], NULL);
		CHECKF(w[i].bad == 0, "thread %d saw %u wrong blobs", i, w[i].bad);
	}
	cache_get_stats(c, &s);
	CHECK(s.bytes <= 8000 && s.entries <= 40);
	CHECK(s.hits + s.misses > 0);
	cache_free(c);
}

/* Retired bytes: held apart from the LRU for readers of the version
 * being replaced, once per inode, the oldest let go past 256 or past an
 * eighth of the bound. */
static void test_retired(void)
{
	struct cache *c = cache_new(8000, 1000);
	struct blob *a = filled(100, 'a'), *b = filled(100, 'b'), *g;
	uint64_t i;

	CHECK(c != NULL);
	/* nothing kept for that version: nothing held */
	CHECK_INT(cache_retire(c, 1, 1), 0);
	cache_put(c, 1, 1, a);
	CHECK_INT(cache_retire(c, 1, 2), 0);
	CHECK_INT(cache_retire(c, 1, 1), 1);
	/* the LRU pushes a out: its readers still find it */
	for (i = 100; i < 200; i++) {
		struct blob *x = filled(100, 'x');

		cache_put(c, i, 1, x);
		blob_unref(x);
	}
	CHECK(cache_get(c, 1, 1) == NULL);
	g = cache_get_any(c, 1);
	CHECK(g == a);
	if (g)
		CHECK(all_bytes(g, 'a'));
	blob_unref(g);
	/* retired again (another version's bytes under the same number):
	 * the newer replaces the older */
	cache_put(c, 1, 3, b);
	CHECK_INT(cache_retire(c, 1, 3), 1);
	CHECK_INT(refs(a), 1);
	g = cache_get_any(c, 1);
	CHECK(g == b);
	blob_unref(g);
	/* an eighth of 8000 bytes holds ten of 100: the oldest go first */
	for (i = 180; i < 200; i++)
		CHECK_INT(cache_retire(c, i, 1), 1);
	for (i = 200; i < 300; i++) {           /* pushes 180-199 out of the LRU */
		struct blob *x = filled(100, 'y');

		cache_put(c, i, 1, x);
		blob_unref(x);
	}
	g = cache_get_any(c, 180);
	CHECK(g == NULL);
	blob_unref(g);
	g = cache_get_any(c, 1);                /* older still: gone */
	CHECK(g == NULL);
	blob_unref(g);
	g = cache_get_any(c, 199);
	CHECK(g != NULL);
	blob_unref(g);
	cache_free(c);
	/* freed with the cache, retired or not */
	CHECK_INT(refs(a), 1);
	CHECK_INT(refs(b), 1);
	blob_unref(a);
	blob_unref(b);
}

int main(void)
{
	test_blobs();
	test_basics();
	test_byte_bound();
	test_blobs_only();
	test_entry_bound();
	test_held();
	test_retired();
	test_random();
	test_threads();
	return check_done("test_cache");
}
