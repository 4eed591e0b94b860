/* res.c — the files beside posts: images and other resources.
 *
 * posts/NAME/ mirrors the folder a post's resources live in: for a page
 * bundle (dir/index.md), everything in dir but index.md; for a plain
 * post, the files in its folder that are not posts, and the sub-folders
 * that hold no posts (an images/ folder beside posts, say).  Hidden
 * names and editors' leftovers are left out, and symbolic links are
 * followed only inside SOURCE, as everywhere.  A relative link or image
 * in a post's Markdown that points into that folder is rewritten to
 * reach posts/NAME/ from wherever the page is.
 *
 * Resources are read straight from SOURCE when opened, like the files
 * they are; a resource's inode carries a few bits of its size and mtime,
 * so a replaced file gets a new inode too.
 */
#include "site_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"

/* Whether a folder shows anything, remembered per folder while its mtime
 * (which moves when entries come or go) and the posts-per-folder counts
 * stay as they were: every post of a folder of a thousand asks. */
struct anycache {
	char *key;                   /* "b:" or "p:" then the folder */
	int64_t mtime_ns;
	uint64_t gen;
	int any;
};

void dirposts_add(struct site *s, const char *src, int delta)
{
	char dir[PATH_MAX], *slash;
	struct dircount *dc;

	snprintf(dir, sizeof(dir), "%s", src);
	while ((slash = strrchr(dir, '/'))) {
		*slash = '\0';
		dc = hmap_get(&s->dirposts, dir, strlen(dir));
		if (!dc && delta > 0) {
			dc = calloc(1, sizeof(*dc));
			if (!dc || !(dc->dir = strdup(dir)) ||
			    hmap_put(&s->dirposts, dc->dir, strlen(dc->dir), dc)) {
				if (dc)
					free(dc->dir);
				free(dc);
				return;
			}
		}
		if (dc)
			dc->n = delta > 0 ? dc->n + 1 : dc->n ? dc->n - 1 : 0;
	}
	s->dirposts_gen++;
}

static unsigned posts_under(struct site *s, const char *dir)
{
	struct dircount *dc = hmap_get(&s->dirposts, dir, strlen(dir));

	return dc ? dc->n : 0;
}

static const char *res_path(struct site *s, uint32_t id)
{
	const char *p = NULL;

	pthread_mutex_lock(&s->res_lock);
	if (id >= 1 && id <= s->nres)
		p = s->res[id - 1]->path;
	pthread_mutex_unlock(&s->res_lock);
	return p; /* never freed while mounted */
}

static uint32_t res_id(struct site *s, const char *path)
{
	struct res *r;
	uint32_t id = 0;

	pthread_mutex_lock(&s->res_lock);
	r = hmap_get(&s->res_by_path, path, strlen(path));
	if (r) {
		id = r->id;
		goto out;
	}
	if (s->nres == UINT32_MAX - 1)
		goto out;
	if (s->nres == s->capres) {
		uint32_t cap = s->capres ? s->capres * 2 : 64;
		struct res **v = realloc(s->res, cap * sizeof(*v));

		if (!v)
			goto out;
		s->res = v;
		s->capres = cap;
	}
	r = calloc(1, sizeof(*r));
	if (!r || !(r->path = strdup(path)) ||
	    hmap_put(&s->res_by_path, r->path, strlen(r->path), r)) {
		if (r)
			free(r->path);
		free(r);
		goto out;
	}
	r->id = id = ++s->nres;
	s->res[id - 1] = r;
out:
	pthread_mutex_unlock(&s->res_lock);
	return id;
}

void res_free_all(struct site *s)
{
	struct dircount *dc;
	uint32_t i;
	size_t k = 0;

	for (i = 0; i < s->nres; i++) {
		free(s->res[i]->path);
		free(s->res[i]);
	}
	free(s->res);
	hmap_free(&s->res_by_path);
	while ((dc = hmap_next(&s->dirposts, &k))) {
		free(dc->dir);
		free(dc);
	}
	hmap_free(&s->dirposts);
	k = 0;
	{
		struct anycache *c;

		while ((c = hmap_next(&s->anycache, &k))) {
			free(c->key);
			free(c);
		}
		hmap_free(&s->anycache);
	}
}

/* May entry `name` of folder `dir` (a path in SOURCE) be shown in the
 * resource view rooted at post p's folder?  Caller holds the lock. */
static int shown(struct site *s, const struct post *p, const char *dir,
		 const char *name, int isdir)
{
	char path[PATH_MAX];

	if (scan_ignored(name))
		return 0;
	if (strcmp(dir, p->dir))
		return 1; /* deeper down: a folder already found to hold no posts */
	if (p->bundle)
		return !(!isdir && scan_is_bundle_index(name));
	if (!isdir)
		return !scan_is_post(name);
	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", dir, *dir ? "/" : "", name)
	    >= sizeof(path))
		return 0;
	return posts_under(s, path) == 0;
}

