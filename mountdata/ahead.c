/* ahead.c — reading ahead through a folder.
 *
 * A reader that goes through a folder file by file (find | xargs cat,
 * grep -r, a backup, a file manager making previews) asks for each file
 * in the order the folder lists them (or, for GNU find in a folder of
 * more than 10,000 entries, in the order of their inode numbers), and
 * waits for each one to be made.  When two files of a folder are looked
 * up one after the other in either order, a thread of its own makes the
 * next few before they are asked for (as a kernel reads ahead in a
 * file), so the reader's wait is only the round trip, and a second core
 * renders while the first reads.  Lookups in no order (a web server's
 * visitors) start nothing but a search of one folder's listing.
 *
 * The thread is started on the first lookup that asks for it (after any
 * fork of the daemon) and stopped by site_close.  What it makes goes
 * into the cache as a lookup's rendering would: nothing else changes.
 */
#include "site_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"

/* How far ahead of the reader's last file its next may be for the
 * lookups to count as in order (a reader may skip a file or two). */
#define AHEAD_SLACK 4

/* The two orders a reader goes through a folder in: the listing's, and
 * that of inode numbers (GNU find sorts folders of more than 10,000
 * entries by inode before it reads them, to spare a disk's seeks). */
enum { BY_LISTING, BY_INODE, NORDERS };

struct ahead {
	pthread_t thread;
	pthread_mutex_t lock;        /* protects the fields down to the
	                                thread's own; a leaf lock */
	pthread_cond_t wake;
	pthread_cond_t made;         /* busy went back to 0 */
	int started, stop;
	uint64_t busy;               /* the inode being made now, or 0 */
	uint64_t req_parent, req_ino; /* the last file lookup */
	uint64_t prev_parent, prev_ino; /* and the one before it */
	int req;                     /* 1: the last is waiting */
	/* the thread's own, no lock: */
	uint64_t parent;             /* the folder of the stream, 0: none */
	struct site_dir *dir;        /* its listing when the stream began */
	size_t *by_ino;              /* its entries' indexes by inode number */
	size_t *rank;                /* entry i is by_ino[rank[i]] */
	int order;                   /* the order the reader follows */
	size_t pos;                  /* where in that order the reader is */
	int inorder;                 /* and it came there in order */
	size_t done;                 /* made (or found made) up to here */
};

static const struct site_dir *cmp_dir;

static int cmp_ino(const void *x, const void *y)
{
	uint64_t a = cmp_dir->e[*(const size_t *)x].ino, b = cmp_dir->e[*(const size_t *)y].ino;

	return a < b ? -1 : a > b;
}

static void stream_end(struct ahead *a)
{
	site_dir_free(a->dir);
	free(a->by_ino);
	free(a->rank);
	a->dir = NULL;
	a->by_ino = a->rank = NULL;
	a->parent = 0;
}

