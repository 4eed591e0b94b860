"""Hostile values: front matter, options and Markdown full of markup,
quotes, ampersands, script URLs and control characters come out escaped
in HTML, XML and JSON, round-trip through the JSON unchanged, and run
nothing."""
import json
import os
import re
import xml.etree.ElementTree as ET

import pytest

import sitecheck
import util

NASTY = "<script>alert(\"t\")</script> & 'q' \"dq\" </title><!-- x --> &amp; ]]>"
NASTY_TAG = "<b onmouseover=alert(1)>tag</b> & \"q\""
NASTY_CAT = "</textarea><script>alert('c')</script>"
NASTY_LANG = "en\"><script>alert('l')</script>"
SITE_TITLE = "<i>Site</i> & \"co\" 'x'"
BASE = "https://ex.org/a\"><script>alert(5)</script>/"
A = "{http://www.w3.org/2005/Atom}"

BODY = """Intro with <span onclick="alert(2)">raw</span> inline HTML.

<script>alert(3)</script>

<img src=x onerror=alert(4)>

[js](javascript:alert(1)) [js2](JaVaScRiPt:alert(1)) [vb](vbscript:msgbox(1))
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
![img](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=) [tab](java\tscript:alert(1))

## A heading

Text after.
"""


def yq(s):
    """A YAML double-quoted scalar."""
    return json.dumps(s)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    src = str(tmp_path_factory.mktemp("hostile") / "src")
    util.write_post(src, "nasty.md",
                    "title: %s\ndate: 2024-03-01T10:00:00Z\ndescription: %s\nlang: %s\n"
                    "tags: [%s, \"a&b\"]\ncategories: [%s]\n"
                    % (yq(NASTY), yq(NASTY), yq(NASTY_LANG), yq(NASTY_TAG), yq(NASTY_CAT)),
                    BODY)
    util.write_post(src, "ctl.md",
                    'title: "bell\\x07 nul-ish\\x01 and \\uFFFF end"\n'
                    "date: 2024-03-02T10:00:00Z\ntags: [\"x\\x1by\"]\n",
                    "Plain.\n")
    util.write_post(src, "slugged.md",
                    "title: Slugged\ndate: 2024-03-03T10:00:00Z\nslug: %s\ntags: [%s]\n"
                    % (yq(NASTY), yq(NASTY_TAG)), "Body.\n")
    return src


@pytest.fixture(scope="module")
def safe(module_mount, source):
    return module_mount(source, "title=" + SITE_TITLE)


@pytest.fixture(scope="module")
def unsafe(module_mount, source):
    return module_mount(source, "unsafe", "base_url=" + BASE)


def pages(m):
    return [(rel, sitecheck.read(m.path, rel)) for rel in sitecheck.html_files(m.path)]


def nasty_page(m):
    for p in util.posts_of(m.path):
        if p["title"] == NASTY:
            return p
    raise AssertionError("the hostile post is not listed")


def test_nothing_runs_in_safe_mode(safe):
    """No script element, no event handler attribute, no script or data
    URL on any page."""
    checked = 0
    for rel, text in pages(safe):
        page = sitecheck.Page(text)
        assert "script" not in page.tags, "%s: a <script> element" % rel
        for tag, attrs in page.tags.items():
            for a in attrs:
                bad = [k for k in a if k.startswith("on")]
                assert not bad, "%s: <%s %s>" % (rel, tag, bad)
        for tag, attr, url, _ in page.links:
            u = re.sub(r"[\x00-\x20]", "", url).lower()
            assert not u.startswith(("javascript:", "vbscript:")), (rel, url)
            assert not u.startswith("data:") or url == "data:,", (rel, url)
            checked += 1
    assert checked > 100


def test_html_escapes_round_trip(safe):
    """Each value, read back by an HTML parser from where it lands (text,
    attribute), is the value as written."""
    p = nasty_page(safe)
    rel = p["path"]
    text = sitecheck.read(safe.path, rel)
    page = sitecheck.Page(text)
    assert page.texts["title"] == [NASTY + " · " + SITE_TITLE]
    assert NASTY in page.texts["h1"]
    assert page.tags["html"][0]["lang"] == NASTY_LANG
    metas = {a.get("name"): a.get("content") for a in page.tags["meta"]}
    assert metas["description"] == NASTY
    # terms: link texts as written; links to their folders
    assert "&lt;b onmouseover=alert(1)&gt;tag&lt;/b&gt; &amp; &quot;q&quot;" in text
    assert "&lt;/textarea&gt;&lt;script&gt;alert(&#39;c&#39;)&lt;/script&gt;" in text
    # the site's title too
    assert "&lt;i&gt;Site&lt;/i&gt; &amp; &quot;co&quot; &#39;x&#39;" in text
    for rel2, t in pages(safe):
        assert "<i>Site</i>" not in t and "<b onmouseover" not in t, rel2
        assert "<script>alert" not in t, rel2


