/* toml_test.c — run render/toml.c against the toml-test suite.
 *
 * Usage: toml_test TOML_TEST_DIR
 *
 * Reads TOML_TEST_DIR/files-toml-1.0.0.  Each valid/X.toml must parse in
 * TOML_TAGGED form to the same value as valid/X.json, compared the way
 * toml-test compares: tables and arrays structurally, floats by value
 * (nan equal to nan), date-times as points in time (local ones field by
 * field), everything else as text.  It must also parse in TOML_PLAIN form
 * to the same data with native JSON scalars.  Each invalid/X.toml must be
 * rejected in both forms with a line, a column and a message.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

#define MAX_DEPTH 256

struct path {
	char s[512];
	size_t len;
};

static char *read_file(const char *name, size_t *len)
{
	FILE *f = fopen(name, "rb");
	char *data = NULL, *tmp;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			tmp = realloc(data, cap);
			if (!tmp)
				goto fail_read;
			data = tmp;
		}
		got = fread(data + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		goto fail_read;
	fclose(f);
	data[n] = '\0';
	*len = n;
	return data;
fail_read:
	free(data);
	fclose(f);
	return NULL;
}

/* Append pre, s[0..n) (at most 60 bytes of it) and post to the path. */
static size_t path_push(struct path *p, const char *pre, const char *s,
			size_t n, const char *post)
{
	size_t old = p->len;
	int w;

	if (p->len < sizeof(p->s)) {
		w = snprintf(p->s + p->len, sizeof(p->s) - p->len, "%s%.*s%s",
			     pre, (int)(n > 60 ? 60 : n), s, post);
		if (w > 0)
			p->len += (size_t)w;
		if (p->len >= sizeof(p->s))
			p->len = sizeof(p->s) - 1;
	}
	return old;
}

static void path_pop(struct path *p, size_t old)
{
	p->len = old;
	p->s[old] = '\0';
}

/* {"type": "...", "value": "..."} with both strings, nothing else. */
static int is_tagged(const json_t *v)
{
	return json_is_object(v) && json_object_size(v) == 2 &&
	       json_is_string(json_object_get(v, "type")) &&
	       json_is_string(json_object_get(v, "value"));
}

static const char *tag_type(const json_t *v)
{
	return json_string_value(json_object_get(v, "type"));
}

static const char *tag_value(const json_t *v, size_t *len)
{
	const json_t *s = json_object_get(v, "value");

	*len = json_string_length(s);
	return json_string_value(s);
}

/* ---- date-times, as toml-test reads them ---- */

struct datetime {
	int has_date, has_time, has_offset;
	int year, month, day, hour, minute, second, offset;
	long nanos;
};

static int digits(const char *s, int n, int *out)
{
	int k, v = 0;

	for (k = 0; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		v = v * 10 + (s[k] - '0');
	}
	*out = v;
	return 0;
}

/* toml-test replaces ' ' and 't' by 'T' and 'z' by 'Z' and then reads
 * the text with Go's layout for the type. */
static int parse_datetime(const char *type, const char *text, size_t len,
			  struct datetime *dt)
{
	char s[80];
	size_t k = 0, n;
	int sign, oh, om;

