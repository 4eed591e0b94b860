/* buf.h — the one growable byte buffer every renderer appends to.
 *
 * Ownership: a struct buf owns its `data` (malloc'd) until buf_free() or
 * buf_detach().  `data` is always NUL-terminated after any successful
 * append (the NUL is not counted in `len`), so it can be used as a C
 * string when the content has no NUL bytes.
 *
 * Errors are sticky: when an allocation fails, `oom` is set, later
 * appends do nothing, and buf_error() returns -ENOMEM.  Streaming
 * callbacks (md4c, the Mustache engine) can therefore append without
 * checking each call; the caller checks once at the end.
 */
#ifndef POSTFS_BUF_H
#define POSTFS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;   /* owned; NULL until the first append */
	size_t len;   /* bytes used, not counting the trailing NUL */
	size_t cap;   /* bytes allocated */
	size_t limit; /* 0, or the most bytes this buffer may hold: past it, oom is set */
	int oom;      /* sticky: an allocation failed or limit was passed */
};

#define BUF_INIT { NULL, 0, 0, 0, 0 }

/* Make room for `extra` more bytes.  Returns 0 or -ENOMEM. */
int buf_grow(struct buf *b, size_t extra);
/* Append bytes, a C string, one byte.  No return: errors are sticky. */
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
/* Append printf-style formatted text. */
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append text escaped for HTML text and attribute values: & < > " '. */
void buf_add_html(struct buf *b, const char *s, size_t n);
/* Append text escaped for XML (same set as HTML, and no control
 * characters XML 1.0 forbids: they are dropped). */
void buf_add_xml(struct buf *b, const char *s, size_t n);
/* Append one URL path component percent-encoded (RFC 3986): every byte
 * but the unreserved ones (ALPHA DIGIT - . _ ~) becomes %XX.  Bytes of
 * 0x80 and above are kept as they are (an IRI, which browsers and nginx
 * accept) unless `ascii` is set, as feeds and sitemaps need. */
void buf_add_urlpart(struct buf *b, const char *s, size_t n, int ascii);
/* Forget the content, keep the allocation. */
void buf_reset(struct buf *b);
/* Free the content; the buffer is BUF_INIT again. */
void buf_free(struct buf *b);
/* Hand the content to the caller (who frees it with free()); the buffer
 * is BUF_INIT again.  Returns NULL if the buffer had an error or is
 * empty and never allocated; *len gets the length when len is not NULL. */
char *buf_detach(struct buf *b, size_t *len);
/* 0, or -ENOMEM if any append failed. */
static inline int buf_error(const struct buf *b) { return b->oom ? -12 /* -ENOMEM */ : 0; }

#endif
