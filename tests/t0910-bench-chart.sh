#!/bin/sh
# bench's chart spans the pools measured (its x axis starts at the smallest,
# not at 0), shifts each backend's series so bars at the same pool size do
# not hide each other, and names the Amdahl fit on the chart. Pools larger
# than the usable CPUs are warned about before the runs, flagged in the
# table, the JSON and the CSV, and shaded and written under the chart. The
# figures are timings: no test asserts their values, and whether runs
# spread over 1.2x is left to the machine; only its flag is checked to
# follow from the JSON's own figures.
. "$(dirname "$0")/lib.sh"

cpus=$(nproc)
over=$((cpus + 1))
mkdir tmp
TMPDIR=$SCRATCH/tmp expect_exit 0 "$PIXPOOL" bench "$SAMPLES" -f grayscale -j "1,$over" \
	--backend process,openmp --repeat 1 --no-warmup --json b.json --csv b.csv --svg b.svg \
	>table.txt 2>err.txt
cat err.txt

grep -q "^pixpool: warning: -j $over is more workers than the $cpus CPU" err.txt ||
	fail "no warning before the runs that -j $over oversubscribes $cpus CPUs"
[ "$(grep -c "^\(process\|openmp\) *$over .*! .*oversubscribed" table.txt)" = 2 ] ||
	fail "the table does not flag both pools of $over: $(cat table.txt)"
grep -q "^warning: process $over, openmp $over: more workers than the $cpus CPU" table.txt ||
	fail "no warning under the table: $(cat table.txt)"
grep -q "^process,$over,.*,oversubscribed$" b.csv || fail "b.csv does not flag process $over"
grep -q "^process,1,.*[0-9],$" b.csv || fail "b.csv flags process 1, or has no warnings column"

python3 - "$TOP/tests/data/bench.schema.json" b.json "$over" <<'PY' || fail "b.json is wrong"
import json, sys
import jsonschema
schema, doc, over = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
jsonschema.validate(doc, schema)
for r in doc["rows"]:
    assert r["spread"] == r["wall_s_max"] / r["wall_s_min"] or abs(r["spread"] - r["wall_s_max"] / r["wall_s_min"]) < 1e-6, r
    assert ("noisy" in r["warnings"]) == (r["spread"] > 1.2), r
    assert ("oversubscribed" in r["warnings"]) == (r["workers"] == over), r
PY

xmllint --noout b.svg || fail "b.svg is not well-formed XML"
python3 - b.svg "$over" <<'PY' || fail "b.svg is wrong"
import sys
import xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root, over = ET.parse(sys.argv[1]).getroot(), int(sys.argv[2])
groups = {g.get("class"): g for g in root.iter("{http://www.w3.org/2000/svg}g")}

# The x axis: ticks at the pools measured, the first at the smallest, none at 0.
ticks = [t.text for t in groups["ticks x"].findall("s:text", ns)]
assert ticks == ["1", str(over)], ticks

# Bars at the same pool size, one per backend, at different x.
def bars(backend):
    return [float(l.get("x1")) for l in groups["series " + backend].findall("s:line", ns)
            if l.get("class") == "spread"]
serial, process, openmp = bars("serial"), bars("process"), bars("openmp")
assert len(process) == 2 and len(openmp) == 2 and len(serial) == 1, (process, openmp, serial)
assert process[0] != openmp[0] and process[1] != openmp[1], (process, openmp)
assert serial[0] not in (process[0], openmp[0]), (serial, process, openmp)

# The fit is a solid line, named on the chart itself.
amdahl = groups["amdahl"]
line = amdahl.find("s:polyline", ns)
assert line.get("stroke-dasharray") is None and float(line.get("stroke-width")) >= 2
assert amdahl.find("s:text", ns).text.startswith("Amdahl fit, f = ")

# The oversubscribed range is shaded, and the warnings are written under the chart.
assert "oversubscribed" in groups
text = " ".join(t.text for t in groups["warnings"].findall("s:text", ns))
assert "more workers than the" in text, text
flags = [t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "flag"]
assert len(flags) >= 2, len(flags)
PY

# Pools within the CPUs: no warning anywhere.
TMPDIR=$SCRATCH/tmp expect_exit 0 "$PIXPOOL" bench "$SAMPLES" -f grayscale -j 1 \
	--backend process --repeat 1 --no-warmup --svg quiet.svg >quiet.txt 2>quiet.err
grep -q 'oversubscri' quiet.err quiet.txt quiet.svg && fail "a warning for a pool of 1"
exit 0
