/* yaml_reader.h — a YAML reader producing jansson values, built on libyaml's
 * event parser (never its document loader, which would expand aliases
 * without bound).  (The header is not called yaml.h: render/ is on the
 * include path, and that name would hide libyaml's own <yaml.h>.)
 *
 * Scalars are typed as YAML 1.2's core schema does, and only plain
 * (unquoted) scalars without a tag are typed:
 *   null     ~ null Null NULL and the empty scalar
 *   boolean  true True TRUE false False FALSE
 *   integer  [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+
 *   float    [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?,
 *            [-+]?(.inf|.Inf|.INF), .nan .NaN .NAN
 * Everything else (yes, no, on, off, dates, ...), every quoted scalar and
 * every scalar with a local tag (`!foo`, `!`) is a string.  The tags !!str,
 * !!int, !!float, !!bool and !!null are honoured on any scalar, and a value
 * that does not fit its tag is an error.  Tags on sequences and mappings
 * are ignored.
 *
 * JSON has no room for some YAML values, so:
 *   - integers outside int64 become reals;
 *   - infinite and NaN floats (and floats too large for a double) become
 *     the strings "inf", "-inf" and "nan", as the TOML reader does;
 *   - mapping keys are the text of scalar keys as written, untyped
 *     (`1: a` gives the key "1"); a key that is a sequence or a mapping,
 *     or that contains U+0000, is an error, and so is a duplicate key;
 *   - aliases are expanded by sharing: the value an alias names is
 *     inserted again with json_incref(), so the tree may hold one
 *     json_t at several places (treat the result as read-only).
 *
 * Bounds (struct fm_limits; NULL means FM_LIMITS_DEFAULT):
 *   - input longer than max_bytes is an error;
 *   - nesting deeper than max_depth arrays/objects is an error, counting
 *     the depth a value reached through an alias brings with it;
 *   - every scalar, sequence, mapping and key counts as one value, and a
 *     value reached through an alias counts as its whole subtree: past
 *     max_nodes values the input is an error ("aliases expand past N
 *     values" when aliases did it), so an alias bomb fails fast in little
 *     memory;
 *   - likewise the text of all strings and keys, aliases expanded, may
 *     not exceed YAML_EXPAND_FACTOR times max_bytes.
 *
 * Errors: line and column in *err are 1-based, from libyaml's marks for
 * syntax errors (with libyaml's message and context) and from the
 * offending event's start for errors found here.  Invalid UTF-8 in the
 * input is rejected at the first bad byte ("invalid UTF-8: ...").
 * Strings in the output are always valid UTF-8.
 */
#ifndef POSTFS_YAML_READER_H
#define POSTFS_YAML_READER_H

#include <jansson.h>
#include <stddef.h>

#include "fmerror.h"
#include "frontmatter.h"

/* Expanded text (strings and keys, aliases counted each time they are
 * used) may be at most this many times lim->max_bytes. */
#define YAML_EXPAND_FACTOR 16

/* Parse the YAML stream doc[0..len) (need not be NUL-terminated; UTF-8
 * only, a UTF-8 BOM is allowed) holding at most one document, whose
 * root may be any value.  An empty stream (or one with only comments)
 * gives a JSON null.  On success *out is a new reference the caller
 * owns (json_decref it).
 * Returns 0; -EINVAL with *err filled (err may be NULL) and *out NULL
 * when the input is rejected; -ENOMEM (with *err saying so) when memory
 * ran out. */
int yaml_parse_value(const char *doc, size_t len, const struct fm_limits *lim,
		     json_t **out, struct pf_error *err);

/* fm_parse_yaml() (declared in frontmatter.h) is the front-matter form:
 * the same parse, but the root must be a mapping; a null root (an empty
 * document, only comments, `~`) gives an empty object and any other root
 * is an error "front matter is a <kind>, not a mapping" at the root's
 * position.  Same returns as yaml_parse_value(). */

#endif
