#!/bin/sh
# Install what postfs needs to build and test, on Debian 12 (bookworm).
#
# md4c >= 0.5.2 is required: Debian 12 ships 0.4.8, which predates fixes
# for fuzz-found buffer overflows.  Debian 13's md4c packages need only
# libc, so they are taken from Debian 13's archive, pinned so that
# nothing else comes from there.  The archive's address is read from
# this machine's own apt sources.
set -eu

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps.sh: run as root (sudo $0)" >&2
		exit 1
	fi
}

PKGS="build-essential meson ninja-build pkg-config python3 \
libfuse3-dev fuse3 libyaml-dev libjansson-dev \
python3-pytest jq attr clang libclang-rt-14-dev valgrind \
libxml2-utils python3-feedparser chromium fonts-dejavu-core \
nginx-light libglib2.0-bin shared-mime-info groff-base man-db \
bash-completion systemd git tzdata"

missing=""
for p in $PKGS libmd4c-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
md4c_ok=0
if pkg-config --atleast-version=0.5.2 md4c 2>/dev/null; then
	md4c_ok=1
fi
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -z "$missing" ] && [ "$md4c_ok" = 1 ]; then
	exit 0
fi
need_root
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q $PKGS
# the browser test drives chromium with playwright-core from npm; a
# NodeSource nodejs already brings npm, and Debian's npm would clash
command -v npm >/dev/null 2>&1 || apt-get install -y -q nodejs npm

if [ "$md4c_ok" = 0 ]; then
	# The URI of the main Debian archive in this machine's sources, in
	# either the deb822 (.sources) or the one-line (.list) format.
	uri=""
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '/^URIs:/ {u=$2} /^Suites:/ && /(^| )bookworm( |$)/ && u != "" {print u; exit}' "$f")
		[ -n "$uri" ] && break
	done
	if [ -z "$uri" ]; then
		uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		      awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}')
	fi
	if [ -z "$uri" ]; then
		echo "install-deps.sh: no Debian bookworm archive in the apt sources" >&2
		exit 1
	fi
	cat > /etc/apt/sources.list.d/postfs-trixie.sources <<EOT
Types: deb
URIs: $uri
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	cat > /etc/apt/preferences.d/postfs-md4c <<EOT
Package: libmd4c-dev libmd4c0 libmd4c-html0 libmd4c-html0-dev
Pin: release n=trixie
Pin-Priority: 990

Package: *
Pin: release n=trixie
Pin-Priority: -10
EOT
	apt-get update -q
	apt-get install -y -q libmd4c-dev libmd4c0 libmd4c-html0 libmd4c-html0-dev
fi
