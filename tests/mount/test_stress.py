"""Readers against a writer (README Freshness): while one thread edits,
saves by rename, renames, moves, deletes and recreates posts in a copy
of a generated corpus, reader threads walk the tree reading files whole
(open, fstat, read to EOF).  No read may be torn: the bytes read are the
st_size of the same descriptor, every HTML page ends with the built-in
theme's last line, every JSON parses.  The only errors allowed are
ENOENT and ESTALE, for names that went away.  After the writer stops,
the tree settles to what a fresh mount of the same sources shows, and
the daemon exits 0.

The run lasts POSTFS_STRESS_SECONDS (default 20); its figures are
printed."""
import collections
import errno
import os
import random
import re
import stat
import subprocess
import sys
import threading
import time

import live_util as lu
import util

SECONDS = float(os.environ.get("POSTFS_STRESS_SECONDS", "20"))
READERS = 4
TAGS = ["AI", "Tech", "Linux", "Stress", "Нейросети", "Big Data", "Churn"]
ALLOWED = (errno.ENOENT, errno.ESTALE)


def retag(text, rng, n):
    """A post's text with a new title, new tags and a body of another
    length; the rest of its front matter (date, draft) kept."""
    head, sep, body = text.partition("\n---\n")
    lines, out, skip = head.split("\n"), [], False
    for line in lines:
        if skip and line.startswith("  - "):
            continue
        skip = False
        if line.startswith("tags:"):
            skip = True
            continue
        if line.startswith("title:"):
            line = 'title: "Edit %d of a post under stress"' % n
        out.append(line)
    out.append("tags: [%s]" % ", ".join('"%s"' % t for t in rng.sample(TAGS, rng.randint(0, 3))))
    paras = body.split("\n\n")
    keep = max(1, len(paras) - rng.randint(-3, 3))
    extra = ["Added paragraph %d of edit %d." % (i, n) for i in range(max(0, keep - len(paras)))]
    return "\n".join(out) + sep + "\n\n".join(paras[:keep] + extra) + "\n"


class Writer(threading.Thread):
    """Changes the corpus at a steady pace until told to stop."""

    def __init__(self, src, stop):
        super().__init__(daemon=True)
        self.src, self.stop, self.rng = src, stop, random.Random(7)
        self.done = collections.Counter()
        self.error = None
        self.live = sorted(os.path.relpath(os.path.join(t, f), src)
                           for t, _, fs in os.walk(src) for f in fs if f.endswith(".md")
                           and f != "index.md")
        self.deleted = []

    def path(self, rel):
        return os.path.join(self.src, rel)

    def step(self, n):
        rng = self.rng
        op = rng.choices(["edit", "save by rename", "rename", "move", "delete", "recreate"],
                         [40, 20, 10, 10, 10, 10])[0]
        if op == "recreate" and not self.deleted:
            op = "edit"
        if op == "recreate":
            rel, text = self.deleted.pop(rng.randrange(len(self.deleted)))
            os.makedirs(os.path.dirname(self.path(rel)), exist_ok=True)
            with open(self.path(rel), "w", encoding="utf-8") as f:
                f.write(text)
            self.live.append(rel)
            self.done[op] += 1
            return
        i = rng.randrange(len(self.live))
        rel = self.live[i]
        with open(self.path(rel), encoding="utf-8") as f:
            text = f.read()
        if op == "edit":
            with open(self.path(rel), "w", encoding="utf-8") as f:
                f.write(retag(text, rng, n))
        elif op == "save by rename":
            tmp = os.path.join(os.path.dirname(self.path(rel)), ".%s.tmp" % os.path.basename(rel))
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(retag(text, rng, n))
            os.replace(tmp, self.path(rel))
        elif op in ("rename", "move"):
            base = re.sub(r"(-r\d+)?\.md$", "", os.path.basename(rel)) + "-r%d.md" % n
            folder = os.path.dirname(rel)
            if op == "move":
                folder = "posts/moved" if folder != "posts/moved" else "posts/000"
                os.makedirs(self.path(folder), exist_ok=True)
            new = os.path.join(folder, base)
            os.rename(self.path(rel), self.path(new))
            self.live[i] = new
        else:
            os.unlink(self.path(rel))
            self.live.pop(i)
            self.deleted.append((rel, text))
        self.done[op] += 1

    def run(self):
        n = 0
        try:
            while not self.stop.is_set():
                n += 1
                self.step(n)
                time.sleep(self.rng.uniform(0.005, 0.04))
        except Exception as e:  # reported by the test
            self.error = "%s: %s" % (type(e).__name__, e)


