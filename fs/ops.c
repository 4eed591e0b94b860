/* ops.c — the FUSE low-level operations: each maps an inode to a node of
 * the model (mountdata/) and answers with its attributes, its entries
 * or its bytes.  Errors from the model are 0 or -errno; the sign flips
 * once, where the reply is sent. */
#include "ops.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct pfs *pfs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static void pfs_fill_stat(const struct node_attr *a, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = a->ino;
	st->st_mode = a->mode;
	st->st_nlink = a->nlink;
	st->st_size = (off_t)a->size;
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)((a->size + 511) / 512);
	st->st_uid = getuid();
	st->st_gid = getgid();
	st->st_mtim.tv_sec = a->mtime_ns / 1000000000LL;
	st->st_mtim.tv_nsec = a->mtime_ns % 1000000000LL;
	st->st_ctim = st->st_mtim;
	st->st_atim = st->st_mtim;
}

/* A file's attributes hold for as long as its inode number: a changed
 * file is a new inode.  Names are kept until the updater says they
 * changed, but for a name that points to a new version all the time
 * (status.json), which the kernel must look up every time. */
static double pfs_attr_timeout(const struct pfs *fs, const struct node_attr *a)
{
	(void)a;
	return fs->timeout;
}

static double pfs_entry_timeout(const struct pfs *fs, const struct node_attr *a)
{
	return a->is_volatile ? 0.0 : fs->timeout;
}

static struct pfs_handle *pfs_handle_new(struct pfs *fs)
{
	struct pfs_handle *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->sf.fd = -1;
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_lock(&fs->hlock);
	h->next = fs->handles.next;
	h->prev = &fs->handles;
	fs->handles.next->prev = h;
	fs->handles.next = h;
	pthread_mutex_unlock(&fs->hlock);
	return h;
}

static void pfs_handle_free(struct pfs *fs, struct pfs_handle *h)
{
	pthread_mutex_lock(&fs->hlock);
	h->prev->next = h->next;
	h->next->prev = h->prev;
	pthread_mutex_unlock(&fs->hlock);
	blob_unref(h->sf.blob);
	if (h->sf.fd >= 0)
		close(h->sf.fd);
	site_dir_free(h->dir);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

void pfs_free_handles(struct pfs *fs)
{
	while (fs->handles.next != &fs->handles)
		pfs_handle_free(fs, fs->handles.next);
}

static void pfs_init(void *userdata, struct fuse_conn_info *conn)
{
	struct pfs *fs = userdata;

	if (conn->capable & FUSE_CAP_READDIRPLUS)
		conn->want |= FUSE_CAP_READDIRPLUS;
	if (conn->capable & FUSE_CAP_SPLICE_WRITE)
		conn->want |= FUSE_CAP_SPLICE_WRITE;
	/* Opens need no answer from us: every version of a file is its own
	 * inode, so a read names the bytes it wants by inode alone, and the
	 * kernel then keeps its cache across opens (a warm read of the
	 * whole site sends us nothing). */
	if (conn->capable & FUSE_CAP_NO_OPEN_SUPPORT) {
		conn->want |= FUSE_CAP_NO_OPEN_SUPPORT;
		fs->no_open = 1;
	}
	/* Reads of many files at once (a web server, find | xargs cat) are
	 * the common load; the kernel's default of 12 queued requests
	 * throttles them. */
	conn->max_background = fs->max_background;
	conn->congestion_threshold = fs->max_background * 3 / 4;
}

static void pfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct pfs *fs = pfs_of(req);
	struct fuse_entry_param e;
	struct node_attr a;
	int ret;

	memset(&e, 0, sizeof(e));
	ret = site_lookup(fs->site, parent, name, &a);
	if (ret == -ENOENT) {
		/* A cached negative entry: file managers probe the same
		 * missing names (.hidden, desktop.ini) over and over.  The
		 * updater invalidates it when the name appears. */
		e.ino = 0;
		e.entry_timeout = fs->timeout;
		fuse_reply_entry(req, &e);
		return;
	}
	if (ret) {
		fuse_reply_err(req, -ret);
		return;
	}
	e.ino = a.ino;
	e.generation = 1;
	e.attr_timeout = pfs_attr_timeout(fs, &a);
	e.entry_timeout = pfs_entry_timeout(fs, &a);
	pfs_fill_stat(&a, &e.attr);
	fuse_reply_entry(req, &e);
}

