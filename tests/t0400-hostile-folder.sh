# A folder of hostile and broken files (HEIC and AVIF among them) beside good
# photos: every good photo is written exactly as in a run of the good ones
# alone; every bad file is reported
# once, by its escaped name, with its true cause; nothing partial is left; a FIFO
# and a link to /dev/zero named like photos are passed over; and whatever sizes
# the files claim, the run ends in bounded time and memory. Exit 1.
. "$(dirname "$0")/lib.sh"
need_backend serial process openmp

# make_sources DIR: chelsea in every format pixpool reads, and camera.png.
make_sources() {
	for ext in jpg png bmp tga pnm webp; do
		"$PIXPOOL" -q --format $ext "$TOP/tests/data/chelsea.png" -o conv ||
			fail "cannot convert chelsea.png to $ext"
		mkdir -p "$1" && mv conv/chelsea.$ext "$1/" || fail "cannot move chelsea.$ext"
	done
	cp "$TOP/tests/data/camera.png" "$1/" || fail "cannot copy camera.png"
	heif-enc -q 60 -o "$1/chelsea.heic" "$TOP/tests/data/chelsea.png" >/dev/null ||
		fail "heif-enc cannot make chelsea.heic (libheif-examples)"
	"$PIXPOOL" -q --format avif "$TOP/tests/data/chelsea.png" -o conv &&
		mv conv/chelsea.avif "$1/" || fail "cannot convert chelsea.png to avif"
}

make_sources src
mkdir good bad || fail "cannot create folders"
python3 "$TOP/tests/make-hostile.py" src good bad expected || fail "cannot build the files"
"$PIXPOOL" -q -f grayscale good -o clean 2>err || fail "good photos alone: $(cat err)"

mkdir hostile
cp -R good bad hostile/ || fail "cannot copy the files"
# A photo made 3 GB by a hole at its end, a FIFO, and a device that never ends.
cp src/chelsea.jpg hostile/bad/sparse.jpg && truncate -s 3G hostile/bad/sparse.jpg ||
	fail "cannot make a sparse file"
printf 'sparse.jpg\tJPEG of 451x300 in a file of 3221225472 bytes, more than such an image needs\n' \
	>>expected
mkfifo hostile/bad/fifo.jpg || fail "cannot make a FIFO"
ln -s /dev/zero hostile/bad/zero.jpg || fail "cannot link to /dev/zero"

good_count=$(ls -q good | wc -l)	# -q: a name with a newline is one line
bad_count=$(wc -l <expected)
esc=$(printf '\033')
for backend in serial process openmp; do
	backend_wanted $backend || continue
	rm -rf out
	timeout 120 /usr/bin/time -v -o time.txt "$PIXPOOL" -b $backend -j 2 --follow-symlinks \
		-f grayscale hostile -o out 2>err
	status=$?
	[ $status = 1 ] || fail "$backend: exit $status, not 1: $(cat err)"
	diff -r -x .pixpool-settings clean out/good || fail "$backend: good photos differ from a run of them alone"
	[ -z "$(find out -path '*/bad/*')" ] || fail "$backend: output for a bad file: $(find out/bad)"
	[ -z "$(find out -name '.*' ! -path out/.pixpool-settings)" ] || fail "$backend: temporary files left: $(find out -name '.*')"
	while IFS='	' read -r name reason; do
		n=$(grep -cF "pixpool: hostile/bad/$name: $reason" err)
		[ "$n" = 1 ] || fail "$backend: $name reported $n times with '$reason': $(cat err)"
	done <expected
	n=$(grep -c '^pixpool: hostile/' err)
	[ "$n" = "$bad_count" ] || fail "$backend: $n failures reported, not $bad_count"
	! grep -q "$esc" err || fail "$backend: an escape character reached the terminal"
	grep -q "$((good_count + bad_count)) images: $good_count ok, $bad_count failed; skipped 2 non-image files" err ||
		fail "$backend: counts wrong: $(tail -n 6 err)"
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' time.txt)
	[ "${rss:-0}" -gt 0 ] && [ "$rss" -lt 1048576 ] || fail "$backend: peak memory $rss KiB"
done
