"""`meson install` puts the binary, the manual page, the completion, the
service template and the examples where their users look; `meson dist`
makes a tarball that builds and installs the same.

Both work on a copy of the source tree (the files git knows plus the
new ones it does not ignore), so that nothing in the checkout changes;
the copy's top meson.build gets `subdir('contrib')` when it lacks it.
"""
import os
import re
import shutil
import subprocess
import tarfile

import pytest

import ecoutil

CONTRIB = ecoutil.CONTRIB

# contrib file -> where it goes, relative to the prefix; None: computed
INSTALLED = {
    "postfs.1": "share/man/man1/postfs.1",
    "nginx/postfs.conf": "share/doc/postfs/examples/nginx/postfs.conf",
    "systemd/srv-blog.mount": "share/doc/postfs/examples/systemd/srv-blog.mount",
    "systemd/srv-blog.conf": "share/doc/postfs/examples/systemd/srv-blog.conf",
    "fstab.example": "share/doc/postfs/examples/fstab.example",
    "README.md": "share/doc/postfs/examples/README.md",
}


def pkg_var(pkg, var, define):
    """A pkg-config variable with one variable redefined, or None when
    pkg-config or the package is missing."""
    pc = shutil.which("pkg-config")
    if not pc:
        return None
    r = subprocess.run([pc, "--variable=" + var, "--define-variable=" + define, pkg],
                       capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else None


def expected_dirs(prefix):
    """(completions dir, unit dir) for a prefix, by the rules of
    contrib/README.md: pkg-config's, re-rooted at the prefix."""
    comp = pkg_var("bash-completion", "completionsdir", "datadir=%s/share" % prefix) or \
        prefix + "/share/bash-completion/completions"
    unit = pkg_var("systemd", "systemdsystemunitdir", "rootprefix=" + prefix)
    if unit and not unit.startswith(prefix):
        unit = pkg_var("systemd", "systemdsystemunitdir", "prefix=" + prefix)
    return comp, unit or prefix + "/lib/systemd/system"


def source_files(root):
    """The files of the source tree: git's tracked and untracked-but-not-
    ignored ones in a checkout (a read-only `git ls-files`), else all."""
    if os.path.isdir(os.path.join(root, ".git")) and shutil.which("git"):
        r = subprocess.run(["git", "-C", root, "ls-files", "-z", "-c", "-o",
                            "--exclude-standard"], capture_output=True, timeout=60)
        if r.returncode == 0:
            return sorted(set(p.decode() for p in r.stdout.split(b"\0") if p))
    out = []
    for top, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git" and not d.startswith("build")
                   and d != "__pycache__"]
        out += [os.path.relpath(os.path.join(top, f), root) for f in files]
    return sorted(out)


@pytest.fixture(scope="module")
def tree(module_scratch):
    """A copy of the source tree whose meson.build includes contrib/."""
    for tool in ("meson", "ninja"):
        ecoutil.need(tool)
    dst = os.path.join(module_scratch("tree"), "postfs")
    for rel in source_files(ecoutil.SOURCE_ROOT):
        src = os.path.join(ecoutil.SOURCE_ROOT, rel)
        if not os.path.lexists(src) or os.path.isdir(src):
            continue
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dst, rel), follow_symlinks=False)
    top = os.path.join(dst, "meson.build")
    with open(top) as f:
        text = f.read()
    if not re.search(r"^subdir\('contrib'\)", text, re.M):
        text = re.sub(r"^subdir\('tests'\)", "subdir('contrib')\nsubdir('tests')", text,
                      flags=re.M)
        if "subdir('contrib')" not in text:
            text += "subdir('contrib')\n"
        with open(top, "w") as f:
            f.write(text)
    # the test vectors are found beside the tree, as in the checkout
    shared = os.path.join(os.path.dirname(ecoutil.SOURCE_ROOT), "shared")
    if os.path.isdir(shared):
        os.symlink(shared, os.path.join(os.path.dirname(dst), "shared"))
    return dst


def build_and_install(src, build, destdir, prefix=None):
    setup = ["meson", "setup", build, src]
    if prefix:
        setup.append("--prefix=" + prefix)
    ecoutil.run(setup, timeout=300)
    ecoutil.run(["meson", "compile", "-C", build], timeout=900)
    ecoutil.run(["meson", "install", "-C", build, "--no-rebuild", "--destdir", destdir],
                timeout=300, env=dict(os.environ, DESTDIR=""))


def same_bytes(a, b):
    with open(a, "rb") as f, open(b, "rb") as g:
        return f.read() == g.read()


