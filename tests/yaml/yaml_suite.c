/* yaml_suite.c — count how much of yaml-test-suite the YAML reader gets
 * right.
 *
 * usage: yaml_suite DIR    (DIR: the suite's data, one folder per case,
 *                           variants in numbered subfolders)
 *
 * For every single-document case with an in.json, the reader's value must
 * equal in.json (numbers compared by value, so 1 and 1.0 match); for every
 * case with an `error` file, the reader must fail.  Cases with more than
 * one document are skipped (front matter is one document).  The cases
 * whose YAML uses tags or complex keys are counted apart as well, since
 * front matter needs neither (the suite gives no in.json for complex keys,
 * and those cases must be rejected: JSON keys are strings).  The same
 * in.json cases go through libyaml's bare event loop, to tell the
 * reader's own losses from libyaml's.  Exits non-zero when the reader
 * matches fewer than 90% of the cases libyaml parses, or accepts a complex
 * key.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "fmerror.h"
#include "frontmatter.h"
#include "yaml_reader.h"

#define MAX_COMPARE_DEPTH 1000

struct counts {
	int json_cases, matched, libyaml_ok;
	int tagged, tagged_matched;	/* json cases using tags */
	int complex, complex_matched;	/* json cases with complex keys */
	int plain, plain_matched;	/* json cases with neither */
	int complex_no_json, complex_rejected;
	int error_cases, rejected, libyaml_rejects;
	int skipped_multi, skipped_empty, valid_no_json, no_json_accepted;
};

