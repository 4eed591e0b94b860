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

#include "buf.h"
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
	unsigned readahead;          /* files made ahead of a reader going
	                                through a folder in order (0: none) */
};

/* Defaults for every field but source. */
void site_opts_default(struct site_opts *o);

struct node_attr {
	uint64_t ino;
	uint32_t mode;      /* S_IFDIR | 0555 or S_IFREG | 0444 */
	uint32_t nlink;
	uint64_t size;
	int64_t mtime_ns;
	uint8_t is_volatile; /* the name points to a new version all the time
	                        (status.json): the kernel must look it up
	                        each time; each version's attributes hold */
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
/* The kernel's references to nodes: site_lookup counts one itself; the
 * driver calls site_hold for each entry of a readdirplus reply and
 * site_forget when the kernel forgets.  Only query folders keep state
 * that needs them; every other inode is derived, not allocated. */
void site_hold(struct site *s, uint64_t ino);
void site_forget(struct site *s, uint64_t ino, uint64_t nlookup);

/* The inode of a folder's parent (for "..": the root's is the root; a
 * folder whose parent takes a search to find answers the root too). */
uint64_t site_parent(struct site *s, uint64_t ino);

/* Attributes of a node. -ENOENT when the node is gone. */
/* The same, but -EAGAIN instead of rendering a file whose size is not
 * known yet: for readdirplus, which need not give attributes (a `find`
 * reads names only; a `stat` then looks the file up). */
int site_getattr_cheap(struct site *s, uint64_t ino, struct node_attr *out);
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

/* An open file: either generated bytes, or a file beside a post read
 * straight from SOURCE. */
struct site_file {
	struct blob *blob;   /* generated bytes the caller holds (blob_unref),
	                        whose length is what site_getattr reported
	                        unless the node changed since; or NULL */
	int fd;              /* a resource's source, open for reading (the
	                        caller closes it), or -1 */
	int is_volatile;     /* see struct node_attr */
};

/* Open a file node as it is now.  A generated file's bytes are not made
 * here (a reader whose kernel cache already holds them never needs
 * them): out->blob stays NULL and site_file_bytes() makes them on the
 * first read that reaches the daemon.  Returns 0, or -EISDIR, -ENOENT,
 * -ESTALE (an older version of the file: look the name up again), -EIO,
 * -ENOMEM. */
int site_open_file(struct site *s, uint64_t ino, struct site_file *out);
/* Everything needed to read a file node, for a read that comes without
 * an open file (the kernel opens files without asking when the daemon
 * supports it): a generated file's bytes (made, or taken from the
 * cache; for an older version of the file, only if still cached), or a
 * resource's source open for reading.  Returns 0, or -ENOENT, -EISDIR,
 * -ESTALE (that version's bytes are gone), -EIO, -ENOMEM. */
int site_read_node(struct site *s, uint64_t ino, struct site_file *out);
/* The bytes of a generated file opened by site_open_file, made once and
 * kept in out->blob.  Returns 0, or -ESTALE when the file changed since
 * it was opened and its old bytes are gone, -EIO, -ENOMEM. */
int site_file_bytes(struct site *s, uint64_t ino, struct site_file *f);

/* Extended attributes (see xattr.c for the names): the value of `name`
 * appended to out, or the NUL-separated names.  Returns 0, -ENODATA (no
 * such attribute), -ENOENT, -ENOMEM. */
int site_getxattr(struct site *s, uint64_t ino, const char *name, struct buf *out);
int site_listxattr(struct site *s, uint64_t ino, struct buf *out);

/* Figures for statfs: number of nodes of the tree, and bytes of sources. */
void site_statfs(struct site *s, uint64_t *files, uint64_t *bytes);

#endif