	if (len >= sizeof(s))
		return -1;
	for (n = 0; n < len; n++) {
		s[n] = text[n];
		if (s[n] == ' ' || s[n] == 't')
			s[n] = 'T';
		else if (s[n] == 'z')
			s[n] = 'Z';
	}
	s[len] = '\0';
	memset(dt, 0, sizeof(*dt));
	dt->has_date = strcmp(type, "time-local") != 0;
	dt->has_time = strcmp(type, "date-local") != 0;
	dt->has_offset = strcmp(type, "datetime") == 0;
	if (dt->has_date) {
		if (len < 10 || digits(s, 4, &dt->year) || s[4] != '-' ||
		    digits(s + 5, 2, &dt->month) || s[7] != '-' ||
		    digits(s + 8, 2, &dt->day))
			return -1;
		k = 10;
		if (dt->has_time) {
			if (s[k] != 'T')
				return -1;
			k++;
		}
	}
	if (dt->has_time) {
		if (len - k < 8 || digits(s + k, 2, &dt->hour) ||
		    s[k + 2] != ':' || digits(s + k + 3, 2, &dt->minute) ||
		    s[k + 5] != ':' || digits(s + k + 6, 2, &dt->second))
			return -1;
		k += 8;
		if (s[k] == '.') {
			long scale = 100000000;

			k++;
			if (s[k] < '0' || s[k] > '9')
				return -1;
			for (; s[k] >= '0' && s[k] <= '9'; k++) {
				dt->nanos += (s[k] - '0') * scale;
				scale /= 10;
			}
		}
	}
	if (dt->has_offset) {
		if (s[k] == 'Z') {
			k++;
		} else if (s[k] == '+' || s[k] == '-') {
			sign = s[k] == '-' ? -1 : 1;
			if (digits(s + k + 1, 2, &oh) || s[k + 3] != ':' ||
			    digits(s + k + 4, 2, &om))
				return -1;
			dt->offset = sign * (oh * 60 + om);
			k += 6;
		} else {
			return -1;
		}
	}
	return k == len ? 0 : -1;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static long long instant(const struct datetime *dt)
{
	return days_from_civil(dt->year, dt->month, dt->day) * 86400 +
	       dt->hour * 3600 + dt->minute * 60 + dt->second -
	       (long long)dt->offset * 60;
}

static int same_datetime(const char *type, const char *want, size_t wl,
			 const char *have, size_t hl)
{
	struct datetime w, h;

	if (parse_datetime(type, want, wl, &w) ||
	    parse_datetime(type, have, hl, &h))
		return 0;
	if (w.nanos != h.nanos)
		return 0;
	if (w.has_offset)
		return instant(&w) == instant(&h);
	return w.year == h.year && w.month == h.month && w.day == h.day &&
	       w.hour == h.hour && w.minute == h.minute && w.second == h.second;
}

static int is_nan_text(const char *s)
{
	return !strcmp(s, "nan") || !strcmp(s, "+nan") || !strcmp(s, "-nan");
}

static int same_float(const char *want, const char *have)
{
	char *end;
	double w, h;

	if (is_nan_text(want) || is_nan_text(have))
		return is_nan_text(want) && is_nan_text(have);
	w = strtod(want, &end);
	if (*end)
		return 0;
	h = strtod(have, &end);
	if (*end)
		return 0;
	return w == h;
}

/* ---- loading the expected JSON ---- */

/* jansson reads NUL bytes in string values (JSON_ALLOW_NUL) but refuses
 * them in object keys, which toml-test uses (key/quoted-unicode).  Such
 * a file is read with every \u0000 escape turned into the noncharacter
 * U+FDD0 (refused if the file already has one), and the marks are turned
 * back into NULs in the loaded tree. */
#define NUL_MARK "\xEF\xB7\x90"

static int unmark(const char *s, size_t n, char *out, size_t *outlen)
{
	size_t k, o = 0;
	int found = 0;

	for (k = 0; k < n; k++) {
		if (k + 3 <= n && !memcmp(s + k, NUL_MARK, 3)) {
			out[o++] = '\0';
			k += 2;
			found = 1;
		} else {
			out[o++] = s[k];
		}
	}
	*outlen = o;
	return found;
}

static int restore_nuls(json_t *v, int depth)
{
	const char *key;
	size_t klen, nlen, k;
	json_t *fixed, *child;
	char *tmp;
	void *it;
	int ret = 0;

	if (depth > MAX_DEPTH)
		return -1;
	if (json_is_string(v)) {
		tmp = malloc(json_string_length(v) + 1);
		if (!tmp)
			return -1;
		if (unmark(json_string_value(v), json_string_length(v), tmp,
			   &nlen))
			ret = json_string_setn(v, tmp, nlen);
		free(tmp);
		return ret;
	}
	if (json_is_array(v)) {
		for (k = 0; k < json_array_size(v); k++)
			if (restore_nuls(json_array_get(v, k), depth + 1))
				return -1;
		return 0;
	}
	if (!json_is_object(v))
		return 0;
	fixed = json_object();
	if (!fixed)
		return -1;
	for (it = json_object_iter(v); it && !ret; it = json_object_iter_next(v, it)) {
		key = json_object_iter_key(it);
		klen = json_object_iter_key_len(it);
		child = json_object_iter_value(it);
		tmp = malloc(klen + 1);
		if (!tmp || restore_nuls(child, depth + 1)) {
			free(tmp);
			ret = -1;
			break;
		}
		unmark(key, klen, tmp, &nlen);
		ret = json_object_setn(fixed, tmp, nlen, child);
		free(tmp);
	}
	/* json_object_update() would cut keys at a NUL: copy by length. */
	if (!ret)
		ret = json_object_clear(v);
	for (it = json_object_iter(fixed); it && !ret;
	     it = json_object_iter_next(fixed, it))
		ret = json_object_setn(v, json_object_iter_key(it),
				       json_object_iter_key_len(it),
				       json_object_iter_value(it));
	json_decref(fixed);
	return ret ? -1 : 0;
}

static json_t *load_expected(const char *file, json_error_t *jerr)
{
	json_t *v;
	char *text, *marked;
	size_t len, k, o = 0;

	v = json_load_file(file, JSON_ALLOW_NUL, jerr);
	if (v || jerr->position == 0 || !strstr(jerr->text, "NUL byte in object key"))
		return v;
	text = read_file(file, &len);
	if (!text)
		return NULL;
	marked = malloc(len / 6 * 3 + len + 1);
	if (!marked || memmem(text, len, NUL_MARK, 3))
		goto out_text;
	/* Backslashes only occur in JSON strings, each starting an escape. */
	for (k = 0; k < len; k++) {
		if (text[k] == '\\' && k + 6 <= len && !memcmp(text + k + 1, "u0000", 5)) {
			memcpy(marked + o, NUL_MARK, 3);
			o += 3;
			k += 5;
		} else if (text[k] == '\\' && k + 1 < len) {
			marked[o++] = text[k++];
			marked[o++] = text[k];
		} else {
			marked[o++] = text[k];
		}
	}
	v = json_loadb(marked, o, JSON_ALLOW_NUL, jerr);
	if (v && restore_nuls(v, 0)) {
		json_decref(v);
		v = NULL;
	}
out_text:
	free(marked);
	free(text);
	return v;
}

/* ---- the structural comparison ---- */

static int mismatch(struct path *p, char *why, size_t cap, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

static int mismatch(struct path *p, char *why, size_t cap, const char *fmt,
		    ...)
{
	char detail[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	snprintf(why, cap, "at %s: %s", p->len ? p->s : "(root)", detail);
	return 0;
}

static int same_value(const json_t *want, const json_t *have, struct path *p,
		      char *why, size_t cap, int depth);

static int same_table(const json_t *want, const json_t *have, struct path *p,
		      char *why, size_t cap, int depth)
{
	const char *key;
	size_t klen, old;
	void *it;
	json_t *h;

	if (!json_is_object(have) || is_tagged(have))
		return mismatch(p, why, cap, "expected a table, got something else");
	for (it = json_object_iter((json_t *)want); it;
	     it = json_object_iter_next((json_t *)want, it)) {
		key = json_object_iter_key(it);
		klen = json_object_iter_key_len(it);
		old = path_push(p, ".", key, klen, "");
		h = json_object_getn(have, key, klen);
		if (!h)
			return mismatch(p, why, cap, "key missing");
		if (!same_value(json_object_iter_value(it), h, p, why, cap,
				depth + 1))
			return 0;
		path_pop(p, old);
	}
	if (json_object_size(want) != json_object_size(have))
		return mismatch(p, why, cap, "extra keys in the output");
	return 1;
}

static int same_value(const json_t *want, const json_t *have, struct path *p,
		      char *why, size_t cap, int depth)
{
	const char *wt, *wv, *hv;
	size_t wl, hl, k, old;
	char idx[24];

	if (depth > MAX_DEPTH)
		return mismatch(p, why, cap, "nested too deeply");
	if (is_tagged(want)) {
		if (!is_tagged(have))
			return mismatch(p, why, cap, "expected a tagged scalar, got something else");
		wt = tag_type(want);
		if (strcmp(wt, tag_type(have)))
			return mismatch(p, why, cap, "type %s, expected %s",
					tag_type(have), wt);
		wv = tag_value(want, &wl);
		hv = tag_value(have, &hl);
		if (!strcmp(wt, "float")) {
			if (!same_float(wv, hv))
				return mismatch(p, why, cap, "float %s, expected %s",
						hv, wv);
		} else if (!strcmp(wt, "datetime") ||
			   !strcmp(wt, "datetime-local") ||
			   !strcmp(wt, "date-local") ||
			   !strcmp(wt, "time-local")) {
			if (!same_datetime(wt, wv, wl, hv, hl))
				return mismatch(p, why, cap, "%s, expected %s",
						hv, wv);
		} else if (wl != hl || memcmp(wv, hv, wl)) {
			return mismatch(p, why, cap, "'%s', expected '%s'", hv,
					wv);
		}
		return 1;
	}
	if (json_is_array(want)) {
		if (!json_is_array(have))
			return mismatch(p, why, cap, "expected an array, got something else");
		if (json_array_size(want) != json_array_size(have))
			return mismatch(p, why, cap, "array length differs");
		for (k = 0; k < json_array_size(want); k++) {
			snprintf(idx, sizeof(idx), "%zu", k);
			old = path_push(p, "[", idx, strlen(idx), "]");
			if (!same_value(json_array_get(want, k),
					json_array_get(have, k), p, why, cap,
					depth + 1))
				return 0;
			path_pop(p, old);
		}
		return 1;
	}
	if (json_is_object(want))
		return same_table(want, have, p, why, cap, depth);
	return mismatch(p, why, cap, "unexpected JSON in the expected file");
}

/* The TOML_PLAIN tree must hold the same data as the tagged one, with
 * native JSON scalars (dates as strings, inf/nan as strings). */
static int same_plain(const json_t *tagged, const json_t *plain,
		      struct path *p, char *why, size_t cap, int depth)
{
	const char *type, *text, *key;
	size_t tl, k, old, klen;
	void *it;
	json_t *v;
	double d;
	int ok;

	if (depth > MAX_DEPTH)
		return mismatch(p, why, cap, "nested too deeply");
	if (is_tagged(tagged)) {
		type = tag_type(tagged);
		text = tag_value(tagged, &tl);
		if (!strcmp(type, "integer")) {
			ok = json_is_integer(plain) &&
			     json_integer_value(plain) == strtoll(text, NULL, 10);
		} else if (!strcmp(type, "float")) {
			if (!strcmp(text, "nan") || !strcmp(text, "inf") ||
			    !strcmp(text, "-inf")) {
				ok = json_is_string(plain) &&
				     !strcmp(json_string_value(plain), text);
			} else {
				d = strtod(text, NULL);
				ok = json_is_real(plain) &&
				     json_real_value(plain) == d &&
				     signbit(json_real_value(plain)) == signbit(d);
			}
		} else if (!strcmp(type, "bool")) {
			ok = json_is_boolean(plain) &&
			     json_is_true(plain) == !strcmp(text, "true");
		} else {
			ok = json_is_string(plain) &&
			     json_string_length(plain) == tl &&
			     !memcmp(json_string_value(plain), text, tl);
		}
		if (!ok)
			return mismatch(p, why, cap, "plain form of %s '%s' differs",
					type, text);
		return 1;
	}
	if (json_is_array(tagged)) {
		if (!json_is_array(plain) ||
		    json_array_size(plain) != json_array_size(tagged))
			return mismatch(p, why, cap, "plain array differs");
		for (k = 0; k < json_array_size(tagged); k++)
			if (!same_plain(json_array_get(tagged, k),
					json_array_get(plain, k), p, why, cap,
					depth + 1))
				return 0;
		return 1;
	}
	if (!json_is_object(plain) ||
	    json_object_size(plain) != json_object_size(tagged))
		return mismatch(p, why, cap, "plain table differs");
	for (it = json_object_iter((json_t *)tagged); it;
	     it = json_object_iter_next((json_t *)tagged, it)) {
		key = json_object_iter_key(it);
		klen = json_object_iter_key_len(it);
		old = path_push(p, ".", key, klen, "");
		v = json_object_getn(plain, key, klen);
		if (!v)
			return mismatch(p, why, cap, "plain key missing");
		if (!same_plain(json_object_iter_value(it), v, p, why, cap,
				depth + 1))
			return 0;
		path_pop(p, old);
	}
	return 1;
}

/* ---- the runs ---- */

static int run_valid(const char *dir, const char *name)
{
	char file[4096], why[1024];
	struct pf_error err;
	struct path p = { "", 0 };
	json_t *want, *have = NULL, *plain = NULL;
	json_error_t jerr;
	size_t len, nl;
	char *doc;
	int ok = 0;

	snprintf(file, sizeof(file), "%s/%s", dir, name);
	doc = read_file(file, &len);
	if (!doc) {
		printf("FAIL %s: cannot read: %s\n", name, strerror(errno));
		return 0;
	}
	nl = strlen(file);
	if (nl < 5) {
		free(doc);
		return 0;
	}
	memcpy(file + nl - 5, ".json", 6);
	want = load_expected(file, &jerr);
	if (!want) {
		printf("FAIL %s: cannot load the expected JSON: %s\n", name,
		       jerr.text);
		goto out_doc;
	}
	memset(&err, 0, sizeof(err));
	if (toml_parse(doc, len, TOML_TAGGED, NULL, &have, &err)) {
		printf("FAIL %s: rejected at %d:%d: %s\n", name, err.line,
		       err.column, err.msg);
		goto out_want;
	}
	if (!same_value(want, have, &p, why, sizeof(why), 0)) {
		printf("FAIL %s: %s\n", name, why);
		goto out_have;
	}
	memset(&err, 0, sizeof(err));
	if (toml_parse(doc, len, TOML_PLAIN, NULL, &plain, &err)) {
		printf("FAIL %s: rejected in plain form at %d:%d: %s\n", name,
		       err.line, err.column, err.msg);
		goto out_have;
	}
	path_pop(&p, 0);
	if (!same_plain(have, plain, &p, why, sizeof(why), 0)) {
		printf("FAIL %s: %s\n", name, why);
		goto out_plain;
	}
	ok = 1;
out_plain:
	json_decref(plain);
out_have:
	json_decref(have);
out_want:
	json_decref(want);
out_doc:
	free(doc);
	return ok;
}

static int run_invalid(const char *dir, const char *name, int verbose)
{
	static const int modes[2] = { TOML_TAGGED, TOML_PLAIN };
	char file[4096];
	struct pf_error err;
	json_t *out;
	size_t len;
	char *doc;
	int m, ret, ok = 1;

	snprintf(file, sizeof(file), "%s/%s", dir, name);
	doc = read_file(file, &len);
	if (!doc) {
		printf("FAIL %s: cannot read: %s\n", name, strerror(errno));
		return 0;
	}
	for (m = 0; m < 2 && ok; m++) {
		memset(&err, 0, sizeof(err));
		out = (json_t *)&out;
		ret = toml_parse(doc, len, modes[m], NULL, &out, &err);
		if (ret == 0) {
			printf("FAIL %s: accepted\n", name);
			json_decref(out);
			ok = 0;
		} else if (ret != -EINVAL || out || err.line < 1 ||
			   err.column < 1 || !err.msg[0]) {
			printf("FAIL %s: rejected without a proper report (ret %d, %d:%d '%s')\n",
			       name, ret, err.line, err.column, err.msg);
			ok = 0;
		} else if (verbose && m == 0) {
			printf("ok %s: %d:%d: %s\n", name, err.line, err.column,
			       err.msg);
		}
	}
	free(doc);
	return ok;
}

int main(int argc, char **argv)
{
	char list[4096], line[1024];
	int vok = 0, vall = 0, iok = 0, iall = 0, verbose;
	size_t n;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: %s TOML_TEST_DIR [-v]\n", argv[0]);
		return 2;
	}
	verbose = argc > 2 && !strcmp(argv[2], "-v");
	snprintf(list, sizeof(list), "%s/files-toml-1.0.0", argv[1]);
	f = fopen(list, "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", list, strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n < 5 || strcmp(line + n - 5, ".toml"))
			continue;
		if (!strncmp(line, "valid/", 6)) {
			vall++;
			vok += run_valid(argv[1], line);
		} else if (!strncmp(line, "invalid/", 8)) {
			iall++;
			iok += run_invalid(argv[1], line, verbose);
		}
	}
	fclose(f);
	printf("toml-test 1.0.0: valid %d/%d, invalid %d/%d\n", vok, vall, iok,
	       iall);
	/* An empty or unreadable list must not pass. */
	return (vall > 0 && iall > 0 && vok == vall && iok == iall) ? 0 : 1;
}
