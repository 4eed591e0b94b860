"""The posts of corpus/basic where DESIGN.md says they go: the sample
post in every tree, merged case variants, slugs, bundles, JSON and TOML
front matter, newest-first listings and links that resolve."""
import os
import re
import urllib.parse

import pytest

import util


def source_text(rel):
    return util.read_text(os.path.join(util.BASIC, rel))


def yaml_value(rel, key):
    """A top-level quoted scalar of a source's YAML front matter."""
    m = re.search(r'^%s:\s*"(.*)"\s*$' % re.escape(key), source_text(rel), re.M)
    assert m, "%s has no %s" % (rel, key)
    return m.group(1)


SAMPLE_DIRS = ("posts", "by-tag/AI", "by-tag/Tech", "by-category/Технологии",
               "by-date/2025/09/07")


@pytest.mark.parametrize("folder", SAMPLE_DIRS)
def test_sample_post_in_every_tree(basic, folder):
    d = os.path.join(basic.path, folder)
    assert os.path.isfile(os.path.join(d, "trends-2024.html"))
    meta = util.read_json(os.path.join(d, "trends-2024.json"))
    fm = meta["front_matter"]
    for key in ("image", "model", "title"):
        assert fm[key] == yaml_value("trends-2024.md", key), key
    assert meta["title"] == yaml_value("trends-2024.md", "title")
    assert meta["date"] == "2025-09-07T12:22:17+03:00"
    assert meta["tags"] == ["AI", "Tech"] and meta["categories"] == ["Технологии"]
    assert meta["source"] == "trends-2024.md"
    assert meta["errors"] == []
    # the same post wherever it is listed
    assert meta == util.read_json(os.path.join(basic.path, "posts", "trends-2024.json"))


def test_sample_listed_in_its_folders(basic):
    for folder in SAMPLE_DIRS:
        names = [p["name"] for p in
                 util.read_json(os.path.join(basic.path, folder, "index.json"))["posts"]]
        assert "trends-2024" in names, folder


def test_sample_html_headings(basic):
    page = util.read_text(os.path.join(basic.path, "posts", "trends-2024.html"))
    src = source_text("trends-2024.md")
    h2_src = re.findall(r"^## (.+)$", src, re.M)
    h2_ids = re.findall(r'<h2 id="([^"]+)"', page)
    assert len(h2_ids) == len(h2_src) > 0, "h2 with id: %s, ## lines: %s" % (h2_ids, h2_src)
    assert len(set(h2_ids)) == len(h2_ids), "heading ids repeat: %s" % h2_ids
    assert "## 1." not in page
    toc = util.read_json(os.path.join(basic.path, "posts", "trends-2024.json"))["toc"]
    toc_ids = [t["id"] for t in toc if t["level"] == 2]
    assert toc_ids == h2_ids
    assert [t["text"] for t in toc if t["level"] == 2] == [h.strip() for h in h2_src]


def test_sample_json_extras(basic):
    meta = util.read_json(os.path.join(basic.path, "posts", "trends-2024.json"))
    words = len(re.sub(r"^---\n.*?\n---\n", "", source_text("trends-2024.md"), flags=re.S).split())
    # the word count of the rendered text: markup aside, close to the source's
    assert abs(meta["word_count"] - words) <= words // 10, (meta["word_count"], words)
    assert meta["reading_time"] >= 1
    assert meta["summary"].split()[:3] == ["Будущее", "уже", "здесь:"]
    assert len(meta["summary"].split()) <= 71


def test_case_variants_are_one_tag(basic):
    tags = os.listdir(os.path.join(basic.path, "by-tag"))
    assert "AI" in tags and "ai" not in tags
    assert [t for t in tags if t.lower() == "ai"] == ["AI"]
    assert not os.path.exists(os.path.join(basic.path, "by-tag", "ai"))
    gfm = util.read_json(os.path.join(basic.path, "by-tag", "AI", "gfm.json"))
    assert "ai" in gfm["front_matter"]["tags"] and "ai" in gfm["tags"]
    names = {p["name"] for p in
             util.read_json(os.path.join(basic.path, "by-tag", "AI", "index.json"))["posts"]}
    assert names == {"trends-2024", "gfm", "hello-bundle"}
    # the term's JSON keeps both spellings
    terms = util.read_json(os.path.join(basic.path, "by-tag", "index.json"))["terms"]
    ai = [t for t in terms if t["name"].lower() == "ai"]
    assert len(ai) == 1, terms
    assert set(ai[0]["spellings"]) == {"AI", "ai"}
    assert ai[0]["count"] == 3
    term = util.read_json(os.path.join(basic.path, "by-tag", "AI", "index.json"))
    assert set(term["spellings"]) == {"AI", "ai"}
    # the post's own JSON names the folder its spelling went to
    t = [x for x in gfm["taxonomies"] if x["name"] == "tags"][0]
    assert {"name": "ai", "folder": "AI"}.items() <= \
        [e for e in t["terms"] if e["name"] == "ai"][0].items()


def test_term_counts_match_folders(basic):
    for tax in ("by-tag", "by-category"):
        terms = util.read_json(os.path.join(basic.path, tax, "index.json"))["terms"]
        folders = sorted(e for e in os.listdir(os.path.join(basic.path, tax))
                         if os.path.isdir(os.path.join(basic.path, tax, e)))
        assert sorted(t["name"] for t in terms) == folders
        for t in terms:
            files = os.listdir(os.path.join(basic.path, tax, t["name"]))
            posts = {f[:-5] for f in files if f.endswith(".html") and f != "index.html"}
            assert t["count"] == len(posts), (tax, t)


