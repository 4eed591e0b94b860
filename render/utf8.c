#include "utf8.h"

#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

static locale_t utf8_loc;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_init(void)
{
	/* C.UTF-8 ships with libc itself, so it is always there on Debian. */
	utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t loc(void)
{
	pthread_once(&utf8_once, utf8_init);
	return utf8_loc;
}

int utf8_decode(const char *str, size_t n, int32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	int32_t c;
	size_t len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
		c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		c = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		goto bad;
	}
	if (n < len)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return (int)len;
bad:
	*cp = -1;
	return 1;
}

void utf8_encode(struct buf *b, int32_t c)
{
	char o[4];

	if (c < 0x80) {
		o[0] = (char)c;
		buf_add(b, o, 1);
	} else if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		buf_add(b, o, 2);
	} else if (c < 0x10000) {
		o[0] = (char)(0xE0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		buf_add(b, o, 3);
	} else {
		o[0] = (char)(0xF0 | (c >> 18));
		o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[3] = (char)(0x80 | (c & 0x3F));
		buf_add(b, o, 4);
	}
}

int utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	int32_t c;

	while (i < n) {
		uint64_t w;

		/* eight ASCII bytes at a time, none of them NUL */
		if (i + 8 <= n) {
			memcpy(&w, s + i, 8);
			if (!(w & 0x8080808080808080ULL) &&
			    !((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL)) {
				i += 8;
				continue;
			}
		}
		if ((unsigned char)s[i] < 0x80) {
			if (!s[i])
				return 0;
			i++;
			continue;
		}
		i += (size_t)utf8_decode(s + i, n - i, &c);
		if (c < 0)
			return 0;
	}
	return 1;
}

size_t utf8_repair(struct buf *b, const char *s, size_t n)
{
	size_t i = 0, run = 0, bad = 0;
	int32_t c;
	int k;

	while (i < n) {
		if ((unsigned char)s[i] < 0x80 && s[i]) {
			i++;
			continue;
		}
		k = utf8_decode(s + i, n - i, &c);
		if (c > 0) {
			i += (size_t)k;
			continue;
		}
		buf_add(b, s + run, i - run);
		buf_add(b, "\xEF\xBF\xBD", 3);
		bad++;
		i += (size_t)k;
		run = i;
	}
	buf_add(b, s + run, n - run);
	return bad;
}

char *utf8_dup(const char *s, size_t n)
{
	struct buf b = BUF_INIT;

	utf8_repair(&b, s, n);
	buf_add(&b, "", 0);
	return buf_detach(&b, NULL);
}

int32_t utf8_tolower(int32_t c)
{
	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') ? c + 32 : c;
	return (int32_t)towlower_l((wint_t)c, loc());
}

int utf8_isalnum(int32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		       (c >= '0' && c <= '9');
	return iswalnum_l((wint_t)c, loc());
}

int utf8_isspace(int32_t c)
{
	if (c < 0x80)
		return c == ' ' || (c >= '\t' && c <= '\r');
	return iswspace_l((wint_t)c, loc()) || c == 0xA0;
}

void utf8_lower(struct buf *b, const char *s, size_t n)
{
	size_t i = 0;
	int32_t c;

	while (i < n) {
		i += (size_t)utf8_decode(s + i, n - i, &c);
		utf8_encode(b, c < 1 ? 0xFFFD : utf8_tolower(c));
	}
}

size_t utf8_truncate(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	n = max;
	/* Step back over continuation bytes to a sequence start. */
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}
