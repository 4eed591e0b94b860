"""Listings, feeds and the sitemap: pagination past page_size, what each
index.json holds, and absolute URLs only with base_url."""
import os
import re
import xml.etree.ElementTree as ET

import pytest

import util

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.org/blog/"


@pytest.fixture(scope="module")
def paged(module_mount):
    return module_mount(util.BASIC, "page_size=2")


def pages_of(folder):
    return sorted(f for f in os.listdir(folder) if re.fullmatch(r"index(-\d+)?\.html", f))


def test_pagination(paged):
    posts = util.posts_of(paged.path)
    n = len(posts)
    want = ["index.html"] + ["index-%d.html" % k for k in range(2, (n + 1) // 2 + 1)]
    assert pages_of(os.path.join(paged.path, "posts")) == sorted(want)
    assert not os.path.exists(os.path.join(paged.path, "posts", "index-%d.html" % (len(want) + 1)))
    # each page lists its share, in order, and every post once over all pages
    seen = []
    for k, page in enumerate(want, 1):
        text = util.read_text(os.path.join(paged.path, "posts", page))
        mine = [p["name"] for p in posts[(k - 1) * 2:k * 2]]
        for p in posts:
            shown = 'href="%s.html"' % p["name"] in text
            assert shown == (p["name"] in mine), (page, p["name"], mine)
        seen += mine
    assert seen == [p["name"] for p in posts]
    # a term folder with more than a page
    ai = util.read_json(os.path.join(paged.path, "by-tag", "AI", "index.json"))
    assert len(ai["posts"]) == ai["count"] == 3
    assert pages_of(os.path.join(paged.path, "by-tag", "AI")) == ["index-2.html", "index.html"]


def test_index_json_holds_every_post_but_root(paged):
    assert len(util.posts_of(paged.path)) == 5
    root = util.read_json(os.path.join(paged.path, "index.json"))
    assert [p["name"] for p in root["posts"]] == \
        [p["name"] for p in util.posts_of(paged.path)][:2]


def test_feed_holds_newest_page(paged):
    root = ET.fromstring(util.read_bytes(os.path.join(paged.path, "feed.xml")))
    titles = [e.find(ATOM + "title").text for e in root.findall(ATOM + "entry")]
    assert titles == [p["title"] for p in util.posts_of(paged.path)][:2]


def test_paged_links_resolve(paged):
    bad, count = util.check_links(paged.path)
    assert count > 100
    assert not bad, "\n".join(bad[:30])


def test_no_absolute_urls_without_base_url(basic):
    page = util.read_text(os.path.join(basic.path, "posts", "trends-2024.html"))
    assert 'rel="canonical"' not in page
    root = ET.fromstring(util.read_bytes(os.path.join(basic.path, "feed.xml")))
    for link in root.iter(ATOM + "link"):
        assert "://" not in link.get("href"), link.get("href")
    for e in root.findall(ATOM + "entry"):
        assert e.find(ATOM + "id").text.startswith("urn:uuid:")
    ids = [e.find(ATOM + "id").text for e in root.findall(ATOM + "entry")]
    assert len(ids) == len(set(ids))


def test_base_url(module_mount):
    m = module_mount(util.BASIC, "base_url=" + BASE)
    for folder in ("posts", "by-tag/AI", "by-date/2025/09/07"):
        page = util.read_text(os.path.join(m.path, folder, "trends-2024.html"))
        assert re.search(r'<link rel="canonical" href="%s"' %
                         re.escape(BASE + "posts/trends-2024.html"), page), folder
    root = ET.fromstring(util.read_bytes(os.path.join(m.path, "feed.xml")))
    entries = root.findall(ATOM + "entry")
    assert entries
    for e in entries:
        hrefs = [ln.get("href") for ln in e.findall(ATOM + "link")]
        assert hrefs and all(h.startswith(BASE + "posts/") for h in hrefs), hrefs
    sm = ET.fromstring(util.read_bytes(os.path.join(m.path, "sitemap.xml")))
    locs = [u.find(SITEMAP + "loc").text for u in sm.findall(SITEMAP + "url")]
    assert locs and all(loc.startswith(BASE) for loc in locs), locs
    # a Cyrillic folder name is percent-encoded in an absolute URL
    assert any("by-category/%D0%A2" in loc for loc in locs), locs
    # pages still link to each other relatively
    bad, _ = util.check_links(m.path)
    assert not bad, "\n".join(bad[:30])
