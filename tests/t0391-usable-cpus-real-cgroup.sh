#!/bin/sh
# In a real cgroup with a CPU quota of half a CPU, pixpool's default pool is
# one worker, and its summary and manifest name the quota: a cgroup v1 child
# of the cpu controller's mount (cpu.cfs_quota_us), or a v2 child with the
# cpu controller enabled (cpu.max). Needs root and a writable hierarchy.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "making a cgroup needs root"
[ "$(nproc)" -ge 2 ] || skip "a quota below the affinity set needs 2 CPUs or more"

# The mount point of the v1 cpu controller, or of v2 when it has the cpu controller.
v1=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break;
	    if ($(i+1) == "cgroup" && ("," $(i+3) ",") ~ /,cpu,/) { print $5; exit } }' /proc/self/mountinfo)
v2=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break;
	    if ($(i+1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
GROUP=""
if [ -n "$v1" ] && [ -w "$v1" ]; then
	GROUP=$v1/pixpool-test-$$
	if mkdir "$GROUP" 2>/dev/null; then
		echo 100000 >"$GROUP/cpu.cfs_period_us" 2>/dev/null &&
			echo 50000 >"$GROUP/cpu.cfs_quota_us" 2>/dev/null || { rmdir "$GROUP"; GROUP=""; }
	else
		GROUP=""
	fi
fi
if [ -z "$GROUP" ] && [ -n "$v2" ] && grep -qw cpu "$v2/cgroup.subtree_control" 2>/dev/null; then
	GROUP=$v2/pixpool-test-$$
	if mkdir "$GROUP" 2>/dev/null; then
		echo "50000 100000" >"$GROUP/cpu.max" 2>/dev/null || { rmdir "$GROUP"; GROUP=""; }
	else
		GROUP=""
	fi
fi
[ -n "$GROUP" ] || skip "no writable cgroup hierarchy with the cpu controller"
trap 'rmdir "$GROUP" 2>/dev/null; rm -rf "$SCRATCH"' EXIT

# The shell moves itself into the group, then becomes pixpool; the group is
# empty again when it exits, so it can be removed.
sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$GROUP" \
	"$PIXPOOL" -f grayscale "$SAMPLES" -o out --no-progress --manifest m.json 2>err ||
	fail "pixpool failed in $GROUP: $(cat err)"
grep -q "1 worker: cgroup quota 50000/100000)" err || fail "the summary does not name the quota: $(cat err)"
python3 -c 'import json; r = json.load(open("m.json"))["run"]; assert r["workers"] == 1 and r["cpus_usable"] == 1 and r["cpus_limit"] == "cgroup quota 50000/100000", r' ||
	fail "the manifest does not record the quota"
exit 0
