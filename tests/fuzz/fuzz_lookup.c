/* fuzz_lookup.c — libFuzzer target for the path lookup of the virtual
 * tree (mountdata/: site_lookup, site_getattr, site_opendir,
 * site_open_file), as the FUSE driver calls it.
 *
 * A model is built once, from a small source folder written at start-up
 * in a temporary folder: posts in YAML, TOML and JSON, terms that differ
 * in case, that hold '/', a leading '.', a generated file's name, or are
 * longer than a name may be, duplicate slugs, a page bundle with
 * resources, a draft, a post from the future, broken front matter, and
 * symbolic links inside and outside the folder.  A listing page holds
 * two posts, so listings paginate.
 *
 * The input is a path: split on '/', walked from the root (inode 1) with
 * site_lookup.  Every node reached must answer site_getattr with the
 * same attributes; every folder reached must list with site_opendir
 * entries that site_lookup finds again, with the same inode and type;
 * every file reached must open, with as many bytes as its size said,
 * the same bytes when read without an open file (site_read_node), and
 * its extended attributes must answer.
 * The last bytes of the input, and the inodes met on the way with bits
 * flipped by the input, are also tried as inode numbers: whatever they
 * answer, nothing may crash or leak.
 *
 *   tests/fuzz/run-long.sh lookup 600
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "log.h"
#include "site.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DEPTH 16      /* components walked */
#define MAX_INOS 8        /* inode numbers tried besides the walk */

static struct site *site;
static char srcdir[] = "/tmp/postfs-fuzz-lookup-XXXXXX";

static const struct {
	const char *path;
	const char *text;
} sources[] = {
	{ "2024-03-15-hello-world.md",
	  "---\ntitle: Hello, world\ntags: [AI, ai, \"CI/CD\", .NET, \" spaced  out \"]\n"
	  "categories: [Tech]\n---\n\nText with a [link](notes.txt) and ![img](pic.png).\n" },
	{ "second.md",
	  "+++\ntitle = \"Second\"\nslug = \"hello-world\"\ndate = 2023-01-02T10:00:00+02:00\n"
	  "tags = [\"Технологии\", \"технологии\", \"index.html\", \"feed.xml\"]\n+++\n"
	  "# Heading\n\nBody.\n" },
	{ "json-post.md",
	  "{\"title\": \"J\", \"date\": \"2022-12-31\", \"tags\": [\"x y\", \"index-2.html\", \"..\"],"
	  " \"categories\": [\"a/b\", \"\"]}\nBody <script>alert(1)</script>\n" },
	{ "bundle/index.md",
	  "---\ntitle: Bundle\ndate: 2021-06-01\ncategories: [Tech, tech, TECH]\n---\n"
	  "![x](image.png) [d](sub/data.txt)\n" },
	{ "bundle/image.png", "\x89PNG\r\n\x1a\n" },
	{ "bundle/sub/data.txt", "data\n" },
	{ "bundle/.hidden", "hidden\n" },
	{ "notes.txt", "notes beside the posts\n" },
	{ "pic.png", "\x89PNG\r\n\x1a\n" },
	{ "draft.md", "---\ntitle: Draft\ndraft: true\n---\nno\n" },
	{ "future.md", "---\ntitle: Future\ndate: 2999-01-01\n---\nlater\n" },
	{ "broken.md", "---\ntitle: [unclosed\ntags: {\n---\nbody still shows\n" },
	{ "nofm.md", "Just text, no front matter.\n" },
	{ ".hidden.md", "---\ntitle: Hidden\n---\n" },
	{ "deep/er/still/post.markdown",
	  "---\ntitle: Deep\ndate: 2020-02-29 12:00:00\ntags: [\"\\u0001ctl\\ttab\"]\n---\nx\n" },
	{ "long.md", NULL }, /* written by make_long() */
	{ "index.md", "---\ntitle: index\nslug: index\n---\nA post called index.\n" },
	{ "dup.md", "---\ntitle: Dup\nslug: hello-world\ndate: 2019-01-01\n---\n" },
};

