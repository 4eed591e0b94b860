/* markdown.c — Markdown to HTML on md4c's parser callbacks.
 *
 * md4c's own HTML renderer cannot give headings ids, replace raw HTML,
 * filter URL schemes or promise valid UTF-8, so this one stands in for
 * it.  For ordinary input it writes what md4c-html 0.5.2 writes (same
 * tags, same newlines), so that rendered posts and the golden files read
 * like every other md4c site.  The info (table of contents, words,
 * summaries) is gathered in the same pass.
 */
#include "markdown.h"

#include <errno.h>
#include <limits.h>
#include <md4c.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

#define SUMMARY_WORDS_DEFAULT 70
#define READING_RATE 213          /* words per minute, as Hugo counts */
#define SLUG_MAX 200              /* bytes of an id before its suffix */
#define HEADING_TEXT_MAX 1024     /* bytes of a heading's text kept */
#define RAW_PEEK 64               /* bytes of raw HTML safe mode looks at */
/* md4c counts offsets in unsigned int; stay well inside it. */
#define INPUT_MAX ((size_t)1 << 30)
/* md4c 0.5.2 writes a link reference definition's URL out again at
 * every use, so the output can grow with the square of the input
 * (md4c#238).  Unless the caller bounds the buffer, this bound does; no
 * real post comes near it. */
#define OUTPUT_SLACK ((size_t)64 << 20)
#define OUTPUT_RATIO 16

#define OMITTED "<!-- raw HTML omitted -->"

/* Named character references decoded to text: the HTML 4 set and &apos;,
 * which covers what people type.  Any other name is written back
 * unchanged, where a browser still resolves it. */
struct entity {
	const char *name;
	int32_t cp;
};

