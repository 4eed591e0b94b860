/* walk.c — the cost of making the site's bytes, without FUSE.
 *
 *   postfs-walk [-c CACHE_MIB] [-p PASSES] [-a READAHEAD] SOURCE
 *
 * Opens SOURCE as a mount would (mountdata/ alone), then walks the whole
 * tree as `find . -type f | xargs cat` does through the kernel: each
 * folder listed, each file looked up (which gives its size) and read
 * whole, in listing order, one thread.  Intersections under `+/` folders
 * and query folders are left out, as the benchmark leaves them out.
 * Reading ahead is off unless -a asks for it, so that the time is the
 * renderer's alone, on one thread.
 * Prints, per pass, the files and bytes read, a checksum of them, the wall and CPU time, and
 * the time per file split by kind of file.
 *
 * For profiling the renderer (`perf record -g ./postfs-walk ...`) and for
 * the benchmark's "render cost" row; it asserts nothing.  A size that
 * differs from the bytes read is counted and makes the exit status 1.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "site.h"

enum kind { K_POST_HTML, K_POST_JSON, K_POST_MD, K_LIST_HTML, K_LIST_JSON, K_OTHER, K_N };

static const char *const kind_name[K_N] = {
	"post .html", "post .json", "post .md", "listing .html", "listing .json", "other",
};

struct tally {
	unsigned long files[K_N];
	double secs[K_N];
	unsigned long long bytes;
	unsigned long mismatches, errors;
	uint64_t sum;      /* FNV-1a of every name and its bytes, in order */
};

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum kind kind_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	int listing = !strncmp(name, "index.", 6) || !strncmp(name, "page-", 5);

	if (!dot)
		return K_OTHER;
	if (!strcmp(dot, ".html"))
		return listing ? K_LIST_HTML : K_POST_HTML;
	if (!strcmp(dot, ".json"))
		return listing ? K_LIST_JSON : K_POST_JSON;
	if (!strcmp(dot, ".md"))
		return K_POST_MD;
	return K_OTHER;
}

static void read_file(struct site *s, uint64_t parent, const char *name, struct tally *t)
{
	struct node_attr a;
	struct site_file f;
	enum kind k = kind_of(name);
	double t0 = now(CLOCK_MONOTONIC);
	size_t len = 0;
	int ret;

	ret = site_lookup(s, parent, name, &a);
	if (!ret)
		ret = site_read_node(s, a.ino, &f);
	if (ret) {
		fprintf(stderr, "postfs-walk: %s: %s\n", name, strerror(-ret));
		t->errors++;
		return;
	}
	/* status.json tells the cache's figures: not in the sum */
	if (strcmp(name, "status.json"))
		t->sum = fnv(t->sum, name, strlen(name) + 1);
	if (f.blob) {
		len = f.blob->len;
		if (strcmp(name, "status.json"))
			t->sum = fnv(t->sum, f.blob->data, len);
		blob_unref(f.blob);
	} else if (f.fd >= 0) {
		struct stat st;

		if (!fstat(f.fd, &st))
			len = (size_t)st.st_size;
		close(f.fd);
	}
	t->files[k]++;
	t->secs[k] += now(CLOCK_MONOTONIC) - t0;
	t->bytes += len;
	if (len != a.size) {
		fprintf(stderr, "postfs-walk: %s: size %llu, %zu bytes\n", name,
			(unsigned long long)a.size, len);
		t->mismatches++;
	}
}

static void walk(struct site *s, uint64_t ino, int depth, struct tally *t)
{
	struct site_dir *d;
	size_t i;
	int ret = site_opendir(s, ino, &d);

	if (ret) {
		fprintf(stderr, "postfs-walk: folder %llx: %s\n", (unsigned long long)ino,
			strerror(-ret));
		t->errors++;
		return;
	}
	for (i = 0; i < d->n; i++) {
		const struct site_dirent *e = &d->e[i];

		if ((e->mode & S_IFMT) == S_IFDIR) {
			struct node_attr a;

			if (!strcmp(e->name, "+") || (depth == 0 && !strcmp(e->name, "query")))
				continue;
			if (!site_lookup(s, ino, e->name, &a))
				walk(s, a.ino, depth + 1, t);
		} else {
			read_file(s, ino, e->name, t);
		}
	}
	site_dir_free(d);
}

int main(int argc, char **argv)
{
	struct site_opts o;
	struct site *s;
	char err[512];
	int opt, passes = 1, pass, ret, status = 0;
	double t0;

	site_opts_default(&o);
	o.readahead = 0;
	while ((opt = getopt(argc, argv, "c:p:a:")) != -1) {
		switch (opt) {
		case 'c':
			o.cache_bytes = (size_t)strtoul(optarg, NULL, 10) << 20;
			break;
		case 'p':
			passes = atoi(optarg);
			break;
		case 'a':
			o.readahead = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	o.source = argv[optind];
	t0 = now(CLOCK_MONOTONIC);
	ret = site_open(&o, &s, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "postfs-walk: %s\n", err);
		return 1;
	}
	printf("open: %.3f s\n", now(CLOCK_MONOTONIC) - t0);
	for (pass = 1; pass <= passes; pass++) {
		struct tally t;
		double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		unsigned long files = 0;
		int k;

		memset(&t, 0, sizeof(t));
		t.sum = 0xcbf29ce484222325ULL;
		walk(s, 1, 0, &t);
		for (k = 0; k < K_N; k++)
			files += t.files[k];
		printf("pass %d: %lu files, %.1f MiB, %.3f s wall, %.3f s CPU, %.1f us/file, sum %016llx\n",
		       pass, files, (double)t.bytes / 1048576.0, now(CLOCK_MONOTONIC) - w0,
		       now(CLOCK_PROCESS_CPUTIME_ID) - c0,
		       files ? (now(CLOCK_MONOTONIC) - w0) * 1e6 / (double)files : 0.0, (unsigned long long)t.sum);
		for (k = 0; k < K_N; k++)
			if (t.files[k])
				printf("  %-14s %7lu files %8.3f s %7.1f us/file\n", kind_name[k],
				       t.files[k], t.secs[k], t.secs[k] * 1e6 / (double)t.files[k]);
		if (t.mismatches || t.errors) {
			printf("  %lu size mismatches, %lu errors\n", t.mismatches, t.errors);
			status = 1;
		}
	}
	site_close(s);
	return status;
usage:
	fprintf(stderr, "usage: postfs-walk [-c CACHE_MIB] [-p PASSES] [-a READAHEAD] SOURCE\n");
	return 2;
}
