"""Helpers of the ecosystem tests: the programs around postfs (nginx,
mount(8), systemd's tools, man, bash, GIO) and the mounts they make.

The environment names what to test (meson sets these):
  POSTFS_BIN          the postfs binary
  POSTFS_SHARED       the shared folder (corpus/basic)
  POSTFS_SOURCE_ROOT  the source tree (contrib/)
  POSTFS_BUILD_ROOT   the build tree (unused when absent)

The mount tests' helpers (tests/mount/util.py) run postfs itself; this
module adds what runs it indirectly (mount(8), fstab) and nginx.
"""
import ctypes
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "mount"))
import util  # noqa: E402  (tests/mount/util.py)

SOURCE_ROOT = util.SOURCE_ROOT
CONTRIB = os.path.join(SOURCE_ROOT, "contrib")
BASIC = util.BASIC
POSTFS_BIN = util.POSTFS_BIN

# The PATH that /bin/sh uses when it has none: mount(8) runs helpers
# without its caller's PATH, so mount.fuse3 finds `postfs` only here.
DEFAULT_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

# Every mount, nginx and temporary file made by a test and not yet
# undone: conftest.py undoes what is left at exit.
UNDO = []

_PR_SET_PDEATHSIG = 1


def die_with_parent():
    """In a child before exec: SIGTERM when the test runner dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except OSError:
        pass


def need(*tools):
    """Skip the test unless every tool is installed; return their paths."""
    paths = []
    for t in tools:
        p = shutil.which(t) or next((os.path.join(d, t) for d in DEFAULT_PATH
                                     if os.access(os.path.join(d, t), os.X_OK)), None)
        if not p:
            pytest.skip("%s is not installed" % t)
        paths.append(p)
    return paths[0] if len(paths) == 1 else paths


def run(cmd, check=True, timeout=60, **kw):
    """Run a command, capture its output as text; on failure with check,
    fail the test with the command's output."""
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    r = subprocess.run(cmd, timeout=timeout, **kw)
    if check and r.returncode != 0:
        pytest.fail("%s exited %d\nstdout:\n%s\nstderr:\n%s"
                    % (" ".join(map(str, cmd)), r.returncode, r.stdout, r.stderr),
                    pytrace=False)
    return r


def public_tmpdir(prefix):
    """A fresh folder every user may enter (pytest's own are 0700, and
    nginx's workers and allow_other are about other users)."""
    d = tempfile.mkdtemp(prefix="postfs-eco-" + prefix + "-")
    os.chmod(d, 0o755)
    return d


def is_mounted(path):
    return util.is_mounted(path)


def mounts_under(folder):
    """Mount points at or below folder, from /proc/self/mountinfo."""
    want = os.fsencode(os.path.realpath(folder))
    found = []
    with open("/proc/self/mountinfo", "rb") as f:
        for line in f:
            mp = line.split(b" ")[4]
            mp = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), mp)
            if mp == want or mp.startswith(want + b"/"):
                found.append(os.fsdecode(mp))
    return found


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_post(folder, rel, front_matter, body="Some text.\n", mtime=None):
    return util.write_post(folder, rel, front_matter, body, mtime)


def make_source(base):
    """A copy of corpus/basic plus posts that test names: a tag in
    Cyrillic, a name with spaces beside a resource with spaces, and a
    post only the freshness tests edit.  Old mtimes, so that an edit
    always moves them to another second."""
    src = os.path.join(base, "src")
    util.copy_corpus(BASIC, src)
    old = time.time() - 3 * 86400
    write_post(src, "ru/технологии-2024.md",
               'title: "Технологии"\ndate: 2024-03-01\ntags: [Технологии, Наука]\n'
               'categories: [Обзоры]\n', "Текст о технологиях.\n", mtime=old)
    write_post(src, "notes/my first note.md",
               'title: "My first note"\nslug: "my first note"\ndate: 2024-04-02\n'
               'tags: [with space]\n',
               "A note with a picture: ![a picture](a%20picture.png)\n", mtime=old)
    with open(os.path.join(src, "notes", "a picture.png"), "wb") as f:
        f.write(bytes(range(256)) * 8)
    write_post(src, "live.md", 'title: "Live"\ndate: 2024-05-03\ntags: [Live]\n',
               "The first version.\n", mtime=old)
    for top, dirs, files in os.walk(src):
        for n in dirs + files:
            os.chmod(os.path.join(top, n), 0o755 if n in dirs else 0o644)
    return src


