#include "hmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

static uint64_t hkey(const char *k, size_t n)
{
	return name_hash(k, n) | 2;
}

static struct hmap_slot *find(const struct hmap *m, const char *key,
			      size_t klen, uint64_t h)
{
	size_t i, mask = m->cap - 1;

	if (!m->cap)
		return NULL;
	for (i = h & mask;; i = (i + 1) & mask) {
		struct hmap_slot *s = &m->slots[i];

		if (s->hash == 0)
			return NULL;
		if (s->hash == h && s->klen == klen && !memcmp(s->key, key, klen))
			return s;
	}
}

void *hmap_get(const struct hmap *m, const char *key, size_t klen)
{
	struct hmap_slot *s = find(m, key, klen, hkey(key, klen));

	return s ? s->val : NULL;
}

static int rehash(struct hmap *m, size_t cap)
{
	struct hmap_slot *old = m->slots, *s;
	size_t i, oldcap = m->cap, mask = cap - 1, j;

	m->slots = calloc(cap, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return -ENOMEM;
	}
	m->cap = cap;
	m->used = m->len;
	for (i = 0; i < oldcap; i++) {
		s = &old[i];
		if (s->hash < 2)
			continue;
		for (j = s->hash & mask; m->slots[j].hash; j = (j + 1) & mask)
			;
		m->slots[j] = *s;
	}
	free(old);
	return 0;
}

int hmap_put(struct hmap *m, const char *key, size_t klen, void *val)
{
	uint64_t h = hkey(key, klen);
	struct hmap_slot *s = find(m, key, klen, h);
	size_t i, mask;

	if (s) {
		s->key = key;
		s->val = val;
		return 0;
	}
	if ((m->used + 1) * 4 >= m->cap * 3) {
		size_t cap = m->cap ? m->cap : 16;

		while ((m->len + 1) * 2 >= cap)
			cap *= 2;
		if (rehash(m, cap))
			return -ENOMEM;
	}
	mask = m->cap - 1;
	for (i = h & mask; m->slots[i].hash >= 2; i = (i + 1) & mask)
		;
	if (m->slots[i].hash == 0)
		m->used++;
	m->slots[i] = (struct hmap_slot){ h, key, klen, val };
	m->len++;
	return 0;
}

void *hmap_del(struct hmap *m, const char *key, size_t klen)
{
	struct hmap_slot *s = find(m, key, klen, hkey(key, klen));
	void *v;

	if (!s)
		return NULL;
	v = s->val;
	s->hash = 1;
	s->key = NULL;
	s->val = NULL;
	m->len--;
	return v;
}

void hmap_free(struct hmap *m)
{
	free(m->slots);
	*m = (struct hmap)HMAP_INIT;
}

void *hmap_next(const struct hmap *m, size_t *i)
{
	while (*i < m->cap) {
		struct hmap_slot *s = &m->slots[(*i)++];

		if (s->hash >= 2)
			return s->val;
	}
	return NULL;
}
