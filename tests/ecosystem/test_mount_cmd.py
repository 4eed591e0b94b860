"""`mount -t fuse.postfs`, /etc/fstab lines (through `mount --fstab`
with a temporary file: /etc/fstab is never touched) and the shipped
contrib/fstab.example.

mount(8) runs mount.fuse3, which runs `postfs` from the shell's default
path (mount does not pass on PATH): the `postfs_in_path` fixture puts
the postfs under test there for the module.
"""
import json
import os
import re

import pytest

import ecoutil

FSTAB_EXAMPLE = os.path.join(ecoutil.CONTRIB, "fstab.example")


def fstab_path(p):
    """A path as fstab(5) writes it: white space and backslash octal."""
    return re.sub(r"[\s\\]", lambda m: "\\%03o" % ord(m.group(0)), p)


def mount_options(path):
    with open("/proc/self/mountinfo") as f:
        for line in f:
            parts = line.split()
            mp = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), parts[4])
            if mp == os.path.realpath(path):
                fstype = parts[parts.index("-") + 1]
                return fstype, set(parts[5].split(",")) | set(parts[-1].split(","))
    return None, set()


def site_title(mnt):
    with open(os.path.join(mnt, "index.html"), encoding="utf-8") as f:
        m = re.search(r"<title>([^<]*)</title>", f.read())
    return m and m.group(1)


def posts(mnt):
    with open(os.path.join(mnt, "posts", "index.json"), encoding="utf-8") as f:
        return [p["name"] for p in json.load(f)["posts"]]


@pytest.fixture
def source(scratch):
    return ecoutil.make_source(scratch("src"))


def test_mount_t_fuse_postfs(postfs_in_path, source, scratch, external):
    mnt = os.path.join(scratch("mnt"), "site")
    os.mkdir(mnt)
    m = external(mnt)
    r = ecoutil.run(["mount", "-t", "fuse.postfs", source, mnt,
                     "-o", "allow_other,title=Mounted by mount"])
    # postfs goes to the background once the mount is up: it is there
    # as soon as mount returns, and mount's output stays quiet
    assert ecoutil.is_mounted(mnt)
    assert r.stdout == "" and r.stderr == ""
    assert m.found(), "no postfs process serves %s" % mnt
    fstype, opts = mount_options(mnt)
    assert fstype == "fuse.postfs"
    assert {"ro", "allow_other", "nosuid", "nodev", "noexec"} <= opts, opts
    assert site_title(mnt) == "Mounted by mount"
    assert {"live", "my first note", "технологии-2024"} <= set(posts(mnt))
    with open("/proc/self/mountinfo") as f:
        assert any(source in line.split(" - ")[1] for line in f if mnt in line), \
            "the mount's source is not SOURCE"
    r = ecoutil.run(["umount", mnt])
    assert not ecoutil.is_mounted(mnt)
    assert not m.stop()


def test_mount_options_for_mount_and_systemd_do_not_reach_postfs(postfs_in_path, source,
                                                                   scratch, external):
    """fstab-only options (defaults, nofail, _netdev, x-systemd.*) are
    taken by mount(8); postfs does not choke on them."""
    mnt = os.path.join(scratch("mnt"), "site")
    os.mkdir(mnt)
    m = external(mnt)
    ecoutil.run(["mount", "-t", "fuse.postfs", source, mnt, "-o",
                 "defaults,nofail,_netdev,x-systemd.requires=local-fs.target,"
                 "x-systemd.device-timeout=10s,allow_other,log_level=warning"])
    assert ecoutil.is_mounted(mnt)
    assert posts(mnt)
    assert not m.stop()


def test_bad_option_through_mount_fails_cleanly(postfs_in_path, source, scratch, external):
    mnt = os.path.join(scratch("mnt"), "site")
    os.mkdir(mnt)
    m = external(mnt)
    r = ecoutil.run(["mount", "-t", "fuse.postfs", source, mnt, "-o", "timezone=No/Where"],
                    check=False)
    assert r.returncode != 0
    assert "timezone" in r.stderr, r.stderr
    assert not ecoutil.is_mounted(mnt)
    assert not m.found()