static int write_file(const char *rel, const char *text, size_t len)
{
	char path[4096], *slash;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", srcdir, rel);
	for (slash = strchr(path + strlen(srcdir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

/* A post whose slug and tag are longer than a name may be. */
static int make_long(void)
{
	char text[2048];
	size_t n;

	n = (size_t)snprintf(text, sizeof(text), "---\ntitle: Long\nslug: \"%0300d\"\n"
			     "tags: [\"%0400d\", \"%0400d1\"]\n---\n", 7, 8, 8);
	return write_file("long.md", text, n);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static void cleanup(void)
{
	site_close(site);
	site = NULL;
	nftw(srcdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct site_opts o;
	char err[512], link[4200];
	size_t i;

	(void)argc;
	(void)argv;
	log_setup(0, LOG_LVL_ERROR);
	if (!mkdtemp(srcdir)) {
		perror("mkdtemp");
		abort();
	}
	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		int r = sources[i].text ? write_file(sources[i].path, sources[i].text,
						     strlen(sources[i].text))
					: make_long();

		if (r) {
			perror(sources[i].path);
			abort();
		}
	}
	/* links: to a post inside, to a file and a folder outside, a loop */
	snprintf(link, sizeof(link), "%s/linked.md", srcdir);
	if (symlink("second.md", link))
		abort();
	snprintf(link, sizeof(link), "%s/outside.md", srcdir);
	if (symlink("/etc/passwd", link))
		abort();
	snprintf(link, sizeof(link), "%s/outdir", srcdir);
	if (symlink("/etc", link))
		abort();
	snprintf(link, sizeof(link), "%s/deep/loop", srcdir);
	if (symlink("..", link))
		abort();
	atexit(cleanup);

	site_opts_default(&o);
	o.source = srcdir;
	o.page_size = 2;
	o.base_url = "https://example.org/blog/";
	if (site_open(&o, &site, err, sizeof(err))) {
		fprintf(stderr, "site_open: %s\n", err);
		abort();
	}
	return 0;
}

static int same_attr(const struct node_attr *a, const struct node_attr *b)
{
	if (a->ino != b->ino || a->mode != b->mode)
		return 0;
	/* the status file's bytes change by themselves */
	return a->is_volatile || b->is_volatile ||
	       (a->size == b->size && a->mtime_ns == b->mtime_ns);
}

/* A folder's listing: every entry found again by name. */
static void check_listing(uint64_t ino)
{
	struct site_dir *d = NULL;
	struct node_attr a;
	size_t i;
	int rc;

	rc = site_opendir(site, ino, &d);
	if (rc) {
		if (rc != -ENOENT && rc != -ENOTDIR && rc != -ENOMEM && rc != -EIO)
			abort();
		return;
	}
	for (i = 0; i < d->n; i++) {
		const struct site_dirent *e = &d->e[i];

		if (!e->name[0] || strchr(e->name, '/') || !strcmp(e->name, ".") ||
		    !strcmp(e->name, ".."))
			abort();
		memset(&a, 0, sizeof(a));
		rc = site_lookup(site, ino, e->name, &a);
		if (rc || a.ino != e->ino || (a.mode & S_IFMT) != (e->mode & S_IFMT)) {
			fprintf(stderr, "folder %llx lists %s (inode %llx, mode %o), "
				"site_lookup says %d (inode %llx, mode %o)\n",
				(unsigned long long)ino, e->name, (unsigned long long)e->ino,
				(unsigned)e->mode, rc, (unsigned long long)a.ino, (unsigned)a.mode);
			abort();
		}
	}
	site_dir_free(d);
}

static void file_close(struct site_file *f)
{
	if (f->blob)
		blob_unref(f->blob);
	if (f->fd >= 0)
		close(f->fd);
}

/* Open a file node, read it the two ways the driver does (through the
 * open file, and without one), and check both against its attributes. */
static void check_file(const struct node_attr *a)
{
	struct site_file f, r;
	struct buf x = BUF_INIT;
	int rc;

	memset(&f, 0, sizeof(f));
	rc = site_open_file(site, a->ino, &f);
	if (rc) {
		if (rc != -ENOMEM && rc != -EIO) {
			fprintf(stderr, "inode %llx, just looked up, does not open: %d\n",
				(unsigned long long)a->ino, rc);
			abort();
		}
		return;
	}
	if (!f.blob && f.fd < 0) {
		/* a generated file: its bytes are made on the first read */
		rc = site_file_bytes(site, a->ino, &f);
		if (rc && rc != -ENOMEM && rc != -EIO) {
			fprintf(stderr, "inode %llx, just opened, gives no bytes: %d\n",
				(unsigned long long)a->ino, rc);
			abort();
		}
	}
	if (f.blob && !f.is_volatile && f.blob->len != a->size) {
		fprintf(stderr, "inode %llx: %zu bytes, size said %llu\n",
			(unsigned long long)a->ino, f.blob->len, (unsigned long long)a->size);
		abort();
	}
	memset(&r, 0, sizeof(r));
	rc = site_read_node(site, a->ino, &r);
	if (rc == 0 && r.blob && f.blob && !f.is_volatile &&
	    (r.blob->len != f.blob->len || memcmp(r.blob->data, f.blob->data, f.blob->len))) {
		fprintf(stderr, "inode %llx: site_read_node and site_file_bytes differ\n",
			(unsigned long long)a->ino);
		abort();
	}
	if (rc == 0)
		file_close(&r);
	file_close(&f);
	/* extended attributes of what was found */
	if (site_listxattr(site, a->ino, &x) == 0) {
		size_t i = 0;

		buf_add(&x, "", 1);
		while (!x.oom && i + 1 < x.len) {
			struct buf v = BUF_INIT;
			const char *name = x.data + i;

			site_getxattr(site, a->ino, name, &v);
			buf_free(&v);
			i += strlen(name) + 1;
		}
	}
	buf_free(&x);
}

/* Anything an inode number can be asked: no crash, no leak. */
static void poke(uint64_t ino)
{
	struct site_dir *d = NULL;
	struct site_file f;
	struct node_attr a;

	if (site_getattr(site, ino, &a) == 0 && a.ino != ino)
		abort();
	if (site_opendir(site, ino, &d) == 0)
		site_dir_free(d);
	memset(&f, 0, sizeof(f));
	if (site_open_file(site, ino, &f) == 0) {
		if (!f.blob && f.fd < 0)
			site_file_bytes(site, ino, &f);
		file_close(&f);
	}
	memset(&f, 0, sizeof(f));
	if (site_read_node(site, ino, &f) == 0)
		file_close(&f);
	site_lookup(site, ino, "index.html", &a);
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t cur = 1, seen[MAX_DEPTH + 1], mask = 0;
	struct node_attr a, g;
	size_t i = 0, nseen = 0, k;
	char name[512];
	int depth = 0;

	seen[nseen++] = 1;
	check_listing(1);
	while (i <= size && depth < MAX_DEPTH) {
		const uint8_t *end = memchr(data + i, '/', size - i);
		size_t n = end ? (size_t)(end - (data + i)) : size - i;
		int rc;

		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, data + i, n);
		name[n] = '\0';
		i += (end ? (size_t)(end - (data + i)) : size - i) + 1;
		if (!name[0])
			continue; /* "a//b", a leading or trailing '/' */
		depth++;
		rc = site_lookup(site, cur, name, &a);
		if (rc) {
			if (rc != -ENOENT && rc != -ENOTDIR && rc != -ENAMETOOLONG &&
			    rc != -ENOMEM && rc != -EIO)
				abort();
			break;
		}
		if (site_getattr(site, a.ino, &g) || !same_attr(&a, &g))
			abort();
		if ((a.mode & S_IFMT) != S_IFDIR && (a.mode & S_IFMT) != S_IFREG)
			abort();
		seen[nseen++] = a.ino;
		cur = a.ino;
		if (S_ISDIR(a.mode)) {
			check_listing(a.ino);
		} else {
			check_file(&a);
			break;
		}
	}
	if (size >= 8)
		mask = load64(data) & 0xFFFFF;
	for (k = 0; k < nseen; k++)
		poke(seen[k] ^ mask);
	for (k = 0; k < MAX_INOS / 2 && size >= 8 * (k + 1); k++)
		poke(load64(data + size - 8 * (k + 1)));
	return 0;
}
