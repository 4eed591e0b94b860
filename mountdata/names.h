/* names.h — turning terms and slugs into names of the tree.
 *
 * A name is a valid single path component: valid UTF-8, no '/', no NUL,
 * no control characters, never empty, ".", ".." or hidden (leading '.'),
 * at most NAME_MAX_BYTES bytes, and the same for the same input.  What
 * cannot stay is replaced by a look-alike, so the name still reads as
 * the term did:
 *
 *   '/'             -> U+2215 DIVISION SLASH  ("CI/CD" -> "CI∕CD")
 *   leading '.'     -> U+2024 ONE DOT LEADER  (".NET" -> "․NET")
 *   control chars, runs of white space -> one space; ends trimmed
 *   invalid UTF-8   -> U+FFFD
 *   empty           -> "_"
 *   too long        -> cut at a character boundary, then "~" and 8 hex
 *                      digits of a hash of the whole name (so two long
 *                      names that share a prefix stay distinct)
 *
 * Terms are grouped by name_key(): the lower-cased name (Unicode-aware),
 * so "AI" and "ai", "Технологии" and "технологии" are one term.
 */
#ifndef POSTFS_NAMES_H
#define POSTFS_NAMES_H

#include <stddef.h>

#include "buf.h"

#define NAME_MAX_BYTES 255

/* Append the name made from text s[0..n), at most max bytes long
 * (max <= NAME_MAX_BYTES; a slug leaves room for its ".html"). */
void name_make(struct buf *b, const char *s, size_t n, size_t max);
/* Append the grouping key of a name (its lower-case form). */
void name_key(struct buf *b, const char *name, size_t n);
/* 64-bit FNV-1a hash of bytes (stable across runs and machines). */
unsigned long long name_hash(const char *s, size_t n);

#endif
