"""Faults: SOURCE unreadable, removed or replaced while mounted, a file
that vanishes between listing and reading, reads that fail, and the
signals a daemon gets.  Every file system call runs in a child process
with a timeout (the probe fixture): each test ends with the mount still
answering or cleanly gone, never hung."""
import json
import os
import shutil
import signal
import subprocess
import time

import pytest

import util

EXIT_TIMEOUT = 90.0 if util.VALGRIND else 10.0
SETTLE = 3.0 if util.VALGRIND else 1.2   # a change shows within a second


def small_source(root, n=3):
    for i in range(n):
        util.write_post(root, "p%d.md" % i, "title: Post %d\ndate: 2024-02-%02d\ntags: [t%d, all]"
                        % (i, i + 1, i), "Body of post %d.\n" % i)
    return root


def answers(probe, mnt, user=None):
    """The mount answers: its listing, its posts/index.json parsed, and
    every post's page read whole.  Returns the sources listed."""
    r = probe("list", mnt, user=user)
    assert r["ok"], r
    r = probe("read", os.path.join(mnt, "posts", "index.json"), user=user)
    assert r["ok"] and r["len"] == r["size"], r
    posts = json.loads(r["text"])["posts"]
    for p in posts:
        r = probe("read", os.path.join(mnt, "posts", p["name"] + ".html"), user=user)
        assert r["ok"] or r.get("error") in ("ENOENT", "ESTALE"), r
        if r["ok"]:
            assert r["len"] == r["size"] and r["tail"].rstrip().endswith("</html>"), r
    return sorted(p["source"] for p in posts)


def wait_for(fn, timeout=None):
    deadline = time.monotonic() + (timeout or (30 if util.VALGRIND else 5))
    while True:
        v = fn()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(0.1)