/* The SOURCE path a resource node stands for (res 0: the post's folder). */
static int node_path(struct site *s, const struct node *n, struct slot **slp,
		     char *out, size_t len)
{
	struct slot *sl = site_slot(s, n->post);
	const char *p;

	if (!sl || !sl->visible)
		return -ENOENT;
	*slp = sl;
	if (n->res == 0) {
		snprintf(out, len, "%s", sl->post->dir);
		return 0;
	}
	p = res_path(s, n->res);
	if (!p)
		return -ENOENT;
	snprintf(out, len, "%s", p);
	return 0;
}

/* 1 when the real location of SOURCE/rel is inside SOURCE. */
static int inside(struct site *s, const char *rel)
{
	char path[PATH_MAX], *real;
	size_t n = strlen(s->srcreal);
	int in;

	snprintf(path, sizeof(path), "%s/%s", s->srcreal, rel);
	real = realpath(path, NULL);
	if (!real)
		return 0;
	in = n == 1 || (!strncmp(real, s->srcreal, n) && (real[n] == '/' || !real[n]));
	free(real);
	return in;
}

/* 1 when rel, a symbolic link to a folder, leads back to one of the
 * folders it lies in: its tree would never end. */
static int loops_back(struct site *s, const char *rel)
{
	char path[PATH_MAX], *real, *parent;
	size_t n;
	int loop;

	snprintf(path, sizeof(path), "%s/%s", s->srcreal, rel);
	real = realpath(path, NULL);
	if (!real)
		return 1;
	*strrchr(path, '/') = '\0';
	parent = realpath(path, NULL);
	n = strlen(real);
	loop = !parent || (!strncmp(parent, real, n) && (parent[n] == '/' || !parent[n]));
	free(real);
	free(parent);
	return loop;
}

