/* Unit tests of mountdata/post.c: post_load on real files in a temporary
 * folder (fields, the date chain, drafts, terms, errors with their file
 * positions, long front matter), post_read_body, and visibility. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "dates.h"
#include "post.h"

static char tmp_root[] = "/tmp/postfs-test-post-XXXXXX";
static int dfd = -1;

static struct post_cfg cfg = {
	2, { "tags", "categories" }, FM_LIMITS_DEFAULT, 16u << 20, 4096, 100, NULL,
};

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

/* Write rel (making its folders) with n bytes of data. */
static void put(const char *rel, const char *data, size_t n)
{
	char path[512], *slash;
	int fd;

	snprintf(path, sizeof(path), "%s", rel);
	for (slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdirat(dfd, path, 0755);
		*slash = '/';
	}
	fd = openat(dfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, data, n) != (ssize_t)n) {
		perror(rel);
		exit(2);
	}
	close(fd);
}

static void puts_file(const char *rel, const char *text)
{
	put(rel, text, strlen(text));
}

static void set_mtime(const char *rel, int64_t sec, long nsec)
{
	struct timespec ts[2] = { { (time_t)sec, nsec }, { (time_t)sec, nsec } };

	if (utimensat(dfd, rel, ts, 0)) {
		perror(rel);
		exit(2);
	}
}

static void dump_errs(const struct post *p)
{
	unsigned i;

	for (i = 0; i < p->nerrs; i++)
		printf("    err %u: %d:%d %s\n", i, p->errs[i].line, p->errs[i].column,
		       p->errs[i].msg);
}

/* post_load that must succeed; NULL (and a failure) when it does not. */
static struct post *load_cfg(int line, const char *rel, int bundle,
			     const struct post_cfg *c)
{
	struct post *p = NULL;
	int ret = post_load(dfd, rel, bundle, c, &p);

	check_note(ret == 0 && p, __FILE__, line, "post_load(%s) == 0 (got %d)", rel, ret);
	if (p) {
		check_note(p->title && p->slug && p->fm && p->src && p->dir &&
			   p->date.set && p->publish.set && atomic_load(&p->refs) == 1,
			   __FILE__, line, "%s: the record is complete", rel);
		check_note(p->nerrs == 0 || p->errs, __FILE__, line, "%s: errs", rel);
	}
	return p;
}

#define LOAD(rel) load_cfg(__LINE__, rel, 0, &cfg)

/* A post that must load without errors. */
static struct post *load_clean(int line, const char *rel)
{
	struct post *p = load_cfg(line, rel, 0, &cfg);

	if (p) {
		check_note(p->nerrs == 0, __FILE__, line, "%s: no errors (got %u)", rel,
			   p->nerrs);
		if (p->nerrs)
			dump_errs(p);
	}
	return p;
}

#define LOAD_CLEAN(rel) load_clean(__LINE__, rel)

/* An error at line (and column, when col >= 0) whose message holds
 * text (when not NULL). */
static void check_err(int line, const struct post *p, int eline, int ecol,
		      const char *text)
{
	unsigned i;
	int found = 0;

	for (i = 0; p && i < p->nerrs && !found; i++)
		found = p->errs[i].line == eline &&
			(ecol < 0 || p->errs[i].column == ecol) &&
			(!text || strstr(p->errs[i].msg, text));
	check_note(found, __FILE__, line, "%s: an error at %d:%d%s%s", p ? p->src : "?",
		   eline, ecol, text ? " saying " : "", text ? text : "");
	if (!found && p)
		dump_errs(p);
}

#define ERR(p, l, c, text) check_err(__LINE__, p, l, c, text)

static void check_terms(int line, const struct post *p, unsigned t,
			const char *const *want, unsigned n)
{
	unsigned i;
	int ok = p && p->nterms[t] == n;

	for (i = 0; ok && i < n; i++)
		ok = !strcmp(p->terms[t][i], want[i]);
	check_note(ok, __FILE__, line, "%s: taxonomy %u has the %u terms expected",
		   p ? p->src : "?", t, n);
	if (!ok && p) {
		printf("    got %u:", p->nterms[t]);
		for (i = 0; i < p->nterms[t]; i++)
			printf(" \"%s\"", p->terms[t][i]);
		printf("\n    expected %u:", n);
		for (i = 0; i < n; i++)
			printf(" \"%s\"", want[i]);
		putchar('\n');
	}
}

#define TERMS(p, t, ...) do {                                            \
	static const char *const want_[] = { __VA_ARGS__ };            \
	check_terms(__LINE__, p, t, want_, sizeof(want_) / sizeof(*want_)); \
} while (0)
#define NO_TERMS(p, t) check_terms(__LINE__, p, t, NULL, 0)

/* The body post_read_body gives, compared with want. */
static void check_body(int line, struct post *p, const char *want,
		       size_t wlen, int want_changed)
{
	char *body = NULL;
	size_t len = 0;
	int changed = -1, ret;

	if (!p)
		return;
	ret = post_read_body(dfd, p, &cfg, &body, &len, &changed);
	check_note(ret == 0, __FILE__, line, "post_read_body(%s) == 0 (got %d)", p->src, ret);
	check_mem(__FILE__, line, "body", body, len, want, wlen);
	check_note(body && body[len] == '\0', __FILE__, line, "body is NUL-terminated");
	check_note(changed == want_changed, __FILE__, line, "%s: changed == %d (got %d)",
		   p->src, want_changed, changed);
	free(body);
}

#define BODY(p, want, ch) check_body(__LINE__, p, want, strlen(want), ch)