/* Inode numbers are derived from what a node is, not allocated; only
 * query folders keep state the kernel's forgetting lets go. */
static void pfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	site_forget(pfs_of(req)->site, ino, nlookup);
	fuse_reply_none(req);
}

static void pfs_forget_multi(fuse_req_t req, size_t count,
			     struct fuse_forget_data *forgets)
{
	size_t i;

	for (i = 0; i < count; i++)
		site_forget(pfs_of(req)->site, forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

static void pfs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct pfs *fs = pfs_of(req);
	struct node_attr a;
	struct stat st;
	int ret;

	(void)fi;
	ret = site_getattr(fs->site, ino, &a);
	if (ret) {
		fuse_reply_err(req, -ret);
		return;
	}
	pfs_fill_stat(&a, &st);
	fuse_reply_attr(req, &st, pfs_attr_timeout(fs, &a));
}

static void pfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct pfs *fs = pfs_of(req);
	struct pfs_handle *f;
	int ret;

	if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC)) {
		fuse_reply_err(req, EROFS);
		return;
	}
	if (fs->no_open) {
		/* from now on the kernel opens files by itself */
		fuse_reply_err(req, ENOSYS);
		return;
	}
	f = pfs_handle_new(fs);
	if (!f) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	ret = site_open_file(fs->site, ino, &f->sf);
	if (ret) {
		pfs_handle_free(fs, f);
		fuse_reply_err(req, -ret);
		return;
	}
	/* The open file reads this one version from first byte to last,
	 * whatever changes meanwhile: a changed file is a new inode. */
	fi->fh = (uint64_t)(uintptr_t)f;
	fi->keep_cache = 1;
	fi->noflush = 1;
	if (fuse_reply_open(req, fi) == -ENOENT)
		pfs_handle_free(fs, f); /* the open was interrupted */
}

/* A read with no open file behind it (see pfs_init). */
static void pfs_read_node(fuse_req_t req, struct pfs *fs, fuse_ino_t ino,
			  size_t size, off_t off)
{
	struct site_file sf;
	int ret = site_read_node(fs->site, ino, &sf);

	if (ret) {
		fuse_reply_err(req, -ret);
		return;
	}
	if (sf.fd >= 0) {
		struct fuse_bufvec bv = FUSE_BUFVEC_INIT(size);

		bv.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
		bv.buf[0].fd = sf.fd;
		bv.buf[0].pos = off;
		fuse_reply_data(req, &bv, FUSE_BUF_SPLICE_MOVE);
		close(sf.fd);
		return;
	}
	if (off < 0 || (size_t)off >= sf.blob->len)
		size = 0;
	else if (size > sf.blob->len - (size_t)off)
		size = sf.blob->len - (size_t)off;
	fuse_reply_buf(req, size ? sf.blob->data + off : NULL, size);
	blob_unref(sf.blob);
}

static void pfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct pfs *fs = pfs_of(req);
	struct pfs_handle *f = (struct pfs_handle *)(uintptr_t)fi->fh;
	struct blob *b;
	int ret;

	if (!f) {
		pfs_read_node(req, fs, ino, size, off);
		return;
	}
	if (f->sf.fd >= 0) {
		/* a file beside a post, read from SOURCE as it is */
		struct fuse_bufvec bv = FUSE_BUFVEC_INIT(size);

		bv.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
		bv.buf[0].fd = f->sf.fd;
		bv.buf[0].pos = off;
		fuse_reply_data(req, &bv, FUSE_BUF_SPLICE_MOVE);
		return;
	}
	/* Made on the first read that reaches us: with the kernel's cache
	 * warm, none does.  Reads of one open file are serialised by the
	 * kernel per page, not per file, hence the lock. */
	pthread_mutex_lock(&f->lock);
	ret = site_file_bytes(fs->site, ino, &f->sf);
	pthread_mutex_unlock(&f->lock);
	if (ret) {
		fuse_reply_err(req, -ret);
		return;
	}
	b = f->sf.blob;
	if (off < 0 || (size_t)off >= b->len) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > b->len - (size_t)off)
		size = b->len - (size_t)off;
	fuse_reply_buf(req, b->data + off, size);
}

