#!/bin/sh
# Run the mount tests with every postfs daemon under valgrind
# (memcheck, full leak check): a daemon with a memory error or a
# definite leak exits 99, which fails its test (tests/mount/util.py).
# Uses a plain build folder of its own.  Ends with 'N passed, N failed'.
#
#   tests/valgrind.sh                         ./build-valgrind, the mount tests
#   tests/valgrind.sh DIR                     another build folder
#   tests/valgrind.sh DIR 'hardening tests'   other meson tests instead
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-valgrind}
[ $# -gt 0 ] && shift
case $build in
/*) ;;
*) build=$top/$build ;;
esac
[ $# -gt 0 ] || set -- 'mount tests'

command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
[ -d "$build" ] || meson setup "$build" "$top" || exit 1
meson compile -C "$build" || exit 1

POSTFS_VALGRIND=1
export POSTFS_VALGRIND
rm -f "$build"/meson-logs/pytest-*.xml
# a daemon under valgrind is some 20 times slower
meson test -C "$build" --print-errorlogs --timeout-multiplier 6 "$@"
python3 "$top/tests/summarize.py" "$build"
