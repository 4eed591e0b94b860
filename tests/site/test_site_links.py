"""Every link between generated pages is relative and resolves inside the
mount: a link checker over every .html of the sample corpus and of a
generated corpus of 500 posts, with and without base_url."""
import os
import re
import urllib.parse

import pytest

import sitecheck
import util

BASE = "https://blog.example.org/sub/"


def assert_links(mnt, min_pages):
    pages, checked, problems = sitecheck.check_links(mnt)
    assert len(pages) >= min_pages, "only %d pages in %s" % (len(pages), mnt)
    assert checked > len(pages) * 5, "too few links checked: %d on %d pages" % (checked, len(pages))
    assert not problems, "%d broken links, e.g.:\n%s" % (len(problems), "\n".join(problems[:20]))
    return pages


def test_links_basic(basic):
    pages = assert_links(basic.path, 20)
    # every kind of page was among them
    for p in ("index.html", "posts/index.html", "posts/gfm.html", "by-tag/index.html",
              "by-tag/AI/index.html", "by-date/index.html", "by-date/2023/index.html",
              "by-date/2023/01/index.html", "by-date/2023/01/15/index.html",
              "by-date/2023/01/15/hello-bundle.html", "by-category/Notes/gfm.html"):
        assert p in pages, p


def test_links_generated(gen):
    assert_links(gen.path, 1000)


def test_links_paginated(module_mount, gen_source):
    """A small page size makes many listing pages; their links hold too."""
    m = module_mount(gen_source, "page_size=7")
    pages = assert_links(m.path, 1000)
    assert "posts/index-2.html" in pages and "by-date/index-2.html" not in pages


def test_no_absolute_links_without_base_url(basic):
    """Without base_url no page links to an absolute URL of the site: only
    to what the posts themselves link to."""
    for rel in sitecheck.html_files(basic.path):
        page = sitecheck.Page(sitecheck.read(basic.path, rel))
        for tag, attr, url, a in page.links:
            if not sitecheck.is_relative(url):
                assert tag == "a" or url == "data:,", "%s: <%s %s=%r>" % (rel, tag, attr, url)
        assert "canonical" not in [a.get("rel") for a in page.tags.get("link", [])], rel


def test_links_and_canonical_with_base_url(mount):
    m = mount(util.BASIC, "base_url=" + BASE)
    assert_links(m.path, 20)
    for rel in sitecheck.html_files(m.path):
        page = sitecheck.Page(sitecheck.read(m.path, rel))
        canon = [a["href"] for a in page.tags.get("link", []) if a.get("rel") == "canonical"]
        assert len(canon) == 1, "%s: %d canonical links" % (rel, len(canon))
        name = os.path.basename(rel)
        if name.startswith("index") or os.path.dirname(rel) == "":
            # a listing: its own address
            # ("+" may stay as it is: a path may hold it unencoded)
            assert urllib.parse.unquote(canon[0]) == BASE + rel, rel
        else:
            # a post, wherever it is filed: its copy in posts/
            assert canon[0] == BASE + "posts/" + urllib.parse.quote(name), rel
        # the canonical page exists in the mount
        target = urllib.parse.unquote(canon[0][len(BASE):])
        assert os.path.isfile(os.path.join(m.path, target)), canon[0]


def test_every_page_has_navigation(basic):
    """Navigation (home, posts, every taxonomy, archive) and breadcrumbs
    on every page; the current page is marked in the breadcrumbs."""
    for rel in sitecheck.html_files(basic.path):
        page = sitecheck.Page(sitecheck.read(basic.path, rel))
        hrefs = {os.path.normpath(os.path.join(os.path.dirname(rel), u))
                 for _, _, u, _ in page.links if sitecheck.is_relative(u)}
        for target in ("index.html", "posts/index.html", "by-tag/index.html",
                       "by-category/index.html", "by-date/index.html"):
            assert target in hrefs, "%s: no link to %s" % (rel, target)
        html = page.tags["html"][0]
        assert html.get("lang"), rel
        assert len(page.tags.get("main", [])) == 1, rel
        assert len(page.tags.get("h1", [])) >= 1, rel
        labels = [a.get("aria-label") for a in page.tags.get("nav", [])]
        assert "Site" in labels, rel
        if rel != "index.html":
            assert "Breadcrumb" in labels, rel
            current = [a for t in ("span", "a") for a in page.tags.get(t, [])
                       if a.get("aria-current") == "page"]
            assert current, "%s: no aria-current in the breadcrumbs" % rel


def test_generated_pages_are_well_formed(gen):
    """One <title>, the style sheet linked, charset first, on every page of
    the generated corpus (a sample of 300)."""
    pages = sitecheck.html_files(gen.path)
    for rel in pages[::max(1, len(pages) // 300)]:
        text = sitecheck.read(gen.path, rel)
        assert text.startswith("<!DOCTYPE html>\n<html lang="), rel
        assert re.search(r"<head>\s*<meta charset=\"utf-8\">", text), rel
        page = sitecheck.Page(text)
        assert len(page.texts.get("title", [])) == 1, rel
        styles = [a["href"] for a in page.tags.get("link", []) if a.get("rel") == "stylesheet"]
        assert len(styles) == 1 and styles[0].endswith("style.css"), rel
        assert text.rstrip().endswith("</html>"), rel


@pytest.mark.parametrize("folder", ["posts", "by-tag/AI", "by-date/2023/01/15"])
def test_post_links_from_each_folder(basic, folder):
    """A post's page in a tag or date folder links to the same places as
    its copy in posts/ (each resolved from where it is)."""
    def targets(rel):
        page = sitecheck.Page(sitecheck.read(basic.path, rel))
        out = set()
        for _, _, u, _ in page.links:
            if sitecheck.is_relative(u) and not u.startswith("#"):
                t, _ = sitecheck.resolve(basic.path, rel, u)
                out.add(os.path.relpath(t, basic.path))
        return out

    here = targets(folder + "/hello-bundle.html")
    there = targets("posts/hello-bundle.html")
    # the same site-wide destinations; resources are reached either way
    for t in ("index.html", "posts/index.html", "by-tag/AI/index.html", "posts/hello-bundle.md"):
        assert t in here and t in there, t