static void test_fields(void)
{
	static const char doc[] =
		"---\n"
		"title: \"Trends in 2024\"\n"
		"slug: trends\n"
		"date: 2024-03-15T10:00:00+03:00\n"
		"lastmod: 2024-04-01\n"
		"expiryDate: 2030-01-01T00:00:00Z\n"
		"tags: [AI, Cloud]\n"
		"categories: Technology\n"
		"draft: false\n"
		"summary: Short.\n"
		"description: Longer.\n"
		"lang: ru\n"
		"image: cover.png\n"
		"weight: 5\n"
		"---\n"
		"# Body\n"
		"Text.\n";
	struct post *p;
	struct stat st;
	json_t *fm;

	puts_file("2024/trends-file.md", doc);
	p = LOAD_CLEAN("2024/trends-file.md");
	if (!p)
		return;
	CHECK_STR(p->src, "2024/trends-file.md");
	CHECK_STR(p->dir, "2024");
	CHECK_INT(p->bundle, 0);
	CHECK_STR(p->title, "Trends in 2024");
	CHECK_STR(p->slug, "trends");
	CHECK_STR(p->lang, "ru");
	CHECK_STR(p->summary, "Short.");
	CHECK_STR(p->description, "Longer.");
	CHECK_INT(p->draft, 0);
	CHECK_INT(p->fmt, FM_YAML);
	CHECK_INT(p->date.t, utc(2024, 3, 15, 7, 0, 0));
	CHECK_INT(p->date.off, 180);
	CHECK_INT(p->date.h, 10);
	CHECK_INT(p->publish.t, p->date.t);
	CHECK_INT(p->lastmod.set, 1);
	CHECK_INT(p->lastmod.t, utc(2024, 4, 1, 0, 0, 0));
	CHECK_INT(p->expiry.set, 1);
	CHECK_INT(p->expiry.t, utc(2030, 1, 1, 0, 0, 0));
	TERMS(p, 0, "AI", "Cloud");
	TERMS(p, 1, "Technology");
	CHECK_INT(p->body_off, strstr(doc, "# Body") - doc);
	CHECK_INT(p->body_line, 16);
	CHECK_INT(fstatat(dfd, "2024/trends-file.md", &st, 0), 0);
	CHECK_INT(p->size, st.st_size);
	CHECK_U64(p->ino, st.st_ino);
	CHECK_INT(post_mtime_ns(p), (int64_t)st.st_mtim.tv_sec * 1000000000LL +
		  st.st_mtim.tv_nsec);
	/* every field is kept, known or not */
	fm = json_loads(p->fm, 0, NULL);
	CHECK(json_is_object(fm));
	CHECK_STR(json_string_value(json_object_get(fm, "image")), "cover.png");
	CHECK_INT(json_integer_value(json_object_get(fm, "weight")), 5);
	CHECK_STR(json_string_value(json_object_get(fm, "title")), "Trends in 2024");
	CHECK_INT(json_array_size(json_object_get(fm, "tags")), 2);
	CHECK_INT(json_object_size(fm), 13);
	json_decref(fm);
	BODY(p, "# Body\nText.\n", 0);

	/* a reference keeps the record alive */
	CHECK(post_ref(p) == p);
	CHECK_INT(atomic_load(&p->refs), 2);
	post_unref(p);
	CHECK_STR(p->title, "Trends in 2024");
	post_unref(p);

	/* defaults: no front matter at all */
	puts_file("bare.md", "Just text.\n");
	set_mtime("bare.md", utc(2021, 2, 3, 4, 5, 6), 789000000);
	p = LOAD_CLEAN("bare.md");
	if (p) {
		CHECK_STR(p->slug, "bare");
		CHECK(p->title && p->title[0]);
		CHECK_STR(p->dir, "");
		CHECK(p->lang == NULL && p->summary == NULL && p->description == NULL);
		CHECK_INT(p->fmt, FM_NONE);
		CHECK_INT(p->body_off, 0);
		CHECK_INT(p->date.t, utc(2021, 2, 3, 4, 5, 6));
		CHECK_INT(p->date.nsec, 789000000);
		CHECK_INT(p->publish.t, p->date.t);
		CHECK_INT(p->lastmod.set, 0);
		CHECK_INT(p->expiry.set, 0);
		CHECK_INT(p->draft, 0);
		NO_TERMS(p, 0);
		NO_TERMS(p, 1);
		CHECK_STR(p->fm, "{}");
		CHECK_INT(post_mtime_ns(p), utc(2021, 2, 3, 4, 5, 6) * 1000000000LL + 789000000);
		post_unref(p);
	}

	/* TOML and JSON front matter give the same fields */
	puts_file("toml.md", "+++\ntitle = \"T\"\ndate = 2024-03-15T10:00:00+03:00\n"
		  "tags = [\"AI\", \"ai\"]\ndraft = true\n+++\nBody\n");
	p = LOAD_CLEAN("toml.md");
	if (p) {
		CHECK_INT(p->fmt, FM_TOML);
		CHECK_STR(p->title, "T");
		CHECK_INT(p->date.t, utc(2024, 3, 15, 7, 0, 0));
		CHECK_INT(p->draft, 1);
		TERMS(p, 0, "AI");
		BODY(p, "Body\n", 0);
		post_unref(p);
	}
	puts_file("json.md", "{\n  \"title\": \"J\",\n  \"date\": \"2024-03-15\",\n"
		  "  \"categories\": [\"News\"]\n}\nBody\n");
	p = LOAD_CLEAN("json.md");
	if (p) {
		CHECK_INT(p->fmt, FM_JSON);
		CHECK_STR(p->title, "J");
		CHECK_INT(p->date.t, utc(2024, 3, 15, 0, 0, 0));
		TERMS(p, 1, "News");
		CHECK_INT(p->body_line, 6);
		BODY(p, "Body\n", 0);
		post_unref(p);
	}

	/* a page bundle: the folder names the slug */
	puts_file("my-bundle/index.md", "---\ntitle: B\n---\nBody\n");
	p = load_cfg(__LINE__, "my-bundle/index.md", 1, &cfg);
	if (p) {
		CHECK_INT(p->bundle, 1);
		CHECK_STR(p->slug, "my-bundle");
		CHECK_STR(p->dir, "my-bundle");
		CHECK_STR(p->src, "my-bundle/index.md");
		post_unref(p);
	}

	/* files that are not posts */
	{
		struct post *q = (struct post *)1;

		CHECK_INT(post_load(dfd, "missing.md", 0, &cfg, &q), -ENOENT);
		CHECK(q == NULL);
		q = (struct post *)1;
		CHECK_INT(post_load(dfd, "my-bundle", 0, &cfg, &q), -EISDIR);
		CHECK(q == NULL);
	}
}