static const struct entity entities[] = {
	{ "AElig", 0xC6 }, { "Aacute", 0xC1 }, { "Acirc", 0xC2 },
	{ "Agrave", 0xC0 }, { "Alpha", 0x391 }, { "Aring", 0xC5 },
	{ "Atilde", 0xC3 }, { "Auml", 0xC4 }, { "Beta", 0x392 },
	{ "Ccedil", 0xC7 }, { "Chi", 0x3A7 }, { "Dagger", 0x2021 },
	{ "Delta", 0x394 }, { "ETH", 0xD0 }, { "Eacute", 0xC9 },
	{ "Ecirc", 0xCA }, { "Egrave", 0xC8 }, { "Epsilon", 0x395 },
	{ "Eta", 0x397 }, { "Euml", 0xCB }, { "Gamma", 0x393 },
	{ "Iacute", 0xCD }, { "Icirc", 0xCE }, { "Igrave", 0xCC },
	{ "Iota", 0x399 }, { "Iuml", 0xCF }, { "Kappa", 0x39A },
	{ "Lambda", 0x39B }, { "Mu", 0x39C }, { "Ntilde", 0xD1 },
	{ "Nu", 0x39D }, { "OElig", 0x152 }, { "Oacute", 0xD3 },
	{ "Ocirc", 0xD4 }, { "Ograve", 0xD2 }, { "Omega", 0x3A9 },
	{ "Omicron", 0x39F }, { "Oslash", 0xD8 }, { "Otilde", 0xD5 },
	{ "Ouml", 0xD6 }, { "Phi", 0x3A6 }, { "Pi", 0x3A0 },
	{ "Prime", 0x2033 }, { "Psi", 0x3A8 }, { "Rho", 0x3A1 },
	{ "Scaron", 0x160 }, { "Sigma", 0x3A3 }, { "THORN", 0xDE },
	{ "Tau", 0x3A4 }, { "Theta", 0x398 }, { "Uacute", 0xDA },
	{ "Ucirc", 0xDB }, { "Ugrave", 0xD9 }, { "Upsilon", 0x3A5 },
	{ "Uuml", 0xDC }, { "Xi", 0x39E }, { "Yacute", 0xDD },
	{ "Yuml", 0x178 }, { "Zeta", 0x396 }, { "aacute", 0xE1 },
	{ "acirc", 0xE2 }, { "acute", 0xB4 }, { "aelig", 0xE6 },
	{ "agrave", 0xE0 }, { "alefsym", 0x2135 }, { "alpha", 0x3B1 },
	{ "amp", 0x26 }, { "and", 0x2227 }, { "ang", 0x2220 },
	{ "apos", 0x27 }, { "aring", 0xE5 }, { "asymp", 0x2248 },
	{ "atilde", 0xE3 }, { "auml", 0xE4 }, { "bdquo", 0x201E },
	{ "beta", 0x3B2 }, { "brvbar", 0xA6 }, { "bull", 0x2022 },
	{ "cap", 0x2229 }, { "ccedil", 0xE7 }, { "cedil", 0xB8 },
	{ "cent", 0xA2 }, { "chi", 0x3C7 }, { "circ", 0x2C6 },
	{ "clubs", 0x2663 }, { "cong", 0x2245 }, { "copy", 0xA9 },
	{ "crarr", 0x21B5 }, { "cup", 0x222A }, { "curren", 0xA4 },
	{ "dArr", 0x21D3 }, { "dagger", 0x2020 }, { "darr", 0x2193 },
	{ "deg", 0xB0 }, { "delta", 0x3B4 }, { "diams", 0x2666 },
	{ "divide", 0xF7 }, { "eacute", 0xE9 }, { "ecirc", 0xEA },
	{ "egrave", 0xE8 }, { "empty", 0x2205 }, { "emsp", 0x2003 },
	{ "ensp", 0x2002 }, { "epsilon", 0x3B5 }, { "equiv", 0x2261 },
	{ "eta", 0x3B7 }, { "eth", 0xF0 }, { "euml", 0xEB },
	{ "euro", 0x20AC }, { "exist", 0x2203 }, { "fnof", 0x192 },
	{ "forall", 0x2200 }, { "frac12", 0xBD }, { "frac14", 0xBC },
	{ "frac34", 0xBE }, { "frasl", 0x2044 }, { "gamma", 0x3B3 },
	{ "ge", 0x2265 }, { "gt", 0x3E }, { "hArr", 0x21D4 },
	{ "harr", 0x2194 }, { "hearts", 0x2665 }, { "hellip", 0x2026 },
	{ "iacute", 0xED }, { "icirc", 0xEE }, { "iexcl", 0xA1 },
	{ "igrave", 0xEC }, { "image", 0x2111 }, { "infin", 0x221E },
	{ "int", 0x222B }, { "iota", 0x3B9 }, { "iquest", 0xBF },
	{ "isin", 0x2208 }, { "iuml", 0xEF }, { "kappa", 0x3BA },
	{ "lArr", 0x21D0 }, { "lambda", 0x3BB }, { "lang", 0x2329 },
	{ "laquo", 0xAB }, { "larr", 0x2190 }, { "lceil", 0x2308 },
	{ "ldquo", 0x201C }, { "le", 0x2264 }, { "lfloor", 0x230A },
	{ "lowast", 0x2217 }, { "loz", 0x25CA }, { "lrm", 0x200E },
	{ "lsaquo", 0x2039 }, { "lsquo", 0x2018 }, { "lt", 0x3C },
	{ "macr", 0xAF }, { "mdash", 0x2014 }, { "micro", 0xB5 },
	{ "middot", 0xB7 }, { "minus", 0x2212 }, { "mu", 0x3BC },
	{ "nabla", 0x2207 }, { "nbsp", 0xA0 }, { "ndash", 0x2013 },
	{ "ne", 0x2260 }, { "ni", 0x220B }, { "not", 0xAC },
	{ "notin", 0x2209 }, { "nsub", 0x2284 }, { "ntilde", 0xF1 },
	{ "nu", 0x3BD }, { "oacute", 0xF3 }, { "ocirc", 0xF4 },
	{ "oelig", 0x153 }, { "ograve", 0xF2 }, { "oline", 0x203E },
	{ "omega", 0x3C9 }, { "omicron", 0x3BF }, { "oplus", 0x2295 },
	{ "or", 0x2228 }, { "ordf", 0xAA }, { "ordm", 0xBA },
	{ "oslash", 0xF8 }, { "otilde", 0xF5 }, { "otimes", 0x2297 },
	{ "ouml", 0xF6 }, { "para", 0xB6 }, { "part", 0x2202 },
	{ "permil", 0x2030 }, { "perp", 0x22A5 }, { "phi", 0x3C6 },
	{ "pi", 0x3C0 }, { "piv", 0x3D6 }, { "plusmn", 0xB1 },
	{ "pound", 0xA3 }, { "prime", 0x2032 }, { "prod", 0x220F },
	{ "prop", 0x221D }, { "psi", 0x3C8 }, { "quot", 0x22 },
	{ "rArr", 0x21D2 }, { "radic", 0x221A }, { "rang", 0x232A },
	{ "raquo", 0xBB }, { "rarr", 0x2192 }, { "rceil", 0x2309 },
	{ "rdquo", 0x201D }, { "real", 0x211C }, { "reg", 0xAE },
	{ "rfloor", 0x230B }, { "rho", 0x3C1 }, { "rlm", 0x200F },
	{ "rsaquo", 0x203A }, { "rsquo", 0x2019 }, { "sbquo", 0x201A },
	{ "scaron", 0x161 }, { "sdot", 0x22C5 }, { "sect", 0xA7 },
	{ "shy", 0xAD }, { "sigma", 0x3C3 }, { "sigmaf", 0x3C2 },
	{ "sim", 0x223C }, { "spades", 0x2660 }, { "sub", 0x2282 },
	{ "sube", 0x2286 }, { "sum", 0x2211 }, { "sup", 0x2283 },
	{ "sup1", 0xB9 }, { "sup2", 0xB2 }, { "sup3", 0xB3 },
	{ "supe", 0x2287 }, { "szlig", 0xDF }, { "tau", 0x3C4 },
	{ "there4", 0x2234 }, { "theta", 0x3B8 }, { "thetasym", 0x3D1 },
	{ "thinsp", 0x2009 }, { "thorn", 0xFE }, { "tilde", 0x2DC },
	{ "times", 0xD7 }, { "trade", 0x2122 }, { "uArr", 0x21D1 },
	{ "uacute", 0xFA }, { "uarr", 0x2191 }, { "ucirc", 0xFB },
	{ "ugrave", 0xF9 }, { "uml", 0xA8 }, { "upsih", 0x3D2 },
	{ "upsilon", 0x3C5 }, { "uuml", 0xFC }, { "weierp", 0x2118 },
	{ "xi", 0x3BE }, { "yacute", 0xFD }, { "yen", 0xA5 },
	{ "yuml", 0xFF }, { "zeta", 0x3B6 }, { "zwj", 0x200D },
	{ "zwnj", 0x200C },
};

