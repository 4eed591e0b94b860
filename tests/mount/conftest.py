"""Fixtures of the mount tests.

`mount(source, *options)` starts `postfs -f [-o opt ...] SOURCE MNT`,
waits for the mount and returns a util.Mount (.path, .source, .log()).
Every mount is taken down when its test (or, for `module_mount`, its
module) ends, whatever happened: the teardown unmounts, waits for the
daemon and fails the test unless the daemon exited 0 with no sanitizer
report in its log.  Mounts still up when the run is interrupted are
taken down at exit, and a daemon whose test runner dies gets SIGTERM.
"""
import atexit
import os
import shutil
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import util  # noqa: E402


def _emergency_cleanup():
    for m in list(util.ACTIVE):
        m.stop()


atexit.register(_emergency_cleanup)


def pytest_sessionfinish(session, exitstatus):
    _emergency_cleanup()


def pytest_report_header(config):
    return "postfs: %s%s" % (util.POSTFS_BIN, " (under valgrind)" if util.VALGRIND else "")


@pytest.hookimpl(hookwrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    # When a test fails, give the daemon a moment to log what went wrong
    # before the teardown reads its log.
    outcome = yield
    if outcome.excinfo is not None:
        time.sleep(0.2)


@pytest.fixture(scope="session", autouse=True)
def _postfs_ready():
    if not util.POSTFS_BIN:
        pytest.fail("POSTFS_BIN is not set: run through meson test, or set it to the "
                    "postfs binary", pytrace=False)
    if not os.access(util.POSTFS_BIN, os.X_OK):
        pytest.fail("POSTFS_BIN=%s is not an executable" % util.POSTFS_BIN, pytrace=False)
    for tool in ("fusermount3",) + (("valgrind",) if util.VALGRIND else ()):
        if not shutil.which(tool):
            pytest.fail("%s is not installed" % tool, pytrace=False)
    if not os.path.exists("/dev/fuse"):
        pytest.fail("/dev/fuse is missing: no FUSE here", pytrace=False)
    yield
    leftover = [m.path for m in util.ACTIVE]
    _emergency_cleanup()
    assert not leftover, "mounts left behind: %s" % leftover


@pytest.fixture
def mount(tmp_path_factory, request):
    """Factory: mount(source, *options) -> util.Mount, down at test end."""
    with util.mount_factory(tmp_path_factory, request.node.name[:40]) as f:
        yield f


@pytest.fixture(scope="module")
def module_mount(tmp_path_factory, request):
    """Factory like `mount`, whose mounts stay up for the whole module."""
    with util.mount_factory(tmp_path_factory, request.module.__name__[:40]) as f:
        yield f


@pytest.fixture(scope="module")
def basic(module_mount):
    """corpus/basic mounted with default options, for a whole module."""
    return module_mount(util.BASIC)
