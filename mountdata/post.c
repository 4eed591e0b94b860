#include "post.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "buf.h"
#include "names.h"
#include "utf8.h"

void post_unref(struct post *p)
{
	unsigned i, t;

	if (!p || atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1)
		return;
	free(p->src);
	free(p->dir);
	free(p->fm);
	free(p->title);
	free(p->slug);
	free(p->lang);
	free(p->summary);
	free(p->description);
	for (t = 0; t < TAX_MAX; t++) {
		for (i = 0; i < p->nterms[t]; i++)
			free(p->terms[t][i]);
		free(p->terms[t]);
	}
	for (i = 0; i < p->nerrs; i++)
		free(p->errs[i].msg);
	free(p->errs);
	free(atomic_load(&p->late_err));
	free(p);
}

static void add_err(struct post *p, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_err(struct post *p, int line, int col, const char *fmt, ...)
{
	struct post_err *e;
	struct buf b = BUF_INIT;
	char tmp[512];
	va_list ap;

	if (p->nerrs >= 16) /* enough to say what is wrong */
		return;
	e = realloc(p->errs, (p->nerrs + 1) * sizeof(*e));
	if (!e)
		return;
	p->errs = e;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	utf8_repair(&b, tmp, strlen(tmp));
	buf_add(&b, "", 0);
	e[p->nerrs].line = line;
	e[p->nerrs].column = col;
	e[p->nerrs].msg = buf_detach(&b, NULL);
	if (e[p->nerrs].msg)
		p->nerrs++;
}

/* Read up to want bytes at offset off. */
static ssize_t read_at(int fd, char *dst, size_t want, off_t off)
{
	size_t got = 0;

	while (got < want) {
		ssize_t r = pread(fd, dst + got, want - got, off + (off_t)got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* 1 when open file fd lies inside folder root (a real path). */
static int fd_inside(int fd, const char *root)
{
	char link[64], real[PATH_MAX];
	size_t n = strlen(root);
	ssize_t r;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	r = readlink(link, real, sizeof(real) - 1);
	if (r < 0)
		return 1; /* no /proc: the scan's own check is all there is */
	real[r] = '\0';
	return n == 1 || (!strncmp(real, root, n) && (real[n] == '/' || !real[n]));
}

/* Open SOURCE/rel, following symbolic links only while they stay inside
 * SOURCE (dirfd): the kernel checks that for relative links; an
 * absolute one, or a kernel without openat2, takes a look at where the
 * file really is. */
static int open_inside(int dirfd, const char *rel, const char *root)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));

	if (fd >= 0 || !root || (errno != EXDEV && errno != ENOSYS))
		return fd;
	fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0 && !fd_inside(fd, root)) {
		close(fd);
		errno = EXDEV;
		return -1;
	}
	return fd;
}

static int open_regular(int dirfd, const char *rel, const char *root, struct stat *st)
{
	int fd = open_inside(dirfd, rel, root);

	if (fd < 0)
		return errno == EXDEV ? -ENOENT : -errno;
	if (fstat(fd, st)) {
		int e = -errno;

		close(fd);
		return e;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
	}
	return fd;
}

/* The 1-based line of the front matter where a key is defined, found by
 * looking for it at the start of a line (YAML `key:`, TOML `key =`,
 * JSON `"key":`); 0 when not found.  Good enough to point a reader at
 * the right place for a bad value. */
static int key_line(const char *fm, size_t n, const char *key)
{
	size_t kl = strlen(key), i = 0;
	int line = 1;

	while (i < n) {
		size_t j = i;

		while (j < n && (fm[j] == ' ' || fm[j] == '\t'))
			j++;
		if (j < n && (fm[j] == '"' || fm[j] == '\''))
			j++;
		if (j + kl <= n && !strncasecmp(fm + j, key, kl)) {
			size_t k = j + kl;

			if (k < n && (fm[k] == '"' || fm[k] == '\''))
				k++;
			while (k < n && (fm[k] == ' ' || fm[k] == '\t'))
				k++;
			if (k < n && (fm[k] == ':' || fm[k] == '='))
				return line;
		}
		while (i < n && fm[i] != '\n')
			i++;
		i++;
		line++;
	}
	return 0;
}

