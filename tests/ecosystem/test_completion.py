"""contrib/bash-completion/postfs: the completion function, run by bash
as readline would run it (COMP_LINE, COMP_POINT, COMP_WORDS split at
COMP_WORDBREAKS), alone and with the bash-completion package loaded."""
import os
import re
import subprocess

import pytest

import ecoutil
from test_man import help_options

COMPLETION = os.path.join(ecoutil.CONTRIB, "bash-completion", "postfs")
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"

# Splits a line into COMP_WORDS as bash does for completion (the word
# break characters stand as words of their own), sets the variables
# and prints each candidate on a line, then what compopt was asked.
DRIVER = r'''
set -u
line=$1
words=()
w=""
i=0
while [ $i -lt ${#line} ]; do
	c=${line:$i:1}
	if [[ $c == " " ]]; then
		[[ -n $w ]] && words+=("$w")
		w=""
	elif [[ $COMP_WORDBREAKS == *"$c"* ]]; then
		[[ -n $w ]] && words+=("$w")
		w=""
		# runs of break characters make one word
		if [[ ${#words[@]} -gt 0 && ${words[-1]} =~ ^[=:]+$ && ${line:$((i-1)):1} != " " ]]; then
			words[-1]+=$c
		else
			words+=("$c")
		fi
	else
		w+=$c
	fi
	i=$((i+1))
done
words+=("$w")
COMP_WORDS=("${words[@]}")
COMP_CWORD=$((${#words[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
COMPREPLY=()
COMPOPTS=()
compopt() { COMPOPTS+=("$*"); }
_postfs
printf '%s\n' "${COMPREPLY[@]}"
printf '%s\n' "-- compopt --"
printf '%s\n' "${COMPOPTS[@]}"
'''


def complete(line, with_bash_completion=False, cwd=None):
    """(candidates, compopt calls) for the line, the cursor at its end."""
    bash = ecoutil.need("bash")
    pre = ""
    if with_bash_completion:
        if not os.path.exists(BASH_COMPLETION):
            pytest.skip("bash-completion is not installed")
        pre = ". %s\n" % BASH_COMPLETION
    script = pre + ". %s\n" % COMPLETION + DRIVER
    r = subprocess.run([bash, "-c", script, "bash", line], capture_output=True, text=True,
                       timeout=30, cwd=cwd, env=dict(os.environ, LC_ALL="C.UTF-8"))
    assert r.returncode == 0 and r.stderr == "", r.stderr
    cands, _, opts = r.stdout.partition("-- compopt --\n")
    return [c for c in cands.split("\n") if c], [o for o in opts.split("\n") if o]


@pytest.fixture(params=[False, True], ids=["alone", "with-bash-completion"])
def bc(request):
    return request.param


def test_file_parses_and_registers():
    bash = ecoutil.need("bash")
    r = subprocess.run([bash, "-n", COMPLETION], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([bash, "-c", ". %s; complete -p postfs" % COMPLETION],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "-F _postfs" in r.stdout, r.stdout + r.stderr


def test_every_o_option_of_help_is_offered(bc):
    cands, _ = complete("postfs -o ", bc)
    names = {c.rstrip("=") for c in cands}
    want = {n for kind, n in help_options() if kind == "-o"}
    assert want, "no -o options in --help"
    assert want <= names, "not completed: %s" % sorted(want - names)
    # options with a value complete as NAME=
    help_text = subprocess.run([ecoutil.POSTFS_BIN, "--help"], capture_output=True,
                               text=True).stdout
    for n in re.findall(r"-o ([a-z_]+)=", help_text):
        assert n + "=" in cands, n


def test_flags_of_help_are_offered(bc):
    cands, _ = complete("postfs -", bc)
    want = {n for kind, n in help_options() if kind == "" and n.startswith("-")}
    assert {"-h", "--help", "-V", "--version", "-f", "-d", "-s"} <= want
    assert want <= set(cands), sorted(want - set(cands))
    assert complete("postfs --ver", bc)[0] == ["--version"]


def test_option_names_by_prefix(bc):
    cands, opts = complete("postfs -o time", bc)
    assert sorted(cands) == ["timeout=", "timezone="]
    cands, opts = complete("postfs -o log_", bc)
    assert cands == ["log_level="]
    assert any("nospace" in o for o in opts), "no space after name="
    cands, _ = complete("postfs -o drafts,fu", bc)
    assert cands == ["drafts,future"]
    cands, _ = complete("postfs -odr", bc)
    assert cands == ["-odrafts"]


def test_values(bc):
    # readline replaces what follows the last = of the word: candidates
    # are the value only
    cands, _ = complete("postfs -o log_level=", bc)
    assert sorted(cands) == ["debug", "error", "info", "warning"]
    cands, _ = complete("postfs -o drafts,log_level=w", bc)
    assert cands == ["warning"]
    cands, _ = complete("postfs -o taxonomies=", bc)
    assert cands == ["tag:tags,category:categories"]


def test_time_zones(bc):
    if not os.path.exists("/usr/share/zoneinfo/tzdata.zi") and \
            not os.path.exists("/usr/share/zoneinfo/zone1970.tab"):
        pytest.skip("tzdata is not installed")
    cands, _ = complete("postfs -o timezone=Europe/Berl", bc)
    assert cands == ["Europe/Berlin"]
    cands, _ = complete("postfs -o timezone=Asia/Tok", bc)
    assert cands == ["Asia/Tokyo"]
    cands, _ = complete("postfs -o timezone=U", bc)
    assert "UTC" in cands
    # every zone offered is one postfs accepts
    cands, _ = complete("postfs -o timezone=America/New", bc)
    assert cands
    for z in cands:
        assert os.path.exists(os.path.join("/usr/share/zoneinfo", z)), z


def test_templates_and_positionals_are_folders(bc, scratch):
    d = scratch("comp")
    os.mkdir(os.path.join(d, "site posts"))
    os.mkdir(os.path.join(d, "site-mnt"))
    with open(os.path.join(d, "site.md"), "w") as f:
        f.write("a file, not a folder\n")
    cands, _ = complete("postfs si", bc, cwd=d)
    assert sorted(c.rstrip("/") for c in cands) == ["site posts", "site-mnt"]
    cands, _ = complete("postfs -o templates=si", bc, cwd=d)
    assert sorted(cands) == ["site posts/", "site-mnt/"]
