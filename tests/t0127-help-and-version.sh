# help and version are commands; every command answers --help; the version
# printed is the one src/base/version.h defines.
. "$(dirname "$0")/lib.sh"

version=$(sed -n 's/^#define PIXPOOL_VERSION "\(.*\)"$/\1/p' "$TOP/src/base/version.h")
[ -n "$version" ] || fail "no PIXPOOL_VERSION in src/base/version.h"
for args in --version version "-f grayscale --version"; do
	# shellcheck disable=SC2086
	got=$("$PIXPOOL" $args) || fail "pixpool $args failed"
	[ "$got" = "pixpool $version" ] || fail "pixpool $args said '$got', not 'pixpool $version'"
done

# pixpool help: run's help, then every command with a line of its own.
expect_exit 0 "$PIXPOOL" help >help
expect_exit 0 "$PIXPOOL" --help >run-help
head -n "$(wc -l <run-help)" help | cmp -s - run-help || fail "pixpool help does not start with --help"
for verb in run bench filters info help version; do
	grep -q "^  $verb  " help || fail "pixpool help does not list $verb"
	expect_exit 0 "$PIXPOOL" help $verb >verb-help
	expect_exit 0 "$PIXPOOL" $verb --help >verb-own
	cmp -s verb-help verb-own || fail "pixpool help $verb is not pixpool $verb --help"
	grep -q "^usage: pixpool" verb-own || fail "pixpool $verb --help shows no usage"
done
"$PIXPOOL" info --help | grep -q -- "--max-pixels" || fail "info --help lists no options"
[ "$(ls -A | sort | tr '\n' ' ')" = "help run-help verb-help verb-own " ] ||
	fail "help wrote files: $(ls -A)"
