"""File managers and the tools beside them: GIO (what Nautilus and the
GTK file chooser use) sees the right content types and sizes, `df` and
`stat -f` answer, folders' link counts let `find` walk the tree.
"""
import os
import re
import subprocess

import pytest

import ecoutil
from ecoutil import util


@pytest.fixture(scope="module")
def site(module_mount, module_scratch):
    src = ecoutil.make_source(module_scratch("src"))
    return module_mount(src)


def gio_attrs(path, attrs=("standard::content-type", "standard::size")):
    gio = ecoutil.need("gio")
    r = ecoutil.run([gio, "info", "-a", ",".join(attrs), path])
    out = {}
    for line in r.stdout.splitlines():
        m = re.match(r"\s+([\w:-]+): (.*)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def gio_list(folder):
    """{name: (content type, size)} of a folder, by `gio list`."""
    gio = ecoutil.need("gio")
    r = ecoutil.run([gio, "list", "-h", "-a", "standard::content-type,standard::size",
                     folder])
    out = {}
    for line in r.stdout.splitlines():
        parts = line.split("\t")
        name, size = parts[0], int(parts[1])
        attrs = dict(p.split("=", 1) for p in parts[3:] if "=" in p)
        out[name] = (attrs.get("standard::content-type"), size)
    return out


def needs_mime_database():
    ecoutil.need("gio")
    if not os.path.exists("/usr/share/mime/mime.cache"):
        pytest.skip("shared-mime-info is not installed (no /usr/share/mime/mime.cache)")


WANT = {
    ".html": {"text/html"},
    ".json": {"application/json"},
    ".md": {"text/markdown", "text/x-markdown"},
    ".css": {"text/css"},
    ".xml": {"application/xml", "text/xml", "application/atom+xml"},
    ".png": {"image/png"},
}


def test_gio_content_types_and_sizes_match_a_local_copy(site, scratch):
    """Every file of a few folders: GIO gives the type it gives the same
    bytes under the same name on a local disk, one of the types wanted
    for its extension, and its exact size."""
    needs_mime_database()
    local = scratch("local")
    problems = []
    checked = 0
    for folder in ("", "posts", "by-tag/Технологии", "posts/my first note",
                   "by-date/2024/03/01"):
        here = os.path.join(site.path, folder)
        listed = gio_list(here)
        copy = os.path.join(local, folder.replace("/", "_") or "root")
        os.mkdir(copy)
        for name in sorted(os.listdir(here)):
            p = os.path.join(here, name)
            if os.path.isdir(p):
                if listed.get(name, (None,))[0] != "inode/directory":
                    problems.append("%s/%s: %s for a folder" % (folder, name, listed.get(name)))
                continue
            data = util.read_bytes(p)
            with open(os.path.join(copy, name), "wb") as f:
                f.write(data)
            ctype, size = listed.get(name, (None, None))
            want_local = gio_attrs(os.path.join(copy, name))["standard::content-type"]
            ext = os.path.splitext(name)[1].lower()
            if ctype != want_local:
                problems.append("%s/%s: %s in the mount, %s on disk"
                                % (folder, name, ctype, want_local))
            if ext in WANT and ctype not in WANT[ext]:
                problems.append("%s/%s: %s, want one of %s" % (folder, name, ctype, WANT[ext]))
            if size != len(data) or size != os.stat(p).st_size:
                problems.append("%s/%s: gio size %s, %d bytes" % (folder, name, size, len(data)))
            checked += 1
    assert checked > 20
    assert not problems, "\n".join(problems)


def test_gio_info_of_each_kind(site):
    needs_mime_database()
    for rel, want in (("index.html", WANT[".html"]), ("index.json", WANT[".json"]),
                      ("feed.xml", WANT[".xml"]), ("sitemap.xml", WANT[".xml"]),
                      ("style.css", WANT[".css"]), ("posts/live.md", WANT[".md"]),
                      ("posts/my first note/a picture.png", WANT[".png"])):
        p = os.path.join(site.path, rel)
        a = gio_attrs(p)
        assert a["standard::content-type"] in want, (rel, a)
        assert int(a["standard::size"]) == len(util.read_bytes(p)), rel


def test_gio_sees_read_only(site):
    ecoutil.need("gio")
    a = gio_attrs(os.path.join(site.path, "index.html"),
                  ("access::can-read", "access::can-write", "access::can-delete"))
    assert a.get("access::can-read") == "TRUE"
    assert a.get("access::can-write") == "FALSE"
    assert a.get("access::can-delete") == "FALSE"


def test_df_and_statfs_answer(site):
    df = ecoutil.need("df")
    r = ecoutil.run([df, "-P", site.path])
    lines = r.stdout.splitlines()
    assert len(lines) == 2, r.stdout
    fields = lines[1].split()
    assert fields[-1] == site.path
    assert fields[0] == site.source
    assert int(fields[1]) >= 0
    ecoutil.run([df, "-i", site.path])
    r = ecoutil.run([df, "-T", site.path])
    assert "fuse.postfs" in r.stdout
    r = ecoutil.run(["stat", "-f", "-c", "%T %l", site.path])
    assert r.stdout.split()[1] == "255"
    sv = os.statvfs(site.path)
    assert sv.f_flag & os.ST_RDONLY
    assert sv.f_files > 0


def _find(args):
    r = ecoutil.run(["find"] + args, timeout=120)
    return sorted(r.stdout.splitlines())


def test_find_walks_the_same_with_and_without_noleaf(site):
    plain = _find([site.path])
    noleaf = _find([site.path, "-noleaf"])
    assert plain == noleaf
    dirs, files = util.walk(site.path)
    walked = sorted([site.path] + [os.path.join(site.path, p) for p in dirs[1:] + files])
    assert plain == walked
    assert _find([site.path, "-type", "d"]) == _find([site.path, "-noleaf", "-type", "d"])
    assert any("/by-date/2024/03/01" in p for p in plain)


def test_folder_link_counts(site):
    """A folder's st_nlink is 2 + its sub-folders, or 1 ("not counted",
    which find and others take as: look into everything)."""
    dirs, _ = util.walk(site.path)
    wrong = []
    for rel in dirs:
        p = os.path.join(site.path, rel)
        n = os.stat(p).st_nlink
        subs = sum(1 for e in os.scandir(p) if e.is_dir(follow_symlinks=False))
        if n != 1 and n != 2 + subs:
            wrong.append("%s: nlink %d, %d sub-folders" % (rel or ".", n, subs))
    assert not wrong, "\n".join(wrong)


def test_du_counts_what_files_hold(site):
    du = ecoutil.need("du")
    r = ecoutil.run([du, "-s", "-b", site.path])
    total = int(r.stdout.split()[0])
    _, files = util.walk(site.path)
    sizes = sum(os.lstat(os.path.join(site.path, f)).st_size for f in files)
    dirs_size = sum(os.lstat(os.path.join(site.path, d)).st_size for d in util.walk(site.path)[0])
    assert total == sizes + dirs_size


def test_ls_shows_names_as_they_are(site):
    r = ecoutil.run(["ls", "-1", os.path.join(site.path, "by-tag")],
                    env=dict(os.environ, LC_ALL="C.UTF-8"))
    assert "Технологии" in r.stdout.splitlines()
    r = ecoutil.run(["ls", "-1", os.path.join(site.path, "posts")],
                    env=dict(os.environ, LC_ALL="C.UTF-8"))
    assert "my first note.html" in r.stdout.splitlines()


@pytest.mark.xfail(reason="postfs bug: readdir gives '..' inode number 0, which glibc's "
                          "readdir skips, so `ls -a` shows no '..'", strict=False)
def test_listings_hold_dot_and_dot_dot(site):
    for rel in ("", "posts", "by-tag", "posts/my first note"):
        r = subprocess.run(["ls", "-a1", os.path.join(site.path, rel)],
                           capture_output=True, text=True)
        names = r.stdout.splitlines()
        assert "." in names and ".." in names, (rel, names[:5])