def test_unreadable_folder(mount, probe, scratch):
    """As root, chmod stops nothing: the daemon runs as nobody."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run the daemon as another user")
    src = os.path.join(scratch, "src")
    small_source(src)
    util.write_post(src, "open/a.md", "title: A\ndate: 2024-03-01", "A.\n")
    util.write_post(src, "closed/b.md", "title: B\ndate: 2024-03-02", "B.\n")
    util.write_post(src, "later/c.md", "title: C\ndate: 2024-03-03", "C.\n")
    subprocess.run(["chmod", "-R", "a+rX", src], check=True)
    os.chmod(os.path.join(src, "closed"), 0)
    m = mount(src, user="nobody")
    assert answers(probe, m.path, user="nobody") == \
        ["later/c.md", "open/a.md", "p0.md", "p1.md", "p2.md"]
    r = probe("read", os.path.join(m.path, ".postfs", "status.json"), user="nobody")
    errors = json.loads(r["text"])["errors"]
    assert any(e["file"] == "closed" and "Permission denied" in e["message"]
               for e in errors), errors
    # a folder and a post that become unreadable while mounted (the
    # change of mode is an inotify event of its own)
    os.chmod(os.path.join(src, "later"), 0)
    os.chmod(os.path.join(src, "p1.md"), 0)
    time.sleep(SETTLE)
    listed = answers(probe, m.path, user="nobody")
    assert "open/a.md" in listed and "p0.md" in listed, listed
    r = probe("read", os.path.join(m.path, "posts", "p1.html"), user="nobody")
    assert r["ok"] or r["error"] in ("ENOENT", "EACCES", "EIO"), r
    r = probe("read", os.path.join(m.path, "posts", "c.html"), user="nobody")
    assert r["ok"] or r["error"] in ("ENOENT", "EACCES", "EIO"), r
    # readable again: back without a rescan
    os.chmod(os.path.join(src, "closed"), 0o755)
    os.chmod(os.path.join(src, "later"), 0o755)
    os.chmod(os.path.join(src, "p1.md"), 0o644)
    want = ["closed/b.md", "later/c.md", "open/a.md", "p0.md", "p1.md", "p2.md"]
    assert wait_for(lambda: answers(probe, m.path, user="nobody") == want), \
        answers(probe, m.path, user="nobody")


def test_source_removed_while_mounted(mount, probe, scratch):
    src = small_source(os.path.join(scratch, "src"))
    m = mount(src)
    assert len(answers(probe, m.path)) == 3
    shutil.rmtree(src)
    time.sleep(SETTLE)
    # still answering; what was in SOURCE is gone from the tree
    assert wait_for(lambda: answers(probe, m.path) == [])
    os.kill(m.pid(), signal.SIGHUP)
    time.sleep(SETTLE)
    assert answers(probe, m.path) == []


def test_source_replaced_while_mounted(mount, probe, scratch):
    """SOURCE moved away and a new folder put in its place: the daemon
    keeps serving the folder it opened (it says so in the log), and
    every listing stays consistent with what it serves."""
    src = small_source(os.path.join(scratch, "src"))
    m = mount(src)
    os.rename(src, src + ".old")
    util.write_post(src, "new.md", "title: New\ndate: 2024-05-01", "New.\n")
    os.remove(os.path.join(src + ".old", "p2.md"))
    time.sleep(SETTLE)
    listed = answers(probe, m.path)
    assert "SOURCE itself was removed or moved" in m.log()
    assert listed in (["p0.md", "p1.md"], ["new.md"]), listed
    os.kill(m.pid(), signal.SIGHUP)
    time.sleep(SETTLE)
    assert answers(probe, m.path) in (["p0.md", "p1.md"], ["new.md"])


def test_file_vanishes_between_listing_and_reading(mount, probe, scratch):
    src = os.path.join(scratch, "src")
    small_source(src, 30)
    m = mount(src)
    names = {p["source"]: p["name"] for p in util.posts_of(m.path)}
    for i in range(30):
        os.remove(os.path.join(src, "p%d.md" % i))
    # read right away, before the updater has caught up, and after
    for i in range(30):
        r = probe("read", os.path.join(m.path, "posts", names["p%d.md" % i] + ".html"))
        assert r["ok"] or r["error"] in ("ENOENT", "ESTALE", "EIO"), r
        if r["ok"]:
            assert r["len"] == r["size"] and r["tail"].rstrip().endswith("</html>"), r
    time.sleep(SETTLE)
    assert answers(probe, m.path) == []
    for i in range(30):
        r = probe("read", os.path.join(m.path, "posts", names["p%d.md" % i] + ".html"))
        assert r["error"] == "ENOENT", r


def test_open_file_reads_whole_after_its_source_is_removed(mount, scratch):
    """README, Freshness: a reader that opened the old version reads it
    whole, whatever changes meanwhile."""
    src = os.path.join(scratch, "src")
    small_source(src, 2)
    m = mount(src)
    name = util.post_by_source(m.path, "p0.md")["name"]
    fd = os.open(os.path.join(m.path, "posts", name + ".html"), os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        os.remove(os.path.join(src, "p0.md"))
        time.sleep(SETTLE)
        data = b""
        while True:
            b = os.read(fd, 65536)
            if not b:
                break
            data += b
    finally:
        os.close(fd)
    assert len(data) == size and data.rstrip().endswith(b"</html>")


def test_fifo_and_special_files_do_not_block(mount, probe, scratch):
    src = small_source(os.path.join(scratch, "src"))
    os.mkfifo(os.path.join(src, "fifo.md"))
    os.mkfifo(os.path.join(src, "beside.txt"))
    os.symlink("/dev/zero", os.path.join(src, "zero.md"))
    m = mount(src)
    assert answers(probe, m.path) == ["p0.md", "p1.md", "p2.md"]
    os.mkfifo(os.path.join(src, "late.md"))
    os.mkfifo(os.path.join(src, "late.txt"))
    time.sleep(SETTLE)
    assert answers(probe, m.path) == ["p0.md", "p1.md", "p2.md"]
    r = probe("list", os.path.join(m.path, "posts", "p0"))
    assert not r["ok"] or not {"beside.txt", "late.txt"} & set(r["names"]), r


def failing_file():
    """A regular file that opens but whose read() fails, with a size, to
    bind-mount over a post: write-only or mmap-only sysfs attributes and
    PCI ROMs do that on some machines.  None when there is none."""
    import glob
    cands = (glob.glob("/sys/bus/pci/devices/*/rom") +
             glob.glob("/sys/bus/pci/devices/*/resource0") +
             glob.glob("/sys/module/*/uevent") + glob.glob("/sys/bus/*/uevent"))
    for path in cands:
        try:
            if os.stat(path).st_size == 0:
                continue
            with open(path, "rb") as f:
                f.read(4096)
        except OSError as e:
            if e.errno not in (13, 1, 2):  # it opened, and the read failed
                return path
    return None


def test_disk_read_error(mount, probe, scratch):
    """A post whose source cannot be read (the read fails): a file that
    fails on read is bind-mounted over a post's file."""
    bad = failing_file()
    if not bad:
        pytest.skip("no file here that opens and then fails on read (a sysfs attribute "
                    "or PCI ROM); device-mapper's error target is not available either")
    src = small_source(os.path.join(scratch, "src"))
    util.write_post(src, "bad.md", "title: Bad\ndate: 2024-04-01", "x\n")
    r = subprocess.run(["mount", "--bind", bad, os.path.join(src, "bad.md")],
                       capture_output=True, text=True)
    if r.returncode:
        pytest.skip("cannot bind-mount here: %s" % r.stderr.strip())
    try:
        m = mount(src)
        listed = answers(probe, m.path)
        assert "p0.md" in listed, listed
        status = util.read_json(os.path.join(m.path, ".postfs", "status.json"))
        assert any(e["file"] == "bad.md" for e in status["errors"]), status["errors"]
        r = probe("read", os.path.join(m.path, "posts", "bad.html"))
        assert r["ok"] or r["error"] in ("ENOENT", "EIO"), r
    finally:
        subprocess.run(["umount", "-l", os.path.join(src, "bad.md")], capture_output=True)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_term_and_int_unmount_cleanly(mount, probe, sig):
    m = mount(util.BASIC)
    assert answers(probe, m.path)
    # a reader holding a file open does not keep the daemon from leaving
    fd = os.open(os.path.join(m.path, "index.html"), os.O_RDONLY)
    try:
        os.kill(m.pid(), sig)
        code = m.proc.wait(timeout=EXIT_TIMEOUT)
    finally:
        os.close(fd)
    # the daemon is gone, whatever its status: the teardown has nothing
    # to stop
    m.stopped = True
    util.ACTIVE.remove(m)
    assert not util.is_mounted(m.path)
    assert code == 0, "exit status %s after %s" % (code, signal.Signals(sig).name)
    for marker in util.SANITIZER_MARKERS:
        assert marker not in m.log()


