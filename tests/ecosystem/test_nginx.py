"""contrib/nginx/postfs.conf: a real nginx serving a real postfs mount.

nginx's workers run as www-data (or nobody), so the mount is made with
allow_other.  The site file is used as shipped, but for its `listen` and
`root` lines (what its comments say to change).
"""
import email.utils
import http.client
import json
import os
import re
import time
import urllib.parse

import pytest

import ecoutil
from ecoutil import util

SITE = os.path.join(ecoutil.CONTRIB, "nginx", "postfs.conf")

# postfs shows a change within 1 s; the site's open_file_cache_valid.
POSTFS_DELAY = 1.0


def site_text():
    with open(SITE) as f:
        return f.read()


def cache_valid():
    m = re.search(r"^\s*open_file_cache_valid\s+(\d+)(ms|s)?\s*;", site_text(), re.M)
    assert m, "the site sets no open_file_cache_valid"
    n = int(m.group(1))
    return n / 1000.0 if m.group(2) == "ms" else float(n)


@pytest.fixture(scope="module")
def site(module_mount, module_scratch):
    """(mount, nginx) for the whole module."""
    ecoutil.need("nginx")
    src = ecoutil.make_source(module_scratch("src"))
    m = module_mount(src, "allow_other")
    assert ecoutil.mode_other_can_enter(m.path)
    ng = ecoutil.Nginx(module_scratch("nginx"), site_text())
    try:
        ng.start(m.path)
    except RuntimeError as e:
        ng.stop()
        pytest.fail(str(e), pytrace=False)
    yield m, ng
    ng.stop()
    errors = [line for line in ng.log().splitlines() if "[emerg]" in line or "[alert]" in line
              or "[crit]" in line]
    assert not errors, "nginx's error log:\n" + "\n".join(errors)


def url_of(rel):
    """The percent-encoded URL path of a path in the mount."""
    return "/" + urllib.parse.quote(rel, safe="/")


def request(ng, method, path, headers=None):
    """(status, headers as a lower-cased dict, body)."""
    c = http.client.HTTPConnection("127.0.0.1", ng.port, timeout=30)
    try:
        c.request(method, path, headers=headers or {})
        r = c.getresponse()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    finally:
        c.close()


def files_of(mnt):
    """Every file of the mount but the dot paths, relative to it."""
    _, files = util.walk(mnt)
    return sorted(f for f in files if not any(p.startswith(".") for p in f.split("/")))


def read(mnt, rel):
    with open(os.path.join(mnt, rel), "rb") as f:
        return f.read()


def expected_types(rel):
    """The Content-Types acceptable for a file of the tree."""
    base = os.path.basename(rel)
    ext = os.path.splitext(rel)[1].lower()
    if base == "feed.xml":
        return ("application/atom+xml",)
    return {
        ".html": ("text/html",),
        ".json": ("application/json",),
        ".xml": ("application/xml",),
        ".md": ("text/markdown",),
        ".css": ("text/css",),
        ".png": ("image/png",),
    }.get(ext, ("application/octet-stream",))


def test_site_file_passes_nginx_t_as_shipped(module_scratch):
    """The file itself, unchanged, is a valid site: `nginx -t` accepts it
    inside an http block like Debian's, with no warning."""
    nginx = ecoutil.need("nginx")
    prefix = module_scratch("nginx-t")
    main = os.path.join(prefix, "nginx.conf")
    with open(main, "w") as f:
        f.write(ecoutil.nginx_main_config(prefix, SITE))
    r = ecoutil.run([nginx, "-t", "-p", prefix, "-c", main,
                     "-e", os.path.join(prefix, "error.log")], check=False)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    noise = [line for line in out.splitlines()
             if "syntax is ok" not in line and "test is successful" not in line and line]
    assert not noise, "nginx -t said more than ok:\n" + out


def test_workers_run_as_another_user(site):
    m, ng = site
    owner = os.stat(m.path).st_uid
    # a worker drops root a moment after it is forked
    deadline = time.monotonic() + 5
    while True:
        uids = ng.worker_uids()
        if (uids and all(u != owner for u in uids)) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert uids, "nginx has no workers"
    assert all(u != owner for u in uids), \
        "the workers run as the mount's owner (%s): allow_other is not being tested" % uids


