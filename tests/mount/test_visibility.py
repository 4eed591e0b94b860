"""Drafts, future and expired posts: hidden unless asked for, and then
shown everywhere a post is shown."""
import datetime
import os
import time
import zoneinfo

import pytest

import util

# posts added to a copy of corpus/basic
EXTRA = {
    # dated in the past, but to be published only in the future
    "publish-later": ('title: "Publish later"\ndate: 2024-01-10T10:00:00Z\n'
                      'publishDate: 2099-06-01T00:00:00Z\ntags: [Later]\n'),
    # expired long ago
    "expired": ('title: "Expired"\ndate: 2024-01-11T10:00:00Z\n'
                'expiryDate: 2024-02-01T00:00:00Z\ntags: [Gone]\n'),
    # expires in the far future: shown
    "expires-later": ('title: "Expires later"\ndate: 2024-01-12T10:00:00Z\n'
                      'expiryDate: 2099-01-01T00:00:00Z\n'),
    # a draft dated in the future: needs both options
    "future-draft": ('title: "Future draft"\ndate: 2099-02-02T00:00:00Z\ndraft: true\n'),
}
# which options each post needs to be shown
NEEDS = {
    "trends-2024": set(), "gfm": set(), "hello-bundle": set(),
    "json-front-matter": set(), "toml-front-matter": set(),
    "draft": {"drafts"}, "scheduled": {"future"},
    "publish-later": {"future"}, "expired": {"future"}, "expires-later": set(),
    "future-draft": {"drafts", "future"},
}
TITLES = {"draft": "Not ready yet", "scheduled": "Letter to the future",
          "publish-later": "Publish later", "expired": "Expired",
          "future-draft": "Future draft"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    src = util.copy_corpus(util.BASIC, str(tmp_path_factory.mktemp("vis") / "src"))
    for name, fm in EXTRA.items():
        util.write_post(src, "extra/%s.md" % name, fm, "Text of %s.\n" % name)
    return src


@pytest.mark.parametrize("options", [(), ("drafts",), ("future",), ("drafts", "future")],
                         ids=["default", "drafts", "future", "drafts+future"])
def test_visible_set(corpus, mount, options):
    m = mount(corpus, *options)
    want = {n for n, needs in NEEDS.items() if needs <= set(options)}
    names = {p["name"] for p in util.posts_of(m.path)}
    assert names == want, "options %s: extra %s, missing %s" % (
        options, sorted(names - want), sorted(want - names))
    files = set(os.listdir(os.path.join(m.path, "posts")))
    for n in NEEDS:
        for ext in (".html", ".json", ".md"):
            assert (n + ext in files) == (n in want), "posts/%s%s with %s" % (n, ext, options)
    # hidden posts leave no trace: not in feeds, the sitemap, terms or dates
    hidden = set(NEEDS) - want
    _, all_files = util.walk(m.path)
    for f in all_files:
        if f.startswith(".postfs"):
            continue
        if os.path.splitext(os.path.basename(f))[0] in hidden:
            pytest.fail("%s is shown with options %s" % (f, options))
        if f.endswith((".xml", ".html", ".json")):
            text = util.read_text(os.path.join(m.path, f))
            for h in hidden:
                assert TITLES[h] not in text, "%s mentions hidden %s (options %s)" % (
                    f, h, options)
    st = util.read_json(os.path.join(m.path, ".postfs", "status.json"))
    assert st["posts"]["shown"] == len(want)
    assert st["posts"]["hidden"] == len(NEEDS) - len(want)


def test_hidden_terms_and_days(corpus, mount):
    m = mount(corpus)
    tags = os.listdir(os.path.join(m.path, "by-tag"))
    assert "Future" not in tags and "Later" not in tags and "Gone" not in tags
    assert not os.path.exists(os.path.join(m.path, "by-date", "2099"))
    # the draft is tagged AI: it does not count there
    ai = util.read_json(os.path.join(m.path, "by-tag", "AI", "index.json"))
    assert "draft" not in [p["name"] for p in ai["posts"]]
    m2 = mount(corpus, "drafts", "future")
    tags = os.listdir(os.path.join(m2.path, "by-tag"))
    assert {"Future", "Later", "Gone"} <= set(tags)
    assert os.path.isfile(os.path.join(m2.path, "by-date", "2099", "01", "01", "scheduled.html"))
    assert os.path.isfile(os.path.join(m2.path, "by-tag", "AI", "draft.html"))
    meta = util.read_json(os.path.join(m2.path, "posts", "draft.json"))
    assert meta["draft"] is True


def _iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_scheduled_and_expiring_change_on_their_own(tmp_path, mount):
    """DESIGN: a scheduled post appears when its time comes, an expiring
    one disappears, with no touch of any file."""
    src = str(tmp_path / "src")
    at = int(time.time()) + 3
    util.write_post(src, "soon.md", 'title: Soon\ndate: "%s"\n' % _iso(at))
    util.write_post(src, "ending.md", 'title: Ending\ndate: 2024-01-01\nexpiryDate: "%s"\n'
                    % _iso(at))
    util.write_post(src, "steady.md", "title: Steady\ndate: 2024-01-02\n")
    m = mount(src)
    names = {p["name"] for p in util.posts_of(m.path)}
    if time.time() < at:
        assert names == {"ending", "steady"}
    deadline = at + 3
    while time.time() < deadline:
        names = {p["name"] for p in util.posts_of(m.path)}
        if names == {"soon", "steady"}:
            break
        time.sleep(0.2)
    assert names == {"soon", "steady"}, "at %s + %.1f s: %s" % (_iso(at), time.time() - at,
                                                               sorted(names))
    files = os.listdir(os.path.join(m.path, "posts"))
    assert "soon.html" in files and "ending.html" not in files
    assert os.path.isfile(os.path.join(m.path, "posts", "soon.html"))


def test_date_only_publish_date_today_in_the_mount_zone(tmp_path, mount):
    """README: a date-only publishDate of today means midnight in the
    mount's zone (so a post published today in UTC+14 is shown there)."""
    zone = "Pacific/Kiritimati"  # UTC+14: its today starts first
    today = datetime.datetime.now(zoneinfo.ZoneInfo(zone)).date()
    src = str(tmp_path / "src")
    util.write_post(src, "today.md", "title: Today\npublishDate: %s\n" % today.isoformat())
    util.write_post(src, "tomorrow.md", "title: Tomorrow\npublishDate: %s\n"
                    % (today + datetime.timedelta(days=1)).isoformat())
    m = mount(src, "timezone=" + zone)
    assert {p["name"] for p in util.posts_of(m.path)} == {"today"}
    meta = util.read_json(os.path.join(m.path, "posts", "today.json"))
    assert util.parse_date(meta["date"]).utcoffset() == datetime.timedelta(hours=14)
