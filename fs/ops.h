/* ops.h — the FUSE low-level operations of postfs. */
#ifndef POSTFS_FS_OPS_H
#define POSTFS_FS_OPS_H

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

#include <pthread.h>

#include "site.h"

/* Something the kernel holds open: a file or a folder listing.  Kept on
 * a list so that whatever is still open when the session ends (a lazy
 * unmount sends no release) is freed. */
struct pfs_handle {
	struct pfs_handle *prev, *next;  /* protected by pfs.hlock */
	pthread_mutex_t lock;            /* protects sf.blob while it is made */
	struct site_file sf;             /* a file */
	struct site_dir *dir;            /* or a folder listing */
};

/* What every request handler reaches through fuse_req_userdata(). */
struct pfs {
	struct site *site;
	struct fuse_session *se;   /* set once mounted, for notifications */
	double timeout;            /* entry and attribute timeout, seconds */
	unsigned max_background;
	int no_open;               /* the kernel opens files without asking */
	pthread_mutex_t hlock;     /* a leaf lock; protects handles */
	struct pfs_handle handles; /* list head of open handles */
};

/* Free every handle still open (at the end of the session). */
void pfs_free_handles(struct pfs *fs);

extern const struct fuse_lowlevel_ops pfs_ops;

#endif
