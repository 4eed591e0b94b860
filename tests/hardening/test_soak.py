"""Soak: many concurrent readers, through nginx and directly, while a
writer edits, renames, deletes and recreates posts.

    POSTFS_SOAK_SECONDS=20   (default: the short version, in every run)
    POSTFS_SOAK_SECONDS=600 POSTFS_BIN=build/fs/postfs \\
        pytest-3 -q -s tests/hardening/test_soak.py      (the long version)

The run must end with:
  - no failed request: every answer is 200, or 404 for a post the writer
    removed or renamed at some point (nothing else is ever 404); a direct
    read of one of those paths (such a post's files, or a listing it comes
    and goes from) may also answer ESTALE, the README's one freshness
    limit (a page whose source was rewritten while its bytes were in
    neither the kernel's cache nor the daemon's), but rarely: at most one
    request in a thousand, and never bytes of another version;
  - no torn read: every HTML file read whole ends with </html>, every
    JSON file parses, and its length equals the st_size that fstat gave
    on the same open descriptor (over HTTP: Content-Length, which nginx
    takes from fstat of the file it sends);
  - stable memory: the daemon's VmRSS at the end is within
    max(24 MiB, 25 %) of its VmRSS after the warm-up.  The warm-up reads
    every file once, which fills the rendered-output cache to its working
    size; after that, a new version of a file replaces the old one in the
    cache (same bound), so growth past it would be a leak.  The slack is
    for glibc's per-thread arenas (one per FUSE worker thread, which the
    load may start late) and for the listing pages the writer's churn
    re-renders;
  - no descriptor leak: the daemon's open descriptors (/proc/PID/fd) are
    as many after the load as before it, once every reader has closed.
The figures are printed at the end (pytest -s, or meson's test log).
"""
import errno
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import pytest

import util
import conftest
from conftest import HMount

SECONDS = float(os.environ.get("POSTFS_SOAK_SECONDS", "20"))
HTTP_READERS = int(os.environ.get("POSTFS_SOAK_HTTP_READERS", "8"))
DIRECT_READERS = int(os.environ.get("POSTFS_SOAK_DIRECT_READERS", "4"))
POSTS = 150          # stable posts (never touched by the writer)
CHURN = 12           # posts the writer edits, renames, deletes and recreates
CACHE_MIB = 16       # -o cache: the rendered bytes the daemon may keep
GEN = os.path.join(util.SHARED, "tools", "gen-corpus")

