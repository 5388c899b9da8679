#!/bin/sh
# resize:size= takes mogrify's geometry and makes ImageMagick's sizes: for
# every flag, on images smaller and larger than the box, each output has
# the size `convert -resize` gives. thumbnail never enlarges; a cover cut
# to its box is the box; two spellings of one geometry are one setting for
# --skip-existing, and another geometry is refused there.
. "$(dirname "$0")/lib.sh"
command -v convert >/dev/null && command -v identify >/dev/null ||
	fail "needs ImageMagick's convert and identify (Debian: imagemagick; make test-deps)"

mkdir in
for size in 640x480 300x200 200x300 1000x100 7x5; do
	convert -size "$size" gradient:red-blue "in/$size.png" || fail "cannot make a $size image"
done

# size_of FILE: its width x height, as ImageMagick reads it.
size_of() {
	identify -format '%wx%h' "$1" || fail "identify cannot read $1"
}

for g in 800 x800 800x x100 800x800 '800x800^' '800x800!' '800x800>' '800x800<' 400x400 \
	'400x400^' '400x400>' '400x400<' '250x250!' '250x250!>' '400^' 'x100<' '400x>' 50% \
	33.3% 150% 50x25% x50%; do
	rm -rf out
	expect_exit 0 "$PIXPOOL" -q -f "resize:size=$g" in -o out
	for f in in/*.png; do
		want=$(convert "$f" -resize "$g" -format '%wx%h' info:) ||
			fail "convert -resize $g failed on $f"
		got=$(size_of "out/${f#in/}")
		[ "$got" = "$want" ] ||
			fail "resize:size=$g made $got of $(basename "$f" .png); convert -resize makes $want"
	done
done

# thumbnail never enlarges, whatever the geometry: no side grows.
for g in 800 800x800 '800x800^' '250x250!' 150% 'x300' '300x300^,crop=entropy'; do
	rm -rf out
	expect_exit 0 "$PIXPOOL" -q -f "thumbnail:size=$g" in -o out
	for f in in/*.png; do
		in_w=$(size_of "$f" | cut -dx -f1) in_h=$(size_of "$f" | cut -dx -f2)
		got=$(size_of "out/${f#in/}")
		[ "${got%x*}" -le "$in_w" ] && [ "${got#*x}" -le "$in_h" ] ||
			fail "thumbnail:size=$g enlarged $(basename "$f" .png) to $got"
	done
done

# A cover cut to its box is the box, or as much of it as a thumbnail has.
expect_exit 0 "$PIXPOOL" -q -f 'resize:400x400^,crop=centre' in -o square
expect_exit 0 "$PIXPOOL" -q -f 'thumbnail:300x300^,crop=entropy' in -o thumbs
for f in in/*.png; do
	name=${f#in/}
	[ "$(size_of "square/$name")" = 400x400 ] ||
		fail "resize:400x400^,crop=centre made $(size_of "square/$name") of $name"
	case $name in
	7x5.png) want=7x5 ;;
	1000x100.png) want=300x100 ;;
	640x480.png) want=300x300 ;;
	*) want=${name%.png} ;;
	esac
	[ "$(size_of "thumbs/$name")" = "$want" ] ||
		fail "thumbnail:300x300^,crop=entropy made $(size_of "thumbs/$name") of $name, not $want"
done
expect_exit 2 "$PIXPOOL" -q -f 'thumbnail:300x300,crop=entropy' in -o refused 2>refused.err
grep -q "crop cuts what a cover overflows" refused.err || fail "crop without a cover: $(cat refused.err)"
[ ! -e refused ] || fail "a refused chain wrote refused/"

# One geometry, two spellings: the same settings; another geometry: refused.
expect_exit 0 "$PIXPOOL" -q -f 'resize:800x600!' in -o web
grep -q '^filter resize:size=800x600!,kernel=lanczos3,fast=0,crop=none$' web/.pixpool-settings ||
	fail "settings: $(cat web/.pixpool-settings)"
expect_exit 0 "$PIXPOOL" -q --skip-existing -f resize:width=800,height=600 --manifest again.csv \
	in -o web
[ "$(grep -c ',exists,' again.csv)" = 5 ] || fail "the same geometry spelt otherwise made images again"
expect_exit 2 "$PIXPOOL" -q --skip-existing -f 'resize:800x600' in -o web 2>other.err
grep -q "made with filter 'resize:size=800x600!,kernel=lanczos3,fast=0,crop=none', not 'resize:size=800x600,kernel=lanczos3,fast=0,crop=none'" other.err ||
	fail "another geometry: $(cat other.err)"
echo "ok: geometries sized as ImageMagick's, thumbnails never enlarged, covers cut, settings kept"
