#include "node.h"

#include <errno.h>
#include <string.h>

#define BITS(v, n) ((uint64_t)(v) & ((1ULL << (n)) - 1))

static uint64_t date_code(const struct ctx *c)
{
	return (BITS(c->year, 14) << 9) | (BITS(c->month, 4) << 5) | BITS(c->day, 5);
}

static void date_decode(uint64_t p, struct ctx *c)
{
	c->year = (uint16_t)BITS(p >> 9, 14);
	c->month = (uint8_t)BITS(p >> 5, 4);
	c->day = (uint8_t)BITS(p, 5);
}

static int date_ok(const struct ctx *c)
{
	return c->year > NODE_MAX_YEAR || c->month > 12 || c->day > 31 ? -ENOENT : 0;
}

static uint64_t ctx_code(const struct ctx *c)
{
	uint64_t p = 0;

	switch (c->type) {
	case CTX_TAX:
		p = BITS(c->tax, 4);
		break;
	case CTX_TERM:
		p = (BITS(c->tax, 4) << 22) | BITS(c->term, 22);
		break;
	case CTX_DATE:
		p = (BITS(c->level, 2) << 23) | date_code(c);
		break;
	case CTX_QUERY:
		p = (BITS(c->level, 1) << 24) | BITS(c->query, 24);
		break;
	}
	return ((uint64_t)c->type << 28) | p;
}

static int ctx_decode(uint64_t code, struct ctx *c)
{
	uint64_t p = BITS(code, 28);

	memset(c, 0, sizeof(*c));
	c->type = (uint8_t)(code >> 28);
	switch (c->type) {
	case CTX_ROOT:
	case CTX_POSTS:
	case CTX_META:
		return p ? -ENOENT : 0;
	case CTX_TAX:
		c->tax = (uint8_t)p;
		return p > 15 ? -ENOENT : 0;
	case CTX_TERM:
		if (p >> 26)
			return -ENOENT;
		c->tax = (uint8_t)(p >> 22);
		c->term = (uint32_t)BITS(p, 22);
		return 0;
	case CTX_DATE:
		if (p >> 25)
			return -ENOENT;
		c->level = (uint8_t)(p >> 23);
		date_decode(p, c);
		return date_ok(c);
	case CTX_QUERY:
		if (p >> 25)
			return -ENOENT;
		c->level = (uint8_t)(p >> 24);
		c->query = (uint32_t)BITS(p, 24);
		return 0;
	}
	return -ENOENT;
}

/* The folders that hold a post's pages, in 28 bits. */
static uint64_t pctx_code(const struct ctx *c)
{
	switch (c->type) {
	case CTX_TERM:
		return (1ULL << 26) | (BITS(c->tax, 4) << 22) | BITS(c->term, 22);
	case CTX_DATE:
		return (2ULL << 26) | date_code(c);
	case CTX_QUERY:
		return (3ULL << 26) | BITS(c->query, 24);
	}
	return 0;
}

static int pctx_decode(uint64_t code, struct ctx *c)
{
	uint64_t p = BITS(code, 26);

	memset(c, 0, sizeof(*c));
	switch (code >> 26) {
	case 0:
		c->type = CTX_POSTS;
		return p ? -ENOENT : 0;
	case 1:
		c->type = CTX_TERM;
		c->tax = (uint8_t)(p >> 22);
		c->term = (uint32_t)BITS(p, 22);
		return 0;
	case 2:
		if (p >> 23)
			return -ENOENT;
		c->type = CTX_DATE;
		c->level = 3;
		date_decode(p, c);
		return date_ok(c);
	case 3:
		if (p >> 24)
			return -ENOENT;
		c->type = CTX_QUERY;
		c->query = (uint32_t)p;
		return 0;
	}
	return -ENOENT;
}

uint64_t node_ino(const struct node *n)
{
	uint64_t cls = (uint64_t)n->cls << 60;

	switch (n->cls) {
	case NC_ROOT:
		return 1;
	case NC_DIR:
		return cls | ctx_code(&n->ctx);
	case NC_LISTFILE:
		return cls | (ctx_code(&n->ctx) << 29) | (BITS(n->file, 4) << 25) |
		       (BITS(n->page, 17) << 8) | BITS(n->ver, 8);
	case NC_POSTFILE:
		return cls | (pctx_code(&n->ctx) << 32) | (BITS(n->ext, 2) << 30) |
		       (BITS(n->post, 23) << 7) | BITS(n->ver, 7);
	case NC_RES:
		return cls | (BITS(n->post, 23) << 37) | (BITS(n->res, 32) << 5) |
		       BITS(n->ver, 5);
	}
	return 0;
}

int node_decode(uint64_t ino, struct node *n)
{
	uint64_t p = BITS(ino, 60);

	memset(n, 0, sizeof(*n));
	n->cls = (uint8_t)(ino >> 60);
	switch (n->cls) {
	case NC_NONE:
		if (ino != 1)
			return -ENOENT;
		n->cls = NC_ROOT;
		return 0;
	case NC_DIR:
		if (p >> 31)
			return -ENOENT;
		return ctx_decode(p, &n->ctx);
	case NC_LISTFILE:
		n->file = (uint8_t)BITS(p >> 25, 4);
		n->page = (uint32_t)BITS(p >> 8, 17);
		n->ver = (uint8_t)BITS(p, 8);
		if (n->file > LF_STATUS)
			return -ENOENT;
		return ctx_decode(p >> 29, &n->ctx);
	case NC_POSTFILE:
		n->ext = (uint8_t)BITS(p >> 30, 2);
		n->post = (uint32_t)BITS(p >> 7, 23);
		n->ver = (uint8_t)BITS(p, 7);
		if (n->ext > PE_MD)
			return -ENOENT;
		return pctx_decode(p >> 32, &n->ctx);
	case NC_RES:
		n->post = (uint32_t)BITS(p >> 37, 23);
		n->res = (uint32_t)BITS(p >> 5, 32);
		n->ver = (uint8_t)BITS(p, 5);
		return 0;
	}
	return -ENOENT;
}
