/* status.c — .postfs/status.json: what the mount is doing, and every
 * source that could not be read as a post, with the reason.
 *
 * Its figures (cache hits, say) change all the time, so the file is a
 * series of snapshots, taken at most once a second when it is looked
 * up: each snapshot is a version of the file with its own inode (see
 * node.h), so a reader reads one snapshot whole and `stat` and `read`
 * always agree. */
#include "site_impl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "utf8.h"

static json_t *jtext(const char *s)
{
	char *r;
	json_t *j;

	if (!s)
		return json_null();
	if (utf8_valid(s, strlen(s)))
		return json_string(s);
	r = utf8_dup(s, strlen(s));
	j = r ? json_string(r) : NULL;
	free(r);
	return j;
}

static json_t *jrfc3339(int64_t sec)
{
	struct pdate d;
	struct buf b = BUF_INIT;
	json_t *j;

	pdate_from_time(sec, 0, &d);
	pdate_format(&b, &d);
	j = json_stringn(b.data ? b.data : "", b.len);
	buf_free(&b);
	return j;
}

static void add_error(json_t *errs, const char *file, int line, int col, const char *msg)
{
	json_t *o = json_object();

	json_object_set_new(o, "file", jtext(file));
	if (line)
		json_object_set_new(o, "line", json_integer(line));
	if (col)
		json_object_set_new(o, "column", json_integer(col));
	json_object_set_new(o, "message", jtext(msg));
	json_array_append_new(errs, o);
}

/* The snapshot's bytes.  Caller holds lock for reading. */
static struct blob *snapshot(struct site *s, int64_t now)
{
	json_t *v = json_object(), *errs = json_array(), *o, *tx;
	struct cache_stats cs;
	struct blob *b = NULL;
	size_t hidden = 0, len;
	uint32_t i;
	unsigned k, t;
	char *txt;

	json_object_set_new(v, "version", json_string(POSTFS_VERSION));
	json_object_set_new(v, "source", jtext(s->o.source));
	json_object_set_new(v, "mounted", jrfc3339(s->started_ns / 1000000000LL));
	json_object_set_new(v, "generated", jrfc3339(now / 1000000000LL));
	for (i = 0; i < s->nslots; i++) {
		struct slot *sl = s->slots[i];

		if (sl->post && !sl->visible)
			hidden++;
		if (sl->load_err)
			add_error(errs, sl->src, 0, 0, sl->load_err);
		for (k = 0; sl->post && k < sl->post->nerrs; k++)
			add_error(errs, sl->src, sl->post->errs[k].line,
				  sl->post->errs[k].column, sl->post->errs[k].msg);
		if (sl->post && atomic_load(&sl->post->late_err)) {
			const char *m = atomic_load(&sl->post->late_err);
			int line = 0, col = 0, used = 0;

			if (sscanf(m, "%d:%d: %n", &line, &col, &used) == 2 && used)
				add_error(errs, sl->src, line, col, m + used);
			else
				add_error(errs, sl->src, 0, 0, m);
		}
	}
	for (i = 0; i < s->nscan_errs; i++) {
		char *tab = strchr(s->scan_errs[i], '\t');

		if (tab)
			*tab = '\0';
		add_error(errs, s->scan_errs[i], 0, 0, tab ? tab + 1 : "");
		if (tab)
			*tab = '\t';
	}
	o = json_object();
	json_object_set_new(o, "sources", json_integer(s->nslots));
	json_object_set_new(o, "shown", json_integer((json_int_t)s->all.n));
	json_object_set_new(o, "hidden", json_integer((json_int_t)hidden));
	json_object_set_new(v, "posts", o);
	tx = json_object();
	for (t = 0; t < s->ntax; t++)
		json_object_set_new(tx, s->tax[t].field,
				    json_integer((json_int_t)s->tax[t].by_name.len));
	json_object_set_new(v, "terms", tx);
	cache_get_stats(s->cache, &cs);
	{
		struct cache *more[] = { s->bodies, s->facts };
		struct cache_stats bs;
		size_t m;

		for (m = 0; m < sizeof(more) / sizeof(more[0]); m++) {
			cache_get_stats(more[m], &bs);
			cs.bytes += bs.bytes;
			cs.max_bytes += bs.max_bytes;
			cs.hits += bs.hits;
			cs.misses += bs.misses;
			cs.evictions += bs.evictions;
		}
	}
	o = json_object();
	json_object_set_new(o, "bytes", json_integer((json_int_t)cs.bytes));
	json_object_set_new(o, "max_bytes", json_integer((json_int_t)cs.max_bytes));
	json_object_set_new(o, "files", json_integer((json_int_t)cs.blobs));
	json_object_set_new(o, "sizes_known", json_integer((json_int_t)cs.entries));
	json_object_set_new(o, "hits", json_integer((json_int_t)cs.hits));
	json_object_set_new(o, "misses", json_integer((json_int_t)cs.misses));
	json_object_set_new(o, "evictions", json_integer((json_int_t)cs.evictions));
	json_object_set_new(v, "cache", o);
	json_object_set_new(v, "errors", errs);
	txt = json_dumps(v, JSON_INDENT(2));
	json_decref(v);
	if (!txt)
		return NULL;
	len = strlen(txt);
	b = blob_new(len + 1);
	if (b) {
		memcpy(b->data, txt, len);
		b->data[len] = '\n';
		b->mtime_ns = now;
	}
	free(txt);
	return b;
}

int status_get(struct site *s, int refresh, uint8_t want, struct blob **out, uint8_t *gen)
{
	int64_t now = now_ns();
	struct blob *cur, *fresh;
	unsigned slot;

	*out = NULL;
	pthread_mutex_lock(&s->stat_lock);
	cur = s->status_ring[s->status_gen & 3].blob;
	if (!refresh) {
		slot = want & 3;
		if (s->status_ring[slot].blob && s->status_ring[slot].gen == want) {
			*out = blob_ref(s->status_ring[slot].blob);
			*gen = want;
		}
		pthread_mutex_unlock(&s->stat_lock);
		return *out ? 0 : -ESTALE;
	}
	if (cur && now - cur->mtime_ns < 1000000000LL) {
		*out = blob_ref(cur);
		*gen = s->status_gen;
		pthread_mutex_unlock(&s->stat_lock);
		return 0;
	}
	pthread_mutex_unlock(&s->stat_lock);

	fresh = snapshot(s, now);
	if (!fresh)
		return -ENOMEM;
	pthread_mutex_lock(&s->stat_lock);
	/* another thread may have taken one meanwhile: the newer wins */
	cur = s->status_ring[s->status_gen & 3].blob;
	if (cur && cur->mtime_ns >= now) {
		blob_unref(fresh);
		fresh = blob_ref(cur);
	} else {
		s->status_gen++;
		slot = s->status_gen & 3;
		blob_unref(s->status_ring[slot].blob);
		s->status_ring[slot].blob = blob_ref(fresh);
		s->status_ring[slot].gen = s->status_gen;
	}
	*out = fresh;
	*gen = s->status_gen;
	pthread_mutex_unlock(&s->stat_lock);
	return 0;
}

void status_free(struct site *s)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		blob_unref(s->status_ring[i].blob);
}
