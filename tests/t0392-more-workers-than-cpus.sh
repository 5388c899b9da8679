#!/bin/sh
# -j above the usable CPUs runs, but warns once, before the images, that the
# workers take turns; -q keeps it quiet, and a pool that fits says nothing.
# Past 16 workers the summary's table folds: the first eight, a line for the
# rest, then min, median and max (-v shows every worker).
. "$(dirname "$0")/lib.sh"

cpus=$(nproc)
mkdir in
for i in $(seq 1 8); do
	for f in "$SAMPLES"/jpeg/*.jpg; do cp "$f" "in/$i-$(basename "$f")"; done
done
n=$(ls in | wc -l | tr -d ' ')
[ "$n" -ge 20 ] || fail "only $n images to spread over 20 workers"

j=$((cpus + 1))
expect_exit 0 "$PIXPOOL" -j $j in -o out1 --no-progress 2>over.err
[ "$(grep -c 'warning: -j .* more workers than' over.err)" = 1 ] ||
	fail "-j $j on $cpus CPUs does not warn once: $(cat over.err)"
grep -q "^pixpool: warning: -j $j is more workers than the $cpus CPUs\{0,1\} pixpool may use (affinity)" over.err ||
	fail "the warning does not say the CPUs and their source: $(cat over.err)"
[ "$(head -n 1 over.err | cut -c1-17)" = "pixpool: warning:" ] || fail "the warning is not first"

expect_exit 0 "$PIXPOOL" -q -j $j in -o out2 2>quiet.err
[ -s quiet.err ] && fail "-q still warns: $(cat quiet.err)"
expect_exit 0 "$PIXPOOL" -j "$cpus" in -o out3 --no-progress 2>fits.err
grep -q warning fits.err && fail "a pool that fits warns: $(cat fits.err)"
expect_exit 0 "$PIXPOOL" --engine serial -j $j in -o out4 --no-progress 2>serial.err
grep -q warning serial.err && fail "the serial engine warns about -j: $(cat serial.err)"

# Static cuts give each of 20 workers at least one image, so all 20 have a row.
expect_exit 0 "$PIXPOOL" -j 20 --schedule static in -o out5 --no-progress 2>fold.err
rows=$(grep -cE '^ +[0-9]+ +[0-9]+ ' fold.err)
[ "$rows" = 8 ] || fail "the folded table shows $rows numbered workers, not 8: $(cat fold.err)"
grep -q '^  \.\.\. 12 more workers \.\.\.$' fold.err || fail "no line for the 12 folded workers"
for stat in min median max; do
	grep -qE "^ +$stat +[0-9]" fold.err || fail "the folded table has no $stat row"
done
expect_exit 0 "$PIXPOOL" -v -j 20 --schedule static in -o out6 --no-progress 2>all.err
[ "$(grep -cE '^ +[0-9]+ +[0-9]+ ' all.err)" = 20 ] || fail "-v does not show every worker"
exit 0
