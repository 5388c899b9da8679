# A usage error exits 2, says what is wrong, and writes nothing.
. "$(dirname "$0")/lib.sh"

refused() {
	want=$1
	shift
	"$PIXPOOL" "$@" 2>err
	status=$?
	[ $status = 2 ] || fail "exit $status, not 2: $*"
	grep -q -- "$want" err || fail "'$*' did not say '$want': $(cat err)"
	[ ! -e out ] || fail "'$*' created the output folder"
}

refused "unknown filter 'sparkle'" -f grayscale,sparkle "$SAMPLES" -o out
refused "has no parameter 'radius'" -f grayscale:radius=2 "$SAMPLES" -o out
refused "-o: no output folder given" -f grayscale "$SAMPLES"
refused "no input" -f grayscale -o out
refused "-j 0: must be between 1" -j 0 "$SAMPLES" -o out
refused "-j many: not a number" -j many "$SAMPLES" -o out
refused "--format gif: must be one of" --format gif "$SAMPLES" -o out
refused "--quality 101: must be between 1 and 100" --quality 101 "$SAMPLES" -o out
refused "--engine threads: must be one of" --engine threads "$SAMPLES" -o out
refused "--manifest" --manifest out.txt "$SAMPLES" -o out
refused "pixpool: --frobnicate: unknown option" --frobnicate "$SAMPLES" -o out

# --help is not an error, and lists every option.
expect_exit 0 "$PIXPOOL" --help >help
for opt in --output --filter --jobs --engine --channel --schedule --pin --format --quality \
	--no-autoorient --follow-symlinks --max-pixels --timeout --manifest --quiet --verbose \
	--dry-run --version; do
	grep -q -- "$opt" help || fail "--help does not mention $opt"
done
