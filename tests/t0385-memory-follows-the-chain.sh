#!/bin/sh
# The memory estimate (README, Memory) counts what the chain makes of an
# image: three buffers of 4 bytes a pixel of the largest image along it
# (four when writing PNG), plus the file. Two 1.5 MP photos resized to three
# times their width hold 13.5 MP each: about 162 MB each, over a 100 MB
# budget, so they never run together, under every backend and channel; and
# no image's peak resident memory, less that of the idle program, passes the
# estimate the run's parent printed for it. (Counted from the decoded image
# alone, the estimate was 18 MB each: both ran at once, and each took more.)
. "$(dirname "$0")/lib.sh"
need_backend serial process openmp

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

# Resized to 4500x3000: 12 x 13.5 MP, plus a file of some 0.2 MB.
estimates up -f resize:width=4500 in
"$PIXPOOL" -q -b serial -f resize:width=4500 in -o ref || fail "serial run failed"
run() {
	name=$1
	shift
	backend_wanted "$1" || return 0
	"$PIXPOOL" -q -b "$@" -j 2 -f invert tiny -o idle-$name --manifest idle-$name.json ||
		fail "$name: idle run failed"
	"$PIXPOOL" -q -b "$@" -j 2 --mem-limit 100M -f resize:width=4500 in -o out-$name \
		--manifest $name.json || fail "$name: run failed"
	cp up.est $name.est
	within $name idle-$name 162.2
	same_tree ref out-$name
}
run serial serial
run pipe process --ipc pipe
run shm process --ipc shm
run openmp openmp
# The rest runs one process worker, measured against idle-pipe's baseline;
# without the process engine, the runs above are all this test checks.
backend_wanted process || exit 0

# PNG's encoder holds a fourth buffer: 16 x 13.5 MP.
estimates png -f resize:width=4500 --format png in
"$PIXPOOL" -q -b process -j 1 -f resize:width=4500 --format png in -o out-png \
	--manifest png.json || fail "png: run failed"
within png idle-pipe 216.2

# A phone's portrait photo, stored 1500x1000 with EXIF Orientation 6, is
# 1000x1500 upright: the same width makes it 4500x6750, 12 x 30.4 MP.
python3 - in/photo-1.jpg portrait/photo.jpg <<'PY' || fail "cannot make the portrait JPEG"
import os, struct, sys
data = open(sys.argv[1], "rb").read()
tiff = b"MM" + struct.pack(">HI", 42, 8) + struct.pack(">H", 1) \
    + struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0) + struct.pack(">I", 0)
app1 = b"Exif\0\0" + tiff
os.makedirs(os.path.dirname(sys.argv[2]))
open(sys.argv[2], "wb").write(data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + data[2:])
PY
estimates portrait -f resize:width=4500 portrait
"$PIXPOOL" -q -b process -j 1 -f resize:width=4500 portrait -o out-portrait \
	--manifest portrait.json || fail "portrait: run failed"
within portrait idle-pipe 364.7
estimates stored --no-autoorient -f resize:width=4500 portrait
grep -q ' 162\.[0-9]$' stored.est || fail "--no-autoorient: $(cat stored.est)"
exit 0