# ---- mounts made by mount(8): the daemon is not our child ----------------

def postfs_pids(mnt):
    """Pids of postfs processes whose command line names mount point mnt."""
    want = os.fsencode(mnt)
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv and os.path.basename(argv[0]) == b"postfs" and want in argv[1:]:
            pids.append(int(d))
    return pids


def pid_alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


class ExternalMount:
    """A postfs mount made by a program that runs postfs for us
    (mount(8), mount.fuse3): .path, .pids (the daemons found after the
    mount).  stop() unmounts with umount(8), waits for the daemon to
    end, and returns the problems found."""

    def __init__(self, path):
        self.path = path
        self.pids = []
        self.stopped = False
        UNDO.append(self)

    def found(self):
        self.pids = postfs_pids(self.path)
        return self.pids

    def stop(self):
        if self.stopped:
            return []
        self.stopped = True
        problems = []
        try:
            if not self.pids:
                self.found()
            if is_mounted(self.path):
                r = subprocess.run(["umount", self.path], capture_output=True, text=True)
                if r.returncode != 0 and is_mounted(self.path):
                    problems.append("umount %s failed: %s" % (self.path, r.stderr.strip()))
            deadline = time.monotonic() + 10
            while any(pid_alive(p) for p in self.pids) and time.monotonic() < deadline:
                time.sleep(0.05)
            alive = [p for p in self.pids if pid_alive(p)]
            if alive:
                problems.append("postfs %s still running 10 s after the unmount" % alive)
        finally:
            if is_mounted(self.path):
                subprocess.run(["umount", "-l", self.path], capture_output=True)
            for p in self.pids:
                if pid_alive(p):
                    try:
                        os.kill(p, signal.SIGKILL)
                    except OSError:
                        pass
            if self in UNDO:
                UNDO.remove(self)
        return problems