/* The value of a known field: keys match without regard to case, as in
 * Hugo, and a few have synonyms. */
static json_t *field(json_t *fm, const char *const *names, const char **found)
{
	const char *k;
	json_t *v;
	int i;

	for (i = 0; names[i]; i++) {
		json_object_foreach(fm, k, v) {
			if (!strcasecmp(k, names[i])) {
				*found = k;
				return v;
			}
		}
	}
	return NULL;
}

struct loadctx {
	struct post *p;
	const char *fmtext;
	size_t fmlen;
	int fmline;
};

static int field_line(struct loadctx *c, const char *key)
{
	int l = key_line(c->fmtext, c->fmlen, key);

	return l ? c->fmline + l - 1 : c->fmline;
}

/* A scalar as text: strings as they are, numbers and booleans as JSON
 * writes them.  Returns a malloc'd string or NULL for null/containers. */
static char *scalar_text(json_t *v)
{
	char tmp[64];

	if (json_is_string(v))
		return utf8_dup(json_string_value(v), json_string_length(v));
	if (json_is_integer(v)) {
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return strdup(tmp);
	}
	if (json_is_real(v)) {
		snprintf(tmp, sizeof(tmp), "%.17g", json_real_value(v));
		return strdup(tmp);
	}
	if (json_is_boolean(v))
		return strdup(json_is_true(v) ? "true" : "false");
	return NULL;
}

static char *get_string(struct loadctx *c, json_t *fm, const char *const *names)
{
	const char *k = NULL;
	json_t *v = field(fm, names, &k);
	char *s;

	if (!v || json_is_null(v))
		return NULL;
	s = scalar_text(v);
	if (!s)
		add_err(c->p, field_line(c, k), 0, "%s: expected text, found a %s", k,
			json_is_array(v) ? "list" : "mapping");
	return s;
}

static void get_date(struct loadctx *c, json_t *fm, const char *const *names,
		     struct pdate *d)
{
	const char *k = NULL;
	json_t *v = field(fm, names, &k);

	if (!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)))
		return;
	if (json_is_string(v) &&
	    !pdate_parse(json_string_value(v), json_string_length(v), d))
		return;
	if (json_is_string(v))
		add_err(c->p, field_line(c, k), 0,
			"%s: \"%.100s\" is not a date (write 2006-01-02, "
			"2006-01-02T15:04:05, or RFC 3339 with an offset)",
			k, json_string_value(v));
	else
		add_err(c->p, field_line(c, k), 0, "%s: expected a date", k);
}

static void get_terms(struct loadctx *c, json_t *fm, unsigned t,
		      const struct post_cfg *cfg)
{
	const char *names[] = { cfg->tax_field[t], NULL };
	const char *k = NULL;
	json_t *v = field(fm, names, &k), *e;
	struct post *p = c->p;
	size_t i, n;
	char **keys;

	if (!v || json_is_null(v))
		return;
	if (json_is_object(v)) {
		add_err(p, field_line(c, k), 0, "%s: expected a list of terms", k);
		return;
	}
	n = json_is_array(v) ? json_array_size(v) : 1;
	if (n > cfg->max_terms) {
		add_err(p, field_line(c, k), 0,
			"%s: %zu terms, more than the limit of %u; the rest are left out",
			k, n, cfg->max_terms);
		n = cfg->max_terms;
	}
	p->terms[t] = calloc(n ? n : 1, sizeof(char *));
	keys = calloc(n ? n : 1, sizeof(char *));
	if (!p->terms[t] || !keys)
		goto out;
	for (i = 0; i < n; i++) {
		struct buf kb = BUF_INIT, nb = BUF_INIT;
		char *s;
		unsigned j;
		int dup = 0;

		e = json_is_array(v) ? json_array_get(v, i) : v;
		s = scalar_text(e);
		if (!s) {
			add_err(p, field_line(c, k), 0,
				"%s: item %zu is not a term (text expected)", k, i + 1);
			continue;
		}
		/* Terms are one term when their names differ only in case. */
		name_make(&nb, s, strlen(s), NAME_MAX_BYTES);
		name_key(&kb, nb.data ? nb.data : "", nb.len);
		buf_add(&kb, "", 0);
		buf_free(&nb);
		for (j = 0; j < p->nterms[t] && !dup; j++)
			dup = keys[j] && kb.data && !strcmp(keys[j], kb.data);
		if (dup || kb.oom || !*s) {
			free(s);
			buf_free(&kb);
			continue;
		}
		keys[p->nterms[t]] = buf_detach(&kb, NULL);
		p->terms[t][p->nterms[t]++] = s;
	}
out:
	if (keys)
		for (i = 0; i < n; i++)
			free(keys[i]);
	free(keys);
}

