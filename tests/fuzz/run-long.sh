#!/bin/sh
# The longer fuzz run of one target: tests/fuzz/run-long.sh TARGET SECONDS
#
#   TARGET   frontmatter, yaml, toml, markdown, mustache, names or lookup
#   SECONDS  how long to run (e.g. 3600)
#
# Builds the targets with clang, ASan and UBSan in $BUILD (default
# build-fuzz at the top of the tree; configured on first use), then runs
# TARGET on one job per core (-fork) for SECONDS.  New inputs collect in
# $BUILD/tests/fuzz/work/TARGET, which later runs start from; the seed
# corpus in tests/fuzz/corpus/TARGET is only read.  A crash, leak or
# timeout leaves its input in $BUILD/tests/fuzz/work/ as crash-*,
# leak-* or timeout-*; replay one with
#   $BUILD/tests/fuzz/fuzz_TARGET FILE
# Exit status: 0 when nothing was found, 1 otherwise.
set -u
if [ $# -ne 2 ]; then
	echo "usage: $0 TARGET SECONDS" >&2
	exit 2
fi
target=${1#fuzz_}
seconds=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build-fuzz}
src=$top/tests/fuzz/fuzz_$target.c
[ -f "$src" ] || { echo "$0: no target $target ($src)" >&2; exit 2; }

if [ ! -d "$build" ]; then
	CC=${CC:-clang} meson setup -Db_sanitize=address,undefined -Db_lundef=false \
		"$build" "$top" || exit 1
fi
meson compile -C "$build" "tests/fuzz/fuzz_$target" || exit 1

work=$build/tests/fuzz/work
mkdir -p "$work/$target"
jobs=$(nproc 2>/dev/null || echo 1)
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:print_stacktrace=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS
seeds=$top/tests/fuzz/corpus/$target
[ -d "$seeds" ] || seeds=
# -fork: jobs that crash are restarted and the run goes on;
# -ignore_crashes=0 stops at the first finding.
exec "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" \
	-fork="$jobs" -ignore_crashes=0 -ignore_timeouts=0 -ignore_ooms=0 \
	-rss_limit_mb=2048 -timeout=25 -error_exitcode=1 -timeout_exitcode=1 \
	-print_final_stats=1 -artifact_prefix="$work/" \
	"$work/$target" $seeds
