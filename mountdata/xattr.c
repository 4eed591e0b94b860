/* xattr.c — extended attributes: a post's metadata on each of its files
 * and on its folder, for shell scripts and file managers
 * (`getfattr -d posts/x.html`).
 *
 *   user.postfs.title     the title
 *   user.postfs.date      the date, RFC 3339
 *   user.postfs.tags      each taxonomy's terms as written, a JSON array
 *   user.postfs.categories   (one attribute per taxonomy, by its field)
 *   user.postfs.source    the source's path relative to SOURCE
 *   user.postfs.slug      the slug
 * Listings and their folders carry user.postfs.title.
 */
#include "site_impl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

#define XPFX "user.postfs."

/* Append the value of attribute `what` (after the prefix) of post p. */
static int post_xattr(struct site *s, const struct post *p, const char *what, struct buf *out)
{
	unsigned t, i;

	if (!strcmp(what, "title")) {
		buf_adds(out, p->title);
		return 0;
	}
	if (!strcmp(what, "date")) {
		pdate_format(out, &p->date);
		return 0;
	}
	if (!strcmp(what, "source")) {
		buf_adds(out, p->src);
		return 0;
	}
	if (!strcmp(what, "slug")) {
		buf_adds(out, p->slug);
		return 0;
	}
	for (t = 0; t < s->ntax; t++) {
		json_t *a;
		char *txt;

		if (strcmp(what, s->tax[t].field))
			continue;
		a = json_array();
		for (i = 0; i < p->nterms[t]; i++)
			json_array_append_new(a, json_string(p->terms[t][i]));
		txt = json_dumps(a, JSON_COMPACT);
		json_decref(a);
		if (!txt)
			return -ENOMEM;
		buf_adds(out, txt);
		free(txt);
		return 0;
	}
	return -ENODATA;
}

static void listing_title(struct site *s, const struct node *n, struct buf *out)
{
	const struct ctx *c = &n->ctx;

	if (n->cls == NC_ROOT) {
		buf_adds(out, s->o.title);
		return;
	}
	switch (c->type) {
	case CTX_ROOT:
		buf_adds(out, s->o.title);
		break;
	case CTX_POSTS:
		buf_adds(out, "All posts");
		break;
	case CTX_TAX:
		buf_adds(out, s->tax[c->tax].field);
		break;
	case CTX_TERM:
		buf_printf(out, "%s: %s", s->tax[c->tax].singular,
			   s->tax[c->tax].terms[c->term]->name ? s->tax[c->tax].terms[c->term]->name : "");
		break;
	case CTX_DATE:
		if (c->level == 0)
			buf_adds(out, "Archive");
		else if (c->level == 1)
			buf_printf(out, "%04u", c->year);
		else if (c->level == 2)
			buf_printf(out, "%04u-%02u", c->year, c->month);
		else
			buf_printf(out, "%04u-%02u-%02u", c->year, c->month, c->day);
		break;
	case CTX_META:
		buf_adds(out, "Status");
		break;
	case CTX_QUERY: {
		struct query *q = c->query ? query_ensure(s, c->query) : NULL;
		unsigned k;

		if (!q) {
			buf_adds(out, "Queries");
		} else if (q->text) {
			buf_printf(out, "query: %s", q->text);
		} else {
			buf_printf(out, "%s: ", s->tax[q->tax].singular);
			for (k = 0; k < q->nterms; k++) {
				const char *nm = s->tax[q->tax].terms[q->terms[k]]->name;

				buf_printf(out, "%s%s", k ? " + " : "", nm ? nm : "");
			}
			if (c->level)
				buf_adds(out, " +");
		}
		break;
	}
	}
}

/* Caller holds the lock.  names: append NUL-separated names; else the
 * value of `name`. */
static int xattrs(struct site *s, const struct node *n, const char *name,
		  struct buf *out, int names)
{
	struct slot *sl = NULL;
	const char *what;
	unsigned t;

	if (n->cls == NC_POSTFILE || (n->cls == NC_RES && n->res == 0))
		sl = site_slot(s, n->post);
	if (sl && sl->post) {
		static const char *const fixed[] = { "title", "date", "source", "slug" };
		unsigned i;

		if (!names) {
			if (strncmp(name, XPFX, strlen(XPFX)))
				return -ENODATA;
			return post_xattr(s, sl->post, name + strlen(XPFX), out);
		}
		for (i = 0; i < 4; i++) {
			buf_adds(out, XPFX);
			buf_adds(out, fixed[i]);
			buf_add(out, "", 1);
		}
		for (t = 0; t < s->ntax; t++) {
			buf_adds(out, XPFX);
			buf_adds(out, s->tax[t].field);
			buf_add(out, "", 1);
		}
		return 0;
	}
	if (n->cls == NC_RES) {
		const char *p = NULL;

		pthread_mutex_lock(&s->res_lock);
		if (n->res >= 1 && n->res <= s->nres)
			p = s->res[n->res - 1]->path;
		pthread_mutex_unlock(&s->res_lock);
		if (!p)
			return -ENODATA;
		if (names) {
			buf_adds(out, XPFX "source");
			buf_add(out, "", 1);
			return 0;
		}
		if (strcmp(name, XPFX "source"))
			return -ENODATA;
		buf_adds(out, p);
		return 0;
	}
	if (n->cls == NC_LISTFILE && n->file == LF_STYLE)
		return names ? 0 : -ENODATA;
	what = XPFX "title";
	if (names) {
		buf_adds(out, what);
		buf_add(out, "", 1);
		return 0;
	}
	if (strcmp(name, what))
		return -ENODATA;
	listing_title(s, n, out);
	return 0;
}

/* One attribute's value (name) or the list of names (name NULL) of the
 * node ino, as it is now or in the version the kernel still holds. */
static int node_xattrs(struct site *s, uint64_t ino, const char *name, struct buf *out)
{
	struct node n;
	int ret;

	if (node_decode(ino, &n))
		return -ENOENT;
	pthread_rwlock_rdlock(&s->lock);
	ret = node_exists(s, &n);
	if (!ret || ret == -ESTALE)
		ret = xattrs(s, &n, name, out, !name);
	pthread_rwlock_unlock(&s->lock);
	return ret ? ret : buf_error(out);
}

int site_getxattr(struct site *s, uint64_t ino, const char *name, struct buf *out)
{
	int ret = node_xattrs(s, ino, name, out);

	if (!ret && !utf8_valid(out->data ? out->data : "", out->len)) {
		/* file names can be any bytes: values are always UTF-8 */
		struct buf r = BUF_INIT;

		utf8_repair(&r, out->data, out->len);
		buf_reset(out);
		buf_add(out, r.data ? r.data : "", r.len);
		buf_free(&r);
		ret = buf_error(out);
	}
	return ret;
}

int site_listxattr(struct site *s, uint64_t ino, struct buf *out)
{
	return node_xattrs(s, ino, NULL, out);
}