/* The file name's stem, and a Jekyll YYYY-MM-DD- prefix taken off it. */
static void stem_of(const char *src, int bundle, struct buf *stem,
		    struct pdate *jekyll)
{
	const char *end = src + strlen(src), *start, *dot;
	char tmp[16];

	if (bundle) { /* dir/index.md: the folder's name */
		end = strrchr(src, '/');
		if (!end)
			end = src;
	}
	start = end;
	while (start > src && start[-1] != '/')
		start--;
	dot = bundle ? end : strrchr(start, '.');
	if (!dot || dot < start)
		dot = end;
	if (dot - start > 11 && start[4] == '-' && start[7] == '-' && start[10] == '-') {
		memcpy(tmp, start, 10);
		if (!pdate_parse(tmp, 10, jekyll))
			start += 11;
	}
	buf_add(stem, start, (size_t)(dot - start));
	buf_add(stem, "", 0);
}

/* Where a byte offset is, as 1-based line and column (columns count
 * characters). */
static void position_of(const char *s, size_t off, int *line, int *col)
{
	const char *q, *bol = s;
	int l = 1, c = 1;

	for (q = s; q < s + off; q++)
		if (*q == '\n') {
			l++;
			bol = q + 1;
		}
	for (q = bol; q < s + off; q++)
		if (((unsigned char)*q & 0xC0) != 0x80)
			c++;
	*line = l;
	*col = c;
}

int post_check_text(const char *str, size_t n, size_t *bad_off, int *is_nul)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	int32_t c;

	while (i < n) {
		unsigned char b = s[i];

		/* eight ASCII bytes with no NUL at a time */
		if (b < 0x80 && i + 8 <= n) {
			uint64_t v;

			memcpy(&v, s + i, 8);
			if (!(v & 0x8080808080808080ULL) &&
			    !((v - 0x0101010101010101ULL) & ~v & 0x8080808080808080ULL)) {
				i += 8;
				continue;
			}
		}
		if (b && b < 0x80) {
			i++;
			continue;
		}
		if (!b) {
			*bad_off = i;
			*is_nul = 1;
			return 0;
		}
		/* two-byte characters (Cyrillic, Greek, accented Latin) are
		 * most of what is not ASCII: checked here, in line */
		if (b >= 0xC2 && b <= 0xDF && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
			i += 2;
			continue;
		}
		i += (size_t)utf8_decode(str + i, n - i, &c);
		if (c < 0) {
			*bad_off = i - 1;
			*is_nul = 0;
			return 0;
		}
	}
	return 1;
}

/* A NUL byte or invalid UTF-8 in what was read: the post is shown with
 * U+FFFD in their place, and the first one is reported.  A sequence cut
 * by the end of a partial read is not an error. */
