#!/bin/sh
# Process workers run under a seccomp filter without privileges: /proc
# shows it (Seccomp: 2, filter mode; no capability, no-new-privs, and the
# user nobody when pixpool runs as root), and a worker that tries what the
# filter forbids outright (starting a process) is killed by SIGSYS. That costs the one image it held,
# reported crashed; the pool starts a new worker and every other image is
# written as in a run without the attempt.
. "$(dirname "$0")/lib.sh"

need_backend process
"$PIXPOOL" -q -b serial -f grayscale "$SAMPLES" -o ref || fail "serial run failed"

for ipc in pipe shm; do
	PIXPOOL_TEST_STALL=horse "$PIXPOOL" -q --ipc $ipc -j 1 -f grayscale "$SAMPLES" \
		-o stall-$ipc 2>/dev/null &
	run=$!
	worker=$(wait_for_process pixpool-stall $run) || { kill -KILL $run; fail "$ipc: no worker stalled"; }
	mode=$(awk '$1 == "Seccomp:" { print $2 }' /proc/"$worker"/status)
	# Capabilities (effective, permitted, bounding), no-new-privs, and the user.
	privileges=$(awk '$1 ~ /^Cap(Eff|Prm|Bnd|Amb):$/ || $1 == "NoNewPrivs:" { printf "%s%s ", $1, $2 }' \
		/proc/"$worker"/status)
	uid=$(awk '$1 == "Uid:" { print $2 }' /proc/"$worker"/status)
	kill -KILL $run
	wait $run
	[ "$mode" = 2 ] || fail "$ipc: worker's Seccomp mode is '$mode', not 2"
	case $privileges in
	*CapPrm:0000000000000000*CapEff:0000000000000000*CapBnd:0000000000000000*CapAmb:0000000000000000*NoNewPrivs:1*) ;;
	*) fail "$ipc: the worker kept privileges: $privileges" ;;
	esac
	if [ "$(id -u)" = 0 ]; then
		[ "$uid" = 65534 ] || fail "$ipc: root's worker runs as user $uid, not nobody"
	fi

	PIXPOOL_TEST_FORBIDDEN=chelsea expect_exit 1 "$PIXPOOL" --ipc $ipc -j 2 -f grayscale \
		"$SAMPLES" -o out-$ipc --manifest $ipc.csv 2>$ipc.err
	cat $ipc.err
	[ "$(status_of $ipc.csv chelsea)" = crashed ] || fail "$ipc: chelsea not crashed"
	grep -q 'chelsea.png: worker killed by SIGSYS' $ipc.err || fail "$ipc: no SIGSYS message"
	[ "$(statuses $ipc.csv | grep -c ',ok$')" = 5 ] || fail "$ipc: not 5 images ok"
	for f in $(cd ref && find . -type f ! -name 'chelsea*'); do
		cmp -s "ref/$f" "out-$ipc/$f" || fail "$ipc: $f differs from the serial run"
	done
	[ -z "$(find out-$ipc -name 'chelsea*' -o -name '*.tmp')" ] || fail "$ipc: chelsea or a temporary file written"
done
exit 0