def check_installed(destdir, prefix, contrib):
    """Every file where it belongs, with the bytes of contrib/."""
    root = destdir + prefix
    problems = []
    postfs = os.path.join(root, "bin", "postfs")
    if not os.access(postfs, os.X_OK):
        problems.append("no executable %s" % postfs)
    comp, unit = expected_dirs(prefix)
    where = dict(INSTALLED)
    where["bash-completion/postfs"] = os.path.relpath(comp, prefix) + "/postfs"
    where["systemd/postfs@.service"] = os.path.relpath(unit, prefix) + "/postfs@.service"
    for rel, dest in where.items():
        p = os.path.join(root, dest)
        if not os.path.exists(p):
            problems.append("%s: not installed at %s" % (rel, p))
        elif not same_bytes(p, os.path.join(contrib, rel)):
            problems.append("%s: %s differs" % (rel, p))
    return problems, comp, unit


def test_meson_install(tree, module_scratch):
    """The default prefix: everything under /usr/local, in directories
    systemd, bash-completion and man read."""
    base = module_scratch("install")
    dest = os.path.join(base, "dest")
    build_and_install(tree, os.path.join(base, "build"), dest)
    prefix = "/usr/local"
    problems, comp, unit = check_installed(dest, prefix, os.path.join(tree, "contrib"))
    assert not problems, "\n".join(problems)

    # systemd would find the unit there
    sa = shutil.which("systemd-analyze")
    if sa:
        r = subprocess.run([sa, "unit-paths"], capture_output=True, text=True)
        if r.returncode == 0:
            assert unit in r.stdout.split(), (unit, r.stdout)
    # man finds the page in the installed tree
    man = shutil.which("man")
    if man:
        r = subprocess.run([man, "-M", dest + prefix + "/share/man", "postfs"],
                           capture_output=True, text=True,
                           env=dict(os.environ, MANPAGER="cat", PAGER="cat", MANWIDTH="80"))
        assert r.returncode == 0 and "POSTFS(1)" in r.stdout, r.stderr
    # bash-completion's loader finds the completion on demand
    bc = "/usr/share/bash-completion/bash_completion"
    if os.path.exists(bc):
        data_dir = os.path.dirname(os.path.dirname(dest + comp))
        script = (". %s; __load_completion postfs && complete -p postfs" % bc)
        r = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                           env=dict(os.environ, XDG_DATA_DIRS=data_dir,
                                    BASH_COMPLETION_USER_DIR=os.path.join(base, "none"),
                                    XDG_DATA_HOME=os.path.join(base, "none")))
        assert "-F _postfs" in r.stdout, r.stdout + r.stderr


def test_meson_dist_tarball_builds_and_installs(tree, module_scratch):
    """meson dist of a commit of the tree; the tarball holds contrib/ and
    the ecosystem tests, builds, and installs like a Debian package
    would (--prefix=/usr)."""
    git = ecoutil.need("git")
    base = module_scratch("dist")
    repo = os.path.join(base, "postfs")
    shutil.copytree(tree, repo, symlinks=True)
    ident = ["-c", "user.name=postfs tests", "-c", "user.email=tests@postfs.invalid",
             "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]
    ecoutil.run([git] + ident + ["init", "-q", repo])
    ecoutil.run([git] + ident + ["-C", repo, "add", "-A"])
    ecoutil.run([git] + ident + ["-C", repo, "commit", "-q", "-m", "snapshot"])
    build = os.path.join(base, "build")
    ecoutil.run(["meson", "setup", build, repo], timeout=300)
    ecoutil.run(["meson", "dist", "-C", build, "--no-tests", "--allow-dirty",
                 "--formats", "xztar"], timeout=600)
    dist = os.path.join(build, "meson-dist")
    tarballs = [f for f in os.listdir(dist) if f.endswith(".tar.xz")]
    assert len(tarballs) == 1, os.listdir(dist)
    assert re.fullmatch(r"postfs-\d+\.\d+\.\d+\.tar\.xz", tarballs[0])
    out = os.path.join(base, "unpacked")
    with tarfile.open(os.path.join(dist, tarballs[0])) as t:
        names = t.getnames()
        for want in ("contrib/meson.build", "contrib/postfs.1", "contrib/nginx/postfs.conf",
                     "contrib/systemd/postfs@.service", "contrib/bash-completion/postfs",
                     "tests/ecosystem/meson.build"):
            assert any(n.endswith("/" + want) for n in names), want
        t.extractall(out)
    (top,) = os.listdir(out)
    src = os.path.join(out, top)
    os.symlink(os.path.join(os.path.dirname(tree), "shared"), os.path.join(out, "shared"))
    dest = os.path.join(base, "dest")
    build_and_install(src, os.path.join(base, "build-tarball"), dest, prefix="/usr")
    problems, _, unit = check_installed(dest, "/usr", os.path.join(src, "contrib"))
    assert not problems, "\n".join(problems)
    assert unit == "/usr/lib/systemd/system"
    r = ecoutil.run([os.path.join(dest, "usr", "bin", "postfs"), "--version"])
    assert top.split("-", 1)[1] in r.stdout
