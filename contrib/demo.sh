#!/bin/sh
# Install what is missing, build postfs, and mount the bundled sample
# posts (contrib/sample-posts) at ./mnt.  Unmount with: fusermount3 -u mnt
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/contrib/install-deps.sh"
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
mkdir -p mnt
if mountpoint -q mnt; then
	fusermount3 -u mnt
fi
./build/fs/postfs contrib/sample-posts mnt
echo "postfs: the sample posts are mounted at $top/mnt"
echo "  look:     ls mnt mnt/posts mnt/by-tag; cat mnt/posts/trends-2024.json | jq .title"
echo "  browse:   python3 -m http.server -d mnt 8000   (then open http://localhost:8000/)"
echo "  unmount:  fusermount3 -u mnt"
