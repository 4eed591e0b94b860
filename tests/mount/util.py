"""Helpers for the mount tests: run a postfs daemon on a source folder,
wait for its mount, stop it cleanly, and read what it serves.

The environment names what to test (meson sets these):
  POSTFS_BIN          the postfs binary
  POSTFS_SHARED       the shared folder (corpus/basic, tools/)
  POSTFS_SOURCE_ROOT  the source tree (tests/corpus/bad)
  POSTFS_VALGRIND=1   run every daemon under valgrind
"""
import contextlib
import ctypes
import datetime
import html.parser
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.environ.get("POSTFS_SOURCE_ROOT") or os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("POSTFS_SHARED") or os.path.join(os.path.dirname(SOURCE_ROOT), "shared")
POSTFS_BIN = os.environ.get("POSTFS_BIN")
BASIC = os.path.join(SHARED, "corpus", "basic")
BAD = os.path.join(SOURCE_ROOT, "tests", "corpus", "bad")

VALGRIND = os.environ.get("POSTFS_VALGRIND", "").strip() == "1"
VALGRIND_CMD = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
                "--errors-for-leak-kinds=definite"]
# Seconds to wait for a mount to come up and for the daemon to exit.
MOUNT_TIMEOUT = 90.0 if VALGRIND else 10.0
EXIT_TIMEOUT = 90.0 if VALGRIND else 10.0

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer")

# Names every listing folder may hold besides sub-folders and posts.
GENERATED = {"index.html", "index.json", "feed.xml", "sitemap.xml", "style.css",
             "status.json"}

# Every mount started and not yet stopped, so that an interrupted run
# can still take them down (see conftest.py).
ACTIVE = []

_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """In the child before exec: get SIGTERM when the test runner dies,
    so a killed run does not leave a daemon (and its mount) behind; the
    daemon unmounts on SIGTERM."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except OSError:
        pass


def is_mounted(path):
    """True when path is a mount point, by /proc/self/mountinfo: unlike
    os.path.ismount this never asks the (maybe hung) file system."""
    want = os.fsencode(os.path.realpath(path))
    with open("/proc/self/mountinfo", "rb") as f:
        for line in f:
            mp = line.split(b" ")[4]
            mp = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), mp)
            if mp == want:
                return True
    return False


class Mount:
    """A postfs daemon serving source at path.

    .path, .source, .options; .log() is the daemon's stderr so far."""

    def __init__(self, source, path, options=(), log_path=None, wrapper=(), env=None,
                 args=()):
        self.source = source
        self.path = path
        self.options = list(options)
        self.args = list(args)
        self.log_path = log_path or path.rstrip("/") + ".log"
        self.wrapper = list(wrapper)
        self.env = env
        self.proc = None
        self.stopped = False
        self.exit_code = None

    def command(self):
        cmd = list(self.wrapper)
        if VALGRIND:
            cmd += VALGRIND_CMD
        cmd += [POSTFS_BIN, "-f"] + self.args
        for o in self.options:
            cmd += ["-o", o]
        cmd += [self.source, self.path]
        return cmd

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def start(self, timeout=None):
        """Start the daemon and wait for its mount; raise RuntimeError with
        the daemon's stderr when it exits or does not mount in time."""
        os.makedirs(self.path, exist_ok=True)
        env = dict(os.environ)
        if self.env:
            env.update(self.env)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, env=env,
                                         start_new_session=True,
                                         preexec_fn=_die_with_parent)
        ACTIVE.append(self)
        timeout = MOUNT_TIMEOUT if timeout is None or VALGRIND else timeout
        deadline = time.monotonic() + timeout
        while True:
            if is_mounted(self.path) and os.path.ismount(self.path):
                return self
            code = self.proc.poll()
            if code is not None:
                self.stop()  # takes down a mount the daemon may have left
                raise RuntimeError("postfs exited with status %s before mounting %s:\n%s"
                                   % (code, self.path, self.log()))
            if time.monotonic() > deadline:
                if not is_mounted(self.path):
                    # stuck before mounting: nothing to unmount cleanly
                    self.proc.kill()
                    self.stop()
                    raise RuntimeError("postfs did not mount %s within %.0f s (killed); "
                                       "its log:\n%s" % (self.path, timeout, self.log()))
                problems = self.stop()
                raise RuntimeError("postfs mounted %s but the mount did not answer within "
                                   "%.0f s:\n%s" % (self.path, timeout, "\n".join(problems)))
            time.sleep(0.02)

    def stop(self):
        """Unmount and wait for the daemon.  Returns the problems found
        (empty when the unmount was clean, the daemon exited 0 and its log
        holds no sanitizer report).  Never leaves the mount behind."""
        if self.stopped:
            return []
        self.stopped = True
        problems = []
        try:
            if is_mounted(self.path):
                r = None
                for _ in range(20):
                    r = subprocess.run(["fusermount3", "-u", self.path],
                                       capture_output=True, text=True)
                    if r.returncode == 0 or not is_mounted(self.path):
                        break
                    time.sleep(0.1)
                if is_mounted(self.path):
                    problems.append("fusermount3 -u failed (%s); unmounted lazily"
                                    % r.stderr.strip())
                    subprocess.run(["fusermount3", "-u", "-z", self.path],
                                   capture_output=True)
            try:
                self.exit_code = self.proc.wait(timeout=EXIT_TIMEOUT)
            except subprocess.TimeoutExpired:
                problems.append("postfs did not exit within %.0f s of the unmount"
                                % EXIT_TIMEOUT)
                self.proc.terminate()
                try:
                    self.exit_code = self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.exit_code = self.proc.wait()
            if self.exit_code != 0 and not problems:
                problems.append("postfs exited with status %s after the unmount"
                                % self.exit_code)
            log = self.log()
            for marker in SANITIZER_MARKERS:
                if marker in log:
                    problems.append("sanitizer report in the daemon's log (%r)" % marker)
            if problems:
                problems.append("daemon log of %s:\n%s" % (self.path, log[-12000:]))
        finally:
            if is_mounted(self.path):
                subprocess.run(["fusermount3", "-u", "-z", self.path], capture_output=True)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            if self in ACTIVE:
                ACTIVE.remove(self)
        return problems


