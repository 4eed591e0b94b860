#!/bin/sh
# The bytes of the tree do not depend on the cache: a generated corpus
# walked by postfs-walk with a 1 MiB bound (pages, summaries and bodies
# pushed out and made again all through, two passes), with a bound that
# keeps everything, and with the 1 MiB bound and reading ahead (a second
# thread making the same files at the same time) give the same checksum,
# and every file read as many bytes as its size said (postfs-walk exits
# 1 otherwise).
#   walk-check.sh POSTFS-WALK GEN-CORPUS WORKDIR
set -eu
walk=$1 gen=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
"$gen" 300 "$work/src" >/dev/null
"$walk" -c 1 -p 2 "$work/src" >"$work/small.txt"
"$walk" -c 256 "$work/src" >"$work/large.txt"
"$walk" -c 1 -a 16 "$work/src" >"$work/ahead.txt"
cat "$work/small.txt" "$work/large.txt" "$work/ahead.txt"
sums=$(sed -n 's/^pass .* sum \([0-9a-f]*\)$/\1/p' "$work/small.txt" "$work/large.txt" \
	"$work/ahead.txt" | sort -u)
n=$(grep -c '^pass ' "$work/small.txt" "$work/large.txt" "$work/ahead.txt" |
	awk -F: '{s += $2} END {print s}')
if [ "$n" -ne 4 ] || [ "$(echo "$sums" | wc -l)" -ne 1 ]; then
	echo "walk-check: the tree's bytes differ with the cache bound:" $sums >&2
	exit 1
fi
files=$(sed -n 's/^pass 1: \([0-9]*\) files.*/\1/p' "$work/large.txt")
if [ "$files" -lt 3000 ]; then
	echo "walk-check: only $files files walked" >&2
	exit 1
fi
echo "walk-check: $files files, the same bytes with 1 MiB, 256 MiB, and 1 MiB reading ahead"
