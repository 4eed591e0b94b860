"""Files beside posts (DESIGN: resources are reachable beside their
posts; README: posts/NAME/ mirrors the folder a post's resources live
in): reachable, unchanged, by the links the pages give, and nothing
else of SOURCE leaks through them."""
import errno
import os
import stat

import pytest

import util

PNG = bytes.fromhex("89504e470d0a1a0a") + bytes(range(256))


@pytest.fixture(scope="module")
def res(tmp_path_factory, module_mount):
    work = tmp_path_factory.mktemp("res")
    src = str(work / "src")
    util.write_post(src, "blog/plain.md", "title: Plain\ndate: 2024-04-01\ntags: [Pics]\n",
                    "![a picture](pic.png)\n\n![deeper](images/a%20b.png)\n\n"
                    "[a document](files/doc.txt) and [a section](#a-section)\n\n"
                    "## A section\n\nText.\n")
    util.write_post(src, "blog/other.md", "title: Other\ndate: 2024-04-02\n",
                    "![shared](pic.png)\n")
    util.write_post(src, "blog/secret-draft.md", "title: Secret draft\ndate: 2024-04-03\n"
                    "draft: true\n", "Not for anyone's eyes.\n")
    util.write_post(src, "bundle/index.md", "title: Bundle\ndate: 2024-04-04\ntags: [Pics]\n",
                    "![deep](sub/deep.png)\n")
    files = {
        "blog/pic.png": PNG,
        "blog/images/a b.png": PNG[::-1],
        "blog/files/doc.txt": b"a document\n",
        "blog/.hidden.png": b"hidden",
        "blog/notes.txt~": b"editor leftover",
        "bundle/sub/deep.png": PNG + b"deep",
        "bundle/extra.txt": b"extra",
    }
    for rel, data in files.items():
        path = os.path.join(src, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    outside = work / "outside.txt"
    outside.write_bytes(b"outside the source")
    os.symlink(str(outside), os.path.join(src, "blog", "leak.txt"))
    os.symlink("pic.png", os.path.join(src, "blog", "alias.png"))
    return module_mount(src)


def test_resources_of_a_plain_post(res):
    d = os.path.join(res.path, "posts", "plain")
    assert os.path.isdir(d)
    assert util.read_bytes(os.path.join(d, "pic.png")) == PNG
    assert util.read_bytes(os.path.join(d, "images", "a b.png")) == PNG[::-1]
    assert util.read_bytes(os.path.join(d, "files", "doc.txt")) == b"a document\n"
    # a link inside SOURCE is followed
    assert util.read_bytes(os.path.join(d, "alias.png")) == PNG


def test_resources_of_a_bundle(res):
    d = os.path.join(res.path, "posts", "bundle")
    assert util.read_bytes(os.path.join(d, "sub", "deep.png")) == PNG + b"deep"
    assert util.read_bytes(os.path.join(d, "extra.txt")) == b"extra"
    assert "index.md" not in os.listdir(d)


def test_nothing_else_leaks(res):
    """No post source (a draft least of all), hidden file, editor leftover
    or link out of SOURCE is reachable through posts/NAME/."""
    for top, dirs, files in os.walk(os.path.join(res.path, "posts")):
        if top == os.path.join(res.path, "posts"):
            continue
        for f in files + dirs:
            assert not f.endswith(".md"), os.path.join(top, f)
            assert not f.startswith("."), os.path.join(top, f)
            assert not f.endswith("~"), os.path.join(top, f)
            assert f != "leak.txt", os.path.join(top, f)
    for p in ("posts/plain/secret-draft.md", "posts/plain/.hidden.png", "posts/plain/leak.txt",
              "posts/plain/plain.md", "posts/other/secret-draft.md"):
        assert not os.path.lexists(os.path.join(res.path, p)), p
    _, files = util.walk(res.path)
    for f in files:
        data = util.read_bytes(os.path.join(res.path, f))
        assert b"Not for anyone's eyes" not in data, f
        assert b"outside the source" not in data, f


def test_links_to_resources_resolve_everywhere(res):
    bad, count = util.check_links(res.path)
    assert count > 20
    assert not bad, "\n".join(bad[:30])
    for folder in ("posts", "by-tag/Pics", "by-date/2024/04/01"):
        page = util.read_text(os.path.join(res.path, folder, "plain.html"))
        assert "pic.png" in page and "doc.txt" in page, folder


def test_resource_attributes(res):
    for top, dirs, files in os.walk(os.path.join(res.path, "posts", "plain")):
        for d in dirs:
            st = os.lstat(os.path.join(top, d))
            assert stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o555
        for f in files:
            path = os.path.join(top, f)
            st = os.lstat(path)
            assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o444, path
            assert st.st_size == len(util.read_bytes(path)), path
            rel = os.path.relpath(path, os.path.join(res.path, "posts", "plain"))
            srcst = os.stat(os.path.join(res.source, "blog", rel))
            assert st.st_mtime_ns == srcst.st_mtime_ns, path
    with pytest.raises(OSError) as e:
        os.close(os.open(os.path.join(res.path, "posts", "plain", "pic.png"), os.O_WRONLY))
    assert e.value.errno == errno.EROFS


def test_no_resource_folder_without_resources(res):
    names = os.listdir(os.path.join(res.path, "posts"))
    for p in util.posts_of(res.path):
        if p["name"] not in ("plain", "other", "bundle"):
            assert p["name"] not in names
    assert "secret-draft" not in names
