#!/bin/sh
# --keep-dates gives each output its input's modification and access times, to
# the nanosecond where the file system keeps them, under every engine and
# channel; --skip-existing finds such outputs done (not older than their
# inputs), and an input touched since is made again. Without it, an output has
# the time it was written.
. "$(dirname "$0")/lib.sh"
need_backend serial process openmp
export TZ=UTC

mkdir in && cp -R "$SAMPLES/jpeg" "$SAMPLES/png" in/ || fail "cannot copy the samples"
# Dates no run could give by writing, one of them in nanoseconds.
touch -m -d '2001-02-03 04:05:06.123456789' in/jpeg/rocket.jpg
touch -a -d '2002-03-04 05:06:07.987654321' in/jpeg/rocket.jpg
touch -d '1999-12-31 23:59:59' in/png/horse.png

# same_dates OUT: every output's times are its input's (modification and access).
same_dates() {
	for f in jpeg/rocket jpeg/retina jpeg/hubble_deep_field png/camera png/chelsea png/horse; do
		ext=${f%%/*}
		[ "$ext" = jpeg ] && ext=jpg
		[ "$(stat -c %y "$1/$f.$ext")" = "$(stat -c %y "in/$f.$ext")" ] ||
			fail "$1/$f.$ext: modified $(stat -c %y "$1/$f.$ext"), not $(stat -c %y "in/$f.$ext")"
	done
	[ "$(stat -c %x "$1/jpeg/rocket.jpg")" = "2002-03-04 05:06:07.987654321 +0000" ] ||
		[ "$(stat -c %x "$1/jpeg/rocket.jpg")" = "$(stat -c %x in/jpeg/rocket.jpg)" ] ||
		fail "$1/jpeg/rocket.jpg: accessed $(stat -c %x "$1/jpeg/rocket.jpg")"
}

for run in serial process:pipe process:shm openmp; do
	e=${run%%:*}
	backend_wanted $e || continue
	ch=pipe
	[ "$run" != "$e" ] && ch=${run#*:}
	out=out-$e-$ch
	expect_exit 0 "$PIXPOOL" -q -e $e --channel $ch --keep-dates -f grayscale in -o $out
	same_dates $out

	# Done: every image found so.
	expect_exit 0 "$PIXPOOL" -q -e $e --channel $ch --keep-dates -f grayscale \
		--skip-existing in -o $out --manifest $out.csv
	[ "$(statuses $out.csv | grep -c ',exists$')" = 6 ] ||
		fail "$run: not all found done: $(statuses $out.csv)"
done

# An input edited after its output was made is made again, and only it.
first=$(ls -d out-* | head -n 1)
touch -m -d '2001-02-03 04:05:06.123456790' in/jpeg/rocket.jpg
expect_exit 0 "$PIXPOOL" -q --keep-dates -f grayscale --skip-existing in -o $first --manifest again.csv
[ "$(status_of again.csv rocket)" = ok ] || fail "a touched input was not made again"
[ "$(statuses again.csv | grep -c ',exists$')" = 5 ] || fail "others made again: $(statuses again.csv)"
same_dates $first

# Without --keep-dates: the time of writing.
expect_exit 0 "$PIXPOOL" -q in -o now
[ "$(stat -c %Y now/png/horse.png)" -gt "$(stat -c %Y in/png/horse.png)" ] ||
	fail "an output without --keep-dates has its input's date"
