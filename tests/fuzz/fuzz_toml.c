/* fuzz_toml.c — libFuzzer target for render/toml.c.
 *
 * Parses the input in both output shapes and checks the contract: either
 * 0 and a JSON object, or -EINVAL with a NULL result, a 1-based position
 * and a message.  Both shapes must agree on acceptance. */
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run(const uint8_t *data, size_t size, int flags)
{
	/* Small limits reach the limit paths; the defaults are tried too. */
	static const struct fm_limits small = { 4096, 8, 200 };
	struct pf_error err = { 0, 0, "" };
	json_t *out = NULL;
	int ret;

	ret = toml_parse((const char *)data, size, flags,
			 size & 1 ? &small : NULL, &out, &err);
	if (ret == 0) {
		if (!json_is_object(out))
			abort();
		json_decref(out);
	} else if (ret != -EINVAL || out || err.line < 1 || err.column < 1 ||
		   !err.msg[0]) {
		abort();
	}
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (run(data, size, TOML_TAGGED) != run(data, size, TOML_PLAIN))
		abort();
	return 0;
}
