# What a damaged or truncated file gives (its output bytes, or its reason) depends
# on that file alone: the same on every backend, and the same whether it ran in a
# fresh worker or right after a large photo in the same worker, whose freed
# buffers the allocator hands back.
. "$(dirname "$0")/lib.sh"
need_backend serial process openmp

for ext in jpg png bmp tga pnm webp; do
	"$PIXPOOL" -q --format $ext "$TOP/tests/data/chelsea.png" -o conv ||
		fail "cannot convert chelsea.png to $ext"
	mkdir -p src && mv conv/chelsea.$ext src/ || fail "cannot move chelsea.$ext"
done
cp "$TOP/tests/data/camera.png" src/ || fail "cannot copy camera.png"
heif-enc -q 60 -o src/chelsea.heic "$TOP/tests/data/chelsea.png" >/dev/null ||
	fail "heif-enc cannot make chelsea.heic (libheif-examples)"
"$PIXPOOL" -q --format avif "$TOP/tests/data/chelsea.png" -o conv && mv conv/chelsea.avif src/ ||
	fail "cannot convert chelsea.png to avif"
mkdir good bad || fail "cannot create folders"
python3 "$TOP/tests/make-hostile.py" src good bad expected || fail "cannot build the files"

# One folder per file: alone/NN/FILE, and after/NN/0-big.jpg then after/NN/FILE
# (the walk goes in byte order, and every name of a file here starts with a
# lowercase letter).
i=0
for f in good/damaged-* bad/*; do
	i=$((i + 1))
	d=$(printf '%02d' $i)
	mkdir -p alone/$d after/$d && cp "$f" alone/$d/ && cp "$f" after/$d/ &&
		cp "$SAMPLES/jpeg/hubble_deep_field.jpg" after/$d/0-big.jpg || fail "cannot copy $f"
done
[ $i -gt 20 ] || fail "only $i files"

# reasons ERR PREFIX: the failure lines of ERR, without PREFIX, sorted.
reasons() {
	sed -n "s|^pixpool: $2/||p" "$1" | grep -v '^[0-9]* images' | sort
}

for d in alone/*; do
	"$PIXPOOL" -q -b serial -j 1 --format png "$d" -o "ref/${d#alone/}" 2>>err-alone
done
# The settings file of each run is not an output of its files.
find ref -name .pixpool-settings -delete
find ref -type d -empty -delete
reasons err-alone alone >want
[ "$(wc -l <want)" -ge 20 ] || fail "too few failures: $(cat err-alone)"
for backend in serial process openmp; do
	backend_wanted $backend || continue
	"$PIXPOOL" -q -b $backend -j 1 --format png after -o out-$backend 2>err-$backend
	rm -f out-$backend/*/0-big.png out-$backend/.pixpool-settings
	find out-$backend -type d -empty -delete
	diff -r ref out-$backend || fail "$backend: outputs differ after a large photo"
	reasons err-$backend after | diff -u want - || fail "$backend: reasons differ after a large photo"
done
