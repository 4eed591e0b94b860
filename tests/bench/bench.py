#!/usr/bin/python3
"""Side-by-side benchmark of postfs against Hugo and a native directory.

For each corpus size (posts made by ../shared/tools/gen-corpus) it measures,
in one run:

  1. mount-to-ready: from starting postfs until `ls by-tag/` answers, against
     Hugo's full build of the same corpus (wall time);
  2. read-all: `cat` of every file of the mount, cold (fresh mount) and warm
     (second pass), against `cat` of every file of Hugo's output on a native
     directory with the page cache warm;
  3. peak RSS: the daemon's VmHWM at the end of the mount, against Hugo's
     (`/usr/bin/time -v`);
  4. serving: wrk against one nginx serving the mount and Hugo's output on two
     ports, the same kinds of URL on each side (post page, post JSON, a tag
     listing, the home page);
  5. `ls -lR` and `find` over the whole tree, warm and on a fresh mount;

and, on the largest corpus, the cost of freshness: time from an edit of one
post's title to the new title showing in posts/NAME.json, and the daemon's
CPU time per edit.

It prints a Markdown report (absolute figures and postfs/peer ratios, the
machine it ran on) and writes it to --output.  It asserts nothing about
timings; it exits 1 when a measurement fails outright (the mount dies, a read
fails, wrk reports errors, two passes over the tree disagree on the file
count), 2 on a usage error.  Anything odd that is not a failure (sizes that do
not match the bytes read, slow edits) is listed under "Anomalies".

Nothing is left behind: every mount is unmounted (fusermount3 -u, then -uz
and the daemon killed by its pid) and nginx is stopped by its pid, on any
exit, Ctrl-C and SIGTERM included.  Corpora and Hugo outputs are kept in
--work and re-used (gen-corpus is deterministic).

Only the Python standard library is used.  Needs: fusermount3, hugo, nginx,
wrk, GNU time (/usr/bin/time), find, xargs, cat, wc, ls; perf for --perf.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(REPO), "shared")

DEFAULT_SIZES = "1000,10000,100000"
QUICK_SIZES = "1000,10000"
SPEC_SIZE = 10000       # the size the targets are stated for
LARGE_SIZE = 100000     # the size of the mount-to-ready < 5 s target


class BenchError(Exception):
    """A measurement that failed outright: the run exits non-zero."""


def log(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr,
          flush=True)


def now():
    return time.perf_counter()


# ---------------------------------------------------------------- cleanup

class Cleanup:
    """Everything the run started, to be stopped whatever happens."""

    def __init__(self):
        self.items = []         # objects with a stop() method, newest last

    def add(self, obj):
        self.items.append(obj)

    def remove(self, obj):
        if obj in self.items:
            self.items.remove(obj)

    def run(self):
        while self.items:
            obj = self.items.pop()
            try:
                obj.stop(quiet=True)
            except Exception as e:  # keep going: the others must stop too
                log("cleanup of %r failed: %s" % (obj, e))


CLEANUP = Cleanup()


def on_signal(signum, frame):
    # Turn SIGTERM/SIGHUP into an exception so that finally blocks run.
    raise SystemExit(128 + signum)


def is_mounted(path):
    path = os.path.realpath(path)
    try:
        with open("/proc/self/mountinfo", encoding="utf-8",
                  errors="replace") as f:
            for line in f:
                fields = line.split()
                # mountinfo escapes space, tab, newline and \\ in octal
                mp = re.sub(r"\\([0-7]{3})",
                            lambda m: chr(int(m.group(1), 8)), fields[4])
                if mp == path:
                    return True
    except OSError:
        pass
    return False


def force_unmount(path):
    subprocess.run(["fusermount3", "-u", path], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    if is_mounted(path):
        subprocess.run(["fusermount3", "-uz", path],
                       stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


def kill_pid(pid, sig_first=signal.SIGTERM, wait=5.0):
    """Stop one process we started, by its pid."""
    try:
        os.kill(pid, sig_first)
    except ProcessLookupError:
        return
    end = now() + wait
    while now() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def proc_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


# ---------------------------------------------------------------- helpers

def run(cmd, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("text", True)
    return subprocess.run(cmd, **kw)


def first_line(cmd):
    try:
        r = run(cmd, stderr=subprocess.STDOUT)
        out = r.stdout.strip().splitlines()
        return out[0] if out else "?"
    except OSError:
        return "not found"


def postfs_version(exe):
    r = run([exe, "--version"], stderr=subprocess.STDOUT)
    for line in r.stdout.splitlines():
        if line.startswith("postfs"):
            return line.strip()
    return "?"


def proc_status(pid, key):
    """A field of /proc/PID/status in kB (VmHWM, VmRSS), or None."""
    try:
        with open("/proc/%d/status" % pid, encoding="ascii") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    """utime + stime of PID in seconds, or None."""
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii",
                  errors="replace") as f:
            data = f.read()
    except OSError:
        return None
    # the command name is in parentheses and may hold spaces
    rest = data[data.rindex(")") + 2:].split()
    return (int(rest[11]) + int(rest[12])) / CLK_TCK


def proc_cpu_ns(pid):
    """CPU time of the live threads of PID in seconds, from schedstat
    (nanoseconds, where /proc/PID/stat counts clock ticks), or None."""
    total = 0
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                    total += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    except OSError:
        return None
    return total / 1e9


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def median(xs):
    return statistics.median(xs) if xs else None


# ---------------------------------------------------------------- tree walks

STEP_TIMEOUT = None      # seconds one walk of a tree may take (--step-timeout)


class Group:
    """Processes of one pipeline in a process group of their own, so that
    a timeout or an exception stops all of them (cat under xargs too)."""

    def __init__(self):
        self.procs = []
        self.pgid = 0

    def __repr__(self):
        return "Group(%d)" % self.pgid

    def popen(self, cmd, **kw):
        p = subprocess.Popen(cmd, process_group=self.pgid, **kw)
        if not self.pgid:
            self.pgid = p.pid
            CLEANUP.add(self)
        self.procs.append(p)
        return p

    def stop(self, quiet=False):
        CLEANUP.remove(self)
        if self.pgid and any(p.poll() is None for p in self.procs):
            try:
                os.killpg(self.pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for p in self.procs:
            p.wait()


def render_walk(walk, corpus, cache_mib, timeout):
    """postfs-walk (tests/bench/walk.c) over CORPUS: every file of the tree
    made and read once in one thread, with no kernel in between, so the
    cost of rendering shows apart from the cost of the round trips."""
    if not walk or not os.path.exists(walk):
        return None
    try:
        out = subprocess.run([walk, "-c", str(cache_mib), corpus],
                             capture_output=True, text=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"timeout": True, "s": timeout}
    m = re.search(r"pass 1: (\d+) files, [\d.]+ MiB, ([\d.]+) s wall, "
                  r"([\d.]+) s CPU", out.stdout)
    if out.returncode != 0 or not m:
        raise BenchError("postfs-walk failed (%d): %s %s" %
                         (out.returncode, out.stdout[-500:],
                          out.stderr[-500:]))
    return {"files": int(m.group(1)), "s": float(m.group(2)),
            "cpu_s": float(m.group(3))}


def read_all(root):
    """cat every regular file under ROOT: `find -type f | xargs cat | wc -c`.

    find and cat overlap as in a shell pipeline; a thread between them
    counts the names.  Returns seconds, files, bytes; past STEP_TIMEOUT
    the pipeline is stopped and the result says "timeout"."""
    errf = tempfile.TemporaryFile(mode="w+")
    env = dict(os.environ, LC_ALL="C")
    grp = Group()
    count = [0]
    t0 = now()
    try:
        # the site: every file but the intersections under "+" folders
        # (as many as there are combinations of terms, a derived view
        # with no counterpart in a static build)
        find = grp.popen(["find", ".", "-name", "+", "-prune", "-o",
                          "-type", "f", "-print0"],
                         cwd=root, stdout=subprocess.PIPE, stderr=errf,
                         env=env)
        xargs = grp.popen(["xargs", "-0", "-r", "cat", "--"], cwd=root,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=errf, env=env)
        wc = grp.popen(["wc", "-c"], stdin=xargs.stdout,
                       stdout=subprocess.PIPE, env=env)
        xargs.stdout.close()

        def pump():
            try:
                while True:
                    chunk = find.stdout.read1(1 << 16)
                    if not chunk:
                        break
                    count[0] += chunk.count(b"\0")
                    xargs.stdin.write(chunk)
            except (BrokenPipeError, ValueError, OSError):
                pass
            finally:
                try:
                    xargs.stdin.close()
                except OSError:
                    pass

        th = threading.Thread(target=pump, daemon=True)
        th.start()
        th.join(STEP_TIMEOUT)
        if th.is_alive():
            dt = now() - t0
            grp.stop()
            th.join()
            return {"s": dt, "timeout": True, "files": count[0],
                    "bytes": None}
        rest = None if STEP_TIMEOUT is None else \
            max(1.0, STEP_TIMEOUT - (now() - t0))
        try:
            frc = find.wait(rest)
            xrc = xargs.wait(rest)
            out = wc.communicate(timeout=rest)[0]
        except subprocess.TimeoutExpired:
            dt = now() - t0
            grp.stop()
            return {"s": dt, "timeout": True, "files": count[0],
                    "bytes": None}
        dt = now() - t0
    finally:
        grp.stop()
    errf.seek(0)
    err = errf.read()
    errf.close()
    if frc or xrc or err.strip():
        lines = err.strip().splitlines()
        raise BenchError("read-all of %s failed (find %d, xargs/cat %d): "
                         "%d error lines, first: %s" %
                         (root, frc, xrc, len(lines),
                          "; ".join(lines[:5])))
    return {"s": dt, "files": count[0], "bytes": int(out.split()[0])}


def timed_run(cmd, root, stdout):
    """Run CMD in ROOT within STEP_TIMEOUT: (seconds, CompletedProcess or
    None when it was stopped)."""
    t0 = now()
    try:
        r = subprocess.run(cmd, cwd=root, stdout=stdout,
                           stderr=subprocess.PIPE, timeout=STEP_TIMEOUT,
                           env=dict(os.environ, LC_ALL="C"))
    except subprocess.TimeoutExpired:
        return now() - t0, None
    return now() - t0, r


def timed_find(root):
    """`find .` over the whole tree; seconds and entries (files + folders)."""
    dt, r = timed_run(["find", ".", "-print0"], root, subprocess.PIPE)
    if r is None:
        return {"s": dt, "timeout": True}
    if r.returncode:
        raise BenchError("find in %s failed: %s" %
                         (root, r.stderr.decode(errors="replace")[:500]))
    return {"s": dt, "entries": r.stdout.count(b"\0")}


def timed_ls(root):
    """`ls -lR` over the whole tree, output to /dev/null."""
    dt, r = timed_run(["ls", "-lR", "."], root, subprocess.DEVNULL)
    if r is None:
        return {"s": dt, "timeout": True}
    if r.returncode:
        raise BenchError("ls -lR in %s failed (%d): %s" %
                         (root, r.returncode,
                          r.stderr.decode(errors="replace")[:500]))
    return {"s": dt}


def check_sizes(root, limit, skip=(".postfs",)):
    """Compare st_size with the bytes a read returns, for up to LIMIT files
    spread evenly over the tree, within STEP_TIMEOUT.  Returns (checked,
    list of mismatches, whether it was stopped by the timeout)."""
    end = None if STEP_TIMEOUT is None else now() + STEP_TIMEOUT
    paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        if end and now() > end:
            return 0, [], True
        dirnames[:] = [d for d in dirnames if d not in skip]
        for fn in filenames:
            paths.append(os.path.join(dirpath, fn))
    paths.sort()
    step = max(1, len(paths) // limit) if limit else 1
    bad = []
    checked = 0
    for p in paths[::step]:
        if end and now() > end:
            return checked, bad, True
        try:
            st = os.stat(p)
            with open(p, "rb") as f:
                n = len(f.read())
        except OSError as e:
            bad.append((os.path.relpath(p, root), "error: %s" % e))
            continue
        checked += 1
        if n != st.st_size:
            bad.append((os.path.relpath(p, root),
                        "st_size %d, read %d bytes" % (st.st_size, n)))
    return checked, bad, False


# ---------------------------------------------------------------- postfs

class Mount:
    """One postfs daemon in the foreground (-f), its pid is ours."""

    def __init__(self, exe, source, mnt, opts, logpath):
        self.exe = exe
        self.source = source
        self.mnt = mnt
        self.opts = opts
        self.logpath = logpath
        self.proc = None

    def __repr__(self):
        return "Mount(%s)" % self.mnt

    def start(self, timeout):
        """Start the daemon; return seconds until `ls by-tag/` answers
        with at least one entry."""
        os.makedirs(self.mnt, exist_ok=True)
        if is_mounted(self.mnt):
            log("stale mount at %s: unmounting" % self.mnt)
            force_unmount(self.mnt)
        cmd = [self.exe, "-f"]
        if self.opts:
            cmd += ["-o", ",".join(self.opts)]
        cmd += [self.source, self.mnt]
        logf = open(self.logpath, "ab")
        by_tag = os.path.join(self.mnt, "by-tag")
        t0 = now()
        self.proc = subprocess.Popen(cmd, stdout=logf, stderr=logf,
                                     stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        logf.close()
        CLEANUP.add(self)
        while True:
            if self.proc.poll() is not None:
                raise BenchError("postfs exited with %d before the "
                                 "mount was ready: %s" %
                                 (self.proc.returncode,
                                  self.log_tail()))
            try:
                if os.listdir(by_tag):
                    return now() - t0
            except OSError:
                pass
            if now() - t0 > timeout:
                raise BenchError("postfs not ready after %.0f s" %
                                 timeout)
            time.sleep(0.001)

    @property
    def pid(self):
        return self.proc.pid

    def log_tail(self, n=5):
        try:
            with open(self.logpath, errors="replace") as f:
                return " | ".join(f.read().strip().splitlines()[-n:])
        except OSError:
            return ""

    def check_alive(self, what):
        if self.proc.poll() is not None:
            raise BenchError("postfs died (exit %d) during %s: %s" %
                             (self.proc.returncode, what,
                              self.log_tail()))
        if not is_mounted(self.mnt):
            raise BenchError("mount %s vanished during %s" %
                             (self.mnt, what))

    def stop(self, quiet=False):
        """Unmount and reap the daemon.  Returns its exit status."""
        CLEANUP.remove(self)
        if self.proc is None:
            return None
        died = self.proc.poll() is not None
        subprocess.run(["fusermount3", "-u", self.mnt],
                       stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            force_unmount(self.mnt)
            kill_pid(self.proc.pid)
            rc = self.proc.wait()
        if is_mounted(self.mnt):
            force_unmount(self.mnt)
        if died and not quiet:
            raise BenchError("postfs had died (exit %d): %s" %
                             (rc, self.log_tail()))
        if rc not in (0, None) and not quiet:
            log("postfs exited with %d after unmount: %s" %
                (rc, self.log_tail()))
        return rc


# ---------------------------------------------------------------- nginx

class Nginx:
    """One nginx, one server (port) per root, run in the foreground."""

    def __init__(self, prefix, roots):
        self.prefix = prefix
        self.roots = roots          # name -> (root folder, port)
        self.proc = None

    def __repr__(self):
        return "Nginx(%s)" % self.prefix

    def conf_text(self):
        p = self.prefix
        servers = "".join(
            "  server {\n"
            "    listen 127.0.0.1:%d;\n"
            "    root %s;\n"
            "    index index.html;\n"
            "  }\n" % (port, root) for root, port in self.roots.values())
        return ("worker_processes auto;\n"
                "pid %s/nginx.pid;\n"
                "error_log %s/error.log warn;\n"
                "events { worker_connections 4096; }\n"
                "http {\n"
                "  include /etc/nginx/mime.types;\n"
                "  default_type application/octet-stream;\n"
                "  access_log off;\n"
                "  sendfile on;\n"
                "  tcp_nopush on;\n"
                "  keepalive_requests 1000000;\n"
                "  client_body_temp_path %s/tmp/body;\n"
                "  proxy_temp_path %s/tmp/proxy;\n"
                "  fastcgi_temp_path %s/tmp/fastcgi;\n"
                "  uwsgi_temp_path %s/tmp/uwsgi;\n"
                "  scgi_temp_path %s/tmp/scgi;\n"
                "%s"
                "}\n" % (p, p, p, p, p, p, p, servers))

    def kill_stale(self):
        """An nginx left by a run that was killed outright: stop it by the
        pid in its pid file, if that process is an nginx of this prefix."""
        pidfile = os.path.join(self.prefix, "nginx.pid")
        try:
            with open(pidfile) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return
        cmd = b" ".join(proc_cmdline(pid))
        if b"nginx" in cmd and self.prefix.encode() in cmd:
            log("stopping stale nginx %d" % pid)
            kill_pid(pid, signal.SIGQUIT)

    def start(self):
        os.makedirs(os.path.join(self.prefix, "tmp"), exist_ok=True)
        self.kill_stale()
        conf = os.path.join(self.prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(self.conf_text())
        r = run(["nginx", "-t", "-p", self.prefix, "-c", conf])
        if r.returncode:
            raise BenchError("nginx -t: %s" % r.stderr.strip())
        self.proc = subprocess.Popen(
            ["nginx", "-p", self.prefix, "-c", conf,
             "-g", "daemon off;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.prefix, "stderr.log"), "ab"),
            start_new_session=True)
        CLEANUP.add(self)
        for _, port in self.roots.values():
            end = now() + 10
            while True:
                if self.proc.poll() is not None:
                    raise BenchError("nginx exited with %d" %
                                     self.proc.returncode)
                try:
                    socket.create_connection(("127.0.0.1", port),
                                             0.5).close()
                    break
                except OSError:
                    if now() > end:
                        raise BenchError("nginx not listening on %d"
                                         % port)
                    time.sleep(0.02)

    def stop(self, quiet=False):
        CLEANUP.remove(self)
        if self.proc is None:
            return
        if self.proc.poll() is None:
            kill_pid(self.proc.pid, signal.SIGQUIT, wait=5.0)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            kill_pid(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None


def http_get(port, path):
    """GET one URL: (status, Content-Length header, body length)."""
    url = "http://127.0.0.1:%d%s" % (port, path)
    try:
        with urllib.request.urlopen(url, timeout=STEP_TIMEOUT) as r:
            body = r.read()
            return r.status, r.headers.get("Content-Length"), len(body)
    except urllib.error.HTTPError as e:
        return e.code, None, 0
    except (OSError, urllib.error.URLError) as e:
        raise BenchError("GET %s: %s" % (url, e))


WRK_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), "
                        r"write (\d+), timeout (\d+)")


def wrk(port, paths, seconds, threads, conns, scriptdir):
    """wrk over PATHS (rotated by a Lua script when more than one)."""
    cmd = ["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % seconds]
    if len(paths) > 1:
        script = os.path.join(scriptdir, "paths-%d.lua" % port)
        with open(script, "w") as f:
            f.write("local paths = {\n")
            for p in paths:
                f.write("  %s,\n" % json.dumps(p))
            f.write("}\nlocal i = 0\n"
                    "request = function()\n"
                    "  i = i %% #paths + 1\n"
                    "  return wrk.format(\"GET\", paths[i])\n"
                    "end\n")
        cmd += ["-s", script, "http://127.0.0.1:%d/" % port]
    else:
        cmd += ["http://127.0.0.1:%d%s" % (port, paths[0])]
    r = run(cmd, timeout=seconds + 60)
    out = r.stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if r.returncode or not m:
        raise BenchError("wrk failed (%d): %s %s" %
                         (r.returncode, out[-500:], r.stderr[-500:]))
    res = {"rps": float(m.group(1))}
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non2xx"] = int(m.group(1)) if m else 0
    m = WRK_ERRORS.search(out)
    res["errors"] = [int(x) for x in m.groups()] if m else [0, 0, 0, 0]
    m = re.search(r"(\d+) requests in", out)
    res["requests"] = int(m.group(1)) if m else 0
    if res["non2xx"] or sum(res["errors"][:3]):
        raise BenchError("wrk on port %d: %d non-2xx responses, socket "
                         "errors connect/read/write/timeout %s" %
                         (port, res["non2xx"], res["errors"]))
    return res


# ---------------------------------------------------------------- corpus, Hugo

def ensure_corpus(gen, work, size):
    path = os.path.join(work, "corpus-%d" % size)
    if os.path.isdir(path):
        return path
    tmp = path + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    log("generating %d posts in %s" % (size, path))
    r = run([sys.executable, gen, str(size), tmp])
    if r.returncode:
        raise BenchError("gen-corpus failed: %s" % r.stderr[-500:])
    os.rename(tmp, path)
    return path


def warm_page_cache(root):
    """Read every source file once so that postfs and Hugo both start
    from sources in the page cache."""
    subprocess.run("find . -type f -print0 | xargs -0 -r cat -- >/dev/null",
                   shell=True, cwd=root, check=False)


def hugo_version():
    return first_line(["hugo", "version"])


def hugo_build(site, corpus, hdir, timeout):
    """A full Hugo build into HDIR/public under /usr/bin/time -v."""
    out = os.path.join(hdir, "public")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(hdir, exist_ok=True)
    timef = os.path.join(hdir, "time.txt")
    cmd = ["/usr/bin/time", "-v", "-o", timef,
           "hugo", "--noBuildLock", "--quiet",
           "--source", site, "--contentDir", corpus,
           "--destination", out,
           "--cacheDir", os.path.join(hdir, "cache")]
    t0 = now()
    r = run(cmd, timeout=timeout)
    dt = now() - t0
    if r.returncode:
        raise BenchError("hugo failed (%d): %s" %
                         (r.returncode, (r.stderr or r.stdout)[-800:]))
    rss = None
    with open(timef) as f:
        for line in f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)",
                          line)
            if m:
                rss = int(m.group(1))
    res = {"build_s": dt, "rss_kb": rss, "version": hugo_version(),
           "date": datetime.datetime.now().isoformat(timespec="seconds")}
    with open(os.path.join(hdir, "result.json"), "w") as f:
        json.dump(res, f, indent=1)
    return res


def hugo_posts(public):
    """Hugo writes a post to posts/SECTION/SLUG/index.html: slug -> dir."""
    out = {}
    base = os.path.join(public, "posts")
    if not os.path.isdir(base):
        return out
    for sec in sorted(os.listdir(base)):
        sp = os.path.join(base, sec)
        if not os.path.isdir(sp):
            continue
        for slug in os.listdir(sp):
            if os.path.isfile(os.path.join(sp, slug, "index.html")):
                out[slug] = "/posts/%s/%s/" % (sec, slug)
    return out


def url(path):
    return urllib.parse.quote(path, safe="/")


# ---------------------------------------------------------------- the run

class Bench:
    def __init__(self, args):
        self.a = args
        self.results = {}       # size -> dict
        self.anomalies = []
        self.failures = []
        self.fresh = None
        self.perf = None

    def anomaly(self, size, msg):
        log("ANOMALY: %s" % msg)
        self.anomalies.append("%s posts: %s" % (fmt_int(size), msg))

    def postfs_opts(self):
        opts = ["allow_other", "cache=%d" % self.a.cache_mib]
        opts += [o for o in self.a.postfs_opt]
        return opts

    def mount(self, size, corpus, tag):
        mnt = os.path.join(self.a.work, "mnt-%d" % size)
        return Mount(self.a.postfs, corpus, mnt, self.postfs_opts(),
                     os.path.join(self.a.work, "postfs-%d-%s.log" %
                                  (size, tag)))

    def run_size(self, size, largest):
        a = self.a
        res = {"size": size}
        self.results[size] = res
        corpus = ensure_corpus(a.gen_corpus, a.work, size)
        res["source_files"] = sum(len(f) for _, _, f in os.walk(corpus))
        warm_page_cache(corpus)

        # --- Hugo: the peer build, then its output as the native tree
        hdir = os.path.join(a.work, "hugo-%d" % size)
        public = os.path.join(hdir, "public")
        cached = os.path.join(hdir, "result.json")
        hugo = None
        if a.hugo_limit and size > a.hugo_limit:
            res["hugo_note"] = ("Hugo not run above %s posts "
                                "(--hugo-limit)" % fmt_int(a.hugo_limit))
            if a.skip_hugo and os.path.isfile(cached) and \
               os.path.isdir(public):
                with open(cached) as f:
                    hugo = json.load(f)
                hugo["cached"] = True
                res["hugo_note"] = None
        elif a.skip_hugo and os.path.isfile(cached) and \
                os.path.isdir(public):
            with open(cached) as f:
                hugo = json.load(f)
            hugo["cached"] = True
            log("%d: re-using Hugo's cached build (%.1f s)" %
                (size, hugo["build_s"]))
        else:
            log("%d: Hugo build" % size)
            hugo = hugo_build(a.hugo_site, corpus, hdir, a.hugo_timeout)
            hugo["cached"] = False
            log("%d: Hugo %.1f s, %s kB" %
                (size, hugo["build_s"], hugo["rss_kb"]))
        res["hugo"] = hugo
        if hugo:
            read_all(public)        # warm the page cache
            res["native_read"] = read_all(public)
            res["native_read2"] = read_all(public)
            if res["native_read"]["files"] != \
               res["native_read2"]["files"]:
                raise BenchError("native read-all: file count "
                                 "changed between two passes")
            res["native_find"] = timed_find(public)
            res["native_ls"] = timed_ls(public)

        # --- postfs: extra fresh mounts for mount-to-ready, cold ls/find
        ready = []
        if not a.quick:
            m = self.mount(size, corpus, "ls")
            ready.append(m.start(a.ready_timeout))
            log("%d: ls -lR on a fresh mount" % size)
            res["ls_cold"] = timed_ls(m.mnt)
            m.check_alive("ls -lR (cold)")
            m.stop()
            m = self.mount(size, corpus, "find")
            ready.append(m.start(a.ready_timeout))
            log("%d: find on a fresh mount" % size)
            res["find_cold"] = timed_find(m.mnt)
            m.check_alive("find (cold)")
            m.stop()

        # --- the renderer alone, without FUSE
        log("%d: postfs-walk (rendering without FUSE)" % size)
        res["walk"] = render_walk(self.a.walk, corpus, self.a.cache_mib,
                                  self.a.step_timeout)

        # --- postfs: the main mount
        m = self.mount(size, corpus, "main")
        ready.append(m.start(a.ready_timeout))
        res["ready"] = ready
        log("%d: mount-to-ready %s s" %
            (size, ", ".join("%.3f" % x for x in ready)))
        log("%d: read-all cold" % size)
        res["read_cold"] = read_all(m.mnt)
        m.check_alive("read-all (cold)")
        res["read_warm"] = read_all(m.mnt)
        m.check_alive("read-all (warm)")
        log("%d: read-all cold %s, warm %s, %d files" %
            (size, fmt_step(res["read_cold"]), fmt_step(res["read_warm"]),
             res["read_warm"]["files"]))
        for k in ("read_cold", "read_warm"):
            if res[k].get("timeout"):
                self.anomaly(size, "read-all (%s) stopped after %s, %s "
                             "files read" % (k[5:], fmt_s(res[k]["s"]),
                                             fmt_int(res[k]["files"])))
        complete = not (res["read_cold"].get("timeout") or
                        res["read_warm"].get("timeout"))
        if complete and res["read_cold"]["files"] != \
                res["read_warm"]["files"]:
            raise BenchError("file count differs between two reads "
                             "of the mount: %d then %d" %
                             (res["read_cold"]["files"],
                              res["read_warm"]["files"]))
        if complete and res["read_cold"]["bytes"] != \
                res["read_warm"]["bytes"]:
            # .postfs/status.json holds live counters: allow a few bytes
            d = res["read_warm"]["bytes"] - res["read_cold"]["bytes"]
            if abs(d) > 64:
                self.anomaly(size, "bytes read differ between cold and "
                             "warm passes by %d" % d)
        res["find"] = timed_find(m.mnt)
        res["ls"] = timed_ls(m.mnt)
        m.check_alive("find/ls")
        log("%d: find %s, ls -lR %s (warm); checking sizes" %
            (size, fmt_step(res["find"]), fmt_step(res["ls"])))
        checked, bad, stopped = check_sizes(m.mnt, a.size_check)
        res["size_check"] = {"checked": checked, "bad": len(bad),
                             "stopped": stopped}
        if bad:
            self.anomaly(size, "%d of %d files read a different number "
                         "of bytes than their st_size, e.g. %s" %
                         (len(bad), checked,
                          "; ".join("%s (%s)" % x for x in bad[:5])))
        m.check_alive("size check")
        res["query"] = measure_query(m.mnt)
        if not a.no_serve:
            res["serve"] = self.serve(size, m, public if hugo else None)
            m.check_alive("serving")
        # The tree must not have changed under us: the same names at the
        # end as after the reads.
        again = timed_find(m.mnt)
        if "entries" in again and "entries" in res["find"] and \
                again["entries"] != res["find"]["entries"]:
            raise BenchError("find saw %d entries, then %d at the end of "
                             "the run" % (res["find"]["entries"],
                                          again["entries"]))
        res["status"] = read_status(m.mnt)
        res["hwm_kb"] = proc_status(m.pid, "VmHWM")
        res["rss_end_kb"] = proc_status(m.pid, "VmRSS")
        res["cpu_s"] = proc_cpu(m.pid)
        m.check_alive("the run")
        m.stop()

        if a.perf_size == size:
            log("%d: profiling a cold read-all" % size)
            self.profile(size, corpus)
        if largest and a.edits:
            log("%d: freshness, %d edits" % (size, a.edits))
            self.fresh = self.freshness(size, corpus)

    def serve(self, size, m, public):
        a = self.a
        tag = a.tag
        pf_posts = sorted(n[:-5] for n in os.listdir(
            os.path.join(m.mnt, "posts")) if n.endswith(".html")
            and not n.startswith("index"))
        hp = hugo_posts(public) if public else {}
        names = [n for n in pf_posts if n in hp] if hp else pf_posts
        if not names:
            raise BenchError("no post common to the mount and Hugo's "
                             "output")
        k = max(1, len(names) // a.url_posts)
        names = names[::k][:a.url_posts]
        kinds = [
            ("post page (HTML)",
             ["/posts/%s.html" % n for n in names],
             [hp[n] for n in names] if hp else None),
            ("post JSON",
             ["/posts/%s.json" % n for n in names],
             [hp[n] + "index.json" for n in names] if hp else None),
            ("tag listing (%s)" % tag,
             ["/by-tag/%s/" % tag],
             ["/tags/%s/" % tag.lower()] if hp else None),
            ("home page", ["/"], ["/"] if hp else None),
        ]
        roots = {"postfs": (m.mnt, free_port())}
        if public:
            roots["native"] = (public, free_port())
        ndir = os.path.join(a.work, "nginx")
        ng = Nginx(ndir, roots)
        ng.start()
        out = []
        try:
            for label, pf_paths, nat_paths in kinds:
                row = {"kind": label, "n_urls": len(pf_paths)}
                sides = [(side, [url(p) for p in paths])
                         for side, paths in (("postfs", pf_paths),
                                             ("native", nat_paths))
                         if paths is not None and side in roots]
                for side, paths in sides:
                    sizes = []
                    for p in paths:
                        st, clen, blen = http_get(roots[side][1], p)
                        if st != 200:
                            raise BenchError("%s: GET %s gave %d" %
                                             (side, p, st))
                        if clen is not None and int(clen) != blen:
                            self.anomaly(size, "%s: GET %s: "
                                         "Content-Length %s, body "
                                         "%d bytes" %
                                         (side, p, clen, blen))
                        sizes.append(blen)
                    row[side] = {"mean_bytes": sum(sizes) / len(sizes),
                                 "rounds": []}
                # Alternate the sides and keep each side's best round: the
                # machine may be shared, and a burst of other load should
                # not decide the ratio.
                for _ in range(a.wrk_rounds):
                    for side, paths in sides:
                        w = wrk(roots[side][1], paths, a.wrk_seconds,
                                a.wrk_threads, a.wrk_conns, ndir)
                        row[side]["rounds"].append(w["rps"])
                        log("%d: %s %s: %.0f req/s" %
                            (size, side, label, w["rps"]))
                for side, _ in sides:
                    row[side]["rps"] = max(row[side]["rounds"])
                out.append(row)
                m.check_alive("serving " + label)
        finally:
            ng.stop()
        return out

    def profile(self, size, corpus):
        """perf record of the daemon during a cold read-all (own mount, so
        the measured figures are not perturbed)."""
        a = self.a
        m = self.mount(size, corpus, "perf")
        m.start(a.ready_timeout)
        data = os.path.join(a.work, "perf-%d.data" % size)
        report = os.path.join(a.work, "perf-%d.txt" % size)
        perf = subprocess.Popen(["perf", "record", "-F", "999", "-g",
                                 "-o", data, "-p", str(m.pid)],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            time.sleep(0.5)
            read_all(m.mnt)
            m.check_alive("profiled read-all")
        finally:
            perf.send_signal(signal.SIGINT)
            try:
                perf.wait(timeout=60)
            except subprocess.TimeoutExpired:
                kill_pid(perf.pid, signal.SIGKILL)
                perf.wait()
            m.stop()
        r = run(["perf", "report", "--stdio", "--no-children", "-i", data,
                 "--sort", "symbol", "-g", "none", "--percent-limit", "1"])
        with open(report, "w") as f:
            f.write(r.stdout)
        top = []
        for line in r.stdout.splitlines():
            mm = re.match(r"\s+([\d.]+)%\s+\[(.)\]\s+(.*)", line)
            if mm:
                sym = re.sub(r"(\s+-)+\s*$", "", mm.group(3)).strip()
                top.append((float(mm.group(1)), mm.group(2), sym))
        self.perf = {"size": size, "report": report, "top": top[:15]}

    def freshness(self, size, corpus):
        """Edit one post's title N times; time until posts/NAME.json shows
        it, and the daemon's CPU time per edit."""
        a = self.a
        fresh = os.path.join(a.work, "fresh-%d" % size)
        if not os.path.isdir(fresh):
            tmp = fresh + ".tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            r = run(["cp", "-al", corpus, tmp])
            if r.returncode:
                raise BenchError("cp -al: %s" % r.stderr)
            os.rename(tmp, fresh)
        # a visible post without a slug: its NAME is its file name
        target = None
        for dirpath, _, files in sorted(os.walk(corpus)):
            for fn in sorted(files):
                p = os.path.join(dirpath, fn)
                with open(p, encoding="utf-8") as f:
                    text = f.read()
                fm = text.split("\n---\n", 1)[0]
                if "\nslug:" in fm or "draft: true" in fm or \
                   "date: 2099" in fm or fn != fn.lower():
                    continue
                target = (os.path.relpath(p, corpus), text)
                break
            if target:
                break
        rel, orig = target
        name = os.path.splitext(os.path.basename(rel))[0]
        if name == "index":
            name = os.path.basename(os.path.dirname(rel))
        path = os.path.join(fresh, rel)
        # a file of its own (the copy is hard-linked to the cache)
        tmp = path + ".bench-tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(orig)
        os.rename(tmp, path)

        m = Mount(a.postfs, fresh, os.path.join(a.work, "mnt-fresh"),
                  ["cache=%d" % a.cache_mib] + list(a.postfs_opt),
                  os.path.join(a.work, "postfs-fresh.log"))
        m.start(a.ready_timeout)
        jpath = os.path.join(m.mnt, "posts", name + ".json")
        res = {"size": size, "post": rel, "edits": a.edits,
               "poll_ms": a.poll_ms}
        lat = []
        try:
            with open(jpath, encoding="utf-8") as f:
                json.load(f)
            nonce = "%x" % int(time.time())
            cpu0 = proc_cpu(m.pid)
            ns0 = proc_cpu_ns(m.pid)
            for i in range(a.edits):
                title = "Bench edit %d %s" % (i, nonce)
                text = re.sub(r'^title: .*$', 'title: "%s"' % title,
                              orig, count=1, flags=re.M)
                t0 = now()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                while True:
                    try:
                        with open(jpath, encoding="utf-8") as f:
                            seen = json.load(f).get("title")
                    except (OSError, ValueError):
                        seen = None
                    if seen == title:
                        lat.append(now() - t0)
                        break
                    if now() - t0 > a.edit_timeout:
                        raise BenchError(
                            "edit %d of %s not visible in %s after "
                            "%.0f s (still %r)" %
                            (i, rel, jpath, a.edit_timeout, seen))
                    time.sleep(a.poll_ms / 1000.0)
                m.check_alive("freshness")
                time.sleep(a.edit_gap_ms / 1000.0)
            cpu1 = proc_cpu(m.pid)
            ns1 = proc_cpu_ns(m.pid)
            res["latency"] = lat
            res["cpu_per_edit_s"] = (cpu1 - cpu0) / a.edits
            if ns0 is not None and ns1 is not None:
                res["cpu_per_edit_sched_s"] = (ns1 - ns0) / a.edits
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(orig)
            m.stop(quiet=True)
        if max(lat) > 1.0:
            self.anomaly(size, "an edit took %.2f s to show (the design "
                         "says within a second)" % max(lat))
        return res


