#!/bin/sh
# --manifest - writes the manifest to standard output as JSON lines: one
# object per image with the JSON manifest's fields, then one line with its
# schema, pixpool and run records; nothing else reaches standard output, and
# the summary and errors stay on standard error.
. "$(dirname "$0")/lib.sh"

make_mix in
expect_exit 1 "$PIXPOOL" in -o out --manifest - >lines.out 2>err.out
expect_exit 1 "$PIXPOOL" -q in -o out2 --manifest file.json 2>/dev/null
grep -q "images:" err.out || fail "no summary on stderr: $(cat err.out)"
python3 - lines.out file.json <<'PY' || fail "the JSON lines are not the manifest"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
if lines[-1] != "":
    sys.exit("the last line does not end")
rows = [json.loads(l) for l in lines[:-1]]
whole = json.load(open(sys.argv[2], encoding="utf-8"))
images, run = rows[:-1], rows[-1]
if len(images) != len(whole["images"]) or len(images) != run["run"]["images"]:
    sys.exit(f"{len(images)} image lines, manifest {len(whole['images'])}, run {run['run']['images']}")
if run["schema"] != whole["schema"] or set(run) != set(whole) - {"images"}:
    sys.exit(f"last line: {sorted(run)}")
if set(run["run"]) != set(whole["run"]):
    sys.exit(f"run record: {sorted(run['run'])}")
for a, b in zip(images, whole["images"]):
    if list(a) != list(b):
        sys.exit(f"fields {list(a)} not {list(b)}")
    if a["input"] != b["input"] or a["status"] != b["status"]:
        sys.exit(f"{a['input']} {a['status']} not {b['input']} {b['status']}")
counts = {}
for a in images:
    counts[a["status"]] = counts.get(a["status"], 0) + 1
if counts != {k: v for k, v in run["run"]["status"].items() if v}:
    sys.exit(f"statuses {counts} do not add up to {run['run']['status']}")
if "failed" not in counts:
    sys.exit("the broken JPEG is not there")
PY

# With -q, nothing but the lines either; no file named "-" is made.
expect_exit 1 "$PIXPOOL" -q in -o out3 --manifest - >q.out 2>q.err
[ "$(wc -l <q.out)" = "$(($(wc -l <lines.out)))" ] || fail "-q changed the lines"
[ ! -e ./- ] && [ ! -e out3/- ] || fail "a file named - was made"
