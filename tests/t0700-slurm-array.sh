# A real Slurm cluster of one node (Debian's slurmctld, slurmd and munge,
# started here as root, without systemd), and the job script submitted to it
# as a 3-task array over a mixed folder: the array exits with pixpool's
# status, the outputs of the three shards together are one unsharded run's,
# byte for byte, and pixpool report over the three manifests adds up to the
# unsharded run's manifest. The cluster is private to this test (its own
# ports, munge socket, spool and state folders) and shut down at exit,
# whatever happened.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "starting slurmctld, slurmd and munged needs root"
for cmd in munged munge unmunge slurmctld slurmd sbatch sinfo scontrol scancel; do
	command -v $cmd >/dev/null ||
		fail "$cmd is missing: install the test dependencies (make test-deps)"
done
[ -f /etc/munge/munge.key ] || fail "/etc/munge/munge.key is missing (the munge package makes it)"
export PIXPOOL

SL=$SCRATCH/slurm
# munged runs as the munge user, who cannot enter the scratch folder (0700).
MUNGE=$(mktemp -d "${TMPDIR:-/tmp}/pixpool-munge.XXXXXX") || fail "cannot make a folder for munged"
JOB=""

# Waits up to $1 tenths of a second for the process in pid file $2 to end.
wait_gone() {
	i=0
	pid=$(cat "$2" 2>/dev/null) || return 0
	while [ $i -lt "$1" ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	! kill -0 "$pid" 2>/dev/null
}

# Leaves nothing running: the job, then the daemons, each by its pid file.
cleanup() {
	if [ -f "$SL/slurm.conf" ]; then
		[ -n "$JOB" ] && timeout 10 scancel "$JOB" 2>/dev/null
		timeout 10 scontrol shutdown >/dev/null 2>&1
		for d in slurmctld slurmd; do
			wait_gone 100 "$SL/$d.pid" || { kill -9 "$(cat "$SL/$d.pid")"; wait_gone 20 "$SL/$d.pid"; }
		done
	fi
	if [ -f "$MUNGE/munged.pid" ]; then
		kill "$(cat "$MUNGE/munged.pid")" 2>/dev/null
		wait_gone 50 "$MUNGE/munged.pid"
	fi
	rm -rf "$MUNGE" "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Fails with the end of every log the cluster wrote.
slurm_fail() {
	for log in "$MUNGE/munged.log" "$SL/slurmctld.log" "$SL/slurmd.log" "$SCRATCH"/pixpool-*.log; do
		[ -f "$log" ] || continue
		echo "--- $log"
		tail -n 25 "$log"
	done
	fail "$@"
}

chown munge:munge "$MUNGE" && chmod 755 "$MUNGE" || fail "cannot give $MUNGE to munge"
runuser -u munge -- munged --socket="$MUNGE/munge.socket" --pid-file="$MUNGE/munged.pid" \
	--log-file="$MUNGE/munged.log" --seed-file="$MUNGE/munged.seed" ||
	slurm_fail "munged did not start"
munge -S "$MUNGE/munge.socket" -n | unmunge -S "$MUNGE/munge.socket" >/dev/null ||
	slurm_fail "munge cannot check its own credential"

# Two free ports, so that another cluster on this machine is no obstacle.
ports=$(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))') || fail "no free ports"
node=$(slurmd -C | head -n 1)
host=${node%% *}
host=${host#NodeName=}
mkdir -p "$SL/spool" "$SL/state"
cat >"$SL/slurm.conf" <<EOF2
ClusterName=pixpool$$
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${ports% *}
SlurmdPort=${ports#* }
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE/munge.socket
StateSaveLocation=$SL/state
SlurmdSpoolDir=$SL/spool
SlurmctldPidFile=$SL/slurmctld.pid
SlurmdPidFile=$SL/slurmd.pid
SlurmctldLogFile=$SL/slurmctld.log
SlurmdLogFile=$SL/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
MinJobAge=5
SchedulerParameters=batch_sched_delay=0
NodeName=${node#NodeName=} NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF2
export SLURM_CONF="$SL/slurm.conf"
slurmctld -f "$SLURM_CONF" || slurm_fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" || slurm_fail "slurmd did not start"
i=0
until [ "$(sinfo -h -o %t 2>/dev/null)" = idle ]; do
	[ $i -lt 300 ] || slurm_fail "the node is not idle after 30 s: $(sinfo -h -o %t 2>&1)"
	sleep 0.1
	i=$((i + 1))
done

make_mix in
"$PIXPOOL" -q -f grayscale in -o ref --manifest ref.json 2>/dev/null
[ $? = 1 ] || fail "the unsharded run did not fail on the broken file"

# One CPU a task: the script passes SLURM_CPUS_PER_TASK to -j.
JOB=$(timeout 300 sbatch --parsable --wait --array=0-2 --cpus-per-task=1 \
	--output="$SCRATCH/pixpool-%A_%a.log" "$TOP/samples/slurm/pixpool.sbatch" in out -f grayscale)
rc=$?
[ $rc = 124 ] && slurm_fail "the array did not finish in 300 s"
JOB=${JOB%%;*}
[ $rc = 1 ] || slurm_fail "sbatch --wait exited $rc, not pixpool's 1 (one broken file)"
ls out.manifests >listed || slurm_fail "no manifest folder beside the output"
printf 'shard-0.json\nshard-1.json\nshard-2.json\n' | diff - listed || slurm_fail "not one manifest per shard"
[ ! -e out/out.manifests ] || fail "a manifest went into the output tree"
same_tree ref out

expect_exit 1 "$PIXPOOL" report out.manifests/shard-*.json >report.txt
cat report.txt
grep -q "3 shards" report.txt || fail "the report does not count 3 shards"
expect_exit 1 "$PIXPOOL" report --json out.manifests/shard-*.json >report.json
python3 - "$JOB" <<'PY' || slurm_fail "the report does not add up to the unsharded run"
import json, sys
job = sys.argv[1]
ref = json.load(open("ref.json"))
rep = json.load(open("report.json"))
assert rep["shards"] == 3 and rep["images"] == ref["run"]["images"], rep
assert rep["status"] == ref["run"]["status"], (rep["status"], ref["run"]["status"])
mp = sum(r["input_width"] * r["input_height"] for r in ref["images"] if r["status"] == "ok") / 1e6
assert abs(rep["megapixels"] - mp) < 1e-5 and abs(ref["run"]["megapixels"] - mp) < 1e-5, (rep, mp)
assert sorted(r["shard"] for r in rep["runs"]) == [0, 1, 2], rep["runs"]
for k in range(3):
    run = json.load(open(f"out.manifests/shard-{k}.json"))["run"]
    assert run["workers"] == 1, run
    assert run["shard"]["index"] == k and run["shard"]["count"] == 3, run
    assert run["slurm"]["array_job_id"] == job and run["slurm"]["array_task_id"] == str(k), run
PY
exit 0
