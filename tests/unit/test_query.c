/* Unit tests of the query language (mountdata/query.c): what parses,
 * what is refused (with its column), and what each field matches. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "names.h"
#include "query.h"

static const struct qenv env = { 2, { "tag", "category" }, { "tags", "categories" } };

/* A post with what the fields look at; terms by key, per taxonomy. */
struct fake {
	struct post p;
	const char *keys[2][4];
};

static int has_term(void *ctx, unsigned tax, const char *key)
{
	struct fake *f = ctx;
	int i;

	for (i = 0; i < 4 && f->keys[tax][i]; i++)
		if (!strcmp(f->keys[tax][i], key))
			return 1;
	return 0;
}

static int matches(const char *q, struct fake *f)
{
	struct qexpr *e;
	struct pf_error err;
	int ret = query_parse(q, strlen(q), &env, &e, &err), m;

	CHECKF(ret == 0, "query_parse(\"%s\") == 0 (got %d: %s)", q, ret, err.msg);
	if (ret)
		return -1;
	m = query_match(e, &f->p, has_term, f);
	qexpr_free(e);
	return m;
}

static void refused(const char *q, int col)
{
	struct qexpr *e = NULL;
	struct pf_error err;
	int ret = query_parse(q, strlen(q), &env, &e, &err);

	CHECKF(ret == -EINVAL && !e, "query_parse(\"%s\") refused (got %d)", q, ret);
	CHECKF(err.msg[0] != 0, "query_parse(\"%s\") says why", q);
	if (col)
		CHECKF(err.column == col, "query_parse(\"%s\"): column %d (got %d: %s)", q, col,
		       err.column, err.msg);
}

int main(void)
{
	struct fake a, b;
	char *many;
	size_t i;

	memset(&a, 0, sizeof(a));
	a.p.title = "Будущее уже здесь: тренды";
	a.p.date.y = 2024;
	a.p.date.mo = 5;
	a.p.date.d = 20;
	a.p.fm = "{\"title\":\"x\",\"model\":\"OpenRouter GPT\",\"weight\":3,\"tags\":[\"AI\",\"Tech\"],"
		 "\"flags\":[\"a\",\"b c\"],\"ok\":true}";
	a.keys[0][0] = "ai";
	a.keys[0][1] = "tech";
	a.keys[1][0] = "технологии";
	memset(&b, 0, sizeof(b));
	b.p.title = "Hello";
	b.p.date.y = 2021;
	b.p.date.mo = 12;
	b.p.date.d = 31;
	b.p.draft = 1;
	b.p.fm = "{\"title\":\"Hello\"}";
	b.keys[1][0] = "news";

	/* terms: letter case ignored, singular or field name */
	CHECK_INT(matches("tag:AI", &a), 1);
	CHECK_INT(matches("tag:ai", &a), 1);
	CHECK_INT(matches("tags:Tech", &a), 1);
	CHECK_INT(matches("tag:ML", &a), 0);
	CHECK_INT(matches("category:Технологии", &a), 1);
	CHECK_INT(matches("category:ТЕХНОЛОГИИ", &a), 1);
	CHECK_INT(matches("tag:AI and not category:News and year:2024", &a), 1);
	CHECK_INT(matches("tag:AI and not category:News and year:2024", &b), 0);
	CHECK_INT(matches("not category:News", &b), 0);
	CHECK_INT(matches("-category:News", &a), 1);
	/* and is the default between conditions; or binds looser */
	CHECK_INT(matches("tag:AI tag:Tech", &a), 1);
	CHECK_INT(matches("tag:AI tag:ML", &a), 0);
	CHECK_INT(matches("tag:ML or tag:Tech", &a), 1);
	CHECK_INT(matches("tag:ML and tag:AI or year:2021", &b), 1);
	CHECK_INT(matches("tag:ML and (tag:AI or year:2021)", &b), 0);
	CHECK_INT(matches("(tag:ML or tag:AI) and (year:2020..2024)", &a), 1);
	CHECK_INT(matches("TAG:AI AND NOT tag:ML", &a), 1);
	/* dates */
	CHECK_INT(matches("year:2024", &a), 1);
	CHECK_INT(matches("year:2023", &a), 0);
	CHECK_INT(matches("year:2020..2022", &b), 1);
	CHECK_INT(matches("year:..2022", &a), 0);
	CHECK_INT(matches("year:2022..", &a), 1);
	CHECK_INT(matches("month:2024-05", &a), 1);
	CHECK_INT(matches("month:5", &a), 1);
	CHECK_INT(matches("month:2023-05", &a), 0);
	CHECK_INT(matches("month:12", &b), 1);
	CHECK_INT(matches("date:2024-05-20", &a), 1);
	CHECK_INT(matches("date:2024-05-21", &a), 0);
	CHECK_INT(matches("date:2024-01-01..2024-06-30", &a), 1);
	CHECK_INT(matches("date:2024-06-01..", &a), 0);
	CHECK_INT(matches("date:..2021-12-31", &b), 1);
	/* draft, title words */
	CHECK_INT(matches("draft:true", &b), 1);
	CHECK_INT(matches("draft:false", &b), 0);
	CHECK_INT(matches("draft:false", &a), 1);
	CHECK_INT(matches("title:тренды", &a), 1);
	CHECK_INT(matches("title:БУДУЩЕЕ", &a), 1);
	CHECK_INT(matches("title:hello", &b), 1);
	CHECK_INT(matches("title:bye", &b), 0);
	/* any front-matter field */
	CHECK_INT(matches("model:\"OpenRouter GPT\"", &a), 1);
	CHECK_INT(matches("model='OpenRouter GPT'", &a), 1);
	CHECK_INT(matches("MODEL=\"OpenRouter GPT\"", &a), 1);
	CHECK_INT(matches("model:OpenRouter", &a), 0);
	CHECK_INT(matches("weight=3", &a), 1);
	CHECK_INT(matches("weight=4", &a), 0);
	CHECK_INT(matches("ok:true", &a), 1);
	CHECK_INT(matches("flags:\"b c\"", &a), 1);
	CHECK_INT(matches("model:x", &b), 0);
	/* a quoted value may hold anything */
	CHECK_INT(matches("tag:\"a (b) \\\"c\\\"\"", &a), 0);

	/* refused, with the column where it went wrong */
	refused("", 1);
	refused("tag", 4);
	refused("tag:", 5);
	refused("tag:AI and", 11);
	refused("(tag:AI", 8);
	refused("tag:AI)", 7);
	refused("year:abc", 0);
	refused("month:13", 0);
	refused("date:2024-13-01", 0);
	refused("date:yesterday", 0);
	refused("draft:maybe", 0);
	refused("tag:\"open", 0);
	refused("title:\xff\xfe", 0);
	/* bounded: many atoms and deep nesting are refused, fast */
	many = malloc(100000);
	for (i = 0; i < 99990; i += 2)
		memcpy(many + i, "((", 2);
	many[i] = '\0';
	refused(many, 0);
	strcpy(many, "tag:a");
	for (i = 0; i < 100; i++)
		strcat(many, " or tag:a");
	refused(many, 0);
	free(many);
	return check_done("test_query");
}
