/* Unit tests of mountdata/node.c: inode numbers round-trip for every
 * class, context and edge value (version bits included), numbers no node
 * can have are refused, distinct nodes get distinct numbers, and every
 * accepted number is the one its node encodes to. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "node.h"

static int node_eq(const struct node *a, const struct node *b)
{
	return a->cls == b->cls && a->file == b->file && a->ext == b->ext &&
	       a->ver == b->ver && a->page == b->page && a->post == b->post &&
	       a->res == b->res && a->ctx.type == b->ctx.type &&
	       a->ctx.tax == b->ctx.tax && a->ctx.level == b->ctx.level &&
	       a->ctx.month == b->ctx.month && a->ctx.day == b->ctx.day &&
	       a->ctx.year == b->ctx.year && a->ctx.term == b->ctx.term;
}

static void node_print(const char *label, const struct node *n)
{
	printf("    %s: cls %u file %u ext %u ver %u page %u post %u res %u "
	       "ctx{type %u tax %u level %u y %u m %u d %u term %u}\n", label,
	       n->cls, n->file, n->ext, n->ver, n->page, n->post, n->res,
	       n->ctx.type, n->ctx.tax, n->ctx.level, n->ctx.year, n->ctx.month,
	       n->ctx.day, n->ctx.term);
}

#define MAX_CTX 200

static const uint8_t taxes[] = { 0, 1, 7, 15 };
static const uint32_t terms[] = { 0, 1, 12345, NODE_MAX_TERM - 1, NODE_MAX_TERM };
static const uint16_t years[] = { 1, 1970, 2024, 9998, NODE_MAX_YEAR };

/* Every listing context worth naming, edge values included.  With
 * post_only, only the folders that hold a post's pages: posts/, a term,
 * a day. */
static size_t all_ctx(struct ctx *out, int post_only)
{
	size_t n = 0, i, j, k;

	memset(out, 0, MAX_CTX * sizeof(*out));
	if (!post_only)
		out[n++].type = CTX_ROOT;
	out[n++].type = CTX_POSTS;
	if (!post_only)
		out[n++].type = CTX_META;
	for (i = 0; i < sizeof(taxes); i++) {
		if (!post_only) {
			out[n].type = CTX_TAX;
			out[n++].tax = taxes[i];
		}
		for (j = 0; j < sizeof(terms) / sizeof(*terms); j++) {
			out[n].type = CTX_TERM;
			out[n].tax = taxes[i];
			out[n++].term = terms[j];
		}
	}
	if (!post_only) {
		out[n].type = CTX_DATE;
		out[n++].level = 0;
	}
	for (i = 0; i < sizeof(years) / sizeof(*years); i++) {
		if (!post_only) {
			out[n].type = CTX_DATE;
			out[n].level = 1;
			out[n++].year = years[i];
		}
		for (j = 1; j <= 12; j += 11) {
			if (!post_only) {
				out[n].type = CTX_DATE;
				out[n].level = 2;
				out[n].year = years[i];
				out[n++].month = (uint8_t)j;
			}
			for (k = 1; k <= 31; k += 30) {
				out[n].type = CTX_DATE;
				out[n].level = 3;
				out[n].year = years[i];
				out[n].month = (uint8_t)j;
				out[n++].day = (uint8_t)k;
			}
		}
	}
	return n;
}

struct entry {
	uint64_t ino;
	struct node n;
};

static int cmp_entry(const void *a, const void *b)
{
	uint64_t x = ((const struct entry *)a)->ino, y = ((const struct entry *)b)->ino;

	return x < y ? -1 : x > y;
}

static void round_trip(int line, const struct node *n, struct entry *e, size_t *ne)
{
	struct node back;
	uint64_t ino = node_ino(n);
	int ret;

	check_note(ino != 0, __FILE__, line, "node_ino != 0");
	check_note((ino == 1) == (n->cls == NC_ROOT), __FILE__, line,
		   "ino 1 is the root's and only the root's (got 0x%llx for class %u)",
		   (unsigned long long)ino, n->cls);
	check_note(ino >> 60 == (n->cls == NC_ROOT ? 0 : n->cls), __FILE__, line,
		   "the class is in the top 4 bits (0x%llx)", (unsigned long long)ino);
	memset(&back, 0x5A, sizeof(back));
	ret = node_decode(ino, &back);
	check_note(ret == 0 && node_eq(n, &back), __FILE__, line,
		   "node_decode(node_ino(n)) == n (ino 0x%llx, ret %d)",
		   (unsigned long long)ino, ret);
	if (ret || !node_eq(n, &back)) {
		node_print("node", n);
		node_print("back", &back);
	}
	if (e) {
		e[*ne].ino = ino;
		e[*ne].n = *n;
		(*ne)++;
	}
}