def test_every_file_served_whole(site):
    """Every file: 200, Content-Length = its size = the bytes served,
    which are the file's bytes; the right type; Last-Modified = mtime."""
    m, ng = site
    files = files_of(m.path)
    assert len(files) > 40
    problems = []
    for rel in files:
        st = os.stat(os.path.join(m.path, rel))
        data = read(m.path, rel)
        status, h, body = request(ng, "GET", url_of(rel))
        if status != 200:
            problems.append("%s: status %d" % (rel, status))
            continue
        if int(h.get("content-length", -1)) != st.st_size or len(body) != st.st_size:
            problems.append("%s: Content-Length %s, %d bytes served, size %d"
                            % (rel, h.get("content-length"), len(body), st.st_size))
        elif body != data:
            problems.append("%s: other bytes than the file's" % rel)
        ctype = h.get("content-type", "").split(";")[0].strip()
        if ctype not in expected_types(rel):
            problems.append("%s: Content-Type %s, want %s" % (rel, ctype, expected_types(rel)))
        if h.get("last-modified") != email.utils.formatdate(int(st.st_mtime), usegmt=True):
            problems.append("%s: Last-Modified %s, mtime %s" % (rel, h.get("last-modified"),
                                                             st.st_mtime))
    assert not problems, "\n".join(problems)


def test_text_types_say_utf8(site):
    _, ng = site
    for path in ("/", "/posts/trends-2024.md", "/style.css"):
        status, h, _ = request(ng, "GET", path)
        assert status == 200
        assert "charset=utf-8" in h["content-type"].replace(" ", "").lower(), (path, h)
    # JSON takes no charset parameter (RFC 8259)
    status, h, _ = request(ng, "GET", "/index.json")
    assert h["content-type"] == "application/json"


def test_folders_give_index_html_and_redirect_to_slash(site):
    m, ng = site
    dirs, _ = util.walk(m.path)
    checked = 0
    for rel in dirs:
        if any(p.startswith(".") for p in rel.split("/")) or \
                not os.path.exists(os.path.join(m.path, rel, "index.html")):
            continue
        status, _, body = request(ng, "GET", url_of(rel + "/" if rel else ""))
        assert status == 200, rel
        assert body == read(m.path, os.path.join(rel, "index.html")), rel
        if rel:
            status, h, _ = request(ng, "GET", url_of(rel))
            assert status == 301, rel
            # nginx writes the path as it decoded it ("+" stays "+")
            assert urllib.parse.unquote(urllib.parse.urlsplit(h["location"]).path) == \
                "/" + rel + "/", (rel, h)
        checked += 1
    assert checked > 10


def test_cyrillic_and_spaced_names_by_percent_encoded_urls(site):
    m, ng = site
    tag = "Технологии"
    assert os.path.isdir(os.path.join(m.path, "by-tag", tag))
    for rel in ("by-tag/%s/index.html" % tag, "by-tag/%s/feed.xml" % tag,
                "posts/my first note.html", "posts/my first note.json",
                "posts/my first note/a picture.png"):
        assert os.path.exists(os.path.join(m.path, rel)), rel
        u = url_of(rel)
        assert "%D0%A2" in u or "%20" in u
        status, h, body = request(ng, "GET", u)
        assert status == 200, (rel, u, status)
        assert body == read(m.path, rel), rel
    # the folder itself, by its encoded name, redirects to NAME/
    status, h, _ = request(ng, "GET", url_of("by-tag/" + tag))
    assert status == 301
    assert urllib.parse.unquote(urllib.parse.urlsplit(h["location"]).path) == \
        "/by-tag/%s/" % tag


def test_query_and_intersection_folders_by_url(site):
    """Folders made on lookup (query/QUERY/, by-tag/A/+/B/) are served
    like the others: nginx's lookup makes them."""
    m, ng = site
    rel = "query/tag:Live and not draft:true/"
    status, h, body = request(ng, "GET", url_of(rel))
    assert status == 200, (rel, status)
    assert body == read(m.path, rel + "index.html")
    status, _, body = request(ng, "GET", url_of(rel + "index.json"))
    assert status == 200
    assert [p["name"] for p in json.loads(body)["posts"]] == ["live"]
    status, _, body = request(ng, "GET", url_of("by-tag/AI/+/Tech/index.json"))
    assert status == 200
    names = {p["name"] for p in json.loads(body)["posts"]}
    assert names and names <= {p["name"] for p in util.posts_of(m.path)}
    assert body == read(m.path, "by-tag/AI/+/Tech/index.json")
    # a query that cannot be read is a 404, not an error
    status, _, _ = request(ng, "GET", url_of("query/tag:(((/"))
    assert status == 404


def test_head_answers_like_get_without_body(site):
    m, ng = site
    for rel in ("index.html", "posts/trends-2024.json", "feed.xml",
                "posts/my first note/a picture.png"):
        g_status, g, _ = request(ng, "GET", url_of(rel))
        status, h, body = request(ng, "HEAD", url_of(rel))
        assert status == g_status == 200
        assert body == b""
        assert int(h["content-length"]) == os.stat(os.path.join(m.path, rel)).st_size
        for k in ("etag", "last-modified", "content-type"):
            assert h[k] == g[k], (rel, k)