def kind(rel):
    """What sort of file rel is, for the figures."""
    base = os.path.basename(rel)
    if re.fullmatch(r"index(-\d+)?\.html|index\.json|feed\.xml|sitemap\.xml|status\.json",
                    base):
        return "listing " + base.split(".")[-1]
    return "post " + base.rsplit(".", 1)[-1]


class Reader(threading.Thread):
    """Walks the mount at random, reading every file of a folder whole."""

    def __init__(self, mnt, seed, stop):
        super().__init__(daemon=True)
        self.mnt, self.stop, self.rng = mnt, stop, random.Random(seed)
        self.dirs = ["", "posts", "by-tag", "by-category", "by-date", ".postfs"]
        self.known = set(self.dirs)
        self.stats = collections.Counter()
        self.torn = []
        self.errors = []

    def oserror(self, e, where, rel):
        if e.errno in ALLOWED:
            self.stats["%s at %s" % (errno.errorcode[e.errno], where)] += 1
        else:
            self.errors.append("%s: %s at %s" % (rel, e, where))

    def read(self, rel):
        path = os.path.join(self.mnt, rel)
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as e:
            return self.oserror(e, "open", rel)
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):  # a folder again since it was listed
                return
            chunks = []
            while True:
                b = os.read(fd, 1 << 16)
                if not b:
                    break
                chunks.append(b)
        except OSError as e:
            return self.oserror(e, "read", rel)
        finally:
            os.close(fd)
        data = b"".join(chunks)
        self.stats["reads"] += 1
        self.stats["bytes"] += len(data)
        # sources (NAME.md) and files beside posts (posts/NAME/...) are
        # served as they are: only their size is checked
        resource = rel.startswith("posts/") and rel.count("/") >= 2
        problem = None
        if len(data) != st.st_size:
            problem = "%d bytes read, st_size %d" % (len(data), st.st_size)
        elif not rel.endswith(".md") and not resource:
            problem = lu.complete(rel, data)
        if problem:
            self.torn.append("%s: %s" % (rel, problem))
            self.stats["torn: %s" % kind(rel)] += 1

    def run(self):
        rng = self.rng
        try:
            while not self.stop.is_set():
                d = rng.choice(self.dirs)
                try:
                    names = os.listdir(os.path.join(self.mnt, d))
                except OSError as e:
                    self.oserror(e, "listdir", d)
                    continue
                self.stats["listings"] += 1
                if len(names) != len(set(names)):
                    self.torn.append("%s: a listing names %s twice" % (d, sorted(
                        n for n, c in collections.Counter(names).items() if c > 1)))
                    self.stats["torn: listing with a name twice"] += 1
                rng.shuffle(names)
                for name in names[:40]:
                    if self.stop.is_set():
                        break
                    rel = os.path.join(d, name)
                    if name == "+" or os.path.isdir(os.path.join(self.mnt, rel)):
                        if rel not in self.known and len(self.dirs) < 3000:
                            self.dirs.append(rel)
                            self.known.add(rel)
                        continue
                    self.read(rel)
        except Exception as e:  # reported by the test
            self.errors.append("reader stopped: %s: %s" % (type(e).__name__, e))


def _summary(src_mnt):
    """What a mount shows, by source: title, tags, categories, date; and
    each tag's count.  Tags by their lower-cased name: which spelling of a
    term names its folder may differ between a mount that lived through
    the changes (a name stays while the term has posts) and a fresh one
    (the spelling most posts use)."""
    posts = {p["source"]: (p["title"], tuple(p["tags"]), tuple(p["categories"]), p["date"])
             for p in util.posts_of(src_mnt)}
    tags = {t["name"].lower(): t["count"] for t in util.read_json(
        os.path.join(src_mnt, "by-tag", "index.json"))["terms"]}
    return posts, tags


