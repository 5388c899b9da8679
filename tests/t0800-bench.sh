#!/bin/sh
# pixpool bench runs every configuration --repeat times, writes JSON that
# matches its schema, a well-formed SVG with one series per engine and a CSV
# with one line per configuration, and cleans up its scratch outputs; a
# broken input is named once over all the runs. The figures themselves are
# timings, so no test asserts their values.
. "$(dirname "$0")/lib.sh"

cp -R "$SAMPLES" in
nimages=$(find in -name '*.jpg' -o -name '*.png' | wc -l | tr -d ' ')
mkdir tmp

TMPDIR=$SCRATCH/tmp expect_exit 0 "$PIXPOOL" bench in -f grayscale -j 1,2 \
	--engine process,serial --repeat 2 --wide --json b.json --svg b.svg --csv b.csv >table.txt
grep -q "Karp-Flatt" table.txt || fail "the wide table has no Karp-Flatt column"
grep -q "^Amdahl: serial fraction .* projected, not measured" table.txt ||
	fail "no Amdahl fit under the table, or its projections not said to be projections"
grep -q "^1-worker serial time .* walk .* decode .* filter .* encode .* write .* overhead" \
	table.txt || fail "no breakdown of the 1-worker time"
grep -q "^machine: .* logical CPUs" table.txt || fail "no machine in the header"
grep -q "^cpus: .* usable (affinity\|cgroup quota\|SLURM_CPUS_PER_TASK)" table.txt ||
	fail "the header does not say how many CPUs are usable and why"
tail -n 1 table.txt | grep -q "^advice: use -j [12]: " || fail "the last line is not the advice"
[ "$(count_files tmp)" = 0 ] && [ -z "$(ls -A tmp)" ] || fail "the scratch outputs were left behind"

# Serial runs at 1 worker only: (serial 1, process 1, process 2) x 2 repeats.
version=$(sed -n 's/^#define PIXPOOL_VERSION "\(.*\)"$/\1/p' "$TOP/src/base/version.h")
python3 - "$TOP/tests/data/bench.schema.json" b.json "$nimages" "$version" <<'PY' || fail "bench.json is wrong"
import json, sys
import jsonschema
schema, doc, n = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
jsonschema.Draft7Validator.check_schema(schema)
jsonschema.validate(doc, schema)
assert doc["version"] == sys.argv[4], doc["version"]
runs = [(r["engine"], r["workers"]) for r in doc["runs"]]
assert len(runs) == 3 * 2, runs
assert sorted(set(runs)) == [("process", 1), ("process", 2), ("serial", 1)], runs
assert all(r["images_ok"] == n and r["images_failed"] == 0 for r in doc["runs"])
assert doc["warmup"] is not None and doc["cache"]["after_warmup"] is not None
rows = doc["rows"]
assert [(r["engine"], r["workers"]) for r in rows] == [("serial", 1), ("process", 1), ("process", 2)]
assert rows[0]["speedup"] == 1 and rows[0]["karp_flatt"] is None
assert all(r["runs"] == 2 for r in rows)
assert doc["job"]["output"] is None and doc["job"]["images"] == n
assert [p["workers"] for p in doc["amdahl"]["predictions"]] == [4, 8]
assert all(p["measured"] is False for p in doc["amdahl"]["predictions"])
assert doc["machine"]["usable_cpus"] <= doc["machine"]["allowed_cpus"]
assert doc["memory"] is None and doc["job"]["explain"] is False
PY

xmllint --noout b.svg || fail "b.svg is not well-formed XML"
for be in serial process; do
	[ "$(grep -c "class=\"series $be\"" b.svg)" = 1 ] || fail "b.svg has not one $be series"
done
grep -q 'class="series openmp"' b.svg && fail "b.svg draws an engine that did not run"
grep -q 'class="ideal"' b.svg || fail "b.svg has no ideal line"
grep -q 'class="amdahl"' b.svg || fail "b.svg has no Amdahl curve"

[ "$(wc -l <b.csv | tr -d ' ')" = 4 ] || fail "b.csv is not a header and 3 rows"
head -n 1 b.csv | grep -q "^engine,workers,runs,wall_s_median," || fail "b.csv has no header"
cut -d, -f1,2 b.csv | tail -n 3 | tr '\n' ' ' | grep -qx "serial,1 process,1 process,2 " ||
	fail "b.csv rows are not serial 1, process 1, process 2"

# With -o the outputs stay, one per image; a range is a list of sizes.
expect_exit 0 "$PIXPOOL" bench in -f grayscale -j 1..2 --repeat 1 --no-warmup -o kept \
	--json k.json >/dev/null
[ "$(count_files kept)" = "$nimages" ] || fail "-o kept $(count_files kept) files, not $nimages"
python3 - k.json <<'PY' || fail "k.json is wrong"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["job"]["output"] == "kept" and doc["job"]["workers"] == [1, 2]
assert doc["warmup"] is None and doc["cache"]["after_warmup"] is None
assert len(doc["runs"]) == 3
PY

# A broken file among good ones is named once, not once per run, whichever
# engine meets it first; the others are still measured, and the exit status
# and the last line say that images failed: (serial 1, process 1 and 2,
# openmp 1 and 2) x 2 repeats, the warm-up not counted.
cp -R in mixed
printf '\377\330\377\340 not a JPEG after all' >mixed/broken.jpg
expect_exit 1 "$PIXPOOL" bench mixed -f grayscale -j 1,2 --engine process,openmp \
	--repeat 2 --json m.json >/dev/null 2>m.err
[ "$(grep -c 'broken\.jpg' m.err)" = 1 ] || fail "broken.jpg is not named once: $(cat m.err)"
grep -q '^pixpool: mixed/broken\.jpg: ' m.err || fail "the error does not begin with the file"
[ "$(grep -c '^pixpool: ' m.err)" = 2 ] || fail "more than the broken file and the total: $(cat m.err)"
tail -n 1 m.err | grep -q '^pixpool: 10 images failed over all runs' ||
	fail "the last line does not count 10 failed images: $(cat m.err)"
python3 - m.json "$nimages" <<'PY' || fail "m.json is wrong"
import json, sys
doc, n = json.load(open(sys.argv[1])), int(sys.argv[2])
assert len(doc["runs"]) == 5 * 2
assert all(r["images_ok"] == n and r["images_failed"] == 1 for r in doc["runs"])
PY

# Usage errors are refused before anything runs.
expect_exit 2 "$PIXPOOL" bench in -j 0 2>/dev/null
expect_exit 2 "$PIXPOOL" bench in -j 4..2 2>/dev/null
expect_exit 2 "$PIXPOOL" bench in -j 1,x 2>/dev/null
expect_exit 2 "$PIXPOOL" bench in --engine threads 2>/dev/null
expect_exit 2 "$PIXPOOL" bench in --repeat 0 2>/dev/null
expect_exit 2 "$PIXPOOL" bench in --quality 101 2>/dev/null
expect_exit 2 "$PIXPOOL" bench 2>/dev/null
expect_exit 2 "$PIXPOOL" bench in --json no/such/folder/b.json 2>/dev/null
exit 0
