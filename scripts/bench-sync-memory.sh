#!/usr/bin/env bash
# Measures the peak memory of a full sync of a large simulated company
# (100,000 people by default; PEOPLE=n to change) into a SQLite file. The
# simulator runs in its own process so that only the sync is measured; the
# figure is the sync process's maximum resident set size, compared with the
# 512 MiB bar.
set -euo pipefail
cd "$(dirname "$0")/.."

people=${PEOPLE:-100000}
limit_mib=${LIMIT_MIB:-512}
token=bench-sync-memory
tmp=$(mktemp -d)
sim_pid=
cleanup() {
	if [[ -n "$sim_pid" ]]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/peoplegraph" .
go test -c -o "$tmp/hrsync.test" ./internal/hrsync

"$tmp/peoplegraph" humaans-sim -addr 127.0.0.1:0 -people "$people" -token "$token" \
	>"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!
url=
for _ in $(seq 1 600); do
	url=$(sed -n 's/^humaans-sim listening on //p' "$tmp/sim.out")
	[[ -n "$url" ]] && break
	kill -0 "$sim_pid" 2>/dev/null || { cat "$tmp/sim.err" >&2; exit 1; }
	sleep 0.5
done
[[ -n "$url" ]] || { echo "simulator did not start" >&2; exit 1; }
echo "simulator: $people people at $url"

PEOPLEGRAPH_MEMORY_SIM_URL=$url PEOPLEGRAPH_MEMORY_SIM_TOKEN=$token \
	/usr/bin/time -v "$tmp/hrsync.test" -test.run '^TestSyncPeakMemory$' -test.v \
	-test.timeout 30m 2>"$tmp/time.txt" | grep -E 'synced|^(---|ok|PASS|FAIL)'

rss_kib=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
wall=$(sed -n 's/.*Elapsed (wall clock) time.*: \([0-9:.]*\)$/\1/p' "$tmp/time.txt")
rss_mib=$((rss_kib / 1024))
echo "sync of $people people: max RSS ${rss_mib} MiB, wall ${wall} (bar: ${limit_mib} MiB)"
if ((rss_mib > limit_mib)); then
	echo "over the memory bar" >&2
	exit 1
fi
