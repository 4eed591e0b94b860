"""Reading a mounted site as a browser and a link checker would: the
links and ids of an HTML page, and whether each relative link names a
file inside the mount."""
import html.parser
import os
import tempfile
import urllib.parse

# The attributes that load or link to something.
LINK_ATTRS = {
    "a": ("href",), "link": ("href",), "area": ("href",),
    "img": ("src",), "script": ("src",), "iframe": ("src",),
    "source": ("src",), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "embed": ("src",), "object": ("data",), "form": ("action",),
}


class Page(html.parser.HTMLParser):
    """One parsed HTML page: .links [(tag, attr, value, attrs)], .ids,
    .tags (tag -> list of attribute dicts), .text_of (tag -> texts)."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.ids = set()
        self.dup_ids = set()
        self.tags = {}
        self._stack = []
        self.texts = {}
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.setdefault(tag, []).append(a)
        if a.get("id") is not None:
            if a["id"] in self.ids:
                self.dup_ids.add(a["id"])
            self.ids.add(a["id"])
        for name in LINK_ATTRS.get(tag, ()):
            if a.get(name) is not None:
                self.links.append((tag, name, a[name], a))
        if tag in ("title", "h1", "time", "dt"):
            self._stack.append([tag, ""])

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1][0] == tag:
            t, text = self._stack.pop()
            self.texts.setdefault(t, []).append(text)

    def handle_data(self, data):
        for entry in self._stack:
            entry[1] += data


def is_relative(url):
    s = urllib.parse.urlsplit(url)
    return not s.scheme and not s.netloc and not url.startswith("/")


def resolve(mnt, page_rel, url):
    """The path in the mount a relative url on page page_rel names (None
    when it leaves the mount), and its fragment."""
    s = urllib.parse.urlsplit(url)
    if not s.path:
        return os.path.join(mnt, page_rel), urllib.parse.unquote(s.fragment)
    target = os.path.normpath(os.path.join(mnt, os.path.dirname(page_rel),
                                           urllib.parse.unquote(s.path)))
    if target != mnt and not target.startswith(mnt.rstrip("/") + "/"):
        return None, None
    return target, urllib.parse.unquote(s.fragment)


def html_files(mnt):
    out = []
    for top, dirs, files in os.walk(mnt):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".html"):
                out.append(os.path.relpath(os.path.join(top, f), mnt))
    return out


def read(mnt, rel):
    with open(os.path.join(mnt, rel), "rb") as f:
        return f.read().decode("utf-8")


def check_links(mnt):
    """Follow every relative href/src of every page of the mount.
    Returns (pages, links checked, problems)."""
    pages = html_files(mnt)
    ids = {}
    problems = []
    checked = 0

    def ids_of(path):
        if path not in ids:
            ids[path] = Page(read(mnt, os.path.relpath(path, mnt))).ids
        return ids[path]

    for rel in pages:
        page = Page(read(mnt, rel))
        ids[os.path.join(mnt, rel)] = page.ids
        if page.dup_ids:
            problems.append("%s: ids used more than once: %s" % (rel, sorted(page.dup_ids)[:5]))
        for tag, attr, url, _ in page.links:
            if not is_relative(url):
                continue
            checked += 1
            target, frag = resolve(mnt, rel, url)
            if target is None:
                problems.append("%s: <%s %s=%r> leaves the mount" % (rel, tag, attr, url))
            elif not os.path.isfile(target):
                problems.append("%s: <%s %s=%r> names nothing in the mount" % (rel, tag, attr, url))
            elif frag and target.endswith(".html") and frag not in ids_of(target):
                problems.append("%s: <%s %s=%r>: no id %r there" % (rel, tag, attr, url, frag))
    return pages, checked, problems


def build_root():
    """The build folder (POSTFS_BUILD_ROOT: playwright-core is installed
    under it, screenshots go to its meson-logs/), or a folder of its own
    under /tmp when the tests are run by hand."""
    root = os.environ.get("POSTFS_BUILD_ROOT") or os.path.join(tempfile.gettempdir(),
                                                              "postfs-site-tests")
    os.makedirs(root, exist_ok=True)
    return root
