#!/bin/sh
# Run every test of postfs and print 'N passed, N failed' for all of them:
#   1. the gcc build (warnings are errors): unit, conformance, golden,
#      mount, site, ecosystem and hardening tests;
#   2. the same suite built with clang, AddressSanitizer and
#      UndefinedBehaviorSanitizer (any report fails its test), plus a
#      short run of every libFuzzer target (tests/sanitize.sh);
#   3. the mount tests with the daemon under valgrind (tests/valgrind.sh).
# It installs what is missing first (contrib/install-deps.sh).
#
#   tests/run-all.sh            everything (about 25 minutes on 2 cores)
#   QUICK=1 tests/run-all.sh    the gcc build's suite only
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/contrib/install-deps.sh" || exit 1

builds="$top/build"
[ -d build ] || meson setup build || exit 1
meson compile -C build || exit 1
rm -f build/meson-logs/pytest-*.xml
meson test -C build --print-errorlogs

if [ -z "${QUICK:-}" ]; then
	CC=clang "$top/tests/sanitize.sh" "$top/build-sanitize"
	"$top/tests/valgrind.sh" "$top/build-valgrind"
	builds="$builds $top/build-sanitize $top/build-valgrind"
fi
# shellcheck disable=SC2086
python3 "$top/tests/summarize.py" $builds
