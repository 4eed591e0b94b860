#!/bin/sh
# Run every test of postfs: install what is missing, build, run the unit,
# conformance and mount tests, and print 'N passed, N failed'.
#
#   tests/run-all.sh            build in ./build and test
#   BUILD=dir tests/run-all.sh  use another build folder
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build}
"$top/contrib/install-deps.sh" || exit 1
[ -d "$build" ] || meson setup "$build" || exit 1
meson compile -C "$build" || exit 1
rm -f "$build"/meson-logs/pytest-*.xml
meson test -C "$build" --print-errorlogs
python3 "$top/tests/summarize.py" "$build"