def read_status(mnt):
    try:
        with open(os.path.join(mnt, ".postfs", "status.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def measure_query(mnt):
    """QUERY TIMING HOOK — "query over 100,000 posts".

    A future query/ folder (e.g. `ls 'MNT/query/tag:AI and year:2024'`)
    is timed here, cold (first listing) and warm (second).  Skipped while
    the mount has no query/ folder.  Add further queries to QUERIES."""
    QUERIES = ["tag:AI and year:2024"]
    qdir = os.path.join(mnt, "query")
    if not os.path.isdir(qdir):
        return None
    out = []
    for q in QUERIES:
        p = os.path.join(qdir, q)
        times = []
        n = None
        for _ in range(2):
            t0 = now()
            r = subprocess.run(["ls", p], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
            times.append(now() - t0)
            if r.returncode:
                raise BenchError("ls %s: %s" %
                                 (p, r.stderr.decode(errors="replace")))
            n = len(r.stdout.splitlines())
        out.append({"query": q, "cold_s": times[0], "warm_s": times[1],
                    "entries": n})
    return out


# ---------------------------------------------------------------- report

def fmt_int(n):
    return "{:,}".format(n) if n is not None else "—"


def fmt_s(x):
    if x is None:
        return "—"
    if x < 0.01:
        return "%.2f ms" % (x * 1000)
    if x < 1:
        return "%.0f ms" % (x * 1000)
    return "%.2f s" % x


def fmt_step(d):
    """A timed step: its seconds, or how long it ran before it was stopped."""
    if d is None:
        return "—"
    if d.get("timeout"):
        return "> %s (stopped)" % fmt_s(d["s"])
    return fmt_s(d["s"])


def step_ratio(x, y):
    """postfs ÷ peer for timed steps (dicts) or seconds; a step stopped by
    the timeout gives a lower bound."""
    xs = x.get("s") if isinstance(x, dict) else x
    ys = y.get("s") if isinstance(y, dict) else y
    if isinstance(y, dict) and y.get("timeout"):
        return "—"
    r = fmt_ratio(xs, ys)
    if isinstance(x, dict) and x.get("timeout") and r != "—":
        return "> " + r
    return r


def per_file_us(d):
    if not d or d.get("timeout") or not d.get("files"):
        return None
    return d["s"] / d["files"] * 1e6


def fmt_mib(kb):
    return "—" if kb is None else "%.1f MiB" % (kb / 1024.0)


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    r = a / b
    if r < 0.01:
        return "1/%.0f" % (1 / r) if r > 0 else "0"
    if r < 0.1:
        return "%.3f (1/%.0f)" % (r, 1 / r)
    return "%.2f" % r


def g(d, *keys):
    for k in keys:
        if d is None:
            return None
        d = d.get(k) if isinstance(d, dict) else None
    return d


def machine_info(args):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = "%.1f GiB" % (kb / 1048576.0)
    except OSError:
        pass
    commit = run(["git", "-C", REPO, "rev-parse", "--short",
                  "HEAD"]).stdout.strip()
    dirty = run(["git", "-C", REPO, "status", "--porcelain",
                 "--untracked-files=no"]).stdout.strip()
    buildtype = "?"
    d = os.path.dirname(os.path.abspath(args.postfs))
    for _ in range(3):
        f = os.path.join(d, "meson-info", "intro-buildoptions.json")
        if os.path.isfile(f):
            with open(f) as fh:
                for o in json.load(fh):
                    if o.get("name") == "buildtype":
                        buildtype = o.get("value")
            break
        d = os.path.dirname(d)
    return {
        "date": datetime.datetime.now().astimezone().isoformat(
            timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "kernel": platform.release(),
        "commit": (commit or "?") + (" (with local changes)" if dirty else ""),
        "postfs": "%s (%s, buildtype %s)" % (
            postfs_version(args.postfs), args.postfs, buildtype),
        "hugo": hugo_version(),
        "nginx": first_line(["nginx", "-v"]),
        "wrk": first_line(["wrk", "--version"]).split("[")[0].strip(),
        "load": loadavg(),
    }


def size_table(res, a):
    h = res.get("hugo")
    peer_build = g(h, "build_s")
    rows = []

    def row(name, pf, peer, ratio, target=""):
        rows.append("| %s | %s | %s | %s | %s |" %
                    (name, pf, peer, ratio, target))

    rd = median(res.get("ready", []))
    row("mount-to-ready (`ls by-tag/`) vs Hugo build",
        fmt_s(rd) + (" (median of %d)" % len(res["ready"])
                     if len(res.get("ready", [])) > 1 else ""),
        fmt_s(peer_build), fmt_ratio(rd, peer_build),
        "≤ 1/20 and < 0.5 s (10k); < 5 s (100k)")
    rc = res.get("read_cold")
    row("read-all cold (fresh mount) vs Hugo build", fmt_step(rc),
        fmt_s(peer_build), step_ratio(rc, peer_build), "≤ 1/2")
    wk = res.get("walk")
    if wk:
        row("of which rendering: every file made once without FUSE "
            "(`postfs-walk`, one thread) vs Hugo build",
            fmt_step(wk), fmt_s(peer_build), step_ratio(wk, peer_build))
    rw = res.get("read_warm")
    nw = res.get("native_read2")
    row("read-all warm vs native warm (Hugo's output)", fmt_step(rw),
        fmt_step(nw), step_ratio(rw, nw), "≤ 1.5")
    pf_files = g(rw, "files")
    nat_files = g(nw, "files")
    row("files read" + (" (before the stop)" if g(rw, "timeout") else ""),
        fmt_int(pf_files), fmt_int(nat_files),
        fmt_ratio(pf_files, nat_files))
    pb = g(rw, "bytes")
    nb = g(nw, "bytes")
    row("bytes read", "%.1f MiB" % (pb / 1048576.0) if pb else "—",
        "%.1f MiB" % (nb / 1048576.0) if nb else "—", fmt_ratio(pb, nb))
    pu = per_file_us(rw)
    nu = per_file_us(nw)
    row("read-all warm per file", "%.0f µs" % pu if pu else "—",
        "%.0f µs" % nu if nu else "—", fmt_ratio(pu, nu))
    hwm = res.get("hwm_kb")
    hr = g(h, "rss_kb")
    row("peak RSS (VmHWM at end) vs Hugo's max RSS (cache=%d MiB)" %
        a.cache_mib, fmt_mib(hwm), fmt_mib(hr), fmt_ratio(hwm, hr),
        "≤ 1/20")
    for s in res.get("serve") or []:
        pf = g(s, "postfs", "rps")
        nat = g(s, "native", "rps")
        pbytes = g(s, "postfs", "mean_bytes")
        nbytes = g(s, "native", "mean_bytes")
        name = "nginx req/s: %s%s" % (
            s["kind"], " (%d URLs)" % s["n_urls"] if s["n_urls"] > 1 else "")
        name += " — mean body %s vs %s bytes" % (
            fmt_int(int(pbytes)) if pbytes is not None else "—",
            fmt_int(int(nbytes)) if nbytes is not None else "—")
        row(name, "%.0f" % pf if pf else "—",
            "%.0f" % nat if nat else "—", fmt_ratio(pf, nat), "≥ 0.8")
    walks = (("ls", "native_ls", "`ls -lR` warm"),
             ("find", "native_find", "`find` warm"),
             ("ls_cold", "native_ls",
              "`ls -lR` on a fresh mount (native: warm)"),
             ("find_cold", "native_find",
              "`find` on a fresh mount (native: warm)"))
    partly = g(res, "read_cold", "timeout") or g(res, "read_warm", "timeout")
    for key, nkey, label in walks:
        if key not in res:
            continue
        if partly and key in ("ls", "find"):
            # the reads before it stopped part-way: not all of it is warm
            label = label.replace("warm", "after the stopped reads "
                                  "(partly cold)")
        x = res.get(key)
        y = res.get(nkey)
        row(label, fmt_step(x), fmt_step(y), step_ratio(x, y))
    if "find" in res:
        row("entries seen by `find`", fmt_int(g(res, "find", "entries")),
            fmt_int(g(res, "native_find", "entries")), "")
    row("daemon CPU time over the main mount (utime+stime)",
        fmt_s(res.get("cpu_s")), "", "")
    q = res.get("query")
    if q is None:
        row("query (`ls query/tag:AI and year:2024`)",
            "skipped: no query/ folder", "", "")
    else:
        for x in q:
            row("query `%s` cold / warm" % x["query"],
                "%s / %s (%d entries)" % (fmt_s(x["cold_s"]),
                                          fmt_s(x["warm_s"]),
                                          x["entries"]), "", "")
    head = ["| measure | postfs | Hugo / native | postfs ÷ peer | target |",
            "|---|---|---|---|---|"]
    return head + rows


def at_most(d, limit):
    """Whether a timed step took at most LIMIT seconds: True, False, or
    None when unknown (not measured, or stopped before LIMIT)."""
    if not d:
        return None
    if d.get("timeout"):
        return False if d["s"] > limit else None
    return d["s"] <= limit


def targets(results):
    """The lead's targets, each with met / missed / not measured."""
    out = []

    def check(label, ok, detail):
        status = "—" if ok is None else ("met" if ok else "**MISSED**")
        out.append("| %s | %s | %s |" % (label, detail, status))

    r = results.get(SPEC_SIZE)
    if r:
        hb = g(r, "hugo", "build_s")
        rd = median(r.get("ready", []))
        check("10k: mount-to-ready ≤ 1/20 of Hugo's build",
              None if rd is None or hb is None else rd <= hb / 20,
              "%s vs %s" % (fmt_s(rd), fmt_s(hb)))
        check("10k: mount-to-ready < 0.5 s",
              None if rd is None else rd < 0.5, fmt_s(rd))
        rc = r.get("read_cold")
        check("10k: read-all cold ≤ 1/2 of Hugo's build",
              None if hb is None else at_most(rc, hb / 2),
              "%s vs %s" % (fmt_step(rc), fmt_s(hb)))
        rw = r.get("read_warm")
        nw = r.get("native_read2")
        check("10k: read-all warm within 1.5× of native (whole trees)",
              None if not nw or nw.get("timeout") else
              at_most(rw, 1.5 * nw["s"]),
              "%s vs %s (%s)" % (fmt_step(rw), fmt_step(nw),
                                 step_ratio(rw, nw)))
        pu = per_file_us(rw)
        nu = per_file_us(nw)
        if pu and nu:
            check("10k: read-all warm within 1.5× of native (per file)",
                  pu <= 1.5 * nu, "%.0f µs vs %.0f µs (%s)" %
                  (pu, nu, fmt_ratio(pu, nu)))
        for s in r.get("serve") or []:
            pf = g(s, "postfs", "rps")
            nat = g(s, "native", "rps")
            check("10k: nginx %s ≥ 80%% of native" % s["kind"],
                  None if not pf or not nat else pf >= 0.8 * nat,
                  "%.0f vs %.0f req/s (%s)" % (pf or 0, nat or 0,
                                               fmt_ratio(pf, nat)))
        hwm = r.get("hwm_kb")
        hr = g(r, "hugo", "rss_kb")
        check("10k: peak RSS ≤ 1/20 of Hugo's",
              None if hwm is None or hr is None else hwm <= hr / 20,
              "%s vs %s" % (fmt_mib(hwm), fmt_mib(hr)))
    r = results.get(LARGE_SIZE)
    if r:
        rd = median(r.get("ready", []))
        check("100k: mount-to-ready < 5 s",
              None if rd is None else rd < 5, fmt_s(rd))
    return out


def report(bench, info, args):
    L = ["# postfs benchmark results", ""]
    L.append("Produced by `tests/bench/bench.py` (`meson compile -C BUILD "
             "bench`, or `tests/bench/bench.py --help`). postfs is compared "
             "with a full Hugo build of the same corpus (the peer site in "
             "`../shared/peers/hugo-site`) and with Hugo's output read and "
             "served from a native directory. Ratios are postfs ÷ peer: "
             "below 1 is better for times and memory, above 1 is better "
             "for requests per second.")
    L.append("")
    L.append("## Machine")
    L.append("")
    L.append("| | |")
    L.append("|---|---|")
    for k in ("date", "nproc", "cpu", "memory", "kernel", "commit",
              "postfs", "hugo", "nginx", "wrk", "load"):
        label = {"load": "load average at start / end",
                 "nproc": "nproc"}.get(k, k)
        val = info[k]
        if k == "load":
            val = "%s / %s" % (info["load"], info.get("load_end", "?"))
        L.append("| %s | %s |" % (label, str(val).replace("|", "\\|")))
    L.append("")
    L.append("Method: sources are read once before timing, so postfs and "
             "Hugo both start with them in the page cache. Mount-to-ready "
             "is from the start of `postfs -f -o allow_other,cache=%d` to the "
             "first non-empty listing of `by-tag/`. Read-all is "
             "`find . -name + -prune -o -type f -print0 | xargs -0 cat | wc -c` "
             "(every file but the intersections under `+/` folders); cold is the "
             "first pass over a fresh mount, warm the second; native is "
             "Hugo's output read after one untimed pass. The trees differ "
             "(postfs also files every post under its tags, categories and "
             "date, Hugo does not), hence the per-file row. nginx: one "
             "server per side, `worker_processes auto`, sendfile on, "
             "`wrk -t%d -c%d -d%ds`, best of %d rounds alternating the "
             "sides; post URLs rotate over %d posts present "
             "on both sides (postfs `posts/NAME.html`, Hugo "
             "`posts/SECTION/NAME/`), the tag listing is postfs "
             "`by-tag/%s/` vs Hugo `tags/%s/` (Hugo's list template does "
             "not paginate, so its page is larger: see the mean body "
             "sizes). The machine may be shared: read the load average." %
             (args.cache_mib, args.wrk_threads, args.wrk_conns,
              args.wrk_seconds, args.wrk_rounds, args.url_posts,
              args.tag, args.tag.lower()))
    L.append("")
    for size in sorted(bench.results):
        res = bench.results[size]
        L.append("## %s posts" % fmt_int(size))
        L.append("")
        h = res.get("hugo")
        notes = []
        if h and h.get("cached"):
            notes.append("Hugo figures re-used from an earlier build "
                         "(%s, --skip-hugo)" % h.get("date", "?"))
        if res.get("hugo_note"):
            notes.append(res["hugo_note"])
        st = res.get("status") or {}
        posts = st.get("posts") or {}
        cache = st.get("cache") or {}
        if posts:
            notes.append("postfs: %s sources, %s shown, %s hidden" %
                         (fmt_int(posts.get("sources")),
                          fmt_int(posts.get("shown")),
                          fmt_int(posts.get("hidden"))))
        if cache:
            notes.append("postfs cache at the end: %s of %s bytes, "
                         "%s files, %s hits, %s misses, %s evictions" %
                         tuple(fmt_int(cache.get(k)) for k in
                               ("bytes", "max_bytes", "files", "hits",
                                "misses", "evictions")))
        sc = res.get("size_check")
        if sc:
            notes.append("st_size vs bytes read: %s files checked, "
                         "%s mismatches" % (fmt_int(sc["checked"]),
                                            fmt_int(sc["bad"])))
        for n in notes:
            L.append("- " + n)
        if notes:
            L.append("")
        L += size_table(res, args)
        L.append("")
    f = bench.fresh
    if f:
        lat = f["latency"]
        L.append("## Freshness (%s posts)" % fmt_int(f["size"]))
        L.append("")
        L.append("%d edits of the title of `%s` (written in place), each "
                 "timed until `posts/NAME.json` shows the new title "
                 "(polled every %g ms); CPU is the daemon's CPU time over "
                 "all edits (polling reads included) ÷ edits, from "
                 "utime+stime (10 ms ticks) and from the threads' "
                 "schedstat (ns)." %
                 (f["edits"], f["post"], f["poll_ms"]))
        L.append("")
        L.append("| edit → visible: median | min | max | daemon CPU per "
                 "edit (/proc/PID/stat) | (schedstat, live threads) |")
        L.append("|---|---|---|---|---|")
        L.append("| %s | %s | %s | %s | %s |" %
                 (fmt_s(median(lat)), fmt_s(min(lat)), fmt_s(max(lat)),
                  fmt_s(f["cpu_per_edit_s"]),
                  fmt_s(f.get("cpu_per_edit_sched_s"))))
        L.append("")
    t = targets(bench.results)
    if t:
        L.append("## Targets")
        L.append("")
        L.append("| target | measured | |")
        L.append("|---|---|---|")
        L += t
        L.append("")
    if bench.perf:
        p = bench.perf
        L.append("## Profile (read-all cold, %s posts)" % fmt_int(p["size"]))
        L.append("")
        L.append("`perf record -F 999 -g -p PID` on the daemon; self time "
                 "by symbol (full report: `%s`)." % p["report"])
        L.append("")
        L.append("| self % | symbol |")
        L.append("|---|---|")
        for pct, kind, sym in p["top"]:
            L.append("| %.1f | %s%s |" %
                     (pct, sym.replace("|", "\\|"),
                      " (kernel)" if kind == "k" else ""))
        L.append("")
    L.append("## Anomalies")
    L.append("")
    if bench.anomalies:
        L += ["- " + x for x in bench.anomalies]
    else:
        L.append("None seen.")
    if bench.failures:
        L.append("")
        L.append("## Failures")
        L.append("")
        L += ["- " + x for x in bench.failures]
    L.append("")
    return "\n".join(L)


# ---------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Side-by-side benchmark of postfs against Hugo and "
        "a native directory.",
        epilog="Exit status: 0 when every measurement ran, 1 when one "
        "failed outright, 2 on a usage error.")
    p.add_argument("--postfs", default=os.path.join(REPO, "build", "fs",
                                                    "postfs"),
                   help="the postfs executable (default: build/fs/postfs)")
    p.add_argument("--walk", help="the postfs-walk executable (default: "
                   "tests/bench/postfs-walk in the build of --postfs; "
                   "the render-only row is left out when it is missing)")
    p.add_argument("--sizes", help="corpus sizes, comma-separated "
                   "(default %s; with --quick %s)" % (DEFAULT_SIZES,
                                                      QUICK_SIZES))
    p.add_argument("--work", default="/tmp/postfs-bench",
                   help="cache folder for corpora, Hugo builds, mount points "
                   "and logs (default /tmp/postfs-bench)")
    p.add_argument("--output", default=os.path.join(HERE, "RESULTS.md"),
                   help="Markdown report (default tests/bench/RESULTS.md); "
                   "'-' for none")
    p.add_argument("--skip-hugo", action="store_true",
                   help="re-use Hugo's cached build and figures where present")
    p.add_argument("--hugo-limit", type=int, default=20000,
                   help="do not run Hugo above this many posts (default "
                   "20000: Hugo needs about 19 GiB at 100,000); 0: no limit")
    p.add_argument("--hugo-timeout", type=float, default=3600)
    p.add_argument("--quick", action="store_true",
                   help="one mount per size (no cold ls/find), one 2 s wrk "
                   "round, 5 edits; sizes default to %s" % QUICK_SIZES)
    p.add_argument("--cache-mib", type=int, default=24,
                   help="postfs -o cache=MiB (default 24, the bound of the "
                   "published table)")
    p.add_argument("-o", dest="postfs_opt", action="append", default=[],
                   help="further postfs -o option (repeatable)")
    p.add_argument("--ready-timeout", type=float, default=600)
    p.add_argument("--step-timeout", type=float, default=1200,
                   help="longest one walk of a tree (read-all, ls -lR, "
                   "find, size check) may take; past it the walk is stopped "
                   "and reported as '> N s (stopped)' (default 1200; 0: no "
                   "limit)")
    p.add_argument("--wrk-seconds", type=int)
    p.add_argument("--wrk-rounds", type=int,
                   help="wrk runs per URL kind and side, alternating; the "
                   "best is kept (default 3, --quick 1)")
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--wrk-conns", type=int, default=32)
    p.add_argument("--url-posts", type=int, default=100,
                   help="posts rotated over in the post URL runs")
    p.add_argument("--tag", default="AI", help="tag of the listing URL")
    p.add_argument("--no-serve", action="store_true", help="skip nginx/wrk")
    p.add_argument("--edits", type=int,
                   help="freshness edits on the largest corpus (default 20, "
                   "--quick 5; 0 to skip)")
    p.add_argument("--edit-timeout", type=float, default=10)
    p.add_argument("--edit-gap-ms", type=float, default=100)
    p.add_argument("--poll-ms", type=float, default=2)
    p.add_argument("--size-check", type=int, default=20000,
                   help="files whose st_size is compared with the bytes "
                   "read, spread over the tree (default 20000)")
    p.add_argument("--perf", dest="perf_size", type=int, metavar="SIZE",
                   help="also profile the daemon with perf during a cold "
                   "read-all at this size")
    p.add_argument("--report-from", metavar="JSON",
                   help="write the report again from a run's saved figures "
                   "(WORK/results-*.json), measuring nothing")
    p.add_argument("--gen-corpus", default=os.path.join(SHARED, "tools",
                                                        "gen-corpus"))
    p.add_argument("--hugo-site", default=os.path.join(SHARED, "peers",
                                                       "hugo-site"))
    a = p.parse_args(argv)
    try:
        a.sizes = sorted({int(x) for x in
                          (a.sizes or (QUICK_SIZES if a.quick else
                                       DEFAULT_SIZES)).split(",") if x})
    except ValueError:
        p.error("--sizes: comma-separated numbers")
    if not a.sizes or min(a.sizes) < 1:
        p.error("--sizes: positive numbers")
    if a.wrk_seconds is None:
        a.wrk_seconds = 2 if a.quick else 5
    if a.wrk_rounds is None:
        a.wrk_rounds = 1 if a.quick else 3
    if a.wrk_rounds < 1:
        p.error("--wrk-rounds: at least 1")
    if a.edits is None:
        a.edits = 5 if a.quick else 20
    a.work = os.path.abspath(a.work)
    a.postfs = os.path.abspath(a.postfs)
    if not a.walk:
        a.walk = os.path.join(os.path.dirname(os.path.dirname(a.postfs)),
                              "tests", "bench", "postfs-walk")
    if a.report_from:
        return a
    for f, what in ((a.postfs, "--postfs"), (a.gen_corpus, "--gen-corpus")):
        if not os.path.isfile(f):
            p.error("%s: %s not found" % (what, f))
    missing = [t for t in ("fusermount3", "hugo", "nginx", "wrk", "find",
                           "xargs") if not shutil.which(t)]
    if not os.path.exists("/usr/bin/time"):
        missing.append("/usr/bin/time (package time)")
    if a.perf_size and not shutil.which("perf"):
        missing.append("perf (package linux-perf)")
    if missing:
        p.error("missing: %s" % ", ".join(missing))
    return a


def report_from(a):
    """Write the report again from a run's saved JSON (--report-from)."""
    with open(a.report_from) as f:
        saved = json.load(f)
    for k, v in (saved.get("args") or {}).items():
        if k in ("cache_mib", "wrk_seconds", "wrk_rounds", "wrk_threads",
                 "wrk_conns", "url_posts", "tag"):
            setattr(a, k, v)
    bench = Bench(a)
    bench.results = {int(k): v for k, v in saved["results"].items()}
    bench.fresh = saved.get("freshness")
    bench.perf = saved.get("profile")
    bench.anomalies = saved.get("anomalies", [])
    bench.failures = saved.get("failures", [])
    text = report(bench, saved["machine"], a)
    print(text)
    if a.output != "-":
        with open(a.output, "w") as f:
            f.write(text)
    return 1 if bench.failures else 0


def main(argv):
    global STEP_TIMEOUT
    a = parse_args(argv)
    if a.report_from:
        return report_from(a)
    STEP_TIMEOUT = a.step_timeout or None
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    os.makedirs(a.work, exist_ok=True)
    bench = Bench(a)
    info = machine_info(a)
    rc = 0
    try:
        for size in a.sizes:
            try:
                bench.run_size(size, size == a.sizes[-1])
            except (BenchError, OSError, ValueError, KeyError,
                    subprocess.SubprocessError) as e:
                if not isinstance(e, BenchError):
                    e = "%s: %s" % (type(e).__name__, e)
                log("FAILED at %d posts: %s" % (size, e))
                bench.failures.append("%s posts: %s" %
                                      (fmt_int(size), e))
                rc = 1
                CLEANUP.run()
    except KeyboardInterrupt:
        log("interrupted")
        rc = 130
    except SystemExit as e:
        log("stopped by a signal")
        bench.failures.append("the run was stopped by a signal")
        rc = e.code if isinstance(e.code, int) else 1
    finally:
        CLEANUP.run()
    info["load_end"] = loadavg()
    text = report(bench, info, a)
    print(text)
    with open(os.path.join(a.work, "results-%s.json" %
                           time.strftime("%Y%m%d-%H%M%S")), "w") as f:
        json.dump({"machine": info, "args": vars(a),
                   "results": bench.results,
                   "freshness": bench.fresh, "profile": bench.perf,
                   "anomalies": bench.anomalies,
                   "failures": bench.failures}, f, indent=1, default=str)
    if a.output != "-" and rc != 130:
        with open(a.output, "w") as f:
            f.write(text)
        log("report written to %s" % a.output)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
