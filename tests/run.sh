#!/usr/bin/env bash
# Runs every test suite and ends with one line: "N passed, N failed".
# A suite that cannot run (a missing tool, a crash) counts as failed, loudly:
# nothing here passes by skipping.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
passed=0
failed=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

note() { printf '%s\n' "$*" >&2; }

# Unit tests (cmocka, TAP output).
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	CMOCKA_MESSAGE_OUTPUT=tap "$t" >"$log/$name" 2>&1
	rc=$?
	ok=$(grep -c '^ok ' "$log/$name")
	bad=$(grep -c '^not ok ' "$log/$name")
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1 # crashed before it could say
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$bad" -ne 0 ]; then
		note "FAIL unit $name:"
		cat "$log/$name" >&2
	else
		note "ok   unit $name ($ok)"
	fi
done

# Integration tests: fleetsim over the wire (python3-websockets as the peer).
if /usr/bin/python3 -c 'import websockets' 2>/dev/null; then
	/usr/bin/python3 tests/integration/run.py >"$log/python" 2>&1
	line=$(grep -E '^python: [0-9]+ passed, [0-9]+ failed' "$log/python" | tail -1)
	if [ -z "$line" ]; then
		note "FAIL integration: the Python suite did not finish:"
		cat "$log/python" >&2
		failed=$((failed + 1))
	else
		p=$(echo "$line" | sed -E 's/python: ([0-9]+) passed, ([0-9]+) failed/\1/')
		f=$(echo "$line" | sed -E 's/python: ([0-9]+) passed, ([0-9]+) failed/\2/')
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$f" -ne 0 ]; then
			note "FAIL integration:"
			grep -vE '\.\.\. ok$' "$log/python" >&2
		else
			note "ok   integration ($p)"
		fi
	fi
else
	note "FAIL integration: /usr/bin/python3 cannot import websockets (run scripts/deps.sh test)"
	failed=$((failed + 1))
fi

# Alibaba's own Node SDK and the official Kubernetes client against fleetsim.
if command -v node >/dev/null && command -v npm >/dev/null; then
	if [ ! -d tests/node/node_modules/@alicloud/pop-core ] ||
		[ ! -d tests/node/node_modules/@kubernetes/client-node ]; then
		(cd tests/node && npm ci --no-audit --no-fund >"$log/npm" 2>&1) ||
			(cd tests/node && npm install --no-audit --no-fund >>"$log/npm" 2>&1)
	fi
	node --test tests/node/ >"$log/node" 2>&1
	p=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$log/node")
	f=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$log/node")
	if [ -z "$p" ] || [ -z "$f" ]; then
		note "FAIL node: the Node suites (pop-core, client-node) did not run:"
		cat "$log/npm" "$log/node" >&2 2>/dev/null
		failed=$((failed + 1))
	else
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$f" -ne 0 ]; then
			note "FAIL node:"
			cat "$log/node" >&2
		else
			note "ok   node pop-core and client-node ($p)"
		fi
	fi
else
	note "FAIL node: node and npm are needed for the pop-core test (run scripts/deps.sh test)"
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
