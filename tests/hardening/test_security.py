"""Security of the mount: symbolic links stay inside SOURCE, generated
names cannot leave their folder, the mount's options and modes, who may
enter it, and the names file managers probe for."""
import os
import re
import stat
import subprocess
import time

import pytest

import util

SECRET = "SECRET-7f3e9a"  # a marker that must never be served


def make_outside(scratch):
    """A folder outside SOURCE holding a post and a plain file with the
    marker."""
    out = os.path.join(scratch, "outside")
    util.write_post(out, "leak.md", "title: %s\ntags: [%s]" % (SECRET, SECRET),
                    "The body says %s.\n" % SECRET)
    with open(os.path.join(out, "secret.txt"), "w") as f:
        f.write(SECRET + "\n")
    return out


def bounded_walk(mnt, max_depth=8):
    """os.walk that does not go deeper than max_depth folders (a tree
    that loops would otherwise be walked until PATH_MAX)."""
    for top, dirs, files in os.walk(mnt):
        depth = os.path.relpath(top, mnt).count("/") + (top != mnt)
        if depth >= max_depth:
            dirs[:] = []
        yield top, dirs, files, depth


def served_text(probe, mnt):
    """Every file name and every byte the mount serves, as one text (the
    tree is small here)."""
    parts = []
    for top, dirs, files, _ in bounded_walk(mnt):
        parts += dirs + files
        for f in files:
            r = probe("read", os.path.join(top, f))
            assert r["ok"], r
            parts.append(r.get("text", ""))
    return "\n".join(parts)


def test_links_to_outside_and_loops_are_not_followed(mount, probe, scratch):
    out = make_outside(scratch)
    src = os.path.join(scratch, "src")
    util.write_post(src, "good.md", "title: Good\ndate: 2024-01-01", "Fine.\n")
    util.write_post(src, "sub/inside.md", "title: Inside\ndate: 2024-01-02", "In.\n")
    os.symlink(os.path.join(out, "leak.md"), os.path.join(src, "leak.md"))   # file outside
    os.symlink(out, os.path.join(src, "outdir"))                             # folder outside
    os.symlink(os.path.join(out, "secret.txt"), os.path.join(src, "secret.txt"))  # resource
    os.symlink("../" + os.path.basename(out) + "/leak.md",
               os.path.join(src, "rel-leak.md"))                             # relative, outside
    os.symlink(".", os.path.join(src, "sub", "loop"))                        # loop to itself
    os.symlink("../sub", os.path.join(src, "sub", "up"))                     # loop to a parent
    os.symlink("self.md", os.path.join(src, "self.md"))                      # link to itself
    os.symlink("sub/inside.md", os.path.join(src, "alias.md"))               # inside: followed
    m = mount(src)
    text = served_text(probe, m.path)
    assert SECRET not in text
    sources = sorted(p["source"] for p in util.posts_of(m.path))
    assert sources == ["alias.md", "good.md", "sub/inside.md"]
    # each link left out is reported, not silently dropped
    status = util.read_json(os.path.join(m.path, ".postfs", "status.json"))
    reported = {e["file"] for e in status["errors"]}
    for name in ("leak.md", "outdir", "rel-leak.md"):
        assert name in reported, (name, status["errors"])
    assert not probe("stat", os.path.join(m.path, "posts", "good", "secret.txt"))["ok"]


def test_link_loop_beside_a_post_gives_a_finite_tree(mount, scratch):
    src = os.path.join(scratch, "src")
    util.write_post(src, "sub/inside.md", "title: Inside\ndate: 2024-01-02", "In.\n")
    with open(os.path.join(src, "sub", "pic.png"), "wb") as f:
        f.write(b"\x89PNG\r\n")
    os.symlink("../sub", os.path.join(src, "sub", "up"))
    os.symlink(".", os.path.join(src, "sub", "loop"))
    m = mount(src)
    posts = os.path.join(m.path, "posts")
    deepest = max(d for _, _, _, d in bounded_walk(posts, 12))
    # posts/inside/pic.png is as deep as what is beside a post can go
    assert deepest <= 1, "posts/ goes %d folders deep" % deepest
    assert os.path.isfile(os.path.join(posts, "inside", "pic.png"))


def test_links_made_while_mounted_stay_inside(mount, probe, scratch):
    """The updater applies the same rule as the scan: a link created,
    or retargeted, while mounted is not followed out of SOURCE."""
    out = make_outside(scratch)
    src = os.path.join(scratch, "src")
    util.write_post(src, "good.md", "title: Good\ndate: 2024-01-01", "Fine.\n")
    util.write_post(src, "target.md", "title: Target\ndate: 2024-01-02", "Target.\n")
    os.symlink("target.md", os.path.join(src, "moving.md"))
    m = mount(src)
    assert len(util.posts_of(m.path)) == 3
    os.symlink(os.path.join(out, "leak.md"), os.path.join(src, "late.md"))
    os.symlink(os.path.join(out, "secret.txt"), os.path.join(src, "late.txt"))
    os.symlink(out, os.path.join(src, "latedir"))
    tmp = os.path.join(src, "moving.tmp")
    os.symlink(os.path.join(out, "leak.md"), tmp)
    os.rename(tmp, os.path.join(src, "moving.md"))
    time.sleep(1.5)
    text = served_text(probe, m.path)
    leaked = [p["source"] for p in util.posts_of(m.path) if SECRET in p.get("title", "")]
    assert SECRET not in text, "served from outside SOURCE: %s" % leaked