/* Sorted by inode, equal inodes must be equal nodes; returns the number
 * of distinct inodes. */
static size_t check_distinct(int line, struct entry *e, size_t n)
{
	size_t i, distinct = n ? 1 : 0, bad = 0;

	qsort(e, n, sizeof(*e), cmp_entry);
	for (i = 1; i < n; i++) {
		if (e[i].ino != e[i - 1].ino) {
			distinct++;
		} else if (!node_eq(&e[i].n, &e[i - 1].n)) {
			if (!bad++) {
				printf("    0x%llx is given to two nodes:\n",
				       (unsigned long long)e[i].ino);
				node_print("one", &e[i - 1].n);
				node_print("two", &e[i].n);
			}
		}
	}
	check_note(!bad, __FILE__, line, "distinct nodes have distinct inodes (%zu clashes)", bad);
	return distinct;
}

static void test_classes(void)
{
	static struct ctx ctxs[MAX_CTX], pctxs[MAX_CTX];
	static struct entry e[40000];
	static const uint32_t posts[] = { 0, 1, 4242, NODE_MAX_POST - 1, NODE_MAX_POST };
	static const uint32_t ress[] = { 0, 1, 77, 0x7FFFFFFFu, 0xFFFFFFFFu };
	static const uint32_t pages[] = { 1, 2, 99, NODE_MAX_PAGE - 1, NODE_MAX_PAGE };
	static const uint8_t lvers[] = { 0, 1, 0x80, NODE_VER_LIST };
	static const uint8_t pvers[] = { 0, 1, 0x40, NODE_VER_POST };
	static const uint8_t rvers[] = { 0, 1, 0x10, NODE_VER_RES };
	size_t nctx = all_ctx(ctxs, 0), npctx = all_ctx(pctxs, 1), ne = 0, i, f, x, v;
	struct node n;

	memset(&n, 0, sizeof(n));
	n.cls = NC_ROOT;
	CHECK_U64(node_ino(&n), 1);
	round_trip(__LINE__, &n, e, &ne);

	for (i = 0; i < nctx; i++) {
		memset(&n, 0, sizeof(n));
		n.cls = NC_DIR;
		n.ctx = ctxs[i];
		round_trip(__LINE__, &n, e, &ne);
		for (f = LF_INDEX_HTML; f <= LF_STATUS; f++) {
			for (v = 0; v < sizeof(lvers); v++) {
				memset(&n, 0, sizeof(n));
				n.cls = NC_LISTFILE;
				n.ctx = ctxs[i];
				n.file = (uint8_t)f;
				n.ver = lvers[v];
				if (f != LF_INDEX_HTML) {
					round_trip(__LINE__, &n, e, &ne);
					continue;
				}
				for (x = 0; x < sizeof(pages) / sizeof(*pages); x++) {
					n.page = pages[x];
					round_trip(__LINE__, &n, e, &ne);
				}
			}
		}
	}
	for (i = 0; i < npctx; i++) {
		for (f = PE_HTML; f <= PE_MD; f++) {
			for (x = 0; x < sizeof(posts) / sizeof(*posts); x++) {
				for (v = 0; v < sizeof(pvers); v++) {
					memset(&n, 0, sizeof(n));
					n.cls = NC_POSTFILE;
					n.ctx = pctxs[i];
					n.ext = (uint8_t)f;
					n.post = posts[x];
					n.ver = pvers[v];
					round_trip(__LINE__, &n, e, &ne);
				}
			}
		}
	}
	for (i = 0; i < sizeof(posts) / sizeof(*posts); i++) {
		for (x = 0; x < sizeof(ress) / sizeof(*ress); x++) {
			for (v = 0; v < sizeof(rvers); v++) {
				memset(&n, 0, sizeof(n));
				n.cls = NC_RES;
				n.post = posts[i];
				n.res = ress[x];
				n.ver = rvers[v];
				round_trip(__LINE__, &n, e, &ne);
			}
		}
	}
	CHECK(ne < sizeof(e) / sizeof(*e));
	CHECK_INT(check_distinct(__LINE__, e, ne), ne);
}

/* A file keeps only the low bits of its version: a version past them
 * wraps to an earlier number, never spills into other fields. */
