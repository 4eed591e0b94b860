"""Queries as folders (mountdata/query.h, qtree.c): query/TEXT/ and the
"+" intersection folders of terms (by-tag/A/+/B/), checked against a
brute-force filter of every post's JSON (posts/NAME.json, front_matter
included) on a generated corpus; walking the tree ends and names no
path twice; malformed queries are ENOENT and logged; looking queries up
changes nothing else; results stay live."""
import collections
import itertools
import math
import os
import subprocess
import sys
import time

import pytest

import live_util as lu
import util
from live_util import timings_report  # noqa: F401 (prints the figures)
from live_util import wait_until

PAGE_SIZE = 20  # README: -o page_size default


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("queries") / "src")
    subprocess.run([sys.executable, os.path.join(util.SHARED, "tools", "gen-corpus"), "300",
                    out], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def qm(corpus, module_mount):
    return module_mount(corpus)


@pytest.fixture(scope="module")
def posts(qm):
    """Every visible post's JSON, by name, and the names newest first."""
    order = [p["name"] for p in util.posts_of(qm.path)]
    data = lu.post_jsons(qm.path)
    assert len(order) > 250 and set(order) == set(data)
    return data, order


# ---- brute force -------------------------------------------------------------

def terms_of(p, field):
    v = p.get(field)
    if v is None:
        return set()
    return {lu.norm_term(x) for x in (v if isinstance(v, list) else [v])}


def has(field, value):
    return lambda p: lu.norm_term(value) in terms_of(p, field)


def day(p):
    return p["date"][:10]  # the wall-clock day as written


def scalar_is(v, want):
    """README: the field's value is VALUE (its text, as YAML typed it)."""
    if isinstance(v, bool):
        return want == ("true" if v else "false")
    if v is None:
        return want == "null"
    if isinstance(v, int):
        return str(v) == want
    if isinstance(v, float):
        try:
            return float(want) == v
        except ValueError:
            return False
    return isinstance(v, str) and v == want


def field_is(name, want):
    def pred(p):
        for k, v in p["front_matter"].items():
            if k.lower() == name.lower():
                return any(scalar_is(x, want) for x in v) if isinstance(v, list) \
                    else scalar_is(v, want)
        return False
    return pred


def brute(posts, pred):
    data, order = posts
    return [n for n in order if pred(data[n])]


def query_names(m, text):
    """The posts of query/TEXT/, from its index.json, in its order."""
    j = util.read_json(os.path.join(m.path, "query", text, "index.json"))
    names = [p["name"] for p in j["posts"]]
    assert j["count"] == len(names), text
    return names


# ---- choosing values from the corpus (so that results are not empty) ----------

@pytest.fixture(scope="module")
def pick(qm, posts):
    data, order = posts
    tags = sorted(util.read_json(os.path.join(qm.path, "by-tag", "index.json"))["terms"],
                  key=lambda t: -t["count"])
    cats = sorted(util.read_json(os.path.join(qm.path, "by-category", "index.json"))["terms"],
                  key=lambda t: -t["count"])
    years = sorted({day(data[n])[:4] for n in order})
    some = data[order[len(order) // 3]]
    words = some["title"].split()
    word = max(words, key=len)
    lastmod = next(data[n]["front_matter"]["lastmod"] for n in order
                   if "lastmod" in data[n]["front_matter"])
    return {
        "A": tags[0]["name"], "B": tags[1]["name"], "C": tags[2]["name"],
        "tags": [t["name"] for t in tags],
        "cat": cats[0]["name"], "cat2": cats[1]["name"],
        "cat_space": next(c["name"] for c in cats if " " in c["name"]),
        "tag_space": next(t["name"] for t in tags if " " in t["name"]),
        "year": years[len(years) // 2], "y0": years[1], "y1": years[-2],
        "day": day(some), "month": day(some)[:7], "word": word,
        "words": " ".join(words[1:3]), "lastmod": lastmod,
    }


def cases(v):
    """(query text, brute-force predicate, whether the corpus must give it
    posts) for every operator and field."""
    A, B, C, Y = v["A"], v["B"], v["C"], v["year"]
    y = lambda p: int(day(p)[:4])
    both = lambda p: has("tags", A)(p) and has("tags", B)(p)
    return [
        ("tag:%s" % A, has("tags", A), True),
        ("tags:%s" % A.lower(), has("tags", A), True),
        ("TAG:%s" % A.swapcase(), has("tags", A), True),
        ("tag:%s and tag:%s" % (A, B), both, True),
        ("tag:%s tag:%s" % (A, B), both, True),
        ("tag:%s or category:%s" % (B, v["cat2"]),
         lambda p: has("tags", B)(p) or has("categories", v["cat2"])(p), True),
        ("not tag:%s" % A, lambda p: not has("tags", A)(p), True),
        ("-tag:%s" % A, lambda p: not has("tags", A)(p), True),
        ("tag:%s -tag:%s" % (A, B), lambda p: has("tags", A)(p) and not has("tags", B)(p), True),
        ("(tag:%s or tag:%s) and year:%s" % (B, C, Y),
         lambda p: (has("tags", B)(p) or has("tags", C)(p)) and y(p) == int(Y), False),
        ("tag:%s or tag:%s and year:%s" % (B, C, Y),
         lambda p: has("tags", B)(p) or (has("tags", C)(p) and y(p) == int(Y)), True),
        ("not (tag:%s or tag:%s)" % (A, B),
         lambda p: not (has("tags", A)(p) or has("tags", B)(p)), True),
        ("( tag:%s  AND  NOT tag:%s )" % (A, C),
         lambda p: has("tags", A)(p) and not has("tags", C)(p), True),
        ("category:%s" % v["cat"], has("categories", v["cat"]), True),
        ("categories:%s" % v["cat"].lower(), has("categories", v["cat"]), True),
        ('category:"%s"' % v["cat_space"], has("categories", v["cat_space"]), True),
        ("tag:'%s'" % v["tag_space"], has("tags", v["tag_space"]), True),
        ("year:%s" % Y, lambda p: y(p) == int(Y), True),
        ("year:%s..%s" % (v["y0"], v["y1"]), lambda p: int(v["y0"]) <= y(p) <= int(v["y1"]),
         True),
        ("year:..%s" % v["y0"], lambda p: y(p) <= int(v["y0"]), True),
        ("year:%s.." % v["y1"], lambda p: y(p) >= int(v["y1"]), True),
        ("month:%s" % v["month"], lambda p: day(p)[:7] == v["month"], True),
        ("month:%d" % int(v["month"][5:]), lambda p: int(day(p)[5:7]) == int(v["month"][5:]),
         True),
        ("date:%s" % v["day"], lambda p: day(p) == v["day"], True),
        ("date:%s-01-01..%s-06-30" % (Y, Y),
         lambda p: "%s-01-01" % Y <= day(p) <= "%s-06-30" % Y, True),
        ("date:..%s" % v["day"], lambda p: day(p) <= v["day"], True),
        ("date:%s.." % v["day"], lambda p: day(p) >= v["day"], True),
        ("draft:false", lambda p: p["draft"] is False, True),
        ("draft:true", lambda p: p["draft"] is True, False),
        ("title:%s" % v["word"], lambda p: v["word"].lower() in p["title"].lower(), True),
        ("title:%s" % v["word"].upper(), lambda p: v["word"].lower() in p["title"].lower(),
         True),
        ('title:"%s"' % v["words"], lambda p: v["words"].lower() in p["title"].lower(), True),
        ("model=Claude", field_is("model", "Claude"), True),
        ("model:Claude", field_is("model", "Claude"), True),
        ("MODEL=Claude", field_is("model", "Claude"), True),
        ("model=claude", field_is("model", "claude"), False),
        ('model:"OpenRouter GPT"', field_is("model", "OpenRouter GPT"), True),
        ("lastmod:%s" % v["lastmod"], field_is("lastmod", v["lastmod"]), True),
        ("model=human and not tag:%s" % A,
         lambda p: field_is("model", "human")(p) and not has("tags", A)(p), True),
    ]


def test_queries_against_brute_force(qm, posts, pick):
    wrong, checked = [], 0
    for text, pred, nonempty in cases(pick):
        want = brute(posts, pred)
        if nonempty:
            assert want, "the corpus gives no post for %r: the test would be vacuous" % text
        try:
            got = query_names(qm, text)
        except OSError as e:
            wrong.append("%r: %s" % (text, e))
            continue
        checked += 1
        if got != want:
            extra, missing = set(got) - set(want), set(want) - set(got)
            wrong.append("%r: %d posts, want %d (extra %s, missing %s%s)" % (
                text, len(got), len(want), sorted(extra)[:5], sorted(missing)[:5],
                ", order differs" if not extra and not missing else ""))
    assert not wrong, "\n".join(wrong)
    assert checked == len(cases(pick))


def test_draft_queries_with_drafts(corpus, module_mount):
    """draft:true shows drafts with -o drafts (and none without: above)."""
    m = module_mount(corpus, "drafts")
    p = (lu.post_jsons(m.path), [x["name"] for x in util.posts_of(m.path)])
    for text, pred in (("draft:true", lambda x: x["draft"] is True),
                       ("draft:yes", lambda x: x["draft"] is True),
                       ("draft:false", lambda x: x["draft"] is False),
                       ("not draft:true", lambda x: x["draft"] is False)):
        want = brute(p, pred)
        assert want, text
        assert query_names(m, text) == want, text


def test_any_front_matter_field(tmp_path, mount):
    """FIELD:VALUE and FIELD=VALUE match a scalar whose text is VALUE (of
    any YAML type), or a list holding one; the field's name is matched
    without regard to case, its value exactly."""
    src = str(tmp_path / "src")
    util.write_post(src, "one.md", 'title: One\ndate: 2024-01-01\nimage: cover.png\n'
                    'rating: 4.5\ncount: 3\nflag: true\nlist: [a, "b c"]\nnothing: null\n'
                    'model: Claude\n')
    util.write_post(src, "two.md", 'title: Two\ndate: 2024-01-02\nimage: other.png\n'
                    'rating: 4\ncount: "3"\nflag: false\nlist: x\nmodel: human\n')
    util.write_post(src, "three.md", "title: Three\ndate: 2024-01-03\n")
    m = mount(src)
    p = (lu.post_jsons(m.path), [x["name"] for x in util.posts_of(m.path)])
    assert p[0]["one"]["front_matter"]["rating"] == 4.5  # typed as YAML 1.2 says
    wrong = []
    for text, name, value, want in (
            ("image:cover.png", "image", "cover.png", ["one"]),
            ("Image=cover.png", "image", "cover.png", ["one"]),
            ("rating:4.5", "rating", "4.5", ["one"]),
            ("rating=4", "rating", "4", ["two"]),
            ("count=3", "count", "3", ["two", "one"]),
            ("flag:true", "flag", "true", ["one"]),
            ("flag:false", "flag", "false", ["two"]),
            ("list:a", "list", "a", ["one"]),
            ('list:"b c"', "list", "b c", ["one"]),
            ("list:x", "list", "x", ["two"]),
            ("nothing:null", "nothing", "null", ["one"]),
            ("model:claude", "model", "claude", []),
            ("missing:thing", "missing", "thing", [])):
        assert brute(p, field_is(name, value)) == want, text  # the rule, spelled out
        got = query_names(m, text)
        if got != want:
            wrong.append("%r: %s, want %s" % (text, got, want))
    assert not wrong, "\n".join(wrong)


MALFORMED = ["(tag:AI", "tag:AI)", "year:abc", "year:20x0..2022", "tag:", "month:13",
             "date:2024-13-01", "draft:maybe", "tag:AI or", "and", "nofield", 'tag:"unclosed',
             "tag:AI and (year:2024 or", "()"]


def test_malformed_queries_are_enoent_and_logged(qm):
    for text in MALFORMED:
        path = os.path.join(qm.path, "query", text)
        with pytest.raises(FileNotFoundError):
            os.stat(path)
        with pytest.raises(FileNotFoundError):
            os.listdir(path)
    log = qm.log()
    missing = [t for t in MALFORMED if "query/%s: not a query" % t not in log]
    assert not missing, "no parse error logged for %s" % missing


def test_query_folder_lists_nothing(qm):
    assert os.listdir(os.path.join(qm.path, "query")) == []
    assert os.path.isdir(os.path.join(qm.path, "query", "tag:AI"))
    assert os.listdir(os.path.join(qm.path, "query")) == []


def test_lookups_change_nothing_else(qm, pick):
    """Queries and intersections looked up, listed and read leave every
    other file as it was: inode, mtime, size and bytes."""
    rels = ("posts/index.json", "index.json", "index.html", "feed.xml", "sitemap.xml",
            "by-tag/index.json", "by-tag/%s/index.json" % pick["A"], "by-date/index.json")
    before = {r: lu.snapshot(os.path.join(qm.path, r)) for r in rels}
    root = sorted(os.listdir(qm.path))
    for text, _, _ in cases(pick):
        d = os.path.join(qm.path, "query", text)
        for f in os.listdir(d)[:6]:
            util.read_bytes(os.path.join(d, f))
    for text in MALFORMED:
        os.path.exists(os.path.join(qm.path, "query", text))
    for a, b in itertools.permutations(pick["tags"][:4], 2):
        d = os.path.join(qm.path, "by-tag", a, "+", b)
        if os.path.isdir(d):
            os.listdir(d)
    time.sleep(0.3)
    for r in rels:
        now = lu.snapshot(os.path.join(qm.path, r))
        assert now == before[r], "%s changed after query lookups" % r
    assert sorted(os.listdir(qm.path)) == root


# ---- intersections --------------------------------------------------------------

def folders_of(p, tax):
    """Folder names of a post's terms in taxonomy tax ("tags")."""
    for t in p["taxonomies"]:
        if t["name"] == tax:
            return {x["folder"] for x in t["terms"]}
    return set()


# how deep "+" folders list intersections (README)
DEPTH = 2


def key(name):
    return name.lower()


def plus_names(posts, tax, path_terms):
    """What by-TAX/T1/+/.../Tn/+ offers, by brute force (README): the
    terms sorting after the last of the path that narrow its posts down
    to a group of at least two, fewer than all of them; nothing past
    two terms (pairs: deeper intersections are looked up, not listed).
    {name: how many posts}."""
    data, order = posts
    if len(path_terms) >= DEPTH:
        return {}
    last = max(key(t) for t in path_terms)
    group = [data[n] for n in order if set(path_terms) <= folders_of(data[n], tax)]
    counts = collections.Counter(t for p in group for t in folders_of(p, tax)
                                 if key(t) > last and t not in path_terms)
    return {t: c for t, c in counts.items() if 2 <= c < len(group)}


def with_all(posts, field, terms):
    return brute(posts, lambda p: all(has(field, t)(p) for t in terms))


def test_intersections_against_brute_force(qm, posts, pick):
    top = pick["tags"][:7]
    rare = pick["tags"][-4:]  # used once each: most pairs share no post
    combos = list(itertools.combinations(top, 2)) + list(itertools.combinations(top[:5], 3)) \
        + list(itertools.combinations(rare, 2)) + [(top[0], t) for t in rare]
    cats = util.read_json(os.path.join(qm.path, "by-category", "index.json"))["terms"]
    cat_names = [c["name"] for c in sorted(cats, key=lambda c: -c["count"])][:4]
    seen_empty = seen_full = 0
    for tax, field, names in (("by-tag", "tags", combos),
                              ("by-category", "categories",
                               list(itertools.combinations(cat_names, 2)))):
        for terms in names:
            want = with_all(posts, field, terms)
            for order in (terms, tuple(reversed(terms))):
                path = os.path.join(qm.path, tax, order[0], *[x for t in order[1:]
                                                              for x in ("+", t)])
                if not want:
                    assert not os.path.exists(path), "%s: no common post, yet it exists" % path
                    with pytest.raises(FileNotFoundError):
                        os.listdir(path)
                    seen_empty += 1
                    continue
                got = lu.names_in(os.path.join(path, "index.json"))
                assert got == want, "%s: %s, want %s" % (path, got, want)
                seen_full += 1
    assert seen_full >= 10 and seen_empty >= 1, (seen_full, seen_empty)


def test_plus_folders_offer_only_narrowing_terms_that_follow(qm, posts, pick):
    """A "+" folder lists its index.html and index.json and, as folders,
    the terms that follow the path and narrow it (README); its index.json
    gives each with its count."""
    paths = [(pick["A"],), (pick["B"],), (pick["C"],), (pick["A"], pick["B"]),
             (pick["B"], pick["A"]), (pick["A"], pick["C"]), (pick["A"], pick["B"], pick["C"])]
    # and one as deep as listings go, whose "+" offers nothing more
    todo = [(t,) for t in pick["tags"][:10]]
    while todo and len(todo[-1]) < DEPTH:
        path = todo.pop()
        todo += [path + (t,) for t in sorted(plus_names(posts, "tags", path))]
    assert todo and len(todo[-1]) == DEPTH, "the corpus has no listed intersection"
    paths.append(todo[-1])
    offered = 0
    for path_terms in paths:
        if not with_all(posts, "tags", path_terms):
            continue
        d = os.path.join(qm.path, "by-tag", path_terms[0],
                         *[x for t in path_terms[1:] for x in ("+", t)], "+")
        got = os.listdir(d)
        want = plus_names(posts, "tags", path_terms)
        assert len(got) == len(set(got)), d
        assert set(got) == {"index.html", "index.json"} | set(want), "%s: extra %s, missing %s" % (
            d, sorted(set(got) - set(want) - {"index.html", "index.json"}),
            sorted(set(want) - set(got)))
        listed = {t["name"]: t["count"] for t in util.read_json(os.path.join(d, "index.json"))
                  ["terms"]}
        assert listed == want, d
        for name in want:
            assert os.path.isdir(os.path.join(d, name))
            assert len(lu.names_in(os.path.join(d, name, "index.json"))) == want[name]
        for f in ("index.html", "index.json"):
            assert lu.check_file(os.path.join(d, f)) is None, d
        offered += len(want)
    assert offered > 10
    # a term sorting before X is not listed in X's "+" folder, yet the
    # intersection is reachable in that order; a term sharing no post
    # with X is not reachable at all
    data, order = posts
    for x in pick["tags"]:
        x_terms = set()
        for n in order:
            f = folders_of(data[n], "tags")
            if x in f:
                x_terms |= f
        before = sorted(t for t in x_terms if key(t) < key(x))
        if before:
            break
    plus = os.path.join(qm.path, "by-tag", x, "+")
    for t in before[:3]:
        assert t not in os.listdir(plus)
        assert lu.names_in(os.path.join(plus, t, "index.json")) == \
            with_all(posts, "tags", (x, t))
    strangers = [t for t in pick["tags"] if t not in x_terms]
    assert before and strangers
    for t in strangers[:3]:
        with pytest.raises(FileNotFoundError):
            os.stat(os.path.join(plus, t))


def _find(mnt):
    r = subprocess.run(["find", mnt], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.splitlines()
    dup = [p for p, c in collections.Counter(lines).items() if c > 1]
    assert not dup, "find lists %d paths twice: %s" % (len(dup), dup[:5])
    return lines


def test_find_on_basic_terminates_without_repeats(mount):
    m = mount(util.BASIC)
    lines = _find(m.path)
    assert any("/+/" in p for p in lines), "no intersection folder reached"


def test_find_on_generated_corpus(qm, posts):
    """find ends, names no path twice, and meets each intersection the "+"
    folders offer (README: narrowing, in ascending order of names, pairs
    only) exactly once."""
    lines = _find(qm.path)
    rel = [os.path.relpath(p, qm.path) for p in lines]
    got = set()
    for r in rel:
        parts = r.split("/")
        if len(parts) >= 4 and parts[0] in ("by-tag", "by-category") and parts[2] == "+" \
                and len(parts) % 2 == 0 and all(x == "+" for x in parts[2::2]) \
                and os.path.isdir(os.path.join(qm.path, r)):
            got.add((parts[0], tuple(parts[1::2])))
    want = set()
    for tax, field in (("by-tag", "tags"), ("by-category", "categories")):
        folders = [t["name"] for t in util.read_json(
            os.path.join(qm.path, tax, "index.json"))["terms"]]
        todo = [(t,) for t in folders]
        while todo:
            path = todo.pop()
            for t in plus_names(posts, field, path):
                want.add((tax, path + (t,)))
                todo.append(path + (t,))
    assert len(want) > 50
    assert got == want, "extra %s, missing %s" % (sorted(got - want)[:5], sorted(want - got)[:5])


def test_query_and_intersection_folders_are_complete(qm, posts, pick):
    """Each has index.html (and index-N.html), index.json, feed.xml and its
    posts' NAME.html and NAME.json; st_size is what a read gives; JSON
    parses; a post's JSON there is the post's."""
    data, _ = posts
    folders = [("query/tag:%s" % pick["A"], False), ("query/year:%s" % pick["year"], False),
               ("query/model=Claude", False),
               ("by-tag/%s/+/%s" % (pick["A"], pick["B"]), True),
               ("by-tag/%s/+/%s" % (pick["B"], pick["A"]), True)]
    for rel, plus in folders:
        d = os.path.join(qm.path, rel)
        names = lu.names_in(os.path.join(d, "index.json"))
        assert names, rel
        pages = max(1, math.ceil(len(names) / PAGE_SIZE))
        want = {"index.html", "index.json", "feed.xml"} | {
            "index-%d.html" % k for k in range(2, pages + 1)} | {
            n + e for n in names for e in (".html", ".json")} | ({"+"} if plus else set())
        got = os.listdir(d)
        assert len(got) == len(set(got)), rel
        assert set(got) == want, "%s: extra %s, missing %s" % (
            rel, sorted(set(got) - want)[:5], sorted(want - set(got))[:5])
        for f in got:
            if f == "+":
                continue
            path = os.path.join(d, f)
            problem = lu.check_file(path)
            assert problem is None, "%s/%s: %s" % (rel, f, problem)
            if f.endswith(".json") and f != "index.json":
                j = util.read_json(path)
                ref = data[f[:-5]]
                assert (j["name"], j["title"], j["date"], j["tags"]) == \
                    (ref["name"], ref["title"], ref["date"], ref["tags"]), path
        assert os.stat(os.path.join(d, "feed.xml")).st_size > 0


# ---- live results ---------------------------------------------------------------

def test_results_stay_live(tmp_path, mount):
    """A query folder and an intersection that were listed and are held
    open show a new matching post and drop a removed one within a
    second; an intersection that had no post appears when one joins, and
    goes when its last post leaves; a "+" folder follows."""
    src = str(tmp_path / "src")
    days = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6}

    def post(name, tags):
        util.write_post(src, name + ".md", 'title: "%s"\ndate: 2024-02-0%d\ntags: [%s]\n'
                        % (name.upper(), days[name], ", ".join(tags)))

    post("a", ["Live"])
    post("b", ["Live", "Other"])
    post("e", ["Live", "Other"])
    post("c", ["Third"])
    m = mount(src)
    q = os.path.join(m.path, "query", "tag:Live and not tag:Gone")
    x = os.path.join(m.path, "by-tag", "Live", "+", "Other")
    later = os.path.join(m.path, "by-tag", "Live", "+", "Third")
    plus = os.path.join(m.path, "by-tag", "Live", "+")
    index = {"index.html", "index.json", "feed.xml"}

    def posts_in(d):
        return sorted(lu.names_in(os.path.join(d, "index.json")))

    def files(names):
        return index | {n + e for n in names for e in (".html", ".json")}

    fds = [os.open(d, os.O_RDONLY | os.O_DIRECTORY) for d in (q, x, plus)]
    try:
        assert posts_in(q) == ["a", "b", "e"] and set(os.listdir(q)) == files("abe")
        assert posts_in(x) == ["b", "e"] and set(os.listdir(x)) == files("be") | {"+"}
        assert set(os.listdir(plus)) == {"index.html", "index.json", "Other"}
        assert not os.path.exists(later)

        post("d", ["Live", "Other", "Third"])
        post("f", ["Live", "Third"])
        t0 = time.monotonic()
        wait_until(lambda: set(os.listdir(q)) == files("abdef"),
                   "new posts in a held query folder", start=t0)
        wait_until(lambda: posts_in(q) == ["a", "b", "d", "e", "f"],
                   "new posts in a held query's index.json", start=t0)
        wait_until(lambda: set(os.listdir(x)) == files("bde") | {"+"},
                   "new post in a held intersection", start=t0)
        wait_until(lambda: posts_in(x) == ["b", "d", "e"],
                   "new post in a held intersection's index.json", start=t0)
        wait_until(lambda: os.path.isdir(later) and posts_in(later) == ["d", "f"],
                   "an intersection that had no post", start=t0)
        wait_until(lambda: set(os.listdir(plus)) == {"index.html", "index.json", "Other",
                                                     "Third"},
                   "a term joining a held + folder", start=t0)
        for f in os.listdir(q):
            assert lu.check_file(os.path.join(q, f)) is None, f

        os.unlink(os.path.join(src, "b.md"))
        post("a", ["Live", "Gone"])
        t0 = time.monotonic()
        wait_until(lambda: set(os.listdir(q)) == files("def"),
                   "removed and no longer matching posts leave a held query folder", start=t0)
        wait_until(lambda: posts_in(q) == ["d", "e", "f"], "query's index.json after removals",
                   start=t0)
        wait_until(lambda: posts_in(x) == ["d", "e"] and "b.html" not in os.listdir(x),
                   "removed post leaves a held intersection", start=t0)
        assert not os.path.exists(os.path.join(q, "a.html"))
        assert not os.path.exists(os.path.join(x, "b.json"))

        for n in "def":
            os.unlink(os.path.join(src, n + ".md"))
        t0 = time.monotonic()
        wait_until(lambda: not os.path.exists(x), "an intersection left without posts", start=t0)
        wait_until(lambda: posts_in(q) == [], "a query left without posts is empty", start=t0)
        assert set(os.listdir(q)) == index
        assert set(os.listdir(plus)) == {"index.html", "index.json"}
    finally:
        for fd in fds:
            os.close(fd)