static void test_date_chain(void)
{
	struct post *p;
	int64_t mt = utc(2022, 8, 9, 10, 11, 12);

	puts_file("d-pub.md", "---\npublishDate: 2024-05-01T08:00:00Z\n---\n");
	p = LOAD_CLEAN("d-pub.md");
	if (p) {
		CHECK_INT(p->date.t, utc(2024, 5, 1, 8, 0, 0));
		CHECK_INT(p->publish.t, utc(2024, 5, 1, 8, 0, 0));
		post_unref(p);
	}

	puts_file("d-mod.md", "---\nlastmod: 2024-06-01T09:30:00+02:00\n---\n");
	p = LOAD_CLEAN("d-mod.md");
	if (p) {
		CHECK_INT(p->date.t, utc(2024, 6, 1, 7, 30, 0));
		CHECK_INT(p->date.off, 120);
		CHECK_INT(p->lastmod.set, 1);
		CHECK_INT(p->lastmod.t, utc(2024, 6, 1, 7, 30, 0));
		CHECK_INT(p->publish.t, p->date.t);
		post_unref(p);
	}

	/* publishDate comes before lastmod in the chain */
	puts_file("d-both.md", "---\nlastmod: 2024-06-01\npublishDate: 2024-05-01\n---\n");
	p = LOAD_CLEAN("d-both.md");
	if (p) {
		CHECK_INT(p->date.t, utc(2024, 5, 1, 0, 0, 0));
		CHECK_INT(p->lastmod.t, utc(2024, 6, 1, 0, 0, 0));
		post_unref(p);
	}

	/* date and publishDate both: each is kept */
	puts_file("d-datepub.md", "---\ndate: 2024-01-01\npublishDate: 2024-02-02\n---\n");
	p = LOAD_CLEAN("d-datepub.md");
	if (p) {
		CHECK_INT(p->date.t, utc(2024, 1, 1, 0, 0, 0));
		CHECK_INT(p->publish.t, utc(2024, 2, 2, 0, 0, 0));
		post_unref(p);
	}

	/* Jekyll: the date from the name, and the rest of the name as slug */
	puts_file("2023-05-06-my-post.md", "No front matter.\n");
	set_mtime("2023-05-06-my-post.md", mt, 0);
	p = LOAD_CLEAN("2023-05-06-my-post.md");
	if (p) {
		CHECK_INT(p->date.t, utc(2023, 5, 6, 0, 0, 0));
		CHECK_INT(p->date.y, 2023);
		CHECK_INT(p->date.mo, 5);
		CHECK_INT(p->date.d, 6);
		CHECK_STR(p->slug, "my-post");
		post_unref(p);
	}
	puts_file("sub/2023-05-06-jekyll.markdown", "---\ntitle: J\nslug: custom\n---\n");
	p = LOAD_CLEAN("sub/2023-05-06-jekyll.markdown");
	if (p) {
		CHECK_INT(p->date.t, utc(2023, 5, 6, 0, 0, 0));
		CHECK_STR(p->slug, "custom");
		post_unref(p);
	}
	/* a date field comes before the name */
	puts_file("2023-05-06-dated.md", "---\ndate: 2024-07-07\n---\n");
	p = LOAD_CLEAN("2023-05-06-dated.md");
	if (p) {
		CHECK_INT(p->date.t, utc(2024, 7, 7, 0, 0, 0));
		post_unref(p);
	}
	/* lastmod too */
	puts_file("2023-05-06-modded.md", "---\nlastmod: 2024-07-08\n---\n");
	p = LOAD_CLEAN("2023-05-06-modded.md");
	if (p) {
		CHECK_INT(p->date.t, utc(2024, 7, 8, 0, 0, 0));
		post_unref(p);
	}
	/* a prefix that is not a date is part of the slug, the mtime dates it */
	puts_file("2023-13-45-bad.md", "Text\n");
	set_mtime("2023-13-45-bad.md", mt, 0);
	p = LOAD_CLEAN("2023-13-45-bad.md");
	if (p) {
		CHECK_STR(p->slug, "2023-13-45-bad");
		CHECK_INT(p->date.t, mt);
		post_unref(p);
	}
	/* a name that is only a date keeps it as its slug */
	puts_file("2023-05-06.md", "Text\n");
	set_mtime("2023-05-06.md", mt, 0);
	p = LOAD_CLEAN("2023-05-06.md");
	if (p) {
		CHECK_STR(p->slug, "2023-05-06");
		post_unref(p);
	}
	/* a bundle folder named the Jekyll way */
	puts_file("2022-01-02-trip/index.md", "---\ntitle: Trip\n---\n");
	p = load_cfg(__LINE__, "2022-01-02-trip/index.md", 1, &cfg);
	if (p) {
		CHECK_STR(p->slug, "trip");
		CHECK_INT(p->date.t, utc(2022, 1, 2, 0, 0, 0));
		post_unref(p);
	}
	/* the mtime last */
	puts_file("d-mtime.md", "---\ntitle: M\n---\n");
	set_mtime("d-mtime.md", mt, 250000000);
	p = LOAD_CLEAN("d-mtime.md");
	if (p) {
		CHECK_INT(p->date.t, mt);
		CHECK_INT(p->publish.t, mt);
		post_unref(p);
	}

	/* dates without an offset are in the mount's zone */
	CHECK_INT(dates_set_zone("Europe/Moscow"), 0);
	puts_file("d-zone.md", "---\ndate: 2024-03-15 10:00\n---\n");
	p = LOAD_CLEAN("d-zone.md");
	if (p) {
		CHECK_INT(p->date.t, utc(2024, 3, 15, 7, 0, 0));
		CHECK_INT(p->date.h, 10);
		post_unref(p);
	}
	CHECK_INT(dates_set_zone("UTC"), 0);
}

