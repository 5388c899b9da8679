# pixpool report: the manifests of a job's shards add up to the unsharded
# run (counts, megapixels, bytes), per shard and together; a missing or
# doubled shard, shards of different splits, a damaged, forged or CSV
# manifest are each named with the cause and make the exit status 1; what a
# manifest says reaches the terminal escaped.
. "$(dirname "$0")/lib.sh"

mkdir in
cp -r "$SAMPLES"/jpeg "$SAMPLES"/png in/
echo broken >in/png/broken.png
"$PIXPOOL" -q in -o ref --manifest ref.json 2>/dev/null
for k in 0 1 2; do
	"$PIXPOOL" -q -j 1 --shard $k/3 in -o out --manifest s$k.json 2>/dev/null
done
"$PIXPOOL" -q --shard 0/2 in -o out2 --manifest other.json 2>/dev/null
"$PIXPOOL" -q in -o out3 --manifest plain.csv 2>/dev/null

expect_exit 1 "$PIXPOOL" report s0.json s1.json s2.json >report.txt
cat report.txt
grep -q "^  7 images: 6 ok, 0 skipped, 1 failed" report.txt || fail "text counts: $(cat report.txt)"
[ "$(grep -c "^ *[0-2] $(hostname | cut -c1-16) " report.txt)" = 3 ] || fail "not one line per shard"
expect_exit 1 "$PIXPOOL" report --json s2.json s0.json s1.json >report.json
python3 - <<'PY' || fail "the report does not add up to the unsharded run"
import json
ref = json.load(open("ref.json"))["run"]
rep = json.load(open("report.json"))
assert rep["schema"] == "pixpool-report/1" and rep["shards"] == 3 and rep["ok"] is False, rep
assert rep["images"] == ref["images"] == 7, rep
assert rep["status"] == ref["status"], (rep["status"], ref["status"])
assert abs(rep["megapixels"] - ref["megapixels"]) < 1e-6, (rep["megapixels"], ref["megapixels"])
assert rep["input_bytes"] == ref["input_bytes"], rep
assert [r["shard"] for r in rep["runs"]] == [2, 0, 1], rep["runs"]
walls = []
for r in rep["runs"]:
    m = json.load(open(r["manifest"]))["run"]
    assert r["host"] == m["host"] and r["workers"] == 1 and r["cpus_allowed"] == m["cpus_allowed"]
    assert abs(r["megapixels_per_s"] - m["megapixels"] / m["wall_s"]) < 1e-3 * r["megapixels_per_s"] + 1e-6
    assert abs(r["megapixels_per_s_per_core"] - r["megapixels_per_s"]) < 1e-6   # one worker
    walls.append(m["wall_s"])
assert abs(rep["wall_s_max"] - max(walls)) < 1e-6
assert abs(rep["megapixels_per_s"] - rep["megapixels"] / max(walls)) < 1e-3 * rep["megapixels_per_s"]
assert abs(rep["megapixels_per_s_sum"] - sum(r["megapixels_per_s"] for r in rep["runs"])) < 1e-3
PY

# Every image written and every shard there: exit 0; one unsharded run is a report of one.
rm in/png/broken.png
for k in 0 1; do "$PIXPOOL" -q --shard $k/2 in -o good --manifest g$k.json; done
expect_exit 0 "$PIXPOOL" report g0.json g1.json >/dev/null
expect_exit 0 "$PIXPOOL" report g1.json g0.json >/dev/null
expect_exit 1 "$PIXPOOL" report ref.json >/dev/null

# problem WANT FILE...: exit 1 and WANT on stderr.
problem() {
	want=$1
	shift
	"$PIXPOOL" report "$@" >out.txt 2>err
	rc=$?
	[ $rc = 1 ] || fail "exit $rc, not 1: report $*"
	grep -q -- "$want" err || fail "no '$want' in: $(cat err)"
}
problem "warning: shard 1 of 3 is missing" s0.json s2.json
problem "s0.json and s0.json are both shard 0 of 3" s0.json s1.json s2.json s0.json
problem "s0.json and other.json are not shards of one split" s0.json other.json
problem "ref.json and s0.json are not shards of one split (one is not sharded)" ref.json s0.json
problem "plain.csv: a CSV manifest holds no run record" plain.csv
problem "nothing.json: cannot open: No such file" nothing.json
problem "/dev/null: not a regular file" /dev/null
# Cut inside the host's name, the first string of the run record.
off=$(grep -bo '"host": "' s0.json | head -n 1 | cut -d: -f1)
head -c $((off + 10)) s0.json >cut.json
problem "cut.json: run: line [0-9]*: a string cut short" cut.json
sed 's/"ok": \([0-9]*\)/"ok": 99/' s0.json >forged.json
problem "forged.json: the run counts 99 images ok but" forged.json
sed 's/"megapixels": /"megapixels": 1/' s0.json >mp.json
problem "mp.json: the run counts 1" mp.json
sed 's/"schema": "pixpool-manifest\/2"/"schema": "other\/1"/' s0.json >schema.json
problem "schema.json: schema 'other/1' is not pixpool-manifest/2" schema.json
sed 's/"host": /"host": "x", "host": /' s0.json >twice.json
problem "twice.json: run: 'host' twice in one object" twice.json
printf '\377' >>cut.json
problem "cut.json: " cut.json

# A host name that would act on a terminal is shown escaped, and stays valid in --json.
sed 's/"host": "[^"]*"/"host": "evil\\u001b[2J\\n"/' s0.json >evil.json
"$PIXPOOL" report evil.json >out.txt 2>&1
! grep -q "$(printf '\033')" out.txt || fail "an escape character reached the terminal"
grep -q 'evil\\x1b\[2J\\n' out.txt || fail "the host is not shown escaped: $(cat out.txt)"
"$PIXPOOL" report --json evil.json | python3 -c 'import json,sys; assert json.load(sys.stdin)["runs"][0]["host"] == "evil\x1b[2J\n"' ||
	fail "--json lost the host name"

# Usage errors.
"$PIXPOOL" report 2>err
[ $? = 2 ] && grep -q "no manifest" err || fail "report without a manifest: $(cat err)"
"$PIXPOOL" report --frobnicate s0.json 2>err
[ $? = 2 ] || fail "an unknown option is no usage error"
exit 0
