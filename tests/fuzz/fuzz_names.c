/* fuzz_names.c — libFuzzer target for the name mapping (mountdata/names.c):
 * terms and slugs made into names of the tree, and their grouping keys.
 *
 * The input is the text of a term or slug; its first byte also picks one
 * more bound to try besides the ones postfs uses.  Every name must be a
 * valid single path component as names.h promises: valid UTF-8 without
 * NUL, no '/', no control character, not empty, not "." or "..", no
 * leading '.', no space at either end, at most max bytes; the same input
 * must give the same name, a name made from a name must be that name,
 * and name_make must only append.  A key must be valid UTF-8 without '/',
 * the same for the same name, and its own key.
 *
 *   tests/fuzz/run-long.sh names 600
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "names.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "~" and 8 hex digits end a name that was cut; below this many bytes a
 * bound leaves no room for them and the name is only cut.  postfs asks
 * for 239 and 253: the extra bound is drawn from 10..255. */
#define MIN_MAX 10

/* 1 when name[0..n) holds a C0 or C1 control character or DEL. */
static int has_control(const char *name, size_t n)
{
	size_t i = 0;
	int32_t c;

	while (i < n) {
		i += (size_t)utf8_decode(name + i, n - i, &c);
		if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0))
			return 1;
	}
	return 0;
}

static void check_name(const char *s, size_t n, size_t max)
{
	struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
	const char *name;
	size_t len;

	name_make(&a, s, n, max);
	/* name_make appends: what was in the buffer stays */
	buf_adds(&b, "prefix/");
	name_make(&b, s, n, max);
	if (a.oom || b.oom)
		goto out; /* out of memory under the fuzzer's limit: not a finding */
	name = a.data;
	len = a.len;
	if (len == 0 || len > max || !utf8_valid(name, len) || memchr(name, '/', len) ||
	    name[0] == '.' || name[0] == ' ' || name[len - 1] == ' ' ||
	    has_control(name, len))
		abort();
	if ((len == 1 && name[0] == '.') || (len == 2 && !memcmp(name, "..", 2)))
		abort();
	if (b.len != 7 + len || memcmp(b.data, "prefix/", 7) || memcmp(b.data + 7, name, len))
		abort();
	/* a name is its own name: a slug copied from the tree maps back to it */
	name_make(&c, name, len, max);
	if (!c.oom && (c.len != len || memcmp(c.data, name, len)))
		abort();
out:
	buf_free(&a);
	buf_free(&b);
	buf_free(&c);
}

static void check_key(const char *s, size_t n)
{
	struct buf name = BUF_INIT, k1 = BUF_INIT, k2 = BUF_INIT, kk = BUF_INIT;

	name_make(&name, s, n, NAME_MAX_BYTES);
	if (name.oom)
		goto out;
	name_key(&k1, name.data, name.len);
	name_key(&k2, name.data, name.len);
	if (k1.oom || k2.oom)
		goto out;
	if (k1.len == 0 || !utf8_valid(k1.data, k1.len) || memchr(k1.data, '/', k1.len))
		abort();
	if (k1.len != k2.len || memcmp(k1.data, k2.data, k1.len))
		abort();
	name_key(&kk, k1.data, k1.len);
	if (!kk.oom && (kk.len != k1.len || memcmp(kk.data, k1.data, k1.len)))
		abort();
out:
	buf_free(&name);
	buf_free(&k1);
	buf_free(&k2);
	buf_free(&kk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t used[] = { NAME_MAX_BYTES, NAME_MAX_BYTES - 2,
				       NAME_MAX_BYTES - 16 };
	const char *s = (const char *)data;
	struct buf raw = BUF_INIT;
	size_t i, extra;

	if (size == 0) {
		check_name("", 0, NAME_MAX_BYTES);
		return 0;
	}
	extra = MIN_MAX + data[0] % (NAME_MAX_BYTES - MIN_MAX + 1);
	for (i = 0; i < sizeof(used) / sizeof(used[0]); i++)
		check_name(s, size, used[i]);
	check_name(s + 1, size - 1, extra);
	check_key(s, size);
	/* name_key is also given raw text (a term's spelling before it is
	 * a name): invalid bytes are repaired, so the key is valid UTF-8
	 * (NUL, which no spelling holds, is left out of this check) */
	name_key(&raw, s, size);
	if (!raw.oom && raw.len && !memchr(s, '\0', size) && !utf8_valid(raw.data, raw.len))
		abort();
	buf_free(&raw);
	return 0;
}
