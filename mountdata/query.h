/* query.h — queries as folder names.
 *
 *   ls 'query/tag:AI and not category:News and year:2024'
 *
 * Grammar (words are case-insensitive; values may be quoted with "..."
 * or '...' to hold spaces, parentheses or quotes, \ escaping inside):
 *
 *   query  := or
 *   or     := and { "or" and }
 *   and    := unary { ["and"] unary }       two terms side by side: and
 *   unary  := "not" unary | "-" unary | "(" or ")" | atom
 *   atom   := FIELD ":" VALUE | FIELD "=" VALUE
 *
 * Fields:
 *   tag:X, category:X, or any taxonomy by its singular or its field name
 *           (tags:X): the post has that term (letter case ignored)
 *   year:2024            year:2020..2022      the year of its date
 *   month:2024-05        month:5              a month (of a year, or of any)
 *   date:2024-05-20      date:2024-01-01..2024-06-30   a day or a range of
 *           days; either end may be left out (date:..2023-12-31)
 *   draft:true|false     title:WORD (the title holds WORD, case ignored)
 *   any other front-matter field: FIELD:VALUE or FIELD=VALUE, true when
 *           the field (its name matched without regard to case) is a
 *           scalar whose text is VALUE, or a list holding one
 *
 * Dates are the wall-clock day as written, as by-date/ files posts.
 */
#ifndef POSTFS_QUERY_H
#define POSTFS_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "fmerror.h"
#include "post.h"

struct qexpr;

/* What the parser needs to know of the mount: its taxonomies' names. */
struct qenv {
	unsigned ntax;
	const char *tax_singular[TAX_MAX];
	const char *tax_field[TAX_MAX];
};

/* Whether the post being matched has the term of taxonomy tax whose key
 * (names.h name_key of its folder name) is key. */
typedef int (*query_has_term)(void *ctx, unsigned tax, const char *key);

/* Parse text[0..len) into a new expression (free with qexpr_free).
 * Returns 0, or -EINVAL with *err naming the column of the problem, or
 * -ENOMEM.  At most 64 atoms and 32 levels of nesting. */
int query_parse(const char *text, size_t len, const struct qenv *env,
		struct qexpr **out, struct pf_error *err);
void qexpr_free(struct qexpr *e);

/* Does post p match?  has_term(ctx, ...) answers for its terms. */
int query_match(const struct qexpr *e, const struct post *p,
		query_has_term has_term, void *ctx);

#endif
