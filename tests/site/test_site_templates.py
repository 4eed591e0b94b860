"""-o templates=DIR: any file of the theme replaced by name, and a change
in DIR seen without remounting."""
import os
import time

import pytest

import sitecheck
import util


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def write(path, text, mtime=None):
    tmp = path + ".tmp~"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.rename(tmp, path)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


@pytest.fixture
def tdir(tmp_path):
    d = tmp_path / "templates"
    d.mkdir()
    return str(d)


def test_override_by_name(mount, tdir):
    write(os.path.join(tdir, "post.html"), "<p>custom {{post.title}} {{post.reading_time}}</p>\n")
    write(os.path.join(tdir, "style.css"), "body { color: red; }\n")
    m = mount(util.BASIC, "templates=" + tdir)
    assert util.read_text(os.path.join(m.path, "posts", "gfm.html")) == \
        "<p>custom Tables, tasks and code 1</p>\n"
    assert util.read_text(os.path.join(m.path, "by-tag", "AI", "gfm.html")) == \
        "<p>custom Tables, tasks and code 1</p>\n"
    assert util.read_text(os.path.join(m.path, "style.css")) == "body { color: red; }\n"
    # what was not replaced is the built-in theme
    assert 'class="site-nav"' in util.read_text(os.path.join(m.path, "index.html"))


def test_partial_override(mount, tdir):
    write(os.path.join(tdir, "header.html"), "<header>{{title}}|{{kind}}</header>\n")
    m = mount(util.BASIC, "templates=" + tdir)
    assert util.read_text(os.path.join(m.path, "by-tag", "index.html")).startswith(
        "<header>Tags|terms</header>\n")
    assert util.read_text(os.path.join(m.path, "posts", "gfm.html")).startswith(
        "<header>Tables, tasks and code|post</header>\n")


def test_change_seen_without_remount(mount, tdir):
    path = os.path.join(tdir, "post.html")
    write(path, "<p>one {{post.title}}</p>\n", mtime=1_700_000_000)
    m = mount(util.BASIC, "templates=" + tdir)
    page = os.path.join(m.path, "posts", "gfm.html")
    assert util.read_text(page) == "<p>one Tables, tasks and code</p>\n"
    before = os.stat(page)
    write(path, "<p>two {{post.title}}!</p>\n")
    assert wait_for(lambda: util.read_text(page) == "<p>two Tables, tasks and code!</p>\n"), \
        util.read_text(page)
    after = os.stat(page)
    assert after.st_size == len("<p>two Tables, tasks and code!</p>\n")
    assert after.st_mtime_ns > before.st_mtime_ns
    # a new file in the folder replaces a built-in one too
    write(os.path.join(tdir, "terms.html"), "{{#list.folders}}{{name}}={{count}};{{/list.folders}}\n")
    terms = os.path.join(m.path, "by-tag", "index.html")
    assert wait_for(lambda: util.read_text(terms).startswith("AI=3;")), util.read_text(terms)
    # and removing it brings the built-in one back
    os.unlink(os.path.join(tdir, "terms.html"))
    assert wait_for(lambda: 'class="term-list"' in util.read_text(terms))


def test_broken_template_falls_back(mount, tdir):
    write(os.path.join(tdir, "list.html"), "line one\n{{#list.posts}}\nnever closed\n")
    m = mount(util.BASIC, "templates=" + tdir)
    text = util.read_text(os.path.join(m.path, "posts", "index.html"))
    assert 'class="posts"' in text  # the built-in list.html
    assert wait_for(lambda: "list.html:" in m.log()), m.log()


def test_every_page_kind_renders_with_user_templates(mount, tdir):
    """A theme made only of user files still gives every kind of page:
    the names the built-in theme uses are the ones a user can replace."""
    for name, body in (("home.html", "home {{list.count}}"), ("list.html", "list {{list.title}}"),
                       ("terms.html", "terms {{list.title}}"), ("post.html", "post {{post.title}}"),
                       ("feed.xml", "<feed>{{feed_title}}</feed>"),
                       ("sitemap.xml", "<urlset>{{#urls}}{{loc}} {{/urls}}</urlset>")):
        write(os.path.join(tdir, name), body + "\n")
    m = mount(util.BASIC, "templates=" + tdir)
    r = lambda rel: util.read_text(os.path.join(m.path, rel))  # noqa: E731
    assert r("index.html") == "home 5\n"
    assert r("posts/index.html") == "list All posts\n"
    assert r("by-date/2023/index.html") == "list 2023\n"
    assert r("by-date/2023/06/index.html") == "list June 2023\n"
    assert r("by-tag/index.html") == "terms Tags\n"
    assert r("by-tag/AI/index.html") == "list Tag: AI\n"
    assert r("posts/gfm.html") == "post Tables, tasks and code\n"
    assert r("by-tag/AI/feed.xml") == "<feed>postfs: Tag: AI</feed>\n"
    assert r("sitemap.xml").startswith("<urlset>index.html posts/index.html posts/")
    for rel in sitecheck.html_files(m.path):
        assert r(rel).split()[0] in ("home", "list", "terms", "post"), rel
