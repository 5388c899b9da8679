# --shard K/N: the shards of a folder partition it (every image in exactly
# one, for N = 1, 2, 3, 7 and more shards than images), their outputs
# together are one unsharded run's, byte for byte; the split is the same in a
# copy of the folder made in another order and touched since; the largest
# shard holds at most 1.3x the mean of the pixels on a skewed folder; bad
# values and bad SLURM_ARRAY_TASK_* values are usage errors; the Slurm job
# script runs a shard without Slurm, given the array's environment.
. "$(dirname "$0")/lib.sh"
# Debian's Pillow (python3-pil) lives with the system's python3.
for PY in python3 /usr/bin/python3 ""; do
	[ -n "$PY" ] && $PY -c "import PIL" 2>/dev/null && break
done
[ -n "$PY" ] || fail "Pillow missing (python3-pil)"

# A skewed folder, like bench's "mixed" at a sixteenth of the size: 2 large
# photos, 8 medium, 30 small, in JPEG, PNG and PNM; a broken JPEG (its header
# unreadable: it counts its bytes) and a note that is no image.
$PY - <<'PY' || fail "cannot make the folder"
import os, random
from PIL import Image
random.seed(7)
def photo(w, h):
    im = Image.linear_gradient("L").resize((w, h)).convert("RGB")
    noise = Image.effect_noise((w, h), 40).convert("RGB")
    return Image.blend(im, noise, 0.3)
os.makedirs("in/big"); os.makedirs("in/mid"); os.makedirs("in/small/deeper")
for i in range(2):
    photo(1500, 1000).save(f"in/big/b{i}.jpg", quality=85)
for i in range(8):
    photo(750, 500).save(f"in/mid/m{i}.jpg", quality=85)
for i in range(30):
    w, h = random.randint(60, 300), random.randint(60, 300)
    ext = ["png", "jpg", "ppm"][i % 3]
    where = "in/small/deeper" if i % 4 == 0 else "in/small"
    photo(w, h).save(f"{where}/s{i:02d}.{ext}")
open("in/small/broken.jpg", "wb").write(b"\xff\xd8\xff\xe0 not a JPEG after all" * 50)
open("in/notes.txt", "w").write("not an image\n")
PY
total=41

"$PIXPOOL" -q in -o ref --manifest ref.json
[ $? = 1 ] || fail "the broken file did not make the unsharded run fail"

# shards N: runs shards 0..N-1 of in into out-N (one output tree, as machines
# sharing a disk would), each with its manifest N-K.json.
shards() {
	k=0
	while [ $k -lt $1 ]; do
		"$PIXPOOL" -q -j 2 --shard $k/$1 in -o out-$1 --manifest $1-$k.json
		rc=$?
		[ $rc = 0 ] || [ $rc = 1 ] || fail "shard $k/$1 exited $rc"
		k=$((k + 1))
	done
}

# partition N DIR: the manifests of N shards hold every image of ref.json
# once, and each says which shard it ran, of how many images.
partition() {
	$PY - "$1" "$2" "$total" <<'PY' || fail "$1 shards of $2 are no partition"
import json, sys
n, top, total = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ref = sorted(r["input"][len("in/"):] for r in json.load(open("ref.json"))["images"])
assert len(ref) == total, len(ref)
seen = []
for k in range(n):
    doc = json.load(open(f"{n}-{k}.json"))
    s = doc["run"]["shard"]
    assert (s["index"], s["count"], s["images_total"]) == (k, n, total), s
    assert s["images"] == doc["run"]["images"] == len(doc["images"]), s
    seen += [r["input"][len(top) + 1:] for r in doc["images"]]
assert sorted(seen) == ref, set(seen) ^ set(ref)
assert len(seen) == len(set(seen)), "an image in two shards"
PY
}

for n in 1 2 3 7 50; do
	shards $n
	partition $n in
	same_tree ref out-$n
done
[ "$(python3 -c 'import json; print(json.load(open("50-49.json"))["run"]["images"])')" = 0 ] ||
	fail "shard 49 of 50 is not empty"
"$PIXPOOL" --shard 49/50 in -o out-empty 2>err || fail "an empty shard failed"
grep -q "shard 49/50: 0 of $total images" err || fail "the summary of an empty shard: $(cat err)"
"$PIXPOOL" --shard 0/3 in -o out-summary 2>err
grep -q "shard 0/3: [0-9]* of $total images, [0-9.]*% of their pixels" err ||
	fail "the summary does not say which shard ran: $(cat err)"

# The largest of 3 shards holds at most 1.3x the mean of the pixels, counted
# here from the headers by PIL; the manifests' weights are those pixels.
$PY - <<'PY' || fail "the shards are not balanced by pixels"
import json, os
from PIL import Image
loads = []
for k in range(3):
    doc = json.load(open(f"3-{k}.json"))
    px = 0
    for r in doc["images"]:
        try:
            w, h = Image.open(r["input"]).size
            px += w * h
        except Exception:
            px += os.path.getsize(r["input"])
    assert px == doc["run"]["shard"]["weight"], (k, px, doc["run"]["shard"])
    loads.append(px)
mean = sum(loads) / 3
assert max(loads) <= 1.3 * mean, loads
big = [[r["input"] for r in json.load(open(f"3-{k}.json"))["images"] if "/big/" in r["input"]] for k in range(3)]
assert max(len(b) for b in big) == 1, big
PY