def test_ranges(site):
    m, ng = site
    rel = "posts/trends-2024.html"
    data = read(m.path, rel)
    n = len(data)
    assert n > 300
    u = url_of(rel)
    for rng, lo, hi in (("bytes=0-99", 0, 99), ("bytes=100-", 100, n - 1),
                        ("bytes=-50", n - 50, n - 1), ("bytes=%d-%d" % (n - 10, n + 100),
                                                       n - 10, n - 1)):
        status, h, body = request(ng, "GET", u, {"Range": rng})
        assert status == 206, rng
        assert h["content-range"] == "bytes %d-%d/%d" % (lo, hi, n), rng
        assert body == data[lo:hi + 1], rng
        assert int(h["content-length"]) == hi - lo + 1
    status, h, _ = request(ng, "GET", u, {"Range": "bytes=%d-" % (n + 10)})
    assert status == 416
    assert h["content-range"] == "bytes */%d" % n
    # two ranges: a multipart answer holding both
    status, h, body = request(ng, "GET", u, {"Range": "bytes=0-9,20-29"})
    assert status == 206
    assert h["content-type"].startswith("multipart/byteranges")
    assert data[0:10] in body and data[20:30] in body
    # a binary file beside a post, through sendfile from SOURCE
    rel = "posts/my first note/a picture.png"
    data = read(m.path, rel)
    status, h, body = request(ng, "GET", url_of(rel), {"Range": "bytes=1000-1999"})
    assert status == 206 and body == data[1000:2000]


@pytest.mark.parametrize("path", [
    "/.postfs/status.json", "/.postfs/", "/.postfs", "/%2Epostfs/status.json",
    "/posts/../.postfs/status.json", "/by-tag/./../.postfs/status.json",
])
def test_dot_paths_not_served(site, path):
    m, ng = site
    assert os.path.exists(os.path.join(m.path, ".postfs", "status.json"))
    status, _, body = request(ng, "GET", path)
    assert status in (403, 404), (path, status)
    assert b'"source"' not in body and m.source.encode() not in body


def test_conditional_requests_and_edit_changes_validators(site):
    """304 while the post is as it was; after an edit of its source, new
    ETag and Last-Modified within postfs's second plus nginx's cache
    validity, the new bytes, and 304 again for the new ETag."""
    m, ng = site
    rel = "posts/live.html"
    u = url_of(rel)
    status, h, body = request(ng, "GET", u)
    assert status == 200 and b"The first version." in body
    etag, lm = h["etag"], h["last-modified"]
    status, _, body = request(ng, "GET", u, {"If-None-Match": etag})
    assert status == 304 and body == b""
    status, _, _ = request(ng, "GET", u, {"If-Modified-Since": lm})
    assert status == 304

    with open(os.path.join(m.source, "live.md"), "a") as f:
        f.write("\nThe second version, longer than the first.\n")
    t0 = time.monotonic()
    limit = POSTFS_DELAY + cache_valid()
    while True:
        status, h, body = request(ng, "GET", u, {"If-None-Match": etag})
        if status != 304:
            break
        assert time.monotonic() - t0 < limit + 0.5, \
            "still 304 for the old ETag %.1f s after the edit" % (time.monotonic() - t0)
        time.sleep(0.05)
    waited = time.monotonic() - t0
    assert status == 200
    assert b"The second version" in body
    assert h["etag"] != etag
    assert email.utils.parsedate_to_datetime(h["last-modified"]) > \
        email.utils.parsedate_to_datetime(lm)
    assert body == read(m.path, rel)
    assert int(h["content-length"]) == len(body)
    assert waited < limit + 0.5
    status, _, _ = request(ng, "GET", u, {"If-None-Match": h["etag"]})
    assert status == 304


def test_config_says_what_to_change():
    text = site_text()
    assert re.search(r"^\s*root\s+\S+;", text, re.M)
    assert re.search(r"^\s*listen\s", text, re.M)
    assert re.search(r"^\s*sendfile\s+on;", text, re.M)
    assert re.search(r"^\s*index\s+index\.html;", text, re.M)
    assert "allow_other" in text and "user_allow_other" in text
    for word in ("root", "listen", "server_name"):
        assert re.search(r"CHANGE.*%s|%s.*CHANGE" % (word, word), text, re.I | re.S)
    assert cache_valid() <= 1.0


def test_nginx_leaves_nothing_behind(module_scratch):
    """A full start and stop cycle leaves no process of ours."""
    ecoutil.need("nginx")
    ng = ecoutil.Nginx(module_scratch("cycle"), site_text())
    ng.start(module_scratch("empty-root"))
    pid = ng.proc.pid
    workers = [p for p in os.listdir("/proc") if p.isdigit() and _ppid(p) == pid]
    ng.stop()
    time.sleep(0.1)
    assert not ecoutil.pid_alive(pid)
    assert not [w for w in workers if ecoutil.pid_alive(int(w))]


def _ppid(pid):
    try:
        with open("/proc/%s/stat" % pid) as f:
            return int(f.read().split(")")[-1].split()[1])
    except (OSError, ValueError):
        return -1