def test_sighup_rescans_and_keeps_serving(mount, probe, scratch):
    src = small_source(os.path.join(scratch, "src"))
    m = mount(src)
    before = answers(probe, m.path)
    for _ in range(20):
        os.kill(m.pid(), signal.SIGHUP)
        time.sleep(0.01)
    time.sleep(SETTLE)
    assert m.proc.poll() is None, m.log()
    assert "rescanning SOURCE on request" in m.log()
    assert answers(probe, m.path) == before
    # a rescan finds what changed too
    util.write_post(src, "after.md", "title: After\ndate: 2024-06-01", "x\n")
    os.kill(m.pid(), signal.SIGHUP)
    assert wait_for(lambda: "after.md" in answers(probe, m.path))


def test_sigkill_with_auto_unmount_leaves_no_dead_mount(mount, probe):
    m = mount(util.BASIC, "auto_unmount")
    assert answers(probe, m.path)
    m.killed = True
    os.kill(m.pid(), signal.SIGKILL)
    m.proc.wait(timeout=EXIT_TIMEOUT)
    assert wait_for(lambda: not util.is_mounted(m.path), 10), "dead mount left behind"
    r = probe("list", m.path)
    assert r["ok"] and r["names"] == [], r


def test_sigkill_without_auto_unmount_is_a_dead_mount_that_unmounts(mount, probe):
    """The contrast: without auto_unmount the kernel keeps the dead mount
    (ENOTCONN), and fusermount3 -u still removes it without hanging."""
    m = mount(util.BASIC)
    m.killed = True
    os.kill(m.pid(), signal.SIGKILL)
    m.proc.wait(timeout=EXIT_TIMEOUT)
    r = probe("list", m.path)
    assert not r["ok"] and r["error"] == "ENOTCONN", r
    subprocess.run(["fusermount3", "-u", m.path], check=True, timeout=10)
    assert not util.is_mounted(m.path)