static void check_text(struct post *p, const char *s, size_t n, size_t from, int whole)
{
	size_t bad;
	int nul, line, col;

	if (from >= n || post_check_text(s + from, n - from, &bad, &nul))
		return;
	bad += from;
	if (!whole && !nul && n - bad < 4)
		return;
	position_of(s, bad, &line, &col);
	if (nul)
		add_err(p, line, col, "binary content (a NUL byte); shown as text with "
			"the bad bytes replaced");
	else
		add_err(p, line, col, "invalid UTF-8 (byte 0x%02X); shown with U+FFFD "
			"in its place", (unsigned char)s[bad]);
}

static void read_fields(struct loadctx *c, json_t *fm, const struct post_cfg *cfg)
{
	static const char *const n_title[] = { "title", NULL };
	static const char *const n_date[] = { "date", NULL };
	static const char *const n_pub[] = { "publishDate", "pubdate", "published", NULL };
	static const char *const n_mod[] = { "lastmod", "modified", NULL };
	static const char *const n_exp[] = { "expiryDate", "unpublishdate", NULL };
	static const char *const n_draft[] = { "draft", NULL };
	static const char *const n_slug[] = { "slug", NULL };
	static const char *const n_lang[] = { "lang", "language", NULL };
	static const char *const n_sum[] = { "summary", NULL };
	static const char *const n_desc[] = { "description", NULL };
	struct post *p = c->p;
	const char *k = NULL;
	json_t *v;
	unsigned t;

	p->title = get_string(c, fm, n_title);
	p->slug = get_string(c, fm, n_slug);
	p->lang = get_string(c, fm, n_lang);
	p->summary = get_string(c, fm, n_sum);
	p->description = get_string(c, fm, n_desc);
	get_date(c, fm, n_date, &p->date);
	get_date(c, fm, n_pub, &p->publish);
	get_date(c, fm, n_mod, &p->lastmod);
	get_date(c, fm, n_exp, &p->expiry);
	v = field(fm, n_draft, &k);
	if (v && json_is_boolean(v))
		p->draft = json_is_true(v);
	else if (v && json_is_string(v) && (!strcmp(json_string_value(v), "true") ||
					    !strcmp(json_string_value(v), "false")))
		p->draft = !strcmp(json_string_value(v), "true");
	else if (v && !json_is_null(v))
		add_err(p, field_line(c, k), 0, "%s: expected true or false", k);
	for (t = 0; t < cfg->ntax; t++)
		get_terms(c, fm, t, cfg);
}

