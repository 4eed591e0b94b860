"""What each kind of page shows: a post (title, date, terms as links,
reading time, table of contents, content, neighbours), listings (title,
date and summary per post, newest first, paginated), the terms pages
(every term with its count) and the archive by year, month and day;
each checked against the JSON of the same thing."""
import math
import os
import re

import pytest

import sitecheck
import util

DUP_HEADINGS = """Intro text.

## Intro

## Intro

## Привет, мир!

### C++ & Rust

## Intro

<!--more-->

More text after the fold.
"""


def page(m, rel):
    return sitecheck.Page(sitecheck.read(m.path, rel))


def post_items(m, rel):
    """(title, url, datetime, summary) of each post a listing page shows."""
    text = sitecheck.read(m.path, rel)
    posts = re.search(r'<ol class="posts">(.*?)</ol>\s*(?:<nav|</main>|<p class="more")', text, re.S)
    if not posts:
        return []
    out = []
    for item in re.findall(r'<article class="post-item">(.*?)</article>', posts.group(1), re.S):
        p = sitecheck.Page(item)
        a = p.tags["a"][0]
        out.append((re.search(r"<h2><a [^>]*>(.*?)</a></h2>", item, re.S).group(1),
                    a["href"], p.tags["time"][0]["datetime"],
                    re.search(r'<p class="summary">(.*?)</p>', item, re.S).group(1)))
    return out


def unescape(s):
    import html
    return html.unescape(s)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    src = str(tmp_path_factory.mktemp("pages") / "src")
    util.write_post(src, "dups.md", "title: Dup headings\ndate: 2024-02-01T08:00:00Z\n"
                    "tags: [Rare]\nlastmod: 2024-02-03T08:00:00Z\n", DUP_HEADINGS)
    util.write_post(src, "sum-field.md", "title: With summary\ndate: 2024-02-02T08:00:00Z\n"
                    "summary: The summary field.\ndescription: The description.\n", "Body words.\n")
    util.write_post(src, "desc.md", "title: With description\ndate: 2024-02-03T08:00:00Z\n"
                    "description: Only a description.\n", "Body words here.\n")
    long_body = " ".join("word%d" % i for i in range(500)) + "\n"
    util.write_post(src, "long.md", "title: Long\ndate: 2024-02-04T08:00:00Z\n", long_body)
    # one tag with many posts, to see a listing stays one page's worth
    for i in range(130):
        util.write_post(src, "many/p%03d.md" % i,
                        "title: Many %03d\ndate: 2023-%02d-%02dT10:%02d:00+02:00\ntags: [Busy]\n"
                        % (i, 1 + i % 12, 1 + i % 28, i % 60), "Text %d.\n" % i)
    return src


@pytest.fixture(scope="module")
def site(module_mount, source):
    return module_mount(source)


def test_post_page(basic):
    meta = util.read_json(os.path.join(basic.path, "posts", "gfm.json"))
    text = sitecheck.read(basic.path, "posts/gfm.html")
    p = sitecheck.Page(text)
    assert p.texts["h1"][0] == meta["title"]
    assert p.texts["title"] == [meta["title"] + " · postfs"]
    times = [a["datetime"] for a in p.tags["time"]]
    assert times[0] == meta["date"] and meta["lastmod"] in times
    assert "%d min read" % meta["reading_time"] in text
    # every term as a link to its folder, showing the spelling the post uses
    for tax in meta["taxonomies"]:
        for t in tax["terms"]:
            href = [u for _, _, u, a in p.links if a.get("rel") == "tag"
                    and os.path.normpath(os.path.join("posts", u)) == t["path"] + "index.html"]
            assert href, (t, tax["name"])
            assert ">%s</a>" % t["name"] in text
    # the table of contents: the JSON's entries, each jumping to a heading
    toc = re.search(r'<nav class="toc".*?</nav>', text, re.S).group(0)
    links = re.findall(r'<a href="#([^"]+)">([^<]*)</a>', toc)
    assert [(i, unescape(t)) for i, t in links] == [(e["id"], e["text"]) for e in meta["toc"]]
    for i, _ in links:
        assert re.search(r'<h\d id="%s">' % re.escape(i), text), i
    assert "<table>" in text and "int main(void)" in text


