#!/bin/sh
# --include and --exclude: matched on the path mirrored under -o, the first
# matching rule deciding, in the order given; a pattern without '/' matches
# the file name at any depth, one with '/' the whole path; '**' crosses
# folders. What is excluded is counted, never failed.
. "$(dirname "$0")/lib.sh"

mkdir -p tree/a/b tree/raw/x || fail "cannot make the tree"
cp "$SAMPLES/png/horse.png" tree/a/b/h.png &&
	cp "$SAMPLES/png/horse.png" tree/a/h.png &&
	cp "$SAMPLES/jpeg/rocket.jpg" tree/a/b/r.jpg &&
	cp "$SAMPLES/png/camera.png" tree/raw/x/c.png &&
	cp "$SAMPLES/png/camera.png" tree/c.png || fail "cannot copy the samples"

# taken WANT RULES...: runs over tree with RULES; fails unless exactly the
# outputs WANT (space-separated, sorted) are written and the rest counted
# as excluded.
taken() {
	want=$1
	shift
	rm -rf out
	"$PIXPOOL" --no-progress "$@" tree -o out 2>err || fail "$*: exit $?: $(cat err)"
	got=$(cd out && find . -type f ! -name .pixpool-settings | sed 's|^\./||' | sort | tr '\n' ' ')
	[ "$got" = "$want " ] || fail "$*: wrote '$got', not '$want '"
	excluded=$((5 - $(echo $want | wc -w)))
	[ $# = 0 ] || grep -q "not walked, $excluded excluded$" err || fail "$*: excluded count: $(cat err)"
	grep -q ' 0 failed' err || fail "$*: failures: $(cat err)"
}

all='a/b/h.png a/b/r.jpg a/h.png c.png raw/x/c.png'
taken "$all"
taken "$all" --include '*.png'
taken 'a/b/h.png a/h.png c.png raw/x/c.png' --exclude '*.jpg'
# The first matching rule wins: the same two rules in the other order.
taken 'a/b/r.jpg' --include '*.jpg' --exclude '*'
expect_exit 1 "$PIXPOOL" --exclude '*' --include '*.jpg' tree -o order 2>order.err
grep -q 'no images found (.*, 5 excluded)' order.err || fail "exclude first: $(cat order.err)"
# Without '/': the name at any depth; with '/': the whole path, anchored.
taken 'a/b/h.png a/b/r.jpg a/h.png' --exclude c.png
taken 'a/b/h.png a/b/r.jpg a/h.png raw/x/c.png' --exclude /c.png
taken 'a/b/h.png a/b/r.jpg c.png raw/x/c.png' --exclude a/h.png
taken "$all" --exclude h.png/x
taken 'a/b/h.png a/b/r.jpg c.png raw/x/c.png' --exclude 'a/*'
# '*' never crosses '/', '**' does, and a '**' component may be no folder at all.
taken 'a/b/h.png a/b/r.jpg a/h.png c.png' --exclude 'raw/**'
taken 'a/h.png c.png raw/x/c.png' --exclude '**/b/*'
taken 'a/b/h.png a/h.png' --include 'a/**/h.png' --exclude '*'
taken 'a/b/r.jpg c.png raw/x/c.png' --exclude '**/h.png'
taken 'a/b/h.png a/h.png c.png raw/x/c.png' --exclude '**.jpg'
taken 'c.png raw/x/c.png' --include '[cr]*.png' --exclude '*'
# Repeated rules of one kind, and an include after an exclude that already decided.
taken 'a/b/h.png a/h.png' --exclude '*.jpg' --exclude 'c.png' --include 'c.png'
taken 'a/h.png c.png raw/x/c.png' --include a/h.png --exclude 'a/**' --include 'raw/x/c.png' --exclude raw/x/c.png

# Everything excluded: nothing to do, said so.
expect_exit 1 "$PIXPOOL" --exclude '*' tree -o none 2>none.err
grep -q 'no images found (.*, 5 excluded)' none.err || fail "all excluded: $(cat none.err)"

# A broken photo left out is not a failure; taken, it is one.
printf '\377\330\377\340 not a JPEG' >tree/a/broken.jpg
expect_exit 1 "$PIXPOOL" -q tree -o broken 2>/dev/null
"$PIXPOOL" -q --exclude broken.jpg tree -o broken 2>/dev/null || fail "an excluded broken file failed the run"

# Several inputs: the rules see each input's name, as the outputs do.
rm -rf out
"$PIXPOOL" -q --include 'b/*.png' --exclude '*' tree/a/b tree/raw -o out || fail "several inputs"
[ "$(cd out && find . -type f ! -name .pixpool-settings)" = ./b/h.png ] || fail "several inputs: $(find out)"

# The rules apply to --files-from's paths too.
(cd tree && find . -type f -print0 | "$PIXPOOL" -q --files-from - -0 --exclude '**/b/**' --exclude '*.jpg' \
	--exclude broken.jpg -o ../listed) || fail "--files-from with rules"
[ "$(cd listed && find . -type f ! -name .pixpool-settings | sort | tr '\n' ' ')" = "./a/h.png ./c.png ./raw/x/c.png " ] ||
	fail "--files-from with rules: $(find listed)"

# A pattern naming a folder matches no file: a usage error saying what to write.
expect_exit 2 "$PIXPOOL" --exclude raw/ tree -o u1 2>u1.err
grep -q "^pixpool: --exclude raw/: patterns match files; for what lies in a folder, write raw/\*\*$" u1.err ||
	fail "trailing slash: $(cat u1.err)"
expect_exit 2 "$PIXPOOL" --include '' tree -o u2 2>/dev/null
[ ! -e u1 ] && [ ! -e u2 ] || fail "a usage error wrote something"
exit 0