int post_load(int dirfd, const char *rel, int bundle,
	      const struct post_cfg *cfg, struct post **out)
{
	struct post *p;
	struct stat st;
	struct fm_split sp;
	struct pf_error pe;
	struct loadctx c;
	struct buf stem = BUF_INIT;
	struct pdate jekyll = { 0 };
	json_t *fm = NULL;
	char *head = NULL, *slash;
	size_t want, cap;
	ssize_t got;
	int fd, ret;

	*out = NULL;
	fd = open_regular(dirfd, rel, cfg->root, &st);
	if (fd < 0)
		return fd;
	ret = -ENOMEM;
	p = calloc(1, sizeof(*p));
	if (!p)
		goto err_close;
	atomic_init(&p->refs, 1);
	p->src = strdup(rel);
	if (!p->src)
		goto err_post;
	p->bundle = (uint8_t)!!bundle;
	p->dir = strdup(rel);
	if (!p->dir)
		goto err_post;
	slash = strrchr(p->dir, '/');
	if (slash)
		*slash = '\0';
	else
		p->dir[0] = '\0';
	p->dev = st.st_dev;
	p->ino = st.st_ino;
	p->size = st.st_size;
	p->mtime = st.st_mtim;

	/* The head: enough for any front matter within the limit.  Read a
	 * small piece first, and more only when the closing line is not in
	 * it, so a scan of many posts reads little of each. */
	cap = cfg->fm.max_bytes + 4096;
	want = (size_t)st.st_size < cfg->head ? (size_t)st.st_size : cfg->head;
	/* Sized for the small piece: a buffer of the whole limit would come
	 * from mmap and go back with munmap for every post, and each munmap
	 * stops the other CPUs to flush their TLBs (a third of a scan's
	 * time). */
	head = malloc(want + 1);
	if (!head)
		goto err_post;
	got = read_at(fd, head, want, 0);
	if (got < 0) {
		ret = (int)got;
		goto err_post;
	}
	fm_split(head, (size_t)got, &sp);
	if (!sp.complete && (size_t)got == want && (off_t)want < st.st_size) {
		size_t more = (size_t)st.st_size < cap ? (size_t)st.st_size : cap;
		char *bigger = realloc(head, more + 1);
		ssize_t r;

		if (!bigger)
			goto err_post;
		head = bigger;
		r = read_at(fd, head + got, more - (size_t)got, got);
		if (r < 0) {
			ret = (int)r;
			goto err_post;
		}
		got += r;
		fm_split(head, (size_t)got, &sp);
	}
	close(fd);
	fd = -1;

	if ((size_t)st.st_size > cfg->max_file)
		add_err(p, 0, 0, "the file is %lld bytes, more than the limit of %zu; "
			"only the first %zu bytes are shown", (long long)st.st_size,
			cfg->max_file, cfg->max_file);
	p->fmt = (uint8_t)sp.format;
	p->body_off = sp.body_off;
	p->body_line = sp.body_line;
	if (sp.format != FM_NONE && !sp.complete) {
		if ((size_t)got >= cap)
			add_err(p, sp.fm_line, 1, "front matter is larger than %zu bytes",
				cfg->fm.max_bytes);
		else
			add_err(p, sp.fm_line - (sp.format != FM_JSON), 1,
				"front matter is not closed (no %s line after it)",
				sp.format == FM_YAML ? "'---'" :
				sp.format == FM_TOML ? "'+++'" : "closing '}'");
		/* Show the text as the body rather than lose it. */
		p->body_off = sp.bom_len;
		p->body_line = 1;
	} else if (sp.format != FM_NONE) {
		memset(&pe, 0, sizeof(pe));
		if (fm_parse((enum fm_format)sp.format, head + sp.fm_off, sp.fm_len,
			     &cfg->fm, &fm, &pe)) {
			add_err(p, pe.line ? sp.fm_line + pe.line - 1 : sp.fm_line,
				pe.column, "%s front matter: %s",
				sp.format == FM_YAML ? "YAML" :
				sp.format == FM_TOML ? "TOML" : "JSON", pe.msg);
			fm = NULL;
		}
	}
	/* the front matter's own readers check its text; here, the body's
	 * (or all of it, when the front matter could not be read) */
	check_text(p, head, (size_t)got, fm ? p->body_off : 0, (off_t)got == st.st_size);
	p->head_len = (size_t)got;
	if (!fm)
		fm = json_object();
	if (!fm)
		goto err_post;
	c.p = p;
	c.fmtext = head + sp.fm_off;
	c.fmlen = sp.fm_len;
	c.fmline = sp.fm_line;
	read_fields(&c, fm, cfg);
	p->fm = json_dumps(fm, JSON_COMPACT);
	json_decref(fm);
	if (!p->fm)
		goto err_post;

	stem_of(rel, bundle, &stem, &jekyll);
	if (stem.oom)
		goto err_stem;
	if (!p->slug)
		p->slug = strdup(stem.data);
	if (!p->title)
		p->title = strdup(stem.data);
	if (!p->slug || !p->title)
		goto err_stem;
	/* date falls back to publishDate, lastmod, the file name, the mtime */
	if (!p->date.set)
		p->date = p->publish.set ? p->publish :
			  p->lastmod.set ? p->lastmod : jekyll;
	if (!p->date.set)
		pdate_from_time(st.st_mtim.tv_sec, (int32_t)st.st_mtim.tv_nsec, &p->date);
	if (!p->publish.set)
		p->publish = p->date;
	buf_free(&stem);
	free(head);
	*out = p;
	return 0;

err_stem:
	buf_free(&stem);
err_post:
	free(head);
	post_unref(p);
err_close:
	if (fd >= 0)
		close(fd);
	return ret;
}

