#include "names.h"

#include <stdio.h>
#include <string.h>

#include "utf8.h"

unsigned long long name_hash(const char *s, size_t n)
{
	unsigned long long h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void name_make(struct buf *out, const char *s, size_t n, size_t max)
{
	struct buf b = BUF_INIT;
	size_t i = 0, keep;
	int32_t c;
	int space = 0;

	if (max > NAME_MAX_BYTES)
		max = NAME_MAX_BYTES;
	while (i < n) {
		int k = utf8_decode(s + i, n - i, &c);

		i += (size_t)k;
		if (c < 0)
			c = 0xFFFD;
		if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) ||
		    utf8_isspace(c) || c == 0x2028 || c == 0x2029) {
			space = b.len > 0;
			continue;
		}
		if (space) {
			buf_addc(&b, ' ');
			space = 0;
		}
		if (c == '/')
			c = 0x2215;
		else if (c == '.' && b.len == 0)
			c = 0x2024;
		utf8_encode(&b, c);
	}
	if (b.len == 0)
		buf_addc(&b, '_');
	if (b.oom) {
		buf_addc(out, '_');
		buf_free(&b);
		return;
	}
	if (b.len <= max) {
		buf_add(out, b.data, b.len);
	} else if (max <= 9) {
		/* no room for a hash: just cut */
		keep = utf8_truncate(b.data, b.len, max);
		buf_add(out, b.data, keep ? keep : 0);
		if (!keep)
			buf_addc(out, '_');
	} else {
		char tail[16];
		unsigned long long h = name_hash(b.data, b.len);

		snprintf(tail, sizeof(tail), "~%08llx", h & 0xffffffffULL);
		keep = utf8_truncate(b.data, b.len, max - strlen(tail));
		buf_add(out, b.data, keep);
		buf_adds(out, tail);
	}
	buf_free(&b);
}

void name_key(struct buf *b, const char *name, size_t n)
{
	size_t i = 0;
	int32_t c;

	/* lower case, and the case folding that lower-casing alone misses:
	 * Greek final sigma is a sigma (ΟΔΟΣ, οδος) */
	while (i < n) {
		i += (size_t)utf8_decode(name + i, n - i, &c);
		c = c < 1 ? 0xFFFD : utf8_tolower(c);
		if (c == 0x03C2)
			c = 0x03C3;
		utf8_encode(b, c);
	}
}