/* Heading ids already given, with the next suffix to try for each
 * (GitHub's rule); open addressing, keys kept in one buffer. */
struct slug_slot {
	size_t off;
	size_t len;
	uint32_t hash;
	unsigned next;
	int used;
};

struct slug_set {
	struct slug_slot *slot;
	size_t cap;     /* power of two, or 0 */
	size_t count;
	struct buf keys;
};

struct mdr {
	unsigned flags;
	const struct mdr_opts *opts;
	int want_info;
	struct buf *html;       /* the caller's buffer, NULL for no HTML */
	struct buf *out;        /* where HTML goes now: html, head or NULL */

	struct buf head;        /* a heading's HTML until its id is known */
	struct buf htext;       /* a heading's plain text, at most
				   HEADING_TEXT_MAX bytes */
	int in_heading;
	int htext_space;
	int htext_full;
	unsigned hlevel;

	struct buf raw;         /* raw HTML tag or block being collected */
	int raw_open;           /* an inline tag is being collected */
	int raw_long;           /* safe mode kept only RAW_PEEK bytes */
	int in_html_block;
	unsigned img_depth;

	struct buf plain;       /* plain text, whitespace collapsed */
	int plain_space;        /* a space is due before the next text */
	int plain_done;         /* neither summary needs more text */
	int in_word;
	size_t words;
	size_t summary_words;
	size_t cut;             /* plain.len where summary_auto ends */
	int cut_set;
	int more_seen;
	char *summary_more;

	struct buf tmp;         /* decoded attribute or entity */
	struct buf url;         /* rewritten URL */
	struct buf id;
	struct slug_set slugs;
	json_t *toc;
	size_t raw_omitted;
	size_t urls_neutralised;
	int err;
};

/* Forget a scratch buffer's content but keep its error: buf_reset()
 * would clear that, and the failure must reach mdr_render's caller. */
static void scratch_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int failed(const struct mdr *r)
{
	return r->err || r->head.oom || r->htext.oom || r->raw.oom ||
	       r->plain.oom || r->tmp.oom || r->url.oom || r->id.oom ||
	       r->slugs.keys.oom || (r->html && r->html->oom);
}

/* ---- escaping (the same byte sets as md4c-html) ---- */

static void add_text_escaped(struct buf *b, const char *s, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		default: continue;
		}
		buf_add(b, s + run, i - run);
		buf_adds(b, rep);
		run = i + 1;
	}
	buf_add(b, s + run, n - run);
}

static int url_keep(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') ||
	       (c && strchr("~-_.+!*(),%#@?=;:/$", c));
}

static void add_url_escaped(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (url_keep(c))
			continue;
		buf_add(b, s + run, i - run);
		if (c == '&') {
			buf_adds(b, "&amp;");
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			buf_add(b, e, 3);
		}
		run = i + 1;
	}
	buf_add(b, s + run, n - run);
}

/* ---- entities ---- */

struct entity_key {
	const char *s;
	size_t n;
};

static int entity_cmp(const void *k, const void *e)
{
	const struct entity_key *key = k;
	const struct entity *ent = e;
	int c = strncmp(key->s, ent->name, key->n);

	if (c)
		return c;
	return ent->name[key->n] ? -1 : 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append the text an entity s[0..n) ("&name;", "&#123;", "&#x7B;")
 * stands for.  Returns -EINVAL for a name not in the table. */
static int decode_entity(struct buf *b, const char *s, size_t n)
{
	const struct entity *ent;
	struct entity_key key;
	uint32_t cp = 0;
	size_t i;

	if (n < 3 || s[0] != '&' || s[n - 1] != ';')
		return -EINVAL;
	if (s[1] == '#') {
		int hex = s[2] == 'x' || s[2] == 'X';

		i = hex ? 3 : 2;
		if (i >= n - 1)
			return -EINVAL;
		for (; i < n - 1; i++) {
			int d = hex ? hex_digit(s[i]) :
				(s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);

			if (d < 0)
				return -EINVAL;
			if (cp <= 0x10FFFF)
				cp = cp * (hex ? 16 : 10) + (uint32_t)d;
		}
		/* md4c-html writes surrogates out as they are, which is not
		 * UTF-8; they become U+FFFD like NUL and the out-of-range. */
		if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			cp = 0xFFFD;
		utf8_encode(b, (int32_t)cp);
		return 0;
	}
	key.s = s + 1;
	key.n = n - 2;
	ent = bsearch(&key, entities, sizeof(entities) / sizeof(entities[0]),
		      sizeof(entities[0]), entity_cmp);
	if (!ent)
		return -EINVAL;
	utf8_encode(b, ent->cp);
	return 0;
}

/* md4c reports &[A-Za-z][A-Za-z0-9]{1,47}; as an entity; only text of
 * that shape is ever written back unescaped. */
static int entity_shaped(const char *s, size_t n)
{
	size_t i;

	if (n < 4 || n > 50 || s[0] != '&' || s[n - 1] != ';')
		return 0;
	for (i = 1; i < n - 1; i++) {
		char c = s[i];
		int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

		if (!alpha && !(i > 1 && c >= '0' && c <= '9'))
			return 0;
	}
	return 1;
}

/* Decoded text of an attribute (link destination, title, info string). */
static void resolve_attr(struct buf *b, const MD_ATTRIBUTE *a)
{
	unsigned i;

	scratch_reset(b);
	if (!a->text)
		return;
	for (i = 0; a->substr_offsets[i] < a->size; i++) {
		MD_OFFSET off = a->substr_offsets[i];
		MD_SIZE n = a->substr_offsets[i + 1] - off;
		const char *s = a->text + off;

		switch (a->substr_types[i]) {
		case MD_TEXT_NULLCHAR:
			buf_add(b, "\xEF\xBF\xBD", 3);
			break;
		case MD_TEXT_ENTITY:
			if (decode_entity(b, s, n))
				buf_add(b, s, n);
			break;
		default:
			buf_add(b, s, n);
			break;
		}
	}
}

/* ---- URLs ---- */

/* 1 when a browser would read u[0..n) as a javascript:, vbscript: or
 * data: URL.  Browsers drop leading C0 controls and spaces and every
 * tab, CR and LF; this also drops every other control character and
 * reads percent-escapes through, erring on the safe side. */
static int dangerous_url(const char *u, size_t n)
{
	static const char *const bad[] = { "javascript:", "vbscript:", "data:" };
	char head[16];
	size_t h = 0, i = 0, k;

	while (i < n && h < sizeof(head)) {
		unsigned char c = (unsigned char)u[i++];

		if (c == '%' && i + 1 < n && hex_digit(u[i]) >= 0 &&
		    hex_digit(u[i + 1]) >= 0) {
			c = (unsigned char)(hex_digit(u[i]) * 16 +
					    hex_digit(u[i + 1]));
			i += 2;
		}
		if (c < 0x20 || c == 0x7F || (c == ' ' && h == 0))
			continue;
		head[h++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		if (c == ':')
			break;
	}
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		if (h == strlen(bad[k]) && !memcmp(head, bad[k], h))
			return 1;
	return 0;
}

/* A URL the rewrite hook may replace: not empty, no scheme, not
 * starting with '/', '#' or '?' (so not "//host" either). */
static int relative_url(const char *u, size_t n)
{
	size_t i;

	if (!n || u[0] == '/' || u[0] == '#' || u[0] == '?')
		return 0;
	if (!((u[0] >= 'a' && u[0] <= 'z') || (u[0] >= 'A' && u[0] <= 'Z')))
		return 1;
	for (i = 1; i < n; i++) {
		char c = u[i];

		if (c == ':')
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '-' ||
		      c == '.'))
			return 1;
	}
	return 1;
}

