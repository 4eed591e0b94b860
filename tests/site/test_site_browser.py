"""The site in a real browser: Debian's headless chromium, driven by
playwright-core (installed from npm under the build folder), opens pages
served from the mount by a local HTTP server, at phone and desktop
widths, in light and dark.  Screenshots are kept in
BUILD/meson-logs/site-screenshots/."""
import functools
import http.server
import json
import os
import shutil
import subprocess
import threading

import pytest

import sitecheck
import util

HERE = os.path.dirname(os.path.abspath(__file__))
CHROMIUM = "/usr/bin/chromium"
WIDTHS = [360, 375, 1280]
SCHEMES = ["light", "dark"]
PAGES = [
    ("home", "index.html"),
    ("post", "posts/trends-2024.html"),
    ("stress", "posts/stress.html"),
    ("tag", "by-tag/AI/index.html"),
    ("tags", "by-tag/index.html"),
    ("archive", "by-date/index.html"),
]

# A post that tries to push a phone's page sideways.
STRESS = """A word that never ends: Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft
and one in Cyrillic: Превысокомногорассмотрительствующийпревысокомногорассмотрительствующий.
A bare URL: https://example.org/a/very/long/path/that/goes/on/and/on/without/any/place/to/break/it/index.html?query=string&and=more

## A table wider than a phone

| column one | column two | column three | column four | column five | column six |
|---|---|---|---|---|---|
| some longer cell text | more cell text here | and yet more text | still more text | the fifth cell | the sixth cell |

## Code wider than a phone

```c
static int a_function_with_a_long_name(struct some_structure *pointer, unsigned long long value, const char *name);
```

Inline `code_that_is_also_rather_long_and_has_no_spaces_in_it_at_all_whatsoever` too.

## The end

Done.
"""


def _skip_reason():
    if not os.access(CHROMIUM, os.X_OK):
        return "chromium is not installed (apt-get install chromium)"
    if not shutil.which("node") or not shutil.which("npm"):
        return "node and npm are not installed (apt-get install nodejs npm)"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


def install_playwright():
    """playwright-core as package-lock.json pins it, in the build folder
    (npm ci again only when the lock file changed)."""
    d = os.path.join(sitecheck.build_root(), "site-node")
    os.makedirs(d, exist_ok=True)
    lock = util.read_bytes(os.path.join(HERE, "package-lock.json"))
    stamp = os.path.join(d, "installed-lock.json")
    mod = os.path.join(d, "node_modules")
    if os.path.exists(stamp) and util.read_bytes(stamp) == lock and \
            os.path.isdir(os.path.join(mod, "playwright-core")):
        return mod
    for f in ("package.json", "package-lock.json"):
        shutil.copy(os.path.join(HERE, f), os.path.join(d, f))
    env = dict(os.environ, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1")
    r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=d,
                       env=env, capture_output=True, text=True, timeout=300)
    if r.returncode:
        pytest.fail("npm ci of playwright-core failed in %s:\n%s%s" % (d, r.stdout, r.stderr),
                    pytrace=False)
    with open(stamp, "wb") as f:
        f.write(lock)
    return mod


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def report(module_mount, tmp_path_factory):
    src = str(tmp_path_factory.mktemp("browser") / "src")
    util.copy_corpus(util.BASIC, src)
    util.write_post(src, "stress.md", "title: Supercalifragilisticexpialidocious-and-"
                    "Превысокомногорассмотрительствующий\ndate: 2022-05-05T10:00:00Z\n"
                    "tags: [AI, a-tag-with-a-rather-long-name-that-does-not-break]\n", STRESS)
    m = module_mount(src)
    mods = install_playwright()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=m.path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    shots = os.path.join(sitecheck.build_root(), "meson-logs", "site-screenshots")
    os.makedirs(shots, exist_ok=True)
    profile = str(tmp_path_factory.mktemp("chromium-profile"))
    config = {
        "nodeModules": mods, "chromium": CHROMIUM, "profile": profile, "shots": shots,
        "base": "http://127.0.0.1:%d/" % server.server_address[1],
        "pages": [{"name": n, "path": p} for n, p in PAGES],
        "widths": WIDTHS, "schemes": SCHEMES,
    }
    cfg = os.path.join(profile, "..", "browser-config.json")
    with open(cfg, "w") as f:
        json.dump(config, f)
    try:
        r = subprocess.run(["node", os.path.join(HERE, "browser.mjs"), cfg],
                           capture_output=True, text=True, timeout=600)
    finally:
        server.shutdown()
        server.server_close()
    if r.returncode:
        pytest.fail("browser.mjs failed (%d):\n%s" % (r.returncode, r.stderr[-4000:]),
                    pytrace=False)
    entries = json.loads(r.stdout)
    return {(e["page"], e["width"], e["scheme"]): e for e in entries}


def luminance(rgb):
    def ch(v):
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (ch(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", [n for n, _ in PAGES])
def test_page_in_browser(report, name, width, scheme):
    e = report[(name, width, scheme)]
    where = "%s at %d px, %s" % (e["url"], width, scheme)
    assert e["status"] == 200, where
    assert not e["consoleErrors"], "%s: console errors %s" % (where, e["consoleErrors"])
    assert not e["failedRequests"], "%s: failed requests %s" % (where, e["failedRequests"])
    # nothing sticks out sideways
    assert e["innerWidth"] == width
    assert e["scrollWidth"] <= e["innerWidth"], "%s: scrollWidth %d, too wide: %s" % (
        where, e["scrollWidth"], e["wide"])
    assert not e["wide"], "%s: elements past the right edge: %s" % (where, e["wide"])
    # the colour scheme is honoured, and text is readable on it
    lum = luminance(e["background"])
    assert (lum < 0.05) if scheme == "dark" else (lum > 0.85), "%s: background %s" % (
        where, e["background"])
    assert e["textContrast"] >= 7, where
    assert e["linkContrast"] is None or e["linkContrast"] >= 4.5, where
    assert e["mutedContrast"] is None or e["mutedContrast"] >= 4.5, where
    # landmarks, a heading, a language
    lm = e["landmarks"]
    assert lm["main"] == 1 and lm["banner"] >= 1 and lm["contentinfo"] >= 1, (where, lm)
    assert lm["siteNav"] and lm["h1"] >= 1, (where, lm)
    assert lm["breadcrumbCurrent"] or name == "home", (where, lm)
    assert e["lang"], where
    # the keyboard's first stop is the skip link, and it shows its focus
    f = e["focus"]
    assert f["cls"] == "skip" and f["href"] == "#content", (where, f)
    assert f["outline"] and f["visible"], (where, f)
    # the table of contents jumps to headings that exist
    assert all(t["exists"] for t in e["toc"]), (where, e["toc"])
    if name in ("post", "stress"):
        assert len(e["toc"]) >= 3, where
        j = e["tocJump"]
        assert j["hash"] and j["top"] is not None, (where, j)
        assert j["atBottom"] or -2 <= j["top"] <= 40, (where, j)
    with open(e["screenshot"], "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n", e["screenshot"]