/* The entry with inode ino, or SIZE_MAX. */
static size_t find_ino(const struct ahead *a, uint64_t ino)
{
	size_t lo = 0, hi = a->dir->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t m = a->dir->e[a->by_ino[mid]].ino;

		if (m == ino)
			return a->by_ino[mid];
		if (m < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

/* Position of entry i in order o, and the entry at position k. */
static size_t pos_of(const struct ahead *a, int o, size_t i)
{
	return o == BY_LISTING ? i : a->rank[i];
}

static size_t entry_at(const struct ahead *a, int o, size_t k)
{
	return o == BY_LISTING ? k : a->by_ino[k];
}

/* The order in which entry i comes within AHEAD_SLACK after entry prev,
 * or -1 (the listing's first when both do). */
static int step_order(const struct ahead *a, size_t prev, size_t i)
{
	int o;

	for (o = 0; o < NORDERS; o++) {
		size_t kp = pos_of(a, o, prev), ki = pos_of(a, o, i);

		if (ki > kp && ki <= kp + AHEAD_SLACK)
			return o;
	}
	return -1;
}

static int stream_begin(struct site *s, struct ahead *a, uint64_t parent)
{
	struct site_dir *d;
	size_t i;

	stream_end(a);
	if (site_opendir(s, parent, &d))
		return -1;
	a->dir = d;
	a->by_ino = malloc((d->n + 1) * sizeof(size_t));
	a->rank = malloc((d->n + 1) * sizeof(size_t));
	if (!a->by_ino || !a->rank) {
		stream_end(a);
		return -1;
	}
	for (i = 0; i < d->n; i++)
		a->by_ino[i] = i;
	cmp_dir = d; /* the read-ahead thread is the only one sorting */
	qsort(a->by_ino, d->n, sizeof(size_t), cmp_ino);
	for (i = 0; i < d->n; i++)
		a->rank[a->by_ino[i]] = i;
	a->parent = parent;
	a->inorder = 0;
	return 0;
}

/* The reader looked up file ino in folder parent, after file prev_ino in
 * folder prev_parent: follow it, or begin a stream when the two were in
 * either order in one folder. */
static void ahead_follow(struct site *s, struct ahead *a, uint64_t parent, uint64_t ino,
			 uint64_t prev_parent, uint64_t prev_ino)
{
	size_t i, prev, k;
	int o;

	if (a->parent == parent && a->dir && (i = find_ino(a, ino)) != SIZE_MAX) {
		k = pos_of(a, a->order, i);
		/* a step forward (a file or two may be skipped) keeps the
		 * stream going; a jump stops it until the reader goes on in
		 * order from where it landed, in either order */
		if (k > a->pos && k <= a->pos + AHEAD_SLACK) {
			a->inorder = 1;
		} else {
			o = step_order(a, entry_at(a, a->order, a->pos), i);
			a->inorder = o >= 0;
			if (o >= 0)
				a->order = o;
			k = a->done = pos_of(a, a->order, i);
		}
		if (!a->inorder || a->done < k)
			a->done = k;
		a->pos = k;
		return;
	}
	if (prev_parent == parent && prev_ino && prev_ino != ino) {
		/* two lookups in a row in this folder: are they in order? */
		if (stream_begin(s, a, parent))
			return;
		i = find_ino(a, ino);
		prev = find_ino(a, prev_ino);
		if (i == SIZE_MAX || prev == SIZE_MAX) {
			stream_end(a);
			return;
		}
		o = step_order(a, prev, i);
		a->order = o >= 0 ? o : BY_LISTING;
		a->inorder = o >= 0;
		a->pos = a->done = pos_of(a, a->order, i);
	}
}

/* 1 when a new lookup is waiting (or the thread is to stop). */
static int ahead_news(struct ahead *a)
{
	int news;

	pthread_mutex_lock(&a->lock);
	news = a->req || a->stop;
	pthread_mutex_unlock(&a->lock);
	return news;
}

static void *ahead_main(void *arg)
{
	struct site *s = arg;
	struct ahead *a = s->ahead;

	for (;;) {
		uint64_t parent, ino, prev_parent, prev_ino;

		pthread_mutex_lock(&a->lock);
		while (!a->req && !a->stop)
			pthread_cond_wait(&a->wake, &a->lock);
		if (a->stop) {
			pthread_mutex_unlock(&a->lock);
			break;
		}
		parent = a->req_parent;
		ino = a->req_ino;
		prev_parent = a->prev_parent;
		prev_ino = a->prev_ino;
		a->req = 0;
		pthread_mutex_unlock(&a->lock);

		ahead_follow(s, a, parent, ino, prev_parent, prev_ino);
		if (!a->dir || a->parent != parent || !a->inorder)
			continue;
		/* make the files after the reader's, up to readahead of them,
		 * until the reader moves on */
		while (a->done + 1 < a->dir->n && a->done < a->pos + s->o.readahead &&
		       !ahead_news(a)) {
			const struct site_dirent *e = &a->dir->e[entry_at(a, a->order, ++a->done)];
			struct node_attr at;

			if ((e->mode & S_IFMT) != S_IFREG)
				continue;
			if (site_getattr_cheap(s, e->ino, &at) != -EAGAIN)
				continue;
			pthread_mutex_lock(&a->lock);
			a->busy = e->ino;
			pthread_mutex_unlock(&a->lock);
			site_getattr(s, e->ino, &at);
			pthread_mutex_lock(&a->lock);
			a->busy = 0;
			pthread_cond_broadcast(&a->made);
			pthread_mutex_unlock(&a->lock);
		}
	}
	return NULL;
}

void ahead_lookup(struct site *s, uint64_t parent, uint64_t ino)
{
	struct ahead *a = s->ahead;

	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	if (!a->started && !a->stop) {
		if (pthread_create(&a->thread, NULL, ahead_main, s)) {
			log_warn("cannot start the read-ahead thread: %s", strerror(errno));
			a->stop = 1;
		} else {
			a->started = 1;
		}
	}
	if (!a->stop) {
		/* the newest and the one before it are all that matter: the
		 * reader has moved past the rest */
		a->prev_parent = a->req_parent;
		a->prev_ino = a->req_ino;
		a->req = 1;
		a->req_parent = parent;
		a->req_ino = ino;
		pthread_cond_signal(&a->wake);
	}
	pthread_mutex_unlock(&a->lock);
}

int ahead_wait(struct site *s, uint64_t ino)
{
	struct ahead *a = s->ahead;
	int waited = 0;

	if (!a)
		return 0;
	pthread_mutex_lock(&a->lock);
	if (a->busy == ino) {
		/* the caller's read lock goes first: the render waited for
		 * may need it after a writer queued behind it */
		pthread_rwlock_unlock(&s->lock);
		while (a->busy == ino)
			pthread_cond_wait(&a->made, &a->lock);
		waited = 1;
	}
	pthread_mutex_unlock(&a->lock);
	return waited;
}

int ahead_init(struct site *s)
{
	struct ahead *a;

	if (!s->o.readahead)
		return 0;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->wake, NULL);
	pthread_cond_init(&a->made, NULL);
	s->ahead = a;
	return 0;
}

void ahead_fini(struct site *s)
{
	struct ahead *a = s->ahead;
	int started;

	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = 1;
	started = a->started;
	pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->lock);
	if (started)
		pthread_join(a->thread, NULL);
	stream_end(a);
	pthread_cond_destroy(&a->wake);
	pthread_cond_destroy(&a->made);
	pthread_mutex_destroy(&a->lock);
	free(a);
	s->ahead = NULL;
}
