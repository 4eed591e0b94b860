"""The limits that keep every input finite (README: Bad input, options):
max_file (16 MiB, -o max_file=MiB), front matter size (256 KiB), nesting
depth (64), values after alias expansion (100000), max_terms (100,
-o max_terms=N), name length (255 bytes) and folder depth (64).  Each is
tried with a hostile source just past it and one just within it: the one
past is cut or refused with an error in status.json, the mount stays up
and fast, and the other posts are untouched."""
import json
import os
import time

import util

FAST = 60.0 if util.VALGRIND else 10.0  # seconds any one of these may take


def errors_of(mnt, source):
    status = util.read_json(os.path.join(mnt, ".postfs", "status.json"))
    return [e["message"] for e in status["errors"] if e["file"] == source]


def post_json(mnt, source):
    p = util.post_by_source(mnt, source)
    assert p, "%s is not listed" % source
    return util.read_json(os.path.join(mnt, "posts", p["name"] + ".json"))


def timed_read(path):
    t = time.monotonic()
    data = util.read_bytes(path)
    took = time.monotonic() - t
    assert took < FAST, "%s took %.1f s" % (path, took)
    return data


def write(src, rel, data):
    path = os.path.join(src, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def test_max_file(mount, scratch):
    src = os.path.join(scratch, "src")
    util.write_post(src, "ok.md", "title: OK\ndate: 2024-01-01")
    head = b"---\ntitle: Big\ndate: 2024-01-02\n---\n"
    para = b"word " * 200 + b"\n\n"
    body = para * ((3 << 20) // len(para)) + b"THE-END-MARKER\n"
    write(src, "big.md", head + body)
    m = mount(src, "max_file=1")
    assert any("more than the limit of 1048576" in e for e in errors_of(m.path, "big.md"))
    name = util.post_by_source(m.path, "big.md")["name"]
    html = timed_read(os.path.join(m.path, "posts", name + ".html"))
    assert b"THE-END-MARKER" not in html and html.rstrip().endswith(b"</html>")
    assert len(html) < 2 << 20
    # the source as served: cut at the limit, and its size says so
    md = os.path.join(m.path, "posts", name + ".md")
    data = timed_read(md)
    assert len(data) == 1 << 20 == os.stat(md).st_size
    assert util.post_by_source(m.path, "ok.md")


def test_front_matter_size(mount, scratch):
    src = os.path.join(scratch, "src")
    filler = "".join("k%06d: %s\n" % (i, "v" * 40) for i in range(6000))  # ~300 KiB
    assert len(filler) > 256 * 1024
    util.write_post(src, "huge.md", "title: Huge\ndate: 2024-01-01\n" + filler, "Body.\n")
    within = "".join("k%06d: %s\n" % (i, "v" * 40) for i in range(4500))  # ~220 KiB
    assert len(within) < 250 * 1024
    util.write_post(src, "large.md", "title: Large\ndate: 2024-01-02\n" + within, "Body.\n")
    m = mount(src)
    errs = errors_of(m.path, "huge.md")
    assert any("larger than 262144 bytes" in e for e in errs), errs
    assert util.post_by_source(m.path, "huge.md")  # still shown, as well as it can be
    assert errors_of(m.path, "large.md") == []
    assert len(post_json(m.path, "large.md")["front_matter"]) == 4502  # title, date and the 4500 keys


def nested_yaml(depth):
    return "deep: " + "[" * depth + "1" + "]" * depth


def nested_toml(depth):
    return "deep = " + "[" * depth + "1" + "]" * depth


def nested_json(depth):
    return '{"title": "J", "date": "2024-01-01", "deep": ' + "[" * depth + "1" + \
        "]" * depth + "}"


def test_nesting_depth(mount, scratch):
    src = os.path.join(scratch, "src")
    for n, depth in (("deep", 200), ("ok", 40)):
        util.write_post(src, "y-%s.md" % n, "title: Y\ndate: 2024-01-01\n" + nested_yaml(depth))
        write(src, "t-%s.md" % n, ("+++\ntitle = 'T'\ndate = 2024-01-01\n%s\n+++\nx\n"
                                    % nested_toml(depth)).encode())
        write(src, "j-%s.md" % n, (nested_json(depth) + "\nx\n").encode())
    # a nesting far past any limit must not be a stack overflow
    util.write_post(src, "y-abyss.md", "title: A\n" + nested_yaml(100000))
    write(src, "j-abyss.md", (nested_json(100000) + "\n").encode())
    m = mount(src)
    for fmt in "ytj":
        errs = errors_of(m.path, "%s-deep.md" % fmt)
        assert any("deeper than" in e or "nest" in e or "depth" in e for e in errs), (fmt, errs)
        assert errors_of(m.path, "%s-ok.md" % fmt) == []
        assert "deep" in post_json(m.path, "%s-ok.md" % fmt)["front_matter"]
        assert "deep" not in post_json(m.path, "%s-deep.md" % fmt)["front_matter"]
    for f in ("y-abyss.md", "j-abyss.md"):
        assert errors_of(m.path, f), f
        timed_read(os.path.join(m.path, "posts", util.post_by_source(m.path, f)["name"]
                                + ".html"))


def test_value_count_and_alias_bomb(mount, scratch):
    src = os.path.join(scratch, "src")
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        bomb.append("a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)))
    util.write_post(src, "bomb.md", "title: Bomb\ndate: 2024-01-01\n" + "\n".join(bomb))
    many = "values: [" + ",".join("1" for _ in range(100001)) + "]"  # 200 KB: within the size limit
    util.write_post(src, "many.md", "title: Many\ndate: 2024-01-01\n" + many)
    write(src, "many-toml.md", ("+++\ntitle = 'M'\n%s\n+++\n" % many.replace(":", " =")).encode())
    write(src, "many-json.md", ('{"title": "M", "values": [%s]}\n'
                                 % ",".join("1" for _ in range(100001))).encode())
    ok = "values: [" + ", ".join("1" for _ in range(50000)) + "]"
    util.write_post(src, "fine.md", "title: Fine\ndate: 2024-01-01\n" + ok)
    t = time.monotonic()
    m = mount(src)
    assert time.monotonic() - t < FAST
    assert any("aliases expand past" in e for e in errors_of(m.path, "bomb.md")), \
        errors_of(m.path, "bomb.md")
    for f in ("many.md", "many-toml.md", "many-json.md"):
        errs = errors_of(m.path, f)
        assert any("100000" in e for e in errs), (f, errs)
    assert errors_of(m.path, "fine.md") == []
    assert len(post_json(m.path, "fine.md")["front_matter"]["values"]) == 50000


def test_max_terms(mount, scratch):
    src = os.path.join(scratch, "src")
    tags = ", ".join("tag%03d" % i for i in range(150))
    util.write_post(src, "many.md", "title: Many\ndate: 2024-01-01\ntags: [%s]" % tags)
    util.write_post(src, "few.md", "title: Few\ndate: 2024-01-02\ntags: [a, b, c, d, e]\n"
                    "categories: [x, y]")
    m = mount(src)
    assert len(os.listdir(os.path.join(m.path, "by-tag"))) - 2 == 100 + 5
    assert any("more than the limit of 100" in e for e in errors_of(m.path, "many.md"))
    m2 = mount(src, "max_terms=3")
    tagdirs = [d for d in os.listdir(os.path.join(m2.path, "by-tag"))
               if not d.startswith("index")]
    assert sorted(tagdirs) == ["a", "b", "c", "tag000", "tag001", "tag002"]
    assert any("more than the limit of 3" in e for e in errors_of(m2.path, "few.md"))
    assert sorted(d for d in os.listdir(os.path.join(m2.path, "by-category"))
                  if not d.startswith("index")) == ["x", "y"]


def test_name_length(mount, probe, scratch):
    src = os.path.join(scratch, "src")
    long_ascii = "a" * 1000
    long_utf8 = "я" * 400          # 800 bytes, 2 per character
    long_emoji = "\U0001F600" * 100  # 400 bytes, 4 per character
    util.write_post(src, "l1.md", 'title: L1\ndate: 2024-01-01\nslug: "%s"\ntags: ["%s", "%s"]'
                    % (long_ascii, long_ascii, long_ascii + "b"))
    util.write_post(src, "l2.md", 'title: L2\ndate: 2024-01-02\nslug: "%s"\ntags: ["%s"]\n'
                    'categories: ["%s"]' % (long_utf8, long_utf8, long_emoji))
    util.write_post(src, "l3.md", 'title: L3\ndate: 2024-01-03\nslug: "%s"' % long_emoji)
    util.write_post(src, "%s.md" % ("f" * 250), "title: F\ndate: 2024-01-04")
    m = mount(src)
    count = 0
    for top, dirs, files in os.walk(m.path):
        for n in dirs + files:
            b = n.encode()
            assert len(b) <= 255, (top, len(b))
            b.decode("utf-8")  # cut at a character, never inside one
            count += 1
    tags = [d for d in os.listdir(os.path.join(m.path, "by-tag")) if not d.startswith("index")]
    assert len(tags) == 3 and len(set(tags)) == 3  # the two long ASCII tags stay apart
    names = [p["name"] for p in util.posts_of(m.path)]
    assert len(set(names)) == 4
    for n in names:
        for ext in (".html", ".json", ".md"):
            r = probe("read", os.path.join(m.path, "posts", n + ext))
            assert r["ok"] and r["len"] == r["size"], r


def test_folder_depth(mount, scratch):
    src = os.path.join(scratch, "src")
    util.write_post(src, "top.md", "title: Top\ndate: 2024-01-01")
    deep = "/".join("d%d" % i for i in range(70))
    util.write_post(src, deep + "/bottom.md", "title: Bottom\ndate: 2024-01-02")
    within = "/".join("d%d" % i for i in range(30))
    util.write_post(src, within + "/middle.md", "title: Middle\ndate: 2024-01-03")
    m = mount(src)
    sources = sorted(p["source"] for p in util.posts_of(m.path))
    assert sources == sorted(["top.md", within + "/middle.md"])
    status = util.read_json(os.path.join(m.path, ".postfs", "status.json"))
    assert any("deeper than 64" in e["message"] for e in status["errors"]), status["errors"]
    json.dumps(status)
