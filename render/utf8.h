/* utf8.h — UTF-8 decoding, validation, repair and Unicode-aware case
 * folding.  Case mapping and character classes come from glibc's C.UTF-8
 * locale, loaded once and used through the *_l functions, so the host's
 * locale never changes what postfs does. */
#ifndef POSTFS_UTF8_H
#define POSTFS_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Decode one code point from s[0..n).  Returns the number of bytes used
 * (1..4) and stores the code point in *cp; on an invalid or truncated
 * sequence (including overlongs, surrogates, > U+10FFFF) returns 1 and
 * stores -1. n must be > 0. */
int utf8_decode(const char *s, size_t n, int32_t *cp);
/* Append code point cp (0..0x10FFFF, not a surrogate) as UTF-8. */
void utf8_encode(struct buf *b, int32_t cp);
/* 1 if s[0..n) is valid UTF-8 with no NUL byte, else 0. */
int utf8_valid(const char *s, size_t n);
/* Append s[0..n) to b with every invalid sequence and every NUL replaced
 * by U+FFFD.  Returns the number of replacements made. */
size_t utf8_repair(struct buf *b, const char *s, size_t n);
/* Return a malloc'd NUL-terminated valid UTF-8 copy of s[0..n) (repaired
 * as utf8_repair does), or NULL on allocation failure. */
char *utf8_dup(const char *s, size_t n);
/* Append the lower-case (simple case folding) form of valid UTF-8 text;
 * invalid bytes are repaired first. */
void utf8_lower(struct buf *b, const char *s, size_t n);
/* Character classes of a code point (Unicode-aware). */
int utf8_isalnum(int32_t cp);
int utf8_isspace(int32_t cp);
int32_t utf8_tolower(int32_t cp);
/* Length of the longest prefix of s[0..n) that is at most max bytes and
 * does not cut a UTF-8 sequence. */
size_t utf8_truncate(const char *s, size_t n, size_t max);

#endif
