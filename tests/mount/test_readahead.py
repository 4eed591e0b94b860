"""Reading ahead (-o readahead=N): a reader going through a folder in its
listing order, or in inode order, finds the next files made before it
asks for them (the cache's file count in .postfs/status.json grows past
what was read); lookups in no order start nothing; readahead=0 turns it
off; and a whole folder read in order gives the same bytes, each file as
long as its st_size, with reading ahead on or off."""
import os
import subprocess
import sys
import time

import pytest

import util


@pytest.fixture(scope="module")
def src(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("ahead") / "src")
    subprocess.run([sys.executable, os.path.join(util.SHARED, "tools", "gen-corpus"), "120", d],
                   check=True, stdout=subprocess.DEVNULL)
    return d


def _cached(m):
    return util.read_json(os.path.join(m.path, ".postfs", "status.json"))["cache"]["files"]


def _pages(m):
    """posts/'s post pages, in the order the folder lists them."""
    d = os.path.join(m.path, "posts")
    return [os.path.join(d, n) for n in os.listdir(d)
            if n.endswith(".html") and not n.startswith("index")]


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _wait_cached(m, want, seconds=10.0):
    end = time.monotonic() + seconds
    n = _cached(m)
    while n < want and time.monotonic() < end:
        time.sleep(0.05)
        n = _cached(m)
    return n


def _made_ahead(m, paths, order):
    """Read the first three of paths; then up to eight more are made
    ahead of the third (some entries may be folders or other files)."""
    before = _cached(m)
    for p in paths[:3]:
        _read(p)
    n = _wait_cached(m, before + 3 + 6)
    assert n >= before + 3 + 6, "cache holds %d files after reading 3 in %s " \
        "(%d before): nothing was made ahead" % (n, order, before)
    assert m.proc.poll() is None, "the daemon died: " + m.log()[-2000:]


def test_in_order_the_next_files_are_made(mount, src):
    m = mount(src, "readahead=8")
    pages = _pages(m)
    assert len(pages) > 20
    _made_ahead(m, pages, "listing order")


def test_in_inode_order_too(mount, src):
    """GNU find reads a folder of more than 10,000 entries in inode order."""
    m = mount(src, "readahead=8")
    d = os.path.join(m.path, "posts")
    with os.scandir(d) as it:
        ents = [(e.inode(), e.path) for e in it
                if e.name.endswith(".html") and not e.name.startswith("index")]
    listing = [p for _, p in ents]
    by_ino = [p for _, p in sorted(ents)]
    assert by_ino[:6] != listing[:6], "listing and inode orders agree: nothing to test"
    _made_ahead(m, by_ino, "inode order")


def test_off_and_out_of_order_make_nothing_ahead(mount, src):
    off = mount(src, "readahead=0")
    pages = _pages(off)
    before = _cached(off)
    for p in pages[:3]:
        _read(p)
    time.sleep(0.5)
    assert _cached(off) <= before + 3
    on = mount(src, "readahead=8")
    pages = _pages(on)
    before = _cached(on)
    for k in (40, 10, 25, 60):      # no two in listing order
        _read(pages[k])
    time.sleep(0.5)
    assert _cached(on) <= before + 4, "lookups in no order made files ahead"
    assert off.proc.poll() is None, off.log()[-2000:]
    assert on.proc.poll() is None, on.log()[-2000:]


def test_same_bytes_with_and_without(mount, src):
    got = {}
    for opt in ("readahead=0", "readahead=16"):
        m = mount(src, opt, "cache=1")
        d = os.path.join(m.path, "by-tag", "AI")
        files = {}
        for n in os.listdir(d):
            p = os.path.join(d, n)
            if os.path.isfile(p):
                data = _read(p)
                assert len(data) == os.stat(p).st_size, "%s: %d bytes, st_size %d" % (
                    p, len(data), os.stat(p).st_size)
                files[n] = data
        got[opt] = files
        assert m.proc.poll() is None, "the daemon died: " + m.log()[-2000:]
    assert len(got["readahead=0"]) > 10
    assert got["readahead=0"] == got["readahead=16"]
