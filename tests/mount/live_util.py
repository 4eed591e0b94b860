"""Helpers of the live-update, stress and query tests: wait for a change
with a deadline and say how long it took, read a file the ways readers
do (cat, stat, one open descriptor), and compare what a mount shows
with what its sources say."""
import errno
import json
import os
import subprocess
import time

import pytest

import util

# README: a change shows within a second.  Polls give up after 1.5 s so
# that a loaded machine does not fail the test; the time each change
# took is reported, and the benchmark measures freshness properly.  A
# daemon under valgrind is some 20 times slower: the bound is not the
# point there.
SLOW = 20 if util.VALGRIND else 1
VISIBLE = 1.5 * SLOW
POLL = 0.01

# The built-in theme's footer ends every page with this line.
HTML_END = b"</html>\n"

# Every figure the tests of a run took, for the summary (see report()).
TIMINGS = []


def wait_until(pred, what, timeout=VISIBLE, start=None):
    """Poll pred() until it is true; return the seconds it took since
    start (time.monotonic() of the change; default: now), or fail the
    test saying what did not show within timeout of start.  OSError
    from pred counts as not yet."""
    start = time.monotonic() if start is None else start
    last = None
    while True:
        try:
            ok = pred()
        except OSError as e:
            ok, last = False, e
        took = time.monotonic() - start
        if ok and took <= timeout:
            TIMINGS.append((what, took))
            return took
        if ok:
            raise AssertionError("%s: seen only after %.2f s (bound %.1f s)" % (what, took,
                                                                             timeout))
        if took > timeout:
            raise AssertionError("%s: not seen after %.2f s%s" % (
                what, took, " (last error: %s)" % last if last else ""))
        time.sleep(POLL)


def cat(path):
    """The bytes `cat` reads (splice and all)."""
    r = subprocess.run(["cat", "--", path], capture_output=True, timeout=30)
    if r.returncode:
        raise FileNotFoundError(errno.ENOENT, r.stderr.decode(errors="replace").strip(), path)
    return r.stdout


def stat_cmd(path):
    """(inode, size, mtime in ns) as `stat` prints them."""
    r = subprocess.run(["stat", "-c", "%i %s %.9Y", "--", path], capture_output=True,
                       text=True, timeout=30)
    if r.returncode:
        raise FileNotFoundError(errno.ENOENT, r.stderr.strip(), path)
    ino, size, mtime = r.stdout.split()
    sec, _, frac = mtime.partition(".")
    return int(ino), int(size), int(sec) * 10**9 + int((frac + "000000000")[:9])


def seen(path, pred):
    """cat's bytes satisfy pred and `stat` gives their length: what a
    shell user and a web server (which sizes first) both see."""
    data = cat(path)
    return pred(data) and stat_cmd(path)[1] == len(data)


def gone(path):
    """Neither stat nor cat finds path."""
    return not os.path.lexists(path) and subprocess.run(
        ["stat", "--", path], capture_output=True).returncode != 0


def read_whole(path):
    """Open, fstat, read to EOF: (bytes, the fd's stat)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        st = os.fstat(fd)
        chunks = []
        while True:
            b = os.read(fd, 1 << 16)
            if not b:
                break
            chunks.append(b)
        return b"".join(chunks), st
    finally:
        os.close(fd)


def complete(path, data):
    """What is wrong with the bytes of a generated file, or None."""
    if path.endswith(".html") and not data.endswith(HTML_END):
        return "does not end with %r: ...%r" % (HTML_END, data[-40:])
    if path.endswith(".json"):
        try:
            json.loads(data.decode("utf-8"))
        except ValueError as e:
            return "not JSON: %s" % e
    if path.endswith(".xml") and not data.rstrip().endswith(b">"):
        return "XML cut short: ...%r" % data[-40:]
    return None


def check_file(path):
    """Read path whole through one descriptor; return what is wrong, or
    None.  The size fstat gives must be the size read."""
    data, st = read_whole(path)
    if len(data) != st.st_size:
        return "%d bytes read, st_size %d" % (len(data), st.st_size)
    return complete(path, data)


def snapshot(path):
    """(inode, size, mtime ns, bytes) of a file: to compare later."""
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns, util.read_bytes(path)


def names_in(listing_json):
    return [p["name"] for p in util.read_json(listing_json)["posts"]]


def norm_term(t):
    """A term as postfs files it, for comparing without regard to case
    (README Names: white space runs are one space, '/' is U+2215)."""
    return " ".join(str(t).split()).replace("/", "\u2215").lower()


def post_jsons(mnt):
    """Every post's JSON from posts/, by name."""
    out = {}
    for e in util.posts_of(mnt):
        out[e["name"]] = util.read_json(os.path.join(mnt, "posts", e["name"] + ".json"))
    return out


def report():
    """The visibility times taken so far, as a line."""
    if not TIMINGS:
        return "no changes timed"
    t = sorted(x for _, x in TIMINGS)
    return "%d changes seen; visible after median %.0f ms, max %.0f ms (%s)" % (
        len(t), 1000 * t[len(t) // 2], 1000 * t[-1], max(TIMINGS, key=lambda x: x[1])[0])


@pytest.fixture(scope="module", autouse=True)
def timings_report(pytestconfig, request):
    """Print, after a module, how long its changes took to show (a test
    module imports this fixture to have it)."""
    del TIMINGS[:]
    yield
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n[%s] %s" % (request.module.__name__, report()))
