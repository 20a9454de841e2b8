#!/usr/bin/env bash
# make demo: start fleetsim with the demo fleet on a free loopback port, open
# fleetmux on it with the credentials fleetsim prints, and stop fleetsim when
# fleetmux exits. Before fleetmux exists, runs fleetsim in the foreground.
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
sim="$BUILD/fleetsim"
mux="$BUILD/fleetmux"

if [ ! -x "$mux" ]; then
	echo "demo: fleetmux is not built yet; running fleetsim in the foreground (Ctrl-C stops it)"
	exec "$sim" --listen 127.0.0.1:0 --fleet tests/fixtures/demo-fleet.json
fi

# The demo is a session of its own, "demo": detached (C-b d), it goes on,
# and so does the fleetsim it needs; make demo again attaches to it.
if "$mux" ls 2>/dev/null | grep -q '^demo:'; then
	echo "demo: the demo's session is still running (detached): attaching"
	exec "$mux" attach -t demo
fi

out=$(mktemp)
# The same fleet is served as ECI and, with --k8s, as a Kubernetes API
# whose kubeconfig has a context a region: both side by side in one sidebar.
demo_dir=$(mktemp -d)
kubeconfig=$demo_dir/kubeconfig
"$sim" --listen 127.0.0.1:0 --fleet tests/fixtures/demo-fleet.json --quiet \
	--k8s --write-kubeconfig "$kubeconfig" >"$out" 2>"$out.err" &
pid=$!
env_file="$BUILD/demo.env"
cleanup() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$out" "$out.err" "$env_file"; rm -rf "$demo_dir"; }
trap cleanup EXIT
for _ in $(seq 100); do
	grep -q endpoint= "$out" && break
	kill -0 "$pid" 2>/dev/null || { cat "$out.err" >&2; exit 1; }
	sleep 0.05
done
line=$(head -1 "$out")
endpoint=$(echo "$line" | sed -E 's/.*endpoint=([^ ]+).*/\1/')
key=$(echo "$line" | sed -E 's/.*access-key-id=([^ ]+).*/\1/')
secret=$(echo "$line" | sed -E 's/.*access-key-secret=([^ ]+).*/\1/')
# For a second terminal while the demo runs (`. build/demo.env`, then
# `fleetmux logs ...` or `fleetmux run ...` on the same fleet).
case $BUILD in /*) bindir=$BUILD ;; *) bindir=$PWD/$BUILD ;; esac
cat >"$env_file" <<ENV
export FLEETMUX_ECI_ENDPOINT=$endpoint
export ALIBABA_CLOUD_ACCESS_KEY_ID=$key
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=$secret
export KUBECONFIG=$kubeconfig
export PATH="$bindir:\$PATH"
ENV
# Both providers, from a config of the demo's own (the user's is left alone).
cat >"$demo_dir/config" <<CONF
[provider "eci"]
type = eci
endpoint = $endpoint

[provider "k8s"]
type = kubernetes
kubeconfig = $kubeconfig
CONF
rc=0
ALIBABA_CLOUD_ACCESS_KEY_ID=$key ALIBABA_CLOUD_ACCESS_KEY_SECRET=$secret \
	"$mux" new -s demo --config "$demo_dir/config" "${@:2}" || rc=$?
if "$mux" ls 2>/dev/null | grep -q '^demo:'; then
	# Detached: fleetsim stays while the session does, and goes with it.
	trap - EXIT
	setsid sh -c 'while "$0" ls 2>/dev/null | grep -q "^demo:"; do sleep 2; done
		kill "$1" 2>/dev/null; rm -f "$2" "$2.err" "$3"; rm -rf "$4"' \
		"$mux" "$pid" "$out" "$env_file" "$demo_dir" </dev/null >/dev/null 2>&1 &
	echo "demo: the session goes on detached, with fleetsim (pid $pid) serving it:"
	echo "      $mux attach -t demo (or make demo) comes back; C-b Q there ends both."
fi
exit "$rc"