def test_listing_and_terms_pages(safe):
    idx = sitecheck.Page(sitecheck.read(safe.path, "index.html"))
    assert "script" not in idx.tags
    terms = sitecheck.Page(sitecheck.read(safe.path, "by-tag/index.html"))
    names = [u for _, _, u, _ in terms.links]
    folders = [d for d in os.listdir(os.path.join(safe.path, "by-tag"))
               if os.path.isdir(os.path.join(safe.path, "by-tag", d))]
    for f in folders:
        assert os.path.isfile(os.path.join(safe.path, "by-tag", f, "index.html"))
    # every term folder is linked from the terms page, and resolves
    for u in names:
        if sitecheck.is_relative(u):
            t, _ = sitecheck.resolve(safe.path, "by-tag/index.html", u)
            assert os.path.isfile(t), u


def test_raw_html_and_script_urls_neutralised(safe):
    text = sitecheck.read(safe.path, nasty_page(safe)["path"])
    assert "<!-- raw HTML omitted -->" in text
    assert "onerror" not in text and "onclick" not in text
    assert "Text after." in text
    page = sitecheck.Page(text)
    hrefs = [u for t, _, u, _ in page.links if t == "a"]
    assert hrefs.count("#") >= 4, hrefs


def test_xml_escapes_round_trip(safe):
    root = ET.fromstring(util.read_bytes(os.path.join(safe.path, "feed.xml")))
    assert root.find(A + "title").text == SITE_TITLE
    assert root.find(A + "author/" + A + "name").text == SITE_TITLE
    entries = {e.find(A + "title").text: e for e in root.findall(A + "entry")}
    e = entries[NASTY]
    assert e.find(A + "summary").text == NASTY
    cats = [c.get("term") for c in e.findall(A + "category")]
    assert NASTY_TAG in cats and NASTY_CAT in cats and "a&b" in cats
    # control characters XML forbids are dropped, the rest kept
    assert "bell nul-ish and  end" in entries
    for tax in ("by-tag", "by-category"):
        for d in os.listdir(os.path.join(safe.path, tax)):
            f = os.path.join(safe.path, tax, d, "feed.xml")
            if os.path.isfile(f):
                ET.fromstring(util.read_bytes(f))
    ET.fromstring(util.read_bytes(os.path.join(safe.path, "sitemap.xml")))


def test_json_round_trip(safe):
    p = nasty_page(safe)
    meta = util.read_json(os.path.join(safe.path, p["json"]))
    assert meta["title"] == NASTY
    assert meta["description"] == NASTY
    assert meta["lang"] == NASTY_LANG
    assert meta["tags"] == [NASTY_TAG, "a&b"]
    assert meta["categories"] == [NASTY_CAT]
    assert meta["front_matter"]["title"] == NASTY
    assert p["description"] == NASTY
    tags = util.read_json(os.path.join(safe.path, "by-tag", "index.json"))["terms"]
    spellings = [s for t in tags for s in t["spellings"]]
    assert NASTY_TAG in spellings and "a&b" in spellings
    # the slug full of markup: a valid name, listed, its page there
    slugged = [q for q in util.posts_of(safe.path) if q["title"] == "Slugged"][0]
    assert "/" not in slugged["name"] and os.path.isfile(os.path.join(safe.path, slugged["path"]))
    assert util.read_json(os.path.join(safe.path, slugged["json"]))["slug"] == NASTY
    # control characters: kept in JSON (escaped), where pages drop them
    ctl = [q for q in util.posts_of(safe.path) if q["title"].startswith("bell")][0]
    assert ctl["title"] == "bell\x07 nul-ish\x01 and \uffff end"
    assert util.read_json(os.path.join(safe.path, ctl["json"]))["tags"] == ["x\x1by"]
    page = sitecheck.read(safe.path, ctl["path"])
    assert "bell nul-ish and  end" in page and not re.search("[\x01\x07\x1b\uffff]", page)


def test_unsafe_lets_markdown_html_through_only(unsafe):
    text = sitecheck.read(unsafe.path, nasty_page(unsafe)["path"])
    assert '<span onclick="alert(2)">raw</span>' in text
    assert "<script>alert(3)</script>" in text
    # front matter and options are escaped even so
    page = sitecheck.Page(text)
    assert NASTY in page.texts["h1"]
    canon = [a["href"] for a in page.tags["link"] if a.get("rel") == "canonical"]
    assert canon and canon[0].startswith(BASE)
    assert "<script>alert(5)" not in text and "<script>alert(\"t\")" not in text
    ET.fromstring(util.read_bytes(os.path.join(unsafe.path, "feed.xml")))
    ET.fromstring(util.read_bytes(os.path.join(unsafe.path, "sitemap.xml")))
