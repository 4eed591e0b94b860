/* Unit tests of mountdata/hmap.c: put, get, replace, delete (with the
 * tombstones it leaves), iterate, over 100000 keys, and a long churn
 * that must not grow the table. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hmap.h"

#define N 100000

static char keys[N][16];
static size_t klens[N];
static int vals[N];

static size_t count_iter(const struct hmap *m, unsigned char *seen, int *dups,
			 int *strangers)
{
	size_t i = 0, n = 0;
	void *v;

	if (seen)
		memset(seen, 0, N);
	*dups = 0;
	*strangers = 0;
	while ((v = hmap_next(m, &i))) {
		ptrdiff_t k = (int *)v - vals;

		n++;
		if (k < 0 || k >= N) {
			(*strangers)++;
			continue;
		}
		if (seen) {
			if (seen[k])
				(*dups)++;
			seen[k] = 1;
		}
	}
	return n;
}

static void test_empty(void)
{
	struct hmap m = HMAP_INIT;
	size_t i = 0;

	CHECK(hmap_get(&m, "a", 1) == NULL);
	CHECK(hmap_get(&m, "", 0) == NULL);
	CHECK(hmap_del(&m, "a", 1) == NULL);
	CHECK(hmap_next(&m, &i) == NULL);
	CHECK_INT(m.len, 0);
	hmap_free(&m);
	CHECK(m.slots == NULL && m.cap == 0 && m.len == 0);
}

static void test_many(void)
{
	static unsigned char seen[N];
	struct hmap m = HMAP_INIT;
	int other = 0, dups, strangers, bad;
	char copy[16];
	size_t i;

	for (i = 0; i < N; i++) {
		klens[i] = (size_t)snprintf(keys[i], sizeof(keys[i]), "key%zu", i);
		vals[i] = (int)i;
	}
	bad = 0;
	for (i = 0; i < N; i++)
		bad += hmap_put(&m, keys[i], klens[i], &vals[i]) != 0;
	CHECK_INT(bad, 0);
	CHECK_INT(m.len, N);
	CHECK(m.cap && (m.cap & (m.cap - 1)) == 0);
	CHECK(m.used <= m.cap && m.len * 4 <= m.cap * 3);

	bad = 0;
	for (i = 0; i < N; i++)
		bad += hmap_get(&m, keys[i], klens[i]) != &vals[i];
	CHECK_INT(bad, 0);
	CHECK(hmap_get(&m, "nokey", 5) == NULL);
	CHECK(hmap_get(&m, "key1", 3) == NULL);           /* a prefix */
	CHECK(hmap_get(&m, "key100000", 9) == NULL);
	CHECK(hmap_get(&m, "key1", 4) == &vals[1]);       /* not key10... */

	CHECK_INT(count_iter(&m, seen, &dups, &strangers), N);
	CHECK_INT(dups, 0);
	CHECK_INT(strangers, 0);
	CHECK(memchr(seen, 0, N) == NULL);

	/* replacing keeps the count; the key may be another copy */
	CHECK_INT(hmap_put(&m, keys[5], klens[5], &other), 0);
	CHECK_INT(m.len, N);
	CHECK(hmap_get(&m, "key5", 4) == &other);
	memcpy(copy, keys[5], sizeof(copy));
	CHECK_INT(hmap_put(&m, copy, klens[5], &vals[5]), 0);
	CHECK(hmap_get(&m, keys[5], klens[5]) == &vals[5]);
	CHECK_INT(m.len, N);

	/* delete the even keys */
	bad = 0;
	for (i = 0; i < N; i += 2)
		bad += hmap_del(&m, keys[i], klens[i]) != &vals[i];
	CHECK_INT(bad, 0);
	CHECK_INT(m.len, N / 2);
	bad = 0;
	for (i = 0; i < N; i++)
		bad += hmap_get(&m, keys[i], klens[i]) != (i % 2 ? &vals[i] : NULL);
	CHECK_INT(bad, 0);
	CHECK(hmap_del(&m, keys[0], klens[0]) == NULL);
	CHECK_INT(m.len, N / 2);
	CHECK_INT(count_iter(&m, seen, &dups, &strangers), N / 2);
	bad = 0;
	for (i = 0; i < N; i++)
		bad += seen[i] != (i % 2);
	CHECK_INT(bad, 0);
	CHECK_INT(dups, 0);

	/* and put them back, over the tombstones */
	bad = 0;
	for (i = 0; i < N; i += 2)
		bad += hmap_put(&m, keys[i], klens[i], &vals[i]) != 0;
	CHECK_INT(bad, 0);
	CHECK_INT(m.len, N);
	CHECK(m.used <= m.cap);
	bad = 0;
	for (i = 0; i < N; i++)
		bad += hmap_get(&m, keys[i], klens[i]) != &vals[i];
	CHECK_INT(bad, 0);
	CHECK_INT(count_iter(&m, NULL, &dups, &strangers), N);

	/* delete everything */
	for (i = 0; i < N; i++)
		hmap_del(&m, keys[i], klens[i]);
	CHECK_INT(m.len, 0);
	CHECK_INT(count_iter(&m, NULL, &dups, &strangers), 0);
	CHECK(hmap_get(&m, keys[7], klens[7]) == NULL);

	hmap_free(&m);
	CHECK(m.slots == NULL && m.cap == 0 && m.len == 0 && m.used == 0);
	/* usable again after free */
	CHECK_INT(hmap_put(&m, keys[1], klens[1], &vals[1]), 0);
	CHECK(hmap_get(&m, keys[1], klens[1]) == &vals[1]);
	hmap_free(&m);
}

