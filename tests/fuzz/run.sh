#!/bin/sh
# tests/fuzz/run.sh BUILD SECONDS: runs BUILD/fuzz-decode for SECONDS from a
# scratch copy of tests/fuzz/seeds, and fails on any finding (a crash, a
# sanitizer report, a leak, an input over the time or memory limits), which
# libFuzzer writes to BUILD/findings/. Ends with what it ran: executions and
# coverage.
set -u
B=$1
seconds=${2:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
corpus="$top/$B/corpus"
findings="$top/$B/findings"
log="$top/$B/fuzz.log"
rm -rf "$corpus" "$findings"
mkdir -p "$corpus" "$findings"
cp "$top"/tests/fuzz/seeds/* "$corpus"/
echo "== fuzzing the decode path for $seconds s ($B/fuzz-decode)"
"$top/$B/fuzz-decode" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
	-max_len=262144 -print_final_stats=1 -artifact_prefix="$findings/" \
	"$corpus" >"$log" 2>&1
rc=$?
grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -n 1
grep -E 'stat::number_of_executed_units|stat::new_units_added' "$log"
if [ $rc != 0 ] || [ -n "$(ls -A "$findings")" ]; then
	tail -n 40 "$log"
	echo "FAILED  fuzz: findings in $B/findings (log: $B/fuzz.log)"
	exit 1
fi
echo "ok      fuzz: $(ls "$corpus" | wc -l | tr -d ' ') inputs in the corpus, no finding"
