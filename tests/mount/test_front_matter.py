"""Front matter as the JSON shows it: YAML 1.2 core-schema typing, every
field kept, TOML and JSON alike; values escaped wherever they land."""
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

import util

TYPES_YAML = """title: Types
date: 2024-01-04
no: no
yes: yes
on: off
n: 0x1F
o: 0o17
dec: 012
neg: -12
f: 1e3
g: 1.10
t: true
T: True
s: "true"
d: 2024-01-15
nul: ~
null2: null
empty:
under: 1_000
ver: 1.2.3
nested:
  list: [1, two, {three: 3.5}]
  map: {k: v}
"""
TYPES_WANT = {
    "no": "no", "yes": "yes", "on": "off", "n": 31, "o": 15, "dec": 12, "neg": -12,
    "f": 1000.0, "g": 1.1, "t": True, "T": True, "s": "true", "d": "2024-01-15",
    "nul": None, "null2": None, "empty": None, "under": "1_000", "ver": "1.2.3",
    "nested": {"list": [1, "two", {"three": 3.5}], "map": {"k": "v"}},
}

TOML = """+++
title = "Typed TOML"
date = 2024-01-05T10:00:00Z
int = 42
float = 2.5
bool = false
str = "s"
arr = [1, 2, 3]
[extra]
key = "value"
+++

TOML body.
"""

NASTY = '<script>alert(1)</script> & "quotes" \'apos\' ]]> --'


@pytest.fixture(scope="module")
def mnt(tmp_path_factory, module_mount):
    src = str(tmp_path_factory.mktemp("fm") / "src")
    util.write_post(src, "types.md", TYPES_YAML)
    with open(os.path.join(src, "typed-toml.md"), "w") as f:
        f.write(TOML)
    util.write_post(src, "nasty.md", "title: %s\ndate: 2024-01-06\ntags: [%s]\n"
                    "description: %s\nsummary: %s\n" % ((repr_yaml(NASTY),) * 4),
                    "<div class=\"raw-html\">raw</div>\n\n<script>alert(2)</script>\n\n"
                    "[js](javascript:alert(3)) [vb](vbscript:msgbox) "
                    "[data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://example.org/ok)\n\n"
                    "Text after.\n")
    return module_mount(src)


def repr_yaml(s):
    return "'" + s.replace("'", "''") + "'"


def test_yaml_core_schema_types(mnt):
    fm = util.read_json(os.path.join(mnt.path, "posts", "types.json"))["front_matter"]
    for key, want in TYPES_WANT.items():
        assert key in fm, "field %r was dropped" % key
        got = fm[key]
        assert got == want and type(got) is type(want), \
            "%s: got %r (%s), want %r (%s)" % (key, got, type(got).__name__, want,
                                               type(want).__name__)


def test_yaml_types_with_jq(mnt):
    """jq sees the same types (a float stays a float in the bytes)."""
    path = os.path.join(mnt.path, "posts", "types.json")
    r = subprocess.run(["jq", "-c", ".front_matter | [(.no|type), (.n|type), (.t|type), "
                        "(.s|type), (.d|type), (.nul|type)]", path],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == '["string","number","boolean","string","string","null"]'
    raw = util.read_text(path)
    assert re.search(r'"f": (1000\.0|1(\.0*)?[eE]\+?0*3)\b', raw), \
        "1e3 is not written as a float"


def test_toml_types(mnt):
    meta = util.read_json(os.path.join(mnt.path, "posts", "typed-toml.json"))
    fm = meta["front_matter"]
    assert fm["int"] == 42 and type(fm["int"]) is int
    assert fm["float"] == 2.5 and fm["bool"] is False and fm["str"] == "s"
    assert fm["arr"] == [1, 2, 3]
    assert fm["extra"] == {"key": "value"}
    assert meta["title"] == "Typed TOML"
    assert util.parse_date(meta["date"]) == util.parse_date("2024-01-05T10:00:00Z")
    assert meta["errors"] == []


def test_values_escaped_in_json(mnt):
    meta = util.read_json(os.path.join(mnt.path, "posts", "nasty.json"))
    assert meta["title"] == NASTY
    assert meta["front_matter"]["description"] == NASTY
    assert meta["tags"] == [NASTY]


def test_values_escaped_in_html(mnt):
    _, files = util.walk(mnt.path)
    pages = [f for f in files if f.endswith(".html")]
    assert pages
    for f in pages:
        text = util.read_text(os.path.join(mnt.path, f))
        assert "<script>alert(1)" not in text, "%s: a front matter value unescaped" % f
    page = util.read_text(os.path.join(mnt.path, "posts", "nasty.html"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page


def test_values_escaped_in_xml(mnt):
    root = ET.fromstring(util.read_bytes(os.path.join(mnt.path, "feed.xml")))
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert NASTY in titles
    tag_dirs = os.listdir(os.path.join(mnt.path, "by-tag"))
    assert len([d for d in tag_dirs if os.path.isdir(os.path.join(mnt.path, "by-tag", d))]) == 1
    ET.fromstring(util.read_bytes(os.path.join(mnt.path, "sitemap.xml")))
    for d in tag_dirs:
        if os.path.isdir(os.path.join(mnt.path, "by-tag", d)):
            ET.fromstring(util.read_bytes(os.path.join(mnt.path, "by-tag", d, "feed.xml")))


def hrefs(page):
    return re.findall(r'href="([^"]*)"', page)


def test_dangerous_links_neutralised_by_default(mnt):
    page = util.read_text(os.path.join(mnt.path, "posts", "nasty.html"))
    for h in hrefs(page):
        for bad in ("javascript:alert", "vbscript:msgbox", "data:text/html"):
            assert bad not in h, h
    assert "https://example.org/ok" in hrefs(page)


def test_raw_html_left_out_by_default(mnt):
    page = util.read_text(os.path.join(mnt.path, "posts", "nasty.html"))
    assert '<div class="raw-html">' not in page
    assert "<script>alert(2)</script>" not in page
    assert "Text after." in page


def test_raw_html_with_unsafe(mnt, mount):
    m = mount(mnt.source, "unsafe")
    page = util.read_text(os.path.join(m.path, "posts", "nasty.html"))
    assert '<div class="raw-html">raw</div>' in page
    assert "javascript:alert(3)" in hrefs(page)
    # front matter is escaped even so
    assert "<script>alert(1)" not in page
