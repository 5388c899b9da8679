#!/bin/sh
# The default pool is the CPUs pixpool may really use: the affinity set,
# capped by the tightest cgroup CPU quota above its group (v1's
# cpu.cfs_quota_us, v2's cpu.max; rounded up) and by SLURM_CPUS_PER_TASK.
# Fake v1 and v2 trees stand in for /proc and /sys through
# PIXPOOL_TEST_CGROUP_ROOT; the summary and the manifest say what set the
# number. t0391 does the same in a real cgroup.
. "$(dirname "$0")/lib.sh"

cpus=$(nproc)
[ "$cpus" -ge 2 ] || skip "a quota below the affinity set needs 2 CPUs or more"

# put ROOT/PATH TEXT: one file of a fake tree.
put() {
	mkdir -p "$(dirname "$1")" && printf '%s\n' "$2" >"$1" || fail "cannot write $1"
}

# run_under ROOT NAME: pixpool with its default pool, under the fake tree ROOT.
run_under() {
	PIXPOOL_TEST_CGROUP_ROOT=$1 expect_exit 0 "$PIXPOOL" -f grayscale "$SAMPLES" -o "out-$2" \
		--no-progress --manifest "$2.json" 2>"$2.err"
}

# check NAME WORKERS WHY: the summary and the manifest agree on the pool and its source.
check() {
	grep -q "$2 workers\{0,1\}: $3)" "$1.err" || fail "$1: the summary does not say '$2 workers: $3': $(cat "$1.err")"
	python3 - "$TOP/tests/data/manifest.schema.json" "$1.json" "$2" "$3" "$cpus" <<'PY' || fail "$1.json is wrong"
import json, sys
import jsonschema
schema, doc = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
jsonschema.validate(doc, schema)
run = doc["run"]
assert run["workers"] == int(sys.argv[3]) and run["cpus_usable"] == int(sys.argv[3]), run
assert run["cpus_limit"] == sys.argv[4] and run["workers_source"] == sys.argv[4], run
assert run["cpus_allowed"] == int(sys.argv[5]), run
assert len({i["worker"] for i in doc["images"]}) <= int(sys.argv[3])
PY
}

# cgroup v1: the job's own group allows 4 CPUs, its parent 0.5 (rounded up: 1).
V1=$SCRATCH/v1
put "$V1/proc/self/mountinfo" "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct"
put "$V1/proc/self/cgroup" "2:cpu,cpuacct:/batch/job7"
put "$V1/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us" "-1"
put "$V1/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us" "100000"
put "$V1/sys/fs/cgroup/cpu,cpuacct/batch/cpu.cfs_quota_us" "50000"
put "$V1/sys/fs/cgroup/cpu,cpuacct/batch/cpu.cfs_period_us" "100000"
put "$V1/sys/fs/cgroup/cpu,cpuacct/batch/job7/cpu.cfs_quota_us" "400000"
put "$V1/sys/fs/cgroup/cpu,cpuacct/batch/job7/cpu.cfs_period_us" "100000"
run_under "$V1" v1
check v1 1 "cgroup quota 50000/100000"

# bench's default pools stop at the usable CPUs, and its header and JSON name the quota.
PIXPOOL_TEST_CGROUP_ROOT=$V1 expect_exit 0 "$PIXPOOL" bench "$SAMPLES" -f grayscale --repeat 1 \
	--no-warmup --no-progress --json bench.json >bench.txt
grep -q "^cpus: .* 1 usable (cgroup quota 50000/100000)" bench.txt ||
	fail "bench's header does not name the quota: $(cat bench.txt)"
python3 - "$TOP/tests/data/bench.schema.json" bench.json <<'PY' || fail "bench.json does not follow the quota"
import json, sys
import jsonschema
schema, doc = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
jsonschema.validate(doc, schema)
m = doc["machine"]
assert m["usable_cpus"] == 1 and m["usable_source"] == "cgroup quota 50000/100000", m
assert m["quota_cpus"] == 0.5 and m["quota"] == "cgroup quota 50000/100000", m
assert doc["job"]["workers"] == [1], doc["job"]["workers"]
PY

# cgroup v2, as in a Kubernetes pod: the pod's cpu.max caps the container's "max".
V2=$SCRATCH/v2
put "$V2/proc/self/mountinfo" "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate"
put "$V2/proc/self/cgroup" "0::/kubepods/pod1/c1"
put "$V2/sys/fs/cgroup/cpu.max" "max 100000"
put "$V2/sys/fs/cgroup/kubepods/pod1/cpu.max" "90000 100000"
put "$V2/sys/fs/cgroup/kubepods/pod1/c1/cpu.max" "max 100000"
run_under "$V2" v2
check v2 1 "cgroup quota 90000/100000"

# A quota larger than the affinity set changes nothing, and says so.
put "$V2/sys/fs/cgroup/kubepods/pod1/cpu.max" "$((cpus * 200000)) 100000"
run_under "$V2" wide
check wide "$cpus" affinity

# A hostile cpu.max is no quota at all.
put "$V2/sys/fs/cgroup/kubepods/pod1/cpu.max" "1$(printf '%0300d' 0) 100000"
run_under "$V2" hostile
check hostile "$cpus" affinity

# Slurm: the task's CPUs cap the pool below the affinity set.
SLURM_CPUS_PER_TASK=1 PIXPOOL_TEST_CGROUP_ROOT=$SCRATCH/none expect_exit 0 "$PIXPOOL" \
	-f grayscale "$SAMPLES" -o out-slurm --no-progress --manifest slurm.json 2>slurm.err
check slurm 1 SLURM_CPUS_PER_TASK

# -j is the user's: the summary says so, and the quota is still recorded.
PIXPOOL_TEST_CGROUP_ROOT=$V1 expect_exit 0 "$PIXPOOL" -j 1 -f grayscale "$SAMPLES" -o out-j \
	--no-progress --manifest j.json 2>j.err
grep -q "1 worker: -j)" j.err || fail "the summary does not say the pool came from -j: $(cat j.err)"
python3 -c 'import json,sys; r=json.load(open("j.json"))["run"]; assert r["workers_source"] == "-j" and r["cpus_limit"] == "cgroup quota 50000/100000", r' ||
	fail "j.json does not say -j and the quota"
exit 0