def test_heading_ids_github_style(site):
    meta = util.read_json(os.path.join(site.path, "posts", "dups.json"))
    ids = [e["id"] for e in meta["toc"]]
    assert ids == ["intro", "intro-1", "привет-мир", "c--rust", "intro-2"]
    assert [e["level"] for e in meta["toc"]] == [2, 2, 2, 3, 2]
    p = page(site, "posts/dups.html")
    assert not p.dup_ids
    assert set(ids) <= p.ids
    text = sitecheck.read(site.path, "posts/dups.html")
    # the level-3 entry is indented under its level-2 one
    assert '<li class="toc-d1"><a href="#c--rust">C++ &amp; Rust</a></li>' in text


def test_post_json_extras(site):
    meta = util.read_json(os.path.join(site.path, "posts", "dups.json"))
    assert meta["summary"] == "Intro text. Intro Intro Привет, мир! C++ & Rust Intro" or \
        meta["summary"].startswith("Intro text.")
    assert "More text after the fold" not in meta["summary"]
    longm = util.read_json(os.path.join(site.path, "posts", "long.json"))
    assert longm["word_count"] == 500
    assert longm["reading_time"] == math.ceil(500 / 213)
    assert len(longm["summary"].split()) == 70
    assert util.read_json(os.path.join(site.path, "posts", "sum-field.json"))["summary"] \
        == "The summary field."
    assert util.read_json(os.path.join(site.path, "posts", "desc.json"))["summary"] \
        == "Only a description."


def test_post_neighbours(site):
    """Newer and older links go to the posts beside it in its folder."""
    names = [p["name"] for p in util.posts_of(site.path)]
    i = names.index("sum-field")
    text = sitecheck.read(site.path, "posts/sum-field.html")
    assert '<a class="newer" rel="prev" href="%s.html">' % names[i - 1] in text
    assert '<a class="older" rel="next" href="%s.html">' % names[i + 1] in text
    newest = sitecheck.read(site.path, "posts/%s.html" % names[0])
    assert 'class="newer"' not in newest and 'class="older"' in newest
    # in a tag folder: the tag's own order
    busy = [p["name"] for p in util.read_json(os.path.join(site.path, "by-tag", "Busy",
                                                           "index.json"))["posts"]]
    text = sitecheck.read(site.path, "by-tag/Busy/%s.html" % busy[5])
    assert 'href="%s.html"' % busy[4] in text and 'href="%s.html"' % busy[6] in text


def test_listing_pages(site):
    """posts/: title, date and summary per post, newest first, in pages
    of 20 that together hold every post once."""
    listing = util.posts_of(site.path)
    n = len(listing)
    pages = math.ceil(n / 20)
    seen = []
    for k in range(1, pages + 1):
        rel = "posts/index.html" if k == 1 else "posts/index-%d.html" % k
        items = post_items(site, rel)
        assert len(items) == (20 if k < pages else n - 20 * (pages - 1)), rel
        seen += items
        text = sitecheck.read(site.path, rel)
        assert ('rel="prev"' in text) == (k > 1) and ('rel="next"' in text) == (k < pages), rel
        assert 'aria-current="page">%d</a>' % k in text, rel
    assert not os.path.exists(os.path.join(site.path, "posts", "index-%d.html" % (pages + 1)))
    assert [unescape(t) for t, _, _, _ in seen] == [p["title"] for p in listing]
    assert [u for _, u, _, _ in seen] == [p["name"] + ".html" for p in listing]
    assert [d for _, _, d, _ in seen] == [p["date"] for p in listing]
    by_name = {p["name"] + ".html": p for p in listing}
    for _, u, _, s in seen:
        meta = util.read_json(os.path.join(site.path, "posts", by_name[u]["name"] + ".json"))
        assert unescape(s) == meta["summary"], u


