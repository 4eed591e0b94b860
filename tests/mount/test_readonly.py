"""A read-only mount: every change fails with EROFS; df and stat -f
answer; odd lookups (file-manager probes) answer ENOENT and harm nothing."""
import errno
import mmap
import os
import subprocess

import pytest

import util


def p(m, *parts):
    return os.path.join(m.path, *parts)


def _open_write(path):
    os.close(os.open(path, os.O_WRONLY))


def _open_rdwr(path):
    os.close(os.open(path, os.O_RDWR))


def _open_append(path):
    os.close(os.open(path, os.O_WRONLY | os.O_APPEND))


def _create(path):
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))


def _create_existing(path):
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))


CHANGES = [
    ("open for writing", _open_write, ("posts", "trends-2024.html")),
    ("open read-write", _open_rdwr, ("posts", "trends-2024.json")),
    ("open for appending", _open_append, ("index.html",)),
    ("create a file", _create, ("posts", "new.html")),
    ("create over a file", _create_existing, ("posts", "trends-2024.md")),
    ("create in a term folder", _create, ("by-tag", "AI", "new.json")),
    ("mkdir", lambda x: os.mkdir(x), ("by-tag", "New")),
    ("mkdir in by-date", lambda x: os.mkdir(x), ("by-date", "1999")),
    ("rmdir", lambda x: os.rmdir(x), ("by-tag", "Tech")),
    ("unlink", os.unlink, ("posts", "trends-2024.html")),
    ("unlink a listing", os.unlink, ("by-tag", "index.json")),
    ("rename a file", lambda x: os.rename(x, x + ".bak"), ("posts", "gfm.html")),
    ("rename a folder", lambda x: os.rename(x, x + "2"), ("by-tag", "AI")),
    ("chmod a file", lambda x: os.chmod(x, 0o644), ("posts", "gfm.html")),
    ("chmod a folder", lambda x: os.chmod(x, 0o755), ("posts",)),
    ("chown", lambda x: os.chown(x, 1, 1), ("posts", "gfm.json")),
    ("truncate", lambda x: os.truncate(x, 0), ("posts", "gfm.md")),
    ("utime", lambda x: os.utime(x, (0, 0)), ("style.css",)),
    ("setxattr", lambda x: os.setxattr(x, "user.postfs", b"1"), ("posts", "gfm.html")),
    ("removexattr", lambda x: os.removexattr(x, "user.postfs"), ("posts", "gfm.html")),
    ("symlink", lambda x: os.symlink("gfm.html", x), ("posts", "link.html")),
    ("hard link", lambda x: os.link(x, x + ".2"), ("posts", "gfm.html")),
    ("mknod", lambda x: os.mkfifo(x), ("posts", "fifo")),
]


@pytest.mark.parametrize("what,fn,path", CHANGES, ids=[c[0] for c in CHANGES])
def test_changes_fail_with_erofs(basic, what, fn, path):
    target = p(basic, *path)
    with pytest.raises(OSError) as e:
        fn(target)
    assert e.value.errno == errno.EROFS, "%s: %s, want EROFS" % (what, os.strerror(e.value.errno))


def test_nothing_changed(basic):
    """After all the attempts the tree is what it was."""
    for name in ("trends-2024.html", "gfm.html", "gfm.md"):
        assert os.path.isfile(p(basic, "posts", name))
        assert os.stat(p(basic, "posts", name)).st_size > 0
    for name in ("new.html", "gfm.html.bak", "link.html", "fifo", "gfm.html.2"):
        assert not os.path.lexists(p(basic, "posts", name))
    assert util.read_bytes(p(basic, "posts", "gfm.md")) == \
        util.read_bytes(os.path.join(util.BASIC, "2024", "gfm-features.md"))


def test_mount_options(basic):
    with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
        rows = [ln.split() for ln in f if ln.split()[4] == basic.path]
    assert len(rows) == 1
    row = rows[0]
    opts = set(row[5].split(","))
    sep = row.index("-")
    assert "ro" in opts, row
    assert row[sep + 1] == "fuse.postfs", row
    assert row[sep + 2] == os.path.realpath(util.BASIC), row


