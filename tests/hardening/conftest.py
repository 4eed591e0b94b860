"""Fixtures of the hardening tests: hostile sources, faults, signals and
a soak under load.

They reuse the mount helpers of the mount tests (tests/mount/util.py:
POSTFS_BIN, POSTFS_VALGRIND, util.Mount) and add what these tests need:

  mount(source, *options, wrapper=(), extra=(), user=None) -> util.Mount
      a daemon on source, taken down when the test ends; the teardown
      fails the test unless the daemon exited 0 with no sanitizer report,
      except for a daemon the test killed itself (mark it .killed = True)
  probe(op, path, user=None, timeout=...) -> dict
      one file system call (stat, read, list, open-stat-read, ...) run in
      a child process with a timeout, so a hung mount fails the test
      instead of hanging it (see probe.py)
  scratch: a fresh folder under /tmp that any user may enter (tests that
      run the daemon as another user cannot use pytest's 0700 folders)
"""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mount"))
import util  # noqa: E402

PROBE = os.path.join(HERE, "probe.py")
# Seconds one file system call may take before the mount counts as hung.
CALL_TIMEOUT = 60.0 if util.VALGRIND else 10.0
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def _emergency_cleanup():
    for m in list(util.ACTIVE):
        m.stop()


atexit.register(_emergency_cleanup)


def pytest_sessionfinish(session, exitstatus):
    _emergency_cleanup()


# Figures a test wants shown at the end of the run, whatever pytest
# captured (the soak's): lines of text.
FIGURES = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for line in FIGURES:
        terminalreporter.write_line(line)


def pytest_report_header(config):
    return "postfs: %s%s" % (util.POSTFS_BIN, " (under valgrind)" if util.VALGRIND else "")


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


class HMount(util.Mount):
    """util.Mount with extra command-line arguments (before -o options)."""

    def __init__(self, *args, extra=(), **kw):
        super().__init__(*args, **kw)
        self.extra = list(extra)
        self.killed = False
        self.as_user = None

    def command(self):
        cmd = super().command()
        at = cmd.index(util.POSTFS_BIN) + 1
        return cmd[:at] + self.extra + cmd[at:]

    def start(self, timeout=None):
        if not self.as_user:
            return super().start(timeout)
        # Another user's mount cannot be stat'ed by root (no allow_other):
        # wait for it in mountinfo, then ask as that user.
        os.makedirs(self.path, exist_ok=True)
        env = dict(os.environ)
        env.update(self.env or {})
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, env=env,
                                         start_new_session=True)
        util.ACTIVE.append(self)
        deadline = time.monotonic() + (timeout or util.MOUNT_TIMEOUT)
        while time.monotonic() < deadline:
            if util.is_mounted(self.path) and \
                    run_probe("stat", self.path, user=self.as_user).get("ok"):
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        problems = self.stop()
        raise RuntimeError("postfs as %s did not mount %s:\n%s\n%s"
                           % (self.as_user, self.path, "\n".join(problems), self.log()))

    def pid(self):
        """The daemon's pid (the program itself, also under valgrind or
        setpriv, which exec it)."""
        return self.proc.pid


@pytest.fixture
def scratch():
    d = tempfile.mkdtemp(prefix="postfs-hard-")
    os.chmod(d, 0o755)
    yield d
    subprocess.run(["chmod", "-R", "u+rwx", d], capture_output=True)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def mount(scratch):
    """Factory: mount(source, *options, wrapper=(), extra=(), user=None)."""
    mounts = []

    def factory(source, *options, wrapper=(), extra=(), env=None, user=None, timeout=None):
        base = tempfile.mkdtemp(prefix="mnt-", dir=scratch)
        os.chmod(base, 0o755)
        path = os.path.join(base, "mnt")
        os.makedirs(path)
        if user == "nobody":
            wrapper = list(NOBODY) + list(wrapper)
            shutil.chown(path, "nobody", "nogroup")
        m = HMount(str(source), path, options, log_path=os.path.join(base, "postfs.log"),
                   wrapper=wrapper, env=env, extra=extra)
        m.as_user = user
        mounts.append(m)
        try:
            m.start(timeout)
        except RuntimeError as e:
            pytest.fail(str(e), pytrace=False)
        return m

    yield factory
    problems = []
    for m in reversed(mounts):
        if m.killed:
            m.stopped = True
            if util.is_mounted(m.path):
                subprocess.run(["fusermount3", "-u", "-z", m.path], capture_output=True)
            if m in util.ACTIVE:
                util.ACTIVE.remove(m)
            continue
        problems += m.stop()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def run_probe(op, path, *args, user=None, timeout=None):
    """Run one file system operation in a child process.  Returns the
    dict probe.py printed ({"ok": ..., "errno": ..., ...}); a call that
    does not return in time gives {"hung": True}."""
    cmd = ([] if user is None else list(NOBODY)) + [sys.executable, PROBE, op, path] + \
        [str(a) for a in args]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=timeout or CALL_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"hung": True, "ok": False, "op": op, "path": path}
    try:
        return json.loads(r.stdout.decode())
    except ValueError:
        return {"ok": False, "crash": r.returncode, "stderr": r.stderr.decode(errors="replace"),
                "op": op, "path": path}


@pytest.fixture
def probe():
    return run_probe
