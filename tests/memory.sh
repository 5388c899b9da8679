# Sourced by the memory tests (t0385, t0386), after lib.sh: two 1.5 MP
# photos in in/ and a tiny image in tiny/, and the helpers that compare
# what the dry run estimates with what a run's manifest measured.
mkdir in
for n in 1 2; do
	"$PIXPOOL" -q -f resize:width=1500,height=1000 --format jpg "$SAMPLES/png/chelsea.png" \
		-o tmp-$n || fail "cannot make a 1.5 MP photo"
	mv tmp-$n/chelsea.jpg in/photo-$n.jpg
done
"$PIXPOOL" -q -f resize:width=8,height=8 "$SAMPLES/png/chelsea.png" -o tiny ||
	fail "cannot make a tiny image"

# Sanitizers reserve and keep memory of their own: there only the estimates
# and the order are checked, not the peaks.
rss=1
ldd "$PIXPOOL" 2>/dev/null | grep -q 'lib[at]san' && rss=0

# estimates NAME ARGS...: the dry run's estimate for each image, "INPUT MB" in NAME.
estimates() {
	name=$1
	shift
	"$PIXPOOL" --dry-run -v "$@" -o dry >$name.dry 2>/dev/null || fail "$name: dry run failed"
	sed -n 's/^\(.*\) -> .* (needs about \([0-9.]*\) MB)$/\1 \2/p' $name.dry >$name.est
	[ -s $name.est ] || fail "$name: the dry run printed no estimate: $(cat $name.dry)"
}

# within NAME IDLE MB: fails unless each image in the manifest NAME.json is
# ok and estimated at MB, its peak (less IDLE's) is within its estimate
# (NAME.est), and no two images' work overlaps in time.
within() {
	python3 - "$1" "$2" "$3" "$rss" <<'PY' || fail "$1: over the budget or the estimate"
import json, sys
name, idle, want, rss = sys.argv[1:]
rows = json.load(open(name + ".json"))["images"]
idle = json.load(open(idle + ".json"))["images"][0]["peak_rss_mb"]
est = dict(line.rsplit(" ", 1) for line in open(name + ".est").read().splitlines())
assert rows and all(r["status"] == "ok" for r in rows), rows
for r in rows:
    mb = float(est[r["input"]])
    assert abs(mb - float(want)) < 0.5, f"{r['input']}: estimated {mb} MB, not {want}"
    peak = (r["peak_rss_mb"] - idle) * 2**20 / 1e6
    assert rss == "0" or peak <= mb, f"{r['input']}: peak {peak:.1f} MB over its estimate {mb} MB"
spans = sorted((r["start_ms"], r["start_ms"] + r["total_ms"], r["input"]) for r in rows)
for (s0, e0, a), (s1, e1, b) in zip(spans, spans[1:]):
    assert e0 <= s1, f"{a} ({s0:.1f}..{e0:.1f} ms) overlaps {b} ({s1:.1f}..{e1:.1f} ms)"
PY
}