/* Check (safe mode), rewrite and write out a link or image URL.  In
 * MDR_NO_HTML mode only the check runs, so the counts agree. */
static void emit_url(struct mdr *r, const MD_ATTRIBUTE *a)
{
	const char *u;
	size_t n;

	resolve_attr(&r->tmp, a);
	u = r->tmp.data ? r->tmp.data : "";
	n = r->tmp.len;
	if (!(r->flags & MDR_UNSAFE) && dangerous_url(u, n)) {
		r->urls_neutralised++;
		if (r->out)
			buf_addc(r->out, '#');
		return;
	}
	if (!r->out)
		return;
	if (r->opts->rewrite && relative_url(u, n)) {
		scratch_reset(&r->url);
		if (r->opts->rewrite(r->opts->rewrite_ctx, u, n, &r->url) == 1) {
			u = r->url.data ? r->url.data : "";
			n = r->url.len;
			/* The hook is trusted, but a check costs nothing. */
			if (!(r->flags & MDR_UNSAFE) && dangerous_url(u, n)) {
				r->urls_neutralised++;
				buf_addc(r->out, '#');
				return;
			}
		}
	}
	add_url_escaped(r->out, u, n);
}

static void emit_attr_text(struct mdr *r, const MD_ATTRIBUTE *a)
{
	resolve_attr(&r->tmp, a);
	add_text_escaped(r->out, r->tmp.data ? r->tmp.data : "", r->tmp.len);
}

/* ---- plain text: words, summaries, heading text ---- */

static void plain_break(struct mdr *r)
{
	r->in_word = 0;
	r->plain_space = 1;
	r->htext_space = 1;
	if (!r->cut_set && r->words >= r->summary_words) {
		r->cut = r->plain.len;
		r->cut_set = 1;
		r->plain_done = r->more_seen;
	}
}

static void htext_add(struct mdr *r, const char *s, size_t n)
{
	size_t room, k;

	if (r->htext_full)
		return;
	if (r->htext_space && r->htext.len) {
		if (r->htext.len + 1 >= HEADING_TEXT_MAX) {
			r->htext_full = 1;
			return;
		}
		buf_addc(&r->htext, ' ');
	}
	r->htext_space = 0;
	room = HEADING_TEXT_MAX - r->htext.len;
	k = utf8_truncate(s, n, room);
	buf_add(&r->htext, s, k);
	if (k < n)
		r->htext_full = 1;
}

/* Feed text that is visible as such (not markup, not image alt text). */
static void plain_text(struct mdr *r, const char *s, size_t n)
{
	size_t i = 0, run = 0;
	int32_t cp;
	int k, alnum;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			cp = c;
			k = 1;
		} else {
			k = utf8_decode(s + i, n - i, &cp);
		}
		if (!utf8_isspace(cp)) {
			alnum = cp > 0 && utf8_isalnum(cp);
			if (alnum && !r->in_word)
				r->words++;
			r->in_word = alnum;
			i += (size_t)k;
			continue;
		}
		if (i > run) {
			if (r->want_info && !r->plain_done) {
				if (r->plain_space && r->plain.len)
					buf_addc(&r->plain, ' ');
				buf_add(&r->plain, s + run, i - run);
			}
			r->plain_space = 0;
			if (r->in_heading)
				htext_add(r, s + run, i - run);
		}
		plain_break(r);
		i += (size_t)k;
		run = i;
	}
	if (i > run) {
		if (r->want_info && !r->plain_done) {
			if (r->plain_space && r->plain.len)
				buf_addc(&r->plain, ' ');
			buf_add(&r->plain, s + run, i - run);
		}
		r->plain_space = 0;
		if (r->in_heading)
			htext_add(r, s + run, i - run);
	}
}

