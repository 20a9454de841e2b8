#!/bin/sh
# Installs the Debian packages fleetmux needs to build, test and demo.
# Idempotent: installs only what is missing, and says what it installs.
# Usage: scripts/deps.sh [build|test]   (default: test, which is a superset)
set -eu

want=${1:-test}

build_pkgs="make gcc pkg-config libncurses-dev libvterm-dev libwebsockets-dev
 libcurl4-openssl-dev libssl-dev libuv1-dev libcjson-dev libinih-dev libyaml-dev"
test_pkgs="libcmocka-dev tmux python3 python3-websockets clang
 libclang-rt-14-dev valgrind nodejs npm docker.io busybox-static procps
 asciinema vim less htop openssl vttest"

case "$want" in
build) pkgs=$build_pkgs ;;
test) pkgs="$build_pkgs $test_pkgs" ;;
*) echo "deps.sh: unknown set '$want' (build or test)" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
	# nodejs and npm may come from outside Debian; accept the commands.
	case "$p" in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps.sh: need root (or sudo) to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Another apt-get (a second make, a desktop updater) holds the lock for a
# while: wait for it rather than fail.
APT="apt-get -o DPkg::Lock::Timeout=600"
$SUDO $APT update -qq
# shellcheck disable=SC2086
$SUDO $APT install -y -qq --no-install-recommends $missing
