/* site_impl.h — the model's data, shared by the files of mountdata/
 * that build it (site.c), walk it (tree.c) and render it (view.c).
 *
 * Locking: struct site.lock (a writer-preferring rwlock: no thread may
 * take it for reading twice) protects every field marked
 * "protected by lock" and everything reachable from them (slots, terms,
 * date buckets, vectors, maps).  Request handlers take it for reading;
 * the updater takes it for writing to apply a change, never while doing
 * I/O.  Post records are immutable and reference-counted: a reader that
 * needs one after dropping the lock takes a reference first.
 * Lock order: site.lock, then the cache's own mutex (cache.h), then
 * site.stat_lock.  Nothing is called with a lock held that could take
 * one earlier in that order.
 */
#ifndef POSTFS_SITE_IMPL_H
#define POSTFS_SITE_IMPL_H

#include <pthread.h>
#include <stdint.h>

#include "cache.h"
#include "hmap.h"
#include "node.h"
#include "post.h"
#include "site.h"
#include "theme.h"

/* A generated listing's mtime and version.  The version changes
 * whenever its bytes can have changed; the mtime is the newest of its
 * members' times and the times members left it (the design's rule). */
struct listing {
	int64_t mtime_ns;
	uint64_t ver;
	uint8_t gen;                 /* counts versions: in its files' inodes */
};

/* A vector of slots kept newest first (see slot_cmp). */
struct pvec {
	struct slot **v;
	size_t n, cap;
};

/* One source path that is, or was, a post.  Slots are never freed while
 * mounted, so a post's id (its index in site.slots) and its inodes stay
 * the same for the life of the mount. */
struct slot {
	uint32_t id;
	char *src;                   /* key of site.by_src */
	struct post *post;           /* current record, NULL when gone */
	char *load_err;              /* why the source could not be opened */
	char *name;                  /* its name in posts/ while visible */
	uint8_t visible;
	int64_t sort_t;              /* the key it is filed under in the */
	int32_t sort_ns;             /* vectors (its date when shown) */
	uint64_t ver;                /* changes when post or name changes */
	uint8_t gen;                 /* counts those changes: in inodes */
	uint8_t salt;                /* moves its pages' inode numbers off a
	                                number last given for other bytes */
	struct term **member_of[TAX_MAX]; /* the terms it is filed under */
	unsigned nmember_of[TAX_MAX];
	struct dayb *day;            /* the day it is filed under */
};

/* A file or folder beside posts, by its path in SOURCE: its id names it
 * in inode numbers for the life of the mount. */
struct res {
	uint32_t id;
	char *path;
};

struct dircount {
	char *dir;
	unsigned n;
};

/* A query: a query/ folder's text, or an intersection of terms (a term
 * folder's "+" path).  Its result is computed when asked for after the
 * model changed.  Queries are kept while the kernel holds a node of
 * theirs (nlookup), and a bounded number more (the least recently used
 * go first).  Protected by site.qlock (taken after site.lock). */
struct query {
	uint32_t id;
	char *key;                   /* key of site.q_by_key */
	char *text;                  /* a query/ folder's name, or NULL */
	struct qexpr *expr;          /* its parsed form */
	uint8_t tax;                 /* an intersection: the terms in path order */
	uint32_t *terms;
	unsigned nterms;
	uint64_t nlookup;            /* the kernel's references to its nodes */
	uint64_t clock;              /* site.clock when res was made (0: never) */
	struct slot **res;           /* the result, newest first */
	size_t nres;
	uint64_t sig;                /* a hash of res, to see it change */
	struct listing l;            /* its listing's version and mtime */
	uint64_t used;               /* when last used (for eviction) */
};

struct spelling {
	char *text;
	unsigned count;              /* visible posts writing it so */
};

struct term {
	uint32_t id;
	uint8_t tax;
	char *key;                   /* lower-case name: key of tax.by_key */
	char *name;                  /* its folder's name: key of tax.by_name
	                                while it has members */
	struct spelling *sp;
	unsigned nsp;
	struct pvec members;
	struct listing l;
};