def test_fstab_line_with_spaces_and_mount_by_mount_point(postfs_in_path, source, scratch,
                                                         external):
    """A temporary fstab (mount --fstab), a mount point with a space
    written \\040, `mount MOUNTPOINT` and `umount MOUNTPOINT`."""
    base = scratch("fstab")
    mnt = os.path.join(base, "blog site")
    os.mkdir(mnt)
    tab = os.path.join(base, "fstab")
    with open(tab, "w") as f:
        f.write("# test fstab\n%s %s fuse.postfs allow_other,title=From\\040fstab,nofail 0 0\n"
                % (fstab_path(source), fstab_path(mnt)))
    m = external(mnt)
    ecoutil.run(["mount", "--fstab", tab, mnt])
    assert ecoutil.is_mounted(mnt)
    assert site_title(mnt) == "From fstab"
    assert "allow_other" in mount_options(mnt)[1]
    ecoutil.run(["umount", mnt])
    assert not ecoutil.is_mounted(mnt)
    assert not m.stop()


def test_fstab_mount_all_skips_noauto(postfs_in_path, source, scratch, external):
    base = scratch("fstab-a")
    auto, manual = os.path.join(base, "auto"), os.path.join(base, "manual")
    os.mkdir(auto)
    os.mkdir(manual)
    tab = os.path.join(base, "fstab")
    with open(tab, "w") as f:
        f.write("%s %s fuse.postfs allow_other 0 0\n" % (source, auto))
        f.write("%s %s fuse.postfs noauto,allow_other 0 0\n" % (source, manual))
    ma, mm = external(auto), external(manual)
    ecoutil.run(["mount", "-a", "--fstab", tab])
    assert ecoutil.is_mounted(auto)
    assert not ecoutil.is_mounted(manual)
    ecoutil.run(["mount", "--fstab", tab, manual])
    assert ecoutil.is_mounted(manual)
    assert posts(auto) == posts(manual)
    assert not ma.stop() and not mm.stop()


def test_fstab_example_line_works(postfs_in_path, source, scratch, external):
    """contrib/fstab.example's line, with its paths replaced."""
    lines = [line for line in open(FSTAB_EXAMPLE) if line.strip() and not line.startswith("#")]
    assert len(lines) == 1, lines
    fields = lines[0].split()
    assert len(fields) == 6 and fields[2] == "fuse.postfs", fields
    assert "allow_other" in fields[3].split(",")
    base = scratch("example")
    mnt = os.path.join(base, "blog")
    os.mkdir(mnt)
    fields[0], fields[1] = source, mnt
    tab = os.path.join(base, "fstab")
    with open(tab, "w") as f:
        f.write(" ".join(fields) + "\n")
    m = external(mnt)
    ecoutil.run(["mount", "--fstab", tab, mnt])
    assert ecoutil.is_mounted(mnt)
    opts = dict(o.split("=", 1) for o in fields[3].split(",") if "=" in o)
    if "base_url" in opts:
        with open(os.path.join(mnt, "feed.xml"), encoding="utf-8") as f:
            assert opts["base_url"].rstrip("/") in f.read()
    assert not m.stop()


def test_mount_fuse3_with_path_finds_postfs(source, scratch, external):
    """mount.fuse3 called directly keeps PATH: a postfs found there only
    (a build folder) mounts too; this is what mount(8) does not allow."""
    helper = ecoutil.need("mount.fuse3")
    bindir = scratch("bin")
    os.symlink(ecoutil.POSTFS_BIN, os.path.join(bindir, "postfs"))
    mnt = os.path.join(scratch("mnt"), "site")
    os.mkdir(mnt)
    m = external(mnt)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    ecoutil.run([helper, source, mnt, "-t", "fuse.postfs", "-o", "allow_other"], env=env)
    assert ecoutil.is_mounted(mnt)
    assert m.found()
    assert posts(mnt)
    assert not m.stop()


def test_umount_by_user_command_ends_daemon(postfs_in_path, source, scratch, external):
    """fusermount3 -u on a mount made by mount(8) ends its daemon too."""
    mnt = os.path.join(scratch("mnt"), "site")
    os.mkdir(mnt)
    m = external(mnt)
    ecoutil.run(["mount", "-t", "fuse.postfs", source, mnt])
    pids = m.found()
    assert pids
    ecoutil.run(["fusermount3", "-u", mnt])
    assert not ecoutil.is_mounted(mnt)
    assert not m.stop()  # waits for the daemon's end
