/* hmap.h — an open-addressing hash map from byte-string keys to
 * pointers.  The map does not own keys or values: a key must stay valid
 * (usually it lives inside the value) while it is in the map.
 * Not thread-safe: callers hold the lock of the structure it indexes. */
#ifndef POSTFS_HMAP_H
#define POSTFS_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap_slot {
	uint64_t hash;     /* 0: empty, 1: deleted, else hash | 2 */
	const char *key;
	size_t klen;
	void *val;
};

struct hmap {
	struct hmap_slot *slots;
	size_t cap;        /* a power of two, or 0 */
	size_t len;        /* live entries */
	size_t used;       /* live + deleted */
};

#define HMAP_INIT { NULL, 0, 0, 0 }

/* The value stored under key[0..klen), or NULL. */
void *hmap_get(const struct hmap *m, const char *key, size_t klen);
/* Store val under key (replacing any value there).  Returns 0 or -ENOMEM. */
int hmap_put(struct hmap *m, const char *key, size_t klen, void *val);
/* Remove key; returns the value it had, or NULL. */
void *hmap_del(struct hmap *m, const char *key, size_t klen);
/* Free the table (not the keys or values). */
void hmap_free(struct hmap *m);
/* Iterate: start with *i = 0; returns the next value or NULL at the end. */
void *hmap_next(const struct hmap *m, size_t *i);

#endif
