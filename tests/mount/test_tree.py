"""The tree of corpus/basic: the layout of DESIGN.md, and what shell
tools and web servers rely on for every file and folder in it."""
import calendar
import os
import re
import stat
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

import util

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def tree(basic):
    """(mount, folders, files) of corpus/basic, walked once."""
    dirs, files = util.walk(basic.path)
    return basic, dirs, files


def test_top_level(basic):
    top = set(os.listdir(basic.path))
    want = {"index.html", "index.json", "feed.xml", "sitemap.xml", "style.css",
            "posts", "by-tag", "by-category", "by-date", ".postfs"}
    assert want <= top, "missing at the top: %s" % sorted(want - top)
    for d in ("posts", "by-tag", "by-category", "by-date", ".postfs"):
        assert os.path.isdir(os.path.join(basic.path, d)), d
    for f in ("index.html", "index.json", "feed.xml", "sitemap.xml", "style.css"):
        assert os.path.isfile(os.path.join(basic.path, f)), f


def test_status_json(basic):
    st = util.read_json(os.path.join(basic.path, ".postfs", "status.json"))
    for key in ("version", "source", "posts", "errors"):
        assert key in st, "status.json has no %r: %s" % (key, sorted(st))
    assert os.path.realpath(st["source"]) == os.path.realpath(util.BASIC)
    assert st["errors"] == [], "corpus/basic has no bad file: %s" % st["errors"]
    sources = [f for f in util.walk(util.BASIC)[1] if f.endswith(".md")]
    assert st["posts"]["sources"] == len(sources), (st["posts"], sources)
    listed = util.posts_of(basic.path)
    assert st["posts"]["shown"] == len(listed)
    assert st["posts"]["hidden"] == len(sources) - len(listed)
    assert os.listdir(os.path.join(basic.path, ".postfs")) == ["status.json"]


def resource_folder(d):
    """posts/NAME/...: the files beside a post, not a listing."""
    return d.startswith("posts" + os.sep)


def test_every_listing_folder_has_index(tree):
    m, dirs, _ = tree
    for d in dirs:
        # query/ lists nothing (queries are looked up, not listed)
        if d.split(os.sep)[0] == ".postfs" or resource_folder(d) or d == "query":
            continue
        for f in ("index.html", "index.json"):
            assert os.path.isfile(os.path.join(m.path, d, f)), "%s/%s is missing" % (d, f)


def test_feeds_at_root_and_in_term_folders(tree):
    m, dirs, files = tree
    term_dirs = [d for d in dirs if re.fullmatch(r"by-(tag|category)/[^/]+", d)]
    assert term_dirs, "no term folders at all"
    for d in [""] + term_dirs:
        path = os.path.join(m.path, d, "feed.xml")
        assert os.path.isfile(path), "%s has no feed.xml" % (d or "the root")
        root = ET.fromstring(util.read_bytes(path))
        assert root.tag == ATOM + "feed", "%s: root element %s" % (path, root.tag)
        entries = root.findall(ATOM + "entry")
        listing = util.read_json(os.path.join(m.path, d, "index.json"))
        assert len(entries) == min(len(listing["posts"]), 20), path
        titles = [e.find(ATOM + "title").text for e in entries]
        assert titles == [p["title"] for p in listing["posts"]][:len(titles)], path
    # feeds belong to the root, to terms, and to intersections of terms
    # (by-tag/A/+/B/: posts tagged both), never to "+" folders themselves
    feeds = {os.path.dirname(f) for f in files if os.path.basename(f) == "feed.xml"}
    inter = {d for d in dirs if re.fullmatch(r"by-(tag|category)/[^/]+(/\+/[^/]+)+", d)}
    assert feeds == set([""] + term_dirs) | inter


def test_sitemap(basic):
    root = ET.fromstring(util.read_bytes(os.path.join(basic.path, "sitemap.xml")))
    assert root.tag == SITEMAP + "urlset"
    locs = [u.find(SITEMAP + "loc").text for u in root.findall(SITEMAP + "url")]
    assert len(locs) == len(set(locs)), "a URL twice in the sitemap"
    for p in util.posts_of(basic.path):
        assert any(loc.endswith("posts/%s.html" % p["name"]) for loc in locs), p["name"]


def test_style_css(basic):
    css = util.read_text(os.path.join(basic.path, "style.css"))
    assert "{" in css and "}" in css


