#!/bin/sh
# bench ends with "advice: use -j N", the smallest pool measured within 5%
# of the fastest row, with why the next pool adds little; the JSON's advice
# follows from the JSON's own rows by that rule, and its text is the line
# printed. --repeat auto runs each configuration 3 times or more, and
# stops one early only once its median settled; --explain adds the memory
# probe at each pool size. The figures are timings: only their consistency
# is asserted, never their values.
. "$(dirname "$0")/lib.sh"

cpus=$(nproc)
over=$((cpus + 1))
expect_exit 0 "$PIXPOOL" bench "$SAMPLES" -f grayscale -j "1,2,$over" --repeat auto:4 \
	--explain --no-progress --json a.json >table.txt 2>err.txt

python3 - "$TOP/tests/data/bench.schema.json" a.json table.txt "$over" <<'PY' || fail "the advice does not follow from the rows"
import json, sys
import jsonschema
schema, doc = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
jsonschema.validate(doc, schema)
lines, over = open(sys.argv[3]).read().splitlines(), int(sys.argv[4])
rows, advice = doc["rows"], doc["advice"]

# The rule, from the rows alone: oversubscribed rows only when nothing else ran.
fits = [r for r in rows if "oversubscribed" not in r["warnings"]] or rows
best = max(r["megapixels_per_s"] for r in fits)
ok = [r for r in fits if r["megapixels_per_s"] * (1 + advice["threshold"]) >= best]
want = min(ok, key=lambda r: (r["workers"], -r["megapixels_per_s"]))
assert (advice["engine"], advice["workers"]) == (want["engine"], want["workers"]), (advice, want)
assert advice["megapixels_per_s"] == want["megapixels_per_s"]
assert advice["workers"] != over, "an oversubscribed pool was advised"

# The next pool: the smallest larger one of its engine (any parallel one after serial).
larger = [r for r in rows if r["workers"] > want["workers"] and
          (r["engine"] == want["engine"] or want["engine"] == "serial")]
nxt = min(larger, key=lambda r: r["workers"]) if larger else None
if nxt is None:
    assert advice["next"] is None
else:
    assert advice["next"]["workers"] == nxt["workers"], (advice["next"], nxt)
    gain = nxt["megapixels_per_s"] / want["megapixels_per_s"] - 1
    assert abs(advice["next"]["gain"] - gain) < 1e-6
    if nxt in fits:
        assert gain <= advice["threshold"] + 1e-9, gain
    if nxt["workers"] == over:
        assert advice["reason"] == "oversubscribed", advice

# The last paragraph printed is the JSON's text, wrapped.
at = max(i for i, l in enumerate(lines) if l.startswith("advice: "))
printed = " ".join(l.strip() for l in lines[at:])
assert printed == advice["text"], (printed, advice["text"])
assert advice["text"].startswith("advice: use -j %d" % advice["workers"])

# --repeat auto:4: 3 or 4 runs, fewer than 4 only once settled.
for r in rows:
    assert 3 <= r["runs"] <= 4, r
    assert r["runs"] == 4 or r["settled"], r
assert doc["job"]["until_stable"] is True and doc["job"]["repeat"] == 4

# --explain: a probe at 1 worker and at every pool size measured.
probes = {p["workers"] for p in doc["memory"]["probes"]}
assert {r["workers"] for r in rows} <= probes, probes
assert all(p["gb_per_s"] > 0 for p in doc["memory"]["probes"])
PY
grep -q "^memory: " table.txt || fail "--explain printed no memory probe"

# Usage errors for the new options.
expect_exit 2 "$PIXPOOL" bench "$SAMPLES" --repeat automatic 2>/dev/null
expect_exit 2 "$PIXPOOL" bench "$SAMPLES" --repeat auto:2 2>/dev/null
expect_exit 2 "$PIXPOOL" bench "$SAMPLES" --explain=yes 2>/dev/null
exit 0