static void test_keys_and_draft(void)
{
	struct post *p;

	puts_file("k-case.md", "---\nTitle: Hello\nDATE: 2024-01-02\nSlug: s\n"
		  "TAGS: [x, y]\nCategories: [c]\nDraft: true\nLang: de\n---\n");
	p = LOAD_CLEAN("k-case.md");
	if (p) {
		CHECK_STR(p->title, "Hello");
		CHECK_STR(p->slug, "s");
		CHECK_STR(p->lang, "de");
		CHECK_INT(p->date.t, utc(2024, 1, 2, 0, 0, 0));
		CHECK_INT(p->draft, 1);
		TERMS(p, 0, "x", "y");
		TERMS(p, 1, "c");
		post_unref(p);
	}

	puts_file("k-pubdate.md", "---\npubdate: 2024-02-02\n---\n");
	p = LOAD_CLEAN("k-pubdate.md");
	if (p) {
		CHECK_INT(p->publish.t, utc(2024, 2, 2, 0, 0, 0));
		CHECK_INT(p->date.t, utc(2024, 2, 2, 0, 0, 0));
		post_unref(p);
	}
	puts_file("k-published.md", "---\ndate: 2024-01-01\npublished: 2024-02-03\n---\n");
	p = LOAD_CLEAN("k-published.md");
	if (p) {
		CHECK_INT(p->publish.t, utc(2024, 2, 3, 0, 0, 0));
		CHECK_INT(p->date.t, utc(2024, 1, 1, 0, 0, 0));
		post_unref(p);
	}
	puts_file("k-PublishDate.md", "---\nPUBLISHDATE: 2024-02-04\n---\n");
	p = LOAD_CLEAN("k-PublishDate.md");
	if (p) {
		CHECK_INT(p->publish.t, utc(2024, 2, 4, 0, 0, 0));
		post_unref(p);
	}
	puts_file("k-unpub.md", "---\ndate: 2024-01-01\nunpublishdate: 2024-12-31\n"
		  "modified: 2024-03-03\n---\n");
	p = LOAD_CLEAN("k-unpub.md");
	if (p) {
		CHECK_INT(p->expiry.set, 1);
		CHECK_INT(p->expiry.t, utc(2024, 12, 31, 0, 0, 0));
		CHECK_INT(p->lastmod.set, 1);
		CHECK_INT(p->lastmod.t, utc(2024, 3, 3, 0, 0, 0));
		post_unref(p);
	}

	/* drafts */
	{
		static const struct { const char *text; int draft; } cases[] = {
			{ "---\ndraft: true\n---\n", 1 },
			{ "---\ndraft: false\n---\n", 0 },
			{ "---\ndraft: True\n---\n", 1 },
			{ "---\ndraft: \"true\"\n---\n", 1 },
			{ "---\ndraft: \"false\"\n---\n", 0 },
			{ "---\ntitle: x\n---\n", 0 },
			{ "---\ndraft: null\n---\n", 0 },
			{ "+++\ndraft = true\n+++\n", 1 },
			{ "{\"draft\": true}\n", 1 },
		};
		size_t i;

		for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
			puts_file("draft.md", cases[i].text);
			p = LOAD_CLEAN("draft.md");
			if (p) {
				CHECKF(p->draft == cases[i].draft, "case %zu: draft %d", i, p->draft);
				post_unref(p);
			}
		}
		puts_file("draft-bad.md", "---\ntitle: x\ndraft: maybe\n---\n");
		p = LOAD("draft-bad.md");
		if (p) {
			CHECK_INT(p->draft, 0);
			ERR(p, 3, -1, "draft");
			post_unref(p);
		}
	}
}

