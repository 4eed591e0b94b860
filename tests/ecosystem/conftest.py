"""Fixtures of the ecosystem tests.

`mount(source, *options)` starts `postfs -f [-o opt ...] SOURCE MNT` with
MNT in a folder every user may enter, and returns a util.Mount;
`external()` gives an ExternalMount for mounts made by mount(8);
`postfs_in_path` puts postfs where mount.fuse3 looks for it.  Whatever a
test starts (mounts, daemons, nginx, the link in the default path,
temporary folders) is undone when the test (or module) ends, whatever
happened, and again at exit for what an interrupted run left.
"""
import atexit
import contextlib
import os
import shutil

import pytest

import ecoutil
from ecoutil import util

atexit.register(ecoutil.undo_all)


def pytest_sessionfinish(session, exitstatus):
    ecoutil.undo_all()


def pytest_report_header(config):
    return "postfs: %s" % util.POSTFS_BIN


@pytest.fixture(scope="session", autouse=True)
def _postfs_ready():
    if not util.POSTFS_BIN:
        pytest.fail("POSTFS_BIN is not set: run through meson test, or set it to the "
                    "postfs binary", pytrace=False)
    if not os.access(util.POSTFS_BIN, os.X_OK):
        pytest.fail("POSTFS_BIN=%s is not an executable" % util.POSTFS_BIN, pytrace=False)
    yield
    left = ecoutil.undo_all()
    assert not left, "left behind at the end of the run:\n%s" % "\n".join(left)


@contextlib.contextmanager
def _scratch(label):
    """Folders every user may enter, removed afterwards."""
    made = []

    def new(prefix=label):
        d = ecoutil.public_tmpdir(prefix)
        made.append(d)
        return d

    try:
        yield new
    finally:
        for d in made:
            if not ecoutil.mounts_under(d):
                shutil.rmtree(d, ignore_errors=True)


@contextlib.contextmanager
def _mount_factory(new_dir):
    mounts = []

    def factory(source, *options, env=None, timeout=None):
        base = new_dir("mnt")
        m = util.Mount(str(source), os.path.join(base, "mnt"), options,
                       log_path=os.path.join(base, "postfs.log"), env=env)
        mounts.append(m)
        try:
            m.start(timeout)
        except RuntimeError as e:
            pytest.fail(str(e), pytrace=False)
        return m

    try:
        yield factory
    finally:
        problems = []
        for m in reversed(mounts):
            problems += m.stop()
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def scratch(request):
    """scratch(prefix) -> a new folder every user may enter."""
    with _scratch(request.node.name[:30]) as f:
        yield f


@pytest.fixture(scope="module")
def module_scratch(request):
    with _scratch(request.module.__name__[:30]) as f:
        yield f


@pytest.fixture
def mount(scratch):
    """Factory: mount(source, *options) -> util.Mount, down at test end."""
    with _mount_factory(scratch) as f:
        yield f


@pytest.fixture(scope="module")
def module_mount(module_scratch):
    """Factory like `mount`, whose mounts stay up for the whole module."""
    with _mount_factory(module_scratch) as f:
        yield f


@pytest.fixture
def external():
    """Factory: external(path) -> ExternalMount, unmounted at test end
    (the test fails if its daemon does not end)."""
    made = []

    def factory(path):
        m = ecoutil.ExternalMount(path)
        made.append(m)
        return m

    yield factory
    problems = []
    for m in reversed(made):
        problems += m.stop()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def postfs_in_path():
    """postfs where mount.fuse3 finds it (see ecoutil.DefaultPathLink)."""
    ecoutil.need("mount.fuse3", "mount", "umount")
    link = ecoutil.DefaultPathLink()
    try:
        link.setup()
        yield link
    finally:
        link.stop()