static void emit_text(struct mdr *r, const char *s, size_t n)
{
	if (r->out)
		add_text_escaped(r->out, s, n);
	if (!r->img_depth)
		plain_text(r, s, n);
}

static void emit_entity(struct mdr *r, const char *s, size_t n)
{
	scratch_reset(&r->tmp);
	if (!decode_entity(&r->tmp, s, n)) {
		emit_text(r, r->tmp.data, r->tmp.len);
		return;
	}
	/* Unknown name: written back for the browser to resolve. */
	if (r->out) {
		if (entity_shaped(s, n))
			buf_add(r->out, s, n);
		else
			add_text_escaped(r->out, s, n);
	}
	if (!r->img_depth)
		plain_text(r, s, n);
}

/* ---- the <!--more--> marker and raw HTML ---- */

static size_t skip_ws(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
			 s[i] == '\r'))
		i++;
	return i;
}

/* "<!--more-->", allowing whitespace around and inside it. */
static int more_marker(const char *s, size_t n)
{
	size_t i = skip_ws(s, 0, n);

	if (n - i < 4 || memcmp(s + i, "<!--", 4))
		return 0;
	i = skip_ws(s, i + 4, n);
	if (n - i < 4 || strncasecmp(s + i, "more", 4))
		return 0;
	i = skip_ws(s, i + 4, n);
	if (n - i < 3 || memcmp(s + i, "-->", 3))
		return 0;
	return skip_ws(s, i + 3, n) == n;
}

static void mark_more(struct mdr *r)
{
	if (r->more_seen)
		return;
	r->more_seen = 1;
	r->plain_done = r->cut_set;
	if (!r->want_info)
		return;
	r->summary_more = strndup(r->plain.data ? r->plain.data : "",
				  r->plain.len);
	if (!r->summary_more)
		r->err = -ENOMEM;
}

static void raw_reset(struct mdr *r)
{
	scratch_reset(&r->raw);
	r->raw_long = 0;
}

static void raw_add(struct mdr *r, const char *s, size_t n)
{
	/* Safe mode only ever needs to know whether this is the marker. */
	if (!(r->flags & MDR_UNSAFE) || !r->out) {
		if (r->raw_long || r->raw.len + n > RAW_PEEK) {
			r->raw_long = 1;
			return;
		}
	}
	buf_add(&r->raw, s, n);
}

static int raw_is_marker(const struct mdr *r)
{
	return !r->raw_long && more_marker(r->raw.data ? r->raw.data : "",
					   r->raw.len);
}

static void raw_inline_done(struct mdr *r)
{
	r->raw_open = 0;
	if (raw_is_marker(r)) {
		mark_more(r);
		return;
	}
	if (!(r->flags & MDR_UNSAFE)) {
		r->raw_omitted++;
		if (r->out && !r->img_depth)
			buf_adds(r->out, OMITTED);
		return;
	}
	if (!r->out)
		return;
	/* Inside alt="..." a tag can only be text. */
	if (r->img_depth)
		add_text_escaped(r->out, r->raw.data, r->raw.len);
	else
		buf_add(r->out, r->raw.data, r->raw.len);
}

/* md4c hands an inline tag over in pieces when it spans lines ("<a",
 * "\n", "href=...>"), each as MD_TEXT_HTML; a tag is complete when a
 * piece ends with '>' or when anything else comes. */
static void flush_tag(struct mdr *r)
{
	if (r->raw_open)
		raw_inline_done(r);
}

static void raw_text(struct mdr *r, const char *s, size_t n)
{
	if (r->in_html_block) {
		raw_add(r, s, n);
		return;
	}
	if (!r->raw_open) {
		raw_reset(r);
		r->raw_open = 1;
	}
	raw_add(r, s, n);
	if (n && s[n - 1] == '>')
		raw_inline_done(r);
}

static void html_block_done(struct mdr *r)
{
	r->in_html_block = 0;
	if (raw_is_marker(r)) {
		mark_more(r);
		return;
	}
	if (!(r->flags & MDR_UNSAFE)) {
		r->raw_omitted++;
		if (r->out)
			buf_adds(r->out, OMITTED "\n");
		return;
	}
	if (r->out)
		buf_add(r->out, r->raw.data, r->raw.len);
}

/* ---- heading ids ---- */

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static struct slug_slot *slug_find(struct slug_set *set, const char *s,
				   size_t n, uint32_t h)
{
	size_t mask = set->cap - 1, i = h & mask;

	for (;; i = (i + 1) & mask) {
		struct slug_slot *sl = &set->slot[i];

		if (!sl->used)
			return sl;
		if (sl->hash == h && sl->len == n &&
		    !memcmp(set->keys.data + sl->off, s, n))
			return sl;
	}
}

