/* node.h — the nodes of the virtual tree and their inode numbers.
 *
 * A node's inode number encodes what the node is (its kind, the listing
 * context it lies in, the post or term it shows), so it is the same for
 * the life of the mount without a table: the daemon keeps nothing per
 * inode the kernel holds, lookups and forgets need no bookkeeping, and
 * memory grows with the posts, not with the paths of the tree.  Posts,
 * terms and resources get ids that are never reused during a mount.
 *
 * A file's number also carries a few bits of its version: when a file's
 * bytes change, its name points to a new inode, just as when an editor
 * saves by writing a new file and renaming it over the old one.  A
 * reader that opened the old version keeps reading it, whole, from its
 * own inode (and page cache, and size); nobody can ever read a mix.  An
 * old version's number answers ESTALE, which makes the kernel look the
 * name up again.  Folders keep their number for the life of the mount.
 *
 * 64-bit layout, high to low:
 *   class:4 | payload:60
 *   NC_ROOT      ino 1 (FUSE's root)
 *   NC_DIR       ctx:31
 *   NC_LISTFILE  ctx:31 | file:4 | page:17 | ver:8
 *   NC_POSTFILE  pctx:28 | ext:2 | post:23 | ver:7
 *   NC_RES       post:23 | res:32 | ver:5     (resource file or folder)
 * with ctx = ctype:3 | payload:28:
 *   CTX_ROOT, CTX_POSTS, CTX_META   no payload
 *   CTX_TAX                         tax:4
 *   CTX_TERM                        tax:4 | term:22
 *   CTX_DATE                        level:2 | year:14 | month:4 | day:5
 *   CTX_QUERY                       plus:1 | query:24
 * and pctx (the folders that hold a post's pages) = ptype:2 | payload:26:
 *   posts/ 0,  a term folder 1 (tax:4 | term:22),  a day folder 2
 *   (year:14 | month:4 | day:5),  a query's folder 3 (query:24).
 * Query ids, unlike the others, are reused once the kernel has forgotten
 * every node of a query (see qtree.c).
 */
#ifndef POSTFS_NODE_H
#define POSTFS_NODE_H

#include <stdint.h>

enum node_class { NC_NONE, NC_ROOT, NC_DIR, NC_LISTFILE, NC_POSTFILE, NC_RES };
enum ctx_type { CTX_ROOT, CTX_POSTS, CTX_TAX, CTX_TERM, CTX_DATE, CTX_META, CTX_QUERY };
/* Generated files of a listing context. */
enum list_file {
	LF_INDEX_HTML, /* index.html, or index-N.html for page N > 1 */
	LF_INDEX_JSON,
	LF_FEED,       /* feed.xml (root and terms) */
	LF_SITEMAP,    /* sitemap.xml (root) */
	LF_STYLE,      /* style.css (root) */
	LF_STATUS,     /* .postfs/status.json */
};
enum post_ext { PE_HTML, PE_JSON, PE_MD };

struct ctx {
	uint8_t type;   /* enum ctx_type */
	uint8_t tax;    /* CTX_TAX, CTX_TERM */
	uint8_t level;  /* CTX_DATE: 0 by-date/, 1 year, 2 month, 3 day */
	uint8_t month, day;
	uint16_t year;
	uint32_t term;  /* CTX_TERM */
	uint32_t query; /* CTX_QUERY: the query's id (0: the query/ folder);
	                   level 1 is its "+" folder */
};

struct node {
	uint8_t cls;    /* enum node_class */
	uint8_t file;   /* NC_LISTFILE: enum list_file */
	uint8_t ext;    /* NC_POSTFILE: enum post_ext */
	uint8_t ver;    /* files: low bits of the version (see above) */
	uint32_t page;  /* NC_LISTFILE LF_INDEX_HTML: page, from 1 */
	uint32_t post;  /* NC_POSTFILE, NC_RES: post id */
	uint32_t res;   /* NC_RES: resource id */
	struct ctx ctx; /* NC_DIR, NC_LISTFILE, NC_POSTFILE */
};

#define NODE_MAX_POST  ((1u << 23) - 1)
#define NODE_MAX_TERM  ((1u << 22) - 1)
#define NODE_MAX_PAGE  ((1u << 17) - 1)
#define NODE_MAX_YEAR  9999
#define NODE_MAX_QUERY ((1u << 24) - 1)

/* The version bits a file node of each class keeps. */
#define NODE_VER_LIST  0xFFu
#define NODE_VER_POST  0x7Fu
#define NODE_VER_RES   0x1Fu

/* The inode number of a node (never 0; the root is 1). */
uint64_t node_ino(const struct node *n);
/* Decode an inode number; returns 0, or -ENOENT for a number no node
 * can have (a post file outside posts/, a term or day folder, say). */
int node_decode(uint64_t ino, struct node *n);

#endif
