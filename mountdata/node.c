#include "node.h"

#include <errno.h>
#include <string.h>

static uint64_t ctx_code(const struct ctx *c)
{
	uint64_t p = 0;

	switch (c->type) {
	case CTX_TAX:
		p = c->tax & 15u;
		break;
	case CTX_TERM:
		p = ((uint64_t)(c->tax & 15u) << 24) | (c->term & NODE_MAX_TERM);
		break;
	case CTX_DATE:
		p = ((uint64_t)(c->level & 3u) << 23) | ((uint64_t)(c->year & 0x3FFFu) << 9) |
		    ((uint64_t)(c->month & 15u) << 5) | (c->day & 31u);
		break;
	}
	return ((uint64_t)c->type << 28) | p;
}

static int ctx_decode(uint64_t code, struct ctx *c)
{
	uint64_t p = code & ((1u << 28) - 1);

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
		c->tax = (uint8_t)(p >> 24);
		c->term = (uint32_t)(p & NODE_MAX_TERM);
		return 0;
	case CTX_DATE:
		c->level = (uint8_t)((p >> 23) & 3);
		c->year = (uint16_t)((p >> 9) & 0x3FFF);
		c->month = (uint8_t)((p >> 5) & 15);
		c->day = (uint8_t)(p & 31);
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
		return cls | (ctx_code(&n->ctx) << 24) | ((uint64_t)(n->file & 15u) << 20) |
		       (n->page & NODE_MAX_PAGE);
	case NC_POSTFILE:
		return cls | (ctx_code(&n->ctx) << 26) | ((uint64_t)(n->ext & 3u) << 24) |
		       (n->post & NODE_MAX_POST);
	case NC_RES:
		return cls | ((uint64_t)(n->post & NODE_MAX_POST) << 32) | n->res;
	}
	return 0;
}

int node_decode(uint64_t ino, struct node *n)
{
	uint64_t p = ino & ((1ULL << 60) - 1);

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
		if (p >> 55)
			return -ENOENT;
		n->file = (uint8_t)((p >> 20) & 15);
		n->page = (uint32_t)(p & NODE_MAX_PAGE);
		return ctx_decode(p >> 24, &n->ctx);
	case NC_POSTFILE:
		if (p >> 57)
			return -ENOENT;
		n->ext = (uint8_t)((p >> 24) & 3);
		n->post = (uint32_t)(p & NODE_MAX_POST);
		return ctx_decode(p >> 26, &n->ctx);
	case NC_RES:
		if (p >> 56)
			return -ENOENT;
		n->post = (uint32_t)(p >> 32);
		n->res = (uint32_t)p;
		return 0;
	}
	return -ENOENT;
}