def test_by_date_layout(tree):
    m, dirs, files = tree
    for d in dirs:
        parts = d.split(os.sep)
        if parts[0] != "by-date" or len(parts) == 1:
            continue
        assert len(parts) <= 4, "by-date too deep: %s" % d
        y = parts[1]
        assert re.fullmatch(r"\d{4}", y), d
        if len(parts) >= 3:
            assert re.fullmatch(r"\d\d", parts[2]) and 1 <= int(parts[2]) <= 12, d
        if len(parts) == 4:
            last = calendar.monthrange(int(y), int(parts[2]))[1]
            assert re.fullmatch(r"\d\d", parts[3]) and 1 <= int(parts[3]) <= last, d
        subs = [e for e in os.listdir(os.path.join(m.path, d))
                if os.path.isdir(os.path.join(m.path, d, e))]
        if len(parts) < 4:
            assert subs, "empty date folder %s" % d
        else:
            assert not subs, "a day folder holds folders: %s" % d
            names = {f for f in os.listdir(os.path.join(m.path, d))
                     if f not in util.GENERATED}
            assert names, "empty day folder %s" % d
    # every post sits in the day folder of its date, and only there
    posts = util.posts_of(m.path)
    day_files = [f for f in files if f.startswith("by-date" + os.sep) and f.count(os.sep) == 4
                 and os.path.basename(f) not in util.GENERATED]
    want = set()
    for p in posts:
        y, mo, da = p["day"].split("-")
        want |= {os.path.join("by-date", y, mo, da, p["name"] + ext) for ext in (".html", ".json")}
    assert set(day_files) == want


def test_posts_folder(tree):
    m, _, files = tree
    posts = util.posts_of(m.path)
    assert posts, "posts/index.json lists nothing"
    in_posts = {os.path.basename(f) for f in files if os.path.dirname(f) == "posts"}
    want = {"index.html", "index.json"}
    for p in posts:
        want |= {p["name"] + ext for ext in (".html", ".json", ".md")}
    assert in_posts == want
    # its sub-folders hold the files beside posts: one per post that has any
    subs = {os.path.basename(f) for f in util.walk(m.path)[0] if os.path.dirname(f) == "posts"}
    assert subs <= {p["name"] for p in posts}, subs
    for p in posts:
        src = util.read_bytes(os.path.join(util.BASIC, p["source"]))
        assert util.read_bytes(os.path.join(m.path, "posts", p["name"] + ".md")) == src, \
            "posts/%s.md is not its source unchanged" % p["name"]