static void test_terms(void)
{
	struct post *p;

	puts_file("t-dup.md", "---\ntags: [AI, ai, Ai]\n"
		  "categories: [Технологии, технологии, ТЕХНОЛОГИИ]\n---\n");
	p = LOAD_CLEAN("t-dup.md");
	if (p) {
		TERMS(p, 0, "AI");
		TERMS(p, 1, "Технологии");
		post_unref(p);
	}
	puts_file("t-mix.md", "---\ntags: [b, a, B, c, A]\n---\n");
	p = LOAD_CLEAN("t-mix.md");
	if (p) {
		TERMS(p, 0, "b", "a", "c");
		post_unref(p);
	}
	puts_file("t-one.md", "---\ntags: solo\ncategories: \"Two Words\"\n---\n");
	p = LOAD_CLEAN("t-one.md");
	if (p) {
		TERMS(p, 0, "solo");
		TERMS(p, 1, "Two Words");
		post_unref(p);
	}
	puts_file("t-num.md", "---\ntags: [2024, 3.5, true]\n---\n");
	p = LOAD_CLEAN("t-num.md");
	if (p) {
		TERMS(p, 0, "2024", "3.5", "true");
		post_unref(p);
	}
	/* a single number is one term, as a single string is */
	puts_file("t-num1.md", "---\ntags: 2024\n---\n");
	p = LOAD("t-num1.md");
	if (p) {
		TERMS(p, 0, "2024");
		CHECK_INT(p->nerrs, 0);
		post_unref(p);
	}
	puts_file("t-empty.md", "---\ntags: []\ncategories: null\n---\n");
	p = LOAD_CLEAN("t-empty.md");
	if (p) {
		NO_TERMS(p, 0);
		NO_TERMS(p, 1);
		post_unref(p);
	}
	/* spellings are kept as written: a '/' is for the name to deal with */
	puts_file("t-slash.md", "---\ntags: [CI/CD, .NET]\n---\n");
	p = LOAD_CLEAN("t-slash.md");
	if (p) {
		TERMS(p, 0, "CI/CD", ".NET");
		post_unref(p);
	}
	puts_file("t-nested.md", "---\ntitle: x\ntags: [[nested], x]\n---\n");
	p = LOAD("t-nested.md");
	if (p) {
		TERMS(p, 0, "x");
		ERR(p, 3, -1, "tags");
		post_unref(p);
	}
	puts_file("t-map.md", "---\ntitle: x\n\ncategories: {a: 1}\n---\n");
	p = LOAD("t-map.md");
	if (p) {
		NO_TERMS(p, 1);
		ERR(p, 4, -1, "categories");
		post_unref(p);
	}

	/* more than max_terms: the first max_terms kept, and it is said */
	{
		struct buf b = BUF_INIT;
		int i;

		buf_adds(&b, "---\ntitle: many\ntags:\n");
		for (i = 0; i < 150; i++)
			buf_printf(&b, "  - t%d\n", i);
		buf_adds(&b, "---\nBody\n");
		put("t-many.md", b.data, b.len);
		buf_free(&b);
		p = LOAD("t-many.md");
		if (p) {
			CHECK_INT(p->nterms[0], 100);
			CHECK_STR(p->nterms[0] == 100 ? p->terms[0][0] : NULL, "t0");
			CHECK_STR(p->nterms[0] == 100 ? p->terms[0][99] : NULL, "t99");
			ERR(p, 3, -1, "100");
			CHECK_STR(p->title, "many");
			post_unref(p);
		}
	}
}

static void test_errors(void)
{
	struct post_cfg small = cfg;
	struct post *p;

	/* broken YAML: the line is the file's (front matter from line 2) */
	puts_file("e-yaml.md", "---\ntitle: ok\ndescription: fine\nbad: b: c\n---\nBody\n");
	p = LOAD("e-yaml.md");
	if (p) {
		ERR(p, 4, -1, NULL);
		CHECK(p->nerrs >= 1 && p->errs[0].column > 0);
		CHECK_INT(p->body_off, 46);
		BODY(p, "Body\n", 0);
		post_unref(p);
	}
	puts_file("e-yaml-bom-crlf.md",
		  "\xEF\xBB\xBF---\r\ntitle: ok\r\ndescription: fine\r\nbad: b: c\r\n---\r\nBody\r\n");
	p = LOAD("e-yaml-bom-crlf.md");
	if (p) {
		ERR(p, 4, -1, NULL);
		BODY(p, "Body\r\n", 0);
		post_unref(p);
	}
	puts_file("e-toml.md", "+++\ntitle = \"x\"\nbad = \n+++\n");
	p = LOAD("e-toml.md");
	if (p) {
		ERR(p, 3, -1, NULL);
		post_unref(p);
	}
	puts_file("e-json.md", "{\n\"title\": \"x\",\n\"bad\": tru\n}\nBody\n");
	p = LOAD("e-json.md");
	if (p) {
		ERR(p, 3, -1, NULL);
		BODY(p, "Body\n", 0);
		post_unref(p);
	}

	/* a bad date: named, with its line; the date falls back */
	puts_file("e-date.md", "---\ntitle: x\n\ndate: not-a-date\n---\n");
	set_mtime("e-date.md", utc(2020, 1, 2, 3, 4, 5), 0);
	p = LOAD("e-date.md");
	if (p) {
		ERR(p, 4, -1, "not-a-date");
		ERR(p, 4, -1, "date");
		CHECK_INT(p->date.t, utc(2020, 1, 2, 3, 4, 5));
		CHECK_STR(p->title, "x");
		post_unref(p);
	}
	puts_file("e-date2.md", "---\ntitle: x\ndate: 2024-02-30\npublishDate: 2024-03-01\n---\n");
	p = LOAD("e-date2.md");
	if (p) {
		ERR(p, 3, -1, "2024-02-30");
		CHECK_INT(p->date.t, utc(2024, 3, 1, 0, 0, 0));
		post_unref(p);
	}
	puts_file("e-date-toml.md", "+++\ntitle = \"x\"\n\"date\" = \"yesterday\"\n+++\n");
	p = LOAD("e-date-toml.md");
	if (p) {
		ERR(p, 3, -1, "yesterday");
		post_unref(p);
	}
	puts_file("e-date-list.md", "---\ntitle: x\nexpiryDate: [1, 2]\n---\n");
	p = LOAD("e-date-list.md");
	if (p) {
		ERR(p, 3, -1, "expiryDate");
		CHECK_INT(p->expiry.set, 0);
		post_unref(p);
	}
	puts_file("e-title.md", "---\ntitle: [a, b]\n---\n");
	p = LOAD("e-title.md");
	if (p) {
		ERR(p, 2, -1, "title");
		CHECK_STR(p->title, "e-title");
		post_unref(p);
	}

	/* unclosed front matter: said, and the text is shown as the body */
	puts_file("e-open.md", "---\ntitle: x\nbody text\n");
	p = LOAD("e-open.md");
	if (p) {
		ERR(p, 1, -1, NULL);
		CHECK_INT(p->body_off, 0);
		BODY(p, "---\ntitle: x\nbody text\n", 0);
		post_unref(p);
	}
	puts_file("e-open-json.md", "{\"title\": \"x\"\nbody\n");
	p = LOAD("e-open-json.md");
	if (p) {
		ERR(p, 1, -1, NULL);
		post_unref(p);
	}

	/* a NUL byte: a binary, found at its line and column */
	put("e-nul.md", "---\ntitle: x\n---\nab\0cd\n", sizeof("---\ntitle: x\n---\nab\0cd\n") - 1);
	p = LOAD("e-nul.md");
	if (p) {
		ERR(p, 4, 3, "binary");
		CHECK_STR(p->title, "x");
		post_unref(p);
	}
	put("e-nul-fm.md", "---\ntitle: a\0b\n---\n", sizeof("---\ntitle: a\0b\n---\n") - 1);
	p = LOAD("e-nul-fm.md");
	if (p) {
		ERR(p, 2, 9, "binary");
		post_unref(p);
	}

	/* bigger than max_file: said, and only max_file bytes read */
	{
		char big[5000];

		memset(big, 'x', sizeof(big));
		memcpy(big, "---\ntitle: big\n---\n", 19);
		put("e-big.md", big, sizeof(big));
		small.max_file = 1000;
		p = load_cfg(__LINE__, "e-big.md", 0, &small);
		if (p) {
			char *body = NULL;
			size_t len = 0;

			ERR(p, 0, -1, "1000");
			CHECK_STR(p->title, "big");
			CHECK_INT(post_read_body(dfd, p, &small, &body, &len, NULL), 0);
			CHECK_INT(len, 1000 - 19);
			free(body);
			post_unref(p);
		}
		p = LOAD_CLEAN("e-big.md");
		if (p) {
			char *body = NULL;
			size_t len = 0;

			CHECK_INT(post_read_body(dfd, p, &cfg, &body, &len, NULL), 0);
			CHECK_INT(len, 5000 - 19);
			free(body);
			post_unref(p);
		}
	}
}

