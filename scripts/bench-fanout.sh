#!/usr/bin/env bash
# Measures one lifecycle event reaching 5,000 websocket subscribers of one
# process (graphql-transport-ws on the real handler over loopback TCP): the
# latency from commit to each client's read (p50, p99, max; the bar is a p99
# under 250 ms) and the memory the server holds per idle subscriber. The
# clients run in a second process on the same machine, so they share its
# CPUs with the server but not its memory. EVENTS=n events per run (10 by
# default), COUNT=n runs (1);
# Postgres runs too when PEOPLEGRAPH_TEST_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."

events=${EVENTS:-10}
count=${COUNT:-1}
bar_ms=${BAR_MS:-250}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# Each process holds one socket per subscriber; the clients' process
# inherits the limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

go test -run '^$' -bench '^BenchmarkWebsocketFanOut5000$' -benchtime "${events}x" \
	-count "$count" -timeout 20m ./graph/ | tee "$out" | grep -E '^(Benchmark|---|FAIL|ok)|subscribers,|p50/p99'

status=0
while read -r name p99; do
	verdict="meets"
	if awk -v p="$p99" -v bar="$bar_ms" 'BEGIN { exit !(p >= bar) }'; then
		verdict="misses"
		status=1
	fi
	echo "$name: p99 ${p99} ms ${verdict} the ${bar_ms} ms bar"
done < <(awk '/^BenchmarkWebsocketFanOut5000/ {
	for (i = 1; i < NF; i++) if ($(i + 1) == "p99-ms") print $1, $i }' "$out")
exit "$status"