static void test_version_bits(void)
{
	struct node n, back;
	uint64_t a, b;

	memset(&n, 0, sizeof(n));
	n.cls = NC_POSTFILE;
	n.ctx.type = CTX_POSTS;
	n.post = 5;
	n.ver = 0x7F;
	a = node_ino(&n);
	n.ver = 0xFF;
	b = node_ino(&n);
	CHECK_U64(a, b);
	CHECK_INT(node_decode(b, &back), 0);
	CHECK_INT(back.ver, 0x7F);
	CHECK_INT(back.post, 5);
	CHECK_INT(back.ext, 0);

	memset(&n, 0, sizeof(n));
	n.cls = NC_RES;
	n.post = 9;
	n.res = 3;
	n.ver = 0xFF;
	CHECK_INT(node_decode(node_ino(&n), &back), 0);
	CHECK_INT(back.ver, NODE_VER_RES);
	CHECK_INT(back.res, 3);
	CHECK_INT(back.post, 9);

	/* two versions of one file are two inodes; one version is one */
	memset(&n, 0, sizeof(n));
	n.cls = NC_LISTFILE;
	n.ctx.type = CTX_ROOT;
	n.file = LF_INDEX_HTML;
	n.page = 1;
	n.ver = 1;
	a = node_ino(&n);
	n.ver = 2;
	b = node_ino(&n);
	CHECK(a != b);
	n.ver = 1;
	CHECK_U64(node_ino(&n), a);
	/* folders have no version */
	memset(&n, 0, sizeof(n));
	n.cls = NC_DIR;
	n.ctx.type = CTX_POSTS;
	CHECK_INT(node_decode(node_ino(&n), &back), 0);
	CHECK_INT(back.ver, 0);
}

static void random_ctx(uint64_t *st, struct ctx *c, int post_only)
{
	static const uint8_t ptypes[] = { CTX_POSTS, CTX_TERM, CTX_DATE };

	memset(c, 0, sizeof(*c));
	c->type = post_only ? ptypes[check_rand(st) % 3] :
			      (uint8_t)(check_rand(st) % (CTX_META + 1));
	switch (c->type) {
	case CTX_TERM:
		c->term = (uint32_t)(check_rand(st) % (NODE_MAX_TERM + 1ULL));
		/* fall through */
	case CTX_TAX:
		c->tax = (uint8_t)(check_rand(st) % 16);
		break;
	case CTX_DATE:
		c->level = post_only ? 3 : (uint8_t)(check_rand(st) % 4);
		if (c->level >= 1)
			c->year = (uint16_t)(1 + check_rand(st) % NODE_MAX_YEAR);
		if (c->level >= 2)
			c->month = (uint8_t)(1 + check_rand(st) % 12);
		if (c->level >= 3)
			c->day = (uint8_t)(1 + check_rand(st) % 31);
		break;
	}
}

static void random_node(uint64_t *st, struct node *n)
{
	memset(n, 0, sizeof(*n));
	n->cls = (uint8_t)(NC_DIR + check_rand(st) % 4);
	switch (n->cls) {
	case NC_DIR:
		random_ctx(st, &n->ctx, 0);
		break;
	case NC_LISTFILE:
		random_ctx(st, &n->ctx, 0);
		n->file = (uint8_t)(check_rand(st) % (LF_STATUS + 1));
		if (n->file == LF_INDEX_HTML)
			n->page = (uint32_t)(1 + check_rand(st) % NODE_MAX_PAGE);
		n->ver = (uint8_t)(check_rand(st) & NODE_VER_LIST);
		break;
	case NC_POSTFILE:
		random_ctx(st, &n->ctx, 1);
		n->ext = (uint8_t)(check_rand(st) % (PE_MD + 1));
		n->post = (uint32_t)(check_rand(st) % (NODE_MAX_POST + 1ULL));
		n->ver = (uint8_t)(check_rand(st) & NODE_VER_POST);
		break;
	case NC_RES:
		n->post = (uint32_t)(check_rand(st) % (NODE_MAX_POST + 1ULL));
		n->res = (uint32_t)check_rand(st);
		n->ver = (uint8_t)(check_rand(st) & NODE_VER_RES);
		break;
	}
}

static void test_random(void)
{
	static struct entry e[5000];
	uint64_t st = 0x9E3779B97F4A7C15ULL;
	size_t i, ne = 0;
	unsigned before = check_failed;

	for (i = 0; i < sizeof(e) / sizeof(*e) && check_failed == before; i++) {
		struct node n;

		random_node(&st, &n);
		round_trip(__LINE__, &n, e, &ne);
	}
	check_distinct(__LINE__, e, ne);
}

#define CLS(c) ((uint64_t)(c) << 60)
#define CTX(t, p) (((uint64_t)(t) << 28) | (uint64_t)(p))
#define DIRCTX(t, p) (CLS(NC_DIR) | CTX(t, p))
#define LISTCTX(t, p) (CLS(NC_LISTFILE) | (CTX(t, p) << 29))
#define POSTCTX(pt, p) (CLS(NC_POSTFILE) | ((((uint64_t)(pt) << 26) | (uint64_t)(p)) << 32))
#define DATE(level, y, m, d) (((uint64_t)(level) << 23) | ((uint64_t)(y) << 9) | \
			      ((uint64_t)(m) << 5) | (uint64_t)(d))

