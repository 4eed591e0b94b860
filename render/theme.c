#include "theme.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mustache.h"
#include "theme_builtin.h"

#define THEME_MAX_FILE (1u << 20)

struct tfile {
	char *name;
	char *data;          /* owned copy for user files; NULL for built-in */
	const char *bytes;   /* data, or the built-in table's */
	size_t len;
	struct mus_tmpl *tmpl; /* compiled, for .html and .xml files */
};

struct theme {
	atomic_uint refs;
	struct tfile *f;
	size_t n;
	int64_t mtime_ns;
};

static int is_template(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && !strcmp(name + n - 5, ".html")) ||
	       (n > 4 && !strcmp(name + n - 4, ".xml"));
}

static struct tfile *find(const struct theme *t, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strlen(t->f[i].name) == n && !memcmp(t->f[i].name, name, n))
			return &t->f[i];
	return NULL;
}

/* Partials are named without their extension: {{> header}} is
 * header.html. */
static const struct mus_tmpl *partial(void *ctx, const char *name)
{
	const struct theme *t = ctx;
	char tmp[256];
	struct tfile *f;
	size_t n = strlen(name);

	if (n + 6 > sizeof(tmp))
		return NULL;
	memcpy(tmp, name, n);
	memcpy(tmp + n, ".html", 6);
	f = find(t, tmp, n + 5);
	if (!f)
		f = find(t, name, n);
	return f ? f->tmpl : NULL;
}

static void tfile_clear(struct tfile *f)
{
	free(f->name);
	free(f->data);
	mus_free(f->tmpl);
	memset(f, 0, sizeof(*f));
}

static int compile(struct tfile *f, struct buf *errors, const char *origin)
{
	struct pf_error pe;
	int ret;

	if (!is_template(f->name))
		return 0;
	memset(&pe, 0, sizeof(pe));
	ret = mus_compile(f->bytes, f->len, f->name, &f->tmpl, &pe);
	if (ret == -EINVAL && errors)
		buf_printf(errors, "%s/%s:%d:%d: %s\n", origin, f->name, pe.line,
			   pe.column, pe.msg);
	return ret;
}

/* Read one user file over the built-in ones. */
static int load_user_file(struct theme *t, int dfd, const char *name,
			  const char *dir, struct buf *errors)
{
	struct tfile nf, *f;
	struct stat st;
	ssize_t r;
	int fd, ret;

	memset(&nf, 0, sizeof(nf));
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > THEME_MAX_FILE) {
		if (errors && S_ISREG(st.st_mode))
			buf_printf(errors, "%s/%s: larger than %u bytes; ignored\n", dir,
				   name, THEME_MAX_FILE);
		close(fd);
		return 0;
	}
	nf.name = strdup(name);
	nf.data = malloc((size_t)st.st_size + 1);
	ret = -ENOMEM;
	if (!nf.name || !nf.data)
		goto err;
	r = pread(fd, nf.data, (size_t)st.st_size, 0);
	if (r < 0) {
		ret = 0; /* unreadable: keep the built-in one */
		goto err;
	}
	nf.bytes = nf.data;
	nf.len = (size_t)r;
	ret = compile(&nf, errors, dir);
	if (ret == -EINVAL) {
		ret = 0;
		goto err;
	}
	if (ret)
		goto err;
	close(fd);
	if ((int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec > t->mtime_ns)
		t->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	f = find(t, name, strlen(name));
	if (f) {
		tfile_clear(f);
	} else {
		f = realloc(t->f, (t->n + 1) * sizeof(*f));
		if (!f) {
			tfile_clear(&nf);
			return -ENOMEM;
		}
		t->f = f;
		f = &t->f[t->n++];
	}
	*f = nf;
	return 0;
err:
	close(fd);
	tfile_clear(&nf);
	return ret;
}

int theme_load(const char *dir, struct theme **out, struct buf *errors)
{
	struct theme *t;
	unsigned i;
	int ret = -ENOMEM;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	atomic_init(&t->refs, 1);
	t->f = calloc(builtin_nfiles, sizeof(*t->f));
	if (!t->f)
		goto err;
	t->mtime_ns = builtin_mtime * 1000000000LL;
	for (i = 0; i < builtin_nfiles; i++) {
		struct tfile *f = &t->f[t->n++];

		f->name = strdup(builtin_files[i].name);
		if (!f->name)
			goto err;
		f->bytes = builtin_files[i].data;
		f->len = builtin_files[i].len;
		/* the built-in theme is tested: a failure here is a bug */
		if ((ret = compile(f, errors, "built-in")))
			goto err;
	}
	if (dir) {
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *d;
		struct dirent *de;

		if (dfd < 0) {
			if (errors)
				buf_printf(errors, "%s: %s; using the built-in templates\n",
					   dir, strerror(errno));
		} else if (!(d = fdopendir(dfd))) {
			close(dfd);
		} else {
			while ((de = readdir(d))) {
				if (de->d_name[0] == '.')
					continue;
				ret = load_user_file(t, dirfd(d), de->d_name, dir, errors);
				if (ret) {
					closedir(d);
					goto err;
				}
			}
			closedir(d);
		}
	}
	*out = t;
	return 0;
err:
	theme_unref(t);
	return ret;
}

struct theme *theme_ref(struct theme *t)
{
	atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
	return t;
}

void theme_unref(struct theme *t)
{
	size_t i;

	if (!t || atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (i = 0; i < t->n; i++)
		tfile_clear(&t->f[i]);
	free(t->f);
	free(t);
}

int theme_render(const struct theme *t, const char *name, json_t *view, struct buf *out)
{
	struct tfile *f = find(t, name, strlen(name));

	if (!f || !f->tmpl)
		return -ENOENT;
	return mus_render(f->tmpl, view, partial, (void *)t, out);
}

const char *theme_static(const struct theme *t, const char *name, size_t *len)
{
	struct tfile *f = find(t, name, strlen(name));

	if (!f)
		return NULL;
	*len = f->len;
	return f->bytes;
}

int64_t theme_mtime_ns(const struct theme *t)
{
	return t->mtime_ns;
}