NGINX_CONF = """
daemon off;
master_process on;
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    types {{ text/html html; application/json json; application/xml xml;
             text/css css; text/markdown md; }}
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ }}
    }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vm_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cache_kib(mnt):
    """Rendered bytes the daemon keeps, from its status file."""
    return util.read_json(os.path.join(mnt, ".postfs", "status.json"))["cache"]["bytes"] // 1024


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def daemon_pid(m):
    """The postfs process (under valgrind it is valgrind's own)."""
    return m.proc.pid


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.ok = self.notfound = self.allowed_404 = self.stale = 0
        self.failures = []
        self.torn = []
        self.bytes = 0

    def fail(self, what):
        with self.lock:
            if len(self.failures) < 50:
                self.failures.append(what)

    def tear(self, what):
        with self.lock:
            if len(self.torn) < 50:
                self.torn.append(what)


def check_body(stats, where, path, data, size):
    """A whole file as read: complete, and what its size said."""
    if size is not None and len(data) != size:
        stats.tear("%s %s: %d bytes read, size %d" % (where, path, len(data), size))
        return
    if path.endswith(".html") and not data.rstrip().endswith(b"</html>"):
        stats.tear("%s %s: HTML does not end with </html> (%d bytes)" % (where, path,
                                                                          len(data)))
    elif path.endswith(".json"):
        try:
            json.loads(data.decode("utf-8"))
        except ValueError as e:
            stats.tear("%s %s: JSON does not parse: %s" % (where, path, e))


class Writer(threading.Thread):
    """Edits, renames, deletes and recreates the churn posts."""

    def __init__(self, src, stop):
        super().__init__(daemon=True)
        self.src, self.stop = src, stop
        # names in posts/ that may be 404 now and then
        self.touched = {"churn-%02d%s" % (k, sfx) for k in range(CHURN)
                        for sfx in ("", "-moved")}
        self.ops = 0
        self.error = None

    def post(self, k, gen):
        return ("---\ntitle: Churn %d v%d\ndate: 2024-06-%02dT10:00:00Z\n"
                "tags: [churn, c%d, v%d]\n---\n\n%s\n" %
                (k, gen, k % 28 + 1, k, gen % 5,
                 ("Paragraph %d of version %d.\n\n" % (k, gen)) * (1 + gen % 40)))

    def run(self):
        rnd = random.Random(7)
        names = ["churn-%02d" % k for k in range(CHURN)]
        gen = 0
        try:
            while not self.stop.is_set():
                gen += 1
                k = rnd.randrange(CHURN)
                base = os.path.join(self.src, "churn")
                a = os.path.join(base, names[k] + ".md")
                b = os.path.join(base, names[k] + "-moved.md")
                op = rnd.choice(["edit", "edit", "save-by-rename", "rename", "delete"])
                cur = a if os.path.exists(a) else b if os.path.exists(b) else None
                if cur is None:
                    with open(a, "w") as f:        # recreate
                        f.write(self.post(k, gen))
                elif op == "edit":
                    with open(cur, "w") as f:
                        f.write(self.post(k, gen))
                elif op == "save-by-rename":
                    tmp = os.path.join(base, ".%s.swp" % names[k])
                    with open(tmp, "w") as f:
                        f.write(self.post(k, gen))
                    os.rename(tmp, cur)
                elif op == "rename":
                    os.rename(cur, b if cur == a else a)
                else:
                    os.remove(cur)
                self.ops += 1
                time.sleep(0.02)
        except Exception as e:  # a writer failure fails the test
            self.error = e


def http_reader(port, urls, stats, stop, allowed404, seed):
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        url = rnd.choice(urls)
        try:
            conn.request("GET", url)
            r = conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException) as e:
            stats.fail("GET %s: %r" % (url, e))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        if r.status == 200:
            length = r.getheader("Content-Length")
            check_body(stats, "GET", url, data, int(length) if length else None)
            with stats.lock:
                stats.ok += 1
                stats.bytes += len(data)
        elif (r.status == 404 or (r.status == 403 and url.endswith("/"))) and allowed404(url):
            # 403: a folder that vanished between nginx's stat of it and
            # its look for index.html (nginx's answer for a folder with no
            # index), as on any file system
            with stats.lock:
                stats.allowed_404 += 1
        else:
            stats.fail("GET %s: %d" % (url, r.status))
    conn.close()


def removed(stats, what, rel, allowed404):
    """ENOENT at what (open or read) of rel: counted with the 404s when
    rel may have been removed, else a failure."""
    if allowed404("/" + rel):
        with stats.lock:
            stats.allowed_404 += 1
    else:
        stats.fail("%s %s: ENOENT" % (what, rel))


def direct_reader(mnt, paths, stats, stop, allowed404, seed):
    rnd = random.Random(seed)
    while not stop.is_set():
        rel = rnd.choice(paths)
        path = os.path.join(mnt, rel)
        try:
            if rel.endswith("/") or rel == "":
                os.listdir(path)
                with stats.lock:
                    stats.ok += 1
                continue
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            removed(stats, "open", rel, allowed404)
            continue
        except OSError as e:
            stats.fail("open %s: %r" % (rel, e))
            continue
        try:
            size = os.fstat(fd).st_size
            chunks = []
            while True:
                b = os.read(fd, 1 << 16)
                if not b:
                    break
                chunks.append(b)
            data = b"".join(chunks)
        except FileNotFoundError:
            # removed between the open and the read, its bytes no longer
            # kept: the removed post's answer, as a 404 is
            removed(stats, "read", rel, allowed404)
            continue
        except OSError as e:
            if e.errno == errno.ESTALE and allowed404("/" + rel):
                # the README's one limit: a page made from a churn post's
                # source, rewritten while the page's bytes were in neither
                # cache (never other bytes)
                with stats.lock:
                    stats.stale += 1
            else:
                stats.fail("read %s: %r" % (rel, e))
            continue
        finally:
            os.close(fd)
        check_body(stats, "read", rel, data, size)
        with stats.lock:
            stats.ok += 1
            stats.bytes += len(data)


def wait_quiet_fds(pid, want, timeout=10.0):
    """FUSE releases are asynchronous: wait for the count to settle."""
    deadline = time.monotonic() + timeout
    n = fd_count(pid)
    while n != want and time.monotonic() < deadline:
        time.sleep(0.2)
        n = fd_count(pid)
    return n