static int slug_grow(struct slug_set *set)
{
	size_t cap = set->cap ? set->cap * 2 : 64, i;
	struct slug_slot *old = set->slot, *sl;
	size_t old_cap = set->cap;

	sl = calloc(cap, sizeof(*sl));
	if (!sl)
		return -ENOMEM;
	set->slot = sl;
	set->cap = cap;
	for (i = 0; i < old_cap; i++) {
		if (!old[i].used)
			continue;
		/* Keys are unique: the first free slot is the place. */
		sl = &set->slot[old[i].hash & (cap - 1)];
		while (sl->used)
			sl = sl + 1 == set->slot + cap ? set->slot : sl + 1;
		*sl = old[i];
	}
	free(old);
	return 0;
}

/* Add a key known to be absent. */
static int slug_insert(struct slug_set *set, const char *s, size_t n)
{
	struct slug_slot *sl;
	uint32_t h = hash_bytes(s, n);
	int ret;

	if ((set->count + 1) * 2 > set->cap) {
		ret = slug_grow(set);
		if (ret)
			return ret;
	}
	sl = slug_find(set, s, n, h);
	sl->off = set->keys.len;
	buf_add(&set->keys, s, n);
	if (set->keys.oom)
		return -ENOMEM;
	sl->len = n;
	sl->hash = h;
	sl->next = 0;
	sl->used = 1;
	set->count++;
	return 0;
}

static struct slug_slot *slug_lookup(struct slug_set *set, const char *s,
				     size_t n)
{
	struct slug_slot *sl;

	if (!set->cap)
		return NULL;
	sl = slug_find(set, s, n, hash_bytes(s, n));
	return sl->used ? sl : NULL;
}

static void slug_free(struct slug_set *set)
{
	free(set->slot);
	buf_free(&set->keys);
	memset(set, 0, sizeof(*set));
}