struct tax {
	char *singular;              /* "tag" */
	char *field;                 /* "tags" */
	char *dirname;               /* "by-tag" */
	struct hmap by_key;          /* every term ever seen, by key */
	struct hmap by_name;         /* terms with members, by folder name */
	struct term **terms;         /* by id */
	uint32_t nterms;
	struct listing l;            /* by-tag/ itself: terms and counts */
};

struct dayb {
	uint16_t y;
	uint8_t m, d;
	struct pvec members;
	struct listing l;
};

struct monthb {
	size_t count;
	struct dayb *days[32];       /* [1..31] */
	struct listing l;
};

struct yearb {
	uint16_t y;
	size_t count;
	struct monthb *months[13];   /* [1..12] */
	struct listing l;
};

struct site {
	struct site_opts o;          /* strings owned (copied) */
	struct post_cfg cfg;
	int srcfd;                   /* SOURCE, opened as a folder */
	char *srcreal;               /* its real path */
	struct cache *cache;          /* rendered files */
	struct cache *bodies;         /* posts' rendered Markdown (view.c) */
	struct cache *facts;          /* what each post's Markdown tells (view.c) */
	struct ahead *ahead;          /* reading ahead (ahead.c), or NULL */
	atomic_ulong renders;         /* files made (view.c) */
	char root_token[40];          /* stands for the way to the root in
	                                cached post bodies (view.c) */

	pthread_rwlock_t lock;
	/* protected by lock: */
	struct theme *theme;
	uint64_t theme_ver;          /* changes when the theme is reloaded */
	struct slot **slots;         /* by id */
	uint32_t nslots, capslots;
	struct hmap by_src;          /* source path -> slot */
	struct hmap by_name;         /* name in posts/ -> visible slot */
	struct pvec all;             /* visible posts, newest first */
	struct tax tax[TAX_MAX];
	unsigned ntax;
	struct yearb *years[NODE_MAX_YEAR + 1];
	size_t nyears;
	struct listing l_all;        /* anything: root, feed, sitemap */
	struct listing l_posts;      /* posts/ */
	struct listing l_dates;      /* by-date/ */
	uint64_t clock;              /* source of versions */
	char **scan_errs;            /* "path: reason" of what could not be scanned */
	size_t nscan_errs;
	uint64_t src_bytes;
	int64_t started_ns;

	struct hmap dirposts;        /* folder -> struct dircount: posts under
	                                it (protected by lock) */
	uint64_t dirposts_gen;       /* changes with dirposts (lock held for
	                                writing; read under res_lock too) */

	pthread_mutex_t res_lock;    /* a leaf lock; protects: */
	struct hmap res_by_path;     /* resource path -> struct res */
	struct res **res;            /* by id - 1 */
	uint32_t nres, capres;
	struct hmap anycache;        /* folder -> struct anycache */

	pthread_mutex_t qlock;       /* after lock; protects: */
	struct hmap q_by_key;        /* query key -> struct query */
	struct query **queries;      /* by id - 1 (NULL: free id) */
	uint32_t nqueries, capq;     /* ids in use up to nqueries */
	uint32_t qlive;              /* queries kept */
	uint64_t qclock;             /* versions and use stamps of queries */
	size_t qres_total;           /* posts held in all results */
	struct listing l_qroot;      /* query/ itself: never changes */

	struct updater *up;          /* owned by the updater thread */

	pthread_mutex_t stat_lock;
	/* protected by stat_lock: the last few snapshots of status.json,
	 * each its own version (and inode) of the file */
	struct {
		struct blob *blob;
		uint8_t gen;
	} status_ring[4];
	uint8_t status_gen;          /* the newest snapshot's */
};

/* site.c: scanning */
struct found {
	char *rel;
	int bundle;
};

struct scan {
	struct site *s;
	void (*on_dir)(struct site *s, const char *rel); /* each folder walked */
	struct found *posts;       /* every post found */
	size_t nposts, cap;
	struct hmap seen;          /* "dev:ino" of folders walked */
	char **seen_keys;
	size_t nseen;
	size_t depth;
};