def test_generated_names_stay_in_their_folder(mount, probe, scratch):
    src = os.path.join(scratch, "src")
    hostile = ["../../../etc/passwd", "/etc/passwd", ".", "..", "...", ".hidden",
               "a/../../b", "\\\\server\\share", "index.html", "index-2.html", "feed.xml",
               "~", " ", "\u2028", "\u0085", "CON", "a\u0000b", "..\u2215..", "%2e%2e"]
    for i, s in enumerate(hostile):
        esc = s.replace("\\", "\\\\").replace('"', '\\"').replace("\u0000", "\\0") \
               .replace("\u2028", "\\L").replace("\u0085", "\\N")
        util.write_post(src, "p%02d.md" % i,
                        'title: "t%d"\ndate: 2024-01-%02d\nslug: "%s"\ntags: ["%s"]\n'
                        'categories: ["%s"]' % (i, i + 1, esc, esc, esc))
    m = mount(src)
    real = os.path.realpath(m.path)
    seen = 0
    for top, dirs, files in os.walk(m.path):
        for name in dirs + files:
            seen += 1
            assert "/" not in name and name not in (".", "..") and name
            assert not name.startswith(".") or (top == m.path and name == ".postfs"), name
            assert len(name.encode()) <= 255
            p = os.path.join(top, name)
            assert os.path.realpath(p).startswith(real + "/")
            assert probe("stat", p)["ok"], p
    names = [p["name"] for p in util.posts_of(m.path)]
    assert len(names) == len(hostile) and len(set(names)) == len(names)
    assert seen > 3 * len(hostile)


def mount_options(path):
    """(mount options, super options) of path in /proc/self/mountinfo."""
    want = os.path.realpath(path)
    with open("/proc/self/mountinfo") as f:
        for line in f:
            a, b = line.split(" - ")
            fields = a.split()
            if fields[4] == want:
                return set(fields[5].split(",")), set(b.split()[2].split(","))
    raise AssertionError("%s is not in mountinfo" % path)


def test_mount_is_read_only_nosuid_nodev_noexec(mount, probe):
    m = mount(util.BASIC)
    opts, sopts = mount_options(m.path)
    assert {"ro", "nosuid", "nodev", "noexec"} <= opts, opts
    assert "default_permissions" in sopts and "allow_other" not in sopts, sopts
    with open("/proc/mounts") as f:
        line = [l for l in f if l.split()[1] == os.path.realpath(m.path)][0]
    assert line.split()[2] == "fuse.postfs"
    for o in ("ro", "nosuid", "nodev", "noexec", "default_permissions"):
        assert o in line.split()[3].split(","), line
    modes = set()
    for top, dirs, files in os.walk(m.path):
        for d in dirs:
            modes.add(("d", stat.S_IMODE(os.stat(os.path.join(top, d)).st_mode)))
        for f in files:
            modes.add(("f", stat.S_IMODE(os.stat(os.path.join(top, f)).st_mode)))
    assert modes == {("d", 0o555), ("f", 0o444)}, modes
    post = os.path.join(m.path, "posts", "index.html")
    assert probe("write", post)["error"] == "EROFS"
    assert probe("exec", post)["error"] == "EACCES"
    sv = os.statvfs(m.path)
    for flag in (os.ST_RDONLY, os.ST_NOSUID, os.ST_NODEV, os.ST_NOEXEC):
        assert sv.f_flag & flag


def test_other_users_only_with_allow_other(mount, probe):
    m = mount(util.BASIC)
    r = probe("list", m.path, user="nobody")
    assert not r["ok"] and r["error"] == "EACCES", r
    m2 = mount(util.BASIC, "allow_other")
    assert "allow_other" in mount_options(m2.path)[1]
    r = probe("list", m2.path, user="nobody")
    assert r["ok"] and "posts" in r["names"], r
    r = probe("read", os.path.join(m2.path, "posts", "index.json"), user="nobody")
    assert r["ok"] and r["len"] == r["size"] > 0
    # modes still hold for everyone: nobody cannot write either
    assert probe("write", os.path.join(m2.path, "index.html"), user="nobody")["error"] \
        in ("EROFS", "EACCES")


PROBED = [".hidden", ".directory", "desktop.ini", ".Trash", ".Trash-0", "autorun.inf",
          "Desktop.ini", ".xdg-volume-info", "folder.jpg"]


def lookup_count(log):
    return len(re.findall(r"opcode: LOOKUP", log))


def test_probed_names_answer_enoent_fast_and_cached(mount, probe):
    m = mount(util.BASIC, "debug")
    folders = [m.path, os.path.join(m.path, "posts"), os.path.join(m.path, "by-tag")]
    first = {}
    for d in folders:
        for n in PROBED:
            r = probe("lookups", os.path.join(d, n), 1)
            assert r["errnos"] == [2], (d, n, r)
            first[(d, n)] = r["seconds"]
    slowest = max(first.values())
    assert slowest < (2.0 if util.VALGRIND else 0.25), first
    time.sleep(0.3)
    before = lookup_count(m.log())
    assert before >= len(folders) * len(PROBED)
    for d in folders:
        for n in PROBED:
            r = probe("lookups", os.path.join(d, n), 20)
            assert set(r["errnos"]) == {2}, r
    time.sleep(0.3)
    after = lookup_count(m.log())
    assert after == before, "%d LOOKUPs reached the daemon again" % (after - before)