def test_readers_against_a_writer(tmp_path, mount, pytestconfig):
    src = str(tmp_path / "src")
    subprocess.run([sys.executable, os.path.join(util.SHARED, "tools", "gen-corpus"), "300",
                    src], check=True, capture_output=True)
    m = mount(src)
    stop = threading.Event()
    writer = Writer(src, stop)
    readers = [Reader(m.path, k, stop) for k in range(READERS)]
    for t in readers + [writer]:
        t.start()
    time.sleep(SECONDS)
    stop.set()
    for t in readers + [writer]:
        t.join(60)
    assert not any(t.is_alive() for t in readers + [writer]), "a thread did not stop"

    stats = collections.Counter()
    torn, errors = [], []
    for r in readers:
        stats.update(r.stats)
        torn += r.torn
        errors += r.errors
    figures = ("[stress] %.0f s, %d readers: %d reads (%.1f MB), %d listings; writer: %d "
               "changes (%s); allowed errors: %s; torn reads: %d (%s); other errors: %d" % (
                   SECONDS, READERS, stats["reads"], stats["bytes"] / 1e6, stats["listings"],
                   sum(writer.done.values()),
                   ", ".join("%s %d" % kv for kv in sorted(writer.done.items())),
                   ", ".join("%s %d" % (k, v) for k, v in sorted(stats.items())
                             if k not in ("reads", "bytes", "listings")
                             and not k.startswith("torn")) or "none",
                   len(torn), ", ".join("%s %d" % (k[6:], v) for k, v in sorted(stats.items())
                                        if k.startswith("torn")) or "none", len(errors)))
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n" + figures)
    # everything wrong is gathered, so that one failure does not hide another
    failures = []
    if writer.error:
        failures.append("the writer stopped: " + writer.error)
    if stats["reads"] < 100 * SECONDS / 20 / lu.SLOW or \
            sum(writer.done.values()) < 50 * SECONDS / 20:
        failures.append("too little done to mean anything: " + figures)
    if torn:
        failures.append("%d torn reads, first: %s" % (len(torn), torn[:10]))
    if errors:
        failures.append("%d errors, first: %s" % (len(errors), errors[:10]))
    if m.proc.poll() is not None:
        failures.append("the daemon died:\n" + m.log()[-4000:])
    else:
        # settled: the tree is what a fresh mount of the same sources shows
        want = _summary(mount(src).path)
        try:
            lu.wait_until(lambda: _summary(m.path) == want,
                          "the tree settled after the writer stopped", timeout=10 * lu.SLOW)
        except AssertionError as e:
            got = _summary(m.path)
            diff = sorted(set(got[0].items()) ^ set(want[0].items()))[:6] + \
                sorted(set(got[1].items()) ^ set(want[1].items()))[:6]
            failures.append("%s; differences (live vs fresh): %s" % (e, diff))
        bad = []
        for rel in util.walk(m.path)[1]:
            if not rel.startswith(".postfs"):
                problem = lu.check_file(os.path.join(m.path, rel))
                if problem:
                    bad.append("%s: %s" % (rel, problem))
        if bad:
            failures.append("after the writer stopped, %d files are not whole: %s"
                            % (len(bad), bad[:10]))
        problems = m.stop()
        if problems or m.exit_code != 0:
            failures.append("the daemon did not exit 0 after the unmount: "
                            + "\n".join(problems))
    assert not failures, "\n".join(failures)


def test_concurrent_listings_name_each_entry_once(tmp_path, mount):
    """Several readers list one large folder while its posts are removed
    and restored: each listing may or may not show a post that came or
    went meanwhile (POSIX leaves that open), but never names one twice."""
    src = str(tmp_path / "src")
    subprocess.run([sys.executable, os.path.join(util.SHARED, "tools", "gen-corpus"), "300",
                    src], check=True, capture_output=True)
    m = mount(src)
    folder = max(util.read_json(os.path.join(m.path, "by-category", "index.json"))["terms"],
                 key=lambda t: t["count"])["name"]
    d = os.path.join(m.path, "by-category", folder)
    members = [os.path.join(src, p["source"]) for p in
               util.read_json(os.path.join(d, "index.json"))["posts"]]
    assert len(members) > 100
    stop = threading.Event()
    counts = collections.Counter()
    twice = []

    def lister():
        while not stop.is_set():
            try:
                names = os.listdir(d)
            except FileNotFoundError:
                continue
            counts["listings"] += 1
            dup = sorted(n for n, c in collections.Counter(names).items() if c > 1)
            if dup:
                twice.append(dup)

    def writer():
        rng, gone = random.Random(3), []
        while not stop.is_set():
            if gone and rng.random() < 0.5:
                path, text = gone.pop(rng.randrange(len(gone)))
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
            else:
                path = rng.choice(members)
                if os.path.exists(path):
                    with open(path, encoding="utf-8") as f:
                        gone.append((path, f.read()))
                    os.unlink(path)
            counts["changes"] += 1
            time.sleep(0.01)

    threads = [threading.Thread(target=lister) for _ in range(READERS)]
    threads.append(threading.Thread(target=writer))
    for t in threads:
        t.start()
    time.sleep(min(SECONDS, 5))
    stop.set()
    for t in threads:
        t.join(30)
    assert counts["listings"] > 100 and counts["changes"] > 50, counts
    assert not twice, "%d of %d listings of %s name an entry twice, e.g. %s" % (
        len(twice), counts["listings"], os.path.relpath(d, m.path), twice[:3])
