/* ops.h — the FUSE low-level operations of postfs. */
#ifndef POSTFS_FS_OPS_H
#define POSTFS_FS_OPS_H

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

#include "site.h"

/* What every request handler reaches through fuse_req_userdata(). */
struct pfs {
	struct site *site;
	struct fuse_session *se;   /* set once mounted, for notifications */
	double timeout;            /* entry and attribute timeout, seconds */
	unsigned max_background;
};

extern const struct fuse_lowlevel_ops pfs_ops;

#endif
