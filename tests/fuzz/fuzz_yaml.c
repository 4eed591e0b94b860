/* fuzz_yaml.c — libFuzzer target for the YAML front-matter reader.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Irender render/buf.c render/fmerror.c render/utf8.c render/yaml.c \
 *     tests/fuzz/fuzz_yaml.c -lyaml -ljansson -o fuzz_yaml
 *   ./fuzz_yaml tests/fuzz/corpus/yaml
 *
 * Besides the sanitizers, it checks the reader's contract: a result or
 * an error, never both; the front-matter form is always an object; every
 * result serialises to JSON that reads back equal. */
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmerror.h"
#include "frontmatter.h"
#include "yaml_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_result(int rc, json_t *v, const struct pf_error *err,
			 int want_object)
{
	json_t *back;
	char *text;

	if (rc) {
		if (v || (rc != -EINVAL && rc != -ENOMEM) || !err->msg[0] ||
		    !memchr(err->msg, '\0', sizeof(err->msg)) || err->line < 0 ||
		    err->column < 0)
			abort();
		return;
	}
	if (!v || (want_object && !json_is_object(v)))
		abort();
	text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (!text)
		abort();
	back = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (!back || !json_equal(back, v))
		abort();
	json_decref(back);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* small bounds reach the limit paths with small inputs */
	struct fm_limits small = { 4096, 6, 300 };
	struct pf_error err;
	json_t *v = NULL;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = fm_parse_yaml((const char *)data, size, NULL, &v, &err);
	check_result(rc, v, &err, 1);
	json_decref(v);

	memset(&err, 0, sizeof(err));
	v = NULL;
	rc = yaml_parse_value((const char *)data, size, &small, &v, &err);
	check_result(rc, v, &err, 0);
	json_decref(v);
	return 0;
}
