#!/bin/sh
# --files-from: the listed files, one a line or NUL-separated (-0), from a
# file or stdin, each mirrored under -o as listed; names with spaces and
# newlines; every entry that cannot be taken named once, the rest written.
. "$(dirname "$0")/lib.sh"

nl='
'
mkdir -p in/a/b "in/sp ace" || fail "cannot make the tree"
cp "$SAMPLES/png/horse.png" in/a/b/horse.png &&
	cp "$SAMPLES/jpeg/rocket.jpg" "in/sp ace/rocket one.jpg" &&
	cp "$SAMPLES/png/camera.png" "in/new${nl}line.png" &&
	cp "$SAMPLES/png/chelsea.png" in/a/chelsea.png &&
	cp "$SAMPLES/LICENSES.md" in/notes.md || fail "cannot copy the samples"
"$PIXPOOL" -q -f grayscale in -o ref || fail "reference run failed"

# nfiles DIR: the files under DIR, counted by NUL so that a newline in a name counts once.
nfiles() {
	find "$1" -type f -print0 | tr -dc '\0' | wc -c | tr -d ' '
}

# same_outputs A B: A and B hold the same files (same_tree reads names by lines).
same_outputs() {
	[ "$(nfiles "$1")" = "$(nfiles "$2")" ] || fail "$1 and $2 hold different files"
	for f in a/b/horse.png a/chelsea.png "sp ace/rocket one.jpg" "new${nl}line.png" .pixpool-settings; do
		cmp -s "$1/$f" "$2/$f" || fail "$f differs between $1 and $2"
	done
}

# NUL-separated from stdin, as find -print0 writes it: the tree is kept.
(cd in && find . -type f -name '*.*g' -print0 |
	"$PIXPOOL" -q -f grayscale --files-from - -0 -o ../nul-stdin) || fail "-0 from stdin failed"
same_outputs ref nul-stdin

# NUL-separated from a file, with --null.
(cd in && find . -type f -name '*.*g' -print0) >list0 || fail "cannot list"
(cd in && "$PIXPOOL" -q -f grayscale --files-from ../list0 --null -o ../nul-file) ||
	fail "--null from a file failed"
same_outputs ref nul-file

# One a line: "./" and "//" dropped, a CRLF ending and empty lines taken in stride.
printf './a/b/horse.png\r\n\na//chelsea.png\nsp ace/rocket one.jpg\n\n' >list
(cd in && "$PIXPOOL" -f grayscale --files-from ../list -o ../lines 2>../lines.err) ||
	fail "a list of lines failed: $(cat lines.err)"
for f in a/b/horse.png a/chelsea.png "sp ace/rocket one.jpg"; do
	cmp -s "ref/$f" "lines/$f" || fail "lines: $f differs"
done
[ "$(nfiles lines)" = 4 ] || fail "lines: not 3 outputs and the settings"
grep -q '3 images: 3 ok, 0 failed' lines.err || fail "lines: $(cat lines.err)"

# Lines from stdin, with paths through the tree given as they are.
printf 'in/a/chelsea.png\nin/a/b/horse.png' | "$PIXPOOL" -q -f grayscale --files-from - -o deep ||
	fail "lines from stdin failed"
cmp -s ref/a/chelsea.png deep/in/a/chelsea.png || fail "stdin: chelsea differs"
cmp -s ref/a/b/horse.png deep/in/a/b/horse.png || fail "stdin: the unterminated last line was lost"

# An absolute path is mirrored without its leading '/'.
printf '%s\n' "$PWD/in/a/chelsea.png" | "$PIXPOOL" -q -f grayscale --files-from - -o abs ||
	fail "an absolute path failed"
cmp -s ref/a/chelsea.png "abs$PWD/in/a/chelsea.png" || fail "absolute: not mirrored under -o"

# Entries that cannot be taken: each named with its cause, the others written, exit 1.
long=$(head -c 5000 /dev/zero | tr '\0' x)
printf '%s\n' in/a/chelsea.png in/missing.png in/a in/notes.md /dev/null \
	in/a/../a/b/horse.png ../escape.png "$long" "in/$(printf '\033[31mred').png" \
	in/a/b/horse.png >bad
