# A worker killed with SIGKILL mid-image costs that image only: it is reported
# as crashed, a new worker takes the slot, every other image is written, and
# the half-written file of the dead worker is removed.
. "$(dirname "$0")/lib.sh"

mkdir in
for f in "$SAMPLES"/jpeg/* "$SAMPLES"/png/*; do cp "$f" in/; done
PIXPOOL_TEST_STALL=chelsea "$PIXPOOL" -j 2 -f grayscale --manifest m.csv in -o out 2>err &
pid=$!
tries=0
until stalled=$(pgrep -x pixpool-stall); do
	tries=$((tries + 1))
	[ $tries -lt 300 ] || { kill $pid; fail "no worker stalled on chelsea.png"; }
	sleep 0.1
done
kill -KILL $stalled
wait $pid
status=$?
[ $status = 1 ] || fail "exit $status, not 1: $(cat err)"
grep -q "^pixpool: in/chelsea.png: worker killed by SIGKILL" err || fail "crash not reported: $(cat err)"
grep -q "1 crashed" err || fail "summary does not count the crash: $(cat err)"
grep -q "1 restarted" err || fail "summary does not count the new worker: $(cat err)"
[ ! -e out/chelsea.png ] || fail "output of the crashed image exists"
[ "$(count_files out)" = 5 ] || fail "not every other image was written: $(find out -type f)"
[ "$(grep -c ',ok,' m.csv)" = 5 ] || fail "manifest: not 5 ok"
[ "$(grep -c ',crashed,' m.csv)" = 1 ] || fail "manifest: not 1 crashed"
