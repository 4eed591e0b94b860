"""Fixtures of the site tests: postfs mounted on the shared sample corpus
and on a generated one, and a factory for mounts with options.

Mounts are started and stopped with tests/mount/util.py (util.Mount); a
mount's teardown fails the test unless the daemon exited cleanly.

Environment (meson sets these): POSTFS_BIN, POSTFS_SHARED,
POSTFS_SOURCE_ROOT as for the mount tests, and POSTFS_BUILD_ROOT (see
sitecheck.build_root).
"""
import atexit
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mount"))
import util  # noqa: E402

GEN_CORPUS = os.path.join(util.SHARED, "tools", "gen-corpus")
GEN_COUNT = 500


def _emergency_cleanup():
    for m in list(util.ACTIVE):
        m.stop()


atexit.register(_emergency_cleanup)


def pytest_sessionfinish(session, exitstatus):
    _emergency_cleanup()


@pytest.fixture(scope="session", autouse=True)
def _postfs_ready():
    if not util.POSTFS_BIN or not os.access(util.POSTFS_BIN, os.X_OK):
        pytest.fail("POSTFS_BIN is not set to the postfs binary: run through meson test",
                    pytrace=False)
    if not shutil.which("fusermount3") or not os.path.exists("/dev/fuse"):
        pytest.fail("FUSE is not usable here (fusermount3 or /dev/fuse missing)",
                    pytrace=False)
    yield
    _emergency_cleanup()


@pytest.fixture
def mount(tmp_path_factory, request):
    """mount(source, *options) -> util.Mount, taken down when the test ends."""
    with util.mount_factory(tmp_path_factory, request.node.name[:40]) as f:
        yield f


@pytest.fixture(scope="module")
def module_mount(tmp_path_factory, request):
    """Like mount, for a whole module."""
    with util.mount_factory(tmp_path_factory, request.module.__name__[:40]) as f:
        yield f


@pytest.fixture(scope="session")
def gen_source(tmp_path_factory):
    """A generated corpus of GEN_COUNT posts (tools/gen-corpus)."""
    out = str(tmp_path_factory.mktemp("gen") / "src")
    subprocess.run([sys.executable, GEN_CORPUS, str(GEN_COUNT), out], check=True,
                   stdout=subprocess.DEVNULL)
    return out


@pytest.fixture(scope="module")
def basic(module_mount):
    return module_mount(util.BASIC)


@pytest.fixture(scope="module")
def gen(module_mount, gen_source):
    return module_mount(gen_source)