static int read_file(int dirfd, const struct post *p, const char *root, off_t off,
		     size_t max, char **data, size_t *len, int *changed)
{
	struct stat st;
	size_t want;
	ssize_t got;
	char *d;
	int fd;

	*data = NULL;
	*len = 0;
	fd = open_regular(dirfd, p->src, root, &st);
	if (fd < 0)
		return fd;
	if (changed)
		*changed = st.st_ino != p->ino || st.st_dev != p->dev ||
			   st.st_size != p->size ||
			   st.st_mtim.tv_sec != p->mtime.tv_sec ||
			   st.st_mtim.tv_nsec != p->mtime.tv_nsec;
	want = st.st_size > off ? (size_t)(st.st_size - off) : 0;
	if (want > max)
		want = max;
	d = malloc(want + 1);
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	got = read_at(fd, d, want, off);
	close(fd);
	if (got < 0) {
		free(d);
		return (int)got;
	}
	d[got] = '\0';
	*data = d;
	*len = (size_t)got;
	return 0;
}

int post_read_body(int dirfd, struct post *p, const struct post_cfg *cfg,
		   char **body, size_t *len, int *changed)
{
	size_t max = cfg->max_file > p->body_off ? cfg->max_file - p->body_off : 0;
	size_t from, bad;
	char *msg = NULL, *none = NULL;
	int ret, nul, ch = 0;

	ret = read_file(dirfd, p, cfg->root, (off_t)p->body_off, max, body, len, &ch);
	if (changed)
		*changed = ch;
	if (ret || ch || atomic_load(&p->late_err))
		return ret;
	/* the part past what was checked at mount, from a little before so
	 * a character cut there is seen whole */
	from = p->head_len > p->body_off + 4 ? p->head_len - p->body_off - 4 : 0;
	while (from > 0 && from < *len && ((unsigned char)(*body)[from] & 0xC0) == 0x80)
		from--; /* to the first byte of the character */
	if (from >= *len || post_check_text(*body + from, *len - from, &bad, &nul))
		return 0;
	bad += from;
	{
		int line = p->body_line, col = 1;
		size_t i;

		for (i = 0; i < bad; i++) {
			if ((*body)[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)(*body)[i] & 0xC0) != 0x80) {
				col++;
			}
		}
		if (asprintf(&msg, "%d:%d: %s", line, col,
			     nul ? "binary content (a NUL byte); shown as text with the bad bytes replaced"
				 : "invalid UTF-8; shown with U+FFFD in its place") < 0)
			return 0;
	}
	if (!atomic_compare_exchange_strong(&p->late_err, &none, msg))
		free(msg);
	return 0;
}

int post_read_source(int dirfd, const struct post *p, const struct post_cfg *cfg,
		     char **data, size_t *len, int *changed)
{
	return read_file(dirfd, p, cfg->root, 0, cfg->max_file, data, len, changed);
}

int post_visible(const struct post *p, int64_t now, int drafts, int future)
{
	if (p->draft && !drafts)
		return 0;
	if (future)
		return 1;
	if (p->publish.t > now)
		return 0;
	if (p->expiry.set && p->expiry.t <= now)
		return 0;
	return 1;
}

int64_t post_next_change(const struct post *p, int64_t now, int drafts,
			 int future)
{
	int64_t next = INT64_MAX;

	if ((p->draft && !drafts) || future)
		return next;
	if (p->publish.t > now)
		next = p->publish.t;
	if (p->expiry.set && p->expiry.t > now && p->expiry.t < next)
		next = p->expiry.t;
	return next;
}

int64_t post_mtime_ns(const struct post *p)
{
	return (int64_t)p->mtime.tv_sec * 1000000000LL + p->mtime.tv_nsec;
}

int64_t post_visible_since(const struct post *p, int future)
{
	int64_t m = post_mtime_ns(p);
	int64_t pub = p->publish.t * 1000000000LL + p->publish.nsec;

	if (!future && pub > m)
		return pub;
	return m;
}
