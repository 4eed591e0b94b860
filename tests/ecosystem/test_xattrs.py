"""Extended attributes: every generated file of a post, and its
posts/NAME/ folder, carries user.postfs.title, .date, .tags,
.categories, .source and .slug (what `getfattr -d` shows); listings
carry no post's attributes (at most a title of their own); setting or
removing one answers EROFS.
"""
import errno
import json
import os
import subprocess

import pytest

import ecoutil
from ecoutil import util

NAMES = ("title", "date", "tags", "categories", "source", "slug")


@pytest.fixture(scope="module")
def site(module_mount, module_scratch):
    src = ecoutil.make_source(module_scratch("src"))
    return module_mount(src)


def post_records(mnt):
    """(post JSON, [paths of its files and folder in the tree])."""
    out = []
    for entry in util.posts_of(mnt):
        p = util.read_json(os.path.join(mnt, entry["json"]))
        paths = [v for v in p["paths"].values() if isinstance(v, str)]
        if "by_date" in p["paths"]:
            paths.append(p["paths"]["by_date"][:-len(".html")] + ".json")
        for tax in p.get("taxonomies", []):
            for term in tax.get("terms", []):
                paths += [term["path"] + p["name"] + ".html", term["path"] + p["name"] + ".json"]
        folder = os.path.join("posts", p["name"])
        if os.path.isdir(os.path.join(mnt, folder)):
            paths.append(folder)
        out.append((p, paths))
    return out


def as_list(raw):
    """A list attribute: a JSON array, or items joined by commas or
    new lines."""
    text = raw.decode("utf-8")
    if text.startswith("["):
        return json.loads(text)
    for sep in ("\n", ","):
        if sep in text:
            return [t.strip() for t in text.split(sep) if t.strip()]
    return [text] if text else []


def test_posts_have_paths_to_check(site):
    recs = post_records(site.path)
    assert len(recs) >= 7
    for _, paths in recs:
        for rel in paths:
            assert os.path.exists(os.path.join(site.path, rel)), rel


def test_every_post_file_and_folder_has_its_attributes(site):
    problems = []
    for p, paths in post_records(site.path):
        for rel in paths:
            path = os.path.join(site.path, rel)
            try:
                have = set(os.listxattr(path))
            except OSError as e:
                problems.append("%s: listxattr: %s" % (rel, e))
                continue
            for n in NAMES:
                key = "user.postfs." + n
                if key not in have:
                    if not p.get(n):
                        continue  # nothing to tell
                    problems.append("%s: no %s" % (rel, key))
                    continue
                raw = os.getxattr(path, key)
                if n in ("tags", "categories"):
                    if as_list(raw) != [str(t) for t in p.get(n, [])]:
                        problems.append("%s: %s = %r, JSON %r" % (rel, key, raw, p.get(n)))
                elif raw.decode("utf-8") != str(p[n]):
                    problems.append("%s: %s = %r, JSON %r" % (rel, key, raw, p[n]))
    assert not problems, "\n".join(problems[:40])


def test_getfattr_dump_of_a_post(site):
    getfattr = ecoutil.need("getfattr")
    r = ecoutil.run([getfattr, "-d", "--absolute-names",
                     os.path.join(site.path, "posts", "live.html")])
    assert 'user.postfs.title="Live"' in r.stdout, r.stdout
    assert 'user.postfs.slug="live"' in r.stdout
    assert 'user.postfs.source="live.md"' in r.stdout
    assert "user.postfs.date=" in r.stdout
    # a name and a title in Cyrillic, dumped as text
    r = ecoutil.run([getfattr, "-d", "--absolute-names", "-e", "text",
                     os.path.join(site.path, "by-tag", "Технологии", "технологии-2024.html")],
                    env=dict(os.environ, LC_ALL="C.UTF-8"))
    assert "Технологии" in r.stdout


def test_generated_files_of_no_post_have_no_post_attributes(site):
    """Listings, feeds and the tree's folders: listxattr answers, with
    none of a post's attributes (a listing may carry its own title), and
    getfattr -d works on them."""
    post_only = {"user.postfs." + n for n in NAMES if n != "title"}
    for rel in ("", "index.html", "index.json", "feed.xml", "sitemap.xml", "style.css",
                "posts", "posts/index.json", "by-tag", "by-tag/Live/index.html",
                "by-tag/Live/feed.xml", "by-date/2024", ".postfs/status.json"):
        names = os.listxattr(os.path.join(site.path, rel))
        assert not post_only & set(names), (rel, names)
    r = subprocess.run(["getfattr", "-d", "--absolute-names",
                        os.path.join(site.path, "index.html")], capture_output=True, text=True)
    assert r.returncode == 0 and r.stderr == "", r.stderr


def test_missing_attribute_is_enodata(site):
    with pytest.raises(OSError) as e:
        os.getxattr(os.path.join(site.path, "posts", "live.html"), "user.postfs.nothing")
    assert e.value.errno == errno.ENODATA


def test_attributes_follow_an_edit(site):
    """A new title in the source: the attribute changes within a second,
    like the bytes."""
    import time
    path = os.path.join(site.source, "live.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace('title: "Live"', 'title: "Live, retitled"'))
    target = os.path.join(site.path, "posts", "live.html")
    deadline = time.monotonic() + 2.0
    value = None
    while time.monotonic() < deadline:
        try:
            value = os.getxattr(target, "user.postfs.title").decode()
        except OSError:
            value = None
        if value == "Live, retitled":
            break
        time.sleep(0.05)
    assert value == "Live, retitled"


@pytest.mark.parametrize("rel", ["posts/live.html", "posts/live.json", "index.html",
                                 "posts/my first note"])
def test_setting_or_removing_attributes_is_erofs(site, rel):
    path = os.path.join(site.path, rel)
    with pytest.raises(OSError) as e:
        os.setxattr(path, "user.postfs.title", b"changed")
    assert e.value.errno == errno.EROFS
    with pytest.raises(OSError) as e:
        os.setxattr(path, "user.other", b"x")
    assert e.value.errno == errno.EROFS
    with pytest.raises(OSError) as e:
        os.removexattr(path, "user.postfs.title")
    assert e.value.errno == errno.EROFS
    setfattr = ecoutil.need("setfattr")
    r = subprocess.run([setfattr, "-n", "user.x", "-v", "1", path], capture_output=True,
                       text=True)
    assert r.returncode != 0 and "Read-only file system" in r.stderr