def test_listing_stays_one_page(site):
    """A term with many posts renders only its page's posts, and a page's
    links to other pages stay few however many pages there are."""
    count = util.read_json(os.path.join(site.path, "by-tag", "Busy", "index.json"))["count"]
    assert count == 130
    for rel in ("by-tag/Busy/index.html", "by-tag/Busy/index-4.html", "by-tag/Busy/index-7.html"):
        text = sitecheck.read(site.path, rel)
        assert len(post_items(site, rel)) == (10 if rel.endswith("-7.html") else 20), rel
        nav = re.search(r'<nav class="pagination".*?</nav>', text, re.S).group(0)
        assert len(re.findall(r"<li>", nav)) <= 9, rel
    mid = sitecheck.read(site.path, "by-tag/Busy/index-4.html")
    for k in (1, 2, 3, 5, 6, 7):
        href = "index.html" if k == 1 else "index-%d.html" % k
        assert 'href="%s"' % href in mid, k


def test_terms_pages(basic, gen):
    """by-tag/ and by-category/ show every term with its count."""
    for m in (basic, gen):
        for tax in ("by-tag", "by-category"):
            terms = util.read_json(os.path.join(m.path, tax, "index.json"))["terms"]
            text = sitecheck.read(m.path, tax + "/index.html")
            shown = re.findall(r'<li><a href="([^"]+)">([^<]*) <span class="count">(\d+)</span></a>',
                               text)
            assert len(shown) == len(terms) > 0
            word = {"by-tag": ("tag", "tags"), "by-category": ("category", "categories")}[tax]
            assert '<p class="lead">%d %s</p>' % (len(terms), word[len(terms) != 1]) in text
            for (href, name, cnt), t in zip(shown, terms):
                assert unescape(name) == t["name"] and int(cnt) == t["count"], t
                target, _ = sitecheck.resolve(m.path, tax + "/index.html", unescape(href))
                assert os.path.relpath(target, m.path) == t["path"] + "index.html"


def test_archive_pages(gen):
    """by-date/: years with their months; a year: its months; a month:
    its days; a day: its posts; counts as the JSON gives them."""
    root = util.read_json(os.path.join(gen.path, "by-date", "index.json"))
    text = sitecheck.read(gen.path, "by-date/index.html")
    years = re.findall(r'<li><a href="[^"]*/(\d{4})/index.html">\d{4}</a> <span class="count">'
                       r'(\d+)</span>', text)
    assert [(y["name"], y["count"]) for y in root["years"]] == [(y, int(c)) for y, c in years]
    assert 'class="posts"' not in text
    for y in root["years"][:3]:
        yj = util.read_json(os.path.join(gen.path, y["path"], "index.json"))
        ytext = sitecheck.read(gen.path, y["path"] + "index.html")
        months = re.findall(r'<a href="(\d\d)/index.html">', ytext) or \
            re.findall(r'<a href="[^"]*/(\d\d)/index.html">[A-Z][a-z]+</a>', ytext)
        assert months == [mo["name"] for mo in yj["months"]]
        assert sum(mo["count"] for mo in yj["months"]) == y["count"] == yj["count"]
        mo = yj["months"][0]
        mj = util.read_json(os.path.join(gen.path, mo["path"], "index.json"))
        mtext = sitecheck.read(gen.path, mo["path"] + "index.html")
        days = re.findall(r'<a href="[^"]*/(\d\d)/index.html">\d+ [A-Z][a-z]{2}</a>', mtext)
        assert days == [d["name"] for d in mj["days"]]
        d = mj["days"][0]
        dj = util.read_json(os.path.join(gen.path, d["path"], "index.json"))
        items = post_items(gen, d["path"] + "index.html")
        assert [u for _, u, _, _ in items] == [p["name"] + ".html" for p in dj["posts"]][:20]


def test_home_page(gen):
    text = sitecheck.read(gen.path, "index.html")
    newest = util.read_json(os.path.join(gen.path, "index.json"))["posts"]
    items = post_items(gen, "index.html")
    assert [u for _, u, _, _ in items] == ["posts/%s.html" % p["name"] for p in newest]
    assert len(items) == 20
    assert "<title>postfs</title>" in text
    assert 'aria-current="page"' in text  # the site's name in the navigation
