/* toml.h — a TOML 1.0 reader producing jansson values. */
#ifndef POSTFS_TOML_H
#define POSTFS_TOML_H

#include <jansson.h>
#include <stddef.h>

#include "fmerror.h"
#include "frontmatter.h"

/* Output shape. */
#define TOML_PLAIN  0  /* front-matter form: dates and times as RFC 3339
                          strings; inf/nan floats as the strings "inf",
                          "-inf", "nan" (JSON has no such numbers) */
#define TOML_TAGGED 1  /* toml-test form: every scalar is
                          {"type": "string"|"integer"|"float"|"bool"|
                           "datetime"|"datetime-local"|"date-local"|
                           "time-local", "value": "<text>"} */

/* Parse the TOML document doc[0..len) (need not be NUL-terminated;
 * a NUL byte inside is an error) into a new JSON object *out (caller
 * owns it).  lim bounds nesting depth and value count (NULL: defaults).
 * Returns 0, or -EINVAL with *err giving the 1-based line and column of
 * the problem and a message, and *out NULL; -ENOMEM when memory runs out.
 * lim->max_bytes is not checked here (fm_parse does). */
int toml_parse(const char *doc, size_t len, int flags,
	       const struct fm_limits *lim, json_t **out, struct pf_error *err);

#endif
