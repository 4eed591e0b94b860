"""contrib/postfs.1: clean roff, every option of `postfs --help`, the
sections a manual page needs, the version of the build."""
import os
import re
import subprocess

import pytest

import ecoutil
from ecoutil import util

MAN = os.path.join(ecoutil.CONTRIB, "postfs.1")


def help_text():
    r = subprocess.run([ecoutil.POSTFS_BIN, "--help"], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout + r.stderr


def help_options():
    """('-o', name) for every -o NAME and ('', flag) for every -x/--xx
    that --help lists."""
    opts = set()
    for line in help_text().splitlines():
        for m in re.finditer(r"(?:^|\s)-o\s+([a-z_]+)", line):
            opts.add(("-o", m.group(1)))
        for m in re.finditer(r"(?:^|\s)(--?[a-zA-Z][\w-]*)", line):
            if m.group(1) != "-o":
                opts.add(("", m.group(1)))
    return opts


def rendered(width="80"):
    man = ecoutil.need("man")
    env = dict(os.environ, MANWIDTH=width, LC_ALL="C.UTF-8", MAN_KEEP_FORMATTING="0",
               MANROFFOPT="-ww")
    r = subprocess.run([man, "--warnings=w", "-l", MAN], capture_output=True, text=True,
                       env=env, timeout=60)
    return r


def plain(text):
    return re.sub(r".\x08", "", text)


def test_groff_finds_no_warning():
    groff = ecoutil.need("groff")
    r = subprocess.run([groff, "-man", "-ww", "-z", MAN], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r.stderr


def test_groff_utf8_output_finds_no_warning():
    """The terminal device too: a glyph the utf8 font lacks warns only
    there."""
    groff = ecoutil.need("groff")
    r = subprocess.run([groff, "-man", "-ww", "-Tutf8", MAN], capture_output=True,
                       timeout=60)
    assert r.returncode == 0 and r.stderr == b"", r.stderr


def test_man_renders_it_quietly():
    r = rendered()
    assert r.returncode == 0, r.stderr
    assert r.stderr == "", r.stderr
    assert "POSTFS(1)" in r.stdout


def test_every_option_of_help_is_documented():
    text = plain(rendered("200").stdout)
    missing = []
    for kind, name in sorted(help_options()):
        if kind == "-o":
            if not re.search(r"-o %s\b" % re.escape(name), text):
                missing.append("-o " + name)
        elif not re.search(r"(?<![\w-])%s\b" % re.escape(name), text):
            missing.append(name)
    assert len(help_options()) > 25
    assert not missing, "in --help but not in postfs.1: %s" % missing


def test_sections():
    text = plain(rendered().stdout)
    heads = re.findall(r"^([A-Z][A-Z ]+)$", text, re.M)
    for want in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "THE TREE", "RULES",
                 "EXIT STATUS", "SIGNALS", "FILES", "EXAMPLES", "SEE ALSO"):
        assert want in heads, (want, heads)
    assert re.search(r"^NAME\n\s+postfs \\?- ", text, re.M) or \
        re.search(r"^NAME\n\s+postfs - ", text, re.M)


def test_exit_statuses_and_signals_listed():
    text = plain(rendered().stdout)
    block = text.split("EXIT STATUS", 1)[1].split("SIGNALS", 1)[0]
    for code in ("0", "1", "2"):
        assert re.search(r"^\s+%s\s" % code, block, re.M), code
    sig = text.split("\nSIGNALS", 1)[1].split("\nENVIRONMENT", 1)[0]
    for s in ("SIGTERM", "SIGINT", "SIGHUP"):
        assert s in sig


def test_usage_error_status_matches_the_page():
    """The page says 2 for a usage error: check it on the program."""
    r = subprocess.run([ecoutil.POSTFS_BIN, "-o", "timezone=No/Where", "a", "b"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
    r = subprocess.run([ecoutil.POSTFS_BIN], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2


@pytest.mark.xfail(reason="postfs bug: an unknown -o option exits 1 (fuse_session_new "
                          "fails after the own options were parsed), not 2", strict=False)
def test_unknown_option_is_a_usage_error(scratch):
    mnt = scratch("mnt")
    r = subprocess.run([ecoutil.POSTFS_BIN, "-o", "no_such_option", util.BASIC, mnt],
                       capture_output=True, text=True, timeout=30)
    assert not util.is_mounted(mnt)
    assert r.returncode == 2, r.stderr


def test_version_is_the_build_version():
    with open(MAN) as f:
        th = next(line for line in f if line.startswith(".TH"))
    m = re.search(r'"postfs ([^"]+)"', th)
    assert m, th
    r = subprocess.run([ecoutil.POSTFS_BIN, "--version"], capture_output=True, text=True,
                       timeout=30)
    assert "postfs version %s" % m.group(1) in r.stdout


def test_tree_in_the_page_is_the_mount(mount):
    """Every fixed name the page's tree shows exists in a mount."""
    text = plain(rendered().stdout)
    tree = text.split("THE TREE", 1)[1].split("\n\n", 1)[0]
    names = set(re.findall(r"\b[a-z][a-z-]*\.(?:html|json|xml|css)\b", tree))
    folders = set(re.findall(r"(?<![\w.])([a-z][a-z-]*)/", tree))
    assert {"index.html", "feed.xml", "sitemap.xml", "style.css", "status.json"} <= names
    assert {"posts", "by-tag", "by-category", "by-date"} <= folders
    m = mount(util.BASIC)
    for n in names - {"status.json", "index-2.html"}:
        assert os.path.exists(os.path.join(m.path, n)), n
    for f in folders:
        assert os.path.isdir(os.path.join(m.path, f)), f
    assert os.path.exists(os.path.join(m.path, ".postfs", "status.json"))