static void check_refused(int line, uint64_t ino)
{
	struct node n;
	int ret = node_decode(ino, &n);

	check_note(ret == -ENOENT, __FILE__, line, "node_decode(0x%llx) == -ENOENT (got %d)",
		   (unsigned long long)ino, ret);
	if (!ret)
		node_print("decoded as", &n);
}

#define REFUSED(ino) check_refused(__LINE__, ino)

static void test_invalid(void)
{
	uint64_t c, st = 42;
	int i;

	REFUSED(0);
	REFUSED(2);
	REFUSED(3);
	REFUSED(0x0FFFFFFFFFFFFFFFULL);
	for (c = NC_RES + 1; c < 16; c++) {
		REFUSED(CLS(c));
		REFUSED(CLS(c) | 1);
		REFUSED(CLS(c) | (check_rand(&st) >> 4));
	}
	/* bits past a folder's layout */
	REFUSED(CLS(NC_DIR) | (1ULL << 31));
	REFUSED(CLS(NC_DIR) | (1ULL << 59));
	/* context types that do not exist */
	REFUSED(DIRCTX(7, 0));
	REFUSED(LISTCTX(7, 0) | 1);
	/* a query context: a plus bit and a 24-bit id, nothing above */
	REFUSED(DIRCTX(CTX_QUERY, 1u << 25));
	REFUSED(LISTCTX(CTX_QUERY, 1u << 26));
	/* payload where a context has none, or bits past it */
	REFUSED(DIRCTX(CTX_ROOT, 1));
	REFUSED(DIRCTX(CTX_POSTS, 5));
	REFUSED(DIRCTX(CTX_META, 1u << 27));
	REFUSED(DIRCTX(CTX_TAX, 16));
	REFUSED(DIRCTX(CTX_TAX, 1u << 27));
	REFUSED(DIRCTX(CTX_TERM, 1u << 26));
	REFUSED(DIRCTX(CTX_DATE, 1u << 25));
	REFUSED(DIRCTX(CTX_DATE, (1u << 27) | DATE(3, 2024, 1, 1)));
	REFUSED(LISTCTX(CTX_ROOT, 1));
	REFUSED(LISTCTX(CTX_TERM, 1u << 27));
	/* a post file outside posts/, a term, day or query folder */
	REFUSED(POSTCTX(3, 1u << 24));
	REFUSED(POSTCTX(3, 1u << 25) | (1ULL << 7));
	REFUSED(POSTCTX(0, 1));
	REFUSED(POSTCTX(0, 1u << 25));
	REFUSED(POSTCTX(2, 1u << 23));
	REFUSED(POSTCTX(2, (1u << 25) | DATE(0, 2024, 1, 1)));

	/* Field values outside their ranges: no node has these either. */
	REFUSED(DIRCTX(CTX_DATE, DATE(1, 10000, 0, 0)));     /* year 10000 */
		REFUSED(DIRCTX(CTX_DATE, DATE(2, 2024, 13, 0)));     /* month 13 */
		REFUSED(POSTCTX(2, DATE(0, 2024, 13, 1)));           /* month 13 */
		REFUSED(LISTCTX(CTX_ROOT, 0) | (15ULL << 25));       /* file 15 */
		REFUSED(LISTCTX(CTX_ROOT, 0) | ((uint64_t)(LF_STATUS + 1) << 25));
		REFUSED(POSTCTX(0, 0) | (3ULL << 30));              /* ext 3 */

	/* Every number accepted is the one its node encodes to, so no node
	 * has two inode numbers. */
	{
		uint64_t bad = 0, example = 0, seen = 0;

		for (i = 0; i < 300000; i++) {
			uint64_t x = check_rand(&st);
			struct node n;

			/* aim at the classes that exist, with sparse payloads */
			x = CLS(1 + x % 5) | ((x >> 3) & (check_rand(&st) >> 4) &
						((1ULL << 60) - 1));
			if (node_decode(x, &n))
				continue;
			seen++;
			if (node_ino(&n) != x && !bad++)
				example = x;
		}
		CHECK(seen > 1000);
		CHECKF(bad == 0, "%llu of %llu accepted numbers are not their node's "
		       "own (e.g. 0x%llx)", (unsigned long long)bad,
		       (unsigned long long)seen, (unsigned long long)example);
	}
}

int main(void)
{
	test_classes();
	test_version_bits();
	test_random();
	test_invalid();
	return check_done("test_node");
}