/* dst = a/b; -ENAMETOOLONG when it does not fit. */
static int join(char *dst, size_t cap, const char *a, const char *b)
{
	int n = snprintf(dst, cap, "%s/%s", a, b);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* Read a whole file; NULL when it does not exist. */
static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	char *data = NULL;
	size_t cap = 0, n = 0;
	FILE *f;

	if (join(path, sizeof(path), dir, name))
		return NULL;
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (cap - n < 4096) {
			char *p = realloc(data, cap + 65536);

			if (!p) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = p;
			cap += 65536;
		}
		got = fread(data + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	data[n] = '\0';
	*len = n;
	return data;
}

static int file_exists(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	return !join(path, sizeof(path), dir, name) && stat(path, &st) == 0;
}

/* Count lines of the event listing that start with prefix. */
static int count_events(const char *events, const char *prefix)
{
	size_t plen = strlen(prefix);
	const char *p = events;
	int n = 0;

	while (p && *p) {
		if (!strncmp(p, prefix, plen))
			n++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

/* A tag shows in the event listing as " <tag>". */
static int uses_tags(const char *events)
{
	return strstr(events, " <") != NULL;
}

/* A complex key: a collection opened where a mapping expects a key.  The
 * listing is walked with a stack of "how many children so far" per open
 * collection (odd = waiting for a key's value in a mapping). */
static int uses_complex_keys(const char *events)
{
	char kind[1024];
	long children[1024];
	int depth = 0;
	const char *p = events;

	while (p && *p) {
		int is_node = !strncmp(p, "=VAL", 4) || !strncmp(p, "=ALI", 4) ||
			      !strncmp(p, "+MAP", 4) || !strncmp(p, "+SEQ", 4);

		if (is_node && depth > 0) {
			if (kind[depth - 1] == 'M' && children[depth - 1] % 2 == 0 &&
			    (p[1] == 'M' || p[1] == 'S'))
				return 1;
			children[depth - 1]++;
		}
		if ((!strncmp(p, "+MAP", 4) || !strncmp(p, "+SEQ", 4)) &&
		    depth < 1024) {
			kind[depth] = p[1];
			children[depth] = 0;
			depth++;
		} else if ((!strncmp(p, "-MAP", 4) || !strncmp(p, "-SEQ", 4)) &&
			   depth > 0) {
			depth--;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

static int number_value(const json_t *v, double *d)
{
	if (json_is_integer(v))
		*d = (double)json_integer_value(v);
	else if (json_is_real(v))
		*d = json_real_value(v);
	else
		return 0;
	return 1;
}

/* json_equal, except that numbers compare by value. */
static int values_equal(const json_t *a, const json_t *b, int depth)
{
	double x, y;
	size_t i;

	if (depth > MAX_COMPARE_DEPTH)
		return 0;
	if (number_value(a, &x) && number_value(b, &y))
		return x == y;
	if (json_typeof(a) != json_typeof(b))
		return 0;
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (i = 0; i < json_array_size(a); i++)
			if (!values_equal(json_array_get(a, i),
					  json_array_get(b, i), depth + 1))
				return 0;
		return 1;
	}
	if (json_is_object(a)) {
		const char *key;
		size_t key_len;
		json_t *va, *vb;

		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_keylen_foreach((json_t *)a, key, key_len, va) {
			vb = json_object_getn(b, key, key_len);
			if (!vb || !values_equal(va, vb, depth + 1))
				return 0;
		}
		return 1;
	}
	return json_equal(a, b);
}

/* 1 when libyaml's event loop gets through the whole stream. */
static int libyaml_parses(const char *doc, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int ok = 1, done = 0;

	if (!yaml_parser_initialize(&parser))
		return 0;
	yaml_parser_set_input_string(&parser, (const unsigned char *)doc, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			ok = 0;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ok;
}

static void print_value(const char *label, const json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	printf("    %s %s\n", label, s ? s : "(unprintable)");
	free(s);
}

static void run_case(const char *dir, const char *id, struct counts *c)
{
	struct fm_limits lim = FM_LIMITS_DEFAULT;
	struct pf_error err = { 0, 0, "" };
	size_t ylen, jlen, elen;
	char *yaml = NULL, *json = NULL, *events = NULL;
	json_t *want = NULL, *got = NULL;
	json_error_t jerr;
	int rc, tagged, complex;

	yaml = slurp(dir, "in.yaml", &ylen);
	events = slurp(dir, "test.event", &elen);
	if (!yaml || !events) {
		printf("FAIL %s: cannot read in.yaml or test.event\n", id);
		c->json_cases++;
		goto free_files;
	}
	if (count_events(events, "+DOC") > 1) {
		c->skipped_multi++;
		goto free_files;
	}

	if (file_exists(dir, "error")) {
		c->error_cases++;
		c->libyaml_rejects += !libyaml_parses(yaml, ylen);
		rc = yaml_parse_value(yaml, ylen, &lim, &got, &err);
		if (rc)
			c->rejected++;
		else
			printf("FAIL %s (error case): accepted%s\n", id,
			       libyaml_parses(yaml, ylen) ? " (so does libyaml)" : "");
		goto free_files;
	}

	json = slurp(dir, "in.json", &jlen);
	if (!json) {
		/* nothing to compare with, but the reader still runs on it */
		c->valid_no_json++;
		rc = yaml_parse_value(yaml, ylen, &lim, &got, &err);
		c->no_json_accepted += !rc;
		if (uses_complex_keys(events)) {
			/* JSON has no complex keys: the reader must refuse */
			c->complex_no_json++;
			c->complex_rejected += rc != 0;
			if (!rc)
				printf("FAIL %s (complex keys): accepted\n", id);
		}
		goto free_files;
	}
	if (count_events(events, "+DOC") == 0) {
		c->skipped_empty++;
		goto free_files;
	}
	want = json_loadb(json, jlen, JSON_DECODE_ANY | JSON_ALLOW_NUL |
			  JSON_DECODE_INT_AS_REAL, &jerr);
	if (!want) {
		printf("FAIL %s: in.json unreadable: %s\n", id, jerr.text);
		c->json_cases++;
		goto free_files;
	}

	tagged = uses_tags(events);
	complex = uses_complex_keys(events);
	c->json_cases++;
	c->tagged += tagged;
	c->complex += complex;
	c->plain += !tagged && !complex;
	c->libyaml_ok += libyaml_parses(yaml, ylen);

	rc = yaml_parse_value(yaml, ylen, &lim, &got, &err);
	if (rc) {
		printf("FAIL %s%s%s: %d:%d: %s\n", id, tagged ? " (tags)" : "",
		       complex ? " (complex keys)" : "", err.line, err.column,
		       err.msg);
	} else if (!values_equal(got, want, 0)) {
		printf("FAIL %s%s%s: value differs\n", id,
		       tagged ? " (tags)" : "", complex ? " (complex keys)" : "");
		print_value("want", want);
		print_value("got ", got);
	} else {
		c->matched++;
		c->tagged_matched += tagged;
		c->complex_matched += complex;
		c->plain_matched += !tagged && !complex;
	}

free_files:
	json_decref(got);
	json_decref(want);
	free(json);
	free(events);
	free(yaml);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of dir's subfolders; NULL and *n 0 on error. */
static char **subfolders(const char *dir, size_t *n)
{
	char **names = NULL, **p, path[4096];
	size_t cap = 0;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (join(path, sizeof(path), dir, de->d_name) ||
		    stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			p = realloc(names, cap * sizeof(*names));
			if (!p)
				break;
			names = p;
		}
		names[*n] = strdup(de->d_name);
		if (names[*n])
			(*n)++;
	}
	closedir(d);
	if (names)
		qsort(names, *n, sizeof(*names), by_name);
	return names;
}

static void free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int main(int argc, char **argv)
{
	struct counts c;
	char **cases, **variants, dir[4096], sub[4096], id[512];
	size_t n, nv, i, j;
	double pct;

	if (argc != 2) {
		fprintf(stderr, "usage: %s YAML-TEST-SUITE-DIR\n", argv[0]);
		return 2;
	}
	memset(&c, 0, sizeof(c));
	cases = subfolders(argv[1], &n);
	if (!n) {
		fprintf(stderr, "%s: no test cases in %s\n", argv[0], argv[1]);
		free_names(cases, n);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (join(dir, sizeof(dir), argv[1], cases[i]))
			continue;
		if (file_exists(dir, "in.yaml")) {
			run_case(dir, cases[i], &c);
			continue;
		}
		variants = subfolders(dir, &nv);
		for (j = 0; j < nv; j++) {
			if (join(sub, sizeof(sub), dir, variants[j]) ||
			    join(id, sizeof(id), cases[i], variants[j]))
				continue;
			if (file_exists(sub, "in.yaml"))
				run_case(sub, id, &c);
		}
		free_names(variants, nv);
	}
	free_names(cases, n);

	pct = c.libyaml_ok ? 100.0 * c.matched / c.libyaml_ok : 0;
	printf("yaml-test-suite: cases with tags matched %d/%d, with complex keys %d/%d\n",
	       c.tagged_matched, c.tagged, c.complex_matched, c.complex);
	printf("yaml-test-suite: cases with complex keys and no in.json rejected %d/%d\n",
	       c.complex_rejected, c.complex_no_json);
	printf("yaml-test-suite: cases without either matched %d/%d\n",
	       c.plain_matched, c.plain);
	printf("yaml-test-suite: valid cases without in.json %d (reader accepts %d), empty streams %d (not counted)\n",
	       c.valid_no_json, c.no_json_accepted, c.skipped_empty);
	printf("yaml-test-suite: error cases libyaml itself rejects %d/%d\n",
	       c.libyaml_rejects, c.error_cases);
	printf("yaml-test-suite: json cases matched %d/%d (libyaml parses %d of them: %d/%d = %.1f%%), error cases rejected %d/%d, skipped %d\n",
	       c.matched, c.json_cases, c.libyaml_ok, c.matched, c.libyaml_ok,
	       pct, c.rejected, c.error_cases, c.skipped_multi);
	if (c.json_cases == 0 || pct < 90.0 ||
	    c.complex_rejected != c.complex_no_json) {
		printf("yaml-test-suite: FAILED (below 90%%, or a complex key accepted)\n");
		return 1;
	}
	return 0;
}