static int stat_in(struct site *s, const char *rel, struct stat *st)
{
	struct stat lst;

	if (fstatat(s->srcfd, *rel ? rel : ".", &lst, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (S_ISLNK(lst.st_mode) && !inside(s, rel))
		return -ENOENT;
	if (fstatat(s->srcfd, *rel ? rel : ".", st, 0))
		return -errno;
	if (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode))
		return -ENOENT;
	if (S_ISLNK(lst.st_mode) && S_ISDIR(st->st_mode) && loops_back(s, rel))
		return -ENOENT;
	return 0;
}

static uint8_t file_ver(const struct stat *st)
{
	unsigned long long h = (unsigned long long)st->st_size * 0x9E3779B97F4A7C15ULL ^
			       (unsigned long long)st->st_mtim.tv_sec * 1000000007ULL ^
			       (unsigned long long)st->st_mtim.tv_nsec ^
			       (unsigned long long)st->st_ino;

	return (uint8_t)((h ^ h >> 17 ^ h >> 41) & NODE_VER_RES);
}

int res_exists(struct site *s, const struct node *n)
{
	struct node_attr a;

	return res_attr(s, n, &a);
}

int res_attr(struct site *s, const struct node *n, struct node_attr *a)
{
	char path[PATH_MAX];
	struct slot *sl;
	struct stat st;
	int ret;

	ret = node_path(s, n, &sl, path, sizeof(path));
	if (ret)
		return ret;
	ret = stat_in(s, path, &st);
	if (ret)
		return ret == -ENOTDIR ? -ENOENT : ret;
	memset(a, 0, sizeof(*a));
	a->ino = node_ino(n);
	a->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	if (S_ISDIR(st.st_mode)) {
		if (n->ver)
			return -ENOENT;
		a->mode = S_IFDIR | 0555;
		/* 1: "not counted", so find looks into every entry */
		a->nlink = 1;
		return 0;
	}
	if (n->res == 0)
		return -ENOENT;
	if (n->ver != file_ver(&st))
		return -ESTALE;
	a->mode = S_IFREG | 0444;
	a->nlink = 1;
	a->size = (uint64_t)st.st_size;
	return 0;
}

int res_lookup(struct site *s, const struct node *dir, const char *name, struct node *out)
{
	char path[PATH_MAX], child[PATH_MAX];
	struct slot *sl;
	struct stat st;
	int ret;

	ret = node_path(s, dir, &sl, path, sizeof(path));
	if (ret)
		return ret;
	if (!strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/'))
		return -ENOENT;
	if ((size_t)snprintf(child, sizeof(child), "%s%s%s", path, *path ? "/" : "", name)
	    >= sizeof(child))
		return -ENAMETOOLONG;
	ret = stat_in(s, child, &st);
	if (ret)
		return ret == -ENOTDIR ? -ENOENT : ret;
	if (!shown(s, sl->post, path, name, S_ISDIR(st.st_mode)))
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->cls = NC_RES;
	out->post = sl->id;
	out->res = res_id(s, child);
	if (!out->res)
		return -ENOMEM;
	out->ver = S_ISDIR(st.st_mode) ? 0 : file_ver(&st);
	return 0;
}

int res_list(struct site *s, const struct node *dirn,
	     void (*add)(void *ctx, const char *name, const struct node *n, int isdir),
	     void *ctx)
{
	char path[PATH_MAX], child[PATH_MAX];
	struct slot *sl;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, ret;

	ret = node_path(s, dirn, &sl, path, sizeof(path));
	if (ret)
		return ret;
	fd = openat(s->srcfd, *path ? path : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	while ((de = readdir(d))) {
		struct node n;

		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s%s%s", path, *path ? "/" : "",
				     de->d_name) >= sizeof(child) ||
		    stat_in(s, child, &st) ||
		    !shown(s, sl->post, path, de->d_name, S_ISDIR(st.st_mode)))
			continue;
		memset(&n, 0, sizeof(n));
		n.cls = NC_RES;
		n.post = sl->id;
		n.res = res_id(s, child);
		if (!n.res)
			continue;
		n.ver = S_ISDIR(st.st_mode) ? 0 : file_ver(&st);
		add(ctx, de->d_name, &n, S_ISDIR(st.st_mode));
	}
	closedir(d);
	return 0;
}

int res_open(struct site *s, const struct node *n)
{
	char path[PATH_MAX];
	struct slot *sl;
	struct stat st;
	int ret, fd;

	ret = node_path(s, n, &sl, path, sizeof(path));
	if (ret)
		return ret;
	ret = stat_in(s, path, &st);
	if (ret)
		return ret;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (n->ver != file_ver(&st))
		return -ESTALE;
	fd = openat(s->srcfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

static int probe_any(struct site *s, const struct post *p)
{
	struct dirent *de;
	struct stat st;
	char child[PATH_MAX];
	DIR *d;
	int fd, any = 0;

	fd = openat(s->srcfd, *p->dir ? p->dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while (!any && (de = readdir(d))) {
		int isdir;

		if (de->d_name[0] == '.')
			continue;
		/* readdir's type saves a stat for all but links */
		if (de->d_type == DT_REG || de->d_type == DT_DIR) {
			isdir = de->d_type == DT_DIR;
		} else {
			if ((size_t)snprintf(child, sizeof(child), "%s%s%s", p->dir,
					     *p->dir ? "/" : "", de->d_name) >= sizeof(child) ||
			    stat_in(s, child, &st))
				continue;
			isdir = S_ISDIR(st.st_mode);
		}
		any = shown(s, p, p->dir, de->d_name, isdir);
	}
	closedir(d);
	return any;
}

int res_has_any(struct site *s, struct slot *sl)
{
	const struct post *p = sl->post;
	struct anycache *c;
	struct stat st;
	char key[PATH_MAX + 4];
	int64_t mt;
	int any;

	if (!sl->visible)
		return 0;
	if (fstatat(s->srcfd, *p->dir ? p->dir : ".", &st, 0))
		return 0;
	mt = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	snprintf(key, sizeof(key), "%c:%s", p->bundle ? 'b' : 'p', p->dir);
	pthread_mutex_lock(&s->res_lock);
	c = hmap_get(&s->anycache, key, strlen(key));
	if (c && c->mtime_ns == mt && c->gen == s->dirposts_gen) {
		any = c->any;
		pthread_mutex_unlock(&s->res_lock);
		return any;
	}
	pthread_mutex_unlock(&s->res_lock);
	any = probe_any(s, p);
	pthread_mutex_lock(&s->res_lock);
	c = hmap_get(&s->anycache, key, strlen(key));
	if (!c && (c = calloc(1, sizeof(*c)))) {
		c->key = strdup(key);
		if (!c->key || hmap_put(&s->anycache, c->key, strlen(c->key), c)) {
			free(c->key);
			free(c);
			c = NULL;
		}
	}
	if (c) {
		c->mtime_ns = mt;
		c->gen = s->dirposts_gen;
		c->any = any;
	}
	pthread_mutex_unlock(&s->res_lock);
	return any;
}

int res_rewrite(const struct post *p, const char *name, const char *root,
		const char *u, size_t n, struct buf *out)
{
	size_t i = 0, seg, depth = 0, plen;
	const char *first = NULL;
	size_t firstlen = 0;

	/* the path part, before any ?query or #fragment */
	for (plen = 0; plen < n && u[plen] != '?' && u[plen] != '#'; plen++)
		;
	while (i + 1 < plen && u[i] == '.' && u[i + 1] == '/')
		i += 2;
	if (i >= plen)
		return 0;
	/* it must stay inside the post's folder: no "..", nothing hidden,
	 * and, for a plain post, not another post */
	for (seg = i; seg < plen;) {
		size_t e = seg;

		while (e < plen && u[e] != '/')
			e++;
		if (e - seg >= 1 && u[seg] == '.')
			return 0;
		if (!first) {
			first = u + seg;
			firstlen = e - seg;
		}
		depth++;
		seg = e + 1;
	}
	if (!p->bundle && depth == 1) {
		char tmp[NAME_MAX + 1];

		if (firstlen > NAME_MAX)
			return 0;
		memcpy(tmp, first, firstlen);
		tmp[firstlen] = '\0';
		if (scan_is_post(tmp))
			return 0;
	}
	buf_adds(out, root);
	buf_adds(out, "posts/");
	buf_add_urlpart(out, name, strlen(name), 0);
	buf_addc(out, '/');
	buf_add(out, u + i, n - i);
	return 1;
}