expect_exit 1 "$PIXPOOL" -f grayscale --files-from bad -o badout 2>bad.err
cat >bad.want <<EOF
pixpool: in/missing.png: No such file or directory
pixpool: in/a: a folder: --files-from takes files (find FOLDER -type f lists them)
pixpool: in/notes.md: not an image pixpool reads (JPEG, PNG, ... or LAST)
pixpool: /dev/null: not a regular file
pixpool: in/a/../a/b/horse.png: '..' in the path: its output would lie outside the output folder; list the file without '..'
pixpool: ../escape.png: '..' in the path: its output would lie outside the output folder; list the file without '..'
pixpool: bad: line 8: longer than PATH_MAX (4096 bytes): not read
pixpool: in/\\x1b[31mred.png: No such file or directory
EOF
# The list of formats grows with the format table: its ends are what is checked.
grep '^pixpool: ' bad.err | grep -v '^pixpool: 2 images' |
	sed 's/(JPEG, PNG, [^)]* or [A-Za-z]*)$/(JPEG, PNG, ... or LAST)/' >bad.got
diff -u bad.want bad.got || fail "bad entries not named as expected"
grep -q '2 images: 2 ok, 0 failed; .* 8 not walked' bad.err || fail "bad: summary: $(cat bad.err)"
cmp -s ref/a/chelsea.png badout/in/a/chelsea.png || fail "bad: chelsea not written"
cmp -s ref/a/b/horse.png badout/in/a/b/horse.png || fail "bad: horse not written"
[ ! -e escape.png ] && [ -z "$(find . -name escape.png)" ] || fail "an output escaped -o"

# A NUL in a list of lines means -0 was forgotten.
(cd in && find . -name '*.png' -print0) | "$PIXPOOL" -q --files-from - -o nul-lines 2>nul-lines.err
grep -q '^pixpool: stdin: line 1: holds a NUL byte: a list of names ending in NUL needs -0$' nul-lines.err ||
	fail "NUL in lines: $(cat nul-lines.err)"

# Files inside the output folder are never inputs, however they are listed.
(cd in && "$PIXPOOL" -q -f grayscale . -o out) || fail "run into in/out failed"
(cd in && find . -name '*.png' -print0 | "$PIXPOOL" -f grayscale --files-from - -0 -o out \
	--manifest ../inside.csv 2>../inside.err)
grep -q '^pixpool: ./out/a/chelsea.png: inside the output folder: outputs are never inputs$' inside.err ||
	fail "inside the output folder: $(cat inside.err)"
grep -q 'out/out' inside.csv && fail "an output was taken as input"

# The manifest holds every listed name whole, whatever its bytes.
rm -rf in/out
(cd in && find . -type f -name '*.*g' -print0 |
	"$PIXPOOL" -q --files-from - -0 -o ../m --manifest ../m.json) || fail "manifest run failed"
python3 - m.json <<'EOF' || fail "manifest names"
import json, sys
inputs = sorted(r["input"] for r in json.load(open(sys.argv[1]))["images"])
want = sorted(["./a/b/horse.png", "./a/chelsea.png", "./new\nline.png", "./sp ace/rocket one.jpg"])
assert inputs == want, inputs
EOF

# Usage errors write nothing.
expect_exit 2 "$PIXPOOL" --files-from list in -o u1 2>/dev/null
expect_exit 2 "$PIXPOOL" -0 in -o u2 2>/dev/null
expect_exit 2 "$PIXPOOL" --files-from no-such-list -o u3 2>u3.err
grep -q "^pixpool: --files-from: no-such-list: cannot read: No such file or directory" u3.err ||
	fail "missing list: $(cat u3.err)"
[ ! -e u1 ] && [ ! -e u2 ] && [ ! -e u3 ] || fail "a usage error wrote something"
exit 0
