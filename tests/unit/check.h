/* check.h — the few assertions the unit tests share.
 *
 * Every CHECK counts; a failing one prints file:line, the expression and
 * the values it compared, and the run goes on, so one run shows every
 * failure.  check_done() prints "NAME: N checks, M failed" and gives the
 * exit status (non-zero when anything failed).
 *
 * CHECK_KNOWN marks a check that fails because of a known defect of the
 * code under test: it is still run and still printed (as KNOWN), counted
 * apart, and does not fail the program, so a fix shows as "now passes".
 */
#ifndef POSTFS_TESTS_CHECK_H
#define POSTFS_TESTS_CHECK_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static unsigned check_total, check_failed, check_known, check_fixed;

/* The failure mode of the check being made: 0 normal, 1 known defect. */
static int check_mode;

static inline void check_vnote(int ok, const char *file, int line,
			       const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static inline void check_vnote(int ok, const char *file, int line,
			       const char *fmt, va_list ap)
{
	check_total++;
	if (ok) {
		if (check_mode) {
			check_fixed++;
			printf("%s:%d: KNOWN defect now passes: ", file, line);
			vprintf(fmt, ap);
			putchar('\n');
		}
		return;
	}
	if (check_mode) {
		check_known++;
		printf("%s:%d: KNOWN (expected to fail): ", file, line);
	} else {
		check_failed++;
		printf("%s:%d: FAILED: ", file, line);
	}
	vprintf(fmt, ap);
	putchar('\n');
}

static inline void check_note(int ok, const char *file, int line,
			      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static inline void check_note(int ok, const char *file, int line,
			      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_vnote(ok, file, line, fmt, ap);
	va_end(ap);
}

/* Print bytes readably: printable ASCII as is, the rest as \xNN. */
static inline void check_put_bytes(FILE *f, const char *s, size_t n)
{
	size_t i;

	if (!s) {
		fputs("(null)", f);
		return;
	}
	fputc('"', f);
	for (i = 0; i < n && i < 400; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
			fputc(c, f);
		else
			fprintf(f, "\\x%02X", c);
	}
	if (n > 400)
		fprintf(f, "...(%zu bytes)", n);
	fputc('"', f);
}

static inline int check_mem(const char *file, int line, const char *ea,
			    const char *a, size_t alen, const char *b,
			    size_t blen)
{
	int ok = a && b && alen == blen && !memcmp(a, b, alen);

	if (!ok && !a && !b)
		ok = 1;
	check_note(ok, file, line, "%s", ea);
	if (!ok) {
		fputs("    got:      ", stdout);
		check_put_bytes(stdout, a, alen);
		fputs("\n    expected: ", stdout);
		check_put_bytes(stdout, b, blen);
		putchar('\n');
	}
	return ok;
}

static inline int check_str(const char *file, int line, const char *ea,
			    const char *a, const char *b)
{
	return check_mem(file, line, ea, a, a ? strlen(a) : 0, b,
			 b ? strlen(b) : 0);
}

#define CHECK(c) \
	check_note(!!(c), __FILE__, __LINE__, "%s", #c)

/* A check with a printf-style explanation printed on failure. */
#define CHECKF(c, ...) do {                                              \
	int check_ok_ = !!(c);                                          \
	check_note(check_ok_, __FILE__, __LINE__, "%s", #c);             \
	if (!check_ok_) {                                               \
		fputs("    ", stdout);                                  \
		printf(__VA_ARGS__);                                    \
		putchar('\n');                                          \
	}                                                               \
} while (0)

#define CHECK_INT(a, b) do {                                             \
	long long check_a_ = (long long)(a), check_b_ = (long long)(b);  \
	check_note(check_a_ == check_b_, __FILE__, __LINE__,             \
		   "%s == %s (got %lld, expected %lld)", #a, #b,          \
		   check_a_, check_b_);                                  \
} while (0)

#define CHECK_U64(a, b) do {                                             \
	unsigned long long check_a_ = (unsigned long long)(a);           \
	unsigned long long check_b_ = (unsigned long long)(b);           \
	check_note(check_a_ == check_b_, __FILE__, __LINE__,             \
		   "%s == %s (got 0x%llx, expected 0x%llx)", #a, #b,      \
		   check_a_, check_b_);                                  \
} while (0)

#define CHECK_STR(a, b) \
	check_str(__FILE__, __LINE__, #a " == " #b, (a), (b))
#define CHECK_MEM(a, alen, b, blen) \
	check_mem(__FILE__, __LINE__, #a " == " #b, (a), (alen), (b), (blen))

/* Wrap checks of a known defect (see above): CHECK_KNOWN(CHECK(...)). */
#define CHECK_KNOWN(...) do {                                            \
	check_mode = 1;                                                 \
	__VA_ARGS__;                                                    \
	check_mode = 0;                                                 \
} while (0)

static inline int check_done(const char *name)
{
	printf("%s: %u checks, %u failed", name, check_total, check_failed);
	if (check_known || check_fixed)
		printf(" (%u known defects still failing, %u now passing)",
		       check_known, check_fixed);
	putchar('\n');
	return check_failed ? 1 : 0;
}

/* Strict UTF-8 validation (no overlongs, surrogates or code points past
 * U+10FFFF), written apart from render/utf8.c so the two check each
 * other.  NUL bytes are allowed here; callers test for them. */
static inline int check_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i];
		size_t k, len;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += len;
	}
	return 1;
}

/* A small deterministic generator (xorshift64*), so runs repeat. */
static inline uint64_t check_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

#endif
