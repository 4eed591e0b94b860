/* theme.h — the set of templates pages are rendered with: the built-in
 * theme (render/templates/, compiled into the binary) with any file of
 * a templates folder given by the user taking the place of the built-in
 * file of the same name.
 *
 * Template files (Mustache, see mustache.h and the README for the
 * variables each gets):
 *   home.html  post.html  list.html  terms.html  feed.xml  sitemap.xml
 * partials, included as {{> header}} and so on:
 *   header.html  footer.html  (and any other *.html in the folder,
 *   by its name without the extension)
 * and static files served as they are:
 *   style.css
 *
 * A theme is immutable and reference-counted, so a reload can replace it
 * while pages are being rendered with the old one.
 */
#ifndef POSTFS_THEME_H
#define POSTFS_THEME_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct theme;

/* Load the built-in theme and, when dir is not NULL, the files of dir
 * over it.  A file that does not compile is reported in *errors (one
 * line each, naming the file, line and column; errors may be NULL) and
 * the built-in one is used instead.  Returns 0 and *out (refs = 1), or
 * -ENOMEM. */
int theme_load(const char *dir, struct theme **out, struct buf *errors);
struct theme *theme_ref(struct theme *t);
void theme_unref(struct theme *t);

/* Render template `name` (e.g. "post.html") with view as its data,
 * appending to out.  Returns 0, -ENOENT when there is no such template,
 * or -ENOMEM. */
int theme_render(const struct theme *t, const char *name, json_t *view,
		 struct buf *out);
/* A static file of the theme (e.g. "style.css"): its bytes (owned by
 * the theme) and length, or NULL. */
const char *theme_static(const struct theme *t, const char *name, size_t *len);
/* The newest mtime (ns) among the files the theme is made from: the
 * user's files, and for the built-in ones the time the program was
 * built. */
int64_t theme_mtime_ns(const struct theme *t);

#endif
