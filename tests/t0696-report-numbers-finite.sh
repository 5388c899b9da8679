#!/bin/sh
# Every number pixpool writes is a finite JSON number. pixpool report
# refuses a manifest whose run record holds a number no run can have
# written (a wall time below a nanosecond, above a century, negative; a
# megapixel count out of range), naming the file and the field, with exit
# status 1 and no report; the shortest wall time a run can take still gives
# a report that a strict JSON reader takes. The manifests and bench's JSON
# read strictly too.
. "$(dirname "$0")/lib.sh"

# strict_json FILE: fails unless FILE is JSON with finite numbers only.
strict_json() {
	python3 -c '
import json, sys
def bad(c):
    raise ValueError("not a JSON number: " + c)
json.load(open(sys.argv[1]), parse_constant=bad)' "$1" || fail "$1 is not strict JSON"
}

"$PIXPOOL" -q -f grayscale "$SAMPLES/png/chelsea.png" -o out --manifest run.json ||
	fail "run failed"
strict_json run.json
grep -q '"wall_s": [0-9.]*,' run.json || fail "no wall_s in the run record"

# forged VALUE FIELD: run.json with the run's FIELD set to VALUE.
forged() {
	sed "s/\"$2\": [-0-9.e]*,/\"$2\": $1,/" run.json >forged.json
	grep -q "\"$2\": $1," forged.json || fail "cannot forge $2"
}

for wall in 1e-320 4.9e-324 1e-12 -1 1e10; do
	forged $wall wall_s
	expect_exit 1 "$PIXPOOL" report --json forged.json >out.json 2>err
	grep -q "^pixpool report: forged.json: run: wall_s: " err || fail "wall_s $wall: $(cat err)"
	[ ! -s out.json ] || fail "wall_s $wall: a report was printed: $(cat out.json)"
done
for mp in 1e300 -0.5; do
	forged $mp megapixels
	expect_exit 1 "$PIXPOOL" report forged.json >out.txt 2>err
	grep -q "^pixpool report: forged.json: run: megapixels: " err || fail "megapixels $mp: $(cat err)"
done
forged 1e400 wall_s
expect_exit 1 "$PIXPOOL" report forged.json >out.txt 2>err
grep -q "^pixpool report: forged.json: .*out of range" err || fail "wall_s 1e400: $(cat err)"

# The shortest time a run takes, 1 ns, gives finite figures.
forged 1e-9 wall_s
"$PIXPOOL" report --json forged.json >report.json || fail "1 ns refused: $(cat report.json)"
strict_json report.json

"$PIXPOOL" bench -j 1 --repeat 1 --no-warmup -f grayscale "$SAMPLES/png" --json bench.json >/dev/null 2>&1 ||
	fail "bench failed"
strict_json bench.json
exit 0
