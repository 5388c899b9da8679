# The manifest has exactly one record per image walked, and the statuses add
# up to the summary, in JSON and CSV alike; the JSON's run record matches its
# schema and adds up to its images.
. "$(dirname "$0")/lib.sh"

mkdir in
cp -r "$SAMPLES"/jpeg "$SAMPLES"/png in/
echo broken >in/png/broken.png
"$PIXPOOL" -j 2 -f grayscale --manifest m.json in -o out 2>err
[ $? = 1 ] || fail "a broken file did not make the run fail"
"$PIXPOOL" -j 2 -f grayscale --manifest m.csv in -o out2 2>/dev/null
python3 - m.json m.csv "$TOP/tests/data/manifest.schema.json" <<'PY' || fail "manifest does not add up"
import csv, json, socket, sys
import jsonschema
doc = json.load(open(sys.argv[1]))
schema = json.load(open(sys.argv[3]))
jsonschema.Draft7Validator.check_schema(schema)
jsonschema.validate(doc, schema)
rows = doc["images"]
run = doc["run"]
assert doc["schema"] == "pixpool-manifest/2" and doc["pixpool"]["version"], doc["pixpool"]
assert run["host"] == socket.gethostname(), run
assert run["engine"] == "process" and run["channel"] == "pipe" and run["workers"] == 2, run
assert run["cpus_allowed"] >= 1 and run["wall_s"] > 0 and run["shard"] is None, run
assert run["inputs"] == ["in"] and run["output"] == "out", run
assert run["images"] == len(rows) and run["status"]["ok"] == 6 and run["status"]["failed"] == 1, run
assert sum(run["status"].values()) == len(rows), run
mp = sum(r["input_width"] * r["input_height"] for r in rows if r["status"] == "ok") / 1e6
assert abs(run["megapixels"] - mp) < 1e-6, (run["megapixels"], mp)
assert run["input_bytes"] == sum(r["input_bytes"] for r in rows), run
assert run["output_bytes"] == sum(r["output_bytes"] for r in rows), run
assert len(rows) == 7, len(rows)
assert sorted(r["status"] for r in rows) == ["failed"] + ["ok"] * 6, rows
bad = [r for r in rows if r["status"] == "failed"][0]
assert bad["input"].endswith("broken.png") and "not an image" in bad["error"], bad
assert bad["output"] is None
for r in rows:
    if r["status"] == "ok":
        assert r["output_width"] == r["input_width"] > 0
        assert r["total_ms"] >= r["decode_ms"] + r["filter_ms"]
        assert 0 <= r["worker"] < 2
        # A worker holds at least the decoded image: width x height x channels.
        assert r["peak_rss_mb"] * 2**20 >= r["input_width"] * r["input_height"] * r["input_channels"], r
c = list(csv.DictReader(open(sys.argv[2])))
assert [r["input"] for r in c] == [r["input"] for r in rows]
assert [r["status"] for r in c] == [r["status"] for r in rows]
assert all(float(r["peak_rss_mb"]) > 0 for r in c if r["status"] == "ok")
PY
grep -q "7 images: 6 ok, 1 failed" err || fail "summary: $(cat err)"
