#!/bin/sh
# --progress=json writes one JSON event a line on stderr: start, one "image"
# event per image (whatever became of it: written, failed, found done), end;
# the counts add up, every image appears once, and a name with quotes, a
# line break and control bytes comes back byte for byte, escaped as the
# manifest escapes it. No progress line is drawn, even with --progress too.
. "$(dirname "$0")/lib.sh"

make_mix in
odd=$(printf 'in/a"b\nc\001d\033[31m.png')
cp "$SAMPLES/png/horse.png" "$odd" || fail "cannot make the odd name"

# events FILE STATUS...: checks the events in FILE; the images' statuses, sorted.
events() {
	python3 - "$@" <<'PY' || fail "$1: bad events: $(cat "$1")"
import json, os, sys
events = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.startswith("{")]
start, images, end = events[0], events[1:-1], events[-1]
assert start == {"event": "start", "total": start["total"]}, start
assert end["event"] == "end" and all(e["event"] == "image" for e in images), events
total = start["total"]
assert [e["done"] for e in images] == list(range(1, total + 1)), [e["done"] for e in images]
assert all(e["total"] == total for e in images) and end["done"] == end["total"] == total
paths = sorted(e["path"] for e in images)
walked = sorted(os.path.join(d, f) for d, _, fs in os.walk("in") for f in fs)
assert paths == walked, (paths, walked)
counts = {}
for e in images:
    counts[e["status"]] = counts.get(e["status"], 0) + 1
    assert (e["error"] is not None) == (e["status"] not in ("ok", "exists")), e
    assert isinstance(e["ms"], float), e
assert counts == {k: v for k, v in end["status"].items() if v}, (counts, end)
assert sorted(counts) == sorted(sys.argv[2:]), counts
PY
}

for e in serial process openmp; do
	backend_wanted $e || continue
	expect_exit 1 "$PIXPOOL" -e $e --progress --progress=json in -o out-$e 2>ev-$e
	events ev-$e ok failed
	grep -q "$(printf '\r')" ev-$e && fail "$e: a progress line was drawn"
	first=${first:-out-$e}
done

# Found done: an "exists" event each, and the broken one fails again.
expect_exit 1 "$PIXPOOL" -q --skip-existing --progress=json in -o ${first:-out} 2>ev-resume
events ev-resume exists failed

# The odd name: its exact bytes from "path", and "path_hex" null (it is UTF-8).
python3 - ev-resume "$odd" <<'PY' || fail "the odd name was not escaped"
import json, sys
raw = open(sys.argv[1], "rb").read()
assert b"\x01" not in raw and b"\x1b" not in raw, "raw control bytes on stderr"
for line in raw.decode("utf-8").split("\n"):
    if line.startswith("{") and '"image"' in line:
        e = json.loads(line)
        if e["path"] == sys.argv[2]:
            assert e["path_hex"] is None, e
            break
else:
    sys.exit("no event for the odd name")
PY

# Interrupted: the images that never started still get their one event,
# "skipped", before "end".
if backend_wanted process; then
	PIXPOOL_TEST_STALL=chelsea "$PIXPOOL" -e process -j 1 --timeout 3 --progress=json \
		in -o stopped 2>ev-stopped &
	run=$!
	wait_for_process pixpool-stall $run >/dev/null || { kill $run; fail "no worker stalled"; }
	kill -INT $run
	wait $run
	[ $? = 130 ] || fail "interrupted: not exit 130: $(cat ev-stopped)"
	python3 - ev-stopped <<'PY' || fail "interrupted: bad events: $(cat ev-stopped)"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.startswith("{")]
images = [e for e in events if e["event"] == "image"]
assert events[-1]["event"] == "end" and len(images) == events[0]["total"], events
assert len({e["path"] for e in images}) == len(images), "an image twice"
assert any(e["status"] == "skipped" for e in images), "none skipped"
PY
fi