static size_t utf8_len(int32_t cp)
{
	return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* GitHub's slug of a heading's text, at most SLUG_MAX bytes. */
static void make_slug(struct buf *id, const char *s, size_t n)
{
	size_t i = 0;
	int32_t cp;

	scratch_reset(id);
	while (i < n) {
		i += (size_t)utf8_decode(s + i, n - i, &cp);
		if (cp == '-' || cp == '_' || (cp > 0 && utf8_isalnum(cp)))
			cp = utf8_tolower(cp);
		else if (cp > 0 && utf8_isspace(cp))
			cp = '-';
		else
			continue;
		if (id->len + utf8_len(cp) > SLUG_MAX)
			break;
		utf8_encode(id, cp);
	}
	if (!id->len)
		buf_adds(id, "section");
}

/* Make r->id unique in the document: the second "intro" is "intro-1",
 * and a suffixed id never takes the place of one given before. */
static int unique_id(struct mdr *r)
{
	struct slug_slot *sl;
	size_t base;

	sl = slug_lookup(&r->slugs, r->id.data, r->id.len);
	if (sl) {
		base = r->id.len;
		do {
			/* The suffix counter lives with the base id, so each
			 * try starts where the last one stopped. */
			sl = slug_lookup(&r->slugs, r->id.data, base);
			sl->next++;
			r->id.len = base;
			buf_printf(&r->id, "-%u", sl->next);
			if (r->id.oom)
				return -ENOMEM;
		} while (slug_lookup(&r->slugs, r->id.data, r->id.len));
	}
	return slug_insert(&r->slugs, r->id.data, r->id.len);
}

static void heading_start(struct mdr *r, unsigned level)
{
	r->in_heading = 1;
	r->hlevel = level < 1 ? 1 : level > 6 ? 6 : level;
	scratch_reset(&r->head);
	scratch_reset(&r->htext);
	r->htext_space = 0;
	r->htext_full = 0;
	if (r->html)
		r->out = &r->head;
}

static void heading_done(struct mdr *r)
{
	const char *text = r->htext.data ? r->htext.data : "";
	json_t *e;

	r->in_heading = 0;
	make_slug(&r->id, text, r->htext.len);
	if (r->id.oom)
		return;
	if (unique_id(r)) {
		r->err = -ENOMEM;
		return;
	}
	if (r->want_info) {
		e = json_pack("{s:i, s:s%, s:s%}", "level", (int)r->hlevel,
			      "text", text, r->htext.len,
			      "id", r->id.data, r->id.len);
		if (!e || json_array_append_new(r->toc, e)) {
			r->err = -ENOMEM;
			return;
		}
	}
	if (!r->html)
		return;
	r->out = r->html;
	buf_printf(r->out, "<h%u id=\"", r->hlevel);
	add_text_escaped(r->out, r->id.data, r->id.len);
	buf_adds(r->out, "\">");
	buf_add(r->out, r->head.data, r->head.len);
	buf_printf(r->out, "</h%u>\n", r->hlevel);
}

/* ---- md4c callbacks ---- */

static void open_block(struct mdr *r, MD_BLOCKTYPE type, void *detail)
{
	struct buf *o = r->out;

	switch (type) {
	case MD_BLOCK_QUOTE: buf_adds(o, "<blockquote>\n"); break;
	case MD_BLOCK_UL: buf_adds(o, "<ul>\n"); break;
	case MD_BLOCK_OL: {
		const MD_BLOCK_OL_DETAIL *d = detail;

		if (d->start == 1)
			buf_adds(o, "<ol>\n");
		else
			buf_printf(o, "<ol start=\"%u\">\n", d->start);
		break;
	}
	case MD_BLOCK_LI: {
		const MD_BLOCK_LI_DETAIL *d = detail;

		if (!d->is_task) {
			buf_adds(o, "<li>");
			break;
		}
		buf_adds(o, "<li class=\"task-list-item\"><input type=\"checkbox\" "
			 "class=\"task-list-item-checkbox\" disabled");
		if (d->task_mark == 'x' || d->task_mark == 'X')
			buf_adds(o, " checked");
		buf_adds(o, ">");
		break;
	}
	case MD_BLOCK_HR: buf_adds(o, "<hr>\n"); break;
	case MD_BLOCK_CODE: {
		const MD_BLOCK_CODE_DETAIL *d = detail;

		buf_adds(o, "<pre><code");
		if (d->lang.text) {
			buf_adds(o, " class=\"");
			if (d->lang.size < 9 || strncmp(d->lang.text, "language-", 9))
				buf_adds(o, "language-");
			emit_attr_text(r, &d->lang);
			buf_adds(o, "\"");
		}
		buf_adds(o, ">");
		break;
	}
	case MD_BLOCK_P: buf_adds(o, "<p>"); break;
	case MD_BLOCK_TABLE: buf_adds(o, "<table>\n"); break;
	case MD_BLOCK_THEAD: buf_adds(o, "<thead>\n"); break;
	case MD_BLOCK_TBODY: buf_adds(o, "<tbody>\n"); break;
	case MD_BLOCK_TR: buf_adds(o, "<tr>\n"); break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD: {
		const MD_BLOCK_TD_DETAIL *d = detail;

		buf_adds(o, type == MD_BLOCK_TH ? "<th" : "<td");
		switch (d->align) {
		case MD_ALIGN_LEFT: buf_adds(o, " align=\"left\">"); break;
		case MD_ALIGN_CENTER: buf_adds(o, " align=\"center\">"); break;
		case MD_ALIGN_RIGHT: buf_adds(o, " align=\"right\">"); break;
		default: buf_adds(o, ">"); break;
		}
		break;
	}
	default:
		break;
	}
}

static void close_block(struct mdr *r, MD_BLOCKTYPE type)
{
	static const char *const tail[] = {
		[MD_BLOCK_QUOTE] = "</blockquote>\n",
		[MD_BLOCK_UL] = "</ul>\n",
		[MD_BLOCK_OL] = "</ol>\n",
		[MD_BLOCK_LI] = "</li>\n",
		[MD_BLOCK_CODE] = "</code></pre>\n",
		[MD_BLOCK_P] = "</p>\n",
		[MD_BLOCK_TABLE] = "</table>\n",
		[MD_BLOCK_THEAD] = "</thead>\n",
		[MD_BLOCK_TBODY] = "</tbody>\n",
		[MD_BLOCK_TR] = "</tr>\n",
		[MD_BLOCK_TH] = "</th>\n",
		[MD_BLOCK_TD] = "</td>\n",
	};

	if ((size_t)type < sizeof(tail) / sizeof(tail[0]) && tail[type])
		buf_adds(r->out, tail[type]);
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct mdr *r = userdata;

	flush_tag(r);
	plain_break(r);
	if (type == MD_BLOCK_H) {
		heading_start(r, ((const MD_BLOCK_H_DETAIL *)detail)->level);
	} else if (type == MD_BLOCK_HTML) {
		r->in_html_block = 1;
		raw_reset(r);
	} else if (r->out) {
		open_block(r, type, detail);
	}
	return failed(r);
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct mdr *r = userdata;

	(void)detail;
	flush_tag(r);
	plain_break(r);
	if (type == MD_BLOCK_H)
		heading_done(r);
	else if (type == MD_BLOCK_HTML)
		html_block_done(r);
	else if (r->out)
		close_block(r, type);
	return failed(r);
}

static int enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct mdr *r = userdata;
	struct buf *o = r->out;

	flush_tag(r);
	if (type == MD_SPAN_IMG) {
		/* Spans inside an image's text can only be its alt text. */
		if (r->img_depth++)
			return failed(r);
		if (o)
			buf_adds(o, "<img src=\"");
		emit_url(r, &((const MD_SPAN_IMG_DETAIL *)detail)->src);
		if (o)
			buf_adds(o, "\" alt=\"");
		return failed(r);
	}
	if (r->img_depth)
		return failed(r);
	switch (type) {
	case MD_SPAN_A: {
		const MD_SPAN_A_DETAIL *d = detail;

		if (o)
			buf_adds(o, "<a href=\"");
		emit_url(r, &d->href);
		if (!o)
			break;
		if (d->title.text) {
			buf_adds(o, "\" title=\"");
			emit_attr_text(r, &d->title);
		}
		buf_adds(o, "\">");
		break;
	}
	case MD_SPAN_EM: if (o) buf_adds(o, "<em>"); break;
	case MD_SPAN_STRONG: if (o) buf_adds(o, "<strong>"); break;
	case MD_SPAN_CODE: if (o) buf_adds(o, "<code>"); break;
	case MD_SPAN_DEL: if (o) buf_adds(o, "<del>"); break;
	case MD_SPAN_U: if (o) buf_adds(o, "<u>"); break;
	default: break;
	}
	return failed(r);
}

