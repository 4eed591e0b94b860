"""Atom feeds (RFC 4287) and the sitemap (sitemaps.org 0.9): valid by
their schemas (xmllint), read whole by a real feed parser (Debian's
python3-feedparser), and holding what the listings hold."""
import os
import re
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

import sitecheck
import util

HERE = os.path.dirname(os.path.abspath(__file__))
ATOM_RNG = os.path.join(HERE, "schemas", "atom.rng")
SITEMAP_XSD = os.path.join(HERE, "schemas", "sitemap.xsd")
A = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://blog.example.org/sub/"
PAGE_SIZE = 20


@pytest.fixture(scope="module", autouse=True)
def _xmllint():
    if not os.access("/usr/bin/xmllint", os.X_OK):
        pytest.fail("xmllint is missing (Debian package libxml2-utils)", pytrace=False)


@pytest.fixture(scope="module")
def feedparser():
    return pytest.importorskip("feedparser", reason="Debian's python3-feedparser is not installed")


@pytest.fixture(scope="module")
def gen_base(module_mount, gen_source):
    return module_mount(gen_source, "base_url=" + BASE)


@pytest.fixture(scope="module")
def basic_base(module_mount):
    return module_mount(util.BASIC, "base_url=" + BASE.rstrip("/"))


def feeds_of(mnt):
    out = ["feed.xml"]
    for tax in ("by-tag", "by-category"):
        for d in sorted(os.listdir(os.path.join(mnt, tax))):
            if os.path.isdir(os.path.join(mnt, tax, d)):
                out.append(os.path.join(tax, d, "feed.xml"))
    return out


def xmllint(args, files, mnt):
    """Validate files (relative to mnt) in batches; returns the failures."""
    bad = []
    for i in range(0, len(files), 200):
        batch = files[i:i + 200]
        r = subprocess.run(["xmllint", "--noout"] + args + batch, cwd=mnt,
                           capture_output=True, text=True)
        if r.returncode:
            bad += [line for line in r.stderr.splitlines() if "validate" in line or "error" in line]
    return bad


def listing_of(mnt, feed_rel):
    return util.read_json(os.path.join(mnt, os.path.dirname(feed_rel), "index.json"))


@pytest.mark.parametrize("which", ["basic", "gen", "basic_base", "gen_base"])
def test_feeds_valid_atom(request, which):
    m = request.getfixturevalue(which)
    feeds = feeds_of(m.path)
    assert len(feeds) > (50 if "gen" in which else 5)
    bad = xmllint(["--relaxng", ATOM_RNG], feeds, m.path)
    assert not bad, "\n".join(bad[:20])
    # the RFC's rules that RELAX NG cannot say
    for rel in feeds:
        root = ET.fromstring(util.read_bytes(os.path.join(m.path, rel)))
        assert root.find(A + "author/" + A + "name").text, rel
        selfs = [l for l in root.findall(A + "link") if l.get("rel") == "self"]
        assert len(selfs) == 1, rel
        for e in root.findall(A + "entry"):
            assert [l for l in e.findall(A + "link") if l.get("rel", "alternate") == "alternate"], rel


