/* cache.h — rendered bytes kept in memory under a bound, and the sizes
 * of renderings no longer kept.
 *
 * Entries are keyed by (inode, version): a node's version changes
 * whenever anything its bytes are made from changes, so a stale entry is
 * never served; it is dropped when looked up with a newer version or
 * when the bound pushes it out (least recently used first).  The size of
 * a rendering outlives its bytes (a small record), so `stat` after
 * eviction still needs no rendering.
 *
 * Thread-safe: one mutex inside, a leaf lock (nothing is called while it
 * is held).
 */
#ifndef POSTFS_CACHE_H
#define POSTFS_CACHE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* One rendering: immutable bytes shared by reference count between the
 * cache and every open file that reads them. */
struct blob {
	atomic_uint refs;
	size_t len;
	int64_t mtime_ns;  /* the mtime the bytes were made with */
	char data[];       /* len bytes, then a NUL */
};

/* A new blob of len bytes (refs = 1), uninitialised; NULL on ENOMEM. */
struct blob *blob_new(size_t len);
/* A blob holding a copy of data[0..len). */
struct blob *blob_from(const void *data, size_t len, int64_t mtime_ns);
/* A blob made of mem, a malloc'd block holding len bytes (NULL when len
 * is 0), which it takes in every case.  A large one (64 KiB and more,
 * which malloc maps on its own) is resized and its bytes moved up in
 * place, so it is never held twice; a smaller one is copied into a block
 * of its own size, which leaves the heap less fragmented than a grown
 * buffer cut down would.  NULL on ENOMEM (mem is then freed). */
struct blob *blob_adopt(char *mem, size_t len, int64_t mtime_ns);
static inline struct blob *blob_ref(struct blob *b)
{
	atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
	return b;
}
void blob_unref(struct blob *b);

struct cache_stats {
	uint64_t hits, misses, evictions;
	size_t bytes, max_bytes, blobs, entries;
};

struct cache;

/* A cache holding at most max_bytes of blobs and max_entries records.
 * NULL on ENOMEM. */
struct cache *cache_new(size_t max_bytes, size_t max_entries);
/* A cache of blobs alone, at most max_bytes of them: no size outlives
 * its bytes (each record costs about 100 bytes, a waste where sizes are
 * never asked for).  NULL on ENOMEM. */
struct cache *cache_new_blobs(size_t max_bytes);
void cache_free(struct cache *c);
/* The blob for (ino, ver) with a reference for the caller, or NULL. */
struct blob *cache_get(struct cache *c, uint64_t ino, uint64_t ver);
/* The blob kept for ino, whatever its version, with a reference for the
 * caller, or NULL: for a reader of an inode whose file has changed since
 * (inode numbers carry the version, so these are its own bytes). */
struct blob *cache_get_any(struct cache *c, uint64_t ino);
/* 1 and *size when the size of (ino, ver) is known, else 0. */
int cache_size(struct cache *c, uint64_t ino, uint64_t ver, size_t *size);
/* Keep b (the cache takes its own reference) as the rendering of
 * (ino, ver), replacing any older one.  A blob larger than half the
 * bound is kept aside instead, the last two such whatever their size:
 * a reader reads a file in many pieces, and each must find it. */
void cache_put(struct cache *c, uint64_t ino, uint64_t ver, struct blob *b);
/* Hold the bytes of (ino, ver), when kept, apart from the LRU: that
 * version is about to be replaced, and a reader that looked it up just
 * before must still find its bytes (cache_get_any) however many other
 * files are made meanwhile.  The last 256 retired are held, within an
 * eighth of the bound (the oldest let go first); a retired blob stays
 * in the LRU too, and counts there until pushed out.  Returns 1 when
 * bytes were held, 0 when none are kept for that version. */
int cache_retire(struct cache *c, uint64_t ino, uint64_t ver);
/* 1 and the size and mtime recorded for ino, whatever its version: the
 * attributes of an inode whose file has changed since, else 0. */
int cache_attr_any(struct cache *c, uint64_t ino, size_t *size, int64_t *mtime_ns);
/* 1 when the size of (ino, ver) is known but its bytes are not kept. */
int cache_size_only(struct cache *c, uint64_t ino, uint64_t ver);
/* 1 and the version of the record kept for ino (the last rendering or
 * size given for it), whatever that version is, else 0. */
int cache_ver_any(struct cache *c, uint64_t ino, uint64_t *ver);
/* Forget everything about ino. */
void cache_drop(struct cache *c, uint64_t ino);
void cache_get_stats(struct cache *c, struct cache_stats *out);

#endif