def wait_mounted(path, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_mounted(path) and os.path.ismount(path):
            return True
        time.sleep(0.02)
    return False


# ---- postfs in the shell's default path ------------------------------------

class DefaultPathLink:
    """`postfs` in the shell's default path, for mount.fuse3 to find:
    the postfs under test when it is already there, else a symbolic link
    /usr/local/sbin/postfs made for the tests and removed by undo()."""

    LINK = "/usr/local/sbin/postfs"

    def __init__(self):
        self.made = False
        UNDO.append(self)

    def setup(self):
        want = os.path.realpath(POSTFS_BIN)
        for d in DEFAULT_PATH:
            p = os.path.join(d, "postfs")
            if os.path.lexists(p):
                if os.path.realpath(p) == want:
                    return
                if d == os.path.dirname(self.LINK):
                    pytest.skip("%s is another postfs (%s): mount.fuse3 would run it"
                                % (p, os.path.realpath(p)))
                break
        if os.geteuid() != 0 or not os.path.isdir(os.path.dirname(self.LINK)):
            pytest.skip("cannot put postfs in the default path (%s)" % self.LINK)
        os.symlink(want, self.LINK)
        self.made = True

    def stop(self):
        try:
            if self.made and os.path.islink(self.LINK):
                os.unlink(self.LINK)
        finally:
            self.made = False
            if self in UNDO:
                UNDO.remove(self)
        return []


# ---- nginx ------------------------------------------------------------------

def site_config(text, root, port):
    """The shipped site file, made to serve root on 127.0.0.1:port: its
    `root` line names the mount, its first `listen` line the port, other
    `listen` lines (IPv6, 443) go."""
    out, listened = [], False
    for line in text.splitlines():
        s = line.strip()
        if re.match(r"listen\s", s):
            if not listened:
                out.append("\tlisten 127.0.0.1:%d;" % port)
                listened = True
            continue
        if re.match(r"root\s", s):
            out.append("\troot %s;" % root)
            continue
        out.append(line)
    if not listened:
        raise AssertionError("the site file has no listen line")
    return "\n".join(out) + "\n"


def nginx_worker_user():
    import pwd
    for u in ("www-data", "nobody"):
        try:
            pw = pwd.getpwnam(u)
            import grp
            return u, grp.getgrgid(pw.pw_gid).gr_name
        except KeyError:
            continue
    pytest.skip("no www-data or nobody user for nginx's workers")


def nginx_main_config(prefix, site_path):
    """A main nginx.conf like Debian's that includes the site file."""
    nginx = need("nginx")
    v = subprocess.run([nginx, "-V"], capture_output=True, text=True).stderr
    temps = ["client_body", "proxy", "fastcgi"]
    temps += [m for m in ("uwsgi", "scgi") if "--without-http_%s_module" % m not in v]
    user, group = nginx_worker_user()
    lines = [
        "user %s %s;" % (user, group),
        "worker_processes 2;",
        "pid %s/nginx.pid;" % prefix,
        "error_log %s/error.log warn;" % prefix,
        "events { worker_connections 64; }",
        "http {",
        "\tinclude /etc/nginx/mime.types;",
        "\tdefault_type application/octet-stream;",
        "\ttypes_hash_max_size 2048;",
        "\taccess_log %s/access.log;" % prefix,
        "\tgzip on;",
    ]
    lines += ["\t%s_temp_path %s/%s;" % (t, prefix, t) for t in temps]
    lines += ["\tinclude %s;" % site_path, "}"]
    return "\n".join(lines) + "\n"


class Nginx:
    """An nginx master (and its workers) in the foreground, serving a
    site file on 127.0.0.1:port from a prefix folder of its own."""

    def __init__(self, prefix, site_text):
        self.prefix = prefix
        self.site_text = site_text
        self.proc = None
        self.port = None
        UNDO.append(self)

    def paths(self):
        return (os.path.join(self.prefix, "nginx.conf"), os.path.join(self.prefix, "site.conf"))

    def write(self, root, port):
        main, site = self.paths()
        with open(site, "w") as f:
            f.write(site_config(self.site_text, root, port))
        with open(main, "w") as f:
            f.write(nginx_main_config(self.prefix, site))
        return main

    def command(self, main, *extra):
        return [need("nginx"), "-p", self.prefix, "-c", main,
                "-e", os.path.join(self.prefix, "error.log")] + list(extra)

    def log(self):
        try:
            with open(os.path.join(self.prefix, "error.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def start(self, root):
        """Start nginx on a free port; retry once if the port was taken."""
        for _ in range(3):
            port = free_port()
            main = self.write(root, port)
            self.proc = subprocess.Popen(self.command(main, "-g", "daemon off;"),
                                         stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                         start_new_session=True, preexec_fn=die_with_parent)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    self.port = port
                    return self
                except OSError:
                    time.sleep(0.05)
            err = self.stop_process()
            if "Address already in use" not in err + self.log():
                raise RuntimeError("nginx did not start:\n%s\n%s" % (err, self.log()))
        raise RuntimeError("nginx found no free port")

    def stop_process(self):
        err = ""
        if self.proc is None:
            return err
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: finish requests
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait()
        try:
            err = self.proc.stderr.read().decode(errors="replace")
        except (OSError, ValueError):
            pass
        self.proc.stderr.close()
        self.proc = None
        return err

    def worker_uids(self):
        """Real uids of the master's children."""
        uids = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/status" % d) as f:
                    st = dict(line.split(":", 1) for line in f if ":" in line)
            except OSError:
                continue
            if int(st.get("PPid", "0").strip()) == self.proc.pid:
                uids.append(int(st["Uid"].split()[0]))
        return uids

    def stop(self):
        try:
            self.stop_process()
        finally:
            if self in UNDO:
                UNDO.remove(self)
        return []


def undo_all():
    """Undo everything tests left (newest first); return the problems."""
    problems = []
    for thing in reversed(list(UNDO)):
        try:
            problems += thing.stop()
        except Exception as e:  # keep undoing the rest
            problems.append("%r: %s" % (thing, e))
    for m in list(util.ACTIVE):
        problems += m.stop()
    return problems


def mode_other_can_enter(path):
    """Whether every folder from / to path lets others in (x bit)."""
    p = os.path.abspath(path)
    while True:
        if not os.stat(p).st_mode & stat.S_IXOTH:
            return False
        if p == "/":
            return True
        p = os.path.dirname(p)