/* Walk the folder rel of SOURCE ("" for SOURCE itself) and everything
 * under it, adding every post found to sc (which starts zeroed but for
 * s and on_dir).  Returns 0 or -errno (a folder that cannot be read is
 * reported and skipped, not an error). */
int scan_tree(struct scan *sc, const char *rel);
void scan_free(struct scan *sc);
int scan_ignored(const char *name);
int scan_is_post(const char *name);
int scan_is_bundle_index(const char *name);
void scan_error(struct site *s, const char *rel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_post_errors(const struct post *p);

/* site.c: filing */
struct slot *slot_new(struct site *s, const char *src);
int slot_show(struct site *s, struct slot *sl, int64_t t, int bulk);
void slot_hide(struct site *s, struct slot *sl, int64_t t);
struct slot *site_slot(struct site *s, uint32_t id);
int slot_cmp(const struct slot *a, const struct slot *b);
uint64_t site_tick(struct site *s);
int64_t now_ns(void);

/* tree.c: the context a term/date node names, or NULL when it has no
 * visible post now (caller holds lock). */
struct term *ctx_term(struct site *s, const struct ctx *c);
struct dayb *ctx_day(struct site *s, const struct ctx *c);
struct monthb *ctx_month(struct site *s, const struct ctx *c);
struct yearb *ctx_year(struct site *s, const struct ctx *c);
struct listing *ctx_listing(struct site *s, const struct ctx *c);

/* tree.c: 0 when node n exists now, -ENOENT, or -ESTALE for an older
 * version of a file.  Caller holds lock. */
int node_exists(struct site *s, const struct node *n);
/* tree.c: the posts before and after sl in the folder of context c that
 * holds its page (NULL at the ends).  Caller holds lock. */
/* 1 when the page of sl in the folder of c exists and the number its
 * inode has now was last given to the kernel (with a size) for other
 * bytes: the few version bits an inode number carries coincided.  The
 * caller (the updater, holding the lock for writing) then moves sl's
 * pages to other numbers with sl->salt. */
int post_page_collides(struct site *s, struct slot *sl, const struct ctx *c);
/* Reading ahead (ahead.c).  ahead_init makes s->ahead when
 * s->o.readahead asks for it (0 or -ENOMEM); ahead_fini stops its
 * thread and frees it (first thing in site_close).  ahead_lookup tells
 * it that the kernel looked up the file ino in folder parent: when
 * this lookup follows the one before in the folder's listing order or
 * in inode order, the next s->o.readahead files in that order are made
 * on the read-ahead thread.  Called
 * with no lock held; never blocks on a render. */
int ahead_init(struct site *s);
void ahead_fini(struct site *s);
/* When the read-ahead thread is making the file ino right now: release
 * s->lock (held for reading by the caller), wait until it is made, and
 * return 1 (the caller looks again, and finds it made); else 0, the
 * lock still held.  A reader that caught up with the thread so waits
 * for its render instead of making the same file a second time. */
int ahead_wait(struct site *s, uint64_t ino);
void ahead_lookup(struct site *s, uint64_t parent, uint64_t ino);
/* Hold apart (cache_retire) the bytes of the file name in folder parent
 * as the model has them now; when its size is known (so the kernel may
 * hold it) but its bytes are no longer kept, make them first (a source
 * changed since is not used: no bytes then).  1 when it rendered.  The
 * updater calls this for files a change is about to give a new version:
 * whoever opened the old one can still read it whole, however many
 * files are made before the read.  Takes the lock for reading. */
int site_keep_bytes(struct site *s, uint64_t parent, const char *name);
void post_neighbours_of(struct site *s, const struct ctx *c, struct slot *sl,
			struct slot **newer, struct slot **older);
/* tree.c: posts in a listing context; 1 when its pages paginate. */
size_t ctx_count(struct site *s, const struct ctx *c);
int ctx_paginates(const struct ctx *c);
/* tree.c: 1 when a listing context has a feed.xml. */
int ctx_has_feed(const struct ctx *c);
/* tree.c: number of listing pages for n posts (at least 1). */
uint32_t list_pages(const struct site *s, size_t n);
/* The posts a listing context holds, newest first, as up to two
 * arrays... see tree.c: collect them into *out (caller frees *out). */
int ctx_members(struct site *s, const struct ctx *c, struct slot ***out, size_t *n);
/* The same for members [from, from + count) only: a page of them. */
int ctx_members_range(struct site *s, const struct ctx *c, size_t from, size_t count,
		      struct slot ***out, size_t *n);

/* res.c: files beside posts (posts/NAME/...) */
void dirposts_add(struct site *s, const char *src, int delta);
int res_exists(struct site *s, const struct node *n);
int res_lookup(struct site *s, const struct node *dir, const char *name, struct node *out);
int res_attr(struct site *s, const struct node *n, struct node_attr *a);
int res_list(struct site *s, const struct node *dir,
	     void (*add)(void *ctx, const char *name, const struct node *n, int isdir),
	     void *ctx);
int res_open(struct site *s, const struct node *n);
/* 1 when a post has anything beside it to show in posts/NAME/. */
int res_has_any(struct site *s, struct slot *sl);
/* The link a relative URL in a post's Markdown becomes, when it names
 * something beside the post: appended to out, returns 1; else 0. */
int res_rewrite(const struct post *p, const char *name, const char *root,
		const char *u, size_t n, struct buf *out);
void res_free_all(struct site *s);

/* status.c: a snapshot of .postfs/status.json.  With refresh, a new one
 * is taken when the newest is more than a second old; *gen gets the
 * newest's version.  Without, the snapshot of version want is returned
 * if it is still kept, else -ESTALE.  Caller holds lock for reading. */
int status_get(struct site *s, int refresh, uint8_t want, struct blob **out,
	       uint8_t *gen);
void status_free(struct site *s);

/* qtree.c: queries.  Caller holds lock (for reading at least). */
void qtree_free(struct site *s);
/* The query of a query/ folder name, or of an intersection of terms:
 * its id (creating it), or 0 with -EINVAL in *err (a malformed query,
 * logged once) or -ENOMEM. */
uint32_t query_for_text(struct site *s, const char *text, int *err);
uint32_t query_for_terms(struct site *s, unsigned tax, const uint32_t *terms,
			 unsigned n, int *err);
/* A query by id with its result up to date (qlock is taken and released
 * inside; the result stays valid while the caller holds lock), or NULL. */
struct query *query_ensure(struct site *s, uint32_t id);
/* 1 when slot sl is in query id's result. */
int query_has(struct site *s, uint32_t id, struct slot *sl);
/* The kernel took n more references to (or forgot n of) a query's nodes. */
void query_hold(struct site *s, uint32_t id, uint64_t n);
void query_forget(struct site *s, uint32_t id, uint64_t n);
/* The terms of q's taxonomy that share a post with its result and sort
 * after its last term: a malloc'd array of term pointers. */
int query_next_terms(struct site *s, struct query *q, struct term ***out, size_t *n);
/* For the updater: every query the kernel holds, with its result as it
 * was (caller holds lock for writing). */
void query_each_live(struct site *s, void (*fn)(struct site *s, struct query *q, void *ctx),
		     void *ctx);

/* update.c: the updater's state, created before the first scan */
int update_init(struct site *s);
void update_watch_dir(struct site *s, const char *rel);
void update_fini(struct site *s);
/* A render found src changed on disk before the updater saw it: have the
 * updater take it in now, and wait (300 ms at most) until it has.
 * Called with no lock held. */
void site_nudge_wait(struct site *s, const char *src);
/* The same without waiting. */
void site_nudge(struct site *s, const char *src);

/* view.c: render a file node.  Called with lock held for reading;
 * drops it (always) before any I/O.  Returns 0 and a blob, or -errno.
 * strict: the kernel was already given this version's size, so only the
 * same bytes will do: a source found changed since its record was made
 * is -ESTALE (after the updater is nudged).  Otherwise the render is
 * what gives the size, and the source as it is now serves. */
int view_render(struct site *s, const struct node *n, uint64_t ver,
		int64_t mtime_ns, int strict, struct blob **out);

#endif
