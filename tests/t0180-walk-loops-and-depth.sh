# Following links, a loop is named once and not walked, and every image is
# processed once however many links lead back to its folder; an entry nested
# too deep, a dangling link and a missing input are each named once with the
# cause. Any of those makes the exit status 1: they are files the user asked
# for that were not processed. Hidden files, other files and links not
# followed are not errors: they are counted, and the exit status stays 0.
. "$(dirname "$0")/lib.sh"

mkdir -p in/sub
cp "$SAMPLES"/jpeg/rocket.jpg in/
cp "$SAMPLES"/png/camera.png in/sub/
ln -s .. in/sub/up
ln -s . in/self
ln -s . in/again
ln -s nowhere.jpg in/gone.jpg
deep=in
for i in $(seq 63); do deep=$deep/d; done
mkdir -p "$deep/d"
cp "$SAMPLES"/png/horse.png "$deep/ok.png"	# 64 levels below in: walked
cp "$SAMPLES"/png/horse.png "$deep/d/deep.png"	# 65: too deep

timeout 60 "$PIXPOOL" -j 2 --follow-symlinks in -o out 2>err
status=$?
[ $status = 124 ] && fail "the walk did not finish"
[ $status = 1 ] || fail "exit $status, not 1: $(cat err)"

printf '%s\n' "out/${deep#in/}/ok.png" out/rocket.jpg out/sub/camera.png | sort >want
find out -type f ! -path out/.pixpool-settings | sort >got
diff -u want got || fail "not one output per image"

once() {
	n=$(grep -c "^pixpool: $1: $2" err)
	[ "$n" = 1 ] || fail "$1 reported $n times, not once with '$2': $(cat err)"
}
once in/sub/up "a loop"
once in/self "a loop"
once in/again "a loop"
once in/gone.jpg "dangling symbolic link"
once "$deep/d/deep.png" "more than 64 levels below the input"
[ "$(grep -c '^pixpool: in/' err)" = 5 ] || fail "more than the five skips named: $(cat err)"
grep -q "3 images: 3 ok, 0 failed; skipped 0 non-image files, 0 hidden, 0 links, 5 not walked" err ||
	fail "summary: $(cat err)"

# A missing input is named once; the other input is still processed.
timeout 60 "$PIXPOOL" -q in/rocket.jpg missing.jpg -o out2 2>err
status=$?
[ $status = 1 ] || fail "missing input: exit $status, not 1"
[ "$(cat err)" = "pixpool: missing.jpg: No such file or directory" ] || fail "missing input: $(cat err)"
[ -s out2/rocket.jpg ] || fail "missing input: the other input was not processed"

# Hidden files, other files and links not followed are skipped without error.
mkdir in2
cp "$SAMPLES"/jpeg/rocket.jpg in2/
cp "$SAMPLES"/jpeg/rocket.jpg in2/.hidden.jpg
echo notes >in2/notes.txt
ln -s rocket.jpg in2/link.jpg
ln -s . in2/self
timeout 60 "$PIXPOOL" in2 -o out3 2>err
status=$?
[ $status = 0 ] || fail "skipping by policy: exit $status, not 0: $(cat err)"
grep -q "^pixpool: in2/" err && fail "skipping by policy named a file: $(cat err)"
grep -q "1 images: 1 ok, 0 failed; skipped 1 non-image file, 1 hidden, 2 links, 0 not walked" err ||
	fail "skipping by policy: summary: $(cat err)"
[ "$(count_files out3)" = 1 ] || fail "skipping by policy: $(find out3 -type f)"