@pytest.mark.parametrize("which", ["basic", "gen", "basic_base", "gen_base"])
def test_feeds_read_by_feedparser(request, which, feedparser):
    m = request.getfixturevalue(which)
    base = BASE if "base" in which else None
    feeds = feeds_of(m.path)
    for rel in feeds[:60]:
        raw = util.read_bytes(os.path.join(m.path, rel))
        d = feedparser.parse(raw)
        assert not d.bozo, "%s: %s" % (rel, d.get("bozo_exception"))
        assert d.version == "atom10", rel
        listing = listing_of(m.path, rel)["posts"]
        want = listing[:PAGE_SIZE]
        assert len(d.entries) == len(want) > 0, rel
        # newest first, the listing's own order, every field read
        assert [e.title for e in d.entries] == [p["title"] for p in want], rel
        dates = [util.parse_date(e.published) for e in d.entries]
        assert dates == sorted(dates, reverse=True), rel
        ids = [e.id for e in d.entries]
        assert len(set(ids)) == len(ids), rel
        for e, p in zip(d.entries, want):
            assert e.get("summary") is not None and e.get("updated"), (rel, e.title)
            link = e.link
            if base:
                assert link.startswith(base) and e.id == link, (rel, link)
                target = urllib.parse.unquote(link[len(base):])
            else:
                assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                    r"[0-9a-f]{12}", e.id), e.id
                # relative to the feed itself, as feed readers resolve it
                target = os.path.relpath(sitecheck.resolve(m.path, rel, link)[0], m.path)
            assert target == p["path"], (rel, link, p["path"])
            assert os.path.isfile(os.path.join(m.path, target)), (rel, link)
        # the feed's own links name the feed and its listing
        self_link = [l.href for l in d.feed.links if l.rel == "self"][0]
        alt = [l.href for l in d.feed.links if l.rel == "alternate"][0]
        if base:
            assert urllib.parse.unquote(self_link) == base + rel
            assert urllib.parse.unquote(alt) == base + os.path.join(os.path.dirname(rel), "index.html")
        else:
            assert sitecheck.resolve(m.path, rel, self_link)[0] == os.path.join(m.path, rel)
            assert sitecheck.resolve(m.path, rel, alt)[0] == \
                os.path.join(m.path, os.path.dirname(rel), "index.html")


def test_feed_ids_stable(basic, mount):
    """Entry and feed ids (urn:uuid without base_url) are the same on
    another mount of the same sources."""
    other = mount(util.BASIC)
    for rel in feeds_of(basic.path):
        a = ET.fromstring(util.read_bytes(os.path.join(basic.path, rel)))
        b = ET.fromstring(util.read_bytes(os.path.join(other.path, rel)))
        assert [i.text for i in a.iter(A + "id")] == [i.text for i in b.iter(A + "id")], rel


def test_feed_holds_a_page(mount, gen_source):
    m = mount(gen_source, "page_size=7")
    root = ET.fromstring(util.read_bytes(os.path.join(m.path, "feed.xml")))
    assert len(root.findall(A + "entry")) == 7


def expected_sitemap(mnt):
    """Every post's page in posts/ and every listing's first page, but for
    intersections (by-tag/A/+/B/), which are as many as there are
    combinations of terms: derived views, not pages to index."""
    want = {"posts/%s.html" % p["name"] for p in util.posts_of(mnt)}
    for top, dirs, files in os.walk(mnt):
        if "+" in os.path.relpath(top, mnt).split(os.sep):
            continue
        if "index.html" in files:
            want.add(os.path.relpath(os.path.join(top, "index.html"), mnt))
    return want


@pytest.mark.parametrize("which", ["basic_base", "gen_base"])
def test_sitemap_valid_with_base_url(request, which):
    m = request.getfixturevalue(which)
    bad = xmllint(["--schema", SITEMAP_XSD], ["sitemap.xml"], m.path)
    assert not bad, "\n".join(bad[:20])
    root = ET.fromstring(util.read_bytes(os.path.join(m.path, "sitemap.xml")))
    locs = [u.find(SM + "loc").text for u in root.findall(SM + "url")]
    assert all(l.startswith(BASE) and l.isascii() for l in locs)
    got = [urllib.parse.unquote(l[len(BASE):]) for l in locs]
    assert len(got) == len(set(got))
    assert set(got) == expected_sitemap(m.path)
    for u in root.findall(SM + "url"):
        util.parse_date(u.find(SM + "lastmod").text)


def test_sitemap_without_base_url(basic):
    """Without base_url the sitemap is well-formed, its <loc>s relative to
    the site's root (README), each naming a page of the mount."""
    root = ET.fromstring(util.read_bytes(os.path.join(basic.path, "sitemap.xml")))
    locs = [u.find(SM + "loc").text for u in root.findall(SM + "url")]
    got = {urllib.parse.unquote(l) for l in locs}
    assert got == expected_sitemap(basic.path)
    for rel in got:
        assert os.path.isfile(os.path.join(basic.path, rel)), rel
    # and so the schema, which wants absolute URLs, refuses it
    assert xmllint(["--schema", SITEMAP_XSD], ["sitemap.xml"], basic.path)