def test_find_terminates_and_lists_each_path_once(tree):
    m, dirs, files = tree
    r = subprocess.run(["find", m.path, "-print0"], capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    out = [os.fsdecode(p) for p in r.stdout.split(b"\0") if p]
    assert len(out) == len(set(out)), "find lists a path twice: %s" % sorted(
        p for p in set(out) if out.count(p) > 1)
    walked = {os.path.normpath(os.path.join(m.path, p)) for p in dirs + files}
    assert set(out) == walked


def test_listings_are_stable(tree):
    m, dirs, _ = tree
    for d in dirs:
        path = os.path.join(m.path, d)
        first = os.listdir(path)
        assert first == os.listdir(path), "%s listed twice differently" % d
        assert len(first) == len(set(first)), "%s lists a name twice" % d


def sized_read(path):
    """(st_size, bytes read) of one version of a file: stat, read and stat
    again until both stats agree (only .postfs/status.json, the live
    file, may change between them)."""
    for _ in range(5):
        a = os.stat(path)
        data = util.read_bytes(path)
        b = os.stat(path)
        if (a.st_size, a.st_mtime_ns, a.st_ino) == (b.st_size, b.st_mtime_ns, b.st_ino):
            return a.st_size, data
    raise AssertionError("%s changes on every stat" % path)


def test_sizes_equal_bytes_read(tree):
    m, _, files = tree
    bad = []
    for f in files:
        size, data = sized_read(os.path.join(m.path, f))
        if size != len(data):
            bad.append("%s: stat %d, read %d" % (f, size, len(data)))
        if size == 0:
            bad.append("%s: empty" % f)
    assert not bad, "\n".join(bad)


def test_sizes_with_shell_tools(tree):
    """stat's size (find -printf %s) and cat | wc -c agree for every file."""
    m, _, files = tree
    r = subprocess.run(["find", m.path, "-type", "f", "-printf", r"%p\0%s\0"],
                       capture_output=True, timeout=30)
    assert r.returncode == 0
    parts = r.stdout.split(b"\0")[:-1]
    sizes = dict(zip(parts[0::2], parts[1::2]))
    assert len(sizes) == len(files)
    script = 'for f; do printf "%s\\0" "$f"; cat -- "$f" | wc -c; done'
    r = subprocess.run(["sh", "-c", script, "sh"] + [os.fsdecode(p) for p in sizes],
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    counted = {}
    for line in r.stdout.splitlines():
        name, n = line.split(b"\0")
        counted[name] = int(n)
    live = os.fsencode(os.path.join(m.path, ".postfs", "status.json"))
    bad = ["%s: stat %s, cat | wc -c %s" % (os.fsdecode(p), s.decode(), counted.get(p))
           for p, s in sizes.items() if counted.get(p) != int(s) and p != live]
    assert not bad, "\n".join(bad)


def test_every_json_parses(tree):
    m, _, files = tree
    js = [os.path.join(m.path, f) for f in files if f.endswith(".json")]
    assert len(js) > 10
    for f in js:
        util.read_json(f)  # raises on bad JSON or bad UTF-8
    r = subprocess.run(["jq", "empty"] + js, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    # and jq reads what Python reads
    r = subprocess.run(["jq", "-r", ".title", os.path.join(m.path, "posts", "trends-2024.json")],
                       capture_output=True, timeout=30)
    assert r.stdout.decode().strip() == util.read_json(
        os.path.join(m.path, "posts", "trends-2024.json"))["title"]


def test_generated_text_is_utf8(tree):
    m, _, files = tree
    for f in files:
        if f.endswith((".html", ".json", ".xml", ".css")):
            util.read_text(os.path.join(m.path, f))


def test_modes(tree):
    m, dirs, files = tree
    for d in dirs:
        st = os.lstat(os.path.join(m.path, d))
        assert stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o555, \
            "%s: mode %o" % (d or "/", st.st_mode)
    for f in files:
        st = os.lstat(os.path.join(m.path, f))
        assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o444, \
            "%s: mode %o" % (f, st.st_mode)
        assert st.st_nlink == 1, "%s: %d links" % (f, st.st_nlink)


def test_folder_link_counts(tree):
    """2 + sub-folders, or 1, which says "not counted" (find then looks at
    every entry); any other count misleads find's leaf optimisation."""
    m, dirs, _ = tree
    bad, counted = [], 0
    for d in dirs:
        path = os.path.join(m.path, d)
        subs = [e for e in os.listdir(path) if os.path.isdir(os.path.join(path, e))]
        n = os.lstat(path).st_nlink
        if n != 1 and n != 2 + len(subs):
            bad.append("%s: st_nlink %d, %d sub-folders" % (d or "/", n, len(subs)))
        counted += n != 1
    assert not bad, "\n".join(bad)
    # listing folders other than posts/ are counted (by-*/ includes the
    # "+" folders and intersections)
    listings = [d for d in dirs if d.startswith(("by-", ".postfs", "query")) or d == ""]
    assert counted >= len(listings), "folders not counted: %s" % [
        d for d in listings if os.lstat(os.path.join(m.path, d)).st_nlink == 1]


def test_inodes_stable_and_distinct(tree):
    m, dirs, files = tree
    seen = {}
    for p in dirs + files:
        path = os.path.join(m.path, p)
        a, b = os.lstat(path).st_ino, os.lstat(path).st_ino
        assert a == b, "%s: inode %d then %d" % (p, a, b)
        assert a not in seen, "%s and %s share inode %d" % (p, seen.get(a), a)
        seen[a] = p
    # readdir's d_ino is the inode stat gives
    for d in dirs:
        for e in os.scandir(os.path.join(m.path, d)):
            assert e.inode() == os.lstat(e.path).st_ino, e.path


def test_inodes_and_bytes_stable_across_remount(basic, mount):
    other = mount(util.BASIC)
    for p in ("posts/trends-2024.html", "by-tag/AI", "by-date/2025/09/07/trends-2024.json",
              "index.json", "by-category/Технологии/index.html"):
        a, b = os.path.join(basic.path, p), os.path.join(other.path, p)
        assert os.stat(a).st_ino == os.stat(b).st_ino, p
        if os.path.isfile(a):
            assert util.read_bytes(a) == util.read_bytes(b), p


def test_mtimes(tree):
    m, dirs, files = tree
    for p in dirs + files:
        path = os.path.join(m.path, p)
        a = os.lstat(path).st_mtime_ns
        b = os.lstat(path).st_mtime_ns
        now = time.time_ns()
        if p != os.path.join(".postfs", "status.json"):  # the live file
            assert a == b, "%s: mtime %d then %d" % (p, a, b)
        assert 0 < a <= now, "%s: mtime %d is in the future (now %d)" % (p, a, now)


def test_post_mtimes_follow_sources(basic):
    """A post's .md and .json are made from its source alone: same mtime;
    its listing is at least as new as its newest member."""
    newest = 0
    for p in util.posts_of(basic.path):
        src = os.stat(os.path.join(util.BASIC, p["source"])).st_mtime_ns
        newest = max(newest, src)
        for ext in (".md", ".json"):
            got = os.stat(os.path.join(basic.path, "posts", p["name"] + ext)).st_mtime_ns
            assert got == src, "posts/%s%s: mtime %d, source %d" % (p["name"], ext, got, src)
        got = os.stat(os.path.join(basic.path, "posts", p["name"] + ".html")).st_mtime_ns
        assert got >= src
    assert os.stat(os.path.join(basic.path, "posts", "index.json")).st_mtime_ns >= newest