# ---- reading the mount ----------------------------------------------------

def read_json(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def read_text(path):
    return read_bytes(path).decode("utf-8")


def walk(root):
    """(folders, files) under root, as paths relative to it ('' is root)."""
    dirs, files = [""], []
    for top, dnames, fnames in os.walk(root):
        rel = os.path.relpath(top, root)
        rel = "" if rel == "." else rel
        dirs += [os.path.join(rel, d) for d in dnames]
        files += [os.path.join(rel, f) for f in fnames]
    return dirs, files


def parse_date(text):
    """An RFC 3339 date as postfs writes it, as an aware datetime."""
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(text)


def posts_of(mnt):
    """The posts listed in posts/index.json."""
    return read_json(os.path.join(mnt, "posts", "index.json"))["posts"]


def post_by_source(mnt, source):
    """The listing entry of the post read from source (relative to SOURCE)."""
    for p in posts_of(mnt):
        if p.get("source") == source:
            return p
    return None


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                self.links.append((tag, v))
            if k == "id" and v:
                self.ids.add(v)


def check_links(mnt):
    """Follow every href and src of every .html under mnt.  Returns (bad,
    count): what is wrong with each bad link (absolute, leading out of
    the mount, to nothing, to a missing #id), and how many relative
    links were followed."""
    cache, bad, count = {}, [], 0

    def parse(path):
        if path not in cache:
            p = _Links()
            p.feed(read_text(path))
            cache[path] = p
        return cache[path]

    for f in walk(mnt)[1]:
        if not f.endswith(".html"):
            continue
        page = os.path.join(mnt, f)
        for tag, url in parse(page).links:
            u = urllib.parse.urlsplit(url)
            if u.scheme or u.netloc:
                continue
            if u.path.startswith("/"):
                bad.append("%s: <%s> %r is absolute, not relative" % (f, tag, url))
                continue
            count += 1
            target = page if not u.path else os.path.normpath(
                os.path.join(os.path.dirname(page), urllib.parse.unquote(u.path)))
            if not (target + os.sep).startswith(mnt + os.sep):
                bad.append("%s: %r leads out of the mount" % (f, url))
            elif os.path.isdir(target):
                if not os.path.isfile(os.path.join(target, "index.html")):
                    bad.append("%s: %r is a folder without index.html" % (f, url))
            elif not os.path.isfile(target):
                bad.append("%s: <%s> %r: no such file" % (f, tag, url))
            elif u.fragment and target.endswith(".html"):
                frag = urllib.parse.unquote(u.fragment)
                if frag not in parse(target).ids:
                    bad.append("%s: %r: no id %r there" % (f, url, frag))
    return bad, count


# ---- making sources -------------------------------------------------------

def copy_corpus(src, dst):
    shutil.copytree(src, dst, symlinks=True)
    return dst


def write_post(folder, rel, front_matter, body="Some text.\n", mtime=None):
    """Write SOURCE/rel with YAML front matter (a string, without the
    '---' lines) and a body; create folders as needed."""
    path = os.path.join(folder, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = front_matter if isinstance(front_matter, bytes) else front_matter.encode()
    with open(path, "wb") as f:
        f.write(b"---\n" + data + (b"" if data.endswith(b"\n") else b"\n") + b"---\n\n"
                + (body if isinstance(body, bytes) else body.encode()))
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


@contextlib.contextmanager
def mount_factory(tmp_path_factory, label):
    """A factory of mounts for pytest fixtures: factory(source, *options,
    wrapper=(), env=None, timeout=None, args=()) mounts source with the
    given -o options (each 'name' or 'name=value') in a new folder of
    tmp_path_factory and returns its Mount; wrapper is a command prefix
    (e.g. setpriv ...), env extra environment for the daemon, timeout the
    seconds to wait for the mount (default MOUNT_TIMEOUT), args more
    command-line arguments.  Every mount is taken down when the context
    ends, and a daemon that did not exit cleanly fails the test."""
    import pytest

    mounts = []

    def factory(source, *options, wrapper=(), env=None, timeout=None, args=()):
        base = str(tmp_path_factory.mktemp("mnt-" + re.sub(r"[^\w.-]", "_", label),
                                           numbered=True))
        m = Mount(str(source), os.path.join(base, "mnt"), options,
                  log_path=os.path.join(base, "postfs.log"), wrapper=wrapper, env=env,
                  args=args)
        mounts.append(m)
        error = None
        try:
            m.start(timeout)
        except RuntimeError as e:
            error = str(e)
        if error:
            pytest.fail(error, pytrace=False)
        return m

    try:
        yield factory
    finally:
        problems = []
        for m in reversed(mounts):
            problems += m.stop()
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)
