# Every command-line mistake is one message, "pixpool: WHAT: WHAT WENT WRONG",
# with the closest valid name when one is close, exit 2, and nothing written.
. "$(dirname "$0")/lib.sh"

mkdir work && cd work || fail "cannot make a work folder"
echo "not a folder" >afile

# says WANT CMD...: CMD exits 2, says WANT in the one form, and writes nothing.
says() {
	want=$1
	shift
	ls -A >"$SCRATCH/before"
	"$PIXPOOL" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err"
	status=$?
	[ $status = 2 ] || fail "exit $status, not 2: $*: $(cat "$SCRATCH/err")"
	first=$(head -n 1 "$SCRATCH/err")
	[ "$first" = "pixpool: $want" ] ||
		fail "'$*' said '$first', not 'pixpool: $want'"
	case $first in
	"pixpool: "?*": "?*) ;;
	*) fail "'$first' is not 'pixpool: WHAT: WHAT WENT WRONG'" ;;
	esac
	grep -q -- "$PIXPOOL" "$SCRATCH/err" && fail "'$*' named the binary's path: $first"
	[ ! -s "$SCRATCH/out" ] || fail "'$*' printed on stdout: $(cat "$SCRATCH/out")"
	ls -A >"$SCRATCH/after"
	cmp -s "$SCRATCH/before" "$SCRATCH/after" || fail "'$*' left files: $(ls -A)"
}

# Did you mean, for each kind of name.
says "filtres: unknown command; did you mean 'filters'?" filtres
says "bnech: unknown command; did you mean 'bench'?" bnech "$SAMPLES"
says "inof: unknown command; did you mean 'info'?" help inof
says "-f gray: unknown filter 'gray'; did you mean 'grayscale'? ('pixpool filters' lists them)" \
	-f gray "$SAMPLES" -o out
says "-f blur:sigam=2: filter blur has no parameter 'sigam'; did you mean 'sigma'?" \
	-f blur:sigam=2 "$SAMPLES" -o out
says "-f flip:axis=hh: filter flip: axis must be one of h, v, not 'hh'; did you mean 'h'?" \
	-f flip:axis=hh "$SAMPLES" -o out
says "--qualty: unknown option; did you mean '--quality'?" --qualty 80 "$SAMPLES" -o out
says "--qualty: unknown option; did you mean '--quality'?" "$SAMPLES" --qualty=80 -o out
says "--jsno: unknown option; did you mean '--json'?" bench --jsno b.json "$SAMPLES"
says "--max-pixles: unknown option; did you mean '--max-pixels'?" info --max-pixles 3 "$SAMPLES"
says "--engine proces: must be one of serial, process, openmp; did you mean 'process'?" \
	--engine proces "$SAMPLES" -o out
# The older spelling is still taken, and named by the word the manual uses.
says "--engine proces: must be one of serial, process, openmp; did you mean 'process'?" \
	--backend proces "$SAMPLES" -o out
says "--channel shn: must be one of pipe, shm; did you mean 'shm'?" --channel shn "$SAMPLES" -o out
says "--channel shn: must be one of pipe, shm; did you mean 'shm'?" --ipc shn "$SAMPLES" -o out
says "--schedule dynamci: must be one of dynamic, static, lpt; did you mean 'dynamic'?" \
	--schedule dynamci "$SAMPLES" -o out
says "--strip exfi: must be one of exif, xmp, icc, gps; did you mean 'exif'?" \
	--strip=exif,exfi "$SAMPLES" -o out
says "--engine opnmp: must be one of serial, process, openmp; did you mean 'openmp'?" \
	bench -b process,opnmp "$SAMPLES"
# Without a close name, the full list.
says "--format gif: must be one of same, jpg, png, bmp, tga, pnm, avif, webp, tiff" --format gif "$SAMPLES" -o out
says "--engine threads: must be one of serial, process, openmp" --engine threads "$SAMPLES" -o out
says "photos: no such command, file or folder (commands: run, bench, filters, info, help, version, report)" \
	photos -o out
