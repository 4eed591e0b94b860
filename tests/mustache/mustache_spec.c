/* mustache_spec.c — runs the Mustache specification's JSON test files
 * through render/mustache.c.
 *
 * Usage: mustache_spec VECTORS_DIR   (the folder holding comments.json,
 * sections.json, ...).  Every test of the six required modules must
 * pass; the optional `~` modules other than lambdas are run and counted
 * for information only.  Exits 0 only when all required tests pass.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mustache.h"

static const char *const required[] = {
	"comments", "delimiters", "interpolation",
	"inverted", "partials", "sections",
};
#define NREQUIRED (sizeof(required) / sizeof(required[0]))

/* Lambdas need code in the data, which JSON cannot carry. */
static const char *const optional[] = { "~dynamic-names", "~inheritance" };
#define NOPTIONAL (sizeof(optional) / sizeof(optional[0]))

struct partial {
	const char *name;
	struct mus_tmpl *t;
};

struct partials {
	struct partial *v;
	size_t n;
};

struct count {
	int pass, total;
};

static const struct mus_tmpl *resolve(void *ctx, const char *name)
{
	const struct partials *ps = ctx;
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (!strcmp(ps->v[i].name, name))
			return ps->v[i].t;
	return NULL;
}

/* Print s[0..n) as a JSON string literal so that whitespace shows. */
static void show(const char *label, const char *s, size_t n)
{
	json_t *j = json_stringn_nocheck(s ? s : "", s ? n : 0);
	char *d = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	printf("    %-9s%s\n", label, d ? d : "(out of memory)");
	free(d);
	json_decref(j);
}

static void free_partials(struct partials *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		mus_free(ps->v[i].t);
	free(ps->v);
	ps->v = NULL;
	ps->n = 0;
}

/* Compile every partial of a test.  Returns 0, or -EINVAL (after
 * printing why, when verbose) or -ENOMEM. */
static int load_partials(const char *module, const char *test, json_t *obj,
			 int verbose, struct partials *ps)
{
	struct pf_error err;
	const char *name;
	json_t *v;
	int ret;

	ps->v = NULL;
	ps->n = 0;
	if (!json_is_object(obj))
		return 0;
	ps->v = calloc(json_object_size(obj) + 1, sizeof(*ps->v));
	if (!ps->v)
		return -ENOMEM;
	json_object_foreach(obj, name, v) {
		const char *src = json_string_value(v);

		ret = mus_compile(src ? src : "", src ? json_string_length(v) : 0,
				  name, &ps->v[ps->n].t, &err);
		if (ret) {
			if (verbose)
				printf("FAIL [%s] %s: partial '%s' did not compile: "
				       "%d:%d: %s\n", module, test, name,
				       err.line, err.column, err.msg);
			free_partials(ps);
			return ret;
		}
		ps->v[ps->n++].name = name;
	}
	return 0;
}

/* Run one test; returns 1 when it passes.  Failures of optional modules
 * are printed only when `verbose`. */
static int run_test(const char *module, json_t *test, int verbose)
{
	const char *name = json_string_value(json_object_get(test, "name"));
	json_t *tmpl = json_object_get(test, "template");
	json_t *expected = json_object_get(test, "expected");
	struct partials ps;
	struct pf_error err;
	struct mus_tmpl *t;
	struct buf out = BUF_INIT;
	int ok = 0, ret;

	if (!name)
		name = "(unnamed)";
	if (!json_is_string(tmpl) || !json_is_string(expected)) {
		printf("FAIL [%s] %s: test has no template or expected text\n",
		       module, name);
		return 0;
	}
	if (load_partials(module, name, json_object_get(test, "partials"),
			  verbose, &ps))
		return 0;
	ret = mus_compile(json_string_value(tmpl), json_string_length(tmpl),
			  name, &t, &err);
	if (ret) {
		if (verbose)
			printf("FAIL [%s] %s: compile error %d:%d: %s\n",
			       module, name, err.line, err.column, err.msg);
		goto out_partials;
	}
	ret = mus_render(t, json_object_get(test, "data"), resolve, &ps, &out);
	if (ret) {
		if (verbose)
			printf("FAIL [%s] %s: render error %d\n", module, name,
			       ret);
		goto out_tmpl;
	}
	ok = out.len == json_string_length(expected) &&
	     !memcmp(out.data ? out.data : "", json_string_value(expected),
		     out.len);
	if (!ok && verbose) {
		printf("FAIL [%s] %s\n", module, name);
		show("template", json_string_value(tmpl),
		     json_string_length(tmpl));
		show("expected", json_string_value(expected),
		     json_string_length(expected));
		show("got", out.data, out.len);
	}
	buf_free(&out);
out_tmpl:
	mus_free(t);
out_partials:
	free_partials(&ps);
	return ok;
}

/* Run one module file; returns -1 when it cannot be read. */
static int run_module(const char *dir, const char *module, int verbose,
		      struct count *c)
{
	char path[4096];
	json_error_t jerr;
	json_t *root, *tests, *test;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s.json", dir, module);
	root = json_load_file(path, 0, &jerr);
	if (!root) {
		printf("ERROR %s: %s (line %d)\n", path, jerr.text, jerr.line);
		return -1;
	}
	tests = json_object_get(root, "tests");
	if (!json_is_array(tests) || !json_array_size(tests)) {
		printf("ERROR %s: no tests\n", path);
		json_decref(root);
		return -1;
	}
	json_array_foreach(tests, i, test) {
		c->total++;
		c->pass += run_test(module, test, verbose);
	}
	json_decref(root);
	return 0;
}

int main(int argc, char **argv)
{
	struct count req[NREQUIRED], opt[NOPTIONAL];
	int pass = 0, total = 0, broken = 0;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s MUSTACHE_VECTORS_DIR\n", argv[0]);
		return 2;
	}
	memset(req, 0, sizeof(req));
	memset(opt, 0, sizeof(opt));
	for (i = 0; i < NREQUIRED; i++) {
		if (run_module(argv[1], required[i], 1, &req[i]))
			broken = 1;
		pass += req[i].pass;
		total += req[i].total;
	}
	printf("optional modules (information only):");
	for (i = 0; i < NOPTIONAL; i++) {
		if (run_module(argv[1], optional[i], 0, &opt[i]))
			printf(" %s unreadable", optional[i]);
		else
			printf(" %s %d/%d", optional[i], opt[i].pass,
			       opt[i].total);
	}
	printf("\n");

	printf("mustache spec: %d/%d passed (", pass, total);
	for (i = 0; i < NREQUIRED; i++)
		printf("%s%s %d/%d", i ? ", " : "", required[i], req[i].pass,
		       req[i].total);
	printf(")\n");
	return broken || !total || pass != total;
}