static void pfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	if (fi->fh)
		pfs_handle_free(pfs_of(req), (struct pfs_handle *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

static void pfs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct pfs *fs = pfs_of(req);
	struct pfs_handle *h;
	int ret;

	h = pfs_handle_new(fs);
	if (!h) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	ret = site_opendir(fs->site, ino, &h->dir);
	if (ret) {
		pfs_handle_free(fs, h);
		fuse_reply_err(req, -ret);
		return;
	}
	fi->fh = (uint64_t)(uintptr_t)h;
	/* No kernel cache of listings: one reader's listing filled from one
	 * snapshot could be continued from another's, at an offset of the
	 * first, while a change is on its way.  Each open folder reads its
	 * own snapshot, whole. */
	fi->cache_readdir = 0;
	if (fuse_reply_open(req, fi) == -ENOENT)
		pfs_handle_free(fs, h);
}

static void pfs_do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			   struct fuse_file_info *fi, int plus)
{
	struct pfs *fs = pfs_of(req);
	struct site_dir *d = ((struct pfs_handle *)(uintptr_t)fi->fh)->dir;
	char *buf, *p;
	size_t rem = size, i, len;
	struct stat st;

	buf = malloc(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	p = buf;
	/* offsets: 1 is ".", 2 is "..", 3 + i is entry i */
	for (i = off < 0 ? 0 : (size_t)off; i < d->n + 2; i++) {
		const char *name;
		struct fuse_entry_param e;
		struct node_attr a;

		memset(&e, 0, sizeof(e));
		memset(&st, 0, sizeof(st));
		if (i < 2) {
			name = i == 0 ? "." : "..";
			/* the kernel keeps its own parents: this is for ls */
			st.st_ino = i == 0 ? ino : site_parent(fs->site, ino);
			st.st_mode = S_IFDIR;
			e.attr = st;
		} else {
			const struct site_dirent *de = &d->e[i - 2];

			name = de->name;
			st.st_ino = de->ino;
			st.st_mode = de->mode;
			if (plus) {
				/* attributes only where they cost nothing: an
				 * entry without them is looked up when someone
				 * wants them, and rendered once, then (one that
				 * vanished since opendir is listed without) */
				if (!site_getattr_cheap(fs->site, de->ino, &a)) {
					pfs_fill_stat(&a, &e.attr);
					e.ino = a.ino;
					e.generation = 1;
					e.attr_timeout = pfs_attr_timeout(fs, &a);
					e.entry_timeout = pfs_entry_timeout(fs, &a);
				} else {
					e.attr = st;
				}
			}
		}
		if (plus) {
			if (i < 2)
				e.attr = st;
			len = fuse_add_direntry_plus(req, p, rem, name, &e, (off_t)i + 1);
		} else {
			len = fuse_add_direntry(req, p, rem, name, &st, (off_t)i + 1);
		}
		if (len > rem)
			break;
		/* the kernel counts a lookup for each entry it is given */
		if (plus && i >= 2 && e.ino)
			site_hold(fs->site, e.ino);
		p += len;
		rem -= len;
	}
	fuse_reply_buf(req, buf, size - rem);
	free(buf);
}

static void pfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	pfs_do_readdir(req, ino, size, off, fi, 0);
}

static void pfs_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			    struct fuse_file_info *fi)
{
	pfs_do_readdir(req, ino, size, off, fi, 1);
}

static void pfs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	pfs_handle_free(pfs_of(req), (struct pfs_handle *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

static void pfs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct pfs *fs = pfs_of(req);
	struct statvfs sv;
	uint64_t files, bytes;

	(void)ino;
	site_statfs(fs->site, &files, &bytes);
	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = 4096;
	sv.f_frsize = 4096;
	sv.f_blocks = (bytes + 4095) / 4096;
	sv.f_bfree = 0;
	sv.f_bavail = 0;
	sv.f_files = files;
	sv.f_ffree = 0;
	sv.f_favail = 0;
	sv.f_namemax = 255;
	sv.f_flag = ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC;
	fuse_reply_statfs(req, &sv);
}

/* ---- everything that would change the tree: it is read-only ------------- */

static void pfs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			int to_set, struct fuse_file_info *fi)
{
	(void)ino; (void)attr; (void)to_set; (void)fi;
	fuse_reply_err(req, EROFS);
}

