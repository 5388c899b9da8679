#!/bin/sh
# --mem-limit: the images in flight together never need more than the
# budget. Four photos of about 65 MB each (written as PNG: 16 bytes a
# pixel, cost.h) under a 100 MB budget never run two at a time, whatever
# -j says, under every backend and channel: in the manifest, no two images'
# work overlaps. A giant over the whole budget still runs, alone. Outputs
# are the same bytes as without a limit.
. "$(dirname "$0")/lib.sh"
need_backend process openmp

mkdir in
for w in 2000 2010 2020 2030; do
	"$PIXPOOL" -q -f resize:width=$w --format png "$SAMPLES/png/camera.png" -o tmp-$w ||
		fail "cannot make a $w px photo"
	mv tmp-$w/camera.png in/photo-$w.png
done
"$PIXPOOL" -q -f resize:width=3000 --format png "$SAMPLES/png/camera.png" -o tmp-giant ||
	fail "cannot make the giant"
mv tmp-giant/camera.png in/giant.png
"$PIXPOOL" -q -b serial -f grayscale in -o ref || fail "serial run failed"

# no_overlap MANIFEST: fails if any two images' work overlaps in time.
no_overlap() {
	python3 - "$1" <<'PY' || fail "$1: images ran together beyond the budget"
import json, sys
rows = json.load(open(sys.argv[1]))["images"]
assert len(rows) == 5 and all(r["status"] == "ok" for r in rows), rows
spans = sorted((r["start_ms"], r["start_ms"] + r["total_ms"], r["input"]) for r in rows)
for (s0, e0, a), (s1, e1, b) in zip(spans, spans[1:]):
    assert e0 <= s1, f"{a} ({s0:.1f}..{e0:.1f} ms) overlaps {b} ({s1:.1f}..{e1:.1f} ms)"
PY
}

run() {
	name=$1
	shift
	backend_wanted "$1" || return 0
	"$PIXPOOL" -q -b "$@" -j 3 --mem-limit 100M -f grayscale in -o out-$name \
		--manifest $name.json || fail "$name: run failed"
	no_overlap $name.json
	same_tree ref out-$name
}

run pipe process --ipc pipe
run shm process --ipc shm
run openmp openmp

# The option is checked before anything runs.
expect_exit 2 "$PIXPOOL" --mem-limit 12Q in -o refused 2>err
grep -q -- '--mem-limit 12Q: not a size' err || fail "no usage error for a bad size"
[ ! -e refused ] || fail "a refused run wrote something"
exit 0