static int leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct mdr *r = userdata;
	struct buf *o = r->out;

	flush_tag(r);
	if (type == MD_SPAN_IMG) {
		const MD_SPAN_IMG_DETAIL *d = detail;

		if (--r->img_depth || !o)
			return failed(r);
		if (d->title.text) {
			buf_adds(o, "\" title=\"");
			emit_attr_text(r, &d->title);
		}
		buf_adds(o, "\">");
		return failed(r);
	}
	if (r->img_depth || !o)
		return failed(r);
	switch (type) {
	case MD_SPAN_A: buf_adds(o, "</a>"); break;
	case MD_SPAN_EM: buf_adds(o, "</em>"); break;
	case MD_SPAN_STRONG: buf_adds(o, "</strong>"); break;
	case MD_SPAN_CODE: buf_adds(o, "</code>"); break;
	case MD_SPAN_DEL: buf_adds(o, "</del>"); break;
	case MD_SPAN_U: buf_adds(o, "</u>"); break;
	default: break;
	}
	return failed(r);
}

static int text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *userdata)
{
	struct mdr *r = userdata;

	if (type == MD_TEXT_HTML) {
		raw_text(r, s, n);
		return failed(r);
	}
	flush_tag(r);
	switch (type) {
	case MD_TEXT_NULLCHAR:
		emit_text(r, "\xEF\xBF\xBD", 3);
		break;
	case MD_TEXT_BR:
	case MD_TEXT_SOFTBR:
		if (r->out)
			buf_adds(r->out, r->img_depth ? " " :
				 type == MD_TEXT_BR ? "<br>\n" : "\n");
		plain_break(r);
		break;
	case MD_TEXT_ENTITY:
		emit_entity(r, s, n);
		break;
	default:
		emit_text(r, s, n);
		break;
	}
	return failed(r);
}

/* ---- entry points ---- */

static size_t output_bound(size_t have, size_t in)
{
	size_t extra = OUTPUT_SLACK + OUTPUT_RATIO * in;

	return extra > SIZE_MAX - have ? SIZE_MAX : have + extra;
}

static void mdr_free(struct mdr *r)
{
	buf_free(&r->head);
	buf_free(&r->htext);
	buf_free(&r->raw);
	buf_free(&r->plain);
	buf_free(&r->tmp);
	buf_free(&r->url);
	buf_free(&r->id);
	slug_free(&r->slugs);
	json_decref(r->toc);
	free(r->summary_more);
}

int mdr_render(const char *src, size_t len, const struct mdr_opts *opts,
	       struct buf *html, struct mdr_info *info)
{
	static const struct mdr_opts defaults = {
		0, NULL, NULL, SUMMARY_WORDS_DEFAULT
	};
	MD_PARSER parser = {
		0, MD_DIALECT_GITHUB, enter_block, leave_block, enter_span,
		leave_span, text, NULL, NULL
	};
	struct buf fixed = BUF_INIT;
	struct mdr r;
	size_t old_limit = 0;
	const char *s = src;
	int ret;

	if (info)
		memset(info, 0, sizeof(*info));
	if (!opts)
		opts = &defaults;
	memset(&r, 0, sizeof(r));
	r.flags = opts->flags;
	r.opts = opts;
	r.want_info = info != NULL;
	if (!(r.flags & MDR_NO_HTML))
		r.html = html;
	r.out = r.html;
	if (!r.html && !r.want_info)
		return 0;
	r.summary_words = opts->summary_words ? opts->summary_words :
			  SUMMARY_WORDS_DEFAULT;

	if (len > INPUT_MAX)
		return -EINVAL;
	if (len >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3)) {
		s += 3;
		len -= 3;
	}
	if (!len) {
		s = "";
	} else if (!utf8_valid(s, len)) {
		utf8_repair(&fixed, s, len);
		if (fixed.oom) {
			ret = -ENOMEM;
			goto out_fixed;
		}
		s = fixed.data;
		len = fixed.len;
	}
	if (len > INPUT_MAX) {
		ret = -EINVAL;
		goto out_fixed;
	}
	if (r.want_info) {
		r.toc = json_array();
		if (!r.toc) {
			ret = -ENOMEM;
			goto out_fixed;
		}
	}
	if (r.html) {
		old_limit = html->limit;
		if (!old_limit)
			html->limit = output_bound(html->len, len);
		r.head.limit = output_bound(0, len);
	}

	ret = md_parse(s, (MD_SIZE)len, &parser, &r);
	flush_tag(&r);
	plain_break(&r);
	if (r.html)
		html->limit = old_limit;
	if (ret || failed(&r)) {
		ret = -ENOMEM;
		goto out_render;
	}

	if (info) {
		size_t n = r.cut_set ? r.cut : r.plain.len;

		info->summary_auto = strndup(r.plain.data ? r.plain.data : "", n);
		if (!info->summary_auto) {
			ret = -ENOMEM;
			goto out_render;
		}
		info->toc = r.toc;
		r.toc = NULL;
		info->summary_more = r.summary_more;
		r.summary_more = NULL;
		info->words = r.words;
		info->raw_html_omitted = r.raw_omitted;
		info->urls_neutralised = r.urls_neutralised;
	}
	ret = 0;
out_render:
	mdr_free(&r);
out_fixed:
	buf_free(&fixed);
	return ret;
}

void mdr_info_free(struct mdr_info *info)
{
	if (!info)
		return;
	json_decref(info->toc);
	free(info->summary_more);
	free(info->summary_auto);
	memset(info, 0, sizeof(*info));
}

unsigned mdr_reading_minutes(size_t words)
{
	size_t m = words / READING_RATE + (words % READING_RATE != 0);

	return m > UINT_MAX ? UINT_MAX : (unsigned)m;
}
