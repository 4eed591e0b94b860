"""Dates: offsets, the mount's time zone, Jekyll file names, fallbacks."""
import datetime
import os
import subprocess
import zoneinfo

import pytest

import util

MTIME = 1563105600  # 2019-07-14T12:00:00Z, set on the post with no date

POSTS = {
    # its own offset's wall-clock day (it is already the 11th in UTC)
    "offset.md": "title: Offset\ndate: 2024-03-10T23:30:00-05:00\n",
    # no offset: the mount's zone
    "local-day.md": "title: Local day\ndate: 2024-03-10\n",
    "local-time.md": "title: Local time\ndate: 2024-03-10 22:15:00\n",
    "local-t.md": "title: Local T\ndate: 2024-03-09T01:02:03\n",
    # Jekyll's file name gives date and slug
    "2021-04-05-hello-world.md": "title: Hello, world\n",
    # nothing at all: the file's mtime
    "no-date.md": "title: No date\n",
    # fallbacks: date, then publishDate, then lastmod, then the file name
    "pub-only.md": "title: Pub only\npublishDate: 2022-02-02T08:00:00Z\nlastmod: 2022-03-03T08:00:00Z\n",
    "lastmod-only.md": "title: Lastmod only\nlastmod: 2022-03-03T08:00:00Z\n",
    "2020-01-01-named-and-lastmod.md": "title: Named\nlastmod: 2022-04-04T08:00:00Z\n",
    "date-wins.md": ("title: Date wins\ndate: 2022-05-05T08:00:00Z\n"
                     "publishDate: 2022-01-01T08:00:00Z\nlastmod: 2022-06-06T08:00:00Z\n"),
    "fraction.md": "title: Fraction\ndate: 2022-07-07T08:09:10.25+05:30\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    src = str(tmp_path_factory.mktemp("dates") / "src")
    for name, fm in POSTS.items():
        util.write_post(src, name, fm)
    os.utime(os.path.join(src, "no-date.md"), (MTIME, MTIME))
    return src


@pytest.fixture(scope="module")
def utc(corpus, module_mount):
    return module_mount(corpus, "timezone=UTC")


def meta(m, name):
    return util.read_json(os.path.join(m.path, "posts", name + ".json"))


def filed_under(m, name):
    """The by-date folders (YYYY/MM/DD) holding the post."""
    found = []
    for top, dirs, files in os.walk(os.path.join(m.path, "by-date")):
        if name + ".html" in files:
            found.append(os.path.relpath(top, os.path.join(m.path, "by-date")))
    return found


def test_own_offset_day(utc):
    assert filed_under(utc, "offset") == ["2024/03/10"]
    d = meta(utc, "offset")["date"]
    assert util.parse_date(d) == datetime.datetime(2024, 3, 10, 23, 30,
                                                   tzinfo=datetime.timezone(-datetime.timedelta(hours=5)))
    assert d.endswith("-05:00"), d


def test_fraction_of_second(utc):
    d = util.parse_date(meta(utc, "fraction")["date"])
    want = datetime.datetime(2022, 7, 7, 8, 9, 10, 250000,
                             tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30)))
    assert d == want and d.utcoffset() == want.utcoffset()


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/Los_Angeles"])
def test_dates_without_offset_use_the_mount_zone(corpus, mount, zone):
    m = mount(corpus, "timezone=" + zone)
    tz = zoneinfo.ZoneInfo(zone)
    for name, wall in (("local-day", datetime.datetime(2024, 3, 10)),
                       ("local-time", datetime.datetime(2024, 3, 10, 22, 15)),
                       ("local-t", datetime.datetime(2024, 3, 9, 1, 2, 3))):
        want = wall.replace(tzinfo=tz)
        got = util.parse_date(meta(m, name)["date"])
        assert got == want, "%s in %s: %s" % (name, zone, got)
        assert got.utcoffset() == want.utcoffset(), "%s in %s: offset %s, want %s" % (
            name, zone, got.utcoffset(), want.utcoffset())
        assert filed_under(m, name) == [wall.strftime("%Y/%m/%d")], (name, zone)
    # dates with an offset do not move with the zone
    assert filed_under(m, "offset") == ["2024/03/10"]
    assert meta(m, "offset")["date"] == "2024-03-10T23:30:00-05:00"


def test_default_zone_is_utc_not_the_hosts(corpus, mount):
    m = mount(corpus, env={"TZ": "Asia/Kolkata"})
    got = util.parse_date(meta(m, "local-day")["date"])
    assert got == datetime.datetime(2024, 3, 10, tzinfo=datetime.timezone.utc)
    assert got.utcoffset() == datetime.timedelta(0)
    # a date from the mtime is shown in UTC too
    assert util.parse_date(meta(m, "no-date")["date"]).utcoffset() == datetime.timedelta(0)


def test_unknown_zone_is_refused(corpus, tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = subprocess.run([util.POSTFS_BIN, "-f", "-o", "timezone=Mars/Olympus_Mons", corpus,
                        str(mnt)], capture_output=True, text=True, timeout=20)
    assert r.returncode != 0
    assert "timezone" in r.stderr
    assert not util.is_mounted(str(mnt))


def test_jekyll_file_name(utc):
    names = os.listdir(os.path.join(utc.path, "posts"))
    assert "hello-world.html" in names
    assert "2021-04-05-hello-world.html" not in names
    j = meta(utc, "hello-world")
    assert j["date"].startswith("2021-04-05"), j["date"]
    assert util.parse_date(j["date"]) == datetime.datetime(2021, 4, 5,
                                                           tzinfo=datetime.timezone.utc)
    assert j["slug"] == "hello-world"
    assert filed_under(utc, "hello-world") == ["2021/04/05"]


def test_no_date_falls_back_to_mtime(utc):
    j = meta(utc, "no-date")
    assert util.parse_date(j["date"]).timestamp() == MTIME
    assert filed_under(utc, "no-date") == ["2019/07/14"]


@pytest.mark.parametrize("name,want", [
    ("pub-only", "2022-02-02T08:00:00+00:00"),
    ("lastmod-only", "2022-03-03T08:00:00+00:00"),
    ("named-and-lastmod", "2022-04-04T08:00:00+00:00"),
    ("date-wins", "2022-05-05T08:00:00+00:00"),
])
def test_date_fallback_order(utc, name, want):
    got = util.parse_date(meta(utc, name)["date"])
    assert got == datetime.datetime.fromisoformat(want)
    assert filed_under(utc, name) == [got.strftime("%Y/%m/%d")]


def test_lastmod_kept(utc):
    j = meta(utc, "date-wins")
    assert util.parse_date(j["lastmod"]) == datetime.datetime(2022, 6, 6, 8,
                                                              tzinfo=datetime.timezone.utc)
