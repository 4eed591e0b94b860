/* fuzz_mustache.c — libFuzzer target for render/mustache.c.
 *
 * The input is a template, then a NUL byte, then JSON data; without a
 * NUL, or when the data is not valid JSON, a fixed small object is used.
 * Every partial name resolves to the template itself, so recursion and
 * the depth and work bounds are exercised.  Checks that compile errors
 * carry a position and a one-line valid UTF-8 message, and that
 * rendering ends in 0 or -ENOMEM (the output limit or the work bound).
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Irender \
 *   render/buf.c render/fmerror.c render/utf8.c render/mustache.c \
 *   tests/fuzz/fuzz_mustache.c -ljansson -o /tmp/fuzz_mus
 * /tmp/fuzz_mus tests/fuzz/corpus/mustache
 */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mustache.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fallback[] =
	"{\"a\": [1, {\"b\": \"x<&>'\\\"\", \"a\": []}, 2.5, null, true],"
	" \"s\": \"str\", \"e\": \"\", \"t\": true, \"f\": false, \"n\": null,"
	" \"o\": {\"a\": {\"a\": {\"s\": \"deep\"}}, \"l\": [[1, 2], [3]]}}";

static const struct mus_tmpl *resolve_self(void *ctx, const char *name)
{
	(void)name;
	return ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	struct buf out = BUF_INIT;
	struct mus_tmpl *t = NULL;
	struct pf_error err;
	json_t *d = NULL;
	int ret;

	if (nul)
		d = json_loadb(src + tlen + 1, size - tlen - 1,
			       JSON_DECODE_ANY, NULL);
	if (!d)
		d = json_loads(fallback, 0, NULL);
	if (!d)
		abort();

	memset(&err, 0, sizeof(err));
	ret = mus_compile(src, tlen, "fuzz", &t, &err);
	if (ret) {
		if (ret != -EINVAL || t || err.line < 1 || err.column < 1 ||
		    !err.msg[0] || !memchr(err.msg, '\0', sizeof(err.msg)) ||
		    !utf8_valid(err.msg, strlen(err.msg)))
			abort();
		goto out_data;
	}
	out.limit = 1 << 16;
	ret = mus_render(t, d, resolve_self, t, &out);
	if (ret && (ret != -ENOMEM || !out.oom))
		abort();
	if (!ret && out.len > out.limit)
		abort();
	buf_free(&out);
	mus_free(t);
out_data:
	json_decref(d);
	return 0;
}