/* Keys come and go while few are live: tombstones are reclaimed, the
 * table stays small and lookups keep working. */
static void test_churn(void)
{
	struct hmap m = HMAP_INIT;
	size_t i, maxcap = 0;
	int bad = 0;

	for (i = 0; i < 2 * N; i++) {
		size_t k = i % N;

		if (i >= N) {
			/* keys come round again */
			if (hmap_get(&m, keys[k], klens[k]))
				bad++;
		}
		bad += hmap_put(&m, keys[k], klens[k], &vals[k]) != 0;
		if (i >= 100) {
			size_t d = (i - 100) % N;

			bad += hmap_del(&m, keys[d], klens[d]) != &vals[d];
		}
		if (m.cap > maxcap)
			maxcap = m.cap;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(m.len, 100);
	CHECKF(maxcap <= 1024, "the table grew to %zu slots for 100 keys", maxcap);
	for (i = 2 * N - 100; i < 2 * N; i++)
		bad += hmap_get(&m, keys[i % N], klens[i % N]) != &vals[i % N];
	CHECK_INT(bad, 0);
	hmap_free(&m);
}

static void test_odd_keys(void)
{
	struct hmap m = HMAP_INIT;
	int a, b, c, d;

	CHECK_INT(hmap_put(&m, "", 0, &a), 0);
	CHECK_INT(hmap_put(&m, "a\0b", 3, &b), 0);
	CHECK_INT(hmap_put(&m, "a\0c", 3, &c), 0);
	CHECK_INT(hmap_put(&m, "Технологии", strlen("Технологии"), &d), 0);
	CHECK(hmap_get(&m, "", 0) == &a);
	CHECK(hmap_get(&m, "a\0b", 3) == &b);
	CHECK(hmap_get(&m, "a\0c", 3) == &c);
	CHECK(hmap_get(&m, "a", 1) == NULL);
	CHECK(hmap_get(&m, "Технологии", strlen("Технологии")) == &d);
	CHECK(hmap_get(&m, "технологии", strlen("технологии")) == NULL);
	CHECK_INT(m.len, 4);
	CHECK(hmap_del(&m, "", 0) == &a);
	CHECK(hmap_get(&m, "", 0) == NULL);
	CHECK(hmap_get(&m, "a\0b", 3) == &b);
	hmap_free(&m);
}

int main(void)
{
	test_empty();
	test_many();
	test_churn();
	test_odd_keys();
	return check_done("test_hmap");
}