/* Front matter longer than the head is still read whole. */
static void test_long_front_matter(void)
{
	struct buf b = BUF_INIT;
	struct post *p;
	size_t body_at;
	int i;

	buf_adds(&b, "---\n");
	for (i = 0; i < 400; i++)
		buf_printf(&b, "key%03d: \"%050d\"\n", i, i);
	buf_adds(&b, "title: Late Title\n");
	buf_adds(&b, "tags: [late]\n---\n");
	body_at = b.len;
	buf_adds(&b, "The body.\n");
	CHECK(body_at > 20000);
	put("long-fm.md", b.data, b.len);
	p = LOAD_CLEAN("long-fm.md");
	if (p) {
		json_t *fm = json_loads(p->fm, 0, NULL);

		CHECK_STR(p->title, "Late Title");
		TERMS(p, 0, "late");
		CHECK_INT(p->body_off, body_at);
		CHECK_INT(p->body_line, 405);
		CHECK_INT(json_object_size(fm), 402);
		json_decref(fm);
		BODY(p, "The body.\n", 0);
		post_unref(p);
	}

	/* a bad date at the end of it keeps its file line */
	buf_reset(&b);
	buf_adds(&b, "---\n");
	for (i = 0; i < 400; i++)
		buf_printf(&b, "key%03d: \"%050d\"\n", i, i);
	buf_adds(&b, "date: nope\n---\nBody\n");
	put("long-fm-date.md", b.data, b.len);
	p = LOAD("long-fm-date.md");
	if (p) {
		ERR(p, 402, -1, "nope");
		post_unref(p);
	}

	/* longer than the front matter limit: said, not read */
	buf_reset(&b);
	buf_adds(&b, "---\n");
	for (i = 0; i < 5000; i++)
		buf_printf(&b, "key%04d: \"%050d\"\n", i, i);
	buf_adds(&b, "title: Too Far\n---\nBody\n");
	CHECK(b.len > cfg.fm.max_bytes + 4096);
	put("huge-fm.md", b.data, b.len);
	p = LOAD("huge-fm.md");
	if (p) {
		CHECK(p->nerrs >= 1);
		CHECK(p->nerrs >= 1 && strstr(p->errs[0].msg, "262144"));
		post_unref(p);
	}
	buf_free(&b);
}

/* A body checked in two parts, the head at mount and the rest when
 * read, finds nothing wrong in valid text whatever character of 2, 3 or
 * 4 bytes lies across the place where the second part starts. */
static void test_body_checked_across_head(void)
{
	static const char *const chars[] = { "\xD0\xB6", "\xE2\x82\xAC", "\xF0\x9F\x98\x80" };
	size_t c, shift;

	for (c = 0; c < 3; c++) {
		for (shift = 0; shift < 4; shift++) {
			struct buf b = BUF_INIT;
			struct post *p;

			buf_adds(&b, "---\ntitle: t\n---\n");
			buf_add(&b, "xxx", shift);
			while (b.len < cfg.head + 64)
				buf_adds(&b, chars[c]);
			buf_adds(&b, "\n");
			put("across.md", b.data, b.len);
			p = LOAD_CLEAN("across.md");
			if (p) {
				char *body = NULL;
				size_t len = 0;

				CHECK_INT(post_read_body(dfd, p, &cfg, &body, &len, NULL), 0);
				CHECK_INT(len, b.len - p->body_off);
				CHECK(atomic_load(&p->late_err) == NULL);
				free(body);
				post_unref(p);
			}
			buf_free(&b);
		}
	}
}