def test_slug_field(basic):
    posts = os.listdir(os.path.join(basic.path, "posts"))
    assert "gfm.html" in posts and "gfm-features.html" not in posts
    meta = util.read_json(os.path.join(basic.path, "posts", "gfm.json"))
    assert meta["slug"] == "gfm" and meta["name"] == "gfm"
    assert meta["source"] == "2024/gfm-features.md"
    assert util.read_bytes(os.path.join(basic.path, "posts", "gfm.md")) == \
        util.read_bytes(os.path.join(util.BASIC, "2024", "gfm-features.md"))


def test_gfm_rendering(basic):
    page = util.read_text(os.path.join(basic.path, "posts", "gfm.html"))
    assert "<table>" in page and "<del>Footnotes</del>" in page
    assert 'type="checkbox"' in page
    assert '<a href="https://example.org">' in page
    assert "int main(void)" in page


def test_page_bundle(basic):
    for ext in (".html", ".json", ".md"):
        assert os.path.isfile(os.path.join(basic.path, "posts", "hello-bundle" + ext))
    assert not os.path.exists(os.path.join(basic.path, "posts", "index.html.html"))
    meta = util.read_json(os.path.join(basic.path, "posts", "hello-bundle.json"))
    assert meta["source"] == "2023/hello-bundle/index.md"
    assert meta["title"] == "Hello, bundle"
    names = [p["name"] for p in util.posts_of(basic.path)]
    assert "index" not in names


def test_bundle_resource_reachable(basic):
    """The bundle's picture is reachable from its page, by the link the
    page itself gives (DESIGN: resources are reachable beside their posts)."""
    picture = util.read_bytes(os.path.join(util.BASIC, "2023", "hello-bundle", "square.png"))
    for folder in ("posts", "by-tag/AI", "by-date/2023/01/15"):
        page = util.read_text(os.path.join(basic.path, folder, "hello-bundle.html"))
        srcs = re.findall(r'<img src="([^"]+)"', page)
        assert srcs, "%s/hello-bundle.html shows no picture" % folder
        target = os.path.normpath(os.path.join(basic.path, folder,
                                               urllib.parse.unquote(srcs[0])))
        assert os.path.isfile(target), "%s/hello-bundle.html: <img src=%r> is not in the mount" \
            % (folder, srcs[0])
        assert util.read_bytes(target) == picture


def test_json_front_matter(basic):
    meta = util.read_json(os.path.join(basic.path, "posts", "json-front-matter.json"))
    assert meta["title"] == "Front matter in JSON"
    assert meta["front_matter"]["weight"] == 3
    assert meta["tags"] == ["Meta", "JSON"]
    assert meta["date"] == "2023-06-01T08:00:00Z"
    for d in ("by-tag/JSON", "by-tag/Meta", "by-category/Notes", "by-date/2023/06/01"):
        assert os.path.isfile(os.path.join(basic.path, d, "json-front-matter.html")), d


def test_toml_front_matter(basic):
    meta = util.read_json(os.path.join(basic.path, "posts", "toml-front-matter.json"))
    assert meta["title"] == "Front matter in TOML"
    assert meta["date"] == "2023-06-02T09:30:00+02:00"
    assert meta["tags"] == ["Meta", "TOML"] and meta["draft"] is False
    assert meta["errors"] == []
    for d in ("by-tag/TOML", "by-tag/Meta", "by-category/Notes", "by-date/2023/06/02"):
        assert os.path.isfile(os.path.join(basic.path, d, "toml-front-matter.html")), d
        assert os.path.isfile(os.path.join(basic.path, d, "toml-front-matter.json")), d


def _listings(mnt):
    for top, dirs, files in os.walk(mnt):
        if "index.json" in files and ".postfs" not in top:
            yield os.path.join(top, "index.json")


def test_listings_newest_first(basic):
    checked = 0
    for path in _listings(basic.path):
        posts = util.read_json(path).get("posts")
        if not posts:
            continue
        dates = [util.parse_date(p["date"]) for p in posts]
        assert dates == sorted(dates, reverse=True), "%s: %s" % (path, [p["date"] for p in posts])
        checked += 1
    assert checked > 5
    dates = [util.parse_date(p["date"]) for p in util.posts_of(basic.path)]
    assert len(dates) >= 3 and dates[0] > dates[-1]


def test_html_listing_order_matches_json(basic):
    for folder in ("posts", "by-tag/AI", "by-category/Notes"):
        order = [p["name"] for p in
                 util.read_json(os.path.join(basic.path, folder, "index.json"))["posts"]]
        page = util.read_text(os.path.join(basic.path, folder, "index.html"))
        hrefs = [h[:-5] for h in re.findall(r'href="([^"/]+\.html)"', page)
                 if h[:-5] in order]
        seen = list(dict.fromkeys(hrefs))
        assert seen == order, folder


def test_relative_links_resolve(basic):
    """Every link of every page leads to a file of the mount (and to an id
    in it when it has a #fragment): the tree works under any prefix."""
    bad, count = util.check_links(basic.path)
    assert count > 100
    assert not bad, "%d bad links:\n%s" % (len(bad), "\n".join(bad[:30]))