def test_df_and_stat_f(basic):
    r = subprocess.run(["df", basic.path], capture_output=True, text=True, timeout=20)
    assert r.returncode == 0, r.stderr
    assert basic.path in r.stdout
    r = subprocess.run(["stat", "-f", "-c", "%T %l %b %S", basic.path], capture_output=True,
                       text=True, timeout=20)
    assert r.returncode == 0, r.stderr
    kind, namemax, blocks, bsize = r.stdout.split()
    assert kind == "fuseblk" or kind.startswith("fuse"), kind
    assert int(namemax) >= 255 and int(bsize) > 0
    st = os.statvfs(basic.path)
    assert st.f_flag & os.ST_RDONLY
    assert st.f_namemax >= 255
    # every file of the tree, but for intersections (by-tag/A/+/B/...),
    # which are as many as there are combinations of terms
    plain = [f for f in util.walk(basic.path)[1] if "/+/" not in f]
    assert st.f_files >= len(plain)


PROBES = [".hidden", ".directory", "desktop.ini", "Thumbs.db", ".DS_Store", "autorun.inf",
          ".git", "..%2f", "index-1.html", "index-0.html", "index-02.html", "index-2.html",
          "feed.xml.bak", "x" * 255, "ends-with-slash\\", "Index.html", "INDEX.JSON"]


@pytest.mark.parametrize("folder", ["", "posts", "by-tag", "by-tag/AI", "by-date",
                                    "by-date/2025", "by-date/2025/09/07", ".postfs"])
def test_probes_answer_enoent(basic, folder):
    for name in PROBES:
        path = p(basic, folder, name)
        with pytest.raises(FileNotFoundError):
            os.stat(path)
    with pytest.raises(OSError) as e:
        os.stat(p(basic, folder, "y" * 256))
    assert e.value.errno in (errno.ENAMETOOLONG, errno.ENOENT)
    assert os.path.isdir(p(basic, folder))


@pytest.mark.parametrize("path", [
    "by-date/2025/9", "by-date/2025/009", "by-date/02025", "by-date/2025/13",
    "by-date/2025/00", "by-date/2025/09/7", "by-date/2025/09/32", "by-date/2025/09/08",
    "by-date/1999", "by-date/+2025", "by-date/-001", "by-tag/ai", "by-tag/",
    "posts/trends-2024", "posts/trends-2024.htm", "posts/trends-2024.HTML",
    "posts/.trends-2024.html", "by-tag/AI/trends-2024.md", "by-date/2025/09/07/trends-2024.md",
    "by-tag/Tech/gfm.html", "by-date/2025/09/07/gfm.html", "by-category/Notes/trends-2024.json",
    "by-date/2025/index-2.html", ".postfs/index.html", ".postfs/index.json",
    "by-tag/sitemap.xml", "posts/style.css", "posts/feed.xml", "by-date/feed.xml",
])
def test_paths_that_do_not_exist(basic, path):
    """Names that look like tree names but are not there."""
    if path.endswith("/"):
        path += "nothing"
    assert not os.path.lexists(p(basic, path)), path


def test_file_is_not_a_folder(basic):
    with pytest.raises(NotADirectoryError):
        os.stat(p(basic, "posts", "trends-2024.html", "x"))
    with pytest.raises(NotADirectoryError):
        os.listdir(p(basic, "index.html"))
    with pytest.raises(IsADirectoryError):
        util.read_bytes(p(basic, "posts"))


def test_reads_at_offsets(basic):
    """pread anywhere, past the end, in small pieces: the bytes of one read."""
    path = p(basic, "posts", "trends-2024.html")
    whole = util.read_bytes(path)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert os.pread(fd, 100, len(whole) + 10) == b""
        assert os.pread(fd, 100, len(whole) - 10) == whole[-10:]
        pieces = b"".join(os.pread(fd, 7, off) for off in range(0, len(whole), 7))
        assert pieces == whole
    finally:
        os.close(fd)


def test_mmap(basic):
    path = p(basic, "posts", "gfm.html")
    whole = util.read_bytes(path)
    with open(path, "rb") as f:
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            assert mm[:] == whole