static void test_body(void)
{
	struct post *p;

	puts_file("b-crlf.md", "---\r\ntitle: x\r\n---\r\nHello\r\n");
	p = LOAD_CLEAN("b-crlf.md");
	if (p) {
		CHECK_STR(p->title, "x");
		BODY(p, "Hello\r\n", 0);
		post_unref(p);
	}
	puts_file("b-bom.md", "\xEF\xBB\xBF---\ntitle: x\n---\nHi\n");
	p = LOAD_CLEAN("b-bom.md");
	if (p) {
		CHECK_STR(p->title, "x");
		BODY(p, "Hi\n", 0);
		post_unref(p);
	}
	puts_file("b-bom-none.md", "\xEF\xBB\xBF# Hi\n");
	p = LOAD_CLEAN("b-bom-none.md");
	if (p) {
		BODY(p, "# Hi\n", 0);
		post_unref(p);
	}
	puts_file("b-bom-crlf-toml.md", "\xEF\xBB\xBF+++\r\ntitle = \"x\"\r\n+++\r\nBody\r\n");
	p = LOAD_CLEAN("b-bom-crlf-toml.md");
	if (p) {
		CHECK_STR(p->title, "x");
		BODY(p, "Body\r\n", 0);
		post_unref(p);
	}
	puts_file("b-empty-body.md", "---\ntitle: x\n---\n");
	p = LOAD_CLEAN("b-empty-body.md");
	if (p) {
		BODY(p, "", 0);
		post_unref(p);
	}
	puts_file("b-empty.md", "");
	p = LOAD_CLEAN("b-empty.md");
	if (p) {
		BODY(p, "", 0);
		post_unref(p);
	}

	/* the source, unchanged */
	puts_file("b-src.md", "\xEF\xBB\xBF---\r\ntitle: x\r\n---\r\nText\r\n");
	p = LOAD_CLEAN("b-src.md");
	if (p) {
		char *d = NULL;
		size_t len = 0;

		CHECK_INT(post_read_source(dfd, p, &cfg, &d, &len, NULL), 0);
		CHECK_MEM(d, len, "\xEF\xBB\xBF---\r\ntitle: x\r\n---\r\nText\r\n",
			  sizeof("\xEF\xBB\xBF---\r\ntitle: x\r\n---\r\nText\r\n") - 1);
		free(d);
		{
			struct post_cfg small = cfg;

			small.max_file = 5;
			CHECK_INT(post_read_source(dfd, p, &small, &d, &len, NULL), 0);
			CHECK_MEM(d, len, "\xEF\xBB\xBF--", (size_t)5);
			free(d);
		}
		post_unref(p);
	}

	/* changed: a new size, a new mtime, a new file under the name */
	puts_file("c-size.md", "---\ntitle: x\n---\nOld\n");
	p = LOAD_CLEAN("c-size.md");
	if (p) {
		BODY(p, "Old\n", 0);
		puts_file("c-size.md", "---\ntitle: x\n---\nNewer\n");
		BODY(p, "Newer\n", 1);
		post_unref(p);
	}
	puts_file("c-mtime.md", "---\ntitle: x\n---\nSame\n");
	set_mtime("c-mtime.md", utc(2024, 1, 1, 0, 0, 0), 0);
	p = LOAD_CLEAN("c-mtime.md");
	if (p) {
		BODY(p, "Same\n", 0);
		set_mtime("c-mtime.md", utc(2024, 1, 1, 0, 0, 0), 1);
		BODY(p, "Same\n", 1);
		post_unref(p);
	}
	puts_file("c-ino.md", "---\ntitle: x\n---\nSame\n");
	set_mtime("c-ino.md", utc(2024, 1, 1, 0, 0, 0), 0);
	p = LOAD_CLEAN("c-ino.md");
	if (p) {
		/* keep the old inode alive so the new file cannot reuse it */
		CHECK_INT(linkat(dfd, "c-ino.md", dfd, "c-ino.old", 0), 0);
		puts_file("c-ino.new", "---\ntitle: x\n---\nSame\n");
		set_mtime("c-ino.new", utc(2024, 1, 1, 0, 0, 0), 0);
		CHECK_INT(renameat(dfd, "c-ino.new", dfd, "c-ino.md"), 0);
		BODY(p, "Same\n", 1);
		post_unref(p);
	}
	puts_file("c-gone.md", "---\ntitle: x\n---\nGone\n");
	p = LOAD_CLEAN("c-gone.md");
	if (p) {
		char *body = (char *)1;
		size_t len = 1;
		int changed = -1;

		CHECK_INT(unlinkat(dfd, "c-gone.md", 0), 0);
		CHECK_INT(post_read_body(dfd, p, &cfg, &body, &len, &changed), -ENOENT);
		post_unref(p);
	}
}

static struct post *dated(int line, const char *rel, const char *fm,
			  int64_t mtime, long nsec)
{
	char text[512];

	snprintf(text, sizeof(text), "---\n%s---\nBody\n", fm);
	puts_file(rel, text);
	set_mtime(rel, mtime, nsec);
	return load_clean(line, rel);
}

