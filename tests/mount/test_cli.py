"""The command line: --version, --help, usage errors that mount nothing,
and an unmount by signal that leaves nothing behind."""
import os
import signal
import subprocess
import time

import pytest

import util


def run(*args, timeout=20):
    return subprocess.run([util.POSTFS_BIN] + list(args), capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def test_version(basic):
    r = run("--version")
    assert r.returncode == 0, r.stderr
    version = util.read_json(os.path.join(basic.path, ".postfs", "status.json"))["version"]
    assert version and version in r.stdout


def test_help_lists_options():
    r = run("--help")
    assert r.returncode == 0, r.stderr
    for opt in ("drafts", "future", "unsafe", "templates=", "base_url=", "cache=",
                "taxonomies=", "timezone=", "max_file="):
        assert opt in r.stdout, "--help does not list %s" % opt


@pytest.mark.parametrize("args,word", [
    (("-o", "timezone=Nowhere/Atlantis"), "timezone"),
    (("-o", "timezone=../../etc/passwd"), "timezone"),
    (("-o", "log_level=loud"), "log_level"),
    (("-o", "taxonomies=nocolon"), "taxonomies"),
], ids=["zone", "zone-path", "log-level", "taxonomies"])
def test_bad_options_refused(tmp_path, args, word):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = run("-f", *args, util.BASIC, str(mnt))
    assert r.returncode != 0
    assert word in r.stderr, r.stderr
    assert not util.is_mounted(str(mnt))


def test_missing_source_refused(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = run("-f", str(tmp_path / "nowhere"), str(mnt))
    assert r.returncode != 0
    assert "nowhere" in r.stderr
    assert not util.is_mounted(str(mnt))


def test_source_not_a_folder(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    f = tmp_path / "file.md"
    f.write_text("x")
    r = run("-f", str(f), str(mnt))
    assert r.returncode != 0 and r.stderr.strip()
    assert not util.is_mounted(str(mnt))


def test_no_mountpoint_is_usage_error():
    r = run("-f", util.BASIC)
    assert r.returncode == 2
    assert "usage" in r.stderr.lower()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_signal_unmounts(tmp_path, sig):
    """A daemon stopped by SIGTERM (systemd stop, kill) or SIGINT takes its
    mount with it and exits."""
    m = util.Mount(util.BASIC, str(tmp_path / "mnt"), log_path=str(tmp_path / "log"))
    m.start()
    try:
        assert os.path.isfile(os.path.join(m.path, "posts", "trends-2024.html"))
        m.proc.send_signal(sig)
        code = m.proc.wait(timeout=util.EXIT_TIMEOUT)
        deadline = time.monotonic() + 5
        while util.is_mounted(m.path) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not util.is_mounted(m.path), "the mount outlived its daemon"
        # README: SIGTERM and SIGINT unmount cleanly; exit status 0 after a
        # clean unmount
        assert code == 0, "exit status %s after %s" % (code, signal.Signals(sig).name)
        for marker in util.SANITIZER_MARKERS:
            assert marker not in m.log()
    finally:
        m.stop()


def test_single_threaded_and_debug(mount):
    m = mount(util.BASIC, args=["-s", "-d"])
    for f in ("index.html", "posts/trends-2024.html", "by-tag/AI/index.json"):
        path = os.path.join(m.path, f)
        assert os.stat(path).st_size == len(util.read_bytes(path))
    assert "LOOKUP" in m.log() or "lookup" in m.log(), "-d logs no requests"

