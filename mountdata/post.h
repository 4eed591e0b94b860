/* post.h — a post record: what one source file says about its post.
 *
 * A record is immutable once post_load() returns it and is shared by
 * reference count: the index holds one reference, and a request that
 * renders a page takes its own (post_ref) so an update that replaces the
 * record never frees it under a reader.
 */
#ifndef POSTFS_POST_H
#define POSTFS_POST_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "dates.h"
#include "frontmatter.h"

#define TAX_MAX 8

/* What post_load needs to know, shared by every post of a mount. */
struct post_cfg {
	unsigned ntax;                 /* taxonomies in use (<= TAX_MAX) */
	const char *tax_field[TAX_MAX]; /* front-matter field of each ("tags") */
	struct fm_limits fm;           /* front matter bounds */
	size_t max_file;               /* largest source read, bytes */
	size_t head;                   /* bytes read at first for the head */
	unsigned max_terms;            /* most terms per post per taxonomy */
	const char *root;              /* SOURCE's real path: sources are read
	                                  only from inside it (NULL: no check
	                                  beyond the kernel's) */
};

/* One reason a source could not be read as a post as it is. */
struct post_err {
	int line, column;              /* 1-based; 0 when not known */
	char *msg;                     /* owned */
};

struct post {
	atomic_uint refs;
	char *src;                     /* path relative to SOURCE */
	char *dir;                     /* folder of its resources, relative to
	                                  SOURCE ("" for SOURCE itself) */
	uint8_t bundle;                /* 1: a page bundle (dir/index.md) */
	uint8_t draft;
	uint8_t fmt;                   /* enum fm_format */
	/* the source as it was read: an edit changes one of these */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	size_t body_off;               /* the Markdown body starts here */
	int body_line;
	char *fm;                      /* every front-matter field: compact JSON */
	char *title;                   /* never NULL */
	char *slug;                    /* the slug as written or derived, before
	                                  it is made a name; never NULL */
	char *lang;                    /* NULL when not given */
	char *summary;                 /* `summary` field, or NULL */
	char *description;             /* `description` field, or NULL */
	struct pdate date;             /* always set (falls back to mtime) */
	struct pdate publish;          /* publishDate, else date */
	struct pdate lastmod;          /* set only when given */
	struct pdate expiry;           /* set only when given */
	char **terms[TAX_MAX];         /* spellings as written, one per term */
	unsigned nterms[TAX_MAX];
	struct post_err *errs;
	unsigned nerrs;
	/* What a later read of the whole body found wrong past the part read
	 * at mount (a NUL, invalid UTF-8): set once, then read-only.  For
	 * the log and status.json; the post's pages are what they were. */
	_Atomic(char *) late_err;
	size_t head_len;               /* bytes checked when it was loaded */
};

/* Read the source at rel (relative to the folder open as dirfd): its
 * head only, enough for the front matter.  Never fails for bad content:
 * what cannot be read goes into errs and the record is as complete as
 * it can be.  Returns 0 and a new record (refs = 1) in *out; -ENOENT,
 * -EISDIR, -EACCES... when the file cannot be opened as a regular file;
 * -ENOMEM. */
int post_load(int dirfd, const char *rel, int bundle,
	      const struct post_cfg *cfg, struct post **out);

/* Read the whole body (up to cfg->max_file bytes of the file) into a
 * malloc'd buffer.  Returns 0 with *body and *len set, or -errno.  When changed is not NULL, *changed
 * is set to 1 when the file is no longer the one the record describes
 * (different size, mtime or inode).  A NUL or invalid UTF-8 past the
 * part checked at mount is recorded once in p->late_err. */
int post_read_body(int dirfd, struct post *p, const struct post_cfg *cfg,
		   char **body, size_t *len, int *changed);

/* Read the whole source file, unchanged, into a malloc'd buffer;
 * *changed (when not NULL) as for post_read_body. */
int post_read_source(int dirfd, const struct post *p, const struct post_cfg *cfg,
		     char **data, size_t *len, int *changed);

/* Check text for a NUL byte or invalid UTF-8.  Returns 1 when there is
 * neither, else 0 with the offset of the first and whether it is a NUL. */
int post_check_text(const char *s, size_t n, size_t *bad_off, int *is_nul);

static inline struct post *post_ref(struct post *p)
{
	atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
	return p;
}
void post_unref(struct post *p);

/* 1 when the post is to be shown at time now (drafts, future and
 * expired posts shown only when asked). */
int post_visible(const struct post *p, int64_t now, int drafts, int future);
/* The next instant after now at which post_visible may change by itself
 * (a publish date or an expiry date passing), or INT64_MAX. */
int64_t post_next_change(const struct post *p, int64_t now, int drafts,
			 int future);
/* Nanoseconds since the epoch of the source's mtime. */
int64_t post_mtime_ns(const struct post *p);
/* When this post became visible, in nanoseconds since the epoch: its
 * source's mtime, or its publish date when that came later (a scheduled
 * post appears when its time comes) — what a listing's mtime takes from
 * a member. */
int64_t post_visible_since(const struct post *p, int future);

#endif