says "-f sparkle: unknown filter 'sparkle' ('pixpool filters' lists them)" -f sparkle "$SAMPLES" -o out
says "-f blur:radius=2: filter blur has no parameter 'radius': it takes sigma" \
	-f blur:radius=2 "$SAMPLES" -o out

# getopt's mistakes, in the same form, for run, bench and info.
says "-x: unknown option" -x "$SAMPLES" -o out
says "-o: needs a value" "$SAMPLES" -o
says "--output: needs a value" "$SAMPLES" --output
says "--p: ambiguous option: could be --pin, --png-level, --profile, --progress" --p "$SAMPLES" -o out
says "--pin: takes no value, not '2'" --pin=2 "$SAMPLES" -o out
says "--repeat: needs a value" bench "$SAMPLES" --repeat
says "-z: unknown option" bench -z "$SAMPLES"
says "-q: unknown option" info -q "$SAMPLES"
says "x: unexpected argument: 'pixpool filters' takes none" filters x
says "-j 0: must be between 1 and 4096" -j 0 "$SAMPLES" -o out
says "-j many: not a number" -j many "$SAMPLES" -o out
says "-o: no output folder given (-o DIR)" "$SAMPLES"

# Up front, before any image is read: the output folder and the manifest.
says "-o afile: is a file, not a folder" "$SAMPLES" -o afile
says "-o '': an empty name is no folder" "$SAMPLES" -o ""
says "-o afile/sub: 'afile' is a file, not a folder" "$SAMPLES" -o afile/sub
says "--manifest nowhere/m.json: its folder nowhere: does not exist" \
	"$SAMPLES" -o out --manifest nowhere/m.json
mkdir adir.json
says "--manifest adir.json: is a folder, not a file" "$SAMPLES" -o out/deep --manifest adir.json
says "--json nowhere/b.json: its folder nowhere: does not exist" bench --json nowhere/b.json "$SAMPLES"
says "-o afile: is a file, not a folder" bench -o afile "$SAMPLES"
# A manifest in the output folder, which does not exist yet, is fine.
expect_exit 0 "$PIXPOOL" -q "$SAMPLES" -o fresh --manifest fresh/m.csv
[ -s fresh/m.csv ] || fail "no manifest in the output folder"

# A read-only output folder fails up front, without reading an image. Root
# ignores permission bits, so the folder is made read-only by a read-only
# bind mount, or else by the immutable flag.
mkdir ro
if mount --bind -o ro ro ro 2>/dev/null; then
	how=mount
elif chattr +i ro 2>/dev/null; then
	how=chattr
else
	how=
	echo "skipped: no read-only bind mount nor immutable flag here" >&2
fi
if [ -n "$how" ]; then
	"$PIXPOOL" -v "$SAMPLES" -o ro 2>"$SCRATCH/err"
	status=$?
	[ "$how" = mount ] && umount ro
	[ "$how" = chattr ] && chattr -i ro
	[ $status = 2 ] || fail "read-only output folder: exit $status, not 2"
	grep -q "^pixpool: -o ro: cannot write in this folder: " "$SCRATCH/err" ||
		fail "read-only output folder: $(cat "$SCRATCH/err")"
	[ "$(wc -l <"$SCRATCH/err")" = 2 ] || fail "more than one error: $(cat "$SCRATCH/err")"
	[ -z "$(ls -A ro)" ] || fail "the read-only folder holds $(ls -A ro)"
fi

# An input that exists is an input, even when it is called like a command.
mkdir -p version && cp "$SAMPLES/png/camera.png" version/ || fail "cannot copy"
expect_exit 0 "$PIXPOOL" -q version -o vout
[ -f vout/camera.png ] || fail "the folder 'version' was not taken as an input"
mkdir -p filtres && cp "$SAMPLES/png/camera.png" filtres/ || fail "cannot copy"
expect_exit 0 "$PIXPOOL" -q filtres -o fout
[ -f fout/camera.png ] || fail "the folder 'filtres' was not taken as an input"