static void pfs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, dev_t rdev)
{
	(void)parent; (void)name; (void)mode; (void)rdev;
	fuse_reply_err(req, EROFS);
}

static void pfs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	(void)parent; (void)name; (void)mode;
	fuse_reply_err(req, EROFS);
}

static void pfs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	(void)parent; (void)name;
	fuse_reply_err(req, EROFS);
}

static void pfs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
			const char *name)
{
	(void)link; (void)parent; (void)name;
	fuse_reply_err(req, EROFS);
}

static void pfs_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		       fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	(void)parent; (void)name; (void)newparent; (void)newname; (void)flags;
	fuse_reply_err(req, EROFS);
}

static void pfs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		     const char *newname)
{
	(void)ino; (void)newparent; (void)newname;
	fuse_reply_err(req, EROFS);
}

static void pfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
		      off_t off, struct fuse_file_info *fi)
{
	(void)ino; (void)buf; (void)size; (void)off; (void)fi;
	fuse_reply_err(req, EROFS);
}

static void pfs_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		       mode_t mode, struct fuse_file_info *fi)
{
	(void)parent; (void)name; (void)mode; (void)fi;
	fuse_reply_err(req, EROFS);
}

static void pfs_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			 const char *value, size_t size, int flags)
{
	(void)ino; (void)name; (void)value; (void)size; (void)flags;
	fuse_reply_err(req, EROFS);
}

/* Reply with an attribute value or name list as getxattr(2) wants it:
 * its size when asked for size 0, ERANGE when it does not fit. */
static void pfs_reply_xattr(fuse_req_t req, int ret, struct buf *b, size_t size)
{
	if (ret)
		fuse_reply_err(req, -ret);
	else if (size == 0)
		fuse_reply_xattr(req, b->len);
	else if (b->len > size)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, b->data, b->len);
	buf_free(b);
}

static void pfs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct buf b = BUF_INIT;

	pfs_reply_xattr(req, site_getxattr(pfs_of(req)->site, ino, name, &b), &b, size);
}

static void pfs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct buf b = BUF_INIT;

	pfs_reply_xattr(req, site_listxattr(pfs_of(req)->site, ino, &b), &b, size);
}

static void pfs_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	(void)ino; (void)name;
	fuse_reply_err(req, EROFS);
}

static void pfs_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
			  off_t length, struct fuse_file_info *fi)
{
	(void)ino; (void)mode; (void)offset; (void)length; (void)fi;
	fuse_reply_err(req, EROFS);
}

const struct fuse_lowlevel_ops pfs_ops = {
	.init		= pfs_init,
	.lookup		= pfs_lookup,
	.forget		= pfs_forget,
	.forget_multi	= pfs_forget_multi,
	.getattr	= pfs_getattr,
	.setattr	= pfs_setattr,
	.mknod		= pfs_mknod,
	.mkdir		= pfs_mkdir,
	.unlink		= pfs_unlink,
	.rmdir		= pfs_unlink,
	.symlink	= pfs_symlink,
	.rename		= pfs_rename,
	.link		= pfs_link,
	.open		= pfs_open,
	.read		= pfs_read,
	.write		= pfs_write,
	.release	= pfs_release,
	.opendir	= pfs_opendir,
	.readdir	= pfs_readdir,
	.readdirplus	= pfs_readdirplus,
	.releasedir	= pfs_releasedir,
	.statfs		= pfs_statfs,
	.setxattr	= pfs_setxattr,
	.getxattr	= pfs_getxattr,
	.listxattr	= pfs_listxattr,
	.removexattr	= pfs_removexattr,
	.create		= pfs_create,
	.fallocate	= pfs_fallocate,
};
