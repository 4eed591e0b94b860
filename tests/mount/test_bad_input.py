"""Bad input (tests/corpus/bad): the mount comes up, good posts are all
there, every bad file is reported with its file, message, line and
column where they can be known, in .postfs/status.json and in the log,
and still appears as well as it can be read."""
import os
import re
import shutil
import stat

import pytest

import util

MAX_FILE_MIB = 1
GOOD = ("good-yaml.md", "good-toml.md", "good-bom-crlf.md")
# bad regular files: each must be reported and still shown
BAD_FILES = ("broken-yaml.md", "unclosed-quote.md", "unclosed.md", "bad-date.md",
             "invalid-utf8-body.md", "invalid-utf8-title.md", "binary.md",
             "deep-nesting.md", "alias-bomb.md", "bad-toml.md", "bad-json.md", "huge.md")
# made at run time, see the fixture
LOCKED = "locked.md"
DANGLING = "dangling.md"


def can_drop_dac():
    return os.geteuid() != 0 or shutil.which("setpriv") is not None


@pytest.fixture(scope="module")
def bad(tmp_path_factory, module_mount):
    work = tmp_path_factory.mktemp("bad")
    src = util.copy_corpus(util.BAD, str(work / "src"))
    # larger than -o max_file
    with open(os.path.join(src, "huge.md"), "w") as f:
        f.write("---\ntitle: Huge\ndate: 2024-02-08\ntags: [Big]\n---\n\n")
        line = "All work and no play makes a huge file. " * 4 + "\n\n"
        f.write(line * ((MAX_FILE_MIB << 20) * 3 // 2 // len(line)))
    os.mkfifo(os.path.join(src, "fifo.md"))
    os.symlink("no-such-post.md", os.path.join(src, DANGLING))
    outside = work / "outside.md"
    outside.write_text("---\ntitle: Outside the source\ndate: 2024-01-01\n---\nx\n")
    os.symlink(str(outside), os.path.join(src, "outside.md"))
    locked = util.write_post(src, LOCKED, "title: Locked\ndate: 2024-02-10\n")
    os.chmod(locked, 0)
    wrapper = ()
    if os.geteuid() == 0 and shutil.which("setpriv"):
        # root reads mode 000 files: run the daemon without that power
        wrapper = ("setpriv", "--inh-caps=-dac_override,-dac_read_search",
                   "--bounding-set=-dac_override,-dac_read_search")
    return module_mount(src, "max_file=%d" % MAX_FILE_MIB, wrapper=wrapper)


def errors_of(m):
    return util.read_json(os.path.join(m.path, ".postfs", "status.json"))["errors"]


def errors_for(m, name):
    return [e for e in errors_of(m) if e.get("file") == name]


def lines(name):
    with open(os.path.join(util.BAD, name), "rb") as f:
        return f.read().split(b"\n")


def line_of(name, needle):
    """1-based number of the first line of a corpus file holding needle,
    and the 1-based column where needle starts."""
    for i, ln in enumerate(lines(name), 1):
        k = ln.find(needle)
        if k >= 0:
            return i, k + 1
    raise AssertionError("%s has no %r" % (name, needle))


def expected_location(name):
    """(lines, columns) an error in a corpus file may point at: ranges
    worked out from the file itself; None where no position is known."""
    if name == "broken-yaml.md":
        ln, col = line_of(name, b"summary: one: two")
        col += len("summary: one")  # the second ':'
        return range(ln, ln + 1), range(col, col + 1)
    if name == "invalid-utf8-title.md":
        ln, col = line_of(name, b"\xe9")
        return range(ln, ln + 1), range(col, col + 1)
    if name == "invalid-utf8-body.md":
        ln, col = line_of(name, b"\xff")
        return range(ln, ln + 1), range(col, col + 1)
    if name == "unclosed.md":
        return range(1, 2), range(1, 2)
    if name == "unclosed-quote.md":
        first, _ = line_of(name, b'summary: "')
        last = len(lines(name))
        return range(first, last + 1), None
    if name == "bad-date.md":
        ln, _ = line_of(name, b"date:")
        return range(ln, ln + 1), None
    if name == "binary.md":
        data = b"\n".join(lines(name))
        nul = data.index(b"\0")
        ln = data.count(b"\n", 0, nul) + 1
        col = nul - (data.rfind(b"\n", 0, nul) + 1) + 1
        return range(ln, ln + 1), range(col, col + 1)
    if name == "deep-nesting.md":
        ln, col = line_of(name, b"[")
        return range(ln, ln + 1), range(col, col + 200)
    if name == "alias-bomb.md":
        first, _ = line_of(name, b"*a")
        last, _ = line_of(name, b"*h")
        return range(first, last + 1), range(1, 200)
    if name == "bad-toml.md":
        first, _ = line_of(name, b"tags")
        return range(first, first + 2), None
    if name == "bad-json.md":
        first, _ = line_of(name, b'"date"')
        return range(first, first + 2), None
    return None, None


def test_mount_comes_up_with_every_good_post(bad):
    posts = util.posts_of(bad.path)
    by_src = {p["source"]: p for p in posts}
    for name in GOOD:
        assert name in by_src, "good post %s is missing" % name
        meta = util.read_json(os.path.join(bad.path, "posts", by_src[name]["name"] + ".json"))
        assert meta["errors"] == [], "%s: %s" % (name, meta["errors"])
        m = re.search(rb'^title\s*[:=]\s*"?([^"\r\n]+)"?\r?$', b"\n".join(lines(name)), re.M)
        assert meta["title"] == m.group(1).decode(), name
        assert "Good" in meta["tags"], name
    good_tag = {p["name"] for p in
                util.read_json(os.path.join(bad.path, "by-tag", "Good", "index.json"))["posts"]}
    assert good_tag == {by_src[n]["name"] for n in GOOD}
    assert not [e for e in errors_of(bad) if e.get("file") in GOOD]


def test_bom_and_crlf_accepted(bad):
    meta = util.read_json(os.path.join(bad.path, "posts", "good-bom-crlf.json"))
    assert meta["title"] == "A good post with a BOM and CRLF"
    assert all("\ufeff" not in k and "\r" not in k for k in meta["front_matter"])
    assert meta["tags"] == ["Good"]
    assert util.parse_date(meta["date"]).date().isoformat() == "2024-03-03"


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_reported(bad, name):
    errs = errors_for(bad, name)
    assert errs, "%s is not in status.json errors: %s" % (
        name, sorted({e.get("file") for e in errors_of(bad)}))
    want_lines, want_cols = expected_location(name)
    for e in errs:
        assert isinstance(e.get("message"), str) and e["message"].strip(), e
        if want_lines is not None:
            assert "line" in e, "%s: no line in %s" % (name, e)
            assert e["line"] in want_lines, "%s: line %s, want %s" % (name, e["line"],
                                                                      list(want_lines))
        if want_cols is not None:
            assert "column" in e, "%s: no column in %s" % (name, e)
            assert e["column"] in want_cols, "%s: column %s, want %s..%s" % (
                name, e["column"], want_cols.start, want_cols.stop - 1)
        # a line named inside the message is a line of the file too
        for n in re.findall(r"\bline (\d+)", e["message"]):
            if want_lines is not None:
                assert int(n) in want_lines, "%s: message names line %s: %s" % (
                    name, n, e["message"])
    assert name in bad.log(), "%s is not named in the daemon's log" % name
    for e in errs:
        if "line" in e:
            assert "%s:%d" % (name, e["line"]) in bad.log(), \
                "the log does not give %s:%d" % (name, e["line"])


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_still_appears(bad, name):
    stem = name[:-3]
    posts = {p["source"]: p["name"] for p in util.posts_of(bad.path)}
    assert posts.get(name) == stem, "%s is not shown as posts/%s.*" % (name, stem)
    for ext in (".html", ".json", ".md"):
        path = os.path.join(bad.path, "posts", stem + ext)
        data = util.read_bytes(path)
        assert os.stat(path).st_size == len(data) > 0, path
        if ext != ".md":
            text = data.decode("utf-8")  # repaired, whatever the source holds
            assert "\0" not in text, path
    meta = util.read_json(os.path.join(bad.path, "posts", stem + ".json"))
    assert meta["errors"], "posts/%s.json has no errors" % stem
    assert all(e.get("message") for e in meta["errors"])
    assert meta["source"] == name
    # the status and the post agree on where
    status = [(e.get("line"), e.get("column")) for e in errors_for(bad, name)]
    for e in meta["errors"]:
        if e.get("line"):
            assert (e["line"], e.get("column") or None) in status, (e, status)


def test_readable_parts_are_kept(bad):
    """What could be read is shown: the body of a post whose front matter
    is broken, the title of one with a bad date, the text of a binary."""
    page = util.read_text(os.path.join(bad.path, "posts", "broken-yaml.html"))
    assert "second colon" in page
    meta = util.read_json(os.path.join(bad.path, "posts", "bad-date.json"))
    assert meta["title"] == "A bad date" and meta["tags"] == ["Bad"]
    page = util.read_text(os.path.join(bad.path, "posts", "invalid-utf8-body.html"))
    assert "Here come bad bytes:" in page and "and then text." in page
    assert "\ufffd" in page
    page = util.read_text(os.path.join(bad.path, "posts", "unclosed.html"))
    assert "The closing line never comes" in page
    page = util.read_text(os.path.join(bad.path, "posts", "binary.html"))
    assert "ELF" in page


def test_huge_file_limited(bad):
    size = os.stat(os.path.join(bad.source, "huge.md")).st_size
    assert size > MAX_FILE_MIB << 20
    errs = errors_for(bad, "huge.md")
    assert any(str(size) in e["message"] for e in errs), errs
    html = os.path.join(bad.path, "posts", "huge.html")
    assert os.stat(html).st_size == len(util.read_bytes(html))
    assert "All work and no play" in util.read_text(html)


def test_unreadable_file_reported(bad):
    if not can_drop_dac():
        pytest.skip("root reads mode 000 files and setpriv is missing")
    errs = errors_for(bad, LOCKED)
    assert errs, "locked.md (mode 000) is not in status.json errors"
    assert all(e["message"] for e in errs)
    assert LOCKED in bad.log()


@pytest.mark.xfail(strict=True, reason="DESIGN: a bad post 'still appears as well as it can "
                   "be read'; whether a file that cannot be opened at all appears (name "
                   "only) or not is not said")
def test_unreadable_file_still_appears(bad):
    if not can_drop_dac():
        pytest.skip("root reads mode 000 files and setpriv is missing")
    assert os.path.isfile(os.path.join(bad.path, "posts", "locked.html"))


def test_dangling_link_reported(bad):
    errs = errors_for(bad, DANGLING)
    assert errs and all(e["message"] for e in errs)
    assert DANGLING in bad.log()
    assert "dangling.html" not in os.listdir(os.path.join(bad.path, "posts"))


def test_special_files_are_not_posts(bad):
    """A FIFO named *.md does not block the scan and is not a post; a link
    leading out of SOURCE is not followed."""
    assert stat.S_ISFIFO(os.lstat(os.path.join(bad.source, "fifo.md")).st_mode)
    names = os.listdir(os.path.join(bad.path, "posts"))
    assert "fifo.html" not in names
    assert "outside.html" not in names
    assert "Outside the source" not in util.read_text(os.path.join(bad.path, "posts",
                                                                   "index.json"))


def test_whole_tree_readable(bad):
    dirs, files = util.walk(bad.path)
    assert len(files) > 50
    for f in files:
        path = os.path.join(bad.path, f)
        data = util.read_bytes(path)
        assert os.stat(path).st_size == len(data), f
        if f.endswith(".json"):
            util.read_json(path)
        elif not f.endswith(".md"):
            data.decode("utf-8")