# The same split in a copy made in reverse order (other inodes, another
# order in the folders), every file touched at another time.
$PY - <<'PY' || fail "cannot copy the folder"
import os, shutil, time
files = sorted(os.path.join(d, f)[len("in/"):] for d, _, fs in os.walk("in") for f in fs)
for i, rel in enumerate(reversed(files)):
    os.makedirs(os.path.dirname("copy/" + rel) or "copy", exist_ok=True)
    shutil.copyfile("in/" + rel, "copy/" + rel)
    os.utime("copy/" + rel, (1e9 + i * 1000, 1e9 + i * 1000))
PY
for k in 0 1 2; do
	"$PIXPOOL" -q --shard $k/3 copy -o out-copy --manifest copy-$k.json
	$PY - $k <<'PY' || fail "shard $k/3 of the copy differs from the original's"
import json, sys
k = sys.argv[1]
a = [r["input"][len("in/"):] for r in json.load(open(f"3-{k}.json"))["images"]]
b = [r["input"][len("copy/"):] for r in json.load(open(f"copy-{k}.json"))["images"]]
assert a == b, (a, b)
PY
done

# Bad values: usage errors that write nothing.
refused() {
	want=$1
	shift
	rm -rf bad
	"$@" in -o bad 2>err
	rc=$?
	[ $rc = 2 ] || fail "exit $rc, not 2: $*"
	grep -q -- "$want" err || fail "no '$want' in: $(cat err)"
	[ ! -e bad ] || fail "a usage error wrote something: $*"
}
refused "needs K/N" "$PIXPOOL" --shard 3
refused "K must be a whole number from 0 to N-1 = 2" "$PIXPOOL" --shard 3/3
refused "K must be" "$PIXPOOL" --shard -1/3
refused "N must be a whole number from 1" "$PIXPOOL" --shard 0/0
refused "N must be" "$PIXPOOL" --shard 1/x
refused "SLURM_ARRAY_TASK_ID is not set" env -u SLURM_ARRAY_TASK_ID "$PIXPOOL" --shard slurm
refused "SLURM_ARRAY_TASK_COUNT is not set" env -u SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_ID=1 \
	SLURM_ARRAY_TASK_MIN=0 "$PIXPOOL" --shard slurm
refused "SLURM_ARRAY_TASK_ID must be a whole number" env SLURM_ARRAY_TASK_ID=one \
	SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=3 "$PIXPOOL" --shard slurm
refused "SLURM_ARRAY_TASK_COUNT must be at least 1" env SLURM_ARRAY_TASK_ID=0 \
	SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=0 "$PIXPOOL" --shard slurm
refused "is not one of the 3 tasks" env SLURM_ARRAY_TASK_ID=3 \
	SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=3 "$PIXPOOL" --shard slurm

# The job script, given an array task's environment as Slurm would: the
# shard from it, every CPU (or SLURM_CPUS_PER_TASK), the manifest beside
# the output, pixpool's exit status.
script=$TOP/samples/slurm/pixpool.sbatch
for k in 0 1 2; do
	env -u SLURM_CPUS_PER_TASK SLURM_ARRAY_TASK_ID=$((k + 10)) SLURM_ARRAY_TASK_MIN=10 \
		SLURM_ARRAY_TASK_COUNT=3 PIXPOOL="$PIXPOOL" sh "$script" in out-script -q 2>err
	rc=$?
	cp out-script.manifests/shard-$k.json 3s-$k.json || fail "no manifest for shard $k"
	want=0
	grep -q '"status": "failed"' 3s-$k.json && want=1
	[ $rc = $want ] || fail "the job script exited $rc, pixpool $want: $(cat err)"
done
same_tree ref out-script
$PY - "$(nproc)" <<'PY' || fail "the job script did not use every CPU"
import json, sys
for k in range(3):
    run = json.load(open(f"3s-{k}.json"))["run"]
    assert run["shard"]["index"] == k and run["workers"] == int(sys.argv[1]), run
PY
SLURM_CPUS_PER_TASK=1 SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=3 \
	PIXPOOL="$PIXPOOL" sh "$script" in out-one -q 2>/dev/null
grep -q '"workers": 1,' out-one.manifests/shard-0.json || fail "SLURM_CPUS_PER_TASK=1 was not used"
PIXPOOL=/nonexistent/pixpool SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=3 \
	sh "$script" in out-none 2>err
[ $? = 2 ] && grep -q "cannot find '/nonexistent/pixpool'" err || fail "a missing pixpool: $(cat err)"

# A shard resumed with --skip-existing is the same shard: images already done
# still weigh their pixels in the split, so none moves to another machine's shard.
expect_exit 1 "$PIXPOOL" -q --shard 1/3 in -o resume --manifest first.json
rm -f resume/big/b0.jpg resume/mid/m1.jpg resume/mid/m2.jpg resume/small/s03.jpg resume/small/s05.ppm
expect_exit 1 "$PIXPOOL" -q --shard 1/3 --skip-existing in -o resume --manifest again.json
$PY - first.json again.json <<'PY' || fail "a resumed shard is another shard"
import json, sys
first, again = (json.load(open(p))["images"] for p in sys.argv[1:])
a, b = sorted(r["input"] for r in first), sorted(r["input"] for r in again)
assert a == b, (a, b)
assert any(r["status"] == "exists" for r in again), "nothing was left alone"
PY
