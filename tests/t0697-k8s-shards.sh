#!/bin/sh
# --shard k8s/N takes K from JOB_COMPLETION_INDEX, as a pod of a Kubernetes
# Indexed Job of N completions has it, and cuts exactly the shard --shard
# K/N does: the same images, the same output bytes, the same manifest
# shard record. An index that is missing, out of range or not a number, and
# an N that is not one, are usage errors that write nothing.
. "$(dirname "$0")/lib.sh"

make_mix in
for k in 0 1 2; do
	JOB_COMPLETION_INDEX=$k "$PIXPOOL" -q --shard k8s/3 in -o "k8s-$k" \
		--manifest "k8s-$k.json" 2>/dev/null
	a=$?
	env -u JOB_COMPLETION_INDEX "$PIXPOOL" -q --shard "$k/3" in -o "plain-$k" \
		--manifest "plain-$k.json" 2>/dev/null
	b=$?
	[ $a = $b ] && [ $a -le 1 ] || fail "shard $k: k8s/3 exits $a, $k/3 exits $b"
	same_tree "k8s-$k" "plain-$k"
	python3 - "k8s-$k.json" "plain-$k.json" <<'PY' || fail "shard $k: the manifests differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["run"]["shard"] == b["run"]["shard"], (a["run"]["shard"], b["run"]["shard"])
strip = lambda d: sorted((i["input"], i["status"]) for i in d["images"])
assert strip(a) == strip(b)
PY
done

# refused WHAT CMD...: exit 2, an error that says WHAT, and no output folder.
refused() {
	what=$1
	shift
	"$@" in -o refused 2>err
	[ $? = 2 ] || fail "not a usage error: $*"
	grep -q "$what" err || fail "'$*' does not say '$what': $(cat err)"
	[ -e refused ] && fail "'$*' made its output folder"
	return 0
}
refused "JOB_COMPLETION_INDEX is not set" env -u JOB_COMPLETION_INDEX "$PIXPOOL" --shard k8s/3
refused "from 0 to 2" env JOB_COMPLETION_INDEX=3 "$PIXPOOL" --shard k8s/3
refused "JOB_COMPLETION_INDEX must be" env JOB_COMPLETION_INDEX=one "$PIXPOOL" --shard k8s/3
refused "completions" env JOB_COMPLETION_INDEX=0 "$PIXPOOL" --shard k8s/x
refused "completions" env JOB_COMPLETION_INDEX=0 "$PIXPOOL" --shard k8s/0

grep -q 'completionMode: Indexed' "$TOP/samples/k8s/pixpool-job.yaml" &&
	grep -q 'shard k8s/8' "$TOP/samples/k8s/pixpool-job.yaml" &&
	grep -q 'completions: 8' "$TOP/samples/k8s/pixpool-job.yaml" ||
	fail "the sample Indexed Job does not shard as many ways as it has completions"
exit 0
