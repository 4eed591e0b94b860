/* mustache.h — a small Mustache engine (spec v1.3 modules: comments,
 * delimiters, interpolation, inverted, partials, sections).  Lambdas and
 * the optional modules are not supported.
 *
 * The data is a jansson value tree.  A section is skipped (an inverted
 * section shown) when its value is missing, null, false, an empty array
 * or an empty string; an array repeats the section per element; an
 * object or any other truthy value is pushed as the context.  {{x}}
 * escapes & < > " ' for HTML; {{{x}}} and {{&x}} do not.  Numbers print
 * as JSON writes them, true/false as "true"/"false", null as "".
 */
#ifndef POSTFS_MUSTACHE_H
#define POSTFS_MUSTACHE_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "fmerror.h"

struct mus_tmpl; /* a compiled template: immutable, shareable between threads */

/* Compile template text src[0..len).  `name` is used in error messages
 * only (copied).  Returns 0 and a new template in *out (free with
 * mus_free), or -EINVAL with *err naming line and column (1-based) of
 * an unclosed tag, unbalanced section or bad delimiter, or -ENOMEM. */
int mus_compile(const char *src, size_t len, const char *name,
		struct mus_tmpl **out, struct pf_error *err);
void mus_free(struct mus_tmpl *t);

/* Looks up a partial by name; returns a compiled template owned by the
 * resolver (it must stay valid for the whole render), or NULL when there
 * is none (which renders as empty, per spec). */
typedef const struct mus_tmpl *(*mus_partial_fn)(void *ctx, const char *name);

/* Render t with `data` as the root context, appending to out.
 * `partial` may be NULL (no partials).  Partials nest at most 32 deep
 * (deeper ones render as empty), so recursive partials terminate.
 * A render also stops after a bound on work (about 33 million steps:
 * instructions, context lookups, 64-byte copies), so a template that
 * includes itself twice cannot run for ever.
 * Returns 0, or -ENOMEM when memory or the work bound ran out (out is
 * then in error state, see buf.h). */
int mus_render(const struct mus_tmpl *t, json_t *data,
	       mus_partial_fn partial, void *ctx, struct buf *out);

#endif