static void test_visibility(void)
{
	const int64_t now = utc(2025, 1, 1, 0, 0, 0);
	const int64_t mt = utc(2024, 12, 1, 0, 0, 0);
	const int64_t y2030 = utc(2030, 1, 1, 0, 0, 0), y2031 = utc(2031, 1, 1, 0, 0, 0);
	const int64_t exp = utc(2024, 6, 1, 0, 0, 0);
	struct post *p;

	p = dated(__LINE__, "v-past.md", "date: 2020-01-01\n", mt, 500);
	if (p) {
		CHECK_INT(post_visible(p, now, 0, 0), 1);
		CHECK_INT(post_visible(p, now, 1, 1), 1);
		CHECK_INT(post_next_change(p, now, 0, 0), INT64_MAX);
		CHECK_INT(post_visible_since(p, 0), mt * 1000000000LL + 500);
		CHECK_INT(post_visible_since(p, 1), mt * 1000000000LL + 500);
		post_unref(p);
	}
	p = dated(__LINE__, "v-draft.md", "date: 2020-01-01\ndraft: true\n", mt, 0);
	if (p) {
		CHECK_INT(post_visible(p, now, 0, 0), 0);
		CHECK_INT(post_visible(p, now, 1, 0), 1);
		CHECK_INT(post_visible(p, now, 0, 1), 0);
		CHECK_INT(post_visible(p, now, 1, 1), 1);
		CHECK_INT(post_next_change(p, now, 0, 0), INT64_MAX);
		CHECK_INT(post_next_change(p, now, 1, 0), INT64_MAX);
		post_unref(p);
	}
	p = dated(__LINE__, "v-future.md", "date: 2030-01-01\n", mt, 500);
	if (p) {
		CHECK_INT(post_visible(p, now, 0, 0), 0);
		CHECK_INT(post_visible(p, now, 1, 0), 0);
		CHECK_INT(post_visible(p, now, 0, 1), 1);
		CHECK_INT(post_visible(p, y2030 - 1, 0, 0), 0);
		CHECK_INT(post_visible(p, y2030, 0, 0), 1);
		CHECK_INT(post_next_change(p, now, 0, 0), y2030);
		CHECK_INT(post_next_change(p, y2030 - 1, 0, 0), y2030);
		CHECK_INT(post_next_change(p, y2030, 0, 0), INT64_MAX);
		CHECK_INT(post_next_change(p, now, 0, 1), INT64_MAX);
		/* it shows up when its time comes, not when it was written */
		CHECK_INT(post_visible_since(p, 0), y2030 * 1000000000LL);
		CHECK_INT(post_visible_since(p, 1), mt * 1000000000LL + 500);
		post_unref(p);
	}
	/* publishDate governs, not date */
	p = dated(__LINE__, "v-sched.md", "date: 2020-01-01\npublishDate: 2030-01-01\n", mt, 0);
	if (p) {
		CHECK_INT(post_visible(p, now, 0, 0), 0);
		CHECK_INT(post_visible(p, y2030, 0, 0), 1);
		CHECK_INT(post_next_change(p, now, 0, 0), y2030);
		CHECK_INT(post_visible_since(p, 0), y2030 * 1000000000LL);
		post_unref(p);
	}
	p = dated(__LINE__, "v-expired.md", "date: 2020-01-01\nexpiryDate: 2024-06-01\n", mt, 0);
	if (p) {
		CHECK_INT(post_visible(p, now, 0, 0), 0);
		CHECK_INT(post_visible(p, now, 0, 1), 1);
		CHECK_INT(post_visible(p, exp - 1, 0, 0), 1);
		CHECK_INT(post_visible(p, exp, 0, 0), 0);
		CHECK_INT(post_next_change(p, exp - 100, 0, 0), exp);
		CHECK_INT(post_next_change(p, now, 0, 0), INT64_MAX);
		CHECK_INT(post_next_change(p, exp - 100, 0, 1), INT64_MAX);
		post_unref(p);
	}
	/* scheduled, then expiring: two changes in turn */
	p = dated(__LINE__, "v-window.md", "publishDate: 2030-01-01\nexpiryDate: 2031-01-01\n", mt, 0);
	if (p) {
		CHECK_INT(post_visible(p, now, 0, 0), 0);
		CHECK_INT(post_next_change(p, now, 0, 0), y2030);
		CHECK_INT(post_visible(p, y2030 + 1000, 0, 0), 1);
		CHECK_INT(post_next_change(p, y2030 + 1000, 0, 0), y2031);
		CHECK_INT(post_visible(p, y2031, 0, 0), 0);
		CHECK_INT(post_next_change(p, y2031, 0, 0), INT64_MAX);
		CHECK_INT(post_visible(p, y2031, 0, 1), 1);
		post_unref(p);
	}
	/* a draft in the future: hidden for good unless drafts are shown */
	p = dated(__LINE__, "v-draft-future.md", "date: 2030-01-01\ndraft: true\n", mt, 0);
	if (p) {
		CHECK_INT(post_next_change(p, now, 0, 0), INT64_MAX);
		CHECK_INT(post_next_change(p, now, 1, 0), y2030);
		CHECK_INT(post_visible(p, now, 1, 0), 0);
		CHECK_INT(post_visible(p, y2030, 1, 0), 1);
		CHECK_INT(post_visible(p, y2030, 0, 0), 0);
		post_unref(p);
	}
	/* a date with an offset: the instant counts, not the wall clock */
	p = dated(__LINE__, "v-offset.md", "date: 2025-01-01T02:00:00+03:00\n", mt, 0);
	if (p) {
		CHECK_INT(post_visible(p, now, 0, 0), 1);
		CHECK_INT(post_visible(p, now - 3600 - 1, 0, 0), 0);
		CHECK_INT(post_next_change(p, now - 7200, 0, 0), now - 3600);
		post_unref(p);
	}
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	if (!mkdtemp(tmp_root)) {
		perror("mkdtemp");
		return 2;
	}
	dfd = open(tmp_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		perror(tmp_root);
		return 2;
	}
	CHECK_INT(dates_set_zone("UTC"), 0);
	test_fields();
	test_date_chain();
	test_keys_and_draft();
	test_terms();
	test_errors();
	test_long_front_matter();
	test_body_checked_across_head();
	test_body();
	test_visibility();
	close(dfd);
	nftw(tmp_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return check_done("test_post");
}
