/* site.h — the model of a mount: its posts, indexes and virtual tree,
 * as the FUSE driver (fs/) sees it.  Nothing here knows FUSE: nodes are
 * named by 64-bit inode numbers (node.h), attributes and bytes come back
 * in plain structs, and kernel cache invalidations go out through the
 * callbacks of struct site_notify.
 *
 * Every function here is safe to call from several threads at once.
 */
#ifndef POSTFS_SITE_H
#define POSTFS_SITE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cache.h"
#include "post.h"

struct site_opts {
	const char *source;          /* SOURCE folder */
	int drafts, future, unsafe;  /* show drafts / future and expired posts /
	                                let raw HTML through */
	const char *base_url;        /* absolute site URL or NULL */
	const char *templates;       /* folder of templates overriding the
	                                built-in ones, or NULL */
	const char *title;           /* site title (default "postfs") */
	size_t cache_bytes;          /* bound on rendered bytes kept */
	unsigned page_size;          /* posts per listing page */
	const char *taxonomies;      /* "tag:tags,category:categories" */
	size_t max_file;             /* largest source read */
	struct fm_limits fm;         /* front matter bounds */
	unsigned max_terms;          /* terms per post per taxonomy */
};

/* Defaults for every field but source. */
void site_opts_default(struct site_opts *o);

struct node_attr {
	uint64_t ino;
	uint32_t mode;      /* S_IFDIR | 0555 or S_IFREG | 0444 */
	uint32_t nlink;
	uint64_t size;
	int64_t mtime_ns;
	uint8_t is_volatile; /* bytes change on their own (status.json): the
	                        kernel must not keep them long */
};

/* How the model tells the kernel driver what changed.  Called only from
 * the model's own updater thread, never from inside a request, with no
 * lock of the model held. */
struct site_notify {
	void *ctx;
	void (*inval_entry)(void *ctx, uint64_t parent, const char *name, size_t len);
	void (*inval_inode)(void *ctx, uint64_t ino);
};

struct site;

/* Scan opts->source and build the model.  Returns 0 and *out, or -errno
 * with a message in err (e.g. the source is not a readable folder, an
 * option is invalid). */
int site_open(const struct site_opts *opts, struct site **out,
	      char *err, size_t errlen);
void site_close(struct site *s);

/* Start the updater: a thread that watches SOURCE (and the templates
 * folder) with inotify, applies every change to the model, publishes
 * and withdraws scheduled and expiring posts when their time comes, and
 * tells the kernel what changed through *n (copied).  Returns 0 or
 * -errno. */
int site_start_updater(struct site *s, const struct site_notify *n);
/* Stop it (waits for the thread).  Safe to call when not started. */
void site_stop_updater(struct site *s);
/* Ask the updater to rescan all of SOURCE.  Async-signal-safe: a SIGHUP
 * handler may call it. */
void site_request_rescan(struct site *s);

/* Attributes of the child called name of folder parent.  Returns 0, or
 * -ENOENT (no such child), -ENOTDIR, -EIO (a rendering failed), -ENOMEM. */
int site_lookup(struct site *s, uint64_t parent, const char *name,
		struct node_attr *out);
/* Attributes of a node. -ENOENT when the node is gone. */
int site_getattr(struct site *s, uint64_t ino, struct node_attr *out);

struct site_dirent {
	const char *name;  /* points into the site_dir */
	uint64_t ino;
	uint32_t mode;     /* S_IFDIR or S_IFREG */
};

/* A folder's entries as they were at site_opendir (one consistent
 * listing however many readdir calls read it), "." and ".." not
 * included.  Free with site_dir_free. */
struct site_dir {
	size_t n;
	struct site_dirent *e;
	char *names;       /* storage of the names */
};
int site_opendir(struct site *s, uint64_t ino, struct site_dir **out);
void site_dir_free(struct site_dir *d);

/* The bytes of a file node, as they are now: a blob the caller holds
 * (blob_unref when done), whose length is what the last site_getattr
 * reported unless the node changed since.  *is_volatile is set to 1 for
 * a file whose bytes change by themselves (see struct node_attr).
 * Returns 0, or -EISDIR, -ENOENT, -EIO, -ENOMEM. */
int site_read_file(struct site *s, uint64_t ino, struct blob **out,
		   int *is_volatile);

/* Figures for statfs: number of nodes of the tree, and bytes of sources. */
void site_statfs(struct site *s, uint64_t *files, uint64_t *bytes);

#endif