@pytest.fixture(scope="module")
def soak(tmp_path_factory):
    """Run the soak once for the module: its figures, its failures and
    tears, and the writer's error."""
    if util.VALGRIND:
        pytest.skip("a soak under valgrind measures valgrind")
    scratch = tempfile.mkdtemp(prefix="postfs-soak-")
    os.chmod(scratch, 0o755)
    mnt_base = os.path.join(scratch, "m")
    os.makedirs(mnt_base)
    m = HMount(os.path.join(scratch, "src"), os.path.join(mnt_base, "mnt"),
               ["allow_other", "cache=%d" % CACHE_MIB],
               log_path=os.path.join(mnt_base, "postfs.log"))
    try:
        yield run_soak(m, scratch)
    finally:
        problems = m.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    assert not problems, problems


def run_soak(m, scratch):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx")
                                      else None)
    if not nginx:
        pytest.fail("nginx is not installed (Debian package nginx-light)", pytrace=False)
    src = os.path.join(scratch, "src")
    subprocess.run([sys.executable, GEN, "--seed", "3", str(POSTS), src], check=True,
                   stdout=subprocess.DEVNULL)
    os.makedirs(os.path.join(src, "churn"))
    writer_stop = threading.Event()
    writer = Writer(src, writer_stop)
    for k in range(CHURN):
        with open(os.path.join(src, "churn", "churn-%02d.md" % k), "w") as f:
            f.write(writer.post(k, 0))
    subprocess.run(["chmod", "-R", "a+rX", src], check=True)
    m.start()
    pid = daemon_pid(m)

    # every path of the tree, as the readers will ask for them
    dirs, files = util.walk(m.path)
    urls = [urllib.parse.quote("/" + f) for f in files if not f.startswith(".postfs")] + \
        [urllib.parse.quote("/" + d + "/") for d in dirs
         if d and os.path.join(d, "index.html") in files]  # nginx: index.html or 403
    paths = files + [d + "/" for d in dirs]
    churn_names = set(writer.touched)

    churn_folder = re.compile(r"^/(by-tag/(churn|c\d+|v\d+)/|by-date/2024/06/)")

    def allowed404(url):
        url = urllib.parse.unquote(url)
        # a churn post's own pages, the folders that exist only while a
        # churn post is in them (its tags, its day), and the last pages of
        # listings that shrink when a churn post leaves
        return any("/" + n + "." in url or "/" + n + "/" in url for n in churn_names) or \
            bool(churn_folder.match(url)) or "/index-" in url

    tmp = os.path.join(scratch, "nginx")
    os.makedirs(tmp)
    port = free_port()
    with open(os.path.join(tmp, "nginx.conf"), "w") as f:
        f.write(NGINX_CONF.format(tmp=tmp, port=port, root=m.path))
    ng = subprocess.Popen([nginx, "-c", os.path.join(tmp, "nginx.conf"), "-p", tmp],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if ng.poll() is not None:
                    pytest.fail("nginx did not start: %s" % ng.stderr.read().decode())
                time.sleep(0.1)

        # warm-up: every file once, through nginx, with no writer
        warm = Stats()
        stop = threading.Event()
        stop.set()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for u in urls:
            conn.request("GET", u)
            r = conn.getresponse()
            data = r.read()
            if r.status != 200:
                warm.fail("warm-up GET %s: %d" % (u, r.status))
        conn.close()
        assert not warm.failures, warm.failures[:10]
        time.sleep(0.5)
        fds_before = fd_count(pid)
        rss_warm = vm_rss_kib(pid)
        cache_warm = cache_kib(m.path)

        stats = Stats()
        stop = threading.Event()
        threads = [threading.Thread(target=http_reader, daemon=True,
                                    args=(port, urls, stats, stop, allowed404, i))
                   for i in range(HTTP_READERS)]
        threads += [threading.Thread(target=direct_reader, daemon=True,
                                     args=(m.path, paths, stats, stop, allowed404, 100 + i))
                    for i in range(DIRECT_READERS)]
        t0 = time.monotonic()
        writer.start()
        for t in threads:
            t.start()
        rss_peak = rss_warm
        rss_half = None
        while time.monotonic() - t0 < SECONDS:
            time.sleep(0.5)
            rss_peak = max(rss_peak, vm_rss_kib(pid))
            if rss_half is None and time.monotonic() - t0 >= SECONDS / 2:
                rss_half = vm_rss_kib(pid)
            if m.proc.poll() is not None:
                break
        writer_stop.set()
        writer.join(30)
        time.sleep(1.0)  # the last changes show; readers still read
        stop.set()
        for t in threads:
            t.join(60)
        elapsed = time.monotonic() - t0
        hung = [t.name for t in threads if t.is_alive()]
    finally:
        ng.send_signal(signal.SIGQUIT)
        try:
            ng.wait(timeout=10)
        except subprocess.TimeoutExpired:
            ng.kill()
            ng.wait()

    assert m.proc.poll() is None, "the daemon died:\n" + m.log()[-3000:]
    
    fds_after = wait_quiet_fds(pid, fds_before)
    rss_end = vm_rss_kib(pid)
    cache_end = cache_kib(m.path)
    total = stats.ok + stats.allowed_404 + stats.stale + len(stats.failures)
    bound = max(16 * 1024, rss_warm // 4)
    figures = {
        "seconds": round(elapsed, 1),
        "readers": {"http": HTTP_READERS, "direct": DIRECT_READERS},
        "requests": total,
        "requests_per_second": round(total / elapsed),
        "ok": stats.ok,
        "404_removed_posts": stats.allowed_404,
        "estale_rewritten_sources": stats.stale,
        "failed": len(stats.failures),
        "torn": len(stats.torn),
        "mib_read": round(stats.bytes / (1 << 20), 1),
        "writer_changes": writer.ops,
        "vmrss_kib": {"warm": rss_warm, "half": rss_half, "peak": rss_peak, "end": rss_end,
                      "growth": rss_end - rss_warm,
                      "growth_less_cache": rss_end - rss_warm - (cache_end - cache_warm),
                      "bound": bound},
        "cache_kib": {"warm": cache_warm, "end": cache_end, "max": CACHE_MIB * 1024},
        "fds": {"before": fds_before, "after": fds_after},
        "first_failures": stats.failures[:5],
        "first_torn": stats.torn[:5],
    }
    line = "soak figures: " + json.dumps(figures)
    print(line)
    conftest.FIGURES.append(line)
    out = os.environ.get("POSTFS_SOAK_FIGURES")
    if out:
        with open(out, "w") as f:
            json.dump(figures, f, indent=1)

    return {"figures": figures, "failures": stats.failures, "torn": stats.torn,
            "writer_error": writer.error, "hung": hung, "daemon_alive": True,
            "warm_fds": fds_before}


def test_soak_load_ran(soak):
    f = soak["figures"]
    assert soak["writer_error"] is None, soak["writer_error"]
    assert not soak["hung"], "readers still blocked after the end: %s" % soak["hung"]
    assert f["ok"] > 100 * (HTTP_READERS + DIRECT_READERS), f
    assert f["writer_changes"] > SECONDS * 5, f


def test_soak_no_failed_requests(soak):
    f = soak["figures"]
    assert not soak["failures"], "%d failed, first: %s" % (f["failed"], soak["failures"][:20])
    assert f["estale_rewritten_sources"] <= max(5, f["requests"] // 1000), f


def test_soak_no_torn_reads(soak):
    assert not soak["torn"], soak["torn"][:20]


def sanitized(binary):
    """True when binary was built with AddressSanitizer, whose quarantine
    of freed memory makes VmRSS grow by design."""
    with open(binary, "rb") as f:
        return b"__asan_init" in f.read()


def test_soak_memory_is_stable(soak):
    """VmRSS growth from the warm-up to the end, less what the cache of
    rendered bytes grew (bounded by -o cache itself), stays within
    max(16 MiB, 25 % of the warm VmRSS): room for glibc's per-thread
    arenas of FUSE worker threads started by the load."""
    if sanitized(util.POSTFS_BIN):
        pytest.skip("AddressSanitizer keeps freed memory in quarantine: VmRSS is not "
                    "a measure of leaks there (LeakSanitizer is)")
    v, c = soak["figures"]["vmrss_kib"], soak["figures"]["cache_kib"]
    assert c["end"] <= c["max"], c
    growth = v["growth"] - (c["end"] - c["warm"])
    assert growth <= max(16 * 1024, v["warm"] // 4), (growth, v, c)


def test_soak_no_descriptor_leak(soak):
    fds = soak["figures"]["fds"]
    assert fds["after"] == fds["before"], fds
