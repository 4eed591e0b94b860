#!/bin/sh
# Build postfs with AddressSanitizer and UndefinedBehaviorSanitizer in a
# build folder of its own and run every test there (unit, conformance,
# mount and hardening tests: each mount runs the sanitized daemon).  Any
# sanitizer report is fatal: the program that made it aborts, and its
# test fails.  Ends with the line 'N passed, N failed'.
#
#   tests/sanitize.sh                  build in ./build-sanitize
#   tests/sanitize.sh DIR              build in DIR
#   CC=clang tests/sanitize.sh DIR     the same with clang (adds the fuzz suite)
#   tests/sanitize.sh DIR -- ARGS      pass ARGS to meson test (e.g. a test name)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=build-sanitize
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
	build=$1
	shift
fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
case $build in
/*) ;;
*) build=$top/$build ;;
esac

if [ ! -d "$build" ]; then
	# b_lundef=false: clang's sanitizer runtimes leave symbols for the
	# executable to resolve
	meson setup -Db_sanitize=address,undefined -Db_lundef=false \
		"$build" "$top" || exit 1
fi
meson compile -C "$build" || exit 1

# Every report is fatal and says where it came from.  Leaks are checked
# at each program's exit (the daemon's too: it exits after the unmount).
# Not strict_string_checks: md4c (not instrumented) calls strcspn over
# its input line by line, and that check takes strlen of all the rest
# each time, which turns a 2 MB post's render into minutes.
ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:detect_leaks=1:detect_stack_use_after_return=1
UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
LSAN_OPTIONS=print_suppressions=0
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

rm -f "$build"/meson-logs/pytest-*.xml
# the daemons are slower under the sanitizers: give every test more time
meson test -C "$build" --print-errorlogs --timeout-multiplier 3 "$@"
python3 "$top/tests/summarize.py" "$build"
